"""The UK ICO controller template's layout: its columns in order, with their headings.

Shared by the ICO export, which writes them, and the spreadsheet importer, which
maps a sheet's headings back to fields through :data:`KEYS`.
"""

from __future__ import annotations

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
ART87_PREFIX = "Art. 87: "  # the law allowing a national identification number
