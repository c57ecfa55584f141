"""`ropa graph`: one view of the lineage as Graphviz DOT or SVG."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import load, write_output
from registry.core.errors import CannotRun


def run(args: argparse.Namespace) -> int:
    from registry.outputs.render import RenderError, ViewError, dot_to_svg, parse_view, view_dot

    try:
        parse_view(args.view)  # a bad view name fails before the inventory is read
    except ViewError as error:
        raise CannotRun(str(error)) from None
    inventory = load(args)
    try:
        dot = view_dot(inventory, args.view)
        text = dot_to_svg(dot, timeout=args.timeout) if args.format == "svg" else dot
    except (ViewError, RenderError) as error:
        raise CannotRun(str(error)) from None
    write_output(text, args.out)
    return 0
