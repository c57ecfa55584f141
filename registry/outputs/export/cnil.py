"""The CNIL "registre": the organisation's page, then one fiche per activity, in French.

XLSX: a sheet listing the activities (under the controller / DPO / representative
block) and one sheet per fiche. CSV: one row per activity, the fiche's lines as
columns. The data-category lines are the CNIL's own (état civil, vie personnelle,
vie professionnelle, économique et financier, connexion, localisation), each with
its description and retention; sensitive data are the Art. 9 list, offences and
the NIR.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import cache

from registry.core.inventory import Inventory
from registry.core.model import Activity, Dpf, Retention
from registry.core.record import ActivityRecord, Record, Transfer
from registry.core.vocabulary import FlowMedium, TransferMechanism, vague_retention
from registry.core.wording import NO_CONTRACT
from registry.layouts.cnil import (
    ART9_FR,
    ART87_LINE,
    AUTH_FR,
    BASIS_FR,
    CATEGORY_LINES,
    DPF_FR,
    FICHE_COLUMNS,
    HEADER_COLUMNS,
    INDEFINITE_FR,
    LAW_JOIN_FR,
    LIST_COLUMNS,
    MECHANISM_FR,
    OTHER_LINE,
    ROLE_FR,
    SECURITY_FR,
    SECURITY_LINES,
    SENSITIVE_LINES,
    TRANSIENT_FR,
    UNTIL_FR,
)
from registry.outputs.export import derive
from registry.outputs.export.table import Cell, Sheet


@cache
def _french_countries() -> gettext.NullTranslations:
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def country_fr(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _french_countries().gettext(country.name)


def date_fr(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def duration_fr(period: str) -> str:
    """``P10Y`` → ``10 ans``: the CNIL's readers are not ISO 8601 readers."""
    from registry.core.model import _DURATION

    match = _DURATION.match(period)
    if not match:
        return period
    units = [
        ("y", "an", "ans"),
        ("mo", "mois", "mois"),
        ("w", "semaine", "semaines"),
        ("d", "jour", "jours"),
        ("h", "heure", "heures"),
        ("mi", "minute", "minutes"),
        ("s", "seconde", "secondes"),
    ]
    parts = [
        f"{int(match[k])} {one if int(match[k]) == 1 else many}"
        for k, one, many in units
        if match[k]
    ]
    return " et ".join(parts) or period


def retention_fr(retention: Retention) -> str:
    """``10 ans à compter de : x``, ``jusqu'à : x`` or ``durée illimitée : raison``; the
    CNIL importer reads each back."""
    if retention.period is not None:
        text = duration_fr(retention.period)
        if retention.after:
            text += f" à compter de : {retention.after}"
    elif retention.until is not None:
        vague = vague_retention(retention.until)
        text = retention.until if vague else f"{UNTIL_FR} {retention.until}"
    else:
        text = INDEFINITE_FR + (f" : {retention.justification}" if retention.justification else "")
    if retention.source:
        text += f" ({retention.source})"
    return text


@dataclass
class Line:
    """One line of a fiche: its heading, content and the third column (retention, basis…)."""

    label: str
    content: Cell = ""
    extra: Cell = ""
    extra_label: str = ""  # heading of the third column in the flat CSV, if used
    section: bool = False


def _line_of(inv: Inventory, category: str) -> str:
    special = inv.special_of(category)
    if special is not None:
        return SENSITIVE_LINES[special]
    for ancestor in inv.category_ancestors.get(category, (category,)):
        for label, roots in CATEGORY_LINES:
            if ancestor in roots:
                return label
    return OTHER_LINE


def _retention_for(inv: Inventory, activity: Activity, categories: list[str]) -> list[str]:
    lines = []
    for retention in activity.retention:
        if any(inv.covers([retention.category], c) for c in categories) or (
            retention.category in categories
        ):
            name = derive.category_names(inv, [retention.category])[0]
            lines.append(f"{name} : {retention_fr(retention)}")
    return lines


def _contact(parts: list[str]) -> str:
    return derive.contact_line(parts)


def _security(entry: ActivityRecord) -> list[list[str]]:
    lines: list[list[str]] = [[] for _ in SECURITY_LINES]
    for system in entry.systems:
        security = system.security
        phrases: list[list[str]] = [[] for _ in SECURITY_LINES]
        if security is not None:
            phrases[0] += [AUTH_FR[a.value] for a in security.authentications]
            for name, index, yes, no in SECURITY_FR:
                value = getattr(security, name)
                if value is not None:
                    phrases[index].append(yes if value else no)
            phrases[6].extend(security.measures)
        for index, found in enumerate(phrases[:6]):
            if found:
                lines[index].append(f"{system.name} : {', '.join(found)}")
        if system.transient:
            lines[6].append(f"{system.name} : {TRANSIENT_FR}")
        # Measures in words are sentences of their own: one per line.
        lines[6].extend(f"{system.name} : {measure}" for measure in phrases[6])
        if security is None:
            lines[6].append(f"{system.name} : mesures non documentées")
    for flow in entry.flows:
        if flow.medium == FlowMedium.paper:
            lines[4].append(f"Flux {flow.name or flow.id} : sur papier, chiffrement sans objet")
        elif flow.encrypted_in_transit is not None:
            state = "chiffré" if flow.encrypted_in_transit else "non chiffré"
            lines[4].append(f"Flux {flow.name or flow.id} : {state} en transit")
    for processor in entry.processors:  # the record sorts them by name
        text = derive.covers_text(processor.covers)
        text = "aucun contrat" if text == NO_CONTRACT else f"contrat {text}"
        lines[5].append(f"{processor.name} : {text}")
    return lines


def fiche(
    record: Record, activity: Activity, org: str, *, schema_errors: bool = False
) -> list[Line]:
    """The fiche's lines; ``schema_errors`` adds a last one naming the schema errors of
    the entries it draws on (written with what validated)."""
    inv, entry = record.inventory, record.activities[activity.id]
    organisation = inv.organisations[org]
    dpo, rep = organisation.dpo, organisation.representative
    joint = sorted(entry.controllers - {org})
    result = [
        Line("Description du traitement", section=True),
        Line("Nom / sigle", activity.name),
        Line("N° / Référence", activity.reference or activity.id),
        Line("Date de création", date_fr(activity.created)),
        Line(
            "Mise à jour",
            # its own review date, else the whole register's (ropa.yaml `review:`)
            date_fr(record.review_terms(activity).last),
        ),
        Line("Acteurs", section=True),
        Line("Responsable du traitement", _contact(derive.organisation_parts(organisation))),
        Line(
            "Délégué à la protection des données",
            _contact(derive.contact_parts(dpo.name or "", dpo)) if dpo else "",
        ),
        Line(
            "Représentant",
            _contact(derive.contact_parts(rep.name or "", rep)) if rep else "",
        ),
        Line(
            "Responsable(s) conjoint(s)",
            [
                _contact(derive.organisation_parts(inv.organisations[j]))
                if j in inv.organisations
                else j
                for j in joint
            ],
        ),
        Line("Finalité(s) du traitement effectué", section=True),
        Line(
            "Finalité(s)",
            [p.purpose for p in activity.purposes],
            [
                f"{BASIS_FR[p.legal_basis]} ({p.legal_basis.article})"
                + (LAW_JOIN_FR + p.law if p.law else "")
                if p.legal_basis
                else "base légale non documentée"
                for p in activity.purposes
            ],
            "base légale",
        ),
        Line("Catégories de personnes concernées", section=True),
        Line("Personnes concernées", derive.subject_names(inv, activity.data_subjects)),
        Line("Catégories de données personnelles concernées", section=True),
    ]
    by_line: dict[str, list[str]] = {}
    for category in activity.data_categories:
        by_line.setdefault(_line_of(inv, category), []).append(category)

    def category_line(label: str) -> Line:
        found = by_line.get(label, [])
        return Line(
            label,
            derive.category_names(inv, found),
            _retention_for(inv, activity, found),
            "durée de conservation",
        )

    result += [category_line(label) for label, _ in CATEGORY_LINES]
    result.append(category_line(OTHER_LINE))
    sensitive = [s for s in SENSITIVE_LINES.values() if by_line.get(s)]
    result += [
        Line("Données sensibles", section=True),
        Line("Des données sensibles sont-elles traitées ?", "Oui" if sensitive else "Non"),
    ]
    result += [category_line(label) for label in SENSITIVE_LINES.values()]
    condition = activity.art9_condition
    result.append(
        Line(
            "Condition de l'article 9(2)",
            f"{ART9_FR[condition]} ({condition.article})" if condition else "",
        )
    )
    result.append(Line("Autorité ou loi autorisant (article 10)", activity.art10_authority or ""))
    result.append(Line(ART87_LINE, activity.national_id_law or ""))
    result.append(Line("Destinataires", section=True))
    grouped: dict[str, list[str]] = {}
    for recipient in entry.recipients:
        grouped.setdefault(ROLE_FR[recipient.role], []).append(recipient.name)
    for label in ("Sous-traitants", "Responsables conjoints", "Autres destinataires"):
        result.append(Line(label, grouped.get(label, [])))
    transfers = entry.transfers
    result += [
        Line("Transferts des données hors UE", section=True),
        Line(
            "Destinataires et pays",
            [f"{t.recipient} — {country_fr(t.country)} ({t.country})" for t in transfers],
            [_safeguard_fr(t) for t in transfers],
            "type de garanties",
        ),
        Line("Mesures de sécurité", section=True),
    ]
    for label, lines in zip(SECURITY_LINES, _security(entry), strict=True):
        result.append(Line(label, lines))
    if schema_errors:
        notes = derive.schema_error_lines(inv, derive.activity_entities(entry))
        result += [
            Line(derive.SCHEMA_ERRORS_FR, section=True),
            Line(derive.SCHEMA_ERRORS_FR, notes),
        ]
    return result


def _has_schema_errors(record: Record, activities: list[Activity]) -> bool:
    inv = record.inventory
    return any(
        derive.schema_error_lines(inv, derive.activity_entities(record.activities[a.id]))
        for a in activities
    )


def _safeguard_fr(transfer: Transfer) -> str:
    if not transfer.mechanisms:
        return "aucune garantie documentée"
    text = " et ".join(
        f"{MECHANISM_FR[m]} ({m.article})" for m in map(TransferMechanism, transfer.mechanisms)
    )
    text += f" : {transfer.reference}" if transfer.reference else ""
    return text + (f" ; {dpf_fr(transfer.certification)}" if transfer.certification else "")


def dpf_fr(dpf: Dpf) -> str:
    """The recipient's DPF certification, dated (the importer strips this clause)."""
    text = f"{DPF_FR}{dpf.since}"
    text += f", vérifiée le {dpf.verified}" if dpf.verified else ""
    return text + (f", retirée le {dpf.withdrawn}" if dpf.withdrawn else "")


def header_block(inv: Inventory, org: str) -> list[list[Cell]]:
    organisation = inv.organisations[org]
    rows: list[list[Cell]] = [["Registre des activités de traitement", organisation.name]]
    rows.append(list(HEADER_COLUMNS))
    rows += derive.party_rows(
        organisation,
        "Responsable du traitement",
        "Délégué à la protection des données",
        "Représentant",
    )
    return rows


def activities_of(record: Record, org: str) -> list[Activity]:
    chosen = [entry.activity for entry in record.activities_of(org)]
    return sorted(chosen, key=lambda a: (a.reference or a.id, a.name, a.id))


def fiche_title(activity: Activity) -> str:
    return f"{activity.reference or activity.id} {activity.name}"


def workbook_sheets(record: Record, org: str) -> list[Sheet]:
    inv = record.inventory
    activities = activities_of(record, org)
    rows: list[list[Cell]] = [
        [
            a.reference or a.id,
            a.name,
            date_fr(a.created),
            date_fr(record.review_terms(a).last),
            a.purposes[0].purpose if a.purposes else "",
            [
                inv.organisations[j].name if j in inv.organisations else j
                for j in sorted(record.activities[a.id].controllers - {org})
            ],
        ]
        for a in activities
    ]
    columns = list(LIST_COLUMNS)
    notes = [
        derive.schema_error_lines(inv, derive.activity_entities(record.activities[a.id]))
        for a in activities
    ]
    invalid = derive.with_schema_errors(rows, notes)
    if invalid:
        columns.append(derive.SCHEMA_ERRORS_FR)
    listing = Sheet(
        title="Registre",
        columns=columns,
        rows=rows,
        preamble=header_block(inv, org),
        widths=[16, 40, 16, 16, 50, 40],
    )
    sheets = [listing]
    for activity in activities:
        rows = []
        sections: set[int] = set()
        for line in fiche(record, activity, org, schema_errors=invalid):
            if line.section:
                sections.add(len(rows))
            rows.append(
                [line.label.upper() if line.section else line.label, line.content, line.extra]
            )
        sheets.append(
            Sheet(
                title=fiche_title(activity),
                columns=list(FICHE_COLUMNS),
                rows=rows,
                widths=[44, 60, 50],
                emphasis=sections,
            )
        )
    return sheets


def flat_sheet(record: Record, org: str) -> Sheet:
    """CSV: one row per activity, one column per fiche line (and its third column)."""
    inv = record.inventory
    activities = activities_of(record, org)
    invalid = _has_schema_errors(record, activities)
    template = _fiche_shape(record, activities, org, invalid)
    columns: list[str] = []
    for label, extra_label in template:
        columns.append(label)
        if extra_label:
            columns.append(f"{label} — {extra_label}")
    rows = []
    for activity in activities:
        lines = fiche(record, activity, org, schema_errors=invalid)
        values = {line.label: line for line in lines if not line.section}
        row: list[Cell] = []
        for label, extra_label in template:
            line = values.get(label)
            row.append(line.content if line else "")
            if extra_label:
                row.append(line.extra if line else "")
        rows.append(row)
    return Sheet(
        title="Registre",
        columns=columns,
        rows=rows,
        preamble=header_block(inv, org),
    )


def _fiche_shape(
    record: Record, activities: list[Activity], org: str, invalid: bool
) -> list[tuple[str, str]]:
    """The fiche's lines in order (every fiche has the same lines)."""
    if not activities:
        return []
    lines = fiche(record, activities[0], org, schema_errors=invalid)
    return [(ln.label, ln.extra_label) for ln in lines if not ln.section]
