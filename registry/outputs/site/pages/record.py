"""The Art. 30 record itself: the controller record, the processor record, the transfers.

register.md is the controller record (Art. 30(1)), one table per controller and one row per
processing activity; processors.md is the processor record (Art. 30(2)); transfers.md lists
every flow leaving the EEA with its safeguard (Chapter V), by country and mechanism, and
draws them. The tables themselves come from :mod:`registry.outputs.site.register`.
"""

from __future__ import annotations

from registry.core.vocabulary import countries
from registry.outputs.site import cards, labels
from registry.outputs.site import register as reg
from registry.outputs.site.markup import link, table, text
from registry.outputs.site.pages.context import Context
from registry.outputs.site.register import country_anchor, joined, ref


def open_findings(ctx: Context) -> dict[str, int]:
    """Activity id → its open findings (not covered by a waiver)."""
    found: dict[str, int] = {}
    for finding in ctx.result.findings:
        if finding.entity_kind == "Activity" and not finding.waived_by:
            found[finding.entity_id] = found.get(finding.entity_id, 0) + 1
    return found


def add_records(ctx: Context) -> None:
    """The controller record (register.md) and the processor record (processors.md)."""
    intro = (
        "One card per processing activity, in the order of their references, with the "
        "items of Art. 30(1) in the order of the CNIL's record (the letters are its "
        "limbs); a table lists them first, one line each. Recipients, transfers and "
        "security measures are derived from the declared flows and systems; every entry "
        "links to its evidence.\n"
    )
    ctx.site.add(
        "register.md",
        "Controller record (Art. 30(1))",
        "# Record of processing activities — controller (Art. 30(1))\n\n"
        + intro
        + "\n"
        + cards.controller_record(
            ctx.record, "register.md", open_findings(ctx), history=ctx.history
        ),
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
        "with its safeguards and the evidence for them. Adequacy "
        f"decisions as reviewed on {lists.reviewed}.\n"
    )
    out.append("## By country and safeguard {#by-country}\n")
    out.append(
        table(
            ["Country", "Safeguard", "Transfers"],
            [
                [link(labels.country(c), page, page, country_anchor(c)), text(m), str(n)]
                for (c, m), n in transfer_summary(moved).items()
            ],
            empty="No data leaves the EEA.",
        )
    )
    by_country: dict[str, list] = {}
    for entry, t in moved:
        by_country.setdefault(t.country, []).append((entry, t))
    for country, found in sorted(by_country.items()):
        out.append(f"## {labels.country(country)} {{#{country_anchor(country)}}}\n")
        adequacy = lists.adequacy_of(country)
        out.append(
            "Adequacy (Art. 45): "
            + (text(labels.ADEQUACY[adequacy]) if adequacy else "none")
            + ".\n"
        )
        rows = []
        for entry, t in found:
            via = [ref(inv, "Flow", f, page) for f in t.flows]
            via += [ref(inv, "System", s, page) for s in t.systems]
            rows.append(
                [
                    ref(inv, "Activity", entry.id, page),
                    ref(inv, "Organisation", t.organisation, page)
                    if t.organisation
                    else text(t.recipient),
                    text(t.safeguard) if t.mechanisms else f"**{text(t.safeguard)}**",
                    reg.transfer_evidence(ctx.record, entry, t, page),
                    joined(via),
                ]
            )
        out.append(table(["Activity", "Recipient", "Safeguard", "Evidence", "By"], rows))
    out.append("## Diagram\n")
    out.append(ctx.draw(inv, "transfers", page))
    ctx.site.add(page, "Transfers outside the EEA", "\n".join(out), wide=True)


def transfer_summary(moved: list) -> dict[tuple[str, str], int]:
    """(country, safeguard in words) → number of transfers, sorted by country."""
    summary: dict[tuple[str, str], int] = {}
    for _, t in moved:
        key = (t.country, labels.mechanisms(t.mechanisms))
        summary[key] = summary.get(key, 0) + 1
    return dict(sorted(summary.items()))
