"""`ropa import spreadsheet`: a filled-in ICO (or CNIL) register into a YAML inventory.

It reads the phrasings ropa's own export writes (so export → import → export is
exact) and the looser ones people type ("Consent", "6(1)(f)", "USA", "10 years").
What the spreadsheet never says (contracts' clauses, flows' categories, security
of systems it does not name…) is left out, for `ropa check` to list as the to-do
list; every cell it cannot place is reported with its sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from registry.core import wording
from registry.core.model import Activity, Retention, retention_fields
from registry.core.vocabulary import Art9Condition, LegalBasis, TransferMechanism, is_iso_country
from registry.importers.draft import Draft, match_key, organisation_key
from registry.importers.grid import cell_text, lines, parse_date
from registry.layouts import cnil, ico

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{5,}$")
_COUNTRY_IN_PARENS = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Z]{2})\)$")
# A system's location: "Name (FR)", or hosted in several, "Name (DE, US)".
_COUNTRIES_IN_PARENS = re.compile(r"^(?P<name>.*?)\s*\((?P<codes>[A-Z]{2}(?:, [A-Z]{2})*)\)$")
# The recipient's DPF certification that an export appends to a safeguard (not a mechanism).
_DPF_CLAUSE = re.compile(
    "(?:; " + re.escape(wording.DPF_CERTIFIED) + "| ; " + re.escape(cnil.DPF_FR) + r").*$"
)
_ROLE = re.compile(
    r"^(?P<name>.*?)\s*\((?P<role>processor|controller|joint controller|recipient)\)$"
)
_ROLES = {
    "processor": "processor",
    "controller": "controller",
    "joint controller": "joint_controller",
    "recipient": None,
}


# --- phrase parsers (ropa's own wording first, then what people type) --------------


_CONTRACT_NOTES = re.compile(
    re.escape(wording.ACCEPTED_ONLINE) + r"(?P<accepted>\d{4}-\d{2}-\d{2})\)"
    "|" + re.escape(wording.GENERAL_AUTHORISATION) + r"(?P<list>\S+)\)"
)


def parse_contract_phrase(text: str) -> tuple[str, dict[str, Any]]:
    """``DPA (accepted online on 2025-01-10) (general authorisation of sub-processors:
    URL)`` → (``DPA``, the fields those notes state)."""
    stated: dict[str, Any] = {}
    for match in _CONTRACT_NOTES.finditer(text):
        if match["accepted"]:
            stated["accepted"] = match["accepted"]
        elif match["list"]:
            stated["general_authorisation"] = {"list": match["list"]}
    return _CONTRACT_NOTES.sub("", text).strip(), stated


_LAW_JOINS = (wording.LAW_JOIN, cnil.LAW_JOIN_FR)
_ONLY_AN_ARTICLE = re.compile(
    r"(?:art(?:icle)?\.?\s*)?6\s*\(\s*1\s*\)\s*\(\s*[a-f]\s*\)(?:\s+(?:uk\s+)?gdpr)?", re.I
)


def split_law(text: str) -> tuple[str, str | None]:
    """``Art. 6(1)(c) legal obligation under Code du travail`` → (the basis, the Art. 6(3) law).

    The first separator cuts (the law may contain one); "public task under Art. 6(1)(e)"
    names no law."""
    cuts = [(index, join) for join in _LAW_JOINS if (index := text.find(join)) > 0]
    if not cuts:
        return text, None
    index, join = min(cuts)
    law = text[index + len(join) :].strip()
    if not law or _ONLY_AN_ARTICLE.fullmatch(law):
        return text[:index], None
    return text[:index], law


def parse_basis(text: str) -> LegalBasis | None:
    text = split_law(text)[0]
    match = re.search(
        r"6\s*\(\s*1\s*\)\s*\(\s*([a-f])\s*\)|6\.1\.([a-f])\b"
        r"|6\s*abs\.?\s*1\s*(?:s\.\s*1\s*)?(?:lit\.?|buchst\.?)\s*([a-f])\b",  # German
        text,
        re.I,
    )
    if match:
        letter = match[1] or match[2] or match[3]
        return list(LegalBasis)["abcdef".index(letter.lower())]
    key = match_key(text)
    for basis, phrases in _BASIS_WORDS.items():
        if any(p in key for p in phrases):
            return basis
    return None


_BASIS_WORDS = {  # English and French, and the Dutch and German words registers use
    LegalBasis.legitimate_interests: (
        "legitimate interest",
        "interet legitime",
        "gerechtvaardigd belang",
        "berechtigtes interesse",
        "berechtigte interessen",
    ),
    LegalBasis.legal_obligation: (
        "legal obligation",
        "obligation legale",
        "wettelijke verplichting",
        "wettelijke plicht",
        "rechtliche verpflichtung",
    ),
    LegalBasis.vital_interests: (
        "vital interest",
        "interets vitaux",
        "vitaal belang",
        "lebenswichtige interessen",
    ),
    LegalBasis.public_task: (
        "public task",
        "public interest",
        "official authority",
        "interet public",
        "mission d interet public",
        "algemeen belang",
        "openbaar gezag",
        "offentliches interesse",
    ),
    LegalBasis.consent: ("consent", "consentement", "toestemming", "einwilligung"),
    LegalBasis.contract: ("contract", "contrat", "overeenkomst", "vertrag"),
}


def parse_art9(text: str) -> Art9Condition | None:
    match = re.search(r"9\s*\(\s*2\s*\)\s*\(\s*([a-j])\s*\)|9\.2\.([a-j])\b", text, re.I)
    if match:
        return list(Art9Condition)["abcdefghij".index((match[1] or match[2]).lower())]
    key = match_key(text)
    for condition, words in wording.ART9_WORDS.items():
        if match_key(words) in key or match_key(cnil.ART9_FR[condition]) in key:
            return condition
    return None


def _leading_mechanism(text: str) -> tuple[TransferMechanism, str] | None:
    """The mechanism ``text`` starts with, in the exports' words, and what follows it."""
    for mechanism in TransferMechanism:
        for words in (wording.MECHANISM_WORDS[mechanism], cnil.MECHANISM_FR[mechanism]):
            for prefix in (f"{words} ({mechanism.article})", words):
                if text.startswith(prefix):
                    return mechanism, text[len(prefix) :]
    return None


def _reference(rest: str) -> str | None:
    return re.sub(r"^:\s*", "", rest.strip()) or None


def parse_mechanism(text: str) -> tuple[TransferMechanism, str | None] | None:
    """``standard contractual clauses (Art. 46(2)(c)): reference`` → (sccs, reference)."""
    leading = _leading_mechanism(text)
    if leading is not None:
        return leading[0], _reference(leading[1])
    key = match_key(text)
    for mechanism, shorthand in _MECHANISM_SHORT.items():
        if key in shorthand:
            return mechanism, None
    return None


def parse_mechanisms(text: str) -> tuple[list[TransferMechanism], str | None] | None:
    """Several safeguards as the exports write them, ``A (Art. 45) and B (Art. 46(2)(c)):
    reference`` (``et`` in French), the recipient's DPF certification clause left out."""
    text = _DPF_CLAUSE.sub("", text)
    leading = _leading_mechanism(text)
    if leading is None:
        single = parse_mechanism(text)
        return ([single[0]], single[1]) if single else None
    found, rest = [leading[0]], leading[1]
    while (joiner := re.match(r" (?:and|et) ", rest)) and (
        following := _leading_mechanism(rest[joiner.end() :])
    ):
        found.append(following[0])
        rest = following[1]
    return found, _reference(rest)


def written(mechanisms: list[TransferMechanism]) -> str | list[str]:
    """As the YAML writes them: one value, or the list of several."""
    values = [m.value for m in mechanisms]
    return values[0] if len(values) == 1 else values


_MECHANISM_SHORT = {
    TransferMechanism.sccs: {"scc", "sccs", "standard contractual clauses", "idta", "uk idta"},
    TransferMechanism.bcr: {"bcr", "bcrs", "binding corporate rules"},
    TransferMechanism.adequacy: {"adequacy", "adequacy decision", "adequacy regulations"},
    TransferMechanism.dpf: {
        "dpf",
        "eu us dpf",
        "data privacy framework",
        "eu us data privacy framework",
    },
}

_UNITS = {
    "Y": ("year", "years", "an", "ans", "annee", "annees"),
    "M": ("month", "months", "mois"),
    "W": ("week", "weeks", "semaine", "semaines"),
    "D": ("day", "days", "jour", "jours"),
}


def _split_source(text: str) -> tuple[str, str | None]:
    """``P10Y after x (source (with parentheses))`` → (``P10Y after x``, the source)."""
    if not text.endswith(")"):
        return text, None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            if index > 0 and text[index - 1] == " ":
                return text[: index - 1], text[index + 1 : -1]
            return text, None
    return text, None


def parse_retention(text: str) -> Retention | None:
    """``P10Y after end of care (source)``, ``until account deletion``, ``indefinite: why``
    or a vague phrase (``provider default``, kept for RET-005 to warn about) as ropa writes
    them; ``10 years``; the CNIL's ``10 ans à compter de : x``, ``jusqu'à : x`` and
    ``durée illimitée : raison``. None for anything else (reported by the caller)."""
    rest, source = _split_source(text.strip())
    fields = _french_retention(rest)
    if fields is None:
        try:
            fields = retention_fields(rest)
        except ValueError:
            fields = _retention_in_words(rest)
    if fields is None:
        return None
    try:
        return Retention.model_validate(fields | ({"source": source} if source else {}))
    except ValueError:
        return None


def _french_retention(text: str) -> dict[str, Any] | None:
    until = re.fullmatch(r"jusqu['’](?:aux|au|à|a)\s*:?\s*(.+)", text, re.IGNORECASE)
    if until:
        return {"until": until[1].strip()}
    endless = re.fullmatch(
        r"(?:(?:durée|conservation) illimitée|sans limitation de durée|indéfiniment)"
        r"(?:\s*:\s*(.+))?",
        text,
        re.IGNORECASE,
    )
    if endless:
        return {"indefinite": True} | ({"justification": endless[1]} if endless[1] else {})
    return None


def _retention_in_words(text: str) -> dict[str, Any] | None:
    """``10 years after leaving``, ``10 ans et 6 mois à compter de : la fin``."""
    match = re.fullmatch(r"(?P<periods>.+?)(?: (?:after|à compter de :?) (?P<after>.+))?", text)
    if not match:
        return None
    period = ""
    for part in re.split(r"\s+(?:and|et)\s+", match["periods"]):
        amount = re.fullmatch(r"(\d+)\s+([^\d\s]+)", part.strip())
        if not amount:
            return None
        unit = next((u for u, names in _UNITS.items() if match_key(amount[2]) in names), None)
        if unit is None:
            return None
        period += f"{amount[1]}{unit}"
    return {"period": "P" + period} | ({"after": match["after"]} if match["after"] else {})


def parse_contact(line: str) -> dict[str, Any]:
    """``name; address; e-mail; phone`` (any part may be missing) → fields."""
    parts = [p.strip() for p in line.split(";") if p.strip()]
    result: dict[str, Any] = {"name": parts[0] if parts else line}
    address = []
    for part in parts[1:]:
        if _EMAIL.match(part) and "email" not in result:
            result["email"] = part
        elif _PHONE.match(part) and "phone" not in result:
            result["phone"] = part
        else:
            address.append(part)
    if address:
        result["address"] = "; ".join(address)
    return result


def country_code(text: str) -> str | None:
    """``United States (US)``, ``US``, ``USA`` or ``United States`` → ``US``."""
    match = _COUNTRY_IN_PARENS.match(text)
    if match and is_iso_country(match["code"]):
        return match["code"]
    import pycountry

    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        return {"uk": "GB", "usa": "US", "england": "GB"}.get(text.strip().casefold())


# --- shared by both layouts -------------------------------------------------------------


@dataclass
class Cell:
    """A value with where it came from."""

    value: Any
    where: str

    @property
    def text(self) -> str:
        return cell_text(self.value)

    @property
    def lines(self) -> list[str]:
        return lines(self.value)


class RowReader:
    """Builds one activity from one row's cells, keyed by the layout's short keys."""

    def __init__(self, draft: Draft, controller: str | None) -> None:
        self.draft = draft
        self.controller = controller

    def organisation_from_contact(self, line: str, where: str) -> str:
        fields = parse_contact(line)
        contact = {k: fields[k] for k in ("email", "phone") if k in fields}
        return self.draft.organisation(
            fields["name"], where, address=fields.get("address"), contact=contact or None
        )


def contact_block(parts: list[str]) -> dict[str, Any] | None:
    """[name, address, email, phone] from a header block → a Contact mapping."""
    name, address, email, phone = [*parts, "", "", "", ""][:4]
    result = {
        k: v
        for k, v in (("name", name), ("address", address), ("email", email), ("phone", phone))
        if v
    }
    return result or None


# ICO columns the inventory does not model: their content is reported, never dropped.
_ICO_NOT_MODELLED = {
    "consent_record": "consent records are not part of the inventory",
    "breach": "breaches are not part of the inventory",
    "breach_record": "breaches are not part of the inventory",
    "retention_policy": "the retention policy document is not part of the inventory",
    "retention_policy_followed": "not part of the inventory",
    "retention_policy_reasons": "not part of the inventory",
}


# Where each column's content lands in an activity (the ledger's target); the others
# become flows, contracts and transfers of the activity.
KEY_FIELD = {
    "name": "name",
    "reference": "reference",
    "business_function": "business_function",
    "owner": "business_function",
    "purposes": "purposes",
    "legal_basis": "purposes",
    "legitimate_interests": "purposes",
    "lia": "purposes",
    "joint_controllers": "joint_controllers",
    "data_subjects": "data_subjects",
    "data_categories": "data_categories",
    "subjects_and_categories": "data_categories",
    "retention": "retention",
    "location": "systems",
    "security": "systems",
    "art9_condition": "art9_condition",
    "automated_decisions": "automated_decisions",
    "source": "source",
    "dpia_required": "dpia",
    "dpia_progress": "dpia",
    "dpia_link": "dpia",
}


class IcoRow(RowReader):
    def read(self, cells: dict[str, Cell], row_number: int) -> str:
        """One activity from one row; returns its id."""
        draft = self.draft
        empty = Cell(None, "")

        def get(key: str) -> Cell:
            return cells.get(key, empty)

        purposes = [{"purpose": p} for p in get("purposes").lines]
        name = (
            get("name").text
            or (purposes[0]["purpose"] if purposes else get("business_function").text)
            or f"Activity on row {row_number}"
        )
        activity: dict[str, Any] = {"name": name[:300]}
        if get("reference").text:
            activity["reference"] = get("reference").text
        function = get("business_function").text or get("owner").text
        if function:
            activity["business_function"] = function
        if self.controller:
            activity["controller"] = self.controller
        self._aligned(purposes, get("legal_basis"), "legal_basis", parse_basis)
        self._laws(purposes, get("legal_basis"))
        self._aligned(purposes, get("legitimate_interests"), "legitimate_interests", lambda t: t)
        self._aligned(purposes, get("lia"), "lia", lambda t: t)
        activity["purposes"] = purposes
        activity["joint_controllers"] = [
            self.organisation_from_contact(line, get("joint_controllers").where)
            for line in get("joint_controllers").lines
        ]
        activity["data_subjects"] = [
            draft.subject(s, get("data_subjects").where) for s in get("data_subjects").lines
        ]
        activity["data_categories"] = [
            draft.category(c, get("data_categories").where) for c in get("data_categories").lines
        ]
        activity["retention"] = self._retention(get("retention"), activity)
        systems = self._systems(get("location"), get("security"))
        activity["systems"] = systems
        condition = get("art9_condition").text
        if condition:
            parsed = parse_art9(condition)
            if parsed:
                activity["art9_condition"] = parsed.value
            else:
                draft.report(
                    get("art9_condition").where, condition, "no Art. 9(2) condition recognised"
                )
        for key in ("automated_decisions", "source"):
            if get(key).text:
                activity[key] = get(key).text
        self._dpia(activity, get("dpia_required"), get("dpia_progress"), get("dpia_link"))
        schedule1 = get("schedule1")
        for line in schedule1.lines:
            if line.startswith(ico.ART10_PREFIX):
                activity["art10_authority"] = line[len(ico.ART10_PREFIX) :]
            elif line.startswith(ico.ART87_PREFIX):
                activity["national_id_law"] = line[len(ico.ART87_PREFIX) :]
            else:
                draft.report(
                    schedule1.where,
                    line,
                    "DPA 2018 Schedule 1 conditions are not part of the inventory",
                )
        for key, reason in _ICO_NOT_MODELLED.items():
            if get(key).text:
                draft.report(get(key).where, get(key).text, reason)
        ident = draft.add("Activity", activity, f"row {row_number}")
        flows = self._recipients(ident, get("recipients"), systems, activity)
        self._contracts(ident, get("contracts"), flows)
        self._transfers(get("transfer_countries"), get("transfer_safeguards"), flows)
        self._rights(ident, get("rights"))
        self.account(cells, ident)
        return ident

    def account(self, cells: dict[str, Cell], ident: str) -> None:
        """The ledger: each cell read went to this activity, unless all of it was reported."""
        for key, cell in cells.items():
            if not cell.text:
                continue
            reported = self.draft.reported_values(cell.where)
            if cell.text in reported or (cell.lines and set(cell.lines) <= set(reported)):
                continue
            field_name = KEY_FIELD.get(key)
            self.draft.mapped(
                cell.where, f"Activity {ident}" + (f".{field_name}" if field_name else "")
            )

    # -- pieces -------------------------------------------------------------------------
    def _aligned(self, purposes: list[dict], cell: Cell, field_name: str, parse: Callable) -> None:
        values = cell.lines
        if not values:
            return
        if len(values) == 1 and len(purposes) > 1:
            values = values * len(purposes)
        if len(values) != len(purposes):
            self.draft.report(
                cell.where,
                cell.text,
                f"{len(values)} lines for {len(purposes)} purposes: cannot pair them",
            )
            return
        for purpose, value in zip(purposes, values, strict=True):
            if value in ("—", "-", "not documented"):
                continue
            parsed = parse(value)
            if parsed is None:
                self.draft.report(
                    cell.where, value, f"not a recognised {field_name.replace('_', ' ')}"
                )
            else:
                purpose[field_name] = parsed.value if hasattr(parsed, "value") else parsed

    def _laws(self, purposes: list[dict], cell: Cell) -> None:
        """The Art. 6(3) law written after each basis; lines that cannot be paired with
        the purposes are reported once, by the basis itself."""
        values = cell.lines
        if len(values) == 1 and len(purposes) > 1:
            values = values * len(purposes)
        if len(values) != len(purposes):
            return
        for purpose, value in zip(purposes, values, strict=True):
            law = split_law(value)[1]
            if law and "legal_basis" in purpose:
                purpose["law"] = law

    def _retention(self, cell: Cell, activity: dict) -> list[dict]:
        result = []
        for line in cell.lines:
            name, sep, rest = line.partition(": ")
            retention = parse_retention(rest.strip()) if sep else None
            if retention is None:
                self.draft.report(
                    cell.where, line, "expected 'category: period' (e.g. 'Payroll: P6Y')"
                )
                continue
            # A period may be set on a parent category (it covers its children).
            category = self.draft.category(name, cell.where)
            result.append({"category": category} | retention.model_dump(exclude_none=True))
        return result

    def _systems(self, location: Cell, security: Cell) -> list[str]:
        systems: list[str] = []
        for line in location.lines:
            match = _COUNTRIES_IN_PARENS.match(line)
            name, codes = (match["name"], match["codes"].split(", ")) if match else (line, [])
            if line.endswith(" (country not documented)"):
                name = line.removesuffix(" (country not documented)")
            ident = self._system(name, location.where)
            codes = [c for c in codes if is_iso_country(c)]
            if codes:
                country = codes[0] if len(codes) == 1 else codes
                self.draft.entities[("System", ident)].setdefault("country", country)
            if ident not in systems:
                systems.append(ident)
        for line in security.lines:
            name, sep, rest = line.partition(": ")
            if not sep:
                self.draft.report(security.where, line, "expected 'system: measure; measure'")
                continue
            ident = self._system(name, security.where)
            if ident not in systems:
                systems.append(ident)
            system = self.draft.entities[("System", ident)]
            if rest == wording.TRANSIENT or rest.startswith(wording.TRANSIENT + "; "):
                system["stores"] = []  # the record's "keeps nothing": a transient system
                rest = rest.removeprefix(wording.TRANSIENT).removeprefix("; ")
            parsed = _parse_security(rest) if rest else None
            if parsed is not None and system.get("security", parsed) != parsed:
                self.draft.report(
                    security.where, line, f"conflicts with {name}'s measures given earlier"
                )
            elif parsed is not None:
                system["security"] = parsed
        return systems

    def _system(self, name: str, where: str) -> str:
        return self.draft.named("System", name) or self.draft.add("System", {"name": name}, where)

    def _dpia(self, activity: dict, required: Cell, progress: Cell, link: Cell) -> None:
        dpia: dict[str, Any] = {}
        answer = match_key(required.text)
        if answer in ("no", "non", "n"):
            dpia["status"] = "not_required"
        elif answer and answer not in ("yes", "oui", "y"):
            self.draft.report(required.where, required.text, "expected Yes or No")
        if progress.text:
            parsed = _parse_progress(progress.value)
            if parsed is None:
                self.draft.report(
                    progress.where,
                    progress.text,
                    "expected e.g. 'completed on 2024-03-01 (ref. DPIA-1)'",
                )
            else:
                dpia = {**parsed, **dpia}
        if link.text:
            dpia["link"] = link.text
        if dpia or answer in ("yes", "oui", "y"):
            activity["dpia"] = dpia

    def _recipients(
        self, activity: str, cell: Cell, systems: list[str], data: dict
    ) -> dict[str, str]:
        """Flows to each recipient organisation; returns organisation id → flow id."""
        flows: dict[str, str] = {}
        start = (
            systems[0] if systems else (data["data_subjects"][0] if data["data_subjects"] else None)
        )
        for line in cell.lines:
            match = _ROLE.match(line)
            name, role = (match["name"], _ROLES[match["role"]]) if match else (line, None)
            if not name.strip():
                self.draft.report(cell.where, line, "no organisation named")
                continue
            if start is None:
                self.draft.report(
                    cell.where, line, "no system or data subject to start a flow from"
                )
                continue
            org = self.draft.organisation(name, cell.where)
            if org in flows:
                continue
            flow: dict[str, Any] = {"activity": activity, "from": start, "to": org}
            if role:
                flow["recipient_role"] = role
            flows[org] = self.draft.add(
                "Flow",
                {"id": self.draft.new_id("Flow", f"{activity}-to-{org}"), **flow},
                cell.where,
            )
        return flows

    def _contracts(self, activity: str, cell: Cell, flows: dict[str, str]) -> None:
        for line in cell.lines:
            name, sep, text = line.partition(": ")
            if not sep:
                self.draft.report(cell.where, line, "expected 'processor: link to contract'")
                continue
            processor = self.draft.organisation(name, cell.where)
            if text == wording.NO_CONTRACT:
                continue
            if text.startswith(wording.SUB_PROCESSOR_UNDER):
                self.draft.report(
                    cell.where,
                    line,
                    "a sub-processor under another processor's DPA: name it in that DPA's "
                    "authorised_subprocessors (or give the DPA a general_authorisation)",
                )
                continue
            ident = self._contract(processor, text, cell.where)
            if processor in flows:
                self.draft.entities[("Flow", flows[processor])]["contract"] = ident
            else:
                self.draft.report(
                    cell.where, line, f"{name} is not among the recipients: contract kept, no flow"
                )

    def _contract(self, processor: str, text: str, where: str) -> str:
        text, stated = parse_contract_phrase(text)
        for ident, contract in self.draft.of_kind("Contract").items():
            if (
                contract.get("processor") == processor
                and contract.get("controller") == self.controller
                and (text in (contract.get("document"), contract.get("name")))
            ):
                return ident
        data: dict[str, Any] = {"type": "dpa", "processor": processor, **stated}
        if self.controller:
            data["controller"] = self.controller
        if re.match(r"(https?|mailto):|/|\.\.?/", text):
            data["document"] = text
        else:
            data["name"] = text
        return self.draft.add(
            "Contract", {"id": self.draft.new_id("Contract", f"dpa-{processor}"), **data}, where
        )

    def _transfers(self, countries: Cell, safeguards: Cell, flows: dict[str, str]) -> None:
        by_key = {
            organisation_key(self.draft.entities[("Organisation", o)]["name"]): o for o in flows
        }
        for line in countries.lines:
            country_part, sep, recipient = line.partition(": ")
            code = country_code(country_part)
            org = by_key.get(organisation_key(recipient)) if sep else None
            if code is None or org is None:
                self.draft.report(
                    countries.where,
                    line,
                    "expected 'Country (CC): recipient' naming one of the recipients",
                )
                continue
            entity = self.draft.entities[("Organisation", org)]
            if entity.get("country", code) != code:
                self.draft.report(
                    countries.where, line, f"{recipient} was given country {entity['country']}"
                )
                continue
            entity["country"] = code
        for line in safeguards.lines:
            recipient, sep, text = line.partition(": ")
            org = by_key.get(organisation_key(recipient)) if sep else None
            if org is None:
                self.draft.report(
                    safeguards.where,
                    line,
                    "expected 'recipient: safeguard' naming one of the recipients",
                )
                continue
            if text == wording.NO_MECHANISM:
                continue
            parsed = parse_mechanisms(text)
            if parsed is None:
                self.draft.report(
                    safeguards.where,
                    line,
                    "no transfer mechanism recognised (SCCs, BCRs, adequacy, a derogation…)",
                )
                continue
            mechanisms, reference = parsed
            transfer = {"mechanism": written(mechanisms)} | (
                {"reference": reference} if reference else {}
            )
            self.draft.entities[("Flow", flows[org])]["transfer"] = transfer

    def _rights(self, activity: str, cell: Cell) -> None:
        """Rights are derived from the lawful bases: report only a cell that says otherwise."""
        if not cell.text:
            return
        data = self.draft.entities[("Activity", activity)]
        try:
            model = Activity.model_validate(
                {
                    "kind": "Activity",
                    "id": activity,
                    **{k: v for k, v in data.items() if k not in ("kind", "id")},
                }
            )
        except ValueError:
            return
        if cell.lines != wording.rights(model):
            self.draft.report(
                cell.where,
                cell.text,
                "rights are derived from the lawful bases; this text was not kept",
            )


def _parse_security(text: str) -> dict[str, Any] | None:
    if text.strip() == wording.NO_SECURITY:
        return None
    phrases = {yes: (name, True) for name, yes, _ in wording.SECURITY_PHRASES}
    phrases |= {no: (name, False) for name, _, no in wording.SECURITY_PHRASES}
    auth = {v: k for k, v in wording.AUTHENTICATION_PHRASES.items()}
    result: dict[str, Any] = {}
    measures = []
    modes: list[str] = []
    for phrase in (p.strip() for p in text.split("; ")):
        if phrase in phrases and phrases[phrase][0] not in result:
            result[phrases[phrase][0]] = phrases[phrase][1]
        elif phrase in auth and auth[phrase] not in modes:
            modes.append(auth[phrase])
        elif phrase:
            measures.append(phrase)
    if modes:  # one mode as a value, several as the list ropa writes them from
        result["authentication"] = modes[0] if len(modes) == 1 else modes
    if measures:
        result["measures"] = measures
    return result


def _parse_progress(value: Any) -> dict[str, Any] | None:
    date = parse_date(value) if not isinstance(value, str) else None
    if date is not None:
        return {"date": date.isoformat()}
    text = cell_text(value)
    statuses = {v: k for k, v in wording.DPIA_STATUS_WORDS.items()}
    match = re.fullmatch(
        r"(?P<status>planned|in progress|completed|not required)?\s*"
        r"(?:on (?P<date>\S+))?\s*(?:\(ref\. (?P<ref>.*)\))?",
        text,
        re.I,
    )
    if not match or not text:
        return None
    result: dict[str, Any] = {}
    if match["status"]:
        result["status"] = statuses[match["status"].lower()]
    if match["date"]:
        date = parse_date(match["date"])
        if date is None:
            return None
        result["date"] = date.isoformat()
    if match["ref"]:
        result["reference"] = match["ref"]
    return result
