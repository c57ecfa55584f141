"""The printable register (print.md): the whole Art. 30 record on one page, for paper or PDF.

The controller record as on its own page (the summary table, then one card per activity,
each starting a new sheet when printed), then the processor record.
"""

from __future__ import annotations

from registry.outputs.site import cards
from registry.outputs.site import register as reg
from registry.outputs.site.markup import text
from registry.outputs.site.pages.context import Context
from registry.outputs.site.pages.record import open_findings


def add_print_page(ctx: Context) -> None:
    page = "print.md"
    out = [f"# {text(ctx.site_name)}\n"]
    out.append(
        f"Record of processing activities under Article 30 GDPR, as of "
        f"{ctx.result.as_of.isoformat()}"
        + (f", inventory last changed {text(ctx.last_change)}" if ctx.last_change else "")
        + ". Print this page or save it as PDF from the browser: each processing activity "
        "starts a new page.\n"
    )
    out.append("## Controller record (Art. 30(1))\n")
    out.append(
        cards.controller_record(
            ctx.record, page, open_findings(ctx), heading="###", history=ctx.history
        )
    )
    out.append("## Processor record (Art. 30(2)) {.ropa-new-page}\n")
    out.append(reg.processor_record(ctx.record, page, heading="###"))
    ctx.site.add(page, "Print the register", "\n".join(out), wide=True)
