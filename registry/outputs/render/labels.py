"""The texts written on a diagram, and how each is escaped for where it goes.

Every text from the YAML is escaped for its place: a quoted DOT string
(:func:`dot_text`) or an HTML-like label (:func:`html_text`). The wording helpers
say in the auditor's words what a country, a list of categories or a count means.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from registry.core.inventory import Inventory
from registry.core.vocabulary import countries

LABEL_CATEGORIES = 3  # categories written on an edge before "+N more"


def dot_text(text: str) -> str:
    """A text for a quoted DOT string: backslashes and quotes made literal, no HTML,
    line breaks as DOT's ``\\n``."""
    import graphviz

    flat = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    # nohtml: a text that happens to look like <...> must not become an HTML-like label.
    return graphviz.nohtml(flat.replace("\n", "\\n"))


def html_text(text: str) -> str:
    """A text for an HTML-like label: markup escaped, line breaks as ``<BR/>``."""
    flat = text.replace("\r\n", "\n").replace("\r", "\n")
    # Graphviz reads backslash escapes (\N, \\) in HTML-like labels too: double them.
    escaped = html.escape(flat, quote=True).replace("\\", "\\\\")
    return escaped.replace("\n", '<BR ALIGN="LEFT"/>')


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


def categories_label(inv: Inventory, categories: list[str]) -> str:
    """The first few categories, special ones first (what an auditor looks for):
    Art. 9 categories, then criminal data and national ids, then the others."""

    def weight(category: str) -> int:
        special = inv.special_of(category)
        return 2 if special is None else (0 if special.is_art9 else 1)

    categories = sorted(categories, key=weight)  # stable: declared order within each
    shown = categories[:LABEL_CATEGORIES]
    more = len(categories) - len(shown)
    return ", ".join(shown) + (f" +{more}" if more > 0 else "")


def is_transfer(source: str | None, target: str | None) -> bool:
    """Data moving from a known country to another one outside the EEA (a move inside
    one third country, or a collection from data subjects, is not drawn as a transfer)."""
    return bool(source and target and source != target and countries().is_third_country(target))


def counted(items: Iterable, noun: str) -> str:
    """``"1 flow"``, ``"3 flows"``."""
    n = len(items) if hasattr(items, "__len__") else sum(1 for _ in items)  # type: ignore[arg-type]
    return f"{n} {noun}{'' if n == 1 else 's'}"
