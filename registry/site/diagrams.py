"""Lineage diagrams as inline SVG, or a clear note when none can be drawn.

The SVG comes from Graphviz, fed with DOT whose labels the renderer escapes and
whose links are built from kinds and ids only (``registry.urls``), relative to
the page that shows the diagram.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable

from registry.inventory import Inventory
from registry.urls import entity_path

DiagramFunction = Callable[[Inventory, str, str], str]

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def note(message: str) -> str:
    return f'<p class="ropa-diagram-note">{html.escape(message)}</p>\n'


def url_prefix(page: str) -> str:
    """From the page built from ``page`` (a Markdown path) back to the site root."""
    stem = page[: -len(".md")]
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
    depth = len([part for part in stem.split("/") if part])
    return "../" * depth


def diagram(inventory: Inventory, view: str, page: str) -> str:
    """HTML for the lineage diagram ``view`` as shown on ``page``."""
    try:
        from registry.render import RenderError, dot_to_svg, view_dot
    except ImportError:
        return note("Lineage diagrams are not available in this version of ropa.")
    prefix = url_prefix(page)
    try:
        dot = view_dot(
            inventory, view, url_for=lambda kind, ident: prefix + entity_path(kind, ident)
        )
        svg = dot_to_svg(dot)
    except RenderError as error:
        return note(f"Diagram unavailable: {error}")
    return embed(svg)


def embed(svg: str) -> str:
    """The SVG as one raw HTML block: no XML prolog, comments or blank lines
    (a blank line would end the HTML block in Markdown)."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    body = "\n".join(line for line in body.splitlines() if line.strip())
    return f'<div class="ropa-diagram">\n{body}\n</div>\n'
