"""`ropa check`: findings with file:line, in the format CI wants."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import load_and_check, write_output
from registry.outputs.report import FORMATS


def run(args: argparse.Namespace) -> int:
    result = load_and_check(args)
    write_output(FORMATS[args.format](result), args.out)
    return 1 if result.failed else 0
