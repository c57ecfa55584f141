"""Lineage: movements that no declared flow explains, implied by the inventory itself.

LIN-010 and LIN-012 need no evidence (a flow into a system that does not declare
storing what it receives is RET-101, judged along the lineage graph). LIN-001 to
LIN-006, found in observed evidence, are declared in ``registry/rules/evidence.py``.
Both rules run in linear time over plain dicts and sets.
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


def _related(inv: Inventory, a: str, b: str) -> bool:
    """True if one category is the other or one of its ancestors."""
    return a in inv.category_ancestors.get(b, (b,)) or b in inv.category_ancestors.get(a, (a,))


def _named_by_invalid_flow(inv: Inventory, system: str) -> bool:
    return inv.invalid_mentions("Flow", "to", system) or inv.invalid_mentions(
        "Flow", "from", system
    )


@rule("LIN-010", "stored-without-inflow", E, "Art. 30(1)(d), 5(2)")
def stored_without_inflow(ctx: RuleContext) -> Iterator[Finding]:
    """A system stores a data category that no declared flow brings there or takes further.

    The data got in somehow: declare the flow that brings it, from the system it
    comes from, or from the data subjects when it is collected there
    (`from: patients`). A flow bringing a sub-category or a parent category
    counts. A system whose flows pass the category on is taken as where it
    originates (produced there, like logs or computed results); the category
    found nowhere else in the lineage is the one whose origin the record misses.

    Does not fire when any flow into or out of the system carries the category, a
    sub-category or a parent of it, under whatever activity it is declared, a
    collection from the data subjects included; nor for a system declaring
    `stores: []`, which stores nothing. Nor for a system that a flow with a schema
    error names: what that flow moves is not known, and its error comes first.
    """
    inv = ctx.inventory
    moved: dict[str, set[str]] = {}  # system → categories flows bring in or take out
    for flow in inv.flows.values():
        moved.setdefault(flow.to, set()).update(flow.data_categories)
        moved.setdefault(flow.source, set()).update(flow.data_categories)
    for system in inv.systems.values():
        if _named_by_invalid_flow(inv, system.id):
            continue  # that flow's schema error is the finding; do not guess what it moves
        brought = moved.get(system.id, set())
        for index, stored in enumerate(system.stores):
            if stored.category in brought:
                continue  # the category itself (the common case, without a walk)
            if not any(_related(inv, stored.category, c) for c in brought):
                yield ctx.finding(
                    system,
                    f"system {system.id} stores {stored.category} but no declared flow brings "
                    f"it there or takes it further: add the Flow that brings it (from a system, "
                    f"or from the data subjects) with `to: {system.id}`",
                    "stores",
                    index,
                    "category",
                )


@rule("LIN-012", "system-unused", W, "Art. 30(1)(b)")
def system_unused(ctx: RuleContext) -> Iterator[Finding]:
    """No activity uses a system: neither lists it in `systems:` nor has a flow through it.

    Data held without an activity has no purpose in the record. Name the system
    in the activity that uses it, or retire it from the register once it is gone.

    Does not fire for a system an activity lists in `systems:` or that one of its
    flows starts or ends at, whatever the system stores (`stores: []` included).
    Nor when the entity that would name it is broken: a flow with a schema error
    naming it, an activity with a schema error listing it, or a flow through it
    whose `activity` is misspelt or failed validation. The system is used; that
    error (SCH-012, or the entity's own) is the one to fix.
    """
    inv = ctx.inventory
    # Ends of flows whose activity is unknown: used by an activity the record misnames.
    misfiled = {
        end
        for flow in inv.flows.values()
        if flow.activity not in inv.activities
        for end in (flow.source, flow.to)
    }
    for system in inv.systems.values():
        if (
            system.id in inv.activities_by_system
            or system.id in misfiled
            or _named_by_invalid_flow(inv, system.id)
        ):
            continue
        if not inv.invalid_mentions("Activity", "systems", system.id):
            yield ctx.finding(system, f"system {system.id} is used by no activity")
