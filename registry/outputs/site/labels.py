"""Values as a reader says them: durations in words, enumerations labelled, security as a
checklist.

The inventory stores ISO 8601 durations and enumeration codes (``P10Y``, ``sccs``,
``joint_controller_arrangement``); an auditor reads "10 years", "standard contractual
clauses (Art. 46(2)(c))". The code stays one hover away (a tooltip) where a reader may
need to find it in the YAML. Every function returns Markdown made safe by
:mod:`registry.outputs.site.markup`.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.core.model import _DURATION, Retention, Security
from registry.core.vocabulary import (
    Adequacy,
    Art28Clause,
    Authentication,
    ContractType,
    FlowKind,
    SpecialCategory,
    TransferMechanism,
)
from registry.core.wording import (
    AUTHENTICATION_PHRASES,
    DPIA_STATUS_WORDS,
    NO_MECHANISM,
    country_name,
    mechanism_text,
)
from registry.outputs.site.markup import text

_UNITS = [
    ("y", "year"),
    ("mo", "month"),
    ("w", "week"),
    ("d", "day"),
    ("h", "hour"),
    ("mi", "minute"),
    ("s", "second"),
]


def duration_words(value: str) -> str:
    """``P10Y`` → ``10 years``, ``P1Y6M`` → ``1 year and 6 months``; unknown forms as written."""
    match = _DURATION.match(value)
    if not match:
        return value
    parts = [
        f"{int(match[key])} {unit}{'' if int(match[key]) == 1 else 's'}"
        for key, unit in _UNITS
        if match[key]
    ]
    if not parts:
        return value
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def duration(value: str) -> str:
    """A duration in words, its ISO 8601 form in a tooltip."""
    return f'<abbr title="{text(value)}">{text(duration_words(value))}</abbr>'


def retention(value: Retention) -> str:
    """``20 years after the last examination (Code de la santé publique…)``."""
    if value.period is not None:
        out = duration(value.period) + (f" after {text(value.after)}" if value.after else "")
    elif value.until is not None:
        out = text(value.until if value.vague else f"until {value.until}")
    else:
        why = value.justification
        out = "kept indefinitely" + (f": {text(why)}" if why else "")
    return out + (f" ({text(value.source)})" if value.source else "")


def retention_text(value: Retention) -> str:
    """:func:`retention` as plain text (for a tooltip)."""
    if value.period is not None:
        out = duration_words(value.period) + (f" after {value.after}" if value.after else "")
    elif value.until is not None:
        out = value.until if value.vague else f"until {value.until}"
    else:
        out = "indefinitely" + (f": {value.justification}" if value.justification else "")
    return out + (f" ({value.source})" if value.source else "")


def country(code: str) -> str:
    """``United States (US)``."""
    return text(f"{country_name(code)} ({code})")


CONTRACT_TYPES = {
    ContractType.dpa: "data processing agreement (Art. 28(3))",
    ContractType.sub_processing: "sub-processing contract (Art. 28(4))",
    ContractType.joint_controller_arrangement: "joint-controller arrangement (Art. 26)",
    ContractType.sccs: "standard contractual clauses (Art. 46(2)(c))",
}
SPECIAL = {
    SpecialCategory.health: "health data",
    SpecialCategory.genetic: "genetic data",
    SpecialCategory.biometric: "biometric data",
    SpecialCategory.racial_ethnic_origin: "racial or ethnic origin",
    SpecialCategory.political_opinions: "political opinions",
    SpecialCategory.religious_beliefs: "religious or philosophical beliefs",
    SpecialCategory.trade_union: "trade union membership",
    SpecialCategory.sex_life_orientation: "sex life or sexual orientation",
    SpecialCategory.criminal: "criminal convictions and offences",
    SpecialCategory.national_id: "national identification number",
}
CLAUSES = {
    Art28Clause.documented_instructions: "processes the data only on documented instructions",
    Art28Clause.confidentiality: "the people processing it are bound to confidentiality",
    Art28Clause.security: "takes the security measures of Art. 32",
    Art28Clause.sub_processors: "engages sub-processors only as Art. 28(2) and (4) allow",
    Art28Clause.data_subject_rights: "helps answer the data subjects' requests",
    Art28Clause.compliance_assistance: "helps with Art. 32 to 36 (security, breaches, DPIA)",
    Art28Clause.deletion_or_return: "deletes or returns the data when the service ends",
    Art28Clause.audits: "gives the information needed and allows audits",
}
FLOW_KINDS = {
    FlowKind.continuous: "continuous",
    FlowKind.batch: "batch",
    FlowKind.one_off: "one-off",
    FlowKind.migration: "migration",
}
ADEQUACY = {
    Adequacy.full: "adequacy decision",
    Adequacy.partial: "partial adequacy decision (for some recipients only)",
}


def mechanisms(values: tuple[str, ...]) -> str:
    """Transfer mechanisms as written (``("dpf", "sccs")``) in words, plain text."""
    if not values:
        return NO_MECHANISM
    return " and ".join(mechanism_text(TransferMechanism(v)) for v in values)


def contract_type(value: ContractType) -> str:
    return text(CONTRACT_TYPES[value])


def special(value: SpecialCategory) -> str:
    """``health data (Art. 9(1))``."""
    return text(f"{SPECIAL[value]} ({value.article})")


def dpia_status(value: str | None) -> str:
    return text(DPIA_STATUS_WORDS.get(value or "", value or ""))


def yes_no(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "no"


YES, NO, UNKNOWN = "✓", "✗", "?"
_MARKS = {YES: ("yes", "yes"), NO: ("no", "no"), UNKNOWN: ("unknown", "not documented")}


def mark(value: str) -> str:
    """A checklist mark, coloured by the stylesheet, said in words to a screen reader."""
    name, words = _MARKS[value]
    return f'<span class="ropa-mark ropa-{name}" title="{words}">{value}</span>'


@dataclass(frozen=True)
class Check:
    """One line of a checklist: its mark, what it says, what it answers (plain text)."""

    mark: str  # YES, NO or UNKNOWN
    label: str
    answers: str  # the provision the item answers


# (field, label when met, label when not, the Art. 32 item it answers, value that meets it)
_MEASURES: list[tuple[str, str, str, str, bool]] = [
    ("encryption_at_rest", "encrypted at rest", "not encrypted at rest",
     "Art. 32(1)(a): encryption of personal data", True),
    ("mfa", "multi-factor authentication", "no multi-factor authentication",
     "Art. 32(1)(b): ongoing confidentiality", True),
    ("internet_exposed", "not exposed to the internet", "exposed to the internet",
     "Art. 32(1)(b): ongoing confidentiality", False),
    ("monitoring", "monitored", "not monitored",
     "Art. 32(1)(b): integrity and resilience; Art. 33: a breach is noticed", True),
    ("alert_escalation", "alerts escalated", "no alert escalation",
     "Art. 33(1): a breach is notified within 72 hours", True),
    ("backups", "backed up", "no backups",
     "Art. 32(1)(c): availability and access restored in time", True),
    ("access_logging", "access logged", "no access logging",
     "Art. 32(1)(b), (d): who read or changed what, to test the measures", True),
]  # fmt: skip
_ACCESS = "Art. 32(1)(b), 32(4): each person identified"


def security_checklist(security: Security | None) -> list[Check]:
    """The Art. 32 measures of a system as ✓/✗ lines; ``?`` where nothing is said."""
    if security is None:
        return [Check(UNKNOWN, "security measures not documented", "Art. 32(1)")]
    modes = security.authentications
    if not modes:
        checks = [Check(UNKNOWN, "authentication not documented", _ACCESS)]
    else:
        words = ", ".join(AUTHENTICATION_PHRASES[m.value] for m in modes)
        strong = all(m is Authentication.individual for m in modes)
        checks = [Check(YES if strong else NO, words, _ACCESS)]
    for name, met, unmet, answers, good in _MEASURES:
        value = getattr(security, name)
        if value is None:
            checks.append(Check(UNKNOWN, f"{name.replace('_', ' ')}: not documented", answers))
        else:
            ok = value is good
            checks.append(Check(YES if ok else NO, met if ok else unmet, answers))
    return checks + [Check(YES, m, "Art. 32(1): other measure") for m in security.measures]


def checklist_table(security: Security | None) -> list[list[str]]:
    """Rows of a checklist table: mark, measure, the provision it answers (escaped)."""
    return [[mark(c.mark), text(c.label), text(c.answers)] for c in security_checklist(security)]


def checklist_inline(security: Security | None) -> str:
    """The checklist on one line, for a register card: ``✓ encrypted at rest · ✗ …``."""
    return " · ".join(f"{mark(c.mark)} {text(c.label)}" for c in security_checklist(security))
