"""A register row written as people write it, read with the ICO reader's strict forms first
and free text where they fail: "7 years" for every category of the row, "HMRC; bank" as two
recipients, "RBAC, masking" for the row's systems, "Supabase Inc. VS: SCC" as a transfer.

Every reading that is not in ropa's own wording is listed in the import report for the
user to check ("'Name' read as category identity").
"""

from __future__ import annotations

import re
from typing import Any

from registry.core.vocabulary import TransferMechanism
from registry.importers.draft import Draft, Interpretation, match_key, organisation_key
from registry.importers.spreadsheet import Cell, IcoRow, parse_basis, parse_retention, written
from registry.importers.text import fold, read_country, read_retention, says_nothing, to_complete

# Keys whose cells are lists: split on newlines, ";" and "," in free-form registers.
LIST_KEYS = (
    "data_subjects",
    "data_categories",
    "recipients",
    "location",
    "subjects_and_categories",
)
_LEGAL_FORM = re.compile(
    r"^(?:inc|ltd|llc|llp|plc|sa|sas|sarl|gmbh|ag|bv|nv|srl|spa|co|corp)\.?$", re.IGNORECASE
)
# Words for categories of personal data → ropa's taxonomy (whole words, folded).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "bank-details": ("iban", "bank account", "bank details", "rib", "bankrekening", "bic"),
    "payroll": (
        "payroll",
        "salary",
        "salaries",
        "paie",
        "salaire",
        "remuneration",
        "loon",
        "gehalt",
    ),
    "credentials": (
        "password",
        "passwords",
        "password hash",
        "credentials",
        "mot de passe",
        "wachtwoord",
        "wachtwoord-hash",
        "passwort",
        "mfa",
        "mfa-secret",
        "2fa",
        "api key",
        "tokens",
        "toegangstokens",
    ),
    "national-id": (
        "nir",
        "social security number",
        "national insurance number",
        "ni number",
        "ssn",
        "passport",
        "passport number",
        "id card",
        "bsn",
        "numero de securite sociale",
    ),
    "health": (
        "health",
        "medical",
        "sante",
        "medisch",
        "gezondheid",
        "gezondheidsgegevens",
        "gesundheit",
        "gesundheitsdaten",
        "weight",
        "gewicht",
        "heart rate",
        "hartslag",
        "sick leave",
    ),
    "biometric": ("fingerprint", "fingerprints", "face recognition", "biometric", "biometrie"),
    "criminal": ("criminal record", "convictions", "casier judiciaire"),
    "location": ("location", "gps", "geolocation", "localisation", "locatie", "standort"),
    "online-identifiers": (
        "ip",
        "ip address",
        "ip addresses",
        "adresse ip",
        "ip-adres",
        "ip-adresse",
        "ip-hash",
        "cookie",
        "cookies",
        "device id",
        "device",
        "logs",
        "log",
        "logevents",
        "user agent",
        "browser",
        "session",
        "sessions",
        "utm",
        "connection data",
        "donnees de connexion",
        "logs de connexion",
    ),
    "financial": (
        "invoice",
        "invoices",
        "invoice data",
        "billing",
        "payment",
        "payments",
        "payment ref",
        "transaction",
        "transactions",
        "purchase",
        "purchases",
        "order",
        "orders",
        "facture",
        "factures",
        "facturation",
        "paiement",
        "factuurgegevens",
        "betaalmiddel",
        "financial",
        "income",
        "credit card",
        "card",
    ),
    "employment": (
        "job title",
        "job",
        "employer",
        "cv",
        "cvs",
        "resume",
        "career",
        "employment",
        "poste",
        "emploi",
        "functie",
        "beruf",
        "company",
        "organisation",
        "organization",
        "bedrijf",
    ),
    "contact": (
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "business email",
        "zakelijk e-mailadres",
        "e-mailadres",
        "adresse e-mail",
        "courriel",
        "phone",
        "telephone",
        "mobile",
        "phone number",
        "tel",
        "telefon",
        "telefoon",
        "numero de telephone",
        "address",
        "postal address",
        "adresse",
        "adres",
        "anschrift",
        "contact",
        "contact details",
        "contact info",
        "contact information",
        "coordonnees",
        "contactgegevens",
        "kontaktdaten",
        "postcode",
    ),
    "identity": (
        "name",
        "names",
        "first name",
        "last name",
        "surname",
        "full name",
        "nom",
        "prenom",
        "naam",
        "namen",
        "voornaam",
        "achternaam",
        "vorname",
        "nachname",
        "date of birth",
        "dob",
        "birth date",
        "date de naissance",
        "geboortedatum",
        "geburtsdatum",
        "age",
        "leeftijd",
        "gender",
        "sex",
        "sexe",
        "geslacht",
        "geschlecht",
        "photo",
        "picture",
        "foto",
        "civil status",
        "etat civil",
        "identity",
        "identite",
        "identiteit",
        "signature",
    ),
}
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer",
        "customers",
        "client",
        "clients",
        "klant",
        "klanten",
        "kunde",
        "kunden",
    ),
    "prospects": ("prospect", "prospects", "lead", "leads"),
    "employees": (
        "employee",
        "employees",
        "staff",
        "personnel",
        "salarie",
        "salaries",
        "medewerker",
        "medewerkers",
        "werknemer",
        "werknemers",
        "mitarbeiter",
        "collaborateurs",
    ),
    "job-applicants": (
        "applicant",
        "applicants",
        "job applicants",
        "candidate",
        "candidates",
        "candidat",
        "candidats",
        "sollicitant",
        "sollicitanten",
        "bewerber",
    ),
    "patients": ("patient", "patients"),
    "suppliers": (
        "supplier",
        "suppliers",
        "fournisseur",
        "fournisseurs",
        "leverancier",
        "leveranciers",
        "lieferanten",
    ),
    "website-visitors": (
        "visitor",
        "visitors",
        "website visitors",
        "visiteurs",
        "bezoekers",
        "besucher",
    ),
    "children": ("children", "child", "minors", "kids", "enfants", "mineurs", "kinderen", "kinder"),
}
# Yes/No questions: "No" is their answer, not an empty cell.
_YES_NO = ("dpia_required", "breach", "retention_policy_followed")
_PLACES = ("EU", "EEA", "EER", "UE", "EWR", "EU/EEA", "EEE")
_INTERNAL = ("internal", "internal only", "in-house", "intern", "interne", "internes", "eigen")
# Transfer mechanisms in the words registers use.
_MECHANISM_WORDS = {
    TransferMechanism.sccs: ("scc", "sccs", "scc's", "standard contractual clauses", "cct", "ccts"),
    TransferMechanism.dpf: ("dpf", "data privacy framework", "eu-us dpf"),
    TransferMechanism.bcr: ("bcr", "bcrs", "binding corporate rules"),
    TransferMechanism.adequacy: ("adequacy", "adequacy decision", "adequation", "adequaatheid"),
}


def _word_index(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    pairs = [(fold(word), key) for key, words in table.items() for word in words]
    return sorted(pairs, key=lambda p: -len(p[0]))  # longest phrase first


_CATEGORY_INDEX = _word_index(CATEGORY_WORDS)
_SUBJECT_INDEX = _word_index(SUBJECT_WORDS)


def _find(text: str, index: list[tuple[str, str]]) -> str | None:
    folded = fold(text)
    for word, key in index:
        if re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", folded):
            return key
    return None


def guess_category(text: str) -> str | None:
    return _find(text, _CATEGORY_INDEX)


def guess_subject(text: str) -> str | None:
    """A subject only when the item is the subject's word itself (an item like "customer
    invoices" is data, not people)."""
    folded = fold(text).strip(" .")
    for word, key in _SUBJECT_INDEX:
        if folded == word:
            return key
    return None


def split_items(text: str) -> list[str]:
    """A list cell → its items: one per line, ``;`` or ``,`` (not inside parentheses, not
    before a legal form as in "Acme, Inc."), bullets and "and" left out."""
    items: list[str] = []
    for line in re.split(r"\n|<br\s*/?>", text):
        line = re.sub(r"^\s*(?:[-*•+]|\d+[.)])\s+", "", line).strip()
        depth, start, parts = 0, 0, []
        for index, char in enumerate(line):
            depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(char, 0)
            if char in ",;" and depth == 0:
                parts.append(line[start:index])
                start = index + 1
        parts.append(line[start:])
        merged: list[str] = []
        for part in (p.strip() for p in parts):
            if merged and _LEGAL_FORM.match(part):
                merged[-1] += ", " + part
            elif part:
                merged.append(part)
        for part in merged:
            part = re.sub(r"^(?:and|et|en|und)\s+", "", part).strip()
            if not _LEGAL_FORM.match(part.rsplit(" ", 1)[-1]):
                part = part.rstrip(".")  # a sentence's full stop, not "Inc."
            items.append(part.strip())
    return [i for i in items if i]


class FreeRow(IcoRow):
    """A row (or a Markdown fiche) of a register in its author's own words."""

    def __init__(self, draft: Draft, controller: str | None, *, free: bool) -> None:
        super().__init__(draft, controller)
        self.free = free  # split list cells and read words: the headings were not ICO's

    def read(self, cells: dict[str, Cell], row_number: int) -> str:
        cells = {k: self._prepare(k, c) for k, c in cells.items()}
        combined = cells.pop("subjects_and_categories", None)
        if combined is not None and combined.text:
            self._combined(combined, cells)
        if "retention" in cells:
            cells["retention"] = self._free_retention(cells["retention"], cells)
        if "security" in cells:
            cells["security"] = self._free_security(cells["security"], cells)
        self._basis_words(cells)
        ident = super().read(cells, row_number)
        if combined is not None and combined.text:
            self.draft.mapped(combined.where, f"Activity {ident}.data_categories")
        return ident

    # -- cells rewritten into the strict forms, each reading noted -------------------------
    def _note(self, where: str, value: str, meaning: str) -> None:
        self.draft.interpretations.append(Interpretation(where, value, meaning))

    def _prepare(self, key: str, cell: Cell) -> Cell:
        text = cell.text
        if not text:
            return cell
        # Under the ICO template's own headings a cell is ropa's wording: "None" may be a
        # name there; only a transfer column says "none" in words.
        words = self.free or key in ("transfer_countries", "transfer_safeguards")
        if self.free and to_complete(text):
            self.draft.report(cell.where, text, "to be completed in the source: left for you")
            return Cell(None, cell.where)
        if words and key not in _YES_NO and says_nothing(text):
            reason = (
                "says none: nothing to record"
                if key != "transfer_countries"
                else ("no transfer: nothing to record")
            )
            self.draft.report(cell.where, text, reason, quiet=True)
            return Cell(None, cell.where)
        if key not in LIST_KEYS or not self.free:
            return cell
        raw = split_items(text)
        readings: list[str] = []
        items = raw
        if key in ("data_categories", "data_subjects"):
            items = [self._named(key, item, readings) for item in raw]
        items = [i for i in dict.fromkeys(items) if i]
        if len(raw) > len(cell.lines) or any(" → " in r for r in readings):
            said = f"{len(raw)} items" if len(raw) > 1 else "1 item"
            self._note(cell.where, text, f"{said}: " + "; ".join(readings or raw))
        return Cell("\n".join(items), cell.where)

    def _named(self, key: str, item: str, readings: list[str]) -> str:
        """A free word for a category or subject → the taxonomy entry's name (the reading
        noted in ``readings``)."""
        guess = guess_category(item) if key == "data_categories" else guess_subject(item)
        if guess is None:
            readings.append(item)
            return item
        kind = "DataCategory" if key == "data_categories" else "DataSubject"
        entry = self.draft.get(kind, guess) or {}
        builtin = self.draft.builtin.by_kind[kind].get(guess)
        name = entry.get("name") or (builtin.name if builtin is not None else guess)
        readings.append(item if match_key(name) == match_key(item) else f"{item} → {guess}")
        return name

    def _combined(self, cell: Cell, cells: dict[str, Cell]) -> None:
        """One column for subjects and data ("Customers; invoice data")."""
        subjects: list[str] = []
        categories: list[str] = []
        said: list[str] = []
        for item in split_items(cell.text):
            if guess_subject(item) is not None:
                subjects.append(self._named("data_subjects", item, said))
            else:
                categories.append(self._named("data_categories", item, said))
        subjects, categories = list(dict.fromkeys(subjects)), list(dict.fromkeys(categories))
        self._note(
            cell.where,
            cell.text,
            f"subjects {', '.join(subjects) or '-'}; data {', '.join(categories) or '-'} "
            f"({'; '.join(said)})",
        )
        for key, found in (("data_subjects", subjects), ("data_categories", categories)):
            if found:
                before = cells.get(key)
                lines = (before.lines if before is not None else []) + found
                cells[key] = Cell("\n".join(dict.fromkeys(lines)), cell.where)

    def _free_retention(self, cell: Cell, cells: dict[str, Cell]) -> Cell:
        """One retention for the whole row: given to each of the row's categories."""
        lines = cell.lines
        if not lines or any(
            sep and parse_retention(rest.strip()) is not None
            for _, sep, rest in (line.partition(": ") for line in lines)
        ):
            return cell  # ropa's "category: period" form
        found = read_retention(" ".join(lines))
        categories = cells.get("data_categories")
        names = categories.lines if categories is not None else []
        if found is None:
            self.draft.report(
                cell.where, cell.text, "not a retention ropa can read (a period, until <event>…)"
            )
            return Cell(None, cell.where)
        if not names:
            self.draft.report(
                cell.where, cell.text, "a retention, but the row names no data category for it"
            )
            return Cell(None, cell.where)
        retention, meaning = found
        self._note(
            cell.where, cell.text, f"{meaning or f'retention {retention}'} for each category"
        )
        return Cell("\n".join(f"{name}: {retention}" for name in names), cell.where)

    def _free_security(self, cell: Cell, cells: dict[str, Cell]) -> Cell:
        """Measures with no system named: those of the row's systems (Location column)."""
        lines = cell.lines
        if not lines or all(": " in line for line in lines):
            return cell
        location = cells.get("location")
        systems = [re.sub(r"\s*\(.*\)$", "", s) for s in (location.lines if location else [])]
        if not systems:
            self.draft.report(
                cell.where,
                cell.text,
                "security measures with no system named: give the system (a Location or "
                "System column) to record them",
            )
            return Cell(None, cell.where)
        measures = "; ".join(split_items(" ".join(lines)))
        self._note(cell.where, cell.text, f"measures of {', '.join(systems)}: {measures}")
        return Cell("\n".join(f"{s}: {measures}" for s in systems), cell.where)

    def _basis_words(self, cells: dict[str, Cell]) -> None:
        """A basis cell naming several bases ("Contract + legal obligation"): the first."""
        cell = cells.get("legal_basis")
        purposes = cells.get("purposes")
        if cell is None or not cell.text or len(cell.lines) != 1:
            return
        found = []
        for part in re.split(r"\s*(?:\+|/|;|,| and | et | en | und )\s*", cell.text):
            basis = parse_basis(part)
            if basis is not None and basis not in found:
                found.append(basis)
        count = len(purposes.lines) if purposes is not None else 0
        if len(found) > 1 and count == 1:
            first = found[0]
            self._note(
                cell.where,
                cell.text,
                f"basis {first.value} (also names {', '.join(b.value for b in found[1:])}: give "
                "each its own purpose)",
            )
            cells["legal_basis"] = Cell(first.value.replace("_", " "), cell.where)

    # -- recipients, locations and transfers in words ------------------------------------------
    def _systems(self, location: Cell, security: Cell) -> list[str]:
        if not self.free or not location.text:
            return super()._systems(location, security)
        kept, places = [], {}
        for line in location.lines:
            code = read_country(line) if line.upper() not in _PLACES else None
            if code is not None or line.upper() in _PLACES:
                self.draft.report(
                    location.where,
                    line,
                    "a place, not a system: name the system and give it this country",
                )
                continue
            match = re.fullmatch(r"(?P<name>.+?)\s*\((?P<place>[^()]+)\)", line)
            if match and not re.fullmatch(r"[A-Z]{2}(?:, [A-Z]{2})*", match["place"]):
                kept.append(match["name"])
                places[match["name"]] = (match["place"], line)
            else:
                kept.append(line)
        systems = super()._systems(Cell("\n".join(kept), location.where), security)
        for name, ident in zip(kept, systems, strict=False):
            if name not in places:
                continue
            place, line = places[name]
            entry = self.draft.entities[("System", ident)]
            code = read_country(place)
            if code is not None:
                entry.setdefault("country", code)
                self._note(location.where, line, f"system {ident} hosted in {code}")
            else:
                if place not in entry.setdefault("regions", []):
                    entry["regions"].append(place)
                self._note(location.where, line, f"system {ident} in region {place}")
        return systems

    def _recipients(
        self, activity: str, cell: Cell, systems: list[str], data: dict
    ) -> dict[str, str]:
        if not self.free or not cell.text:
            return super()._recipients(activity, cell, systems, data)
        kept, written_as = [], {}
        for line in cell.lines:
            if fold(line).strip(" .") in _INTERNAL:
                self.draft.report(
                    cell.where, line, "internal recipients: not a flow to record", quiet=True
                )
                continue
            match = re.fullmatch(r"(?P<name>.+?)\s*\((?P<note>[^()]+)\)", line)
            if match and match["note"].lower() not in (
                "processor",
                "controller",
                "joint controller",
                "recipient",
            ):
                kept.append(match["name"])
                written_as[match["name"]] = line
            else:
                kept.append(line)
        flows = super()._recipients(activity, Cell("\n".join(kept), cell.where), systems, data)
        for org, flow in flows.items():
            name = self.draft.entities[("Organisation", org)]["name"]
            original = written_as.get(name)
            if original is not None:
                self.draft.entities[("Flow", flow)]["description"] = f"As written: {original}"
        return flows

    def _transfers(self, countries: Cell, safeguards: Cell, flows: dict[str, str]) -> None:
        strict = [
            line
            for line in countries.lines
            if ": " in line and read_country(line.partition(": ")[0]) is not None
        ]
        if strict == countries.lines or not countries.text:
            super()._transfers(countries, safeguards, flows)
            return
        super()._transfers(Cell(None, countries.where), safeguards, flows)
        for item in re.split(r"\n|;", countries.text):
            item = item.strip()
            if item and not self._transfer_item(item, countries.where, flows):
                self.draft.report(
                    countries.where,
                    item,
                    "no country or recipient recognised: give the recipient's flow its "
                    "`transfer` (mechanism and country)",
                )

    def _transfer_item(self, item: str, where: str, flows: dict[str, str]) -> bool:
        folded = fold(item)
        mechanisms: list[TransferMechanism] = []
        for mechanism, words in _MECHANISM_WORDS.items():
            for word in words:
                if re.search(rf"(?<![a-z]){re.escape(fold(word))}(?![a-z])", folded):
                    mechanisms.append(mechanism)
                    break
        country = None
        for token in re.findall(r"[A-Za-zÀ-ÿ'.-]+(?:\s[A-Za-zÀ-ÿ'.-]+)?", item):
            for candidate in (token, token.split()[0]):
                code = read_country(candidate.strip(".:")) if len(candidate) > 1 else None
                if code is not None:
                    country = code
                    break
            if country:
                break
        orgs = list(flows)
        named = [
            o
            for o in orgs
            if organisation_key(self.draft.entities[("Organisation", o)]["name"]).split()[:1]
            and fold(item).startswith(
                organisation_key(self.draft.entities[("Organisation", o)]["name"]).split()[0]
            )
        ]
        targets = named or (orgs if len(orgs) == 1 or (country and not mechanisms) else [])
        if not targets or (country is None and not mechanisms):
            return False
        for org in targets:
            organisation = self.draft.entities[("Organisation", org)]
            if country is not None:
                organisation.setdefault("country", country)
            if mechanisms:
                transfer: dict[str, Any] = {"mechanism": written(mechanisms)}
                if country is not None:
                    transfer["country"] = country
                self.draft.entities[("Flow", flows[org])]["transfer"] = transfer
        names = ", ".join(self.draft.entities[("Organisation", o)]["name"] for o in targets)
        said = [f"country {country}"] if country else []
        said += [f"mechanism {', '.join(m.value for m in mechanisms)}"] if mechanisms else []
        self._note(where, item, f"transfer to {names}: {'; '.join(said)}")
        return True
