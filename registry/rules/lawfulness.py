"""Art. 6, 9 and 10: a lawful basis for every purpose, a condition for special data."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.vocabulary import LegalBasis, SpecialCategory
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


@rule("LAW-001", "legal-basis", E, "Art. 6(1)")
def legal_basis(ctx: RuleContext) -> Iterator[Finding]:
    """A purpose of an activity has no Art. 6(1) lawful basis.

    Give each purpose a `legal_basis`: consent, contract, legal_obligation,
    vital_interests, public_task or legitimate_interests.
    """
    for activity in ctx.inventory.activities.values():
        for index, purpose in enumerate(activity.purposes):
            if purpose.legal_basis is None:
                yield ctx.finding(
                    activity,
                    f"activity {activity.id}: purpose {index + 1} has no legal basis",
                    "purposes",
                    index,
                )


@rule("LAW-002", "art9-condition", E, "Art. 9(2)")
def art9_condition(ctx: RuleContext) -> Iterator[Finding]:
    """An activity processes special categories without an Art. 9(2) condition.

    Processing health, genetic, biometric or other Art. 9(1) data is prohibited
    unless a condition applies. Set `art9_condition` (for care:
    `health_or_social_care`, Art. 9(2)(h)).
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        if activity.art9_condition is not None:
            continue
        special = sorted(
            c for c in activity.data_categories if (s := inv.special_of(c)) and s.is_art9
        )
        if special:
            yield ctx.finding(
                activity,
                f"activity {activity.id} processes special categories ({', '.join(special)}) "
                "without an Art. 9(2) condition",
            )


@rule("LAW-003", "art10-authority", E, "Art. 10")
def art10_authority(ctx: RuleContext) -> Iterator[Finding]:
    """An activity processes criminal-offence data without naming its authority.

    Art. 10 allows it only under official authority or a law that authorises it.
    Set `art10_authority` to that authority or law.
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        if activity.art10_authority:
            continue
        if any(inv.special_of(c) is SpecialCategory.criminal for c in activity.data_categories):
            yield ctx.finding(
                activity,
                f"activity {activity.id} processes criminal data without Art. 10 authority",
            )


@rule("LAW-004", "legitimate-interests", W, "Art. 6(1)(f)")
def legitimate_interests(ctx: RuleContext) -> Iterator[Finding]:
    """A purpose relies on legitimate interests without stating them.

    Say which interests are pursued (`legitimate_interests`) and link the
    balancing test (`lia`).
    """
    for activity in ctx.inventory.activities.values():
        for index, purpose in enumerate(activity.purposes):
            if purpose.legal_basis is LegalBasis.legitimate_interests and not (
                purpose.legitimate_interests
            ):
                yield ctx.finding(
                    activity,
                    f"activity {activity.id}: purpose {index + 1} relies on legitimate interests "
                    "without stating them",
                    "purposes",
                    index,
                )
