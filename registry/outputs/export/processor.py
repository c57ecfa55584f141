"""The processor's record (Art. 30(2)): one row per controller it acts for.

Columns follow the ICO template for processors; with ``french=True`` the CNIL's
wording for the "registre des catégories d'activités de traitement" du sous-traitant.
"""

from __future__ import annotations

from registry.core.inventory import Inventory
from registry.core.record import Record, Served
from registry.outputs.export import derive
from registry.outputs.export.table import Cell, Sheet

COLUMNS = [
    "Name and contact details of controller",
    "Name and contact details of the controller's representative (if applicable)",
    "Name and contact details of the controller's data protection officer (if applicable)",
    "Categories of processing carried out on behalf of the controller",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "General description of technical and organisational security measures (if possible)",
    "Link to contract with controller",
]
COLONNES = [
    "Nom et coordonnées du responsable de traitement",
    "Représentant du responsable de traitement (le cas échéant)",
    "Délégué à la protection des données du responsable de traitement (le cas échéant)",
    "Catégories de traitements effectués pour le compte du responsable de traitement",
    "Transferts hors UE : pays ou organisations internationales destinataires",
    "Transferts hors UE : garanties appropriées",
    "Description générale des mesures de sécurité techniques et organisationnelles",
    "Contrat avec le responsable de traitement",
]
WIDTHS = [40, 36, 36, 50, 40, 44, 60, 40]
HEADER = {
    False: (
        ["", "Name", "Address", "Email", "Telephone"],
        ("Processor", "Data Protection Officer", "Representative"),
    ),
    True: (
        ["", "Nom", "Adresse", "Courriel", "Téléphone"],
        ("Sous-traitant", "Délégué à la protection des données", "Représentant"),
    ),
}


def sheet(record: Record, processor: str, *, french: bool = False) -> Sheet:
    org = record.inventory.organisations[processor]
    columns, roles = HEADER[french]
    preamble: list[list[Cell]] = [list(columns), [roles[0], *derive.organisation_parts(org)]]
    for role, contact in ((roles[1], org.dpo), (roles[2], org.representative)):
        parts = derive.contact_parts(contact.name or "", contact) if contact else ["", "", "", ""]
        preamble.append([role, *parts])
    served = record.processors[processor].served if processor in record.processors else ()
    inv = record.inventory
    rows = [_row(inv, s) for s in served]
    columns = list(COLONNES if french else COLUMNS)
    # Entries with schema errors are written with what validated; a last column says so.
    notes = [derive.schema_error_lines(inv, _entities(processor, s)) for s in served]
    if derive.with_schema_errors(rows, notes):
        columns.append(derive.SCHEMA_ERRORS_FR if french else derive.SCHEMA_ERRORS)
    return Sheet(
        title=f"{org.name} (processor)" if not french else f"{org.name} (sous-traitant)",
        columns=columns,
        rows=rows,
        preamble=preamble,
        widths=list(WIDTHS),
    )


def _entities(processor: str, served: Served) -> list[derive.Key]:
    """Every entity a row of the processor's record draws on."""
    keys: list[derive.Key] = [("Organisation", processor), ("Organisation", served.controller)]
    keys += [("Activity", a.id) for a in served.activities]
    keys += [("DataCategory", c) for a in served.activities for c in a.data_categories]
    keys += [("System", s.id) for s in served.systems]
    keys += derive.covers_entities(served.covers)
    keys += [("Organisation", t.organisation) for t in served.transfers if t.organisation]
    return keys


def _row(inv: Inventory, served: Served) -> list[Cell]:
    org = inv.organisations.get(served.controller)
    contact = derive.contact_line(derive.organisation_parts(org)) if org else served.controller
    rep = org.representative if org else None
    dpo = org.dpo if org else None
    categories = []
    for activity in served.activities:
        names = derive.category_names(inv, activity.data_categories)
        categories.append(f"{activity.name}: {', '.join(names)}" if names else activity.name)
    return [
        contact,
        derive.contact_line(derive.contact_parts(rep.name or "", rep)) if rep else "",
        derive.contact_line(derive.contact_parts(dpo.name or "", dpo)) if dpo else "",
        categories,
        [t.country_text for t in served.transfers],
        [t.safeguard_text for t in served.transfers],
        [derive.security_line(s) for s in served.systems],
        derive.cover_lines(served.covers),
    ]
