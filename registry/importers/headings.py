"""The usual Art. 30 columns under the headings people give them, in English and French
(and the common Dutch and German ones), and a ``--columns`` mapping for the rest.

Each heading maps to a short key of the ICO layout (:data:`registry.layouts.ico.KEYS`)
or to one of the keys only a free-form register has: ``name`` (the activity's name),
``reference`` (its number) and ``subjects_and_categories`` (one column for both).
"""

from __future__ import annotations

import re
from pathlib import Path

from registry.core.loader import LoadResult, LocatedMap, load_text
from registry.importers.draft import ImportFailure
from registry.importers.text import fold
from registry.layouts import ico

EXTRA_KEYS = ("name", "reference", "subjects_and_categories", "owner")
KEYS = tuple(ico.KEYS) + EXTRA_KEYS

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "processing activity",
        "processing activities",
        "activity",
        "activity name",
        "processing",
        "process",
        "name of the processing",
        "processing operation",
        "traitement",
        "nom du traitement",
        "nom / sigle",
        "nom",
        "activite de traitement",
        "activite",
        "intitule",
        "verwerking",
        "verwerkingsactiviteit",
        "proces",
        "verarbeitungstatigkeit",
        "verarbeitung",
    ),
    "reference": (
        "#",
        "id",
        "ref",
        "ref.",
        "reference",
        "no",
        "no.",
        "n°",
        "numero",
        "n° / reference",
        "nr",
        "nr.",
    ),
    "business_function": (
        "business function",
        "business unit",
        "department",
        "function",
        "team",
        "service",
        "service concerne",
        "direction",
        "departement",
        "afdeling",
        "abteilung",
    ),
    "owner": ("owner", "process owner", "responsible", "proprietaire", "eigenaar"),
    "purposes": (
        "purpose",
        "purposes",
        "purpose of processing",
        "purpose(s)",
        "purposes of processing",
        "finalite",
        "finalites",
        "finalite(s)",
        "finalite principale",
        "objectif",
        "objectifs",
        "doel",
        "doeleinden",
        "zweck",
        "zwecke",
    ),
    "legal_basis": (
        "lawful basis",
        "legal basis",
        "lawful basis for processing",
        "legal ground",
        "basis",
        "base legale",
        "base juridique",
        "fondement juridique",
        "fondement",
        "grondslag",
        "rechtsgrond",
        "rechtsgrundlage",
    ),
    "data_subjects": (
        "data subjects",
        "categories of data subjects",
        "data subject categories",
        "individuals",
        "people",
        "subjects",
        "personnes concernees",
        "categories de personnes",
        "categories de personnes concernees",
        "betrokkenen",
        "categorieen betrokkenen",
        "betroffene personen",
        "betroffene",
    ),
    "data_categories": (
        "personal data",
        "categories of data",
        "data categories",
        "data category",
        "data",
        "data type",
        "data types",
        "data processed",
        "types of data",
        "donnees",
        "categories de donnees",
        "donnees traitees",
        "donnees concernees",
        "donnees collectees",
        "persoonsgegevens",
        "categorieen data",
        "categorieen gegevens",
        "categorieen persoonsgegevens",
        "datenkategorien",
        "daten",
    ),
    "subjects_and_categories": (
        "categories (data/subjects)",
        "categories (subjects/data)",
        "categories",
        "categories of data and data subjects",
    ),
    "recipients": (
        "recipients",
        "recipient",
        "recipients/processors",
        "recipients / processors",
        "recipients / sub-processors",
        "third party recipients",
        "third parties",
        "third-party",
        "third party",
        "processors",
        "shared with",
        "destinataires",
        "destinataires / sous-traitants",
        "sous-traitants",
        "ontvangers",
        "ontvangers / verwerkers",
        "empfanger",
    ),
    "transfer_countries": (
        "transfer",
        "transfers",
        "international transfers",
        "international transfer",
        "int'l transfer?",
        "third country transfers",
        "third-country transfers",
        "transfers outside the eea",
        "transfers outside the eu",
        "cross-border?",
        "cross-border",
        "transferts",
        "transferts hors ue",
        "transfert hors ue",
        "transferts hors eee",
        "doorgifte buiten eer",
        "drittlander",
        "drittlandubermittlung",
        "recipients/transfers",
    ),
    "transfer_safeguards": ("safeguards", "transfer safeguards", "garanties", "waarborgen"),
    "retention": (
        "retention",
        "retention period",
        "retention periods",
        "retention rule",
        "retention time",
        "storage period",
        "duree de conservation",
        "durees de conservation",
        "conservation",
        "duree",
        "delai de conservation",
        "bewaartermijn",
        "bewaartermijnen",
        "speicherdauer",
        "loschfrist",
        "aufbewahrungsfrist",
    ),
    "security": (
        "security",
        "security measures",
        "technical and organisational measures",
        "technical and organizational measures",
        "toms",
        "tom",
        "mesures de securite",
        "securite",
        "beveiliging",
        "beveiligingsmaatregelen",
        "sicherheitsmassnahmen",
    ),
    "location": (
        "location",
        "system",
        "systems",
        "system(s)",
        "application",
        "applications",
        "tool",
        "tools",
        "software",
        "storage",
        "hosting",
        "stored in",
        "localisation",
        "hebergement",
        "logiciel",
        "outil",
        "locatie",
        "systeem",
    ),
    "joint_controllers": (
        "joint controller",
        "joint controllers",
        "responsable conjoint",
        "responsables conjoints",
        "co-responsables",
    ),
    "art9_condition": (
        "special category condition",
        "article 9 condition",
        "condition for special category data",
        "condition de l'article 9",
    ),
    "legitimate_interests": ("legitimate interests", "legitimate interest", "interet legitime"),
    "source": ("source", "source of data", "data source", "origine des donnees", "bron"),
    "automated_decisions": (
        "automated decision-making",
        "automated decisions",
        "profiling",
        "decision automatisee",
    ),
    "dpia_required": ("dpia required", "dpia", "dpia?", "aipd", "aipd requise"),
    "contracts": ("contract", "contracts", "dpa", "contrat", "verwerkersovereenkomst"),
}

_BY_HEADING: dict[str, str] = {}
for _key, _headings in SYNONYMS.items():
    for _heading in _headings:
        _BY_HEADING.setdefault(fold(_heading), _key)


def _clean(heading: str) -> str:
    text = re.sub(r"[*_`]+", "", heading)  # Markdown emphasis
    text = re.sub(r"\((?:if applicable|if possible|optional)\)", "", text, flags=re.I)
    text = re.sub(r"\s*\((?:art\.?|article)\s*[\d().a-z ,]+\)\s*$", "", text, flags=re.I)
    return fold(text).strip(" :.")


def synonym_key(heading: str, extra: dict[str, str] | None = None) -> str | None:
    """The key of a heading in any of the usual wordings (None when unknown)."""
    clean = _clean(heading)
    if extra and clean in extra:
        return extra[clean]
    return _BY_HEADING.get(clean)


def read_columns(path: Path) -> dict[str, str]:
    """``--columns mapping.yaml``: ``Your heading: field`` lines (field = one of :data:`KEYS`,
    or ``ignore``) → folded heading → key."""
    result = LoadResult()
    try:
        load_text(path.read_text("utf-8"), path.name, result)
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailure(f"{path}: cannot read ({error})") from None
    if result.problems:
        problem = result.problems[0]
        raise ImportFailure(f"{problem.pos}: {problem.message}")
    mapping: dict[str, str] = {}
    for document in result.documents:
        body = document.body
        if not isinstance(body, LocatedMap):
            raise ImportFailure(f"{path}: expected `Your heading: field` lines")
        for heading, key in body.items():
            where = f"{path.name}:{body.key_positions[heading].line}"
            if not isinstance(key, str) or (key not in KEYS and key != "ignore"):
                raise ImportFailure(
                    f"{where}: {key!r} is not a field ({', '.join(sorted(KEYS))} or ignore)"
                )
            mapping[_clean(str(heading))] = key
    return mapping
