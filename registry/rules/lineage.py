"""Rules judged along the whole lineage, not one flow at a time.

A per-flow check cannot see health data that leaves the EEA on the third hop, or a
processor that hands a controller's data to a sub-processor under an activity of
its own. TRF-101 and DPA-101 walk the lineage graph (:mod:`registry.lineage.graph`), and
build it (importing networkx) only when the inventory holds a flow they could find
fault with, so `ropa check` on a clean register never pays for it; every walk
starts from the flows concerned and explores only what they reach, so the cost
grows with the inventory, not with the number of paths in it. RET-101 and SEC-101
judge where each flow lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Flow, Security
from registry.core.vocabulary import Authentication, ContractType, RecipientRole, countries
from registry.rules.base import RuleContext, rule

if TYPE_CHECKING:
    import networkx as nx

E = Severity.error


def _graph(ctx: RuleContext) -> nx.MultiDiGraph:
    from registry.lineage.graph import lineage_graph

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

    A system hosted in several countries (`country: [DE, US]`) is judged on each:
    data leaves the EEA from its German part, and reaches the US on it.

    Does not fire when the onward hop declares a mechanism, goes to a country with
    full adequacy, or moves the data inside one importer (the same operator, into
    no country it is not already hosted in): Art. 44 asks for a safeguard at each
    transfer, and there is none within one organisation and country.
    """
    inv = ctx.inventory
    lists = countries()
    # An onward transfer needs a flow that leaves a system outside the EEA (the first
    # importer passing data on) and a hop with no mechanism; without both there is
    # nothing to walk, and no graph to build.
    if not any(
        any(lists.is_third_country(c) for c in inv.countries_of(flow.source))
        for flow in inv.flows.values()
        if flow.source in inv.systems
    ) or not any(_unprotected_hop(inv, flow) for flow in inv.flows.values()):
        return
    if not _onward_reachable(inv):
        return  # no flow out of the EEA leads on to an unprotected hop: no graph to build

    import networkx as nx

    from registry.lineage.graph import SUBJECT, related_categories

    graph = _graph(ctx)
    eea = lists.eea
    nodes = graph.nodes

    # Onward hops that lack a mechanism: into a country without adequacy, between two
    # countries or two organisations (a move inside one importer is not a transfer).
    bad_hops: list[tuple[str, str, str]] = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        target, source = nodes[v], nodes[u]
        if data["transfer"] or not target["needs_mechanism"] or source["kind"] == SUBJECT:
            continue
        if _within_importer(source["countries"], source["operator"], target):
            continue
        bad_hops.append((u, v, key))
    if not bad_hops:
        return

    # The flows that take data out of the EEA: where the finding belongs.
    exports = sorted(
        (key, u, v, data["categories"])
        for u, v, key, data in graph.edges(keys=True, data=True)
        if not eea.isdisjoint(nodes[u]["countries"]) and nodes[v]["third_country"]
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


def _onward_reachable(inv: Inventory) -> bool:
    """Whether some flow out of the EEA leads, through any flows, to the sender of a hop
    TRF-101 would call unprotected: what every TRF-101 finding needs, judged on the
    flows alone with the graph's own definitions (its nodes, their countries and
    operators), categories aside. Linear in the flows; when it is False the graph
    (and networkx) is not needed."""
    lists = countries()
    eea = lists.eea
    # Each flow end once: (in the graph, a data subject, countries, needs a mechanism,
    # a third country); the same few thousand ends recur across 100,000 flows.
    ends: dict[str, tuple[bool, bool, tuple[str, ...], bool, bool]] = {}

    def end_of(ident: str) -> tuple[bool, bool, tuple[str, ...], bool, bool]:
        found = ends.get(ident)
        if found is None:
            entity = inv.endpoint(ident)
            where = inv.countries_of(ident)
            found = ends[ident] = (
                entity is not None,
                entity is not None and entity.kind == "DataSubject",
                where,
                any(lists.needs_mechanism(c) for c in where),
                any(lists.is_third_country(c) for c in where),
            )
        return found

    onward: dict[str, set[str]] = {}
    senders: set[str] = set()
    starts: set[str] = set()
    for flow in inv.flows.values():
        known, subject, source_countries, _, _ = end_of(flow.source)
        target_known, _, target_countries, needs_mechanism, third = end_of(flow.to)
        if not known or not target_known:
            continue  # not in the graph: SCH-012 reports it
        onward.setdefault(flow.source, set()).add(flow.to)
        if third and not eea.isdisjoint(source_countries):
            starts.add(flow.to)
        if (
            needs_mechanism
            and flow.transfer is None
            and not subject
            and not _within_importer(
                source_countries,
                inv.operator_of(flow.source),
                {"countries": target_countries, "operator": inv.operator_of(flow.to)},
            )
        ):
            senders.add(flow.source)
    if not senders or not starts:
        return False
    seen = set(starts)
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node in senders:
            return True
        for following in onward.get(node, ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def _unprotected_hop(inv: Inventory, flow: Flow) -> bool:
    """A flow with no mechanism into a country without adequacy, between two countries
    or two organisations (the hops TRF-101 looks for, judged without the graph)."""
    if flow.transfer or flow.source not in inv.systems:
        return False  # a mechanism, or collected from the data subjects: not a transfer
    lists = countries()
    target = {
        "countries": inv.countries_of(flow.to),
        "operator": inv.operator_of(flow.to),
    }
    if not any(lists.needs_mechanism(c) for c in target["countries"]):
        return False
    return not _within_importer(inv.countries_of(flow.source), inv.operator_of(flow.source), target)


def _within_importer(
    source_countries: tuple[str, ...], source_operator: str | None, target: dict
) -> bool:
    """A move inside one importer: the same operator, into no country needing a mechanism
    that the sender is not already in (not a transfer)."""
    if source_operator != target["operator"]:
        return False
    lists = countries()
    needing = {c for c in target["countries"] if lists.needs_mechanism(c)}
    return needing <= set(source_countries)


# --- Art. 28(2)/(4): onward sub-processors -------------------------------------------


@rule("DPA-101", "onward-subprocessor-unauthorised", E, "Art. 28(2), 28(4)")
def onward_subprocessor_unauthorised(ctx: RuleContext) -> Iterator[Finding]:
    """A processor passes a controller's data down the chain to a sub-processor not authorised.

    Once a controller's data reaches a system run by its processor, every further
    organisation it travels to (through flows of the processor's own activities,
    or of no controller's) is a sub-processor the controller must have authorised
    in writing: list it in `authorised_subprocessors` of the controller's DPA with
    the processor, give that DPA a `general_authorisation` (the processor's
    published list), or give the receiver a DPA of its own with the controller.

    Does not fire when the flow is declared under the controller's own activities
    (judged by DPA-005); when it goes to an organisation or system receiving as
    `controller` or `joint_controller` (a disclosure, not sub-processing); when the
    receiver holds a DPA with the controller or is named in one of its DPAs; nor when
    the controller's DPA with the sending processor gives a general written
    authorisation (Art. 28(2): every sub-processor it engages is authorised).

    Anti-pattern: lab → vendor's migration server (DPA) → vendor's `support`
    activity → a hosting firm the lab's DPA does not name.
    Best practice: the lab's DPA lists the hosting firm under
    `authorised_subprocessors`.
    """
    inv = ctx.inventory
    if not _may_pass_on(inv):
        return  # no processor sends anything under its own activities: nothing to walk

    import networkx as nx

    from registry.lineage.graph import related_categories

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

    # Whom each controller authorised: its processors under a DPA of their own and the
    # sub-processors its DPAs name; and the processors whose DPA authorises generally,
    # whose every sub-processor is authorised (Art. 28(2)).
    authorised: dict[str, set[str]] = {}
    generally: dict[str, set[str]] = {}
    for contract in inv.contracts.values():
        if contract.controller and contract.type in (ContractType.dpa, ContractType.sub_processing):
            allowed = authorised.setdefault(contract.controller, set())
            allowed.update(contract.authorised_subprocessors)
            if contract.type is ContractType.dpa and contract.processor:
                allowed.add(contract.processor)
                if contract.general_authorisation is not None:
                    generally.setdefault(contract.controller, set()).add(contract.processor)

    found: dict[tuple[str, str], tuple[set[str], str, str]] = {}
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
                    if data["recipient_role"] in ("controller", "joint_controller"):
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
            for _ in nx.generic_bfs_edges(graph, start, successors):
                pass
        for u in sorted(reached):
            for v, key in sorted(onward(u)):
                sender, receiver = nodes[u]["operator"], nodes[v]["operator"]
                if not receiver or receiver in (sender, controller):
                    continue
                if receiver in authorised.get(controller, set()):
                    continue
                if sender in generally.get(controller, set()):
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


def _may_pass_on(inv: Inventory) -> bool:
    """Whether some organisation holding others' data sends a flow that is not declared
    for another controller: the only flows DPA-101 can find fault with."""

    def controller(flow: Flow) -> str | None:
        activity = inv.activities.get(flow.activity)
        return activity.controller if activity else None

    holders = {
        operator
        for flow in inv.flows.values()
        if (operator := inv.operator_of(flow.to)) and operator != controller(flow)
    }
    for flow in inv.flows.values():
        sender = inv.operator_of(flow.source)
        receiver = inv.operator_of(flow.to)
        passes_on = receiver is not None and receiver != sender
        if sender in holders and controller(flow) in (None, sender) and passes_on:
            return True
    return False


# --- Art. 5(1)(e): retention where the data lands -------------------------------------


@rule("RET-101", "arriving-without-retention", E, "Art. 5(1)(e)")
def arriving_without_retention(ctx: RuleContext) -> Iterator[Finding]:
    """A flow brings a data category to a system that declares no retention for it.

    Whatever a flow brings, the receiving system holds, and must say how long. Add
    a `stores:` entry for the category (or a parent of it) with its `retention`
    to the receiving system, or stop sending the category. (A `stores:` entry
    without a retention is RET-001's finding.)

    Does not fire for a system that declares `stores: []`: a TLS-terminating proxy,
    a stateless application server or a message relay passes data through and keeps
    none, so it owes no retention (Art. 5(1)(e) limits *storage*); its security is
    still judged (SEC-101). Leaving `stores` out is not the same: an undeclared
    store is a gap, and this rule reports it. Nor does it fire on a flow to a system
    an independent controller runs (`recipient_role: controller`: a payment network's
    checkout): what that controller keeps, and for how long, is in its own record
    (Art. 5(1)(e) and 30(1) bind it), not the sender's.
    """
    inv = ctx.inventory
    stored_by_system = inv.stored_categories  # many flows land on one system
    for flow in inv.flows.values():
        system = inv.systems.get(flow.to)
        if system is None or flow.recipient_role is RecipientRole.controller:
            continue  # an organisation, or a controller's system, keeps it under its own record
        if system.transient:
            continue  # it keeps nothing
        stored = stored_by_system[system.id]
        for index, category in enumerate(flow.data_categories):
            if category not in stored and not inv.covers(stored, category):
                yield ctx.finding(
                    flow,
                    f"flow {flow.id} brings {category} to system {system.id}, which declares no "
                    f"retention for it",
                    "data_categories",
                    index,
                )


# --- Art. 32: special categories where they land -------------------------------------


def art32_shortfalls(security: Security | None) -> list[str]:
    """What a system lacks of the bar the SEC rules set for special categories:
    encryption at rest, individual accounts, monitoring and alert escalation."""
    missing = []
    if not (security and security.encryption_at_rest):
        missing.append("encryption at rest")
    # Every way in must be an individual account: a public area beside them is a gap.
    if not (security and security.weakest_authentication is Authentication.individual):
        missing.append("individual authentication")
    if not (security and security.monitoring):
        missing.append("monitoring")
    if not (security and security.alert_escalation):
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

    Does not fire on a flow to a system an independent controller runs
    (`recipient_role: controller`): its Art. 32 measures are its own to take and record.
    """
    inv = ctx.inventory
    special_kind = inv.category_special  # what special_of() reads, looked up in place
    stored_by_system = inv.stored_categories  # many flows land on one system
    for flow in inv.flows.values():
        system = inv.systems.get(flow.to)
        if system is None or flow.recipient_role is RecipientRole.controller:
            continue  # an independent controller answers for its own security (Art. 24, 32)
        special = [c for c in flow.data_categories if c in special_kind]
        if not special:
            continue  # nothing special arrives: nothing to judge
        special = sorted(set(special))
        stored = stored_by_system[system.id]
        undeclared = [c for c in special if not inv.covers(stored, c)]
        missing = art32_shortfalls(system.security) if undeclared else []
        if missing:
            yield ctx.finding(
                flow,
                f"flow {flow.id} brings special categories ({', '.join(undeclared)}) to system "
                f"{system.id}, which does not declare them and lacks {', '.join(missing)}",
                "to",
            )
