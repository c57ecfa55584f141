"""The record's facts in the words of the regulators' layouts.

Nothing is derived here: :mod:`registry.core.record` computes recipients,
processors with their contracts, transfers and the systems used; these helpers
only phrase them (contact lines, contract lines, security and location lines),
so that the ICO, CNIL, processor and JSON layouts say the same things the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.core.contracts import Cover
from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract, Organisation, System
from registry.core.record import ActivityRecord, Recipient
from registry.core.wording import (
    ACCEPTED_ONLINE,
    AUTHORISED_BY,
    DPIA_STATUS_WORDS,
    GENERAL_AUTHORISATION,
    GENERALLY,
    NO_CONTRACT,
    SUB_PROCESSOR_UNDER,
    system_text,
)


def contact_parts(name: str, contact, address: str | None = None) -> list[str]:
    """Name, address, e-mail, telephone — the columns of the regulators' header blocks."""
    return [
        name,
        address or (contact.address if contact and contact.address else "") or "",
        (contact.email if contact else None) or "",
        (contact.phone if contact else None) or "",
    ]


def organisation_parts(org: Organisation) -> list[str]:
    return contact_parts(org.name, org.contact, org.address)


def party_rows(org: Organisation, controller: str, dpo: str, representative: str) -> list[list]:
    """The header block's rows, labelled in the template's language: the controller,
    its DPO and its Art. 27 representative, each as name, address, e-mail, telephone."""
    rows: list[list] = [[controller, *organisation_parts(org)]]
    for role, contact in ((dpo, org.dpo), (representative, org.representative)):
        parts = contact_parts(contact.name or "", contact) if contact else ["", "", "", ""]
        rows.append([role, *parts])
    return rows


def contact_line(parts: Iterable[str]) -> str:
    """One line per party in a multi-value cell: ``name; address; e-mail; phone``."""
    return "; ".join(p for p in parts if p)


def recipient_line(recipient: Recipient) -> str:
    return f"{recipient.name} ({recipient.role})"


def processor_lines(row: ActivityRecord) -> list[str]:
    """``processor: contract`` for every processor of the activity (a sub-processor's
    line also names the contract that authorises it)."""
    return sorted(f"{p.name}: {covers_text(p.covers)}" for p in row.processors)


def cover_lines(found: Iterable[Cover]) -> list[str]:
    """The contracts behind a processor, in force first; ``no contract`` when none.

    A layout is the register, not the check: whether a contract is in force is a
    finding (DPA-004), so only the contract is named here (the site shows both)."""
    return [cover_text(cover) for cover in found] or [NO_CONTRACT]


def cover_text(cover: Cover) -> str:
    """One contract behind a processor: how it was made (signed, or accepted online),
    the general authorisation of sub-processors it gives, and for a sub-processor the
    controller's contract that authorises it."""
    contract = cover.contract
    if cover.engaged_by and cover.authorised_by is None:
        # No contract of its own in the register: the engaging processor's DPA covers it.
        general = f" ({GENERALLY})" if cover.general else ""
        return SUB_PROCESSOR_UNDER + contract_text(contract) + general
    text = contract_text(contract) + made_text(contract)
    if contract.general_authorisation is not None:
        text += f"{GENERAL_AUTHORISATION}{contract.general_authorisation.published_list})"
    if cover.authorised_by is not None:
        general = f", {GENERALLY}" if cover.general else ""
        text += f"{AUTHORISED_BY}{contract_text(cover.authorised_by)}{general})"
    return text


def made_text(contract: Contract) -> str:
    """`` (accepted online on …)`` for an online DPA that was not signed, else ''."""
    if contract.accepted is not None and contract.signed is None:
        return f"{ACCEPTED_ONLINE}{contract.accepted.isoformat()})"
    return ""


def covers_text(found: Iterable[Cover]) -> str:
    return "; ".join(cover_lines(found))


def contract_text(contract: Contract) -> str:
    return contract.document or contract.name or contract.id


# --- systems: security and location --------------------------------------------


def security_line(system: System) -> str:
    return f"{system.name}: {system_text(system)}"


def location_line(system: System, inv: Inventory) -> str:
    where = ", ".join(inv.countries_of(system.id))
    return f"{system.name} ({where})" if where else f"{system.name} (country not documented)"


# --- lawfulness --------------------------------------------------------------------


def aligned(activity: Activity, attribute: str) -> list[str]:
    """One line per purpose (``—`` where empty), or nothing when no purpose has it."""
    values = [getattr(p, attribute) for p in activity.purposes]
    if not any(values):
        return []
    return [v or "—" for v in values]


def retention_lines(inv: Inventory, activity: Activity) -> list[str]:
    return [f"{_label_category(inv, r.category)}: {r}" for r in activity.retention]


def _label_category(inv: Inventory, ident: str) -> str:
    category = inv.categories.get(ident)
    return category.name if category else ident


def category_names(inv: Inventory, idents: Iterable[str]) -> list[str]:
    return [_label_category(inv, i) for i in idents]


def subject_names(inv: Inventory, idents: Iterable[str]) -> list[str]:
    return [inv.subjects[i].name if i in inv.subjects else i for i in idents]


def dpia_required(activity: Activity) -> str:
    if activity.dpia is None:
        return ""
    return "No" if activity.dpia.status == "not_required" else "Yes"


def dpia_progress(activity: Activity) -> str:
    dpia = activity.dpia
    if dpia is None:
        return ""
    parts = []
    if dpia.status and dpia.status != "not_required":
        parts.append(DPIA_STATUS_WORDS[dpia.status])
    if dpia.date:
        parts.append(f"on {dpia.date.isoformat()}")
    if dpia.reference:
        parts.append(f"(ref. {dpia.reference})")
    return " ".join(parts)


# --- entries with schema errors ------------------------------------------------------

# The heading of the column (or fiche line) that names them, added only when one is drawn on.
SCHEMA_ERRORS = "Schema errors (ropa check)"
SCHEMA_ERRORS_FR = "Erreurs de validation (ropa check)"
Key = tuple[str, str]  # (kind, id)


def schema_error_lines(inv: Inventory, entities: Iterable[Key]) -> list[str]:
    """One line per schema finding of the entities a row draws on: the register shows an
    invalid entry with what validated, and says so where it is used."""
    lines: list[str] = []
    for key in dict.fromkeys(entities):  # once each, in the row's order
        for finding in inv.schema_errors.get(key, ()):
            lines.append(f"{key[0]} {key[1]}: {finding.rule} at {finding.pos}: {finding.message}")
    return lines


def covers_entities(found: Iterable[Cover]) -> list[Key]:
    keys = []
    for cover in found:
        keys.append(("Contract", cover.contract.id))
        if cover.authorised_by is not None:
            keys.append(("Contract", cover.authorised_by.id))
    return keys


def activity_entities(row: ActivityRecord) -> list[Key]:
    """Every entity an activity's row of the record draws on."""
    activity = row.activity
    keys: list[Key] = [("Activity", activity.id)]
    keys += [("Organisation", o) for o in sorted(row.controllers)]
    keys += [("DataSubject", s) for s in activity.data_subjects]
    keys += [("DataCategory", c) for c in activity.data_categories]
    keys += [("DataCategory", r.category) for r in activity.retention]
    keys += [("Flow", f.id) for f in row.flows]
    keys += [("System", s.id) for s in row.systems]
    keys += [("Organisation", r.organisation) for r in row.recipients]
    for processor in row.processors:
        keys.append(("Organisation", processor.organisation))
        keys += covers_entities(processor.covers)
    keys += [("Organisation", t.organisation) for t in row.transfers if t.organisation]
    return keys


def with_schema_errors(sheet_rows: list[list], notes: list[list[str]]) -> bool:
    """Append each row's schema-error lines as a last cell, when any row has one."""
    if not any(notes):
        return False
    for cells, lines in zip(sheet_rows, notes, strict=True):
        cells.append(lines)
    return True
