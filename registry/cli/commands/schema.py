"""`ropa schema`: the JSON Schema of the inventory, for editors."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import write_output
from registry.outputs.schema import render


def run(args: argparse.Namespace) -> int:
    write_output(render(), getattr(args, "out", None))
    return 0
