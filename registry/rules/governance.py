"""Art. 35 DPIA screening, Art. 37 DPO designation, periodic review, and the waivers."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.config import review_terms
from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract, Organisation, System, add_duration
from registry.core.vocabulary import SpecialCategory
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning
# Findings of `ropa discover` name services and stores of repositories, not register entities.
DISCOVERED_KINDS = frozenset({"Service", "Store"})


def _screened(inv: Inventory, activity: Activity) -> bool:
    """Special categories (Art. 9(1)) or criminal data (Art. 10) — the data Art. 35(3)(b)
    names, national identifiers not among them — or vulnerable data subjects."""
    return any(
        (kind := inv.special_of(c)) is not None and kind is not SpecialCategory.national_id
        for c in activity.data_categories
    ) or any(inv.subjects[s].vulnerable for s in activity.data_subjects if s in inv.subjects)


@rule("DPIA-001", "dpia-missing", E, "Art. 35(3)(b)")
def dpia_missing(ctx: RuleContext) -> Iterator[Finding]:
    """Special categories or vulnerable subjects are processed at large scale with no DPIA.

    Above the large-scale threshold (`large_scale_subjects` in ropa.yaml, default
    10,000 data subjects) carry out a data protection impact assessment and record
    its `dpia: {reference, date}`.

    Does not fire for national identification numbers alone (Art. 87 data, not among
    the categories Art. 35(3)(b) lists; LAW-007 asks for the law allowing them), below
    the threshold, nor for an activity a processor records for a client (Art. 30(2),
    see `keeps_record`): the DPIA is the controller's duty (Art. 35(1)).
    """
    inv = ctx.inventory
    threshold = ctx.settings.large_scale_subjects
    for activity in inv.controller_activities:
        if activity.dpia and activity.dpia.reference:
            continue
        risky = _screened(inv, activity)
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

    Does not fire when `estimated_subjects` is given, whatever the number (DPIA-001
    judges it against the threshold), nor when the activity records a DPIA
    `reference`: the assessment is done, so the scale no longer decides whether one
    is needed. A `dpia:` without a reference (`status: not_required` alone) does not
    stop it: the screening that concluded so rests on the scale, which the record
    should state. Nor does it fire for national identification numbers alone (Art. 87
    data, not among the categories Art. 35(3)(b) lists), for ordinary data about
    subjects not marked `vulnerable`, nor for an activity a processor records for a
    client (Art. 30(2), see `keeps_record`): the DPIA, and so its screening, is the
    controller's duty (Art. 35(1)).
    """
    inv = ctx.inventory
    for activity in inv.controller_activities:
        if activity.estimated_subjects is not None or (activity.dpia and activity.dpia.reference):
            continue
        risky = _screened(inv, activity)
        if risky:
            yield ctx.finding(activity, f"activity {activity.id} does not estimate how many people")


def _has_dpo(organisation: Organisation) -> bool:
    dpo = organisation.dpo
    return dpo is not None and any((dpo.name, dpo.email, dpo.phone, dpo.address))


def _record_keepers(inv: Inventory) -> list[Organisation]:
    """Organisations whose DPO this record must name (Art. 30(1)(a), 30(2)(a)): every
    controller an activity names, and every organisation marked `keeps_record: true`
    (a public body keeping its processor record here).

    A joint controller named only as such is a partner whose DPO this record need
    not hold (Art. 30(1)(a) names the controller's own), so it is not judged.
    """
    named = {a.controller for a in inv.activities.values() if a.controller}
    named |= {o.id for o in inv.organisations.values() if o.keeps_record}
    return [inv.organisations[i] for i in sorted(named) if i in inv.organisations]


@rule("DPO-001", "public-authority-dpo", E, "Art. 37(1)(a)")
def public_authority_dpo(ctx: RuleContext) -> Iterator[Finding]:
    """A public authority keeping this record names no data protection officer.

    Art. 37(1)(a): a public authority or body must designate a DPO, and Art. 30(1)(a)
    puts the DPO's contact details in the record. Add `dpo: {name, email}` to the
    Organisation.

    Does not fire for an organisation not marked `public_authority: true`, nor for
    one named only as a joint controller or recipient (its DPO belongs to its own
    record). Courts acting in their judicial capacity are exempt (Art. 37(1)(a)):
    a court whose activities here are all judicial waives this finding, saying so.
    """
    for organisation in _record_keepers(ctx.inventory):
        if organisation.public_authority and not _has_dpo(organisation):
            yield ctx.finding(
                organisation,
                f"{organisation.id} is a public authority and names no data protection officer",
                "public_authority",
            )


def _large_scale_reasons(ctx: RuleContext, organisation: Organisation) -> list[str]:
    inv, threshold = ctx.inventory, ctx.settings.large_scale_subjects
    reasons = []
    for activity in sorted(inv.activities.values(), key=lambda a: a.id):
        if organisation.id not in inv.controllers_of(activity):
            continue
        if (activity.estimated_subjects or 0) < threshold:
            continue
        kinds = {inv.special_of(c) for c in activity.data_categories}
        why = []
        if activity.systematic_monitoring:
            why.append("monitors people systematically")
        if any(k is not None and k is not SpecialCategory.national_id for k in kinds):
            why.append("processes special or criminal data")
        if why:
            reasons.append(
                f"{activity.id} {' and '.join(why)} for {activity.estimated_subjects} people"
            )
    return reasons


@rule("DPO-002", "large-scale-dpo", W, "Art. 37(1)(b), (c)")
def large_scale_dpo(ctx: RuleContext) -> Iterator[Finding]:
    """A controller monitors people or processes special data at large scale with no DPO.

    Art. 37(1)(b) and (c): a DPO is required where the controller's core activities
    consist of regular and systematic monitoring of data subjects on a large scale
    (`systematic_monitoring: true` on the activity), or of special categories
    (Art. 9) or criminal-offence data (Art. 10) on a large scale. Large scale is
    `estimated_subjects` at or above `large_scale_subjects` (ropa.yaml, default
    10,000). Add `dpo: {name, email}` to the Organisation; if these activities are
    not its core activities (a hospital's patient care is, its payroll is not), waive
    this finding and say so.

    Does not fire below the threshold or without `estimated_subjects`, for national
    identification numbers alone (not in Art. 37(1)(c)), for an organisation named
    only as a joint controller, nor for a public authority without a DPO (DPO-001
    reports that one gap). A warning: whether an activity is "core" is a judgement
    ropa cannot make.
    """
    for organisation in _record_keepers(ctx.inventory):
        if _has_dpo(organisation) or organisation.public_authority:
            continue
        reasons = _large_scale_reasons(ctx, organisation)
        if reasons:
            yield ctx.finding(
                organisation,
                f"{organisation.id} names no data protection officer although "
                + "; ".join(reasons),
            )


def _reviewed_entries(inv: Inventory) -> list[Activity | System | Contract]:
    """The entries that carry review dates: activities, systems and contracts."""
    return [*inv.activities.values(), *inv.systems.values(), *inv.contracts.values()]


@rule("REV-001", "review-overdue", W, "Art. 24(1)")
def review_overdue(ctx: RuleContext) -> Iterator[Finding]:
    """An activity, system or contract was not re-read within its `review_every` period.

    Measures must be "reviewed and updated where necessary" (Art. 24(1)). Review
    the entry and update `last_reviewed: {date, by}` — or, for a register reviewed
    as a whole, re-read it all and update `review: {last, by, every}` in ropa.yaml.
    An entry's own `last_reviewed` and `review_every` win; where it lacks one, the
    register-wide `review:` stands in (its `last` date, its `every` period), so a
    register reviewed as a whole falls due as a whole.

    Does not fire while the review date plus the period is on or after the date
    checked (a review due today is not yet overdue), nor when either is missing
    with no register-wide `review:` (REV-002 reports that instead, once). A
    register-wide review newer than an entry's own does not renew that entry: its
    own date is the more specific record. Only activities, systems and
    contracts carry review dates: organisations, data categories, data subjects and
    flows are re-read through the activities and systems that name them, and a
    waiver lapses on its own `expires` (WAV-002).
    """
    register = ctx.settings.review
    for entity in _reviewed_entries(ctx.inventory):
        terms = review_terms(entity, register)
        date, every = terms.last, terms.every
        if date and every and add_duration(date, every) < ctx.as_of:
            whole = " with the whole register (ropa.yaml `review:`)"
            period = "" if terms.own_period else " (the register's period)"
            yield ctx.finding(
                entity,
                f"{entity.kind} {entity.id} was last reviewed on {date}"
                f"{'' if terms.own_date else whole}; due every {every}{period}",
                *(("last_reviewed",) if terms.own_date else ()),
            )


@rule("REV-002", "review-undeclared", W, "Art. 24(1)")
def review_undeclared(ctx: RuleContext) -> Iterator[Finding]:
    """An activity, system or contract has no `last_reviewed` or no `review_every`.

    Registers rot when nobody re-reads them: record who last reviewed the entry
    and how often it must be reviewed (e.g. `review_every: P1Y`), or, where the
    register is reviewed as a whole, say so once in ropa.yaml:
    `review: {last: 2026-05-01, by: DPO, every: P1Y}`.

    Does not fire when the entry has both fields, however long ago the review was
    (REV-001 judges whether it is overdue), nor when ropa.yaml's `review:` gives the
    whole register's review date and period (it stands in for the fields an entry
    lacks; REV-001 judges it). Only activities, systems and contracts are asked:
    organisations, data categories, data subjects and flows have no review fields
    (they are re-read with the activities and systems that name them), and a
    waiver's `expires` is its review date.
    """
    register = ctx.settings.review
    for entity in _reviewed_entries(ctx.inventory):
        terms = review_terms(entity, register)
        if terms.last is None or terms.every is None:
            yield ctx.finding(entity, f"{entity.kind} {entity.id} has no review date or period")


@rule("WAV-001", "waiver-incomplete", E, "Art. 5(2)")
def waiver_incomplete(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver lacks its reason, its approver or its expiry.

    An accepted risk must be accountable (Art. 5(2)): say why, who approved it
    and until when. A waiver without all three waives nothing.

    Does not fire when `reason`, `approved_by` and `expires` are all given, whatever
    their content; an expired waiver with all three is WAV-002's. No waiver can be
    open-ended, not even one for a lasting legal exemption (a court's judicial
    activities, DPO-001): an expiry makes someone confirm, in time, that the reason
    still holds.
    """
    for waiver in ctx.inventory.waivers.values():
        missing = [n for n in ("reason", "approved_by", "expires") if not getattr(waiver, n)]
        if missing:
            yield ctx.finding(waiver, f"waiver {waiver.id} has no {', '.join(missing)}")


@rule("WAV-002", "waiver-expired", E, "Art. 5(2)")
def waiver_expired(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver has expired: the finding it covered is an error again.

    Fix the underlying finding, or have the risk re-approved with a new `expires`.

    Does not fire on the `expires` date itself: a waiver covers its finding up to
    and including that day and lapses the day after. Nor for a waiver without
    `expires` (WAV-001: it never waived anything). It fires whether or not the
    finding it covered is still there: once that finding is fixed, delete the
    waiver.
    """
    for waiver in ctx.inventory.waivers.values():
        if waiver.expires and waiver.expires < ctx.as_of:
            yield ctx.finding(waiver, f"waiver {waiver.id} expired on {waiver.expires}", "expires")


@rule("WAV-003", "waiver-unused", W, "Art. 5(2)")
def waiver_unused(ctx: RuleContext) -> Iterator[Finding]:
    """A waiver names a rule or an entity that does not exist.

    Check `rule` (a code from `ropa rules`) and `entity` (written Kind:id, e.g.
    `System:old-lis`).

    Does not fire when both exist, even if the rule does not (or no longer) find
    anything about that entity: a waiver left over after a fix waives nothing and
    lapses at its expiry (WAV-002). An entity that exists but fails validation counts
    as existing (its schema error is the finding), and so do the default taxonomy's
    categories. It does not check that the rule can be waived at all: findings of
    the SCH and WAV rules are never waived, whatever a waiver says.
    """
    from registry.rules import catalogue

    inv = ctx.inventory
    codes = catalogue()
    for waiver in inv.waivers.values():
        if waiver.rule not in codes:
            yield ctx.finding(waiver, f"waiver {waiver.id}: no rule {waiver.rule}", "rule")
        kind, _, ident = waiver.entity.partition(":")
        if kind in DISCOVERED_KINDS:
            continue  # found in repositories by `ropa discover`, not in the register
        if ident not in inv.by_kind.get(kind, {}) and (kind, ident) not in inv.invalid:
            yield ctx.finding(
                waiver, f"waiver {waiver.id}: no entity {waiver.entity} (write Kind:id)", "entity"
            )
