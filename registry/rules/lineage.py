"""Rules judged along the whole lineage, not one flow at a time.

A per-flow check cannot see health data that leaves the EEA on the third hop, or a
processor that hands a controller's data to a sub-processor under an activity of
its own. These rules walk the lineage graph (:mod:`registry.graph`). networkx is
imported inside the functions, so importing the catalogue stays light; every walk
starts from the flows concerned and explores only what they reach (lazy subgraph
views), so the cost grows with the inventory, not with the number of paths in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.findings import Finding, Severity
from registry.rules.base import RuleContext, rule
from registry.vocabulary import Authentication, ContractType, countries

if TYPE_CHECKING:
    import networkx as nx

E = Severity.error


def _graph(ctx: RuleContext) -> nx.MultiDiGraph:
    from registry.graph import lineage_graph

    return lineage_graph(ctx.inventory)


def _route(graph: nx.MultiDiGraph, nodes: list[str]) -> str:
    return " → ".join(graph.nodes[n]["id"] for n in nodes)


# --- Art. 44: onward transfers -------------------------------------------------------


@rule("TRF-101", "onward-transfer-without-mechanism", E, "Art. 44, 46")
def onward_transfer_without_mechanism(ctx: RuleContext) -> Iterator[Finding]:
    """Data sent out of the EEA travels on to a country without adequacy with no mechanism.

    Art. 44 makes the protection follow the data: an onward transfer from the
    first importer to a further recipient in a country without an adequacy
    decision needs its own mechanism. The finding sits on the flow that takes the
    data out of the EEA and names the route and the onward flow that lacks one.
    Fix the onward flow (add `transfer: {mechanism: sccs, reference: …}`; SCCs
    module 3 for processor-to-sub-processor) or stop sending the category.

    Anti-pattern: `lis → crm-us` (SCCs) → `analytics-in` (India, no `transfer:`).
    Best practice: the `crm-us → analytics-in` flow names its own SCCs.
    """
    import networkx as nx

    from registry.graph import SUBJECT, related_categories

    inv = ctx.inventory
    graph = _graph(ctx)
    eea = countries().eea
    nodes = graph.nodes

    # Onward hops that lack a mechanism: into a country without adequacy, between two
    # countries or two organisations (a move inside one importer is not a transfer).
    bad_hops: list[tuple[str, str, str]] = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        target, source = nodes[v], nodes[u]
        if data["transfer"] or not target["needs_mechanism"] or source["kind"] == SUBJECT:
            continue
        if source["country"] == target["country"] and source["operator"] == target["operator"]:
            continue
        bad_hops.append((u, v, key))
    if not bad_hops:
        return

    # The flows that take data out of the EEA: where the finding belongs.
    exports = sorted(
        (key, u, v, data["categories"])
        for u, v, key, data in graph.edges(keys=True, data=True)
        if nodes[u]["country"] in eea and nodes[v]["third_country"]
    )
    found: dict[str, list[tuple[str, list[str], tuple[str, str, str]]]] = {}
    for category in sorted({c for *_, categories in exports for c in categories}):
        related = related_categories(inv, category)

        def carries(u: str, v: str, key: str, related: frozenset[str] = related) -> bool:
            return bool(related.intersection(graph[u][v][key]["categories"]))

        hops = [h for h in bad_hops if carries(*h)]
        if not hops:
            continue
        view = nx.subgraph_view(graph, filter_edge=carries)
        # Paths (reversed) from each node that can reach an onward hop's sender.
        to_hop = nx.multi_source_dijkstra_path(
            nx.reverse_view(view), sorted({u for u, _, _ in hops})
        )
        for key, u, v, categories in exports:
            if category not in categories or v not in to_hop:
                continue
            path = [u, *reversed(to_hop[v])]
            onward = [h for h in hops if h[0] == path[-1] and h[2] != key]
            if onward:
                found.setdefault(key, []).append((category, path, onward[0]))
    for key in sorted(found):
        flow = inv.flows[key]
        category, path, (_, hop_to, hop_key) = found[key][0]
        target = nodes[hop_to]
        names = ", ".join(c for c, _, _ in found[key])
        yield ctx.finding(
            flow,
            f"flow {key} sends {names} to {nodes[path[1]]['country']}; from there it reaches "
            f"{target['id']} in {target['country']} (no adequacy) via "
            f"{_route(graph, [*path, hop_to])}, and flow {hop_key} has no transfer mechanism",
            "to",
        )


# --- Art. 28(2)/(4): onward sub-processors -------------------------------------------


@rule("DPA-101", "onward-subprocessor-unauthorised", E, "Art. 28(2), 28(4)")
def onward_subprocessor_unauthorised(ctx: RuleContext) -> Iterator[Finding]:
    """A processor passes a controller's data down the chain to a sub-processor not authorised.

    Once a controller's data reaches a system run by its processor, every further
    organisation it travels to (through flows of the processor's own activities,
    or of no controller's) is a sub-processor the controller must have authorised
    in writing: list it in `authorised_subprocessors` of the controller's DPA with
    the processor, or give it a DPA of its own with the controller. Flows declared
    under the controller's own activities are judged by DPA-005; flows to an
    organisation receiving as `controller` are disclosures, not sub-processing.

    Anti-pattern: lab → vendor's migration server (DPA) → vendor's `support`
    activity → a hosting firm the lab's DPA does not name.
    Best practice: the lab's DPA lists the hosting firm under
    `authorised_subprocessors`.
    """
    import networkx as nx

    from registry.graph import ORGANISATION, related_categories

    inv = ctx.inventory
    graph = _graph(ctx)
    nodes = graph.nodes
    seeds: dict[tuple[str, str], dict[str, str]] = {}  # (controller, category) → node → flow
    for _, v, key, data in graph.edges(keys=True, data=True):
        flow = inv.flows[key]
        controller = data["controller"]
        if controller and inv.is_processor_end(flow):
            for category in data["categories"]:
                seeds.setdefault((controller, category), {}).setdefault(v, key)
    if not seeds:
        return

    authorised: dict[str, set[str]] = {}
    for contract in inv.contracts.values():
        if contract.controller and contract.type in (ContractType.dpa, ContractType.sub_processing):
            allowed = authorised.setdefault(contract.controller, set())
            allowed.update(contract.authorised_subprocessors)
            if contract.type is ContractType.dpa and contract.processor:
                allowed.add(contract.processor)

    found: dict[tuple[str, str], tuple[set[str], str, str]] = {}
    size = graph.number_of_nodes()  # depth limit: BFS would otherwise count a view's nodes
    for controller, category in sorted(seeds):
        related = related_categories(inv, category)

        def onward(
            u: str, related: frozenset[str] = related, controller: str = controller
        ) -> Iterator[tuple[str, str]]:
            """The flows out of ``u`` that may carry this controller's data onward."""
            sender = nodes[u]["operator"]
            if sender == controller:  # back home: the controller's own system
                return
            for v, flows in graph.succ[u].items():
                for key, data in flows.items():
                    # A flow declared for another controller carries that controller's
                    # data; one declared for this controller is DPA-005's.
                    if data["controller"] not in (None, sender):
                        continue
                    if nodes[v]["kind"] == ORGANISATION and data["recipient_role"] in (
                        "controller",
                        "joint_controller",
                    ):
                        continue  # a disclosure to a controller, not sub-processing
                    if related.intersection(data["categories"]):
                        yield v, key

        starts = seeds[(controller, category)]
        reached = set(starts)

        def successors(u: str, onward=onward, reached: set[str] = reached) -> Iterator[str]:
            for v, _ in onward(u):
                if v not in reached:  # shared across the starts: each node walked once
                    reached.add(v)
                    yield v

        for start in sorted(starts):
            for _ in nx.generic_bfs_edges(graph, start, successors, depth_limit=size):
                pass
        for u in sorted(reached):
            for v, key in sorted(onward(u)):
                sender, receiver = nodes[u]["operator"], nodes[v]["operator"]
                if not receiver or receiver in (sender, controller):
                    continue
                if receiver in authorised.get(controller, set()):
                    continue
                categories, _, _ = found.setdefault(
                    (key, controller), (set(), sender or "?", receiver)
                )
                categories.add(category)
    for (key, controller), (categories, sender, receiver) in sorted(found.items()):
        yield ctx.finding(
            inv.flows[key],
            f"flow {key}: {sender} passes {controller}'s data ({', '.join(sorted(categories))}) "
            f"on to {receiver}, which {controller} has not authorised as sub-processor",
            "to",
        )


# --- Art. 5(1)(e): retention where the data lands -------------------------------------


@rule("RET-101", "arriving-without-retention", E, "Art. 5(1)(e)")
def arriving_without_retention(ctx: RuleContext) -> Iterator[Finding]:
    """A flow brings a data category to a system that declares no retention for it.

    Whatever a flow brings, the receiving system holds, and must say how long. Add
    a `stores:` entry for the category (or a parent of it) with its `retention`
    to the receiving system, or stop sending the category. (A `stores:` entry
    without a retention is RET-001's finding.)
    """
    from registry.graph import SYSTEM, split_key

    inv = ctx.inventory
    graph = _graph(ctx)
    for _, v, key in sorted(graph.edges(keys=True), key=lambda e: e[2]):
        kind, ident = split_key(v)
        if kind != SYSTEM:
            continue
        system = inv.systems[ident]
        stored = [s.category for s in system.stores]
        flow = inv.flows[key]
        for index, category in enumerate(flow.data_categories):
            if not inv.covers(stored, category):
                yield ctx.finding(
                    flow,
                    f"flow {key} brings {category} to system {ident}, which declares no "
                    f"retention for it",
                    "data_categories",
                    index,
                )


# --- Art. 32: special categories where they land -------------------------------------


def art32_shortfalls(security: dict | None) -> list[str]:
    """What a system lacks of the bar the SEC rules set for special categories:
    encryption at rest, individual accounts, monitoring and alert escalation."""
    security = security or {}
    missing = []
    if security.get("encryption_at_rest") is not True:
        missing.append("encryption at rest")
    if security.get("authentication") != Authentication.individual.value:
        missing.append("individual authentication")
    if security.get("monitoring") is not True:
        missing.append("monitoring")
    if security.get("alert_escalation") is not True:
        missing.append("alert escalation")
    return missing


@rule("SEC-101", "special-arriving-below-art32", E, "Art. 32(1)")
def special_arriving_below_art32(ctx: RuleContext) -> Iterator[Finding]:
    """A flow brings special categories to a system that neither declares them nor meets Art. 32.

    SEC-001 and SEC-004 judge a system by the categories it declares in `stores:`;
    data that arrives by flow but is not declared escapes them. The bar for special
    categories is encryption at rest, individual authentication, monitoring and
    alert escalation. Declare the categories in the system's `stores:` and meet
    the bar in its `security:`, or stop sending them there.
    """
    from registry.graph import SYSTEM, split_key

    inv = ctx.inventory
    graph = _graph(ctx)
    for _, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        kind, ident = split_key(v)
        if kind != SYSTEM or not data["special"]:
            continue
        system = inv.systems[ident]
        stored = [s.category for s in system.stores]
        undeclared = [c for c in data["special"] if not inv.covers(stored, c)]
        missing = art32_shortfalls(graph.nodes[v]["security"])
        if undeclared and missing:
            yield ctx.finding(
                inv.flows[key],
                f"flow {key} brings special categories ({', '.join(undeclared)}) to system "
                f"{ident}, which does not declare them and lacks {', '.join(missing)}",
                "to",
            )
