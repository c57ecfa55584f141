"""Lineage: movements that no declared flow explains, observed or implied.

LIN-001 to LIN-006 are found by reconciling evidence of real data movements
(OpenLineage events, connection logs: ``ropa check --observed``) with the
register; ``registry/evidence/reconcile.py`` emits them, this module documents them.
LIN-010 and LIN-012 are implied by the inventory itself and need no evidence (a flow
into a system that does not declare storing what it receives is RET-101, judged
along the lineage graph).
All of them run in linear time over plain dicts and sets.
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.rules.base import RuleContext, loader_rule, rule

E, W = Severity.error, Severity.warning


# --- found in the evidence (emitted by registry.evidence.reconcile) -------------------------


@rule("LIN-001", "undocumented-flow", E, "Art. 30(1)(d), 5(2)")
@loader_rule
def undocumented_flow() -> None:
    """Data was observed moving from a system to another endpoint, and no declared flow says so.

    The message names both ends, the evidence file and line, how often the
    movement was seen, and a `Flow` to add, for example
    `{kind: Flow, id: lis-to-billing, activity: lab-testing, from: lis, to: billing}`.
    Check that the movement is legitimate, then declare the flow with its activity
    and data categories; if it is not legitimate, stop it.
    """


@rule("LIN-002", "undocumented-system", E, "Art. 30(1)")
@loader_rule
def undocumented_system() -> None:
    """An endpoint seen in the evidence matches no system or organisation of the register.

    Declare the `System` (or the `Organisation`) and list the endpoint under its
    `identifiers` (exact names, hostnames, dataset URIs or glob patterns such as
    `s3://lab-exports/*`), e.g. `{kind: System, id: lab-exports, name: Lab exports,
    identifiers: ["s3://lab-exports"]}`.
    """


@rule("LIN-003", "undocumented-categories", E, "Art. 5(1)(c), 30(1)(c)")
@loader_rule
def undocumented_categories() -> None:
    """An observed movement carries data categories that the declared flows between its ends do not.

    The evidence (a CSV `data_categories` column or an OpenLineage `tags` facet
    with key `data_category`) shows more data moving than the register declares:
    add the categories to the flow if the movement is legitimate, otherwise stop
    sending them.
    """


@rule("LIN-004", "evidence-unreadable", E, "Art. 5(2)")
@loader_rule
def evidence_unreadable() -> None:
    """An evidence file, or one record in it, cannot be read.

    OpenLineage events are JSON (one event a line, or a JSON array) in UTF-8,
    each input and output dataset with a `namespace` and a `name`. Connection
    logs are CSV in UTF-8 with the columns
    `source,target[,data_categories][,observed_at][,count]`. Fix the record at
    the line given; the rest of the file is still reconciled where possible.
    """


@rule("LIN-005", "ambiguous-identifier", W, "Art. 30(1)")
@loader_rule
def ambiguous_identifier() -> None:
    """Two systems or organisations claim the same identifier.

    Observed movements through that identifier are attributed to the first (by
    id) only. Keep each hostname, dataset or namespace under one entity.
    """


@rule("LIN-006", "unknown-observed-category", W, "Art. 30(1)(c)")
@loader_rule
def unknown_observed_category() -> None:
    """The evidence names a data category that the register does not know.

    Categories in evidence are matched to a `DataCategory` by id, name or alias.
    Add the name to the category's `aliases`, or declare the category.
    """


# --- implied by the inventory itself ----------------------------------------------


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
    """
    inv = ctx.inventory
    for system in inv.systems.values():
        if system.id in inv.activities_by_system or _named_by_invalid_flow(inv, system.id):
            continue
        if not inv.invalid_mentions("Activity", "systems", system.id):
            yield ctx.finding(system, f"system {system.id} is used by no activity")
