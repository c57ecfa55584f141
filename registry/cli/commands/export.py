"""`ropa export`: the register in the ICO, CNIL or Art. 30(2) layout, or as full JSON."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import record, write_output
from registry.core.errors import CannotRun


def run(args: argparse.Namespace) -> int:
    from registry.outputs.export import export_register

    template = args.template or ("full" if args.format == "json" else "ico")
    if args.format == "xlsx" and args.out is None:
        raise CannotRun("an XLSX workbook is binary: give --out FILE")
    judged = record(args)
    inventory = judged.inventory
    if inventory.problems:
        first = inventory.problems[0]
        raise CannotRun(
            f"{first.pos}: {first.message} — the inventory has {len(inventory.problems)} "
            "schema error(s); run `ropa check` and fix them before exporting"
        )
    data = export_register(
        judged.record, fmt=args.format, template=template, record=args.record, org=args.org
    )
    write_output(data, args.out)
    return 0
