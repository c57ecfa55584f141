"""The printable register (print.md): the whole Art. 30 record on one page, for paper or PDF.

The controller record and the processor record as on their own pages, then every
processing activity's Art. 30(1) entry, limb by limb.
"""

from __future__ import annotations

from registry.outputs.site import register as reg
from registry.outputs.site.markup import table, text
from registry.outputs.site.pages.context import Context


def add_print_page(ctx: Context) -> None:
    page = "print.md"
    inv = ctx.inv
    out = [f"# {text(ctx.site_name)}\n"]
    out.append(
        f"Record of processing activities under Article 30 GDPR, as of "
        f"{ctx.result.as_of.isoformat()}"
        + (f", inventory last changed {text(ctx.last_change)}" if ctx.last_change else "")
        + ". Print this page or save it as PDF from the browser.\n"
    )
    out.append("## Controller record (Art. 30(1))\n")
    out.append(reg.controller_record(ctx.record, page, heading="###"))
    out.append("## Processor record (Art. 30(2))\n")
    out.append(reg.processor_record(ctx.record, page, heading="###"))
    out.append("## Processing activities in detail\n")
    for ident in sorted(inv.activities):
        activity = inv.activities[ident]
        out.append(f"### {text(activity.label)}\n")
        row = reg.controller_row(ctx.record, ctx.record.activities[ident], page)
        rows = [[h, c] for h, c in zip(reg.CONTROLLER_COLUMNS[1:], row[1:], strict=True)]
        out.append(table(["Limb", "Entry"], rows))
    ctx.site.add(page, "Print the register", "\n".join(out), wide=True)
