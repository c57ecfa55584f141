"""A view drawn as DOT: node by node with a summary, or collapsed into parties.

:func:`view_drawing` is the way in (:func:`view_dot` for the DOT alone): it selects
what the view shows (:mod:`.views`) and draws it detailed or, past the size limits,
collapsed. Nodes, clusters and edges are
emitted sorted, so the same inventory gives byte-identical DOT.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.core.inventory import Inventory
from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas, UrlFor
from registry.outputs.render.clusters import clustered_nodes, frames
from registry.outputs.render.edges import draw_marks, flow_edges, merged_mark
from registry.outputs.render.labels import counted, is_transfer
from registry.outputs.render.legend import Key, legend_keys, new_digraph
from registry.outputs.render.nodes import party_node
from registry.outputs.render.views import Collapsed, Selection, collapse, select, too_big
from registry.outputs.urls import url_maker


@dataclass(frozen=True)
class Drawing:
    """One view drawn: its DOT, and what its caption says (title, notes, legend keys);
    the DOT carries the caption only when asked to (``captioned``)."""

    dot: str
    title: str
    notes: list[str]
    keys: list[Key]
    empty: bool  # nothing to draw: no system and no flow in the view


def view_dot(inventory: Inventory, view: str, *, url_for: UrlFor | None = None) -> str:
    """The DOT source of one view of the lineage (see :data:`.views.VIEWS`), captioned
    with its title, summary and legend.

    ``url_for(kind, id)`` gives the link of an entity's page (default: its path
    relative to the site root); it is called with kinds and ids only.
    """
    return view_drawing(inventory, view, url_for=url_for).dot


def view_drawing(
    inventory: Inventory, view: str, *, url_for: UrlFor | None = None, captioned: bool = True
) -> Drawing:
    """One view of the lineage drawn, detailed or (past the size limits) collapsed;
    uncaptioned for a page that shows the caption beside the picture."""
    from registry.lineage.graph import lineage_graph

    graph = lineage_graph(inventory)
    selection = select(inventory, graph, view)
    canvas = Canvas(inventory, graph, url_for or url_maker(inventory))
    if too_big(selection):
        return collapsed(canvas, collapse(inventory, graph, selection), captioned)
    return detailed(canvas, selection, captioned)


def detailed(canvas: Canvas, selection: Selection, captioned: bool = True) -> Drawing:
    """Every node in its frame and every flow, under a one-line summary."""
    from registry.lineage.graph import split_key

    inv = canvas.inv
    invalid = any(inv.is_invalid(*split_key(k)) for k in selection.nodes) or any(
        inv.is_invalid("Flow", f) for _, _, f in selection.edges
    )
    notes = [summary(canvas, selection), *selection.notes]
    keys = legend_keys(collapsed=False, focused=bool(selection.focus), invalid=invalid)
    dot = new_digraph(selection.title, notes, keys if captioned else None)
    frame_of = frames(canvas, selection)
    clustered_nodes(canvas, dot, selection, frame_of)
    flow_edges(canvas, dot, selection.edges, frame_of.get)
    return Drawing(dot.source, selection.title, notes, keys, not selection.nodes)


def collapsed(canvas: Canvas, view: Collapsed, captioned: bool = True) -> Drawing:
    """One node per party and one edge per pair of parties, under notes that say so."""
    from registry.lineage.graph import split_key

    inv = canvas.inv
    invalid = any(inv.is_invalid(*split_key(k)) for k in view.parties) or any(
        inv.is_invalid("Flow", f) for flows in view.flows.values() for f in flows
    )
    keys = legend_keys(collapsed=True, invalid=invalid)
    dot = new_digraph(view.title, view.notes, keys if captioned else None)
    for key in view.parties:
        party_node(canvas, dot, key, view.systems.get(key, 0))
    marks = [merged_mark(canvas, u, v, flows) for (u, v), flows in view.flows.items()]
    draw_marks(dot, marks, lambda key: None)
    return Drawing(dot.source, view.title, view.notes, keys, not view.parties)


def summary(canvas: Canvas, selection: Selection) -> str:
    """One line an auditor can check the picture against."""
    nodes = canvas.graph.nodes
    kinds = [nodes[k]["kind"] for k in selection.nodes]
    edges = [canvas.graph.edges[e] for e in selection.edges]
    special = sum(1 for e in edges if e["special"])
    leaving = sum(
        1
        for u, v, _ in selection.edges
        if is_transfer(nodes[u]["country"], nodes[v]["country"])
        and countries().in_eea(nodes[u]["country"])
    )
    counts = [
        (kinds.count("System"), "system", ""),
        (kinds.count("Organisation"), "receiving organisation", ""),
        (kinds.count("DataSubject"), "group", " of data subjects"),
    ]
    parts = [counted(range(n), noun) + tail for n, noun, tail in counts if n]
    if not parts:
        return "Nothing to draw: no system and no flow in this view."
    return (
        ", ".join(parts)
        + f"; {counted(edges, 'flow')}, {special} carrying special categories, "
        + f"{leaving} leaving the EEA"
    )
