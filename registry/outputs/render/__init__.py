"""Lineage diagrams: views of the graph as Graphviz DOT, and DOT to SVG.

DOT is built with the `graphviz` package; every text from the YAML is escaped for
where it goes (quoted DOT strings, or HTML-like labels), and links are built from
kinds and ids only (:mod:`registry.outputs.urls`), never from YAML text. The same
inventory gives byte-identical DOT: nodes, clusters and edges are emitted sorted.

A view that grows past a threshold is collapsed (systems into their operating
organisation, categories into their top-level parent) and says so in the diagram:
Graphviz's layout time grows much faster than the number of edges.
"""

from __future__ import annotations

from registry.core.inventory import Inventory
from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas, UrlFor, organisation_roles
from registry.outputs.render.clusters import clustered_nodes
from registry.outputs.render.edges import MAX_PARALLEL, flow_edges, merged_edge
from registry.outputs.render.engine import RenderError, dot_to_svg, find_engine
from registry.outputs.render.labels import (
    LABEL_CATEGORIES,
    counted,
    dot_name,
    dot_text,
    html_text,
    is_transfer,
)
from registry.outputs.render.legend import new_digraph
from registry.outputs.render.nodes import party_node
from registry.outputs.render.style import (
    CONTROLLER_FILL,
    FLOW_COLOUR,
    FONT,
    OTHER_FILL,
    PROCESSOR_FILL,
    SPECIAL_COLOUR,
    SPECIAL_FILL,
    THIRD_COUNTRY_COLOUR,
)
from registry.outputs.render.views import (
    MAX_COLLAPSED_NODES,
    MAX_EDGES,
    MAX_NODES,
    VIEWS,
    Selection,
    ViewError,
    parse_view,
    select,
    too_big,
)
from registry.outputs.urls import entity_path

__all__ = [
    "CONTROLLER_FILL",
    "FLOW_COLOUR",
    "FONT",
    "LABEL_CATEGORIES",
    "MAX_COLLAPSED_NODES",
    "MAX_EDGES",
    "MAX_NODES",
    "MAX_PARALLEL",
    "OTHER_FILL",
    "PROCESSOR_FILL",
    "SPECIAL_COLOUR",
    "SPECIAL_FILL",
    "THIRD_COUNTRY_COLOUR",
    "VIEWS",
    "RenderError",
    "Selection",
    "UrlFor",
    "ViewError",
    "dot_name",
    "dot_text",
    "dot_to_svg",
    "find_engine",
    "html_text",
    "is_transfer",
    "organisation_roles",
    "parse_view",
    "select",
    "view_dot",
]

# --- drawing -----------------------------------------------------------------------------


def view_dot(inventory: Inventory, view: str, *, url_for: UrlFor | None = None) -> str:
    """The DOT source of one view of the lineage (see :data:`VIEWS`).

    ``url_for(kind, id)`` gives the link of an entity's page (default: its path
    relative to the site root); it is called with kinds and ids only.
    """
    from registry.lineage.graph import lineage_graph

    graph = lineage_graph(inventory)
    selection = select(inventory, graph, view)
    drawing = _Drawing(inventory, graph, url_for or entity_path)
    if too_big(selection):
        return drawing.collapsed(selection)
    return drawing.detailed(selection)


class _Drawing(Canvas):
    # -- detailed view -----------------------------------------------------------------
    def detailed(self, selection: Selection) -> str:
        dot = new_digraph(selection.title, [self.summary(selection)])
        clustered_nodes(self, dot, selection)
        flow_edges(self, dot, selection.edges)
        return dot.source

    def summary(self, selection: Selection) -> str:
        """One line an auditor can check the picture against."""
        kinds = [self.graph.nodes[k]["kind"] for k in selection.nodes]
        edges = [self.graph.edges[e] for e in selection.edges]
        special = sum(1 for e in edges if e["special"])
        nodes = self.graph.nodes
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

    # -- collapsed view -----------------------------------------------------------------
    def collapsed(self, selection: Selection) -> str:
        from registry.lineage.graph import ORGANISATION, node_key

        graph, inv = self.graph, self.inv

        def party(key: str) -> str:
            data = graph.nodes[key]
            if data["kind"] == "System" and data["operator"] in inv.organisations:
                return node_key(ORGANISATION, data["operator"])
            return key

        systems: dict[str, int] = {}
        for key in selection.nodes:
            if graph.nodes[key]["kind"] == "System":
                systems[party(key)] = systems.get(party(key), 0) + 1
        merged: dict[tuple[str, str], list[str]] = {}
        for u, v, flow_id in selection.edges:
            merged.setdefault((party(u), party(v)), []).append(flow_id)
        parties = {party(k) for k in selection.nodes}
        notes = [
            f"Collapsed: {counted(selection.nodes, 'node')} and {counted(selection.edges, 'flow')} "
            f"are too many to draw one by one, so systems are shown inside the organisation "
            f"that runs them and categories under their top-level parent."
        ]
        if len(parties) > MAX_COLLAPSED_NODES:
            weight: dict[str, int] = {}
            for (a, b), flows in merged.items():
                weight[a] = weight.get(a, 0) + len(flows)
                weight[b] = weight.get(b, 0) + len(flows)
            kept = set(sorted(parties, key=lambda p: (-weight.get(p, 0), p))[:MAX_COLLAPSED_NODES])
            notes.append(
                f"Only the {len(kept)} parties with the most flows are drawn; "
                f"{len(parties) - len(kept)} others are left out of this picture."
            )
            parties = kept
            merged = {k: f for k, f in merged.items() if k[0] in kept and k[1] in kept}
        notes.append("Draw --view organisation:ID, system:ID or category:ID for the detail.")
        dot = new_digraph(selection.title, notes, collapsed=True)
        for key in sorted(parties):
            party_node(self, dot, key, systems.get(key, 0))
        for (u, v), flows in sorted(merged.items()):
            merged_edge(self, dot, u, v, sorted(flows))
        return dot.source
