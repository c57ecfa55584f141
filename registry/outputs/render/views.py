"""Which part of the lineage graph a view shows, and when a view is too big to draw.

A view is named ``overview``, ``transfers`` or ``KIND:ID`` (``category:``,
``system:``, ``activity:``, ``organisation:``); :func:`select` turns it into the
nodes and flows to draw. Past :data:`MAX_NODES` or :data:`MAX_EDGES` a view is
collapsed (:func:`collapse`): systems into the organisation that runs them, flows
between the same two parties into one. Graphviz's layout time grows much faster
than the number of edges.

A system's lineage (what feeds it and what it feeds, transitively) is drawn whole
while it stays readable (:data:`SYSTEM_NODES`, :data:`SYSTEM_EDGES`); past that, only
the flows up to as many steps from the system as fit, and the caption says how big
the whole lineage is. Decided for the auditor: in a register of 10,000 flows the
median system's whole lineage has 28 nodes and 78 flows, the largest 142 and 496;
such a picture answers no question on a system's page, while its neighbourhood
(where its data comes from and goes, a step or two away) does, and each activity's
diagram draws that activity's flows in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from registry.core.errors import CannotRun
from registry.core.inventory import Inventory
from registry.outputs.render.labels import counted

if TYPE_CHECKING:
    import networkx as nx

VIEWS = ("overview", "transfers", "category", "system", "activity", "organisation")
# Past these sizes a view is collapsed (layout time grows much faster than size).
MAX_NODES = 60
MAX_EDGES = 120
# Past this, even the collapsed view keeps only the busiest parties (and says so).
MAX_COLLAPSED_NODES = 120
# Past these sizes a system's lineage is drawn only to the steps from it that fit.
SYSTEM_NODES = 30
SYSTEM_EDGES = 40
_INDEX = "ropa_view_index"  # where a lineage graph keeps its Index (graph.graph)
_SELECTIONS = "ropa_view_selections"  # and the views selected from it, by name


class ViewError(CannotRun, ValueError):
    """The view asked for does not exist (unknown view name or id)."""


@dataclass
class Selection:
    """The nodes and flows one view draws, under its title; the nodes in ``focus``
    (what the view is about) are outlined thicker."""

    title: str
    nodes: set[str]
    edges: list[tuple[str, str, str]]  # (from, to, flow id)
    focus: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # what was left out, for the caption


def parse_view(view: str) -> tuple[str, str | None]:
    """``"system:lis"`` → ``("system", "lis")``; ``"overview"`` → ``("overview", None)``."""
    name, _, ident = view.partition(":")
    if name not in VIEWS:
        raise ViewError(
            f"unknown view {view!r}: use overview, transfers, category:ID, system:ID, "
            "activity:ID or organisation:ID"
        )
    if name in ("overview", "transfers"):
        if ident:
            raise ViewError(f"view {name!r} takes no id")
        return name, None
    if not ident:
        raise ViewError(f"view {name!r} needs an id: {name}:ID")
    return name, ident


def _require(inv: Inventory, kind: str, ident: str) -> None:
    import difflib

    if ident in inv.by_kind[kind]:
        return
    hint = difflib.get_close_matches(ident, list(inv.by_kind[kind]), n=1)
    raise ViewError(
        f"no {kind} with id {ident!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
    )


@dataclass
class Index:
    """What every view of one graph looks up, built once per graph: the flows in id
    order, by activity and by node, and each operator's nodes. A site draws a view per
    system, activity and organisation: scanning every flow for each would make a
    build quadratic in the inventory."""

    edges: list[tuple[str, str, str]]  # every flow (from, to, id), in id order
    by_activity: dict[str, list[tuple[str, str, str]]]
    operated: dict[str, set[str]]  # operator -> its nodes (systems and itself), no subjects
    by_category: dict[str, list[tuple[str, str, str]]]  # category declared -> its flows


def index(graph: nx.MultiDiGraph) -> Index:
    found = graph.graph.get(_INDEX)
    if found is None:
        edges = sorted(graph.edges(keys=True), key=lambda e: e[2])
        by_activity: dict[str, list[tuple[str, str, str]]] = {}
        by_category: dict[str, list[tuple[str, str, str]]] = {}
        for edge in edges:
            data = graph.edges[edge]
            by_activity.setdefault(data["activity"], []).append(edge)
            for category in data["categories"]:
                by_category.setdefault(category, []).append(edge)
        operated: dict[str, set[str]] = {}
        for node, data in graph.nodes(data=True):
            if data["operator"] is not None and data["kind"] != "DataSubject":
                operated.setdefault(data["operator"], set()).add(node)
        found = graph.graph[_INDEX] = Index(edges, by_activity, operated, by_category)
    return found


def _touching(graph: nx.MultiDiGraph, nodes: set[str], *, both: bool) -> list[tuple[str, str, str]]:
    """The flows with both ends in ``nodes`` (``both``) or at least one, in id order."""
    # The adjacency maps (node -> neighbour -> flow ids) directly, and from the smaller
    # side: a server that hundreds of systems feed is in many lineages of a few nodes.
    found: set[tuple[str, str, str]] = set()
    # networkx's own dicts (node -> neighbour -> flow id -> data), read only: its
    # read-only views of them cost more than the walk.
    succ = getattr(graph, "_succ", graph.succ)
    for u in nodes:
        out = succ[u]
        if not both:
            found.update((u, v, key) for v, keys in out.items() for key in keys)
        elif len(out) <= len(nodes):
            found.update((u, v, key) for v, keys in out.items() if v in nodes for key in keys)
        else:
            found.update((u, v, key) for v in nodes if v in out for key in out[v])
    if not both:
        pred = getattr(graph, "_pred", graph.pred)
        for v in nodes:
            found.update((u, v, key) for u, keys in pred[v].items() for key in keys)
    return sorted(found, key=lambda e: e[2])


def select(inv: Inventory, graph: nx.MultiDiGraph, view: str) -> Selection:
    """What ``view`` shows of ``graph``, its flows in id order; :class:`ViewError` names
    an unknown view or id (with the closest id, when one is close).

    Kept with the graph (a site asks each view twice: for its key, then to draw it);
    each caller gets its own copy."""
    kept = graph.graph.setdefault(_SELECTIONS, {})
    found = kept.get(view)
    if found is None:
        found = kept[view] = _select(inv, graph, view)
    return Selection(
        found.title, set(found.nodes), list(found.edges), set(found.focus), list(found.notes)
    )


def _select(inv: Inventory, graph: nx.MultiDiGraph, view: str) -> Selection:
    from registry.lineage import graph as lineage

    name, ident = parse_view(view)
    found = index(graph)
    if name == "overview":
        return Selection("Lineage overview", set(graph.nodes), list(found.edges))
    if name == "transfers":
        edges = [e for e in found.edges if graph.nodes[e[1]]["third_country"]]
        return Selection("Transfers outside the EEA", _ends(edges), edges)
    assert ident is not None
    if name == "category":
        _require(inv, "DataCategory", ident)
        # lineage.category_edges, from the index: the flows declaring a related category
        related = lineage.related_categories(inv, ident)
        edges = sorted(
            {edge for category in related for edge in found.by_category.get(category, ())},
            key=lambda e: e[2],
        )
        label = inv.categories[ident].name
        return Selection(f"Where {label} goes", _ends(edges), edges)
    if name == "activity":
        _require(inv, "Activity", ident)
        edges = list(found.by_activity.get(ident, []))
        return Selection(f"Activity: {inv.activities[ident].name}", _ends(edges), edges)
    if name == "system":
        _require(inv, "System", ident)
        key = lineage.node_key(lineage.SYSTEM, ident)
        return _system_lineage(graph, key, inv.systems[ident].name)
    _require(inv, "Organisation", ident)
    own = set(found.operated.get(ident, ()))
    edges = _touching(graph, own, both=False)
    return Selection(
        f"Organisation: {inv.organisations[ident].name}", _ends(edges) | own, edges, own
    )


def _system_lineage(graph: nx.MultiDiGraph, key: str, name: str) -> Selection:
    """The flows among what feeds the system and among what it feeds: all of them
    when they fit :data:`SYSTEM_NODES` and :data:`SYSTEM_EDGES`, else those up to the
    most steps from the system that fit (one step at least)."""
    from registry.lineage import graph as lineage

    def among(before: set[str], after: set[str]) -> Selection:
        edges = sorted(
            set(_touching(graph, before, both=True)) | set(_touching(graph, after, both=True)),
            key=lambda e: e[2],
        )
        return Selection(f"Lineage of {name}", _ends(edges) | {key}, edges, {key})

    before, after = lineage.upstream(graph, key) | {key}, lineage.downstream(graph, key) | {key}
    # Every node upstream has a flow towards the system, every node downstream one from
    # it: the lineage's nodes are these two sets, its flows need counting only if they fit.
    reached = len(before | after)
    if reached <= SYSTEM_NODES:
        whole = among(before, after)
        if _fits(whole):
            return whole
    before, after = {key}, {key}
    steps, drawn = 0, among(before, after)
    pred, succ = getattr(graph, "_pred", graph.pred), getattr(graph, "_succ", graph.succ)
    while True:
        before_next = before | {u for n in before for u in pred[n]}
        after_next = after | {v for n in after for v in succ[n]}
        if (before_next, after_next) == (before, after):
            break  # nothing further (cannot happen while the whole does not fit)
        # (the nodes drawn are the two sets: too many, and the flows need no counting)
        if steps and len(before_next | after_next) > SYSTEM_NODES:
            break
        candidate = among(before_next, after_next)
        if steps and not _fits(candidate):
            break
        before, after, steps, drawn = before_next, after_next, steps + 1, candidate
    drawn.notes.append(
        f"Drawn up to {counted(range(steps), 'step')} from {name}: its whole lineage "
        f"({reached} systems, organisations and groups of data subjects) is too big to "
        "read in one picture. Each of its activities' diagrams draws that activity's "
        "flows in full."
    )
    return drawn


def _fits(selection: Selection) -> bool:
    return len(selection.nodes) <= SYSTEM_NODES and len(selection.edges) <= SYSTEM_EDGES


def too_big(selection: Selection) -> bool:
    """Whether the view is to be drawn collapsed rather than node by node."""
    return len(selection.nodes) > MAX_NODES or len(selection.edges) > MAX_EDGES


@dataclass
class Collapsed:
    """A view too big to draw node by node, as parties: each organisation stands for the
    systems it runs; other nodes stand for themselves."""

    title: str
    parties: list[str]  # sorted
    systems: dict[str, int]  # how many systems each party stands for
    flows: dict[tuple[str, str], list[str]]  # (from party, to party) → flow ids, sorted
    notes: list[str]  # what was merged or left out, for the caption


def collapse(inv: Inventory, graph: nx.MultiDiGraph, selection: Selection) -> Collapsed:
    """Merge the selection's systems into the organisations that run them; past
    :data:`MAX_COLLAPSED_NODES` parties, keep only those with the most flows."""
    from registry.lineage.graph import ORGANISATION, node_key

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
        *selection.notes,
        f"Collapsed: {counted(selection.nodes, 'node')} and {counted(selection.edges, 'flow')} "
        f"are too many to draw one by one, so systems are shown inside the organisation "
        f"that runs them and categories under their top-level parent.",
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
    flows = {pair: sorted(ids) for pair, ids in sorted(merged.items())}
    return Collapsed(selection.title, sorted(parties), systems, flows, notes)


def _ends(edges: Iterable[tuple[str, str, str]]) -> set[str]:
    return {n for u, v, _ in edges for n in (u, v)}
