"""`ropa import`: an existing register (a spreadsheet, a Markdown register, Fides
manifests) into YAML; prints what was written, what is left, and the next command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registry.core.errors import CannotRun


def run(args: argparse.Namespace) -> int:
    from registry.importers import ImportFailure, import_register

    source = Path(args.input)
    if not source.exists():
        raise CannotRun(f"{args.input!r} does not exist")
    columns = Path(args.columns) if getattr(args, "columns", None) else None
    if columns is not None and not columns.is_file():
        raise CannotRun(f"--columns {args.columns!r} is not a file")
    try:
        result = import_register(
            args.source, source, Path(args.out), template=args.template, columns=columns
        )
    except ImportFailure as error:
        raise CannotRun(f"cannot import {args.input}: {error}") from None
    sys.stdout.write(result.summary())
    return 0
