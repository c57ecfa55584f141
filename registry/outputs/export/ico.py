"""The UK ICO controller template: its columns, in its order, with its headings.

Above the table, the template's header block: name and contact details of the
controller, its data protection officer and its representative. One row per
activity of which the organisation is controller or joint controller.
"""

from __future__ import annotations

from registry.core.model import Organisation
from registry.core.record import ActivityRecord, Record
from registry.core.wording import art9_text, basis_text
from registry.layouts.ico import ART10_PREFIX, ART87_PREFIX, COLUMNS, HEADER_COLUMNS, WIDTHS
from registry.outputs.export import derive
from registry.outputs.export.table import Cell, Sheet, cell_text


def header_block(org: Organisation) -> list[list[Cell]]:
    """The template's block above the table: controller, DPO, representative."""
    rows: list[list[Cell]] = [list(HEADER_COLUMNS)]
    rows += derive.party_rows(org, "Controller", "Data Protection Officer", "Representative")
    return rows


def row(record: Record, entry: ActivityRecord, org: str) -> list[Cell]:
    inv, activity = record.inventory, entry.activity
    joint = sorted(
        entry.controllers - {org},
        key=lambda j: (inv.organisations[j].name if j in inv.organisations else j, j),
    )
    transfers, systems = entry.transfers, entry.systems
    dpia = activity.dpia
    return [
        activity.business_function or "",
        [p.purpose for p in activity.purposes],
        [
            derive.contact_line(derive.organisation_parts(inv.organisations[j]))
            if j in inv.organisations
            else j
            for j in joint
        ],
        derive.subject_names(inv, activity.data_subjects),
        derive.category_names(inv, activity.data_categories),
        [derive.recipient_line(r) for r in entry.recipients],
        derive.processor_lines(entry),
        [t.country_text for t in transfers],
        [t.safeguard_text for t in transfers],
        derive.retention_lines(inv, activity),
        [derive.security_line(s) for s in systems],
        [basis_text(p.legal_basis, p.law) for p in activity.purposes],
        art9_text(activity.art9_condition),
        derive.aligned(activity, "legitimate_interests"),
        derive.aligned(activity, "lia"),
        list(entry.rights),
        activity.automated_decisions or "",
        activity.source or "",
        "",  # consent records are not part of the inventory
        [derive.location_line(s, inv) for s in systems],
        derive.dpia_required(activity),
        derive.dpia_progress(activity),
        (dpia.link or "") if dpia else "",
        "",  # breaches are recorded elsewhere (Art. 33(5) register)
        "",
        # The template's column for the national conditions of special, criminal and
        # national-id data (DPA 2018 Schedule 1 in the UK).
        [
            prefix + text
            for prefix, text in (
                (ART10_PREFIX, activity.art10_authority),
                (ART87_PREFIX, activity.national_id_law),
            )
            if text
        ],
        "",
        "",
        "",
    ]


def sheet(record: Record, org: str) -> Sheet:
    inv = record.inventory
    organisation = inv.organisations[org]
    entries = record.activities_of(org)
    rows = [row(record, entry, org) for entry in entries]
    columns = list(COLUMNS)
    # Entries with schema errors are written with what validated; a last column says so.
    notes = [derive.schema_error_lines(inv, derive.activity_entities(e)) for e in entries]
    if derive.with_schema_errors(rows, notes):
        columns.append(derive.SCHEMA_ERRORS)
    return Sheet(
        title=organisation.name,
        columns=columns,
        # Sorted by what the sheet shows (business function, purposes, then every other
        # column), never by ids or names it does not show: reading it back keeps the order.
        rows=sorted(rows, key=lambda cells: [cell_text(c) for c in cells]),
        preamble=header_block(organisation),
        widths=list(WIDTHS),
    )
