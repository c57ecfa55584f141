"""The UK ICO controller template: its columns, in its order, with its headings.

Above the table, the template's header block: name and contact details of the
controller, its data protection officer and its representative. One row per
activity of which the organisation is controller or joint controller.
"""

from __future__ import annotations

from registry.core.inventory import Inventory
from registry.core.model import Activity, Organisation
from registry.outputs.export import derive
from registry.outputs.export.table import Cell, Sheet, cell_text

# The ICO "documentation template for controllers", column by column.
COLUMNS: list[str] = [
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 basis for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 condition for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
]
# Short keys for the columns, used by the importer (same order as COLUMNS).
KEYS: list[str] = [
    "business_function",
    "purposes",
    "joint_controllers",
    "data_subjects",
    "data_categories",
    "recipients",
    "contracts",
    "transfer_countries",
    "transfer_safeguards",
    "retention",
    "security",
    "legal_basis",
    "art9_condition",
    "legitimate_interests",
    "lia",
    "rights",
    "automated_decisions",
    "source",
    "consent_record",
    "location",
    "dpia_required",
    "dpia_progress",
    "dpia_link",
    "breach",
    "breach_record",
    "schedule1",
    "retention_policy",
    "retention_policy_followed",
    "retention_policy_reasons",
]
WIDTHS = [22, 40, 34, 24, 30, 34, 40, 34, 44, 40, 60, 30, 30, 36, 30, 30, 26, 30, 20, 32]
WIDTHS += [14, 30, 36, 14, 20, 30, 24, 20, 30]

HEADER_COLUMNS = ["", "Name", "Address", "Email", "Telephone"]
HEADER_ROLES = ("Controller", "Data Protection Officer", "Representative")
ART10_PREFIX = "Art. 10: "


def header_block(org: Organisation) -> list[list[Cell]]:
    """The template's block above the table: controller, DPO, representative."""
    rows: list[list[Cell]] = [list(HEADER_COLUMNS)]
    rows += derive.party_rows(org, "Controller", "Data Protection Officer", "Representative")
    return rows


def row(inv: Inventory, activity: Activity, org: str) -> list[Cell]:
    joint = sorted(
        inv.controllers_of(activity) - {org},
        key=lambda j: (inv.organisations[j].name if j in inv.organisations else j, j),
    )
    transfers = derive.activity_transfers(inv, activity)
    systems = derive.systems_used(inv, activity)
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
        [derive.recipient_line(r) for r in derive.recipients(inv, activity)],
        derive.processor_contracts(inv, activity),
        [t.country_text for t in transfers],
        [t.safeguard_text for t in transfers],
        derive.retention_lines(inv, activity),
        [derive.security_line(s) for s in systems],
        [derive.basis_text(p.legal_basis) for p in activity.purposes],
        derive.art9_text(activity.art9_condition),
        derive.aligned(activity, "legitimate_interests"),
        derive.aligned(activity, "lia"),
        derive.rights(activity),
        activity.automated_decisions or "",
        activity.source or "",
        "",  # consent records are not part of the inventory
        [derive.location_line(s, inv) for s in systems],
        derive.dpia_required(activity),
        derive.dpia_progress(activity),
        (dpia.link or "") if dpia else "",
        "",  # breaches are recorded elsewhere (Art. 33(5) register)
        "",
        ART10_PREFIX + activity.art10_authority if activity.art10_authority else "",
        "",
        "",
        "",
    ]


def activities_of(inv: Inventory, org: str) -> list[Activity]:
    """The activities in ``org``'s controller record: as controller or joint controller.

    Sorted by what the layout shows (business function, purposes), so that reading
    the sheet back gives the same order.
    """
    chosen = [a for a in inv.activities.values() if org in inv.controllers_of(a)]
    return sorted(
        chosen,
        key=lambda a: (a.business_function or "", [p.purpose for p in a.purposes], a.name, a.id),
    )


def sheet(inv: Inventory, org: str) -> Sheet:
    organisation = inv.organisations[org]
    return Sheet(
        title=organisation.name,
        columns=list(COLUMNS),
        # Sorted by what the sheet shows (business function, purposes, then every other
        # column), never by ids or names it does not show: reading it back keeps the order.
        rows=sorted(
            (row(inv, a, org) for a in activities_of(inv, org)),
            key=lambda cells: [cell_text(c) for c in cells],
        ),
        preamble=header_block(organisation),
        widths=list(WIDTHS),
    )
