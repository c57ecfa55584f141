"""Lineage diagrams on the site: a figure with the picture, its caption and legend.

The SVG comes from Graphviz, fed with DOT whose labels the renderer escapes and
whose links are built from kinds and ids only (``registry.outputs.urls``), relative to
the page that shows the diagram. The picture is drawn without its caption: the title,
summary and legend are HTML under it, readable at any zoom and never cut off.

The SVG keeps Graphviz's ``viewBox`` and states its natural size in pixels, so the
stylesheet fits it to the page (``max-width: 100%``); the site's script
(``assets/ropa/ropa-diagrams.js``) then lets the reader zoom and pan it, and opens
a narrow screen on what the page is about (the nodes of class ``focus``).
"""

from __future__ import annotations

import html
import math
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from registry.core.inventory import Inventory
from registry.outputs.urls import entity_path

if TYPE_CHECKING:
    from registry.outputs.render import Drawing, Key, SvgCache

DiagramFunction = Callable[[Inventory, str, str], str]

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Graphviz states the picture's size in points; the site wants pixels (1 pt = 4/3 px).
_SIZE = re.compile(r'\A<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def note(message: str) -> str:
    return f'<p class="ropa-diagram-note">{html.escape(message)}</p>\n'


def url_prefix(page: str) -> str:
    """From the page built from ``page`` (a Markdown path) back to the site root."""
    stem = page[: -len(".md")]
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
    depth = len([part for part in stem.split("/") if part])
    return "../" * depth


def dot_for(inventory: Inventory, view: str, page: str) -> Drawing | str:
    """``view`` drawn without its caption, links relative to ``page``; a note (HTML)
    when it cannot be.

    Raises ImportError when this ropa has no renderer.
    """
    from registry.outputs.render import RenderError, view_drawing

    prefix = url_prefix(page)
    try:
        return view_drawing(
            inventory,
            view,
            url_for=lambda kind, ident: prefix + entity_path(kind, ident),
            captioned=False,
        )
    except RenderError as error:
        return note(f"Diagram unavailable: {error}")


def svg_for(drawing: Drawing | str, cache: SvgCache | None = None) -> str:
    """A drawing → the diagram's HTML (notes pass through); drawn by Graphviz unless
    ``cache`` has the SVG of the same DOT."""
    if isinstance(drawing, str):
        return drawing
    if drawing.empty:
        return figure(drawing, "")
    from registry.outputs.render import RenderError, dot_to_svg

    try:
        return figure(drawing, embed(dot_to_svg(drawing.dot, cache=cache)))
    except RenderError as error:
        return note(f"Diagram unavailable: {error}")


def diagram(inventory: Inventory, view: str, page: str) -> str:
    """HTML for the lineage diagram ``view`` as shown on ``page``."""
    try:
        return svg_for(dot_for(inventory, view, page))
    except ImportError:
        return note("Lineage diagrams are not available in this version of ropa.")


def embed(svg: str) -> str:
    """The SVG element alone, with no XML prolog, comments or blank lines (a blank line
    would end the HTML block in Markdown), sized in pixels so that it can shrink."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    body = "\n".join(line for line in body.splitlines() if line.strip())

    def pixels(match: re.Match[str]) -> str:
        width, height = (math.ceil(float(n) * 4 / 3) for n in match.groups())
        return f'<svg width="{width}" height="{height}"'

    return _SIZE.sub(pixels, body, count=1)


def figure(drawing: Drawing, svg: str) -> str:
    """The picture in its frame, then its title, summary and legend: one HTML block."""
    notes = "".join(f"<br>{html.escape(n)}" for n in drawing.notes)
    frame = (
        f'<div class="ropa-diagram-frame" role="group" aria-label="{html.escape(drawing.title)}">'
        f"\n{svg}\n</div>\n"
        if svg
        else ""
    )
    return (
        '<div class="ropa-diagram">\n'
        f"{frame}"
        '<div class="ropa-diagram-caption">\n'
        f"<p><strong>{html.escape(drawing.title)}</strong>{notes}</p>\n"
        f"{legend(drawing.keys) if svg else ''}"
        "</div>\n</div>\n"
    )


def legend(keys: list[Key]) -> str:
    """The legend as a list, each line with a small picture drawn as the diagram draws it."""
    items = "".join(
        f'<li>{sample(key)}<span>{html.escape(key.text)}</span></li>' for key in keys
    )
    return f'<p class="ropa-legend-title">Legend</p>\n<ul class="ropa-legend">{items}</ul>\n'


def sample(key: Key) -> str:
    """A 36 × 16 picture of one legend key (our markup only: no inventory text)."""
    colour, fill = html.escape(key.colour), html.escape(key.fill)
    if key.sample in ("line", "dashed"):
        dash = ' stroke-dasharray="5 3"' if key.sample == "dashed" else ""
        shape = (
            f'<line x1="2" y1="8" x2="34" y2="8" stroke="{colour}" '
            f'stroke-width="{key.width}"{dash}/>'
        )
    elif key.sample == "oval":
        shape = f'<ellipse cx="18" cy="8" rx="16" ry="6.5" fill="{fill}" stroke="{colour}"/>'
    elif key.sample == "box3d":
        shape = (
            f'<rect x="2" y="5" width="28" height="9" fill="{fill}" stroke="{colour}"/>'
            f'<path d="M2 5l3-3h28v9l-3 3M30 5l3-3" fill="none" stroke="{colour}"/>'
        )
    else:
        dash = ' stroke-dasharray="3 2"' if key.style == "dashed" else ""
        radius = "" if key.style == "square" else ' rx="3"'
        shape = (
            f'<rect x="2" y="2" width="32" height="12"{radius} fill="{fill}" '
            f'stroke="{colour}" stroke-width="{key.width}"{dash}/>'
        )
    return (
        '<svg class="ropa-legend-sample" width="36" height="16" viewBox="0 0 36 16" '
        f'aria-hidden="true">{shape}</svg>'
    )


class DiagramBatch:
    """Collects the diagrams a build asks for, then draws them all at once.

    Graphviz runs as one subprocess per diagram: drawing from a thread pool uses
    every core, and a large inventory has thousands of pages with a diagram. The
    DOT is made first, in this thread (it reads the inventory's caches); with a
    cache folder, only a diagram whose DOT changed since the last build is drawn.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.jobs: list[tuple[str, str]] = []  # (view, page)
        self.cache_dir = cache_dir  # SVG kept by content hash between builds (None: none)
        self.cache: SvgCache | None = None

    def placeholder(self, inventory: Inventory, view: str, page: str) -> str:
        self.jobs.append((view, page))
        # Inventory text cannot produce this: '<' is always escaped in it.
        return f"<!-- ropa:diagram:{len(self.jobs) - 1} -->"

    def draw_all(self, inventory: Inventory) -> list[str]:
        from concurrent.futures import ThreadPoolExecutor

        try:
            drawings = [dot_for(inventory, view, page) for view, page in self.jobs]
        except ImportError:
            unavailable = note("Lineage diagrams are not available in this version of ropa.")
            return [unavailable] * len(self.jobs)
        if self.cache_dir is not None:
            from registry.outputs.render import SvgCache

            self.cache = SvgCache(self.cache_dir)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            drawn = list(pool.map(lambda d: svg_for(d, self.cache), drawings))
        if self.cache is not None:
            self.cache.prune()  # every diagram was asked for: the rest no page shows
        return drawn
