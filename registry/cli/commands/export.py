"""`ropa export`: the register in the ICO, CNIL or Art. 30(2) layout, or as full JSON."""

from __future__ import annotations

import argparse

from registry.cli import UsageError
from registry.cli.commands.common import as_of, load, write_output


def run(args: argparse.Namespace) -> int:
    from registry.outputs.export import ExportError, export_register

    template = args.template or ("full" if args.format == "json" else "ico")
    if args.format == "xlsx" and args.out is None:
        raise UsageError("an XLSX workbook is binary: give --out FILE")
    inventory = load(args)
    if inventory.problems:
        first = inventory.problems[0]
        raise UsageError(
            f"{first.pos}: {first.message} — the inventory has {len(inventory.problems)} "
            "schema error(s); run `ropa check` and fix them before exporting"
        )
    try:
        data = export_register(
            inventory,
            fmt=args.format,
            template=template,
            record=args.record,
            org=args.org,
            as_of=as_of(args),
        )
    except ExportError as error:
        raise UsageError(str(error)) from None
    write_output(data, args.out)
    return 0
