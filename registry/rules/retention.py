"""Art. 5(1)(e): storage limitation, above all for temporary and migration stores."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Entity, Retention
from registry.core.vocabulary import vague_retention
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


@rule("RET-001", "stored-without-retention", E, "Art. 5(1)(e)")
def stored_without_retention(ctx: RuleContext) -> Iterator[Finding]:
    """A system stores a data category with no retention.

    Give each `stores:` entry a `retention`: a period (`P10Y`, `P3Y after end of
    contract`), the event that ends it (`until account deletion`), or `indefinite`
    with its `justification`; the mapping form adds the `source`.

    Does not fire when the system declares `stores: []`: a system that only passes
    data through (a proxy, a stateless application server) stores nothing, and
    Art. 5(1)(e) limits the *storage* of data. A retention that is vague ("provider
    default") is RET-005's warning, not this error: something was said.
    """
    for system in ctx.inventory.systems.values():
        for index, stored in enumerate(system.stores):
            if stored.retention is None:
                yield ctx.finding(
                    system,
                    f"system {system.id} stores {stored.category} with no retention",
                    "stores",
                    index,
                )


@rule("RET-002", "temporary-without-deadline", E, "Art. 5(1)(e), 32")
def temporary_without_deadline(ctx: RuleContext) -> Iterator[Finding]:
    """A temporary or migration store has no deletion deadline.

    Staging and migration copies outlive their purpose unless a date is set. Add
    `delete_by: YYYY-MM-DD` (and delete it by then). In the Dedalus Biologie case (CNIL,
    SAN-2022-009) the vendor's migration server kept the extract after the migration.

    Does not fire when the system declares `stores: []` (transient): it keeps no
    copy, so there is nothing to delete by a date (Art. 5(1)(e) limits storage).
    """
    inv = ctx.inventory
    migration_targets = {f.to for f in inv.flows.values() if f.type == "migration"}
    staging = migration_targets & _migration_sources(inv)
    for system in inv.systems.values():
        if system.transient:
            continue
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

    Does not fire once the system declares `stores: []` (it keeps nothing, so
    nothing is left to delete, Art. 5(1)(e)), nor before the date.
    """
    for system in ctx.inventory.systems.values():
        if system.delete_by is not None and system.delete_by < ctx.as_of and system.stores:
            yield ctx.finding(
                system,
                f"system {system.id} should have been deleted by {system.delete_by} "
                "but still stores data",
                "delete_by",
            )


def _retentions(inv: Inventory) -> Iterator[tuple[Entity, str, Retention, tuple[str | int, ...]]]:
    """Every retention written: (system or activity, category, retention, its field path)."""
    for system in inv.systems.values():
        for index, stored in enumerate(system.stores):
            if stored.retention is not None:
                yield system, stored.category, stored.retention, ("stores", index, "retention")
    for activity in inv.activities.values():
        for index, retention in enumerate(activity.retention):
            yield activity, retention.category, retention, ("retention", index)


@rule("RET-004", "indefinite-without-justification", E, "Art. 5(1)(e), 5(2)")
def indefinite_without_justification(ctx: RuleContext) -> Iterator[Finding]:
    """A data category is kept indefinitely and the register does not say why.

    Storage limitation (Art. 5(1)(e)) allows keeping data with no end only where
    the purpose requires it (archiving in the public interest, scientific or
    historical research, Art. 89(1)), and the controller must be able to show it
    (Art. 5(2)). Give the reason and its basis: `retention: {indefinite: true,
    justification: archives in the public interest, source: <law>}`; or replace
    `indefinite` with a period or the event that ends the retention.

    A placeholder justification ("tbd", "as long as necessary") counts as none.

    Does not fire when `indefinite: true` comes with a real `justification`: the
    register then says what Art. 30(1)(f) asks ("where possible" the time limits)
    and why there is none; whether the reason holds is for the DPO to judge.
    """
    for entity, category, retention, path in _retentions(ctx.inventory):
        if not retention.indefinite:
            continue
        why = retention.justification
        if why is None:
            yield ctx.finding(
                entity,
                f"{entity.kind.lower()} {entity.id} keeps {category} indefinitely with no "
                "justification",
                *path,
                "indefinite",
            )
        elif vague_retention(why):
            yield ctx.finding(
                entity,
                f"{entity.kind.lower()} {entity.id} keeps {category} indefinitely; its "
                f"justification {why!r} says nothing of why",
                *path,
                "justification",
            )


@rule("RET-005", "vague-retention", W, "Art. 5(1)(e), 30(1)(f)")
def vague_retention_rule(ctx: RuleContext) -> Iterator[Finding]:
    """A retention is written in words that give neither a period nor an event.

    "Provider default", "as long as necessary", "unknown", "TBD": the record says
    something is kept but not for how long, and "as long as necessary" merely
    restates Art. 5(1)(e). Find the actual period (the provider's documentation
    gives its default, e.g. `P14M`) or the event that ends it (`until account
    deletion`), and write that.

    A warning, not an error, and distinct from a missing retention (RET-001,
    R30-007): the gap is known and written down, which is better than silence.

    Does not fire on a precise event (`until account deletion`, `until the payment
    default is settled`) nor on a period tied to a named law (`as long as required
    by CSP R.1112-7`): those are time limits under Art. 30(1)(f).
    """
    for entity, category, retention, path in _retentions(ctx.inventory):
        if retention.indefinite or not retention.vague:
            continue
        field = "until" if retention.until is not None else "after"
        yield ctx.finding(
            entity,
            f"{entity.kind.lower()} {entity.id}: the retention of {category} is vague "
            f"({getattr(retention, field)!r}): give its period or the event that ends it",
            *path,
            field,
        )
