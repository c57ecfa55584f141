"""`ropa impact SYSTEM`: breach impact of one system (Art. 33/34)."""

from __future__ import annotations

import argparse
import json

from registry.cli.commands.common import record, write_output


def run(args: argparse.Namespace) -> int:
    from registry.lineage.impact import impact
    from registry.outputs.lineage_text import impact_markdown

    result = impact(record(args).record, args.system)
    if args.format == "json":
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    else:
        text = impact_markdown(result)
    write_output(text, args.out)
    return 0
