"""Art. 28: processors work under a signed, complete, unexpired contract."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from registry.core.contracts import PROCESSING as _PROCESSING
from registry.core.contracts import contract_problem, valid_contracts
from registry.core.findings import Finding, Severity
from registry.core.model import Contract
from registry.core.vocabulary import Art28Clause, ContractType
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


@rule("DPA-001", "processor-contract", E, "Art. 28(3)")
def processor_contract(ctx: RuleContext) -> Iterator[Finding]:
    """A flow hands data to a processor without a signed, unexpired contract for it.

    When the receiving system is run by another organisation (its `operator`), or
    the receiving organisation acts as `processor`, the flow must name its
    `contract`: a DPA signed between the activity's controller and that processor,
    in force on the date checked. This is the first Dedalus finding.
    """
    inv = ctx.inventory

    @cache  # many flows share a controller and a processor
    def in_force(controller: str, processor: str) -> list[Contract]:
        return valid_contracts(inv, controller, processor, ctx.as_of)

    for flow in inv.flows.values():
        processor = inv.is_processor_end(flow)
        activity = inv.activities.get(flow.activity)
        if processor is None or activity is None or activity.controller is None:
            continue
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
        elif not any(c is contract for c in in_force(controller, processor)):
            yield ctx.finding(
                flow,
                f"flow {flow.id}: contract {contract.id} is not a DPA between {controller} "
                f"and {processor}",
                "contract",
            )


@rule("DPA-002", "operator-contract", E, "Art. 28(1)")
def operator_contract(ctx: RuleContext) -> Iterator[Finding]:
    """A system run by a processor holds a controller's data without a contract in force.

    Every controller whose activities use the system needs a signed, unexpired DPA
    with the system's operator. Declare the `Contract` (type `dpa`) or fix the
    `operator`.
    """
    inv = ctx.inventory
    for system_id, activities in sorted(inv.activities_by_system.items()):
        system = inv.systems[system_id]
        if system.operator is None:
            continue
        for controller in sorted({a.controller for a in activities if a.controller}):
            joint = any(
                system.operator in inv.controllers_of(a)
                for a in activities
                if a.controller == controller
            )
            if system.operator == controller or joint:
                continue
            if inv.invalid_mentions("Contract", "processor", system.operator):
                continue  # a contract with schema errors: reported as such, not as missing
            if not valid_contracts(inv, controller, system.operator, ctx.as_of):
                yield ctx.finding(
                    system,
                    f"system {system.id} is run by {system.operator} for {controller} "
                    "with no contract in force between them",
                    "operator",
                )


@rule("DPA-003", "art28-clauses", E, "Art. 28(3)(a)-(h)")
def art28_clauses(ctx: RuleContext) -> Iterator[Finding]:
    """A processing contract lacks one of the eight mandatory Art. 28(3) clauses.

    Under `art28_clauses:` mark each of documented_instructions, confidentiality,
    security, sub_processors, data_subject_rights, compliance_assistance,
    deletion_or_return and audits as `true` once the contract contains it.
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
    """A processing contract is unsigned, signed in the future or expired.

    Art. 28(9) requires the contract in writing: record `signed`, and renew it
    (new `expires`) before it lapses.
    """
    for contract in ctx.inventory.contracts.values():
        if contract.type not in _PROCESSING:
            continue
        problem = contract_problem(contract, ctx.as_of)
        if problem:
            field = (
                "signed" if contract.signed is None or contract.signed > ctx.as_of else "expires"
            )
            yield ctx.finding(contract, problem, field)


@rule("DPA-005", "unauthorised-subprocessor", E, "Art. 28(2), 28(4)")
def unauthorised_subprocessor(ctx: RuleContext) -> Iterator[Finding]:
    """A processor passes a controller's data to a sub-processor the controller did not authorise.

    A flow from a system run by processor P to one run by another organisation Q
    needs Q in `authorised_subprocessors` of the controller's contract with P.
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        activity = inv.activities.get(flow.activity)
        if activity is None or activity.controller is None:
            continue
        controllers = inv.controllers_of(activity)
        sender = inv.operator_of(flow.source)
        receiver = inv.operator_of(flow.to)
        if not sender or not receiver or sender in controllers or receiver in controllers:
            continue
        if sender == receiver:
            continue
        if flow.to in inv.organisations and flow.recipient_role not in (None, "processor"):
            continue
        parents = [
            c
            for c in inv.contracts_by_processor.get(sender, ())
            if c.controller == activity.controller and c.type is ContractType.dpa
        ]
        if not any(receiver in c.authorised_subprocessors for c in parents):
            yield ctx.finding(
                flow,
                f"flow {flow.id}: processor {sender} passes {activity.controller}'s data to "
                f"{receiver}, which no contract authorises as sub-processor",
                "to",
            )
