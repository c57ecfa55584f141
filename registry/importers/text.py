"""Free text as people write it in registers, read into ropa's model.

Each reader returns what it understood *and* how, so the import report can show
the reading for the user to check ("7 years" read as retention P7Y). Nothing here
guesses silently: a text no rule recognises gives None and the caller reports it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from registry.core.model import Retention
from registry.importers.spreadsheet import country_code, parse_retention

# Values that say "nothing here" rather than giving a value.
NOTHING = frozenset(
    {
        "",
        "-",
        "—",
        "–",
        "n/a",
        "na",
        "n.a.",
        "none",
        "nil",
        "no",
        "not applicable",
        "nothing",
        "sans objet",
        "néant",
        "neant",
        "aucun",
        "aucune",
        "non applicable",
        "non",
        "n.v.t.",
        "nvt",
        "n.v.t",
        "geen",
        "keine",
        "entfallt",
        "/",
        "tbc",
        "tbd",
        "?",
    }
)
# Placeholders that say "to be completed": empty too, but left for the user.
TO_COMPLETE = frozenset({"tbc", "tbd", "?", "to be confirmed", "à compléter", "a completer"})


def _fold_char(char: str) -> str:
    if char in "’‘`´":
        return "'"
    base = unicodedata.normalize("NFKD", char)[:1].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower case without accents, one character for each of ``text`` (so that a match
    in the folded text is at the same place in the original): for comparing only."""
    return "".join(_fold_char(c) for c in " ".join(text.split()))


_NOTHING = frozenset(fold(n) for n in NOTHING) - frozenset(fold(n) for n in TO_COMPLETE)
_TO_COMPLETE = frozenset(fold(n) for n in TO_COMPLETE)


def says_nothing(text: str) -> bool:
    """ "None", "N/A", "néant", "n.v.t.": the cell says there is nothing."""
    return fold(text).strip().rstrip(".") in _NOTHING


def to_complete(text: str) -> bool:
    """ "TBD", "à compléter", "[X] months": a gap the source itself marks."""
    folded = fold(text).strip()
    return folded in _TO_COMPLETE or bool(re.search(r"\[(?:x|\.\.\.|…|todo|tbd)\]", folded))


_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
}
_UNITS = {
    "Y": (
        "year",
        "years",
        "yr",
        "yrs",
        "y",
        "an",
        "ans",
        "annee",
        "annees",
        "jaar",
        "jaren",
        "jahr",
        "jahre",
        "jahren",
    ),
    "M": (
        "month",
        "months",
        "mo",
        "mos",
        "mois",
        "maand",
        "maanden",
        "mnd",
        "monat",
        "monate",
        "monaten",
    ),
    "W": ("week", "weeks", "wk", "wks", "semaine", "semaines", "weken", "woche", "wochen"),
    "D": ("day", "days", "d", "jour", "jours", "dag", "dagen", "tag", "tage", "tagen"),
    "H": ("hour", "hours", "h", "hr", "hrs", "heure", "heures", "uur", "stunde", "stunden"),
}
_UNIT = {name: unit for unit, names in _UNITS.items() for name in names}
# A period: "7 years", "7yrs", "six months", "1 an et 6 mois", "3 years 6 months".
_PERIOD_PART = re.compile(
    r"(\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")\s*-?\s*([a-z]+)\b"
)
# What may come before a period without changing it (an upper bound is still the period).
_LEAD = re.compile(
    r"^(?:(?:kept|retained|stored|conserve(?:e|es|s)?|conservation|retention|duree|"
    r"for|pendant|durant|during|up to|maximum|max\.?|au maximum|au plus|jusqu'a|"
    r"at most|a maximum of|not more than|no more than|within|sous|de)\s+)+"
)
# Words that start the event a period is counted from.
_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:after|from|following|post|since|beyond|a compter de(?:s| la| l'| du)?|"
    r"a compter du|apres(?: la| le| l')?|a partir de(?: la| l'| du)?|a partir du|des la|"
    r"suivant(?: la| le)?|au-dela de(?: la| du)?|from the date of|as from|na|nach)\s*:?\s*"
)
_UNTIL = re.compile(
    r"^(?:kept |retained |stored )?(?:until|till|up until|jusqu'(?:a|au|aux)|tot|bis)\s+"
)
# "for the duration of the contract", "pendant la durée du contrat": until its end.
_DURING = re.compile(
    r"^(?:kept |retained |stored )?(?:for )?(?:the )?(?:whole )?(?:duration|life|term|length) "
    r"of\s+|^(?:pendant )?(?:toute )?(?:la )?duree (?=de |du |des )"
)
_FOREVER = re.compile(
    r"^(?:indefinite(?:ly)?|permanent(?:ly)?|forever|no (?:time )?limit|unlimited|"
    r"indefiniment|illimitee?|sans limit(?:e|ation)(?: de duree)?|a vie|definitive(?:ment)?)\b"
)
# "as long as the account is active": until it no longer is.
_WHILE = re.compile(r"^(?:kept |retained |stored )?(?:for )?(?:as long as|while|tant que)\s+")
# "duration of the contract + 3 years", "durée du contrat + 5 ans"
_PLUS = re.compile(r"^(?P<event>.+?)\s*\+\s*(?P<period>.+)$")


_RANGE = re.compile(r"^(\d+)\s*(?:-|–|—|to|a|à|tot|bis)\s*(\d+)(?=\s*[a-z])")


def _period(text: str) -> tuple[str, str] | None:
    """``7 years`` / ``1 an et 6 mois`` at the start of ``text`` → (ISO period, the rest);
    a range (``12–24 months``) gives its upper bound, the longest it may be kept."""
    parts: dict[str, int] = {}
    text = _RANGE.sub(lambda m: str(max(int(m[1]), int(m[2]))), text)
    rest = text
    while True:
        match = _PERIOD_PART.match(rest)
        if not match:
            break
        unit = _UNIT.get(match[2])
        if unit is None or unit in parts:
            break
        amount = match[1]
        parts[unit] = int(amount) if amount.isdigit() else _NUMBERS[amount]
        rest = rest[match.end() :]
        joiner = re.match(r"\s*(?:and|et|,)?\s*", rest)
        following = rest[joiner.end() :] if joiner else rest
        if not _PERIOD_PART.match(following):
            break
        rest = following
    if not parts:
        return None
    iso = "P" + "".join(f"{parts[u]}{u}" for u in "YMWD" if u in parts)
    if "H" in parts:
        iso += f"T{parts['H']}H"
    return iso, rest


def _original(text: str, folded_rest: str) -> str:
    """The tail of ``text`` (accents kept) that ``folded_rest`` is the folded form of."""
    size = len(folded_rest.rstrip())
    return " ".join(text.split())[-size:].strip() if size else ""


def read_retention(text: str) -> tuple[Retention, str | None] | None:
    """A retention from what people write: ``7 years``, ``6 mois après la fin du
    contrat``, ``until account deletion``, ``duration of contract + 6 years``,
    ``indefinitely``… → (the retention, how it was read; None when written in ropa's
    own form). None when the text gives no retention ropa can state."""
    text = " ".join(text.split())
    strict = parse_retention(text)
    if strict is not None and re.match(r"P[0-9T]|until |indefinite", text):
        return strict, None
    found = strict or _free_retention(text)
    if found is None:
        return None
    return found, f"retention {found}"


def _free_retention(text: str) -> Retention | None:
    source = None
    match = re.fullmatch(r"(?P<body>.*?)\s*\((?P<source>[^()]+)\)", text)
    if match and match["body"]:
        text, source = match["body"], match["source"].strip()
    folded = fold(text).rstrip(" .;")
    fields: dict[str, Any] | None = None
    if _FOREVER.match(folded):
        rest = _FOREVER.sub("", folded, count=1).strip(" :,-")
        fields = {"indefinite": True}
        if rest:
            fields["justification"] = _original(text.rstrip(" .;"), rest)
    elif plus := _PLUS.match(folded):
        period = _period(_LEAD.sub("", plus["period"]))
        if period is None or period[1].strip():
            return None
        event = " ".join(text.split())[: len(plus["event"])]
        fields = {"period": period[0], "after": _end_of(event)}
    elif during := _WHILE.match(folded):
        condition = _original(text.rstrip(" .;"), folded[during.end() :])
        negated = re.sub(r"\b(is|are)\b", r"\1 no longer", condition, count=1)
        if negated == condition:
            negated = re.sub(r"\b(est|sont)\b", r"n'\1 plus", condition, count=1)
        if negated == condition:
            negated = f"{condition} no longer holds"
        fields = {"until": negated}
    elif re.fullmatch(r"(?:the )?[\w-]+\s+(?:life(?:time)?|duration|term|lifespan)", folded):
        fields = {"until": _end_of(text.rstrip(" .;"))}  # "account lifetime"
    elif _DURING.match(folded):
        fields = {
            "until": _end_of(
                re.sub(
                    r"^(?:kept|retained|stored)\s+",
                    "",
                    " ".join(text.rstrip(" .;").split()),
                    flags=re.I,
                )
            )
        }
    elif until := _UNTIL.match(folded):
        event = _original(text.rstrip(" .;"), folded[until.end() :])
        if event:
            fields = {"until": event}
    else:
        lead = _LEAD.match(folded)
        body = folded[lead.end() :] if lead else folded
        period = _period(body)
        if period is not None:
            iso, rest = period
            rest = rest.strip(" ,;")
            fields = {"period": iso}
            if rest:
                after = _AFTER.match(rest)
                if not after or not rest[after.end() :].strip():
                    return None  # words after the period that are no event: not understood
                fields["after"] = _original(text.rstrip(" .;"), rest[after.end() :])
    if fields is None:
        return None
    if source:
        fields["source"] = source
    try:
        return Retention.model_validate(fields)
    except ValueError:
        return None


def _end_of(event: str) -> str:
    """``duration of the contract`` → ``end of the contract``; ``durée du contrat`` →
    ``fin du contrat``; ``account life`` → ``end of the account``: the event a "+ period"
    counts from."""
    event = event.strip()
    life = re.fullmatch(
        r"(?:the )?(?P<noun>[\w-]+)\s+(?:life(?:time)?|duration|term|length|lifespan)", event, re.I
    )
    if life:
        return f"end of the {life['noun'].lower()}"
    english = re.match(
        r"(?:for )?(?:the )?(?:whole )?(?:duration|term|life|length) of\s+", event, re.I
    )
    if english:
        return "end of " + event[english.end() :]
    french = re.match(r"(?:pendant )?(?:toute )?(?:la )?dur[ée]e\s+(?=d)", event, re.I)
    if french:
        return "fin " + event[french.end() :]
    return event


def read_country(text: str) -> str | None:
    """``UK``, ``USA``, ``United States``, ``France (FR)``, ``Royaume-Uni`` → ISO code."""
    code = country_code(text)
    if code is not None:
        return code
    return _FRENCH_COUNTRIES.get(fold(text))


_FRENCH_COUNTRIES = {  # and the Dutch and German names registers use
    "vs": "US",
    "verenigde staten": "US",
    "vereinigte staaten": "US",
    "usa": "US",
    "ierland": "IE",
    "irland": "IE",
    "duitsland": "DE",
    "deutschland": "DE",
    "frankrijk": "FR",
    "frankreich": "FR",
    "nederland": "NL",
    "niederlande": "NL",
    "verenigd koninkrijk": "GB",
    "grossbritannien": "GB",
    "etats-unis": "US",
    "etats unis": "US",
    "royaume-uni": "GB",
    "royaume uni": "GB",
    "allemagne": "DE",
    "espagne": "ES",
    "italie": "IT",
    "belgique": "BE",
    "suisse": "CH",
    "pays-bas": "NL",
    "irlande": "IE",
    "inde": "IN",
    "chine": "CN",
    "japon": "JP",
    "canada": "CA",
    "maroc": "MA",
    "tunisie": "TN",
    "bresil": "BR",
    "australie": "AU",
    "singapour": "SG",
    "israel": "IL",
    "pologne": "PL",
    "roumanie": "RO",
    "suede": "SE",
    "danemark": "DK",
    "norvege": "NO",
    "autriche": "AT",
    "portugal": "PT",
    "luxembourg": "LU",
}
