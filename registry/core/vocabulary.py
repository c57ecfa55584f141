"""The legal vocabulary of the GDPR as enumerations, and the dated country lists.

Each enumeration value is the word an inventory writes; ``article`` gives the
provision it stands for, so reports can cite it.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources


class LegalBasis(StrEnum):
    """Art. 6(1) lawful bases."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"

    @property
    def article(self) -> str:
        return "Art. 6(1)(" + "abcdef"[list(LegalBasis).index(self)] + ")"


class Art9Condition(StrEnum):
    """Art. 9(2) conditions for processing special categories."""

    explicit_consent = "explicit_consent"
    employment_social_protection = "employment_social_protection"
    vital_interests = "vital_interests"
    not_for_profit_body = "not_for_profit_body"
    made_public = "made_public"
    legal_claims = "legal_claims"
    substantial_public_interest = "substantial_public_interest"
    health_or_social_care = "health_or_social_care"
    public_health = "public_health"
    archiving_research_statistics = "archiving_research_statistics"

    @property
    def article(self) -> str:
        return "Art. 9(2)(" + "abcdefghij"[list(Art9Condition).index(self)] + ")"


class SpecialCategory(StrEnum):
    """Art. 9(1) special categories, Art. 10 criminal data, Art. 87 national identifiers."""

    health = "health"
    genetic = "genetic"
    biometric = "biometric"
    racial_ethnic_origin = "racial_ethnic_origin"
    political_opinions = "political_opinions"
    religious_beliefs = "religious_beliefs"
    trade_union = "trade_union"
    sex_life_orientation = "sex_life_orientation"
    criminal = "criminal"
    national_id = "national_id"

    @property
    def is_art9(self) -> bool:
        """True for the Art. 9(1) list proper (criminal data and national ids are not)."""
        return self not in (SpecialCategory.criminal, SpecialCategory.national_id)

    @property
    def article(self) -> str:
        if self is SpecialCategory.criminal:
            return "Art. 10"
        if self is SpecialCategory.national_id:
            return "Art. 87"
        return "Art. 9(1)"


class TransferMechanism(StrEnum):
    """Art. 45-49 grounds for a transfer outside the EEA."""

    adequacy = "adequacy"
    dpf = "dpf"  # the EU-US Data Privacy Framework: the US adequacy decision, certified only
    sccs = "sccs"
    bcr = "bcr"
    code_of_conduct = "code_of_conduct"
    certification = "certification"
    ad_hoc_clauses = "ad_hoc_clauses"
    derogation_explicit_consent = "derogation_explicit_consent"
    derogation_contract_with_subject = "derogation_contract_with_subject"
    derogation_contract_in_subject_interest = "derogation_contract_in_subject_interest"
    derogation_public_interest = "derogation_public_interest"
    derogation_legal_claims = "derogation_legal_claims"
    derogation_vital_interests = "derogation_vital_interests"
    derogation_public_register = "derogation_public_register"
    derogation_compelling_legitimate_interests = "derogation_compelling_legitimate_interests"

    @property
    def article(self) -> str:
        return _TRANSFER_ARTICLES[self]


_TRANSFER_ARTICLES = {
    TransferMechanism.adequacy: "Art. 45",
    TransferMechanism.dpf: "Art. 45",
    TransferMechanism.sccs: "Art. 46(2)(c)",
    TransferMechanism.bcr: "Art. 47",
    TransferMechanism.code_of_conduct: "Art. 46(2)(e)",
    TransferMechanism.certification: "Art. 46(2)(f)",
    TransferMechanism.ad_hoc_clauses: "Art. 46(3)(a)",
    TransferMechanism.derogation_explicit_consent: "Art. 49(1)(a)",
    TransferMechanism.derogation_contract_with_subject: "Art. 49(1)(b)",
    TransferMechanism.derogation_contract_in_subject_interest: "Art. 49(1)(c)",
    TransferMechanism.derogation_public_interest: "Art. 49(1)(d)",
    TransferMechanism.derogation_legal_claims: "Art. 49(1)(e)",
    TransferMechanism.derogation_vital_interests: "Art. 49(1)(f)",
    TransferMechanism.derogation_public_register: "Art. 49(1)(g)",
    TransferMechanism.derogation_compelling_legitimate_interests: "Art. 49(1), second subparagraph",
}


class Art28Clause(StrEnum):
    """The eight mandatory clauses of an Art. 28(3) data processing agreement."""

    documented_instructions = "documented_instructions"
    confidentiality = "confidentiality"
    security = "security"
    sub_processors = "sub_processors"
    data_subject_rights = "data_subject_rights"
    compliance_assistance = "compliance_assistance"
    deletion_or_return = "deletion_or_return"
    audits = "audits"

    @property
    def article(self) -> str:
        return "Art. 28(3)(" + "abcdefgh"[list(Art28Clause).index(self)] + ")"


class ContractType(StrEnum):
    dpa = "dpa"
    sub_processing = "sub_processing"
    joint_controller_arrangement = "joint_controller_arrangement"
    sccs = "sccs"


class FlowKind(StrEnum):
    continuous = "continuous"
    batch = "batch"
    one_off = "one-off"
    migration = "migration"


class FlowMedium(StrEnum):
    """How a flow's data travel: over a network or storage medium, or as paper."""

    electronic = "electronic"
    paper = "paper"  # forms by post or by hand, printed lists: no encryption in transit


class Authentication(StrEnum):
    individual = "individual"
    shared = "shared"
    none = "none"

    @property
    def strength(self) -> int:
        """Weakest first: no authentication, shared accounts, individual accounts."""
        return {"none": 0, "shared": 1, "individual": 2}[self.value]


# Retention that names no period and no event: the words of a register not yet written
# ("TBD"), and of storage limitation restated rather than applied ("as long as necessary"
# is Art. 5(1)(e) itself, not a time limit under Art. 30(1)(f)).
_VAGUE_WHOLE = re.compile(
    r"(?:unknown|unclear|not known|tbd|tbc|tba|n/?a|nc|various|varies|variable|default|"
    r"undefined|unspecified|to be (?:defined|determined|confirmed|decided|agreed)|"
    r"not (?:yet )?(?:defined|determined|decided|set|specified|documented)|"
    r"inconnue?|[àa] (?:d[ée]finir|d[ée]terminer|pr[ée]ciser)|"
    r"non (?:d[ée]finie?|d[ée]termin[ée]e?|pr[ée]cis[ée]e?)|\?+|-+|…)"
)
_VAGUE_PART = re.compile(
    r"as long as (?:is |it is |they are )?(?:necessary|needed|required|useful|appropriate|"
    r"relevant)(?!\s+(?:by|under)\b)"
    r"|no longer (?:necessary|needed|required|useful|relevant)"
    r"|\b(?:provider|vendor|supplier|platform|processor|service|tool)(?:'s|s'|s)?\s+default"
    r"|\bdefault\s+(?:settings?|retention|period|policy|configuration|duration|values?)\b"
    r"|no (?:retention|erasure)(?: or erasure)? policy"  # Fides's default dataset text
    r"|tant que (?:n[ée]cessaire|utile|besoin)"
    r"|par d[ée]faut"
)


_LEADING_WORD = re.compile(r"^(?:until|the|jusqu'[àa] :?)\s+")


@lru_cache(maxsize=4096)  # a register repeats the same few phrases thousands of times
def vague_retention(text: str) -> bool:
    """True if a retention's words give neither a period nor an event that ends it."""
    words = " ".join(text.replace("\u2019", "'").casefold().split()).strip(" .!")
    words = _LEADING_WORD.sub("", words, count=1)
    return not words or bool(_VAGUE_WHOLE.fullmatch(words) or _VAGUE_PART.search(words))


class RecipientRole(StrEnum):
    """How an organisation that receives a flow stands to the activity's controller."""

    processor = "processor"
    controller = "controller"
    joint_controller = "joint_controller"


class Adequacy(StrEnum):
    full = "full"
    partial = "partial"


class CountryLists:
    """The EEA and the Commission's adequacy decisions, as shipped and dated."""

    def __init__(self, eea: frozenset[str], adequacy: dict[str, dict], reviewed: dt.date) -> None:
        self.eea = eea
        self.adequacy = adequacy
        self.reviewed = reviewed
        # needs_mechanism() is asked of the countries of nearly every flow end, by several
        # rules: the countries it answers False for outside the EEA, once.
        self._full = frozenset(c for c in adequacy if self.adequacy_of(c) is Adequacy.full)

    def in_eea(self, country: str) -> bool:
        return country in self.eea

    def adequacy_of(self, country: str) -> Adequacy | None:
        decision = self.adequacy.get(country)
        return Adequacy(decision["scope"]) if decision else None

    def is_third_country(self, country: str) -> bool:
        """Outside the EEA: a transfer there needs Chapter V."""
        return country not in self.eea

    def needs_mechanism(self, country: str) -> bool:
        """Outside the EEA and without a full adequacy decision."""
        return country not in self.eea and country not in self._full


@cache
def countries() -> CountryLists:
    from registry.core.loader import LoadResult, load_text

    # Read with our YAML 1.2 loader: under YAML 1.1 (yaml.load) Norway's `NO`
    # in the EEA list would turn into False.
    text = resources.files("registry").joinpath("data/countries.yaml").read_text("utf-8")
    result = LoadResult()
    load_text(text, "<countries>", result)
    if result.problems or len(result.documents) != 1:
        raise RuntimeError(f"registry/data/countries.yaml is unreadable: {result.problems}")
    raw = result.documents[0].body
    return CountryLists(
        frozenset(raw["eea"]), raw["adequacy"], dt.date.fromisoformat(raw["reviewed"])
    )


# ISO 3166-1 alpha-2, as pycountry 26.2.16 lists them (tests/test_vocabulary_countries.py
# holds the two equal): every country a register writes is judged against these, and
# loading pycountry's database for it took ~25 ms of every check.
_ISO_ALPHA_2_WRITTEN = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_ALPHA_2 = frozenset(_ISO_ALPHA_2_WRITTEN.split())


def is_iso_country(code: str) -> bool:
    return code in ISO_ALPHA_2
