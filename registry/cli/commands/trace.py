"""`ropa trace CATEGORY`: every route a data category takes, to its last recipient."""

from __future__ import annotations

import argparse
import json

from registry.cli.commands.common import load, write_output


def run(args: argparse.Namespace) -> int:
    from registry.lineage.trace import require, trace
    from registry.outputs.lineage_text import trace_text
    from registry.outputs.render import dot_to_svg, view_dot

    inventory = load(args)
    require(inventory, "DataCategory", args.category)
    if args.format in ("dot", "svg"):
        dot = view_dot(inventory, f"category:{args.category}")
        text = dot_to_svg(dot, timeout=args.timeout) if args.format == "svg" else dot
    elif args.format == "json":
        text = json.dumps(trace(inventory, args.category), indent=2, ensure_ascii=False) + "\n"
    else:
        text = trace_text(trace(inventory, args.category))
    write_output(text, args.out)
    return 0
