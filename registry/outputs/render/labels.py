"""The texts written on a diagram, and how each is escaped for where it goes.

Every text from the YAML is escaped for its place: a quoted DOT string
(:func:`dot_text`) or an HTML-like label (:func:`html_text`). The wording helpers
say in the auditor's words what a country, a list of categories or a count means.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache

from registry.core.inventory import Inventory
from registry.core.vocabulary import countries

LABEL_CATEGORIES = 3  # categories written on an edge before "+N more"
TOOLTIP_BACKSLASH = "\uff3c"  # what a backslash reads as in a tooltip (see tooltip_text)
WRAP = 34  # characters a label line holds before it wraps (names stay whole words)


def dot_text(text: str) -> str:
    """A text for a quoted DOT string: backslashes, quotes and entities made literal, no
    HTML, line breaks as DOT's ``\\n``."""
    import graphviz

    flat = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    # Graphviz decodes HTML entities in quoted labels and tooltips: "&amp;" would show "&".
    flat = flat.replace("&", "&amp;")
    # nohtml: a text that happens to look like <...> must not become an HTML-like label.
    return graphviz.nohtml(flat.replace("\n", "\\n"))


def html_text(text: str) -> str:
    """A text for an HTML-like label: markup escaped, line breaks as ``<BR/>``."""
    flat = text.replace("\r\n", "\n").replace("\r", "\n")
    # Graphviz reads backslash escapes (\N, \\) in HTML-like labels too: double them.
    escaped = html.escape(flat, quote=True).replace("\\", "\\\\")
    return escaped.replace("\n", '<BR ALIGN="LEFT"/>')


def tooltip_text(text: str) -> str:
    """A text for a tooltip (a quoted DOT string). Renderers expand backslash sequences
    in tooltips (``\\N``: the node's name) and do not agree on how one is escaped there
    (graphviz-pure expands an escaped ``\\\\N`` too), so a backslash is shown as the
    fullwidth reverse solidus: the text stays as written, less one glyph."""
    return dot_text(text.replace("\\", TOOLTIP_BACKSLASH))


def dot_name(key: str) -> str:
    """DOT node name for a graph key: ``System/lis`` (a ':' would read as a port)."""
    return key.replace(":", "/", 1)


def country_note(country: str | None) -> str:
    """The country, and for one outside the EEA whether an adequacy decision covers it."""
    if not country:
        return ""
    lists = countries()
    if lists.in_eea(country):
        return country
    adequacy = lists.adequacy_of(country)
    if adequacy is None:
        return f"{country}, outside the EEA, no adequacy decision"
    if lists.needs_mechanism(country):  # e.g. the US: certified organisations only
        return f"{country}, outside the EEA, partial adequacy decision"
    return f"{country}, outside the EEA, adequacy decision"


def category_name(inv: Inventory, category: str) -> str:
    """A category's name as people read it; its id only when the inventory has no such
    category (a broken reference is reported by the checks, not hidden here)."""
    found = inv.categories.get(category)
    return found.name if found is not None else category


def categories_label(inv: Inventory, categories: list[str]) -> str:
    """The names of the first few categories, special ones first (what an auditor looks
    for): Art. 9 categories, then criminal data and national ids, then the others."""
    names = category_names(inv, categories)
    return ", ".join(names[:LABEL_CATEGORIES]) + (
        f" +{len(names) - LABEL_CATEGORIES} more" if len(names) > LABEL_CATEGORIES else ""
    )


def category_names(inv: Inventory, categories: list[str]) -> list[str]:
    """Every category's name, special ones first, declared order within each group."""

    def weight(category: str) -> int:
        special = inv.special_of(category)
        return 2 if special is None else (0 if special.is_art9 else 1)

    return [category_name(inv, c) for c in sorted(categories, key=weight)]


def category_lines(inv: Inventory, categories: list[str]) -> list[str]:
    """An edge's label: one category name a line (a narrow label keeps the layout
    compact), the first few, then how many more the tooltip names."""
    names = category_names(inv, categories)
    lines = [line for name in names[:LABEL_CATEGORIES] for line in wrap(name)]
    if len(names) > LABEL_CATEGORIES:
        lines.append(f"+{len(names) - LABEL_CATEGORIES} more")
    return lines or ["no category declared"]


def wrap(text: str, width: int = WRAP) -> list[str]:
    """A long text as lines of at most ``width`` characters, broken between words
    (a word longer than that keeps its own line: a name is never cut)."""
    return list(_wrapped(text, width))


@lru_cache(maxsize=4096)  # the same names recur on every view of a site
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    import textwrap

    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return tuple(lines) or ("",)


def is_transfer(source: str | None, target: str | None) -> bool:
    """Data moving from a known country to another one outside the EEA (a move inside
    one third country, or a collection from data subjects, is not drawn as a transfer)."""
    return bool(source and target and source != target and countries().is_third_country(target))


def counted(items: Iterable, noun: str) -> str:
    """``"1 flow"``, ``"3 flows"``."""
    n = len(items) if hasattr(items, "__len__") else sum(1 for _ in items)  # type: ignore[arg-type]
    return f"{n} {noun}{'' if n == 1 else 's'}"
