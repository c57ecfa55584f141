"""The home page (index.md): what the register is, whether it passes, where to start.

The compliance status with the counts of errors, warnings and accepted risks; every
organisation with the roles it plays (controller, joint controller, processor, recipient)
and its data protection officer; the number of entries of each kind; and links to the
controller record, the findings, the downloads and the printable register.
"""

from __future__ import annotations

from typing import Any

from registry.core.model import KINDS
from registry.outputs.report import summary_counts
from registry.outputs.site import register as reg
from registry.outputs.site.markup import link, table, text
from registry.outputs.site.pages.context import PLURAL, Context
from registry.outputs.site.register import ref
from registry.outputs.urls import SECTIONS


def add_home(ctx: Context) -> None:
    page = "index.md"
    inv, result = ctx.inv, ctx.result
    counts = summary_counts(result)
    out = [f"# {text(ctx.site_name)}\n"]
    out.append(
        "The record of processing activities kept under Article 30 GDPR, generated from "
        "the inventory kept in version control"
        + (f"; last changed **{text(ctx.last_change)}**" if ctx.last_change else "")
        + f". Dates are judged as of **{result.as_of.isoformat()}**.\n"
    )
    out.append("## Compliance status\n")
    status = (
        "**The register fails its checks.**"
        if result.failed
        else "The register passes its checks (no error-level finding)."
    )
    out.append(status + "\n")
    out.append(
        table(
            ["Errors", "Warnings", "Accepted risks"],
            [
                [
                    link(str(counts["error"]), page, "findings.md", "errors"),
                    link(str(counts["warning"]), page, "findings.md", "warnings"),
                    link(str(counts["waived"]), page, "findings.md", "accepted-risks"),
                ]
            ],
        )
    )
    out.append("## Organisations\n")
    rows = []
    roles = reg.roles(ctx.record)
    rank = {"controller": 0, "joint controller": 1, "processor": 2, "recipient": 3}

    def order(org: Any) -> tuple:
        return (min((rank[r] for r in roles.get(org.id, ())), default=9), org.name, org.id)

    for org in sorted(inv.organisations.values(), key=order):
        dpo = org.dpo
        rows.append(
            [
                ref(inv, "Organisation", org.id, page),
                text(", ".join(sorted(roles.get(org.id, ())))),
                text(org.country or ""),
                text(", ".join(p for p in (dpo.name, dpo.email) if p)) if dpo else "",
            ]
        )
    out.append(table(["Organisation", "Role", "Country", "Data protection officer"], rows))
    out.append("## The register in numbers\n")
    rows = []
    for kind in KINDS:
        total = len(inv.by_kind[kind])
        builtin = sum(1 for e in inv.by_kind[kind] if (kind, e) in inv.builtin)
        count = str(total) + (f" ({builtin} from the default taxonomy)" if builtin else "")
        rows.append([link(PLURAL[kind], page, f"{SECTIONS[kind]}/index.md"), count])
    out.append(table(["Entries", "Count"], rows))
    special = sorted(
        {c for a in inv.activities.values() for c in a.data_categories if inv.special_of(c)}
    )
    moved = reg.transfers(ctx.record)
    processors = len(ctx.record.processors)
    out.append(
        f"Special categories processed: **{len(special)}**; transfers outside the EEA: "
        f"{link(f'**{len(moved)}**', page, 'transfers.md')}; organisations acting as "
        f"processor: {link(f'**{processors}**', page, 'processors.md')}.\n"
    )
    out.append("## Where to start\n")
    out.append(
        f"- {link('The controller record (Art. 30(1))', page, 'register.md')}: one row per "
        "processing activity, each cell linked to its evidence.\n"
        f"- {link('Findings', page, 'findings.md')}: what fails, the article, and how to fix "
        "it.\n"
        f"- {link('Downloads', page, 'downloads.md')} and "
        f"{link('a printable register', page, 'print.md')}.\n"
    )
    ctx.site.add(page, "Home", "\n".join(out))
