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

import hashlib
import html
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from registry.core.inventory import Inventory
from registry.outputs.site.drawer import Drawer, ThreadDrawer, start_drawer
from registry.outputs.site.svg import embed
from registry.outputs.urls import url_maker

if TYPE_CHECKING:
    from registry.outputs.render import Drawing, Key, SvgCache
    from registry.outputs.render.inputs import ViewInputs

DiagramFunction = Callable[[Inventory, str, str], str]

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
            url_for=url_maker(inventory, prefix),
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
    once to the drawing process (:mod:`.drawer`: one Graphviz per core), which draws it
    unless the SVG cache has that DOT. The same DOT asked twice in one build is drawn
    once.

    :meth:`start` before the pages are made hands each diagram over as soon as a page
    asks for it, and :meth:`later` gives the pictures as they are needed: Graphviz then
    draws on the other core while Python makes, reads and writes the pages (issue 14:
    on 2 cores a cold build at 10,000 flows drew its 3,923 diagrams, ~44 s CPU, in a
    phase of its own; then beside the pages, but starved by the interpreter lock).
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
        self._drawer: Drawer | ThreadDrawer | None = None
        self._done: dict[int, str] = {}  # job → its HTML, once known
        # job → (inputs key, SVG key, DOT digest, drawing without its DOT, drawer's job)
        self._waiting: dict[int, tuple[str | None, str | None, bytes, Drawing, int]] = {}
        self._by_dot: dict[bytes, int] = {}  # DOT digest → the drawer's job, while asked
        self._sharing: dict[bytes, int] = {}  # DOT digest → jobs still waiting for it
        # DOT digest → its SVG (or why not drawn), read back for one page, kept for the others
        self._answers: dict[bytes, str | Exception] = {}
        self._engine: list[str] = []  # Graphviz's command, once started ([]: none)
        self._no_engine = ""  # each diagram's note when there is no engine

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
        try:
            engine = engine_command()
        except RenderError as error:
            engine = []  # every diagram that needs drawing says why it is not drawn
            self._no_engine = note(f"Diagram unavailable: {error}")
        self.cache = SvgCache(self.cache_dir) if self.cache_dir is not None and engine else None
        if self.cache is not None:
            self.command = [*engine, _EMBEDDED]
            self._inputs = ViewInputs(inventory, self.cache.key(self.command, ""))
        self._engine = engine
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
        elif not self._engine:
            self._done[index] = self._no_engine
        else:
            # Held until the page is written: the DOT (the bulk of a drawing) is not.
            digest = hashlib.blake2b(drawing.dot.encode(), digest_size=16).digest()
            svg_key = self.cache.key(self.command, drawing.dot) if self.cache else None
            job = self._by_dot.get(digest)
            if job is None:
                if self._drawer is None:  # the first diagram Graphviz is needed for
                    self._drawer = start_drawer(self._engine, self.cache_dir)
                job = self._by_dot[digest] = self._drawer.submit(drawing.dot, svg_key)
            self._sharing[digest] = self._sharing.get(digest, 0) + 1
            self._waiting[index] = (key, svg_key, digest, replace(drawing, dot=""), job)

    def result(self, index: int) -> str:
        """The HTML of job ``index``, waiting for Graphviz if it is still drawing it."""
        if index in self._done:
            return self._done[index]
        from registry.outputs.render import RenderError

        key, svg_key, digest, drawing, job = self._waiting.pop(index)
        answer = self._answers.pop(digest, None)
        if answer is None:  # the first page to show this picture: ask the drawer
            assert self._drawer is not None
            try:
                svg, now = self._drawer.result(job)
            except RenderError as error:
                answer = error
            else:
                answer = svg
                if svg_key is not None and self.cache is not None:
                    self.cache.taken(svg_key, drawn=now)  # kept there by the drawer
        self._sharing[digest] -= 1
        if self._sharing[digest]:  # other pages show it too: kept for them
            self._answers[digest] = answer
        else:  # its last page: the SVG is held in that page's HTML
            del self._sharing[digest], self._by_dot[digest]
        if isinstance(answer, RenderError):
            html_ = self._done[index] = note(f"Diagram unavailable: {answer}")
            return html_
        svg = answer
        html_ = self._done[index] = figure(drawing, svg)
        if key is not None and self.cache is not None:
            self.cache.remember(key, caption(drawing), svg_key)
        return html_

    def finish(self) -> None:
        """Every diagram drawn and remembered, the cache pruned, the drawer closed."""
        for index in sorted(self._waiting):
            self.result(index)
        if self._drawer is not None:
            self._drawer.close()
            self._drawer = None
        if self.cache is not None:
            if self.prune:
                self.cache.prune()  # every diagram was asked for: the rest no page shows
            self.cache = None
        self._by_dot, self._sharing, self._answers = {}, {}, {}

    def abandon(self) -> None:
        """The build failed: Graphviz stops after what it is drawing now."""
        if self._drawer is not None:
            self._drawer.kill()
            self._drawer = None

    def draw_all(self, inventory: Inventory) -> list[str]:
        try:
            self.start(inventory)
            done = [self.result(index) for index in range(len(self.jobs))]
        except BaseException:
            self.abandon()  # no drawing process left behind
            raise
        self.finish()
        self._done = {}
        return done

    def later(self) -> DrawnLater:
        """Each job's marker → its HTML, drawn by the time it is asked for."""
        return DrawnLater(self)

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
