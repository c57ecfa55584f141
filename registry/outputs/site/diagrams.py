"""Lineage diagrams as inline SVG, or a clear note when none can be drawn.

The SVG comes from Graphviz, fed with DOT whose labels the renderer escapes and
whose links are built from kinds and ids only (``registry.outputs.urls``), relative to
the page that shows the diagram.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Callable

from registry.core.inventory import Inventory
from registry.outputs.urls import entity_path

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


def dot_for(inventory: Inventory, view: str, page: str) -> str:
    """The DOT of ``view`` with links relative to ``page``; a note (HTML) if it has none.

    Raises ImportError when this ropa has no renderer.
    """
    from registry.outputs.render import RenderError, view_dot

    prefix = url_prefix(page)
    try:
        return view_dot(
            inventory, view, url_for=lambda kind, ident: prefix + entity_path(kind, ident)
        )
    except RenderError as error:
        return note(f"Diagram unavailable: {error}")


def svg_for(dot: str) -> str:
    """DOT → the diagram's HTML (notes pass through)."""
    if dot.startswith("<p "):
        return dot
    from registry.outputs.render import RenderError, dot_to_svg

    try:
        return embed(dot_to_svg(dot))
    except RenderError as error:
        return note(f"Diagram unavailable: {error}")


def diagram(inventory: Inventory, view: str, page: str) -> str:
    """HTML for the lineage diagram ``view`` as shown on ``page``."""
    try:
        return svg_for(dot_for(inventory, view, page))
    except ImportError:
        return note("Lineage diagrams are not available in this version of ropa.")


def embed(svg: str) -> str:
    """The SVG as one raw HTML block: no XML prolog, comments or blank lines
    (a blank line would end the HTML block in Markdown)."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    body = "\n".join(line for line in body.splitlines() if line.strip())
    return f'<div class="ropa-diagram">\n{body}\n</div>\n'


class DiagramBatch:
    """Collects the diagrams a build asks for, then draws them all at once.

    Graphviz runs as one subprocess per diagram: drawing from a thread pool uses
    every core, and a large inventory has thousands of pages with a diagram. The
    DOT is made first, in this thread (it reads the inventory's caches).
    """

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str]] = []  # (view, page)

    def placeholder(self, inventory: Inventory, view: str, page: str) -> str:
        self.jobs.append((view, page))
        # Inventory text cannot produce this: '<' is always escaped in it.
        return f"<!-- ropa:diagram:{len(self.jobs) - 1} -->"

    def draw_all(self, inventory: Inventory) -> list[str]:
        from concurrent.futures import ThreadPoolExecutor

        try:
            dots = [dot_for(inventory, view, page) for view, page in self.jobs]
        except ImportError:
            unavailable = note("Lineage diagrams are not available in this version of ropa.")
            return [unavailable] * len(self.jobs)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return list(pool.map(svg_for, dots))
