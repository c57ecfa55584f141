"""Art. 5(1)(e): storage limitation, above all for temporary and migration stores."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.rules.base import RuleContext, rule

E = Severity.error


@rule("RET-001", "stored-without-retention", E, "Art. 5(1)(e)")
def stored_without_retention(ctx: RuleContext) -> Iterator[Finding]:
    """A system stores a data category with no retention period.

    Give each `stores:` entry a `retention` (`P10Y`, `P3Y after end of contract`,
    or a mapping with `period`, `after` and `source`).
    """
    for system in ctx.inventory.systems.values():
        for index, stored in enumerate(system.stores):
            if stored.retention is None:
                yield ctx.finding(
                    system,
                    f"system {system.id} stores {stored.category} with no retention period",
                    "stores",
                    index,
                )


@rule("RET-002", "temporary-without-deadline", E, "Art. 5(1)(e), 32")
def temporary_without_deadline(ctx: RuleContext) -> Iterator[Finding]:
    """A temporary or migration store has no deletion deadline.

    Staging and migration copies outlive their purpose unless a date is set. Add
    `delete_by: YYYY-MM-DD` (and delete it by then). The Dedalus migration server
    kept its extract after the migration.
    """
    inv = ctx.inventory
    migration_targets = {f.to for f in inv.flows.values() if f.type == "migration"}
    staging = migration_targets & _migration_sources(inv)
    for system in inv.systems.values():
        temporary = system.temporary or (system.id in staging and system.stores)
        if temporary and system.delete_by is None:
            yield ctx.finding(
                system, f"temporary system {system.id} has no `delete_by` deadline", "temporary"
            )


def _migration_sources(inv) -> set[str]:
    """Systems that pass data on through a migration flow.

    A migration target that does so is a staging store. The new home of a
    migration also sends data on (to backups, reports, billing), but only an
    intermediate hop forwards it through a further migration flow.
    """
    return {f.source for f in inv.flows.values() if f.type == "migration"}


@rule("RET-003", "deadline-passed", E, "Art. 5(1)(e)")
def deadline_passed(ctx: RuleContext) -> Iterator[Finding]:
    """A system's `delete_by` date has passed and it still declares stored data.

    Delete the data and remove its `stores:` (or the system), or if deletion is
    legitimately delayed, set a new date with the reason in `description`.
    """
    for system in ctx.inventory.systems.values():
        if system.delete_by is not None and system.delete_by < ctx.as_of and system.stores:
            yield ctx.finding(
                system,
                f"system {system.id} should have been deleted by {system.delete_by} "
                "but still stores data",
                "delete_by",
            )
