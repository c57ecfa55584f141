"""`ropa impact SYSTEM`: breach impact of one system (Art. 33/34)."""

from __future__ import annotations

import argparse
import json

from registry.cli import UsageError
from registry.cli.commands.common import as_of, load, write_output


def run(args: argparse.Namespace) -> int:
    from registry.lineage.impact import impact, impact_markdown
    from registry.lineage.trace import UnknownEntity

    inventory = load(args)
    try:
        result = impact(inventory, args.system, as_of(args))
    except UnknownEntity as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    else:
        text = impact_markdown(result)
    write_output(text, args.out)
    return 0
