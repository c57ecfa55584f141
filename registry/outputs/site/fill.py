"""The theme's page template rendered once per kind of page, then filled in (issue 14).

Material renders its whole page template for every page: ~1.5 ms a page, 20 s of a
10,000-flow build for 14,000 entry pages whose theme part differs only in the title,
the first heading's anchor and the relative URLs (the same for every page of a folder).
:class:`FilledTemplate` renders the template once per *shape* of page (template,
folder, front matter other than the title, …) with placeholders in place of the
page's own values, and makes each page of that shape by putting its values, escaped
as the template escaped the placeholders, into the pieces.

The placeholders tell how the template treated each value: each is written with
characters that every candidate treatment (as is, escaped, tags stripped, both)
changes differently, so an occurrence shows which one was applied. Before a shape's
pieces are used, the first page of that shape is rendered both ways and must come out
byte for byte the same; any page the fill cannot stand for (a value the placeholders
do not cover, a link to a previous or next page, a backslash in an anchor) is rendered
by Jinja as before. tests/test_site_fill.py compares every entry page of the example
and of the hostile inventory both ways.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

# How a template may write a value: as is, escaped, tags stripped (`striptags`), both.
_TREATMENTS: dict[str, Callable[[str], str]] = {
    "as-is": lambda value: value,
    "escaped": lambda value: str(escape(value)),
    "stripped": lambda value: Markup(value).striptags(),
    "stripped+escaped": lambda value: str(escape(Markup(value).striptags())),
}
# Between \x01 and \x02: a slot's letter and characters each treatment changes its way.
_PAYLOAD = "<b>&amp;\"'  x"  # no "/": a URL segment must stay one segment
_OCCURRENCE = re.compile("\x01([A-Z])(.*?)\x02", re.S)


class FilledTemplate:
    """Stands in for one Jinja template: ``render(context)`` as the template would."""

    def __init__(self, template: Any) -> None:
        self.template = template
        self.name = getattr(template, "name", None)
        # shape → the pieces (text, or (slot, treatment)), or None: rendered by Jinja
        self.shapes: dict[tuple, list[str | tuple[str, str]] | None] = {}
        self.filled = 0
        self.rendered = 0

    def render(self, context: Any) -> str:
        page = context.get("page")
        values = _values(page) if page is not None else None
        shape = _shape(page, context) if values is not None else None
        if shape is None or values is None:
            return self._jinja(context)
        if shape not in self.shapes:
            real = self._jinja(context)
            pieces = _pieces(self.template, context, page, "<h1" in values["C"])
            if pieces is not None and _fill(pieces, values) != real:
                pieces = None  # something the placeholders do not cover: Jinja for these
            self.shapes[shape] = pieces
            return real
        pieces = self.shapes[shape]
        if pieces is None:
            return self._jinja(context)
        self.filled += 1
        return _fill(pieces, values)

    def _jinja(self, context: Any) -> str:
        self.rendered += 1
        return self.template.render(context)


def _values(page: Any) -> dict[str, str] | None:
    """The page's own values, by slot; None when the fill cannot stand for this page."""
    meta = page.meta if isinstance(page.meta, dict) else None
    title = meta.get("title") if meta else None
    content = page.content
    toc = list(page.toc or [])
    if not isinstance(title, str) or not isinstance(content, str) or not toc:
        return None
    anchor = toc[0].id
    _, name = _split(page.url)
    canonical = page.canonical_url
    if "\\" in anchor or not name or not isinstance(canonical, str | None):
        return None
    rendered_title = page._title_from_render
    return {
        "T": title,
        "C": content,
        "S": anchor,
        "U": name,
        "H": rendered_title if isinstance(rendered_title, str) else "",
        "K": page.canonical_url or "",
        "A": toc[0].title if isinstance(toc[0].title, str) else "",
    }


def _shape(page: Any, context: Any) -> tuple | None:
    """What, besides the slots, the template's output depends on; None: not filled."""
    if (
        page.previous_page is not None
        or page.next_page is not None
        or page.edit_url
        or page.parent is not None
        or page.is_homepage
    ):
        return None
    meta = {key: value for key, value in page.meta.items() if key != "title"}
    try:
        frozen = json.dumps(meta, sort_keys=True)
    except (TypeError, ValueError):
        return None
    folder, _ = _split(page.url)
    return (
        folder,
        page.url.endswith("/"),
        frozen,
        "<h1" in page.content,
        page.canonical_url is None,
        bool(page._title_from_render),
        context.get("base_url"),
    )


def _split(url: str) -> tuple[str, str]:
    """A page URL's folder and its own name ("flows/", "x" for flows/x/ or flows/x.html)."""
    stem = url[:-1] if url.endswith("/") else url.rsplit(".", 1)[0] if "." in url else url
    folder, _, name = stem.rpartition("/")
    return (folder + "/" if folder else ""), name


def _pieces(
    template: Any, context: Any, page: Any, heading: bool
) -> list[str | tuple[str, str]] | None:
    """The template rendered for a stand-in page carrying placeholders, cut at each."""
    probe = copy.copy(page)
    probe.file = copy.copy(page.file)
    folder, _ = _split(page.url)
    sentinel = {slot: f"\x01{slot}{_PAYLOAD}\x02" for slot in "THKASU"}
    # The theme writes its own <h1> when the content has none.
    sentinel["C"] = "\x01C<h1\x02" if heading else "\x01C\x02"
    ending = "/" if page.url.endswith("/") else ".html"
    probe.file.__dict__["url"] = folder + sentinel["U"] + ending  # File.url is cached
    probe.meta = {**page.meta, "title": sentinel["T"]}
    probe.content = sentinel["C"]
    probe._title_from_render = sentinel["H"] if page._title_from_render else None
    if page.canonical_url is not None:
        probe.canonical_url = sentinel["K"]
    first = copy.copy(next(iter(page.toc or []), None))
    if first is None:
        return None
    first.id, first.title, first.children = sentinel["S"], sentinel["A"], []
    probe.toc = [first]
    try:
        output = template.render({**context, "page": probe})
    except Exception:  # a template that cannot take the stand-in: Jinja for these pages
        return None
    pieces: list[str | tuple[str, str]] = []
    at = 0
    for found in _OCCURRENCE.finditer(output):
        slot, written = found.group(1), found.group(0)
        placeholder = sentinel.get(slot, "")
        treatment = next(
            (name for name, treat in _TREATMENTS.items() if treat(placeholder) == written), None
        )
        if slot not in sentinel or treatment is None:
            return None
        pieces += [output[at : found.start()], (slot, treatment)]
        at = found.end()
    pieces.append(output[at:])
    if "\x01" in "".join(p for p in pieces if isinstance(p, str)):
        return None  # a placeholder written some other way
    return pieces


def _fill(pieces: list[str | tuple[str, str]], values: dict[str, str]) -> str:
    return "".join(
        piece if isinstance(piece, str) else _treat(piece[1], values[piece[0]]) for piece in pieces
    )


def _treat(treatment: str, value: str) -> str:
    return value if treatment == "as-is" else _TREATMENTS[treatment](value)
