"""DOT source written as the ``graphviz`` package writes it, for the part of its API the
renderer uses (``node``, ``edge``, ``attr``, ``subgraph`` and ``source``).

A site draws thousands of views: the package's argument checks and quoting took
most of the time spent making DOT. The text is byte for byte the package's (its
quoting rules copied, attributes sorted by name, the same indentation), which
tests/test_render.py checks on every view of the example, so the SVG cache and the
goldens are not disturbed; labels are escaped before they get here
(:mod:`.labels`), as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import graphviz

_HTML = re.compile(r"<.*>$", re.DOTALL)  # an HTML-like label: written as is
_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_QUOTE = re.compile(r'(?P<escaped>(?:\\{2})*)\\?(?P<quote>")')
_NO_HTML = type(graphviz.nohtml(""))  # a text that must not be read as HTML


@lru_cache(maxsize=1 << 14, typed=True)  # names, colours and sizes recur on every view
def quote(identifier: str) -> str:
    """An identifier as DOT reads it: bare when it may be, else in double quotes (an
    unescaped quote escaped), HTML-like labels as they are."""
    if _HTML.match(identifier) and not isinstance(identifier, _NO_HTML):
        return identifier
    if not _ID.match(identifier) or identifier.lower() in _KEYWORDS:
        return '"' + _QUOTE.sub(r"\g<escaped>\\\g<quote>", identifier) + '"'
    return identifier


def _edge_end(identifier: str) -> str:
    node, _, rest = identifier.partition(":")
    parts = [quote(node)]
    if rest:
        port, _, compass = rest.partition(":")
        parts.append(quote(port))
        if compass:
            parts.append(compass)
    return ":".join(parts)


def _a_list(attributes: dict[str, str | None]) -> str:
    return " ".join(
        f"{quote(key)}={quote(value)}"
        for key, value in sorted(attributes.items())
        if value is not None
    )


def _attr_list(attributes: dict[str, str | None], *, labelled: bool = False) -> str:
    """`` [a=b c=d]``; a node's or edge's ``label`` first, as the package writes it."""
    label = attributes.pop("label", None) if labelled else None
    content = _a_list(attributes)
    if label is not None:
        content = f"label={quote(label)} {content}" if content else f"label={quote(label)}"
    return f" [{content}]" if content else ""


class Digraph:
    """A directed graph's DOT source, built statement by statement."""

    def __init__(
        self,
        name: str | None = None,
        graph_attr: dict[str, str] | None = None,
        node_attr: dict[str, str] | None = None,
        edge_attr: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.graph_attr = dict(graph_attr or {})
        self.node_attr = dict(node_attr or {})
        self.edge_attr = dict(edge_attr or {})
        self.body: list[str] = []

    def node(self, name: str, **attrs: str | None) -> None:
        self.body.append(f"\t{quote(name)}{_attr_list(attrs, labelled=True)}\n")

    def edge(self, tail_name: str, head_name: str, **attrs: str | None) -> None:
        ends = f"{_edge_end(tail_name)} -> {_edge_end(head_name)}"
        self.body.append(f"\t{ends}{_attr_list(attrs, labelled=True)}\n")

    def attr(self, kw: str | None = None, **attrs: str | None) -> None:
        if kw is not None and kw.lower() not in ("graph", "node", "edge"):
            raise ValueError(f"attr statement must target graph, node, or edge: {kw!r}")
        if attrs:
            self.body.append(
                f"\t{_a_list(attrs)}\n" if kw is None else f"\t{kw}{_attr_list(attrs)}\n"
            )

    @contextmanager
    def subgraph(self, name: str | None = None) -> Iterator[Digraph]:
        """A subgraph (a cluster when its name starts with ``cluster``), added to this
        graph when the ``with`` block ends."""
        sub = Digraph(name)
        yield sub
        self.body += [f"\t{line}" for line in sub.lines(subgraph=True)]

    def lines(self, *, subgraph: bool = False) -> Iterator[str]:
        name = f"{quote(self.name)} " if self.name else ""
        yield (f"subgraph {name}{{\n" if name else "{\n") if subgraph else f"digraph {name}{{\n"
        for kw, attrs in (
            ("graph", self.graph_attr),
            ("node", self.node_attr),
            ("edge", self.edge_attr),
        ):
            if attrs:
                yield f"\t{kw}{_attr_list(attrs)}\n"
        yield from self.body
        yield "}\n"

    @property
    def source(self) -> str:
        return "".join(self.lines())
