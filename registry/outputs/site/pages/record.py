"""The Art. 30 record itself: the controller record, the processor record, the transfers.

register.md is the controller record (Art. 30(1)), one table per controller and one row per
processing activity; processors.md is the processor record (Art. 30(2)); transfers.md lists
every flow leaving the EEA with its safeguard (Chapter V), by country and mechanism, and
draws them. The tables themselves come from :mod:`registry.outputs.site.register`.
"""

from __future__ import annotations

from registry.core.vocabulary import countries
from registry.outputs.site import register as reg
from registry.outputs.site.markup import table, text
from registry.outputs.site.pages.context import Context
from registry.outputs.site.register import ref, ref_end


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
        + reg.controller_record(ctx.inv, "register.md"),
        wide=True,
    )
    ctx.site.add(
        "processors.md",
        "Processor record (Art. 30(2))",
        "# Record of processing activities — processor (Art. 30(2))\n\n"
        "Every organisation that processes personal data on behalf of a controller in "
        "this inventory: for whom, which processing, where the data goes, under which "
        "contract.\n\n" + reg.processor_record(ctx.inv, "processors.md"),
        wide=True,
    )


def add_transfers(ctx: Context) -> None:
    page = "transfers.md"
    inv = ctx.inv
    moved = sorted(
        reg.transfers(inv, inv.flows.values()),
        key=lambda t: (
            t.country or "",
            t.flow.transfer.mechanism if t.flow.transfer else "",
            t.flow.id,
        ),
    )
    lists = countries()
    out = ["# Transfers outside the EEA (Chapter V)\n"]
    out.append(
        "Every flow whose destination is hosted outside the European Economic Area, with "
        f"its safeguard. Adequacy decisions as reviewed on {lists.reviewed}.\n"
    )
    summary: dict[tuple[str, str], int] = {}
    for t in moved:
        mechanism = (
            t.flow.transfer.mechanism.value
            if t.flow.transfer
            else ("none" if t.needs_mechanism else "adequacy")
        )
        key = (t.country or "unknown", mechanism)
        summary[key] = summary.get(key, 0) + 1
    out.append("## By country and mechanism\n")
    out.append(
        table(
            ["Country", "Mechanism", "Flows"],
            [[text(c), text(m), str(n)] for (c, m), n in sorted(summary.items())],
            empty="No flow leaves the EEA.",
        )
    )
    out.append("## Every transfer\n")
    rows = []
    for t in moved:
        flow = t.flow
        adequacy = lists.adequacy_of(t.country) if t.country else None
        rows.append(
            [
                ref(inv, "Flow", flow.id, page),
                ref(inv, "Activity", flow.activity, page),
                ref_end(inv, flow.source, page),
                ref_end(inv, flow.to, page),
                text(t.country or "unknown"),
                text(adequacy.value if adequacy else "none"),
                text(f"{flow.transfer.mechanism.value} ({flow.transfer.mechanism.article})")
                if flow.transfer
                else ("**missing**" if t.needs_mechanism else ""),
                text(flow.transfer.reference or "") if flow.transfer else "",
            ]
        )
    out.append(
        table(
            ["Flow", "Activity", "From", "To", "Country", "Adequacy", "Mechanism", "Reference"],
            rows,
            empty="No flow leaves the EEA.",
        )
    )
    out.append("## Diagram\n")
    out.append(ctx.draw(inv, "transfers", page))
    ctx.site.add(page, "Transfers outside the EEA", "\n".join(out), wide=True)
