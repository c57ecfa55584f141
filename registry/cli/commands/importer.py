"""`ropa import`: an existing register (ICO/CNIL spreadsheet, Fides manifests) into YAML."""

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
    try:
        result = import_register(args.source, source, Path(args.out), template=args.template)
    except ImportFailure as error:
        raise CannotRun(f"cannot import {args.input}: {error}") from None
    sys.stdout.write(result.report)
    return 0
