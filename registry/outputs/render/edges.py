"""Edges: the flows, one by one in a detailed view, merged between parties when collapsed.

An edge is labelled with the categories it carries (special ones first) and, when
it leaves the EEA, with its transfer mechanism; its tooltip names the flows and its
link leads to the flow's page (or, for merged flows, the receiving party's page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas
from registry.outputs.render.labels import (
    categories_label,
    counted,
    dot_name,
    dot_text,
    is_transfer,
)
from registry.outputs.render.style import (
    FLOW_COLOUR,
    INVALID_COLOUR,
    INVALID_NOTE,
    LABEL_COLOUR,
    SPECIAL_COLOUR,
    THIRD_COUNTRY_COLOUR,
)

if TYPE_CHECKING:
    import graphviz

MAX_PARALLEL = 3  # more flows than this between two nodes are drawn as one edge


def flow_edges(canvas: Canvas, dot: graphviz.Digraph, edges: list[tuple[str, str, str]]) -> None:
    """The flows of a detailed view, in flow id order."""
    # Many flows between the same two nodes (28 labs' copies on one server) are drawn
    # as one edge that counts them; each flow keeps its own edge otherwise.
    parallel: dict[tuple[str, str], list[str]] = {}
    for u, v, flow_id in edges:
        parallel.setdefault((u, v), []).append(flow_id)
    for u, v, flow_id in sorted(edges, key=lambda e: (e[2], e[0], e[1])):
        flows = parallel[(u, v)]
        if len(flows) <= MAX_PARALLEL:
            flow_edge(canvas, dot, u, v, flow_id)
        elif flow_id == min(flows):
            merged_edge(canvas, dot, u, v, sorted(flows), by_parent=False)


def flow_edge(canvas: Canvas, dot: graphviz.Digraph, u: str, v: str, flow_id: str) -> None:
    """One flow: its categories, and for a transfer outside the EEA its mechanism
    (or that it has none); red and thick when it carries special categories."""
    data = canvas.graph.edges[u, v, flow_id]
    categories = list(data["categories"])
    target = canvas.graph.nodes[v]
    label = [categories_label(canvas.inv, categories)]
    tooltip = [
        f"flow {flow_id} ({data['type']}), activity {data['activity']}",
        "categories: " + (", ".join(categories) or "none declared"),
    ]
    if data["contract"]:
        tooltip.append(f"contract: {data['contract']}")
    attrs = {
        "color": SPECIAL_COLOUR if data["special"] else FLOW_COLOUR,
        "fontcolor": SPECIAL_COLOUR if data["special"] else LABEL_COLOUR,
        "penwidth": "2.5" if data["special"] else "1",
    }
    if is_transfer(canvas.graph.nodes[u]["country"], target["country"]):
        attrs["style"] = "dashed"
        mechanism = data["transfer"]
        if mechanism:
            label.append(f"transfer to {target['country']}: {mechanism}")
        elif target["needs_mechanism"]:
            label.append(f"transfer to {target['country']}: NO MECHANISM")
            attrs["fontcolor"] = THIRD_COUNTRY_COLOUR
        else:
            label.append(f"transfer to {target['country']}: adequacy")
        tooltip.append(label[-1])
    if canvas.inv.is_invalid("Flow", flow_id):
        label.append(INVALID_NOTE)
        tooltip.append(INVALID_NOTE)
        attrs.update(color=INVALID_COLOUR, fontcolor=INVALID_COLOUR, style="dashed")
    attrs["label"] = dot_text("\n".join(label))
    attrs["tooltip"] = dot_text("\n".join(tooltip))
    attrs["URL"] = canvas.url("Flow", flow_id)
    dot.edge(dot_name(u), dot_name(v), **attrs)


def merged_edge(
    canvas: Canvas,
    dot: graphviz.Digraph,
    u: str,
    v: str,
    flows: list[str],
    *,
    by_parent: bool = True,
) -> None:
    """Several flows as one edge that counts them, names their categories (their
    top-level parents when ``by_parent``) and how many leave the EEA, and how."""
    from registry.lineage.graph import location, split_key

    inv = canvas.inv
    lists = countries()
    roots: set[str] = set()
    special = False
    transfers, unprotected, mechanisms = 0, 0, set()
    for flow_id in flows:
        flow = inv.flows[flow_id]
        special = special or any(inv.special_of(c) for c in flow.data_categories)
        if by_parent:
            roots.update(inv.category_ancestors.get(c, (c,))[-1] for c in flow.data_categories)
        else:
            roots.update(flow.data_categories)
        country = location(inv.countries_of(flow.to))["country"]
        if is_transfer(location(inv.countries_of(flow.source))["country"], country):
            transfers += 1
            if flow.transfer:
                mechanisms.update(m.value for m in flow.transfer.mechanisms)
            elif lists.needs_mechanism(country):
                unprotected += 1
    categories = sorted(roots)
    kind, ident = split_key(v)
    inside = " inside" if u == v else ""
    label = [f"{counted(flows, 'flow')}{inside}: {categories_label(inv, categories)}"]
    if transfers:
        label.append(
            f"{transfers} leaving the EEA"
            + (f", {', '.join(sorted(mechanisms))}" if mechanisms else "")
            + (f", {unprotected} with NO MECHANISM" if unprotected else "")
        )
    invalid = sum(1 for f in flows if inv.is_invalid("Flow", f))
    if invalid:
        label.append(f"{invalid} INVALID: schema errors, see their findings")
    shown = flows[:10]
    tooltip = (
        f"{counted(flows, 'flow')}: "
        + ", ".join(shown)
        + (f" and {len(flows) - len(shown)} more" if len(flows) > len(shown) else "")
    )
    attrs = {
        "label": dot_text("\n".join(label)),
        "tooltip": dot_text(tooltip + "\ncategories: " + ", ".join(categories)),
        "color": SPECIAL_COLOUR if special else FLOW_COLOUR,
        "fontcolor": THIRD_COUNTRY_COLOUR
        if unprotected
        else (SPECIAL_COLOUR if special else LABEL_COLOUR),
        "penwidth": "2.5" if special else "1",
        "URL": canvas.url(kind, ident),
    }
    if transfers or invalid:
        attrs["style"] = "dashed"
    if invalid:
        attrs["fontcolor"] = INVALID_COLOUR
    dot.edge(dot_name(u), dot_name(v), **attrs)
