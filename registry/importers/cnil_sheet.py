"""`ropa import spreadsheet --template cnil`: the CNIL registre (fiches, or one row per activity).

Reads either the fiche sheets (label in column A, content in B, retention or
legal basis in C) or a single table whose headings are the fiche's labels (the
CSV layout of ``ropa export --template cnil``). Categories found under a CNIL
line are created under the matching taxonomy entry (état civil → identity, santé
→ health…), so their special status survives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.importers.draft import Draft, ImportFailure, organisation_key
from registry.importers.grid import Grid, cell_text, expect_every_cell, parse_date, read_grids
from registry.importers.spreadsheet import (
    Cell,
    IcoRow,
    country_code,
    parse_art9,
    parse_basis,
    parse_contact,
    parse_mechanisms,
    parse_retention,
    written,
)
from registry.layouts import cnil

NAME = "Nom / sigle"
REFERENCE = "N° / Référence"
# Where categories found under each CNIL line go in the taxonomy.
LINE_PARENT = {
    cnil.CATEGORY_LINES[0][0]: "identity",
    cnil.CATEGORY_LINES[1][0]: "personal-life",
    cnil.CATEGORY_LINES[2][0]: "employment",
    cnil.CATEGORY_LINES[3][0]: "financial",
    cnil.CATEGORY_LINES[4][0]: "online-identifiers",
    cnil.CATEGORY_LINES[5][0]: "location",
    cnil.OTHER_LINE: None,
} | {label: special.value.replace("_", "-") for special, label in cnil.SENSITIVE_LINES.items()}
_DERIVED = {"Des données sensibles sont-elles traitées ?"}
_SECURITY_FR = {yes: (name, True) for name, _, yes, _ in cnil.SECURITY_FR} | {
    no: (name, False) for name, _, _, no in cnil.SECURITY_FR
}
_AUTH_FR = {v: k for k, v in cnil.AUTH_FR.items()}
Fiche = dict[str, tuple[Cell, Cell]]


def _flat_header(grid: Grid) -> int | None:
    """The row of headings of the flat layout (one row per activity), if ``grid`` has one."""
    return next(
        (
            r
            for r, row in enumerate(grid.rows[:200])
            if {NAME, REFERENCE} <= {cell_text(v) for v in row}
        ),
        None,
    )


def _fiches(grids: list[Grid]) -> list[Fiche]:
    fiches: list[Fiche] = []
    for grid in grids:
        header = _flat_header(grid)
        if header is not None:  # the flat layout: one row per activity
            grid.check_table(header)
            fiches += _flat(grid, header, [cell_text(v) for v in grid.rows[header]])
            continue
        labels = [grid.text(r, 0) for r in range(len(grid.rows))]
        if NAME in labels:  # a fiche sheet: label, content, third column
            grid.check_table(0)
            fiche: Fiche = {}
            for r, label in enumerate(labels):
                if label:
                    fiche[label] = (
                        Cell(grid.value(r, 1), grid.where(r, 1, label)),
                        Cell(grid.value(r, 2), grid.where(r, 2, label)),
                    )
            fiches.append(fiche)
    if not fiches:
        names = ", ".join(repr(g.sheet) for g in grids)
        raise ImportFailure(f"no CNIL fiche (a {NAME!r} line or heading) in sheets {names}")
    return fiches


def _flat(grid: Grid, header: int, headings: list[str]) -> list[Fiche]:
    fiches = []
    for r in range(header + 1, len(grid.rows)):
        if not any(grid.text(r, c) for c in range(len(headings))):
            continue
        fiche: Fiche = {}
        for c, heading in enumerate(headings):
            label, sep, _ = heading.partition(" — ")
            content, extra = fiche.get(label, (Cell(None, ""), Cell(None, "")))
            cell = Cell(grid.value(r, c), grid.where(r, c, heading))
            fiche[label] = (content, cell) if sep else (cell, extra)
        fiches.append(fiche)
    return fiches


def import_cnil(path: Path, draft: Draft) -> None:
    grids = read_grids(path)
    expect_every_cell(grids, draft)
    for fiche in _fiches(grids):
        CnilFiche(draft, None).read_fiche(fiche)
    for grid in grids:
        labels = [grid.text(r, 0) for r in range(len(grid.rows))]
        overview = any(
            {REFERENCE, "Nom du traitement"} <= {cell_text(v) for v in row} for row in grid.rows
        )
        flat = _flat_header(grid)
        for r, c, text in grid.filled():
            where = grid.where(r, c)
            if draft.ledger[draft.key(where)].outcomes:
                continue
            if flat is not None and r <= flat:
                reason = (
                    "a column heading: structure, not content"
                    if r == flat
                    else "the block above the table (each row names its controller)"
                )
                draft.report(where, text, reason, quiet=True)
            elif overview:
                reason = "the overview sheet repeats what the fiches say"
                draft.report(where, text, reason, quiet=True)
            elif NAME in labels and c == 0:
                draft.report(where, text, "a label of the fiche", quiet=True)
    draft.sweep("not read: outside the fiches")


class CnilFiche(IcoRow):
    def read_fiche(self, fiche: Fiche) -> None:
        draft = self.draft
        used: set[str] = set()

        def take(label: str) -> tuple[Cell, Cell]:
            used.add(label)
            return fiche.get(label, (Cell(None, ""), Cell(None, "")))

        name_cell = take(NAME)[0]
        where = name_cell.where
        activity: dict[str, Any] = {"name": name_cell.text or "Traitement sans nom"}
        reference = take(REFERENCE)[0].text
        if reference:
            activity["reference"] = reference
        created = take("Date de création")[0]
        if created.text:
            date = parse_date(created.value)
            if date is None:
                draft.report(created.where, created.text, "not a date (JJ/MM/AAAA)")
            else:
                activity["created"] = date.isoformat()
        updated = take("Mise à jour")[0]
        if updated.text:
            draft.report(
                updated.where,
                updated.text,
                "a review date needs who reviewed: add last_reviewed {date, by}",
            )
        controller_line = take("Responsable du traitement")[0].text
        if controller_line:
            fields: dict[str, Any] = {}
            for label, key in (
                ("Délégué à la protection des données", "dpo"),
                ("Représentant", "representative"),
            ):
                text = take(label)[0].text
                if text:
                    fields[key] = parse_contact(text)
            self.controller = self.organisation_from_contact(controller_line, where)
            org = draft.entities[("Organisation", self.controller)]
            for key, value in fields.items():
                org.setdefault(key, value)
            activity["controller"] = self.controller
        purposes_cell, bases_cell = take("Finalité(s)")
        purposes = [{"purpose": p} for p in purposes_cell.lines]
        self._aligned(purposes, bases_cell, "legal_basis", parse_basis)
        self._laws(purposes, bases_cell)
        activity["purposes"] = purposes
        activity["joint_controllers"] = [
            self.organisation_from_contact(line, where)
            for line in take("Responsable(s) conjoint(s)")[0].lines
        ]
        subjects = take("Personnes concernées")[0]
        activity["data_subjects"] = [draft.subject(s, subjects.where) for s in subjects.lines]
        activity["data_categories"] = []
        activity["retention"] = []
        for label, parent in LINE_PARENT.items():
            content, extra = take(label)
            for name in content.lines:
                activity["data_categories"].append(draft.category(name, content.where, parent))
            for line in extra.lines:
                name, sep, text = line.partition(" : ")
                retention = parse_retention(text) if sep else None
                if retention is None:
                    draft.report(extra.where, line, "expected 'catégorie : durée' (e.g. '5 ans')")
                    continue
                category = draft.category(name, extra.where, parent)
                activity["retention"].append(
                    {"category": category} | retention.model_dump(exclude_none=True)
                )
        condition = take("Condition de l'article 9(2)")[0]
        if condition.text:
            parsed = parse_art9(condition.text)
            if parsed is None:
                draft.report(condition.where, condition.text, "no Art. 9(2) condition recognised")
            else:
                activity["art9_condition"] = parsed.value
        authority = take("Autorité ou loi autorisant (article 10)")[0].text
        if authority:
            activity["art10_authority"] = authority
        national_id_law = take(cnil.ART87_LINE)[0].text
        if national_id_law:
            activity["national_id_law"] = national_id_law
        systems, contracts, transit = self._security(fiche, used)
        activity["systems"] = systems
        ident = draft.add("Activity", activity, where)
        recipients = []
        for label, role in (
            ("Sous-traitants", "processor"),
            ("Responsables conjoints", "joint controller"),
            ("Autres destinataires", "recipient"),
        ):
            cell = take(label)[0]
            recipients += [f"{n} ({role})" for n in cell.lines]
        flows = self._recipients(ident, Cell("\n".join(recipients), where), systems, activity)
        for name, text, cell_where in contracts:
            processor = draft.organisation(name, cell_where)
            if text == "aucun contrat":
                continue
            contract = self._contract(processor, text.removeprefix("contrat "), cell_where)
            if processor in flows:
                draft.entities[("Flow", flows[processor])]["contract"] = contract
        for line, cell_where in transit:
            draft.report(
                cell_where,
                line,
                "flows are not named in the spreadsheet: "
                "set encrypted_in_transit (or medium: paper) on the flow",
            )
        self._transfers_fr(*take("Destinataires et pays"), flows)
        for label in used:
            for cell in fiche.get(label, ()):
                if cell.text:
                    reported = draft.reported_values(cell.where)
                    if cell.text not in reported and not set(cell.lines) <= set(reported):
                        draft.mapped(cell.where, f"Activity {ident}")
        for label in sorted(set(fiche) - used):
            content, extra = fiche[label]
            if label.isupper() or label in ("Rubrique",) or label in _DERIVED:
                for cell in (content, extra):  # section headings; an answer derived here
                    if cell.text:
                        draft.report(
                            cell.where, cell.text, "a heading or a derived answer", quiet=True
                        )
                continue
            for cell in (content, extra):
                if cell.text:
                    draft.report(cell.where, cell.text, "not a line of the CNIL fiche")

    def _security(self, fiche: Fiche, used: set[str]):
        systems: list[str] = []
        contracts: list[tuple[str, str, str]] = []
        transit: list[tuple[str, str]] = []
        measures: dict[str, dict[str, Any]] = {}
        for index, label in enumerate(cnil.SECURITY_LINES):
            used.add(label)
            cell = fiche.get(label, (Cell(None, ""), Cell(None, "")))[0]
            for line in cell.lines:
                name, sep, text = line.partition(" : ")
                if not sep:
                    self.draft.report(cell.where, line, "expected 'système : mesure, mesure'")
                    continue
                if index == 5:
                    contracts.append((name, text, cell.where))
                    continue
                if index == 4 and name.startswith("Flux "):
                    transit.append((line, cell.where))
                    continue
                ident = self._system(name, cell.where)
                if ident not in systems:
                    systems.append(ident)
                found = measures.setdefault(ident, {})
                if text == "mesures non documentées":
                    continue
                if index == 6 and text == cnil.TRANSIENT_FR:  # it keeps nothing
                    self.draft.entities[("System", ident)]["stores"] = []
                    continue
                if index == 6:  # one measure in words per line
                    found.setdefault("measures", []).append(text)
                    continue
                for phrase in (p.strip() for p in text.split(", ")):
                    if phrase in _SECURITY_FR:
                        key, value = _SECURITY_FR[phrase]
                        found[key] = value
                    elif phrase in _AUTH_FR:
                        # Several modes are written one after another: keep them all.
                        modes = found.get("authentication", [])
                        modes = [modes] if isinstance(modes, str) else modes
                        if _AUTH_FR[phrase] not in modes:
                            modes = [*modes, _AUTH_FR[phrase]]
                        found["authentication"] = modes[0] if len(modes) == 1 else modes
                    else:
                        self.draft.report(
                            cell.where, phrase, f"not a recognised measure of {label!r}"
                        )
        for ident, found in measures.items():
            if found:
                self.draft.entities[("System", ident)].setdefault("security", found)
        return systems, contracts, transit

    def _transfers_fr(self, countries: Cell, safeguards: Cell, flows: dict[str, str]) -> None:
        by_key = {
            organisation_key(self.draft.entities[("Organisation", o)]["name"]): o for o in flows
        }
        guarantees = safeguards.lines
        for index, line in enumerate(countries.lines):
            recipient, sep, country = line.rpartition(" — ")
            code = country_code(country) if sep else None
            org = by_key.get(organisation_key(recipient))
            if code is None or org is None:
                self.draft.report(
                    countries.where, line, "expected 'destinataire — pays (CC)' naming a recipient"
                )
                continue
            self.draft.entities[("Organisation", org)].setdefault("country", code)
            guarantee = guarantees[index] if index < len(guarantees) else ""
            parsed = parse_mechanisms(guarantee)
            if parsed is None:
                if guarantee and guarantee != "aucune garantie documentée":
                    self.draft.report(
                        safeguards.where, guarantee, "no transfer mechanism recognised"
                    )
                continue
            mechanisms, reference = parsed
            self.draft.entities[("Flow", flows[org])]["transfer"] = {
                "mechanism": written(mechanisms)
            } | ({"reference": reference} if reference else {})
