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

import contextlib
import hashlib
import html
import math
import os
import posixpath
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from registry.core.inventory import Inventory
from registry.outputs.urls import entity_path

if TYPE_CHECKING:
    from registry.outputs.render import Drawing, Key, SvgCache
    from registry.outputs.render.inputs import ViewInputs

DiagramFunction = Callable[[Inventory, str, str], str]

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Graphviz states the picture's size in points; the site wants pixels (1 pt = 4/3 px).
_SIZE = re.compile(r'\A<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')
# Salts the SVG cache's key of a site diagram: kept as embedded, not as Graphviz wrote it.
_EMBEDDED = "--ropa-site-embedded-2"  # a new name when embed() writes otherwise


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
    """The SVG element alone, as small as it can be drawn the same: with no XML prolog,
    comments or line breaks (a blank line would end the HTML block in Markdown), sized
    in pixels so that it can shrink (:func:`compact` says what else goes)."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))

    def pixels(match: re.Match[str]) -> str:
        width, height = (math.ceil(float(n) * 4 / 3) for n in match.groups())
        return f'<svg width="{width}" height="{height}"'

    return compact(_SIZE.sub(pixels, body.strip(), count=1))


# What :func:`compact` rewrites: tags as Graphviz writes them (one element a line, a
# link always in a group of its own). Inventory text is escaped in them ('<' and '"'
# never appear raw in a text or an attribute value), so these only match Graphviz's.
_GROUP_ID = re.compile(r'<g id="[^"]*" class="([^"]*)">')
_LINK_GROUP = '<g id="a_'
_LINK_GROUP_ID = re.compile(r'<g id="a_[^"]*">(?=<a )')
_LINK_END = "</a>\n</g>"
_FLOW_LABEL = re.compile(
    r'<g id="[^"]*" class="node flow">\n<title>[^<]*</title>\n'
    r'<g id="a_[^"]*"><a xlink:href="([^"]*)"( xlink:title="[^"]*")?>'
)
# A linked line (half a flow's, or a merged one): its title ("System/a->Flow/b") and link.
_LINE = re.compile(
    r'<g id="[^"]*" class="edge">\n<title>[^<]*</title>\n'
    r'<g id="a_[^"]*"><a xlink:href="([^"]*)"( xlink:title="[^"]*")?>'
)
_SHAPE = re.compile(r"<(?:path|polygon|ellipse|polyline) [^>]*>")
_TEXT = re.compile(r'<text( xml:space="preserve")?( [^>]*>)([^<]*)</text>')
# Graphviz's two decimals (one is kept as it is); matched from the '.': far faster
_FRACTION = re.compile(r"(\.\d\d+)")
_WHOLE_END = re.compile(r"\d+\Z")
_FONT = ' font-family="Helvetica,sans-Serif"'  # ropa-diagrams.css sets it for every text
_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")  # not a text's own spaces: they have no break
_SVG_TAG = re.compile(r"\A<svg\b[^>]*>")  # Graphviz's own attributes only


def compact(svg: str) -> str:
    """Graphviz's SVG (as :func:`embed` has it) with the same picture and behaviour in
    fewer bytes; only what Graphviz writes itself is rewritten, never inventory text:

    - a flow's tooltip once, on its label: the two halves of its line (which link to
      the same page with the same tooltip) lose theirs, and ropa-diagrams.js gives it
      back to them from the label when the page loads;
    - no ``<title>`` on a linked line ("System/a->Flow/b", ids): its link's tooltip is
      what shows;
    - no ``id`` on groups and no group around each link (nothing refers to them; many
      diagrams on one page would repeat them);
    - the font family in the site's stylesheet; ``xml:space="preserve"`` only on a
      text whose spaces it keeps (a leading, trailing or doubled space, a tab or break);
    - coordinates to one decimal (a tenth of a point), ``11.00`` as ``11``;
    - no line breaks between elements.

    The nodes' and frames' ``<title>`` elements stay: they name the node or flow a
    text belongs to (the tests check the layout with them). Regular expressions over
    the whole text, not a loop over its lines: this runs on every diagram drawn.
    """
    # The tooltip of each flow's label, by the label's link: a line with the same link
    # and tooltip needs no copy of it (when no other label has that link: the script
    # finds the label by its link).
    titles: dict[str, set[str]] = {}
    for href, title in _FLOW_LABEL.findall(svg):
        titles.setdefault(href, set()).add(title)
    labels = {(href, *found) for href, found in titles.items() if len(found) == 1 and found}

    def line(match: re.Match[str]) -> str:
        href, title = match.group(1, 2)
        keep = title if title and (href, title) not in labels else ""
        return f'<g class="edge">\n<g id="a_"><a xlink:href="{href}"{keep}>'

    svg = _LINE.sub(line, svg)
    svg = _GROUP_ID.sub(r'<g class="\1">', svg)
    if svg.count(_LINK_GROUP) == svg.count(_LINK_END):  # as Graphviz writes every link
        svg = _LINK_GROUP_ID.sub("", svg).replace(_LINK_END, "</a>")
    svg = _SHAPE.sub(_rounded, svg.replace(_FONT, ""))
    svg = _TEXT.sub(_text, svg)
    svg = _SVG_TAG.sub(lambda tag: " ".join(tag.group(0).split()), svg, count=1)
    return _BETWEEN_TAGS.sub("><", svg)


def _rounded(match: re.Match[str]) -> str:
    return _round(match.group(0))


def _round(tag: str) -> str:
    """``tag`` with each number of two decimals or more to one, half up (on the digits:
    ``-391.55`` → ``-391.6``, ``9.96`` → ``10``)."""
    parts = _FRACTION.split(tag)  # text, fraction, text, … (the pattern has one group)
    rounded = list(map(_TENTHS.__getitem__, parts[1::2]))  # in C, each new one once
    parts[1::2] = rounded
    if _CARRY in rounded:  # x.95 and up: the whole part goes up by one
        for index in range(1, len(parts), 2):
            if parts[index] == _CARRY:
                before = parts[index - 1]
                whole = _WHOLE_END.search(before)
                start = whole.start() if whole else len(before)
                parts[index - 1] = before[:start] + str(int(before[start:] or 0) + 1)
                parts[index] = ""
    return "".join(parts)


def _text(match: re.Match[str]) -> str:
    """A text with its place and size rounded (never what it says), and the mark that
    keeps its spaces only where it keeps some."""
    preserve, attributes, text = match.group(1, 2, 3)
    if preserve and _collapses_nothing(html.unescape(text)):
        preserve = ""
    return f"<text{preserve or ''}{_round(attributes)}{text}</text>"


def _collapses_nothing(text: str) -> bool:
    """Whether a text is drawn the same without ``xml:space="preserve"`` (which keeps
    leading, trailing and doubled spaces, tabs and line breaks)."""
    return not (
        text.startswith(" ") or text.endswith(" ") or "  " in text
        or any(c in text for c in "\t\n\r")
    )


_CARRY = "+1"  # a fraction that rounds up to a whole one


class _Tenths(dict[str, str]):
    """A fraction as Graphviz writes it (``.57``) → to one decimal, half up (``.6``;
    ``.04`` → nothing; ``.96`` → :data:`_CARRY`). A few hundred of them at most."""

    def __missing__(self, fraction: str) -> str:
        tenths = int(fraction[1]) + (fraction[2] >= "5")
        rounded = _CARRY if tenths == 10 else f".{tenths}" if tenths else ""
        self[fraction] = rounded
        return rounded


_TENTHS = _Tenths()


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
    return _legend(tuple(keys))


@lru_cache(maxsize=64)  # a handful of legends, on thousands of diagrams
def _legend(keys: tuple[Key, ...]) -> str:
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

    With a cache folder, a view whose inputs (:mod:`registry.outputs.render.inputs`)
    are those of a view drawn before is read back without making its DOT; any other
    view's DOT is made in this thread (it reads the inventory's caches) and handed at
    once to a pool of Graphviz subprocesses (one per core), which draw it unless the
    SVG cache has that DOT. The same DOT asked twice in one build is drawn once.

    :meth:`start` before the pages are made hands each diagram to the pool as soon as a
    page asks for it, and :meth:`later` gives the pictures as they are needed: Graphviz
    then draws while Python makes, reads and writes the pages (issue 14: on 2 cores a
    cold build at 10,000 flows drew its 3,923 diagrams, ~44 s CPU, in a phase of its own).
    """

    def __init__(self, cache_dir: Path | None = None, *, prune: bool = True) -> None:
        self.jobs: list[tuple[str, str]] = []  # (view, page)
        self.prune = prune  # False: some views only (a rebuild); keep the others' drawings
        self.cache_dir = cache_dir  # SVG kept by content hash between builds (None: none)
        self.cache: SvgCache | None = None
        self.made = 0  # DOTs made by the last draw_all (the others were read back)
        self.command: list[str] = []  # the engine's, when the cache is used
        self._inventory: Inventory | None = None  # set once started
        self._unavailable: str | None = None  # no renderer in this ropa: every diagram's note
        self._inputs: ViewInputs | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._done: dict[int, str] = {}  # job → its HTML, once known
        # job → (inputs key, SVG key, DOT digest, drawing without its DOT, Graphviz's)
        self._waiting: dict[int, tuple[str | None, str | None, bytes, Drawing, Future[str]]] = {}
        self._by_dot: dict[bytes, Future[str]] = {}  # DOT digest → its drawing, while asked
        self._sharing: dict[bytes, int] = {}  # DOT digest → jobs still waiting for it

    def placeholder(self, inventory: Inventory, view: str, page: str) -> str:
        self.jobs.append((view, page))
        if self._inventory is not None:
            self._submit(len(self.jobs) - 1)
        # Inventory text cannot produce this: '<' is always escaped in it.
        return f"<!-- ropa:diagram:{len(self.jobs) - 1} -->"

    def start(self, inventory: Inventory) -> None:
        """From now on each diagram asked for is made (or read back) and handed to the
        pool at once; those asked for before are handed over now."""
        if self._inventory is not None:
            return
        self._inventory = inventory
        self.made = 0
        try:
            from registry.outputs.render import RenderError, SvgCache
            from registry.outputs.render.engine import engine_command
            from registry.outputs.render.inputs import ViewInputs
        except ImportError:
            self._unavailable = note("Lineage diagrams are not available in this version of ropa.")
            return
        self.cache = SvgCache(self.cache_dir) if self.cache_dir is not None else None
        if self.cache is not None:
            try:
                self.command = [*engine_command(), _EMBEDDED]
            except RenderError:
                self.cache = None  # no engine: every diagram says so below
            else:
                self._inputs = ViewInputs(inventory, self.cache.key(self.command, ""))
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, initializer=_yield)
        for index in range(len(self.jobs)):
            self._submit(index)

    def _submit(self, index: int) -> None:
        inventory = self._inventory
        assert inventory is not None
        if self._unavailable is not None:
            self._done[index] = self._unavailable
            return
        view, page = self.jobs[index]
        inputs = self._inputs
        key = inputs.key(view, url_prefix(page)) if inputs is not None else None
        if key is not None and (kept := self._recall(key)) is not None:
            self._done[index] = kept
            return
        drawing = dot_for(inventory, view, page)
        self.made += 1
        if isinstance(drawing, str):
            self._done[index] = drawing
        elif drawing.empty:
            self._done[index] = figure(drawing, "")
            if key is not None and self.cache is not None:
                self.cache.remember(key, caption(drawing), None)
        else:
            assert self._pool is not None
            # Held until the page is written: the DOT (the bulk of a drawing) is not.
            digest = hashlib.blake2b(drawing.dot.encode(), digest_size=16).digest()
            svg_key = self.cache.key(self.command, drawing.dot) if self.cache else None
            future = self._by_dot.get(digest)
            if future is None:
                future = self._by_dot[digest] = self._pool.submit(self._draw, drawing.dot, svg_key)
            self._sharing[digest] = self._sharing.get(digest, 0) + 1
            self._waiting[index] = (key, svg_key, digest, replace(drawing, dot=""), future)

    def result(self, index: int) -> str:
        """The HTML of job ``index``, waiting for Graphviz if it is still drawing it."""
        if index in self._done:
            return self._done[index]
        from registry.outputs.render import RenderError

        key, svg_key, digest, drawing, future = self._waiting.pop(index)
        self._sharing[digest] -= 1
        if not self._sharing[digest]:  # its last page: the SVG is held in that page's HTML
            del self._sharing[digest], self._by_dot[digest]
        try:
            svg = future.result()
        except RenderError as error:
            html_ = self._done[index] = note(f"Diagram unavailable: {error}")
            return html_
        html_ = self._done[index] = figure(drawing, svg)
        if key is not None and self.cache is not None:
            self.cache.remember(key, caption(drawing), svg_key)
        return html_

    def finish(self) -> None:
        """Every diagram drawn and remembered, the cache pruned, the pool closed."""
        for index in sorted(self._waiting):
            self.result(index)
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self.cache is not None:
            if self.prune:
                self.cache.prune()  # every diagram was asked for: the rest no page shows
            self.cache = None
        self._by_dot, self._sharing = {}, {}

    def abandon(self) -> None:
        """The build failed: Graphviz stops after what it is drawing now."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def draw_all(self, inventory: Inventory) -> list[str]:
        self.start(inventory)
        done = [self.result(index) for index in range(len(self.jobs))]
        self.finish()
        self._done = {}
        return done

    def later(self) -> DrawnLater:
        """Each job's marker → its HTML, drawn by the time it is asked for."""
        return DrawnLater(self)

    def _draw(self, dot: str, key: str | None) -> str:
        """The SVG of ``dot`` as a page embeds it (:func:`embed`); the cache keeps it so,
        under ``key``, the DOT's key salted apart from the engine's own output."""
        from registry.outputs.render import dot_to_svg

        if self.cache is None or key is None:
            return embed(dot_to_svg(dot))
        kept = self.cache.get(key)
        if kept is None:
            kept = embed(dot_to_svg(dot))
            self.cache.put(key, kept)
        return kept

    def _recall(self, key: str) -> str | None:
        """The HTML of a view drawn before with the same inputs, or None."""
        assert self.cache is not None
        found = self.cache.recall(key)
        if found is None:
            return None
        kept, svg = found
        try:
            drawing = drawing_of(kept)
        except (KeyError, TypeError, ValueError):
            return None  # an entry from another version of ropa: made again
        return figure(drawing, svg if svg is not None else "")


def _yield() -> None:
    """A Graphviz thread (and the engines it starts) gives way to the build's own: the
    pages are the longer path, and Graphviz takes whatever core they leave idle. Linux
    alone sets one thread's niceness (elsewhere it would be the whole build's)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class DrawnLater(Mapping[str, str]):
    """A page's diagram markers → the diagrams, each waited for when a page is written
    (the MkDocs plugin's ``on_post_page``); :meth:`finish` once the site is written."""

    def __init__(self, batch: DiagramBatch) -> None:
        self.batch = batch

    def __getitem__(self, marker: str) -> str:
        found = _MARKER_NUMBER.fullmatch(marker)
        if found is None or int(found.group(1)) >= len(self.batch.jobs):
            raise KeyError(marker)
        return self.batch.result(int(found.group(1)))

    def __iter__(self) -> Iterator[str]:
        return (f"<!-- ropa:diagram:{index} -->" for index in range(len(self.batch.jobs)))

    def __len__(self) -> int:
        return len(self.batch.jobs)

    def finish(self) -> None:
        self.batch.finish()

    def abandon(self) -> None:
        self.batch.abandon()


_MARKER_NUMBER = re.compile(r"<!-- ropa:diagram:(\d+) -->")


def caption(drawing: Drawing) -> dict:
    """What the page shows around a drawing's picture, to be kept as JSON."""
    from dataclasses import asdict

    return {
        "title": drawing.title,
        "notes": list(drawing.notes),
        "keys": [asdict(key) for key in drawing.keys],
        "empty": drawing.empty,
    }


def drawing_of(kept: dict) -> Drawing:
    """A drawing (with no DOT) from what :func:`caption` kept."""
    from registry.outputs.render import Drawing, Key

    notes, keys = kept["notes"], kept["keys"]
    if not isinstance(kept["title"], str) or not all(isinstance(n, str) for n in notes):
        raise ValueError("not a caption")
    return Drawing("", kept["title"], notes, [Key(**key) for key in keys], bool(kept["empty"]))
