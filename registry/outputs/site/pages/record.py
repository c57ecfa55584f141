"""The Art. 30 record itself: the controller record, the processor record, the transfers.

register.md is the controller record (Art. 30(1)), one table per controller and one row per
processing activity; processors.md is the processor record (Art. 30(2)); transfers.md lists
every flow leaving the EEA with its safeguard (Chapter V), by country and mechanism, and
draws them. The tables themselves come from :mod:`registry.outputs.site.register`.
"""

from __future__ import annotations

from registry.core.vocabulary import countries
from registry.outputs.site import labels
from registry.outputs.site import register as reg
from registry.outputs.site.markup import table, text
from registry.outputs.site.pages.context import Context
from registry.outputs.site.register import joined, ref


def add_records(ctx: Context) -> None:
    """The controller record (register.md) and the processor record (processors.md)."""
    intro = (
        "One table per controller, one row per processing activity. The letters are "
        "the limbs of Art. 30(1); recipients, transfers and security measures are "
        "derived from the declared flows and systems. Click a column header to sort.\n"
    )
    ctx.site.add(
        "register.md",
        "Controller record (Art. 30(1))",
        "# Record of processing activities — controller (Art. 30(1))\n\n"
        + intro
        + "\n"
        + reg.controller_record(ctx.record, "register.md"),
        wide=True,
    )
    ctx.site.add(
        "processors.md",
        "Processor record (Art. 30(2))",
        "# Record of processing activities — processor (Art. 30(2))\n\n"
        "Every organisation that processes personal data on behalf of a controller in "
        "this inventory: for whom, which processing, where the data goes, under which "
        "contract.\n\n" + reg.processor_record(ctx.record, "processors.md"),
        wide=True,
    )


def add_transfers(ctx: Context) -> None:
    page = "transfers.md"
    inv = ctx.inv
    moved = reg.transfers(ctx.record)
    lists = countries()
    out = ["# Transfers outside the EEA (Chapter V)\n"]
    out.append(
        "Every activity's data reaching a country outside the European Economic Area, "
        "by a flow, by a system a processor hosts there or by access from there to a system, "
        "with its safeguards. Adequacy "
        f"decisions as reviewed on {lists.reviewed}.\n"
    )
    summary: dict[tuple[str, str], int] = {}
    for _, t in moved:
        key = (t.country, labels.mechanisms(t.mechanisms))
        summary[key] = summary.get(key, 0) + 1
    out.append("## By country and mechanism\n")
    out.append(
        table(
            ["Country", "Mechanism", "Transfers"],
            [[text(c), text(m), str(n)] for (c, m), n in sorted(summary.items())],
            empty="No data leaves the EEA.",
        )
    )
    out.append("## Every transfer\n")
    rows = []
    for entry, t in moved:
        adequacy = lists.adequacy_of(t.country)
        via = [ref(inv, "Flow", f, page) for f in t.flows]
        via += [ref(inv, "System", s, page) for s in t.systems]
        rows.append(
            [
                ref(inv, "Activity", entry.id, page),
                ref(inv, "Organisation", t.organisation, page)
                if t.organisation
                else text(t.recipient),
                text(t.country),
                text(adequacy.value if adequacy else "none"),
                text(t.safeguard) if t.mechanisms else f"**{text(t.safeguard)}**",
                joined(via),
            ]
        )
    out.append(
        table(
            ["Activity", "Recipient", "Country", "Adequacy", "Safeguard", "By"],
            rows,
            empty="No data leaves the EEA.",
        )
    )
    out.append("## Diagram\n")
    out.append(ctx.draw(inv, "transfers", page))
    ctx.site.add(page, "Transfers outside the EEA", "\n".join(out), wide=True)
