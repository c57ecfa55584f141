"""Art. 35 DPIA screening, periodic review, and the waivers themselves."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.model import add_duration
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


@rule("DPIA-001", "dpia-missing", E, "Art. 35(3)(b)")
def dpia_missing(ctx: RuleContext) -> Iterator[Finding]:
    """Special categories or vulnerable subjects are processed at large scale with no DPIA.

    Above the large-scale threshold (`large_scale_subjects` in ropa.yaml, default
    10,000 data subjects) carry out a data protection impact assessment and record
    its `dpia: {reference, date}`.
    """
    inv = ctx.inventory
    threshold = ctx.settings.large_scale_subjects
    for activity in inv.activities.values():
        if activity.dpia and activity.dpia.reference:
            continue
        risky = any(inv.special_of(c) for c in activity.data_categories) or any(
            inv.subjects[s].vulnerable for s in activity.data_subjects if s in inv.subjects
        )
        if risky and (activity.estimated_subjects or 0) >= threshold:
            yield ctx.finding(
                activity,
                f"activity {activity.id} processes special categories or vulnerable subjects for "
                f"{activity.estimated_subjects} people with no DPIA",
                "estimated_subjects",
            )


@rule("DPIA-002", "scale-unknown", W, "Art. 35(1)")
def scale_unknown(ctx: RuleContext) -> Iterator[Finding]:
    """An activity with special categories or vulnerable subjects does not estimate its scale.

    Without `estimated_subjects` nobody can tell whether a DPIA is required; add it.
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        if activity.estimated_subjects is not None or (activity.dpia and activity.dpia.reference):
            continue
        risky = any(inv.special_of(c) for c in activity.data_categories) or any(
            inv.subjects[s].vulnerable for s in activity.data_subjects if s in inv.subjects
        )
        if risky:
            yield ctx.finding(activity, f"activity {activity.id} does not estimate how many people")


@rule("REV-001", "review-overdue", W, "Art. 24(1)")
def review_overdue(ctx: RuleContext) -> Iterator[Finding]:
    """An activity, system or contract was not re-read within its `review_every` period.

    Measures must be "reviewed and updated where necessary" (Art. 24(1)). Review
    the entry and update `last_reviewed: {date, by}`.
    """
    inv = ctx.inventory
    for entity in [*inv.activities.values(), *inv.systems.values(), *inv.contracts.values()]:
        review, every = entity.last_reviewed, entity.review_every
        if review and every and add_duration(review.date, every) < ctx.as_of:
            yield ctx.finding(
                entity,
                f"{entity.kind} {entity.id} was last reviewed on {review.date}; due every {every}",
                "last_reviewed",
            )


@rule("REV-002", "review-undeclared", W, "Art. 24(1)")
def review_undeclared(ctx: RuleContext) -> Iterator[Finding]:
    """An activity, system or contract has no `last_reviewed` or no `review_every`.

    Registers rot when nobody re-reads them: record who last reviewed the entry
    and how often it must be reviewed (e.g. `review_every: P1Y`).
    """
    inv = ctx.inventory
    for entity in [*inv.activities.values(), *inv.systems.values(), *inv.contracts.values()]:
        if entity.last_reviewed is None or entity.review_every is None:
            yield ctx.finding(entity, f"{entity.kind} {entity.id} has no review date or period")


@rule("WAV-001", "waiver-incomplete", E, "Art. 5(2)")
def waiver_incomplete(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver lacks its reason, its approver or its expiry.

    An accepted risk must be accountable (Art. 5(2)): say why, who approved it
    and until when. A waiver without all three waives nothing.
    """
    for waiver in ctx.inventory.waivers.values():
        missing = [n for n in ("reason", "approved_by", "expires") if not getattr(waiver, n)]
        if missing:
            yield ctx.finding(waiver, f"waiver {waiver.id} has no {', '.join(missing)}")


@rule("WAV-002", "waiver-expired", E, "Art. 5(2)")
def waiver_expired(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver has expired: the finding it covered is an error again.

    Fix the underlying finding, or have the risk re-approved with a new `expires`.
    """
    for waiver in ctx.inventory.waivers.values():
        if waiver.expires and waiver.expires < ctx.as_of:
            yield ctx.finding(waiver, f"waiver {waiver.id} expired on {waiver.expires}", "expires")


@rule("WAV-003", "waiver-unused", W, "Art. 5(2)")
def waiver_unused(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver names a rule or an entity that does not exist.

    Check `rule` (a code from `ropa rules`) and `entity` (written Kind:id, e.g.
    `System:old-lis`).
    """
    from registry.rules import catalogue

    inv = ctx.inventory
    codes = catalogue()
    for waiver in inv.waivers.values():
        if waiver.rule not in codes:
            yield ctx.finding(waiver, f"waiver {waiver.id}: no rule {waiver.rule}", "rule")
        kind, _, ident = waiver.entity.partition(":")
        if ident not in inv.by_kind.get(kind, {}) and (kind, ident) not in inv.invalid:
            yield ctx.finding(
                waiver, f"waiver {waiver.id}: no entity {waiver.entity} (write Kind:id)", "entity"
            )
