"""Art. 6, 9, 10 and 87: a lawful basis for every purpose, with its law where one is needed,
and a condition for special data and national identification numbers.

These are the controller's duties: an activity a processor records for a client
(its Art. 30(2) record: organisations are marked `keeps_record: true` and none of the
activity's controllers is one) is not judged by them — Art. 30(2) asks the processor
for the categories of processing, not for the client's lawful basis."""

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

    Does not fire for an activity a processor records for a client (see the module
    docstring), nor when every purpose names a basis: whether that basis is the right
    one is for the other LAW rules and the DPO (Art. 6(1) lets any of the six apply).
    """
    for activity in ctx.inventory.controller_activities:
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

    Does not fire for criminal-offence data (Art. 10, see LAW-003) or national
    identification numbers (Art. 87, see LAW-007): neither is on the Art. 9(1) list.
    """
    inv = ctx.inventory
    for activity in inv.controller_activities:
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

    Does not fire for Art. 9 special categories, which need an Art. 9(2) condition
    instead (LAW-002), nor when `art10_authority` names the authority or law.
    """
    inv = ctx.inventory
    for activity in inv.controller_activities:
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

    Does not fire on other bases, nor when the interests are stated: the balancing
    test itself is the controller's, and a missing `lia` link alone is not reported.
    """
    for activity in ctx.inventory.controller_activities:
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


@rule("LAW-005", "public-authority-legitimate-interests", E, "Art. 6(1), last subparagraph")
def public_authority_legitimate_interests(ctx: RuleContext) -> Iterator[Finding]:
    """A public authority's activity relies on legitimate interests.

    Art. 6(1)(f) "shall not apply to processing carried out by public authorities in
    the performance of their tasks". Rely on `public_task` and name the law that
    gives the task (`law:`, Art. 6(3)); if the processing truly falls outside the
    authority's public tasks, waive this finding and say in the waiver why.

    Does not fire when the activity's controller is not marked
    `public_authority: true`, nor when only a joint controller is: the purpose's basis
    is the lead controller's, and each joint controller may rely on its own.
    """
    inv = ctx.inventory
    for activity in inv.controller_activities:
        controller = inv.organisations.get(activity.controller or "")
        if controller is None or not controller.public_authority:
            continue
        for index, purpose in enumerate(activity.purposes):
            if purpose.legal_basis is LegalBasis.legitimate_interests:
                yield ctx.finding(
                    activity,
                    f"activity {activity.id}: purpose {index + 1} relies on legitimate "
                    f"interests, which {controller.id}, a public authority, cannot use for its "
                    "tasks; use public_task and name its law",
                    "purposes",
                    index,
                )


_NEEDS_LAW = (LegalBasis.legal_obligation, LegalBasis.public_task)


@rule("LAW-006", "basis-law", W, "Art. 6(3)")
def basis_law(ctx: RuleContext) -> Iterator[Finding]:
    """A purpose on legal obligation or public task does not name the law behind it.

    Art. 6(3): the basis for processing under Art. 6(1)(c) and (e) "shall be laid
    down by Union law or Member State law". Name it on the purpose, precisely enough
    to be found: `law: Code du travail art. L.3243-4`.

    Does not fire on consent, contract, vital interests or legitimate interests,
    which rest on no particular law, nor when `law` is given (ropa cannot judge
    whether that law really imposes the obligation).
    """
    for activity in ctx.inventory.controller_activities:
        for index, purpose in enumerate(activity.purposes):
            if purpose.legal_basis in _NEEDS_LAW and not purpose.law:
                yield ctx.finding(
                    activity,
                    f"activity {activity.id}: purpose {index + 1} relies on "
                    f"{purpose.legal_basis.value.replace('_', ' ')} without naming the law "
                    "that lays it down",
                    "purposes",
                    index,
                )


# Member states whose law sets no conditions under Art. 87 on processing the national
# identification number (checked: Spain's LOPDGDD, Ley Orgánica 3/2018).
_NO_ART87_CONDITIONS = frozenset({"ES"})


@rule("LAW-007", "national-id-law", E, "Art. 87")
def national_id_law(ctx: RuleContext) -> Iterator[Finding]:
    """An activity processes a national identification number without naming the law allowing it.

    Member states set the conditions for processing a national identification number
    (Art. 87): in France the NIR only under the décret n° 2019-341 or a text it lists,
    in the Netherlands the BSN only where a law prescribes it (Uitvoeringswet AVG
    art. 46). Set `national_id_law` on the activity to that law, e.g.
    `national_id_law: "Décret n° 2019-341, annexe 1 (déclarations sociales)"`.

    Does not fire for categories neither marked `special: national_id` nor under one
    so marked (a customer or staff number is no identifier of general application),
    nor when `national_id_law` is set, nor for a controller established in a member
    state that has set no Art. 87 conditions, so that no law is needed to allow the
    number: Spain (the LOPDGDD has no provision under Art. 87; its seventh additional
    provision rules only how the DNI is shown in published notices), where the DNI
    is processed on the Art. 6 basis of the activity like any identity data. Other
    member states keep the finding until their law is checked.
    """
    inv = ctx.inventory
    for activity in inv.controller_activities:
        if activity.national_id_law:
            continue
        controller = inv.organisations.get(activity.controller or "")
        if controller and controller.country in _NO_ART87_CONDITIONS:
            continue
        numbers = sorted(
            c for c in activity.data_categories if inv.special_of(c) is SpecialCategory.national_id
        )
        if numbers:
            yield ctx.finding(
                activity,
                f"activity {activity.id} processes a national identification number "
                f"({', '.join(numbers)}) without naming the law that allows it",
            )
