"""Art. 29 and 5(1)(c): a flow carries only what its activity and contract allow."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.vocabulary import ContractType
from registry.rules.base import RuleContext, rule

E = Severity.error


@rule("SCP-001", "flow-categories-outside-activity", E, "Art. 5(1)(c), 29")
def flow_categories_outside_activity(ctx: RuleContext) -> Iterator[Finding]:
    """A flow carries data categories its activity does not declare.

    Data minimisation: a flow moves only the categories the activity needs (a
    sub-category of a declared one is fine). Remove the extra category from the
    flow, or add it to the activity if it is truly needed. (In the Dedalus Biologie
    case, CNIL SAN-2022-009, the migration extract held more than the migration needed.)

    Does not fire for a sub-category of a category the activity declares
    (`lab-results` on a flow of an activity declaring `health`): the broader
    category already covers it. A parent category does fire (`health` on a flow of
    an activity declaring only `lab-results` carries more than the activity needs).
    Nor for a flow whose activity does not exist or failed validation: SCH-012 or
    that activity's schema error is the finding.
    """
    inv = ctx.inventory
    declared: dict[str, frozenset[str]] = {}  # each activity's, made once for its flows
    for flow in inv.flows.values():
        activity = inv.activities.get(flow.activity)
        if activity is None:
            continue
        allowed = declared.get(activity.id)
        if allowed is None:
            allowed = declared[activity.id] = frozenset(activity.data_categories)
        for index, category in enumerate(flow.data_categories):
            if category not in allowed and not inv.covers(allowed, category):
                yield ctx.finding(
                    flow,
                    f"flow {flow.id} carries {category}, outside activity {activity.id}",
                    "data_categories",
                    index,
                )


@rule("SCP-002", "flow-subjects-outside-activity", E, "Art. 5(1)(c), 29")
def flow_subjects_outside_activity(ctx: RuleContext) -> Iterator[Finding]:
    """A flow carries data about subjects its activity does not declare.

    Remove the subjects from the flow or add them to the activity.

    Does not fire when each subject the flow names is one the activity lists (data
    subjects have no hierarchy: they are matched by id), when the flow names no
    `data_subjects`, nor for a flow whose activity does not exist or failed
    validation (SCH-012 or that activity's schema error).
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        activity = inv.activities.get(flow.activity)
        if activity is None:
            continue
        for index, subject in enumerate(flow.data_subjects):
            if subject not in activity.data_subjects:
                yield ctx.finding(
                    flow,
                    f"flow {flow.id} carries data about {subject}, outside activity {activity.id}",
                    "data_subjects",
                    index,
                )


@rule("SCP-003", "flow-outside-contract", E, "Art. 28(3)(a), 29")
def flow_outside_contract(ctx: RuleContext) -> Iterator[Finding]:
    """A flow carries categories, subjects or an activity outside its contract's scope.

    A processor acts only on the controller's documented instructions: what it
    receives must fall within the contract's `scope`. Narrow the flow or widen
    the contract (and its signature).

    Does not fire for a flow that names no `contract`, or whose contract has no
    `scope` (SCP-004 reports a processing contract without one). Each part of the
    scope left empty sets no limit: a scope listing categories and subjects but no
    `activities` covers every activity. A sub-category of a category in scope is
    within it (`lab-results` under a scope naming `health`); subjects are matched by
    id. Whether it is the right contract (DPA-001) or in force (DPA-004) is judged
    elsewhere.
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        contract = inv.contracts.get(flow.contract or "")
        if contract is None or contract.scope is None:
            continue
        scope = contract.scope
        if scope.activities and flow.activity not in scope.activities:
            yield ctx.finding(
                flow,
                f"flow {flow.id}: activity {flow.activity} is outside contract {contract.id}",
                "activity",
            )
        if scope.data_categories:
            for index, category in enumerate(flow.data_categories):
                if not inv.covers(scope.data_categories, category):
                    yield ctx.finding(
                        flow,
                        f"flow {flow.id} carries {category}, outside the scope of contract "
                        f"{contract.id}",
                        "data_categories",
                        index,
                    )
        if scope.data_subjects:
            for index, subject in enumerate(flow.data_subjects):
                if subject not in scope.data_subjects:
                    yield ctx.finding(
                        flow,
                        f"flow {flow.id} carries data about {subject}, outside the scope of "
                        f"contract {contract.id}",
                        "data_subjects",
                        index,
                    )


@rule("SCP-004", "contract-scope", E, "Art. 28(3)")
def contract_scope(ctx: RuleContext) -> Iterator[Finding]:
    """A processing contract does not set out the type of data and categories of subjects.

    Art. 28(3) requires the subject-matter, the type of personal data and the
    categories of data subjects. Fill `scope:` with `data_categories` and
    `data_subjects` (and the `activities` it covers).

    Does not fire for a joint-controller arrangement or SCCs (Art. 28(3) binds a
    processor's contract: a DPA or a sub-processing contract), nor when the scope
    names its categories and subjects but no `activities`: the subject-matter and
    purpose are the contract's own text, and the scope then covers every activity.
    """
    for contract in ctx.inventory.contracts.values():
        if contract.type not in (ContractType.dpa, ContractType.sub_processing):
            continue
        scope = contract.scope
        if scope is None or not scope.data_categories or not scope.data_subjects:
            yield ctx.finding(
                contract,
                f"contract {contract.id} does not state the data categories and subjects it covers",
                "scope",
            )
