"""Art. 30(1) and 30(2): what the record itself must contain."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.vocabulary import countries
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


def _has_contact(organisation) -> bool:
    contact = organisation.contact
    return bool(
        organisation.address or (contact and (contact.email or contact.phone or contact.address))
    )


@rule("R30-001", "controller-contact", E, "Art. 30(1)(a)")
def controller_contact(ctx: RuleContext) -> Iterator[Finding]:
    """A controller has no contact details.

    The record must give the name and contact details of the controller. Add an
    `address` or a `contact` with an e-mail or phone number to the Organisation.

    Does not fire when the Organisation has an `address`, or a `contact` with an
    e-mail, a phone number or a postal address: one way to reach the controller is
    what Art. 30(1)(a) asks. A `contact` with only a name, or a `dpo` alone, is not
    the controller's own contact and still fires. Only the controllers and joint
    controllers of activities are judged; processors and other recipients owe the
    controller's record no contact details (a processor keeping its own record here
    is R30-009's), and a controller id that names no Organisation is SCH-012's.
    """
    inv = ctx.inventory
    controllers = {c for a in inv.activities.values() for c in inv.controllers_of(a)}
    for ident in sorted(controllers):
        organisation = inv.organisations.get(ident)
        if organisation and not _has_contact(organisation):
            yield ctx.finding(organisation, f"controller {ident} has no address or contact details")


@rule("R30-002", "representative", E, "Art. 27, 30(1)(a)")
def representative(ctx: RuleContext) -> Iterator[Finding]:
    """A controller established outside the EEA has no representative in the Union.

    Art. 27 requires a representative, whose contact details belong in the record.
    Add `representative: {name, address, email}` to the Organisation.

    Does not fire for a controller established in the EEA (Norway, Iceland and
    Liechtenstein apply the GDPR through the EEA Agreement), one that names a
    `representative`, one with no `country`, nor a public authority or body
    (`public_authority: true`), which Art. 27(2)(b) exempts. An adequacy decision is
    no exemption: a controller in the UK or Switzerland needs one too, since Art. 27
    turns on where it is established, not on transfers. The other exemptions cannot
    be read from the register: occasional processing without large-scale special
    categories and unlikely to result in a risk (Art. 27(2)(a)); waive this finding,
    saying so.

    Nor for a controller that says `targets_eu: false`: Art. 27(1) binds only a
    controller that Art. 3(2) brings under the GDPR, by offering goods or services
    to, or monitoring the behaviour of, people in the Union (a UK charity with UK
    donors keeping its record under the UK GDPR, or a processor's client whose data
    subjects are all outside the Union). Unset, or `true`, still fires: ropa cannot
    tell from the register alone that no one in the Union is targeted.
    """
    inv = ctx.inventory
    controllers = {c for a in inv.activities.values() for c in inv.controllers_of(a)}
    for ident in sorted(controllers):
        organisation = inv.organisations.get(ident)
        if (
            organisation
            and organisation.country
            and countries().is_third_country(organisation.country)
            and organisation.representative is None
            and not organisation.public_authority  # Art. 27(2)(b)
            and organisation.targets_eu is not False  # Art. 3(2) does not apply
        ):
            yield ctx.finding(
                organisation,
                f"controller {ident} is established in {organisation.country}, outside the EEA, "
                "and names no Art. 27 representative",
                "country",
            )


@rule("R30-003", "purpose", E, "Art. 30(1)(b)")
def purpose(ctx: RuleContext) -> Iterator[Finding]:
    """An activity states no purpose.

    Add `purposes:` with at least one `purpose` and its `legal_basis`.

    Does not fire when the activity states at least one purpose, even one without a
    `legal_basis` (LAW-001 reports that): whether a purpose is specific enough
    (Art. 5(1)(b)) is the DPO's judgement, not ropa's. It judges an activity a
    processor records for a client too: the processor's contract sets out the
    nature and purpose of the processing (Art. 28(3)), so it knows the purpose.
    """
    for activity in ctx.inventory.activities.values():
        if not activity.purposes:
            yield ctx.finding(activity, f"activity {activity.id} has no purpose")


@rule("R30-004", "data-subjects", E, "Art. 30(1)(c)")
def data_subjects(ctx: RuleContext) -> Iterator[Finding]:
    """An activity names no category of data subjects.

    List them in `data_subjects:` (patients, employees, …).

    Does not fire when the activity lists at least one: whether the list is complete
    is judged only against its flows (SCP-002 fires on a flow carrying data about
    subjects the activity does not list).
    """
    for activity in ctx.inventory.activities.values():
        if not activity.data_subjects:
            yield ctx.finding(activity, f"activity {activity.id} names no data subjects")


@rule("R30-005", "data-categories", E, "Art. 30(1)(c)")
def data_categories(ctx: RuleContext) -> Iterator[Finding]:
    """An activity names no category of personal data.

    List them in `data_categories:`, using the taxonomy ids (`ropa schema` and the
    site list them) or categories of your own.

    Does not fire when the activity lists at least one: whether the list is complete
    is judged only against its flows (SCP-001 fires on a flow carrying a category
    the activity does not list, a sub-category of a listed one excepted).
    """
    for activity in ctx.inventory.activities.values():
        if not activity.data_categories:
            yield ctx.finding(activity, f"activity {activity.id} names no data categories")


@rule("R30-006", "recipients", W, "Art. 30(1)(d)")
def recipients(ctx: RuleContext) -> Iterator[Finding]:
    """An activity has no declared flow, so its recipients cannot be derived.

    The record lists the categories of recipients; ropa derives them from the
    activity's flows. Declare the flows that collect and disclose its data (an
    activity that discloses nothing still collects from somewhere).

    Does not fire when the activity has at least one flow, even only the collection
    from the data subjects (`from: patients`): an activity that discloses nothing has
    no recipient to list. Nor when a flow declared for it has a schema error: that
    error is the finding, and the flow may be the one missing here.
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        if inv.invalid_mentions("Flow", "activity", activity.id):
            continue  # its flows have schema errors, reported there
        if not inv.flows_by_activity.get(activity.id):
            yield ctx.finding(activity, f"activity {activity.id} has no flows: recipients unknown")


@rule("R30-007", "activity-retention", E, "Art. 30(1)(f), 5(1)(e)")
def activity_retention(ctx: RuleContext) -> Iterator[Finding]:
    """A data category of an activity has no retention.

    Add an entry under `retention:` with the `category` and one of: its `period`
    (ISO 8601, e.g. `P10Y`, optionally `after` the event it runs from), `until`
    the event that ends it (`until: account deletion`), or `indefinite: true` with
    its `justification`; and its `source`. A retention set for a parent category
    covers its sub-categories.

    Does not fire when the category (or a parent of it) has any retention entry,
    however written: a vague one ("provider default") is RET-005's warning and an
    unjustified indefinite one RET-004's error, so that "missing" keeps its meaning.
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        kept = [r.category for r in activity.retention]
        for index, category in enumerate(activity.data_categories):
            if not inv.covers(kept, category):
                yield ctx.finding(
                    activity,
                    f"activity {activity.id}: no retention for category {category}",
                    "data_categories",
                    index,
                )


@rule("R30-008", "security-description", E, "Art. 30(1)(g), 32")
def security_description(ctx: RuleContext) -> Iterator[Finding]:
    """An activity uses no system whose security measures are described.

    The record must describe the technical and organisational measures; ropa
    derives them from the systems the activity uses. List the systems (through
    flows or `systems:`) and give each a `security:` block.

    Does not fire when any one system the activity uses (listed in `systems:` or at
    either end of one of its flows) has a `security:` block, even if the others have
    none or the block leaves measures unset: Art. 30(1)(g) asks for a general
    description "where possible", and the SEC rules judge each system's measures.
    Nor when a system it lists, or one of its flows or their ends, has a schema
    error or a misspelt id (SCH-012): which systems it uses is then not known, and
    the schema error comes first.
    """
    inv = ctx.inventory
    for activity in inv.activities.values():
        systems = inv.systems_of(activity)
        ends = [e for f in inv.flows_by_activity.get(activity.id, ()) for e in (f.source, f.to)]
        if (
            inv.invalid_mentions("Flow", "activity", activity.id)
            or any(("System", s) in inv.invalid for s in [*activity.systems, *ends])
            or any(s not in inv.systems for s in activity.systems)  # misspelt: SCH-012
            or any(inv.endpoint(e) is None for e in ends)
        ):
            continue  # the systems it uses are not all known: schema errors come first
        if not any(inv.systems[s].security for s in systems if s in inv.systems):
            yield ctx.finding(
                activity, f"activity {activity.id}: no system it uses describes its security"
            )


@rule("R30-009", "processor-record", E, "Art. 30(2)(a)")
def processor_record(ctx: RuleContext) -> Iterator[Finding]:
    """An organisation keeping its processor record here has no contact details.

    Art. 30(2) is the processor's own record: it names the processor, each
    controller it acts for and their contacts. Add an `address` or `contact` to the
    Organisation. The duty falls on the organisation that keeps the record: those
    marked `keeps_record: true`, or, where no organisation is so marked, the
    controllers of the register's activities (a controller that also acts as a
    processor for others).

    Does not fire when the processor is a vendor in a controller's register: its Art.
    30(2) record is its own to keep, and Art. 30(1)(d) asks the controller only for the
    categories of recipients (mark the organisation `keeps_record: true` when this
    register is its own record).
    """
    inv = ctx.inventory
    keepers = inv.record_keepers
    processors = {c.processor for c in inv.contracts.values() if c.processor}
    processors |= {p for f in inv.flows.values() if (p := inv.is_processor_end(f))}
    for activity in inv.activities.values():
        controllers = inv.controllers_of(activity)
        processors |= {
            operator
            for s in inv.systems_of(activity)
            if (operator := inv.systems[s].operator)
            and operator not in controllers
            and s not in inv.received_as_controller.get(activity.id, ())
        }
    for ident in sorted(processors & keepers):
        organisation = inv.organisations.get(ident)
        if organisation and not _has_contact(organisation):
            yield ctx.finding(
                organisation,
                f"processor {ident} keeps its Art. 30(2) record here and has no address "
                "or contact details",
            )
