"""`ropa export`: the register in the ICO, CNIL or Art. 30(2) layout, or as full JSON."""

from __future__ import annotations

import argparse
import sys

from registry.cli.commands.common import record, write_output
from registry.core.errors import CannotRun
from registry.outputs.report import terminal_safe


def run(args: argparse.Namespace) -> int:
    """Export the register as it is. Entries with schema errors are written with what
    validated and marked (a last column, or ``invalid`` in JSON); only `ropa check`
    passes or fails an inventory, so this says so on stderr and succeeds."""
    from registry.outputs.export import ExportError, export_register

    template = args.template or ("full" if args.format == "json" else "ico")
    if args.format == "xlsx" and args.out is None:
        raise CannotRun("an XLSX workbook is binary: give --out FILE")
    judged = record(args)
    problems = judged.inventory.problems
    try:
        data = export_register(
            judged.record, fmt=args.format, template=template, record=args.record, org=args.org
        )
    except ExportError as error:
        if not problems:
            raise
        # What is missing may be what a schema error kept out: say where to look.
        raise ExportError(
            f"{error} (the inventory has {len(problems)} schema error(s): run `ropa check`)"
        ) from None
    write_output(data, args.out)
    if problems:
        unread = sorted({p.pos.file for p in problems if not p.entity_id})
        print(
            terminal_safe(
                f"ropa: the inventory has {len(problems)} schema error(s) (first: "
                f"{problems[0].pos}: {problems[0].message}); entries concerned are exported "
                "with what validated and marked invalid"
                + (
                    f"; what {', '.join(unread[:3])}{' …' if len(unread) > 3 else ''} "
                    "could not give is missing"
                    if unread
                    else ""
                )
                + ". `ropa check` lists them all."
            ),
            file=sys.stderr,
        )
    return 0
