"""The record's words: how legal bases, Art. 9 conditions, transfer safeguards, security
measures and rights are said in English.

Read in both directions: the exports write these phrases, and the spreadsheet
importer parses them back, so a value survives a round trip.
"""

from __future__ import annotations

from functools import cache

from registry.core.model import Activity, Dpf, Security, System
from registry.core.vocabulary import Art9Condition, LegalBasis, TransferMechanism

MECHANISM_WORDS: dict[TransferMechanism, str] = {
    TransferMechanism.adequacy: "adequacy decision",
    TransferMechanism.dpf: "EU-US Data Privacy Framework",
    TransferMechanism.sccs: "standard contractual clauses",
    TransferMechanism.bcr: "binding corporate rules",
    TransferMechanism.code_of_conduct: "approved code of conduct",
    TransferMechanism.certification: "approved certification",
    TransferMechanism.ad_hoc_clauses: "ad hoc contractual clauses",
    TransferMechanism.derogation_explicit_consent: "derogation: explicit consent",
    TransferMechanism.derogation_contract_with_subject: (
        "derogation: contract with the data subject"
    ),
    TransferMechanism.derogation_contract_in_subject_interest: (
        "derogation: contract in the data subject's interest"
    ),
    TransferMechanism.derogation_public_interest: "derogation: important public interest",
    TransferMechanism.derogation_legal_claims: "derogation: legal claims",
    TransferMechanism.derogation_vital_interests: "derogation: vital interests",
    TransferMechanism.derogation_public_register: "derogation: public register",
    TransferMechanism.derogation_compelling_legitimate_interests: (
        "derogation: compelling legitimate interests"
    ),
}

BASIS_WORDS: dict[LegalBasis, str] = {
    LegalBasis.consent: "consent",
    LegalBasis.contract: "contract",
    LegalBasis.legal_obligation: "legal obligation",
    LegalBasis.vital_interests: "vital interests",
    LegalBasis.public_task: "public task",
    LegalBasis.legitimate_interests: "legitimate interests",
}

ART9_WORDS: dict[Art9Condition, str] = {
    Art9Condition.explicit_consent: "explicit consent",
    Art9Condition.employment_social_protection: "employment, social security and social protection",
    Art9Condition.vital_interests: "vital interests",
    Art9Condition.not_for_profit_body: "not-for-profit body",
    Art9Condition.made_public: "made public by the data subject",
    Art9Condition.legal_claims: "legal claims or judicial acts",
    Art9Condition.substantial_public_interest: "substantial public interest",
    Art9Condition.health_or_social_care: "health or social care",
    Art9Condition.public_health: "public health",
    Art9Condition.archiving_research_statistics: "archiving, research or statistics",
}

# Security phrases, in the order they are written: (field, phrase if true, phrase if false).
SECURITY_PHRASES: list[tuple[str, str, str]] = [
    ("encryption_at_rest", "encrypted at rest", "not encrypted at rest"),
    ("mfa", "multi-factor authentication", "no multi-factor authentication"),
    ("internet_exposed", "exposed to the internet", "not exposed to the internet"),
    ("monitoring", "monitored", "not monitored"),
    ("alert_escalation", "alerts escalated", "no alert escalation"),
    ("backups", "backed up", "no backups"),
    ("access_logging", "access logged", "no access logging"),
]
AUTHENTICATION_PHRASES = {
    "individual": "individual accounts",
    "shared": "shared accounts",
    "none": "no authentication",
}
NO_SECURITY = "security not documented"
TRANSIENT = "keeps nothing (transient)"  # a system declaring `stores: []`
NO_CONTRACT = "no contract"
AUTHORISED_BY = " (authorised by "  # a sub-processing contract: " (authorised by DPA)"
GENERALLY = "general authorisation"  # of sub-processors (Art. 28(2)), in brackets
SUB_PROCESSOR_UNDER = "sub-processor under "  # authorised by the DPA of the processor that
# engaged it, with no contract of its own in the register: "sub-processor under DPA"
GENERAL_AUTHORISATION = " (general authorisation of sub-processors: "  # + the list + ")"
ACCEPTED_ONLINE = " (accepted online on "  # an online DPA: " (accepted online on 2025-01-10)"
NO_MECHANISM = "no safeguard documented"
# Between a lawful basis and its Art. 6(3) law: "… legal obligation under Code du travail".
LAW_JOIN = " under "
DPIA_STATUS_WORDS = {
    "not_required": "not required",
    "planned": "planned",
    "in_progress": "in progress",
    "completed": "completed",
}

# Art. 15-22 rights by lawful basis (ICO guidance "lawful basis interactive guidance").
RIGHTS: list[tuple[str, frozenset[LegalBasis]]] = [
    ("access (Art. 15)", frozenset(LegalBasis)),
    ("rectification (Art. 16)", frozenset(LegalBasis)),
    (
        "erasure (Art. 17)",
        frozenset(LegalBasis) - {LegalBasis.legal_obligation, LegalBasis.public_task},
    ),
    ("restriction (Art. 18)", frozenset(LegalBasis)),
    ("portability (Art. 20)", frozenset({LegalBasis.consent, LegalBasis.contract})),
    ("object (Art. 21)", frozenset({LegalBasis.public_task, LegalBasis.legitimate_interests})),
    ("withdraw consent (Art. 7(3))", frozenset({LegalBasis.consent})),
]


@cache
def country_name(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def basis_text(basis: LegalBasis | None, law: str | None = None) -> str:
    """``Art. 6(1)(c) legal obligation under <law>``; the law only follows a basis."""
    if basis is None:
        return "not documented"
    return f"{basis.article} {BASIS_WORDS[basis]}" + (LAW_JOIN + law if law else "")


def art9_text(condition: Art9Condition | None) -> str:
    return f"{condition.article} {ART9_WORDS[condition]}" if condition else ""


def mechanism_text(mechanism: TransferMechanism) -> str:
    return f"{MECHANISM_WORDS[mechanism]} ({mechanism.article})"


DPF_CERTIFIED = "DPF certification since "  # the importer strips this clause from a safeguard


def dpf_text(dpf: Dpf) -> str:
    """An organisation's DPF certification as a dated fact: since, last verified, withdrawn."""
    text = f"{DPF_CERTIFIED}{dpf.since}"
    if dpf.verified:
        text += f", verified {dpf.verified}"
    if dpf.withdrawn:
        text += f", withdrawn {dpf.withdrawn}"
    return text


def security_phrases(security: Security | None) -> list[str]:
    if security is None:
        return []
    phrases = []
    for name, yes, no in SECURITY_PHRASES[:1]:
        value = getattr(security, name)
        if value is not None:
            phrases.append(yes if value else no)
    # Every way in, as written: [none, shared] is a public area and shared accounts.
    phrases += [AUTHENTICATION_PHRASES[a.value] for a in security.authentications]
    for name, yes, no in SECURITY_PHRASES[1:]:
        value = getattr(security, name)
        if value is not None:
            phrases.append(yes if value else no)
    return phrases + list(security.measures)


def security_text(security: Security | None) -> str:
    """A system's Art. 32 measures in one line, the same on the site and in the exports."""
    return "; ".join(security_phrases(security)) or NO_SECURITY


def system_text(system: System) -> str:
    """What the record says of a system: its measures, after "keeps nothing" if transient."""
    measures = security_text(system.security)
    return f"{TRANSIENT}; {measures}" if system.transient else measures


def rights(activity: Activity) -> list[str]:
    """The data subjects' rights the activity's lawful bases give (Art. 15-22)."""
    bases = {p.legal_basis for p in activity.purposes if p.legal_basis}
    lines = [text for text, applies in RIGHTS if bases & applies]
    if activity.automated_decisions:
        lines.append("not to be subject to automated decision-making (Art. 22)")
    return lines
