"""A view drawn as DOT: node by node with a summary, or collapsed into parties.

:func:`view_dot` is the way in: it selects what the view shows (:mod:`.views`) and
draws it detailed or, past the size limits, collapsed. Nodes, clusters and edges are
emitted sorted, so the same inventory gives byte-identical DOT.
"""

from __future__ import annotations

from registry.core.inventory import Inventory
from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas, UrlFor
from registry.outputs.render.clusters import clustered_nodes
from registry.outputs.render.edges import flow_edges, merged_edge
from registry.outputs.render.labels import counted, is_transfer
from registry.outputs.render.legend import new_digraph
from registry.outputs.render.nodes import party_node
from registry.outputs.render.views import Collapsed, Selection, collapse, select, too_big
from registry.outputs.urls import entity_path


def view_dot(inventory: Inventory, view: str, *, url_for: UrlFor | None = None) -> str:
    """The DOT source of one view of the lineage (see :data:`.views.VIEWS`).

    ``url_for(kind, id)`` gives the link of an entity's page (default: its path
    relative to the site root); it is called with kinds and ids only.
    """
    from registry.lineage.graph import lineage_graph

    graph = lineage_graph(inventory)
    selection = select(inventory, graph, view)
    canvas = Canvas(inventory, graph, url_for or entity_path)
    if too_big(selection):
        return collapsed(canvas, collapse(inventory, graph, selection))
    return detailed(canvas, selection)


def detailed(canvas: Canvas, selection: Selection) -> str:
    """Every node in its frame and every flow, under a one-line summary."""
    from registry.lineage.graph import split_key

    inv = canvas.inv
    invalid = any(inv.is_invalid(*split_key(k)) for k in selection.nodes) or any(
        inv.is_invalid("Flow", f) for _, _, f in selection.edges
    )
    dot = new_digraph(selection.title, [summary(canvas, selection)], invalid=invalid)
    clustered_nodes(canvas, dot, selection)
    flow_edges(canvas, dot, selection.edges)
    return dot.source


def collapsed(canvas: Canvas, view: Collapsed) -> str:
    """One node per party and one edge per pair of parties, under notes that say so."""
    from registry.lineage.graph import split_key

    inv = canvas.inv
    invalid = any(inv.is_invalid(*split_key(k)) for k in view.parties) or any(
        inv.is_invalid("Flow", f) for flows in view.flows.values() for f in flows
    )
    dot = new_digraph(view.title, view.notes, collapsed=True, invalid=invalid)
    for key in view.parties:
        party_node(canvas, dot, key, view.systems.get(key, 0))
    for (u, v), flows in view.flows.items():
        merged_edge(canvas, dot, u, v, flows)
    return dot.source


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
