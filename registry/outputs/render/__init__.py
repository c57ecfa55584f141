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
from registry.outputs.render.edges import MAX_PARALLEL, flow_edges, merged_edge
from registry.outputs.render.engine import RenderError, dot_to_svg, find_engine
from registry.outputs.render.labels import (
    LABEL_CATEGORIES,
    counted,
    country_note,
    dot_name,
    dot_text,
    html_text,
    is_transfer,
)
from registry.outputs.render.legend import new_digraph
from registry.outputs.render.nodes import detailed_node, party_node
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
    def cluster_attrs(self, ident: str, extra: str = "") -> dict[str, str]:
        organisation = self.inv.organisations[ident]
        role = self.role(ident)
        country = organisation.country
        third = bool(country and countries().is_third_country(country))
        fill = {"controller": CONTROLLER_FILL, "processor": PROCESSOR_FILL}.get(
            role, CONTROLLER_FILL if role.startswith("controller and") else OTHER_FILL
        )
        style = "rounded,filled,dashed" if role == "processor" else "rounded,filled"
        details = [role] + ([country_note(country)] if country else [])
        # The link sits on the frame's label only: a link on the whole frame would lie
        # under its systems' own links.
        href = html_text(self.url_for("Organisation", ident))
        tooltip = html_text(f"{organisation.name} ({role})")
        label = (
            # BGCOLOR draws the label's own area, so the whole of it takes the click.
            f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" HREF="{href}" '
            f'TOOLTIP="{tooltip}" BGCOLOR="{fill}"><TR><TD ALIGN="LEFT">'
            f"<B>{html_text(organisation.name)}</B></TD></TR>"
            '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">'
            f"{html_text(' · '.join(details))}{extra}</FONT></TD></TR></TABLE>>"
        )
        return {
            "label": label,
            "style": style,
            "fillcolor": fill,
            "color": THIRD_COUNTRY_COLOUR if third else "#7f8c8d",
            "penwidth": "2" if third else "1",
            "fontname": FONT,
            "fontsize": "11",
            "labelloc": "t",
        }

    # -- detailed view -----------------------------------------------------------------
    def detailed(self, selection: Selection) -> str:
        graph, inv = self.graph, self.inv
        dot = new_digraph(selection.title, [self.summary(selection)])
        # One cluster per organisation running systems in the view; an organisation
        # that only receives data is drawn as a node of its own.
        runs = {
            graph.nodes[k]["operator"]
            for k in selection.nodes
            if graph.nodes[k]["kind"] == "System"
            and graph.nodes[k]["operator"] in inv.organisations
        }
        clusters: dict[str, list[str]] = {}
        subjects: list[str] = []
        loose: list[str] = []
        for key in sorted(selection.nodes):
            data = graph.nodes[key]
            if data["kind"] == "DataSubject":
                subjects.append(key)
            elif data["operator"] in runs:
                clusters.setdefault(data["operator"], []).append(key)
            else:
                loose.append(key)
        if subjects:
            with dot.subgraph(name="cluster_data_subjects") as cluster:
                cluster.attr(
                    label="Data subjects",
                    labelloc="t",
                    style="rounded,dotted",
                    color="#7f8c8d",
                    fontname=FONT,
                    fontsize="11",
                )
                for key in subjects:
                    detailed_node(self, cluster, key, focused=key in selection.focus)
        for owner in sorted(clusters):
            with dot.subgraph(name=f"cluster_{owner}") as cluster:
                cluster.attr(**self.cluster_attrs(owner))
                for key in clusters[owner]:
                    detailed_node(
                        self, cluster, key, focused=key in selection.focus, in_cluster=True
                    )
        for key in loose:
            detailed_node(self, dot, key, focused=key in selection.focus)
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
