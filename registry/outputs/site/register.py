"""The Article 30 record as site tables: each limb of :mod:`registry.core.record` in Markdown.

The controller record (Art. 30(1)) has one row per activity; recipients, processors
with their contracts, transfers and security measures come from the record, the
same one the exports and ``ropa diff`` read, so the site and a downloaded register
never disagree. Each cell links to its evidence (the entity pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from registry.core.contracts import Cover
from registry.core.inventory import Inventory
from registry.core.model import Activity, Organisation, System
from registry.core.record import ActivityRecord, Record, Transfer
from registry.core.vocabulary import ContractType, TransferMechanism
from registry.core.wording import (
    AUTHORISED_BY,
    DPIA_STATUS_WORDS,
    GENERAL_AUTHORISATION,
    GENERALLY,
    SUB_PROCESSOR_UNDER,
    TRANSIENT,
    art9_text,
    basis_text,
    dpf_text,
)
from registry.outputs.export.derive import made_text
from registry.outputs.site import labels
from registry.outputs.site.markup import (
    external,
    findings_place,
    lines,
    link,
    place_of,
    table,
    text,
)

CONTROLLER_COLUMNS = [
    "Activity",
    "Purposes (b)",
    "Legal basis (Art. 6)",
    "Conditions (Art. 9, 10, 87)",
    "Data subjects (c)",
    "Data categories (c)",
    "Recipients (d)",
    "Processors and contracts (Art. 28)",
    "Transfers outside the EEA (e)",
    "Retention (f)",
    "Security measures (g)",
    "DPIA (Art. 35)",
]


@lru_cache(maxsize=1 << 16)
def _label(label: str) -> str:
    return text(label)  # the same names are linked hundreds of thousands of times


def ref(inv: Inventory, kind: str, ident: str, page: str) -> str:
    """A link to an entity's page labelled with its name; plain text if it does not exist.

    An entity with a schema error is marked invalid, with a link to its findings.
    """
    entity = inv.by_kind.get(kind, {}).get(ident)
    if entity is None:
        return text(ident) + " *(not in the inventory)*"
    target, anchor = place_of(inv, kind, ident)
    named = link(_label(entity.label), page, target, anchor)
    if inv.is_invalid(kind, ident):
        findings = link("invalid", page, *findings_place(inv, kind, ident))
        return f"{named} {findings}{{.ropa-invalid}}"
    return named


def ref_end(inv: Inventory, ident: str, page: str) -> str:
    """A flow end: a system, an organisation or a data subject."""
    for kind in ("System", "Organisation", "DataSubject"):
        if ident in inv.by_kind[kind]:
            return ref(inv, kind, ident, page)
    return text(ident) + " *(not in the inventory)*"


def joined(items: Iterable[str], sep: str = "<br>") -> str:
    return sep.join(items)


def category_ref(inv: Inventory, ident: str, page: str) -> str:
    """A category linked, its special kind marked by its article (the kind in a tooltip)."""
    special = inv.special_of(ident)
    if special is None:
        return ref(inv, "DataCategory", ident, page)
    kind = text(labels.SPECIAL[special])
    mark = f' <abbr class="ropa-special" title="{kind}">**{text(special.article)}**</abbr>'
    return ref(inv, "DataCategory", ident, page) + mark


def cover_cell(inv: Inventory, found: Iterable[Cover], page: str) -> str:
    """The contracts behind a processor, linked; **none** only where no contract links the
    two organisations, which is where `ropa check` reports DPA-001 or DPA-002."""
    parts = []
    for cover in found:
        contract = cover.contract
        linked = ref(inv, "Contract", contract.id, page)
        if cover.engaged_by and cover.authorised_by is None:
            # A sub-processor with no contract of its own here: the engaging processor's
            # DPA authorises it.
            part = SUB_PROCESSOR_UNDER + linked + (f" ({GENERALLY})" if cover.general else "")
        else:
            made = made_text(contract)
            part = linked + (" " + text(made) if made else "")
            general = contract.general_authorisation
            if general is not None:
                notice = f", notice {labels.duration(general.notice)}" if general.notice else ""
                part += GENERAL_AUTHORISATION + external(general.published_list) + notice + ")"
            if cover.authorised_by is not None:
                part += (
                    AUTHORISED_BY
                    + ref(inv, "Contract", cover.authorised_by.id, page)
                    + (f", {GENERALLY}" if cover.general else "")
                    + ")"
                )
        if cover.problem:
            part += " — **" + text(cover.problem) + "**"
        parts.append(part)
    return joined(parts) or "**none**"


def security_cell(inv: Inventory, systems: Iterable[System], page: str) -> str:
    """Each system, linked, with its Art. 32 measures as a ✓/✗ checklist."""
    return joined(
        ref(inv, "System", s.id, page)
        + ": "
        + (f"{text(TRANSIENT)} · " if s.transient else "")
        + labels.checklist_inline(s.security)
        for s in systems
    )


def safeguard_cell(inv: Inventory, transfer: Transfer, page: str) -> str:
    """Where, to whom, on which safeguard, by which flows or systems."""
    via = [ref(inv, "Flow", f, page) for f in transfer.flows]
    via += [ref(inv, "System", s, page) for s in transfer.systems]
    return (
        text(transfer.country_text)
        + " — "
        + (text(transfer.safeguard) if transfer.mechanisms else f"**{text(transfer.safeguard)}**")
        + (" (" + ", ".join(via) + ")" if via else "")
    )


def controller_row(record: Record, entry: ActivityRecord, page: str) -> list[str]:
    inv, activity = record.inventory, entry.activity
    name = ref(inv, "Activity", activity.id, page)
    if activity.reference:
        name += f"<br>{text(activity.reference)}"
    purposes = joined(lines(p.purpose) for p in activity.purposes)
    bases = joined(
        text(basis_text(p.legal_basis, p.law)) if p.legal_basis else "—" for p in activity.purposes
    )
    conditions = []
    if activity.art9_condition:
        conditions.append(text(art9_text(activity.art9_condition)))
    if activity.art10_authority:
        conditions.append(text(f"Art. 10: {activity.art10_authority}"))
    if activity.national_id_law:
        conditions.append(text(f"Art. 87: {activity.national_id_law}"))
    conditions_cell = joined(conditions)
    subjects = joined(ref(inv, "DataSubject", s, page) for s in activity.data_subjects)
    categories = joined(category_ref(inv, c, page) for c in activity.data_categories)
    recipients = joined(
        ref(inv, "Organisation", r.organisation, page) + f" ({text(r.role)})"
        for r in entry.recipients
    )
    processors = joined(
        ref(inv, "Organisation", p.organisation, page) + ": " + cover_cell(inv, p.covers, page)
        for p in entry.processors
    )
    moved = joined(safeguard_cell(inv, t, page) for t in entry.transfers)
    retention = joined(
        ref(inv, "DataCategory", r.category, page) + ": " + labels.retention(r)
        for r in activity.retention
    )
    security = security_cell(inv, entry.systems, page)
    dpia = dpia_cell(activity)
    return [
        name,
        purposes,
        bases,
        conditions_cell,
        subjects,
        categories,
        recipients,
        processors,
        moved,
        retention,
        security,
        dpia,
    ]


def dpia_cell(activity: Activity) -> str:
    """The DPIA: its reference, status in words, date, and its document linked."""
    dpia = activity.dpia
    if dpia is None:
        return ""
    words = DPIA_STATUS_WORDS.get(dpia.status or "")
    parts = [text(p) for p in (dpia.reference, words, dpia.date) if p]
    if dpia.link:
        parts.append(external(dpia.link))
    return ", ".join(parts)


def contact_lines(org: Organisation) -> list[str]:
    out = []
    for label, contact in (
        ("Contact", org.contact),
        ("Data protection officer", org.dpo),
        ("Representative (Art. 27)", org.representative),
    ):
        if contact is None:
            continue
        parts = [contact.name, contact.email, contact.phone, contact.address]
        out.append(f"{label}: " + text(", ".join(p for p in parts if p)))
    if org.address:
        out.insert(0, "Address: " + text(org.address))
    return out


def controllers(record: Record) -> dict[str, list[ActivityRecord]]:
    """Controller id → the rows it is the controller of; '' for none."""
    result: dict[str, list[ActivityRecord]] = {}
    for entry in record.activities.values():
        result.setdefault(entry.controller or "", []).append(entry)
    return dict(sorted(result.items()))


def controller_record(record: Record, page: str, heading: str = "##") -> str:
    """Art. 30(1): one table per controller, one row per activity."""
    inv = record.inventory
    out = []
    for controller, entries in controllers(record).items():
        org = inv.organisations.get(controller)
        if org is None:
            out.append(f"{heading} Activities with no controller\n")
        else:
            out.append(f"{heading} {text(org.name)}\n")
            details = [f"Controller: {ref(inv, 'Organisation', controller, page)}"]
            details += contact_lines(org)
            out.append("<br>\n".join(details) + "\n")
        rows = [controller_row(record, e, page) for e in entries]
        out.append(table(CONTROLLER_COLUMNS, rows))
        joint = sorted({j for e in entries for j in e.activity.joint_controllers})
        if joint:
            out.append(
                "Joint controllers: "
                + ", ".join(ref(inv, "Organisation", j, page) for j in joint)
                + "\n"
            )
    return "\n".join(out) if out else "*No activity is recorded yet.*\n"


def processor_record(record: Record, page: str, heading: str = "##") -> str:
    """Art. 30(2): for each organisation acting as processor, on whose behalf it processes."""
    inv = record.inventory
    out = []
    for processor, entry in record.processors.items():
        org = inv.organisations[processor]
        out.append(f"{heading} {text(org.name)}\n")
        details = [f"Processor: {ref(inv, 'Organisation', processor, page)}"]
        details += contact_lines(org)
        out.append("<br>\n".join(details) + "\n")
        rows = [
            [
                ref(inv, "Organisation", served.controller, page),
                joined(ref(inv, "Activity", a.id, page) for a in served.activities),
                joined(ref(inv, "System", s.id, page) for s in served.systems),
                joined(safeguard_cell(inv, t, page) for t in served.transfers),
                cover_cell(inv, served.covers, page),
                security_cell(inv, served.systems, page),
            ]
            for served in entry.served
        ]
        out.append(
            table(
                [
                    "On behalf of (controller)",
                    "Categories of processing",
                    "Systems it runs",
                    "Transfers outside the EEA",
                    "Contract (Art. 28)",
                    "Security measures",
                ],
                rows,
            )
        )
    return "\n".join(out) if out else "*No organisation acts as a processor in this inventory.*\n"


def country_anchor(code: str) -> str:
    """The anchor of a country's section on transfers.md: ``country-us``."""
    return "country-" + code.lower()


def transfers(record: Record) -> list[tuple[ActivityRecord, Transfer]]:
    """Every transfer outside the EEA, with the activity that makes it."""
    return [(entry, t) for entry in record.activities.values() for t in entry.transfers]


def roles(record: Record) -> dict[str, set[str]]:
    """The roles each organisation plays in the register, by organisation id."""
    inv = record.inventory
    found: dict[str, set[str]] = {}
    for activity in inv.activities.values():
        if activity.controller:
            found.setdefault(activity.controller, set()).add("controller")
        for joint in activity.joint_controllers:
            found.setdefault(joint, set()).add("joint controller")
    for processor in record.processors:
        found.setdefault(processor, set()).add("processor")
    for entry in record.activities.values():
        for recipient in entry.recipients:
            if "processor" not in found.get(recipient.organisation, ()):
                found.setdefault(recipient.organisation, set()).add("recipient")
    return found


def transfer_evidence(record: Record, entry: ActivityRecord, transfer: Transfer, page: str) -> str:
    """What documents a transfer's safeguard: the standard contractual clauses signed with
    the recipient (the contract and its document), its DPF certification."""
    inv = record.inventory
    parts = []
    if TransferMechanism.sccs.value in transfer.mechanisms and transfer.organisation:
        for contract in sorted(inv.contracts.values(), key=lambda c: c.id):
            sides = {contract.controller, contract.processor, *contract.parties}
            if (
                contract.type is ContractType.sccs
                and transfer.organisation in sides
                and entry.controllers & sides
            ):
                part = ref(inv, "Contract", contract.id, page)
                if contract.document:
                    part += " (" + external(contract.document) + ")"
                parts.append(part)
        if not parts:
            parts.append("**no SCC contract recorded**")
    if transfer.certification is not None:
        parts.append(
            text(dpf_text(transfer.certification))
            + " ("
            + external(transfer.certification.reference)
            + ")"
        )
    return joined(parts)
