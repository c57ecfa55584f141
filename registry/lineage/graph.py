"""The register as a lineage graph, and the graph questions asked of it.

Nodes are systems, organisations that receive flows and the data-subject sources
flows collect from, keyed ``"System:lis"``, ``"Organisation:acme"``,
``"DataSubject:patients"``. Every flow is one edge (keyed by the flow id) of a
:class:`networkx.MultiDiGraph`, carrying its categories, subjects, activity,
contract and transfer mechanisms; every node carries its operator, countries (and
the one that matters for transfers as ``country``), stored categories and security.

networkx is imported here and nowhere else at module level: the rest of
``registry`` imports this module lazily, so `ropa check` on an inventory without
lineage rules in play, and `ropa --version`, stay light.

Categories and lineage: a flow that declares ``health`` may carry lab results, and
one that declares ``lab-results`` carries health data, so a flow *carries* a
category when one of its categories is that category, one of its sub-categories
or one of its parents (:func:`related_categories`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from registry.core.inventory import Inventory
from registry.core.model import Entity
from registry.core.vocabulary import countries

SYSTEM, ORGANISATION, SUBJECT = "System", "Organisation", "DataSubject"

# The graph is built once per inventory and kept on it (inventories are not
# modified after loading); rules, trace, impact and diagrams all share it.
_CACHE_ATTRIBUTE = "_lineage_graph"


def node_key(kind: str, ident: str) -> str:
    """``"System:lis"``: the key of a node in the lineage graph."""
    return f"{kind}:{ident}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, ident = key.partition(":")
    return kind, ident


def endpoint_key(inv: Inventory, ident: str) -> str | None:
    """The node a flow end names: a system, else an organisation, else a data subject."""
    entity = inv.endpoint(ident)
    return node_key(entity.kind, entity.id) if entity is not None else None


def build_graph(inventory: Inventory) -> nx.MultiDiGraph:
    """The lineage graph of a resolved inventory (flows with dangling ends are left out:
    SCH-012 reports them)."""
    inv = inventory
    graph = nx.MultiDiGraph()
    for system in sorted(inv.systems.values(), key=lambda s: s.id):
        security = system.security.model_dump(exclude_none=True) if system.security else None
        graph.add_node(
            node_key(SYSTEM, system.id),
            kind=SYSTEM,
            id=system.id,
            name=system.name,
            operator=system.operator,
            **location(inv.countries_of(system.id)),
            stores={s.category: (str(s.retention) if s.retention else None) for s in system.stores},
            transient=system.transient,
            special=sorted({s.category for s in system.stores if inv.special_of(s.category)}),
            security=security,
            temporary=system.temporary,
            delete_by=system.delete_by,
        )
    for flow in sorted(inv.flows.values(), key=lambda f: f.id):
        source = endpoint_key(inv, flow.source)
        target = endpoint_key(inv, flow.to)
        if source is None or target is None:
            continue
        for key in (source, target):
            if key not in graph:
                _add_party(graph, inv, key)
        activity = inv.activities.get(flow.activity)
        graph.add_edge(
            source,
            target,
            key=flow.id,
            flow=flow.id,
            activity=flow.activity,
            controller=activity.controller if activity else None,
            categories=tuple(flow.data_categories),
            subjects=tuple(flow.data_subjects),
            special=tuple(sorted({c for c in flow.data_categories if inv.special_of(c)})),
            contract=flow.contract,
            transfer=", ".join(flow.transfer.mechanisms) if flow.transfer else None,
            type=flow.type.value,
            encrypted_in_transit=flow.encrypted_in_transit,
            medium=flow.medium.value,
            recipient_role=flow.recipient_role.value if flow.recipient_role else None,
        )
    return graph


def _add_party(graph: nx.MultiDiGraph, inv: Inventory, key: str) -> None:
    """An organisation receiving a flow, or a data-subject source: no stores, no security."""
    kind, ident = split_key(key)
    if kind == ORGANISATION:
        organisation = inv.organisations[ident]
        own = {
            "name": organisation.name,
            "operator": ident,
            **location(inv.countries_of(ident)),
        }
    else:
        subject = inv.subjects[ident]
        own = {
            "name": subject.name,
            "operator": None,
            **location(()),
            "vulnerable": subject.vulnerable,
        }
    graph.add_node(
        key,
        kind=kind,
        id=ident,
        stores={},
        special=[],
        security=None,
        temporary=False,
        delete_by=None,
        **own,
    )


def location(found: tuple[str, ...]) -> dict[str, object]:
    """A node's countries, and the one a reader is shown: for a system hosted in several,
    the first that needs a transfer mechanism, else the first outside the EEA."""
    lists = countries()
    needing = [c for c in found if lists.needs_mechanism(c)]
    third = [c for c in found if lists.is_third_country(c)]
    return {
        "country": (needing or third or [*found, None])[0],
        "countries": found,
        "third_country": bool(third),
        "needs_mechanism": bool(needing),
    }


def lineage_graph(inventory: Inventory) -> nx.MultiDiGraph:
    """The inventory's graph, built on first use and then shared."""
    cached = vars(inventory).get(_CACHE_ATTRIBUTE)
    if cached is None:
        cached = build_graph(inventory)
        vars(inventory)[_CACHE_ATTRIBUTE] = cached
    return cached


def entity_of(inv: Inventory, key: str) -> Entity:
    kind, ident = split_key(key)
    return inv.by_kind[kind][ident]


# --- categories along the graph ----------------------------------------------------


def sub_categories(inv: Inventory, category: str) -> frozenset[str]:
    """The category and every category below it in the taxonomy."""
    return frozenset(c for c, chain in inv.category_ancestors.items() if category in chain)


def related_categories(inv: Inventory, category: str) -> frozenset[str]:
    """Categories a flow may declare and still carry ``category``: itself, its parents,
    its sub-categories."""
    return sub_categories(inv, category) | set(inv.category_ancestors.get(category, (category,)))


def carried(inv: Inventory, categories: Iterable[str], category: str) -> list[str]:
    """Which of a flow's ``categories`` carry ``category`` (sorted)."""
    related = related_categories(inv, category)
    return sorted(c for c in categories if c in related)


def category_edges(
    graph: nx.MultiDiGraph, inv: Inventory, category: str
) -> list[tuple[str, str, str]]:
    """Every flow (u, v, flow id) that carries ``category``, sorted by flow id."""
    related = related_categories(inv, category)
    found = [
        (u, v, key)
        for u, v, key, categories in graph.edges(keys=True, data="categories")
        if related.intersection(categories)
    ]
    return sorted(found, key=lambda edge: edge[2])


def category_graph(graph: nx.MultiDiGraph, inv: Inventory, category: str) -> nx.MultiDiGraph:
    """The part of the graph that ``category`` travels through (a read-only view)."""
    return graph.edge_subgraph(category_edges(graph, inv, category))


def categories_on_edges(graph: nx.MultiDiGraph) -> list[str]:
    """Every category some flow declares, sorted."""
    return sorted({c for _, _, categories in graph.edges(data="categories") for c in categories})


# --- reach and routes -------------------------------------------------------------


def downstream(graph: nx.MultiDiGraph, key: str) -> set[str]:
    """Every node data from ``key`` can reach through flows (networkx descendants)."""
    return nx.descendants(graph, key) if key in graph else set()


def upstream(graph: nx.MultiDiGraph, key: str) -> set[str]:
    return nx.ancestors(graph, key) if key in graph else set()


def category_reach(graph: nx.MultiDiGraph, inv: Inventory, category: str, key: str) -> set[str]:
    """Every node ``category`` reaches from ``key`` along flows that carry it."""
    sub = category_graph(graph, inv, category)
    return nx.descendants(sub, key) if key in sub else set()


def origins_and_ends(sub: nx.MultiDiGraph) -> tuple[list[str], list[str]]:
    """Where routes start and end: the nodes of the source and sink strongly connected
    components (so a cycle of flows still has a start and an end)."""
    condensed = nx.condensation(sub)
    members = nx.get_node_attributes(condensed, "members")
    starts = sorted(
        n for c in condensed if condensed.in_degree(c) == 0 for n in _entry_nodes(sub, members[c])
    )
    ends = sorted(n for c in condensed if condensed.out_degree(c) == 0 for n in members[c])
    return starts, ends


def _entry_nodes(sub: nx.MultiDiGraph, members: set[str]) -> list[str]:
    """The start of a source component: itself, or for a cycle of flows its data-subject
    sources if any, else its first member (every other member is on routes from it)."""
    if len(members) == 1:
        return list(members)
    subjects = sorted(n for n in members if sub.nodes[n]["kind"] == SUBJECT)
    return subjects or sorted(members)[:1]


@dataclass(frozen=True)
class Route:
    """One route a category takes: the nodes in order and the flows on each hop."""

    nodes: tuple[str, ...]
    hops: tuple[tuple[str, ...], ...]  # per hop, the ids of the flows carrying the category


def routes(
    graph: nx.MultiDiGraph, inv: Inventory, category: str, *, limit: int = 1_000
) -> tuple[list[Route], bool]:
    """Every route ``category`` takes from where it is collected to its last recipient.

    Returns the routes (sorted) and whether the list was cut at ``limit``: the number
    of simple paths grows exponentially with the branching of the graph.
    """
    sub = category_graph(graph, inv, category)
    if sub.number_of_edges() == 0:
        return [], False
    starts, ends = origins_and_ends(sub)
    end_set = set(ends)
    found: list[Route] = []
    truncated = False
    for start in starts:
        targets = sorted(end_set & (nx.descendants(sub, start) | {start}) - {start})
        if not targets:
            continue
        for path in nx.all_simple_paths(sub, start, targets):
            if len(found) == limit:
                truncated = True
                break
            hops = tuple(tuple(sorted(sub[u][v])) for u, v in pairwise(path))
            found.append(Route(tuple(path), hops))
        if truncated:
            break
    found.sort(key=lambda r: r.nodes)
    # Inside a final cycle every member is an end: keep only the routes that go furthest
    # (in sorted order a route's extensions come right after it).
    found = [
        r
        for r, after in zip(found, [*found[1:], None], strict=True)
        if after is None or after.nodes[: len(r.nodes)] != r.nodes
    ]
    return found, truncated
