"""`ropa graph`: one view of the lineage as Graphviz DOT or SVG."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import load, write_output


def run(args: argparse.Namespace) -> int:
    from registry.outputs.render import dot_to_svg, parse_view, view_dot

    parse_view(args.view)  # a bad view name fails before the inventory is read
    dot = view_dot(load(args), args.view)
    write_output(dot_to_svg(dot, timeout=args.timeout) if args.format == "svg" else dot, args.out)
    return 0
