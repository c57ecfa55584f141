"""Art. 28: processors work under a contract in force; Art. 26: joint controllers
under an arrangement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

from registry.core.contracts import PROCESSING as _PROCESSING
from registry.core.contracts import (
    activity_covers,
    authorises,
    concluded,
    contract_problem,
    covers,
    dpas,
    engaged_by,
)
from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract
from registry.core.vocabulary import Art28Clause, ContractType, RecipientRole
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


def _or(names: list[str]) -> str:
    return " or ".join(names)


def unauthorised_hops(inv: Inventory) -> dict[str, tuple[str, str]]:
    """Flow id → (P, Q) for each flow of a controller C's activity where processor P
    hands C's data to Q, an organisation P engaged that is neither C's processor nor
    authorised by C.

    Not such a flow when: it leaves no system run by a processor of C; Q receives as
    controller or joint controller, or is C or P; any contract makes Q C's processor
    (a DPA with C, or a sub-processing contract one of C's DPAs authorises: whether it
    is in force is DPA-001/002/004's question); C's DPA with P authorises Q
    (specifically or generally); or Q is linked to C through another processor and no
    contract shows that P engaged it (that processor's flows are the ones to judge).

    DPA-001 and DPA-005 both ask: worked out once per inventory (kept on it, as the
    lineage graph is; inventories are not modified once built).
    """
    cached = vars(inv).get(_HOPS_ATTRIBUTE)
    if cached is None:
        cached = vars(inv)[_HOPS_ATTRIBUTE] = _unauthorised_hops(inv)
    return cached


_HOPS_ATTRIBUTE = "_unauthorised_hops"


def _unauthorised_hops(inv: Inventory) -> dict[str, tuple[str, str]]:
    decided: dict[tuple[frozenset[str], str, str], bool] = {}
    found: dict[str, tuple[str, str]] = {}
    for flow in inv.flows.values():
        activity = inv.activities.get(flow.activity)
        if activity is None or activity.controller is None or flow.source not in inv.systems:
            continue
        controllers = frozenset(inv.controllers_of(activity))
        sender = inv.systems[flow.source].operator
        receiver = inv.is_processor_end(flow)
        if not sender or not receiver or sender in controllers or receiver == sender:
            continue
        key = (controllers, sender, receiver)
        if key not in decided:
            decided[key] = _unauthorised(inv, controllers, sender, receiver)
        if decided[key]:
            found[flow.id] = (sender, receiver)
    return found


def _unauthorised(inv: Inventory, controllers: frozenset[str], sender: str, receiver: str) -> bool:
    if any(covers(inv, c, receiver, dt.date.min) for c in controllers):
        return False  # any status: only whether a contract exists matters here
    if any(authorises(d, receiver) for c in controllers for d in dpas(inv, c, sender)):
        return False
    by_sender = any(
        c.controller == sender and c.type in _PROCESSING
        for c in inv.contracts_by_processor.get(receiver, ())
    )
    return by_sender or not _linked(inv, controllers, receiver)


def _linked(inv: Inventory, controllers: frozenset[str], organisation: str) -> bool:
    """Whether any contract ties ``organisation`` to these controllers: a processing
    contract with it as processor (with them, or with one of their processors), or
    one of their DPAs naming it as an authorised sub-processor."""
    theirs = [
        c
        for c in inv.contracts.values()
        if c.type is ContractType.dpa and c.controller in controllers
    ]
    processors = {c.processor for c in theirs}
    return any(organisation in c.authorised_subprocessors for c in theirs) or any(
        c.type in _PROCESSING and (c.controller in controllers or c.controller in processors)
        for c in inv.contracts_by_processor.get(organisation, ())
    )


@rule("DPA-001", "processor-contract", E, "Art. 28(3)")
def processor_contract(ctx: RuleContext) -> Iterator[Finding]:
    """A flow hands data to a processor without a contract in force for it.

    When the receiving system is run by another organisation (its `operator`), or
    the receiving organisation acts as `processor`, the flow must name its
    `contract`: a DPA between the activity's controller and that processor, signed
    or accepted online and unexpired on the date checked — or, for a sub-processor,
    the sub-processing contract (or the controller's DPA with the processor that
    engaged it) that authorises it.

    A DPA that one of the activity's joint controllers concluded with the processor
    counts (Art. 26: the joint controllers agree which of them binds it).

    Does not fire when the receiver runs the system as a controller or joint
    controller (`recipient_role: controller` on the flow: an independent recipient
    owes no Art. 28 contract), nor on a flow where a processor hands the data to an
    organisation it engaged without the controller's authorisation: that gap is
    DPA-005's, reported once.
    """
    inv = ctx.inventory

    hops = unauthorised_hops(inv)

    @cache  # many flows share an activity and a processor
    def in_force(activity: str, processor: str) -> list[Contract]:
        covering = activity_covers(inv, inv.activities[activity], processor, ctx.as_of)
        return [c.contract for c in covering if c.in_force]

    for flow in inv.flows.values():
        processor = inv.is_processor_end(flow)
        activity = inv.activities.get(flow.activity)
        if processor is None or activity is None or activity.controller is None:
            continue
        if flow.id in hops:
            continue  # DPA-005 reports this flow
        if processor not in inv.organisations:
            continue  # an operator that names no organisation: SCH-012's finding
        controller = activity.controller
        if flow.contract is None:
            yield ctx.finding(
                flow,
                f"flow {flow.id} hands data to processor {processor} with no contract: "
                f"add `contract:` naming the DPA between {controller} and {processor}",
                "to",
            )
            continue
        contract = inv.contracts.get(flow.contract)
        if contract is None:
            continue  # dangling reference: reported by SCH-012
        problem = contract_problem(contract, ctx.as_of)
        if problem:
            yield ctx.finding(flow, f"flow {flow.id}: {problem}", "contract")
        elif not any(c is contract for c in in_force(activity.id, processor)):
            yield ctx.finding(
                flow,
                f"flow {flow.id}: contract {contract.id} is not a DPA between {controller} "
                f"and {processor}",
                "contract",
            )


def processing_systems(inv: Inventory) -> dict[tuple[str, str], dict[str, set[str]]]:
    """(controller, operator) → activity → the systems the operator runs for that
    controller's activity as its processor (not as a controller or joint controller)."""
    found: dict[tuple[str, str], dict[str, set[str]]] = {}
    for system_id, activities in inv.activities_by_system.items():
        operator = inv.systems[system_id].operator
        if operator is None:
            continue
        for activity in activities:
            if activity.controller is None or operator in inv.controllers_of(activity):
                continue
            if system_id in inv.received_as_controller.get(activity.id, ()):
                continue
            by_activity = found.setdefault((activity.controller, operator), {})
            by_activity.setdefault(activity.id, set()).add(system_id)
    return found


@rule("DPA-002", "operator-contract", E, "Art. 28(1)")
def operator_contract(ctx: RuleContext) -> Iterator[Finding]:
    """An organisation runs systems holding a controller's data with no contract in force.

    Every controller whose activities use a system run by another organisation needs
    that organisation bound as its processor: a DPA in force between them (type
    `dpa`, signed or accepted online, unexpired), or — where one of the controller's
    processors engaged it — authorisation as sub-processor in the controller's DPA
    with that processor (`authorised_subprocessors`, or `general_authorisation`).
    One finding per controller and organisation, on the Organisation (the
    relationship to fix), naming the systems.

    Does not fire when the operator is the controller or a joint controller of the
    activity, when one of the activity's joint controllers concluded the DPA (Art. 26:
    joint controllers agree which of them binds a processor for what they share), or
    receives the data as a controller (`recipient_role: controller` or
    `joint_controller` on every flow of the activity into its system): Art. 28 binds
    processors only.
    """
    inv = ctx.inventory
    for (controller, operator), by_activity in sorted(processing_systems(inv).items()):
        organisation = inv.organisations.get(operator)
        if organisation is None:
            continue  # a dangling or invalid operator: a schema finding
        if inv.invalid_mentions("Contract", "processor", operator):
            continue  # a contract with schema errors: reported as such, not as missing
        uncovered = [
            ident
            for ident in sorted(by_activity)
            if not any(
                c.in_force for c in activity_covers(inv, inv.activities[ident], operator, ctx.as_of)
            )
        ]
        if not uncovered:
            continue
        systems = {s for ident in uncovered for s in by_activity[ident]}
        names = ", ".join(sorted(systems))
        runs = f"{operator} runs {'systems' if len(systems) > 1 else 'system'} {names}"
        engaging = engaged_by(inv, controller, operator)
        if engaging:
            contracts = _or([f"{controller}'s contract with {p}" for p in engaging])
            message = (
                f"{runs} for {controller} with neither a DPA with {controller} nor "
                f"authorised as sub-processor by {contracts}"
            )
        else:
            lapsed = [c.problem for c in covers(inv, controller, operator, ctx.as_of)]
            message = f"{runs} for {controller} with no contract in force between them" + (
                f" ({'; '.join(p for p in lapsed if p)})" if lapsed else ""
            )
        yield ctx.finding(organisation, message)


@rule("DPA-003", "art28-clauses", E, "Art. 28(3)(a)-(h)")
def art28_clauses(ctx: RuleContext) -> Iterator[Finding]:
    """A processing contract lacks one of the eight mandatory Art. 28(3) clauses.

    Under `art28_clauses:` mark each of documented_instructions, confidentiality,
    security, sub_processors, data_subject_rights, compliance_assistance,
    deletion_or_return and audits as `true` once the contract contains it.

    Does not fire when the contract is a joint-controller arrangement or SCCs: Art.
    28(3) lists what a contract with a processor must contain.
    """
    for contract in ctx.inventory.contracts.values():
        if contract.type not in _PROCESSING:
            continue
        missing = [c for c in Art28Clause if not contract.art28_clauses.get(c)]
        if missing:
            listed = ", ".join(f"{c.value} ({c.article})" for c in missing)
            yield ctx.finding(
                contract,
                f"contract {contract.id} lacks Art. 28(3) clauses: {listed}",
                "art28_clauses",
            )


@rule("DPA-004", "contract-in-force", E, "Art. 28(9)")
def contract_in_force(ctx: RuleContext) -> Iterator[Finding]:
    """A processing contract is neither signed nor accepted, starts in the future or expired.

    Art. 28(9) requires the contract "in writing, including in electronic form":
    record `signed` (the date it was signed) or `accepted` (the date an online DPA
    was accepted, click-through), and renew it (new `expires`) before it lapses.

    Does not fire when an online DPA has `accepted` and no `signed`: electronic form
    is writing under Art. 28(9).
    """
    for contract in ctx.inventory.contracts.values():
        if contract.type not in _PROCESSING:
            continue
        problem = contract_problem(contract, ctx.as_of)
        if problem:
            start = concluded(contract)
            if start is None or start > ctx.as_of:
                field = "accepted" if start is not None and start != contract.signed else "signed"
            else:
                field = "expires"
            yield ctx.finding(contract, problem, field)


@rule("DPA-005", "unauthorised-subprocessor", E, "Art. 28(2), 28(4)")
def unauthorised_subprocessor(ctx: RuleContext) -> Iterator[Finding]:
    """A processor passes a controller's data to a sub-processor the controller did not authorise.

    Sub-processing is a processor P engaging another processor Q for the
    controller's processing: a flow of controller C's activity from a system run by
    P to Q (a system Q runs, or organisation Q receiving as `processor`). Q needs
    C's prior written authorisation (Art. 28(2)): list it in
    `authorised_subprocessors` of C's DPA with P, or give that DPA a
    `general_authorisation` (the processor's published list); or make Q C's own
    processor with a DPA between C and Q. Fires when a contract shows that P engaged
    Q, or when nothing links Q to C at all; the flow then gets this finding only, not
    also DPA-001.

    Does not fire when Q is itself C's processor (any DPA between C and Q, or a
    sub-processing contract authorised by one of C's DPAs: DPA-001, 002 and 004 judge
    whether it is in force) — data moving between two of C's processors on C's
    instructions is not sub-processing; nor when Q receives as controller or joint
    controller (a disclosure, not processing on C's behalf); nor when C's DPA with P
    authorises Q specifically or generally; nor when Q is C or P; nor when Q is
    linked to C through another of C's processors and no contract shows P engaged
    it (that processor's flows are the ones that get the finding).
    """
    inv = ctx.inventory
    for ident, (sender, receiver) in unauthorised_hops(inv).items():
        flow = inv.flows[ident]
        controller = inv.activities[flow.activity].controller
        yield ctx.finding(
            flow,
            f"flow {flow.id}: processor {sender} passes {controller}'s data to {receiver}, "
            f"which is neither {controller}'s processor under a DPA nor authorised as "
            f"sub-processor by {controller}'s contract with {sender}",
            "to",
        )


def _arrangements(inv: Inventory) -> list[Contract]:
    return [
        c for c in inv.contracts.values() if c.type is ContractType.joint_controller_arrangement
    ]


@rule("DPA-006", "joint-controller-arrangement", E, "Art. 26(1)")
def joint_controller_arrangement(ctx: RuleContext) -> Iterator[Finding]:
    """Joint controllers have no arrangement setting out their responsibilities.

    Art. 26(1): joint controllers determine their respective responsibilities "by
    means of an arrangement between them". An activity with `joint_controllers`, or a
    flow whose receiver acts as `recipient_role: joint_controller`, needs a Contract
    of type `joint_controller_arrangement` whose `parties` include the activity's
    controller and that joint controller, not expired on the date checked. The
    finding sits on the activity's `joint_controllers` entry, or on the flow's
    `recipient_role` for a joint controller named only there.

    Does not fire when the recipient is an independent controller
    (`recipient_role: controller`): each answers for its own processing and no
    arrangement is required; nor when the arrangement has no signature date (Art. 26
    asks for an arrangement, not a signed contract).
    """
    inv = ctx.inventory
    arrangements = _arrangements(inv)

    def problem(activity: Activity, partner: str) -> str | None:
        controller = activity.controller
        if partner not in inv.organisations:
            return None  # a dangling or invalid organisation: a schema finding
        if inv.invalid_mentions("Contract", "parties", partner):
            return None  # an arrangement with schema errors: reported as such
        found = [
            c
            for c in arrangements
            if {controller, partner} <= {*c.parties, *([c.controller] if c.controller else [])}
        ]
        if any(c.expires is None or c.expires >= ctx.as_of for c in found):
            return None
        what = f"{controller} and joint controller {partner}"
        if found:
            return f"the arrangement between {what} expired on {found[0].expires}"
        return (
            f"{what} have no joint-controller arrangement: add a Contract of type "
            f"joint_controller_arrangement with parties [{controller}, {partner}]"
        )

    for activity in inv.activities.values():
        if activity.controller is None:
            continue
        judged = {activity.controller}
        for index, partner in enumerate(activity.joint_controllers):
            if partner in judged:
                continue
            judged.add(partner)
            reason = problem(activity, partner)
            if reason:
                yield ctx.finding(
                    activity, f"activity {activity.id}: {reason}", "joint_controllers", index
                )
        for flow in sorted(inv.flows_by_activity.get(activity.id, ()), key=lambda f: f.id):
            if flow.recipient_role is not RecipientRole.joint_controller:
                continue
            partner = inv.operator_of(flow.to)
            if partner is None or partner in judged:
                continue
            judged.add(partner)
            reason = problem(activity, partner)
            if reason:
                yield ctx.finding(flow, f"flow {flow.id}: {reason}", "recipient_role")


# A contract's expiry is announced this many days ahead (the site's home page lists the
# same contracts): long enough to renegotiate a DPA or sign new clauses before it lapses.
EXPIRING_WITHIN_DAYS = 90


def _parties(contract: Contract) -> tuple:
    return (contract.type, contract.controller, contract.processor, frozenset(contract.parties))


def successor(inv: Inventory, contract: Contract) -> Contract | None:
    """A contract recorded to follow ``contract``: the same type between the same parties,
    concluded (signed or accepted online), running past its expiry (or with no end)."""
    if contract.expires is None:
        return None
    for other in sorted(inv.contracts.values(), key=lambda c: c.id):
        if other.id == contract.id or _parties(other) != _parties(contract):
            continue
        if concluded(other) is not None and (
            other.expires is None or other.expires > contract.expires
        ):
            return other
    return None


@rule("DPA-007", "contract-expiring", W, "Art. 28(3), 26(1), 46(1)")
def contract_expiring(ctx: RuleContext) -> Iterator[Finding]:
    """A contract expires within 90 days of the date checked and nothing is recorded to follow it.

    Once it lapses, a processor works without the contract Art. 28(3) requires (DPA-004),
    joint controllers without their Art. 26 arrangement (DPA-006), a transfer without its
    Art. 46 clauses: renew it before then. Record the renewal as a new Contract (same
    `type` and parties, `signed` or `accepted`, a later `expires`), or move `expires` if
    the contract was extended. Judged on the date checked (`--as-of`), like DPA-004: a
    contract expiring on 2027-01-15 is warned about from 2026-10-17.

    Does not fire when the contract has no `expires`, when it has already expired (that
    is DPA-004's error for a processing contract, DPA-006's for an arrangement), when it
    expires more than 90 days after the date checked, nor when a successor is recorded: a
    contract of the same type between the same parties, signed or accepted, that runs
    past this one's expiry. Every contract type is judged (DPA, sub-processing,
    joint-controller arrangement, SCCs): each leaves a gap when it lapses.
    """
    inv = ctx.inventory
    for contract in inv.contracts.values():
        if contract.expires is None:
            continue
        days = (contract.expires - ctx.as_of).days
        if not 0 <= days <= EXPIRING_WITHIN_DAYS or successor(inv, contract) is not None:
            continue
        yield ctx.finding(
            contract,
            f"contract {contract.id} expires on {contract.expires}, in {days} day(s), and no "
            "successor is recorded: renew it (a new Contract with the same parties) or extend "
            "its `expires`",
            "expires",
        )
