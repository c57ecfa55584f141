"""The inventory model: one pydantic class per YAML ``kind``.

The field names are the public file format (DESIGN.md §4). Fields the GDPR
requires are mostly *optional here* on purpose: a missing purpose or legal basis
is reported by a rule that names the article and the fix, not by a bare
"field required" schema error. Unknown fields are always errors: nothing typed
into the YAML is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from sys import intern as _intern
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    Tag,
    ValidationError,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from registry.core.vocabulary import (
    Art9Condition,
    Art28Clause,
    Authentication,
    ContractType,
    FlowKind,
    FlowMedium,
    LegalBasis,
    RecipientRole,
    SpecialCategory,
    TransferMechanism,
    is_iso_country,
    vague_retention,
)

# --- constrained scalar types ---------------------------------------------------

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Names are any printable text ("R&D", "ETL -> DWH", "Backups <prod>"): every output
# escapes for its medium. Refused: control characters (C0, DEL, C1), line separators
# and bidi marks, overrides and isolates, which make a name read as something else.
_UNSAFE_NAME = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# Free text may span lines but never carries control or bidi-override characters.
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DURATION = re.compile(
    r"P(?!\Z)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?\Z"
)


# Ids already judged valid, each the one shared object: a register names each id many
# times (a system in every flow that reaches it), one dictionary look-up instead of the
# pattern. Kept for the process, so bounded (L's 145,000 ids fit); past it, the pattern.
_VALID_IDS: dict[str, str] = {}


def _check_id(value: str) -> str:
    known = _VALID_IDS.get(value)
    if known is not None and type(value) is str:
        return known
    if not _ID.match(value):
        raise ValueError(
            f"id {value!r} must be kebab-case: lower-case letters and digits separated by '-'"
        )
    if type(value) is not str:  # a str subclass is kept as it came
        return value
    # One object per id, however many files name it: the rules' lookups compare by identity
    # first (the located loader shares its scalars; the fast path's JSON does not).
    value = _intern(value)
    if len(_VALID_IDS) < 250_000:
        _VALID_IDS[value] = value
    return value


def _check_name(value: str) -> str:
    bad = _UNSAFE_NAME.search(value)
    if bad:
        raise ValueError(
            f"names may not contain U+{ord(bad.group()):04X}: "
            "no control, line-separator or bidirectional-override characters"
        )
    if not value.strip():
        raise ValueError("name is empty")
    return value


def _check_text(value: str) -> str:
    bad = _UNSAFE_TEXT.search(value)
    if bad:
        raise ValueError(
            f"text may not contain control or bidirectional-override character "
            f"U+{ord(bad.group()):04X}"
        )
    return value


def _check_country(value: str) -> str:
    if not (len(value) == 2 and value.isascii() and value.isupper() and is_iso_country(value)):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. FR, DE, US)")
    return _intern(value) if type(value) is str else value  # shared, as ids are


# Periods already judged valid, each kept once: a register repeats a handful of them
# thousands of times (bounded, should one be fed millions of distinct ones).
_VALID_DURATIONS: dict[str, str] = {}


def _check_duration(value: str) -> str:
    known = _VALID_DURATIONS.get(value)
    if known is not None:
        return known
    shown = repr(value) if len(value) <= 40 else repr(value[:30] + "…")
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"{shown} is not an ISO 8601 duration such as P10Y, P6M, P30D or PT24H")
    # No period of a register runs past the calendar: beyond that, dates cannot be added.
    if any(len(n) > 9 for n in match.groupdict().values() if n) or duration_days(value) > 3652500:
        raise ValueError(f"{shown} is longer than 10,000 years")
    if type(value) is str and len(_VALID_DURATIONS) < 10_000:
        _VALID_DURATIONS[value] = value
    return value


# Compiled once: validators run for every value of a large register.
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PERIOD_START = re.compile(r"P[0-9T]")


def _check_url(value: str) -> str:
    """Links reach the site: allow only http(s), mailto and relative paths."""
    lowered = value.strip().lower()
    scheme = _URL_SCHEME.match(lowered)
    if scheme and scheme.group(1) not in ("http", "https", "mailto"):
        raise ValueError(
            f"link scheme {scheme.group(1)!r} is not allowed (use https, mailto or a path)"
        )
    return _check_text(value)


@cache  # a register repeats a handful of periods thousands of times
def duration_days(value: str) -> float:
    """Approximate length of an ISO 8601 duration in days, for comparisons."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(value)
    part = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return (
        part["y"] * 365.25
        + part["mo"] * 30.44
        + part["w"] * 7
        + part["d"]
        + (part["h"] * 3600 + part["mi"] * 60 + part["s"]) / 86400
    )


def add_duration(start: dt.date, value: str) -> dt.date:
    try:
        return start + dt.timedelta(days=round(duration_days(value)))
    except OverflowError:  # past 9999-12-31: as good as never
        return dt.date.max


# The JSON Schema patterns (for editors) say in ECMA-262 what the validators check.
Id = Annotated[
    str,
    Field(json_schema_extra={"pattern": "^" + _ID.pattern[:-2] + "$"}),
    AfterValidator(_check_id),
]
Name = Annotated[str, Field(max_length=300), AfterValidator(_check_name)]
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_check_text)]
Country = Annotated[
    str, Field(json_schema_extra={"pattern": "^[A-Z]{2}$"}), AfterValidator(_check_country)
]
DURATION_PATTERN = r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$"
Duration = Annotated[
    str, Field(json_schema_extra={"pattern": DURATION_PATTERN}), AfterValidator(_check_duration)
]
Url = Annotated[str, Field(max_length=2_000), AfterValidator(_check_url)]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")]


def _distinct(values: list[Any]) -> list[Any]:
    repeated = sorted({str(v) for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return values


def new_list() -> list[Any]:
    """The default of a list field: ``Field(default_factory=new_list)``, not ``list``.

    pydantic asks each default factory's signature (does it take the validated data?);
    for the built-in ``list`` that means parsing its text signature with ``tokenize``,
    whose patterns are compiled on first use: ~2 % of the demo check's instructions,
    for the ~25 list fields of the models. A Python function answers from its code.
    """
    return []


# Union tags of a field written as one value or a list: the YAML's shape picks the branch,
# so an error names only the form written (the loader leaves the tags out of locations).
ONE, SEVERAL = "one", "several"


def _one_or_several(item: Any) -> Any:
    """One value, or a non-empty list of distinct values."""
    return Annotated[
        Annotated[item, Tag(ONE)]
        | Annotated[
            list[item],
            Field(min_length=1, json_schema_extra={"uniqueItems": True}),
            AfterValidator(_distinct),
            Tag(SEVERAL),
        ],
        Discriminator(lambda value: SEVERAL if isinstance(value, list) else ONE),
    ]


Countries = _one_or_several(Country)
Mechanisms = _one_or_several(TransferMechanism)
StrictDate = Annotated[
    dt.date,
    BeforeValidator(lambda v: _date_from_yaml(v)),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
]


def _date_from_yaml(value: Any) -> Any:
    """Dates arrive as strings (the loader keeps them so); accept only YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not _DATE.match(value):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a real calendar date ({error})") from None
    raise ValueError("a date is written YYYY-MM-DD")


# One shared set per combination of fields written: a large register holds hundreds of
# thousands of parts, each with its own copy of the same few sets (~25% of their memory).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


class Part(BaseModel):
    """Base of every model: unknown fields are errors, no coercion of types."""

    model_config = ConfigDict(extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        # Parts are read-only once validated (no field is ever assigned), so the set of
        # fields written can be shared between parts that wrote the same ones. (It must
        # stay a `set`: pydantic-core's serializer refuses a frozenset.)
        written = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(written), written)
        object.__setattr__(self, "__pydantic_fields_set__", shared)


# Parts already validated, by class and exact written form: a register repeats the same
# few `stores:` entries, retentions, `security:` blocks, reviews and purposes thousands
# of times. Bounded: past it, parts are validated one by one as before.
_SHARED: dict[tuple[type, Any], Any] = {}
_SHARED_LIMIT = 20_000


def _written_form(value: Any) -> Any:
    """An exact, hashable copy of a part as written, each value beside its type (so that
    1, 1.0 and true never meet; a float, whose -0.0 equals 0.0, is not copied); None for
    anything else, which is then validated as usual. A short form is its text."""
    if type(value) is str:
        return value
    if not isinstance(value, dict):
        return None
    form: list[Any] = []
    for key, item in value.items():
        kind = type(item)
        if type(key) is not str:
            return None
        if kind is str or kind is bool or kind is int or item is None:
            form.append((key, kind, item))
        elif isinstance(item, list):
            if not all(type(member) is str for member in item):
                return None
            form.append((key, list, tuple(item)))
        elif isinstance(item, dict):
            inner = _written_form(item)
            if inner is None or type(inner) is str:
                return None
            form.append((key, dict, inner))
        else:
            return None
    return tuple(form)


def _shared(model: type[Part]) -> Any:
    """``model`` as the type of a field: each written form validated once, and its one
    read-only part shared by every entry that writes it (as the loader shares its
    scalars). A part that fails is validated, and reported, each time."""

    def validate(value: Any, handler: Any) -> Any:
        form = _written_form(value)
        if form is None:
            return handler(value)
        key = (model, form)
        known = _SHARED.get(key)
        if known is None:
            known = handler(value)
            if len(_SHARED) < _SHARED_LIMIT:
                _SHARED[key] = known
        return known

    return Annotated[model, WrapValidator(validate)]


# --- nested parts -----------------------------------------------------------------


class Contact(Part):
    name: Name | None = None
    email: Email | None = None
    phone: Text | None = None
    address: Text | None = None


class Review(Part):
    """Who last re-read this entry, and when."""

    date: StrictDate
    by: Name


class Retention(Part):
    """How long data is kept: exactly one of an ISO 8601 `period` (optionally counted
    `after` an event), `until` the event that ends it, or `indefinite: true` with its
    `justification`; plus the `source` (the law or policy that sets it).

    Short forms: ``P10Y``, ``P3Y after end of contract``, ``until account deletion``,
    ``indefinite`` (a vague phrase such as ``provider default`` is read as ``until`` and
    flagged by RET-005).
    """

    period: Duration | None = None
    after: Text | None = Field(None, description="event the period runs from, e.g. 'end of care'")
    until: Text | None = Field(
        None, description="the event that ends it, e.g. 'account deletion', 'unsubscribe'"
    )
    indefinite: StrictBool | None = Field(
        None, description="kept with no end: say why in `justification`"
    )
    justification: Text | None = Field(None, description="why it is kept indefinitely")
    source: Text | None = Field(None, description="legal source of the period")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        # A register writes the same few short forms thousands of times: read once each.
        return dict(_short_retention(value)) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_form(self) -> Retention:
        # The common forms, passed without building the list below (run for every one).
        if self.justification is None and not self.indefinite:
            if self.period is not None and self.until is None:
                return self
            if self.until is not None and self.period is None and self.after is None:
                return self
        given = [name for name in _RETENTION_FORMS if getattr(self, name) not in (None, False)]
        if not given:
            raise PydanticCustomError("missing", f"no retention given: {_RETENTION_HELP}")
        if len(given) > 1:
            hint = (
                f" (to count a period from an event, write `period: …` with `after: {self.until}`)"
                if given == ["period", "until"]
                else ""
            )
            raise ValueError(
                f"retention gives both `{given[0]}` and `{given[1]}`; keep one of `period`, "
                f"`until` and `indefinite`{hint}"
            )
        if self.after is not None and self.period is None:
            raise ValueError(
                "`after` is the event a `period` runs from: add the `period`, or write "
                f"`until: {self.after}` if the event ends the retention"
            )
        if self.justification is not None and not self.indefinite:
            raise ValueError(
                "`justification` explains an `indefinite` retention; cite the law or policy "
                "behind a period or an event in `source`"
            )
        return self

    @property
    def vague(self) -> bool:
        """Words that give neither a period nor an event (RET-005)."""
        until, after = self.until, self.after  # (read for every retention: no generator)
        return (until is not None and vague_retention(until)) or (
            after is not None and vague_retention(after)
        )

    def __str__(self) -> str:
        if self.period is not None:
            text = self.period + (f" after {self.after}" if self.after else "")
        elif self.until is not None:
            text = self.until if vague_retention(self.until) else f"until {self.until}"
        else:
            text = "indefinite" + (f": {self.justification}" if self.justification else "")
        return text + (f" ({self.source})" if self.source else "")


_RETENTION_FORMS = ("period", "until", "indefinite")
_RETENTION_HELP = (
    "write `period: P10Y` (with `after: <event>` if it runs from one), `until: <the event "
    "that ends it>` (e.g. `until: account deletion`) or `indefinite: true` with its "
    "`justification`"
)


@lru_cache(maxsize=4096)
def _short_retention(text: str) -> tuple[tuple[str, Any], ...]:
    """:func:`retention_fields`, kept (a refused text is not: its error is raised anew)."""
    return tuple(retention_fields(text).items())


def retention_fields(text: str) -> dict[str, Any]:
    """The short form of a retention as its fields: ``P10Y``, ``P3Y after end of contract``,
    ``until account deletion``, ``indefinite`` or ``indefinite: <justification>``.

    A vague phrase (``provider default``) is kept as ``until`` so that it loads and RET-005
    can warn; other words are refused with what to write.
    """
    text = text.strip()
    lowered = text.casefold()
    head, colon, rest = text.partition(":")
    if head.strip().casefold() in ("indefinite", "indefinitely"):
        return {"indefinite": True} | ({"justification": rest.strip()} if colon else {})
    if lowered.startswith("until "):
        return {"until": text[len("until ") :].strip()}
    if _PERIOD_START.match(text):
        period, _, after = text.partition(" after ")
        return {"period": period.strip()} | ({"after": after.strip()} if after.strip() else {})
    if vague_retention(text):
        return {"until": text}
    raise ValueError(
        f"{text!r} is not a retention: write an ISO 8601 period (`P10Y`, `P3Y after end "
        "of contract`), `until <event>` (`until account deletion`) or `indefinite` with "
        "its justification (`{indefinite: true, justification: …}`)"
    )


_SharedRetention = _shared(Retention)


class Stored(Part):
    """One data category a system stores, with its retention."""

    category: Id
    retention: _SharedRetention | None = None
    subjects: list[Id] = Field(default_factory=new_list)


class Security(Part):
    """The Art. 32 measures of a system. Unset means 'not documented'."""

    encryption_at_rest: StrictBool | None = None
    authentication: Authentication | Annotated[list[Authentication], Field(min_length=1)] | None = (
        Field(
            None,
            description="individual, shared or none; a list where several apply (an "
            "unauthenticated public area beside shared accounts: [none, shared])",
        )
    )
    mfa: StrictBool | None = None
    internet_exposed: StrictBool | None = None
    monitoring: StrictBool | None = None
    alert_escalation: StrictBool | None = None
    backups: StrictBool | None = None
    access_logging: StrictBool | None = None
    measures: list[Text] = Field(default_factory=new_list, description="other measures, in words")

    @field_validator("authentication", mode="wrap")
    @classmethod
    def _one_error(cls, value: Any, handler: Any) -> Any:
        # One message for a bad value, not one per member of the union (value or list).
        try:
            return handler(value)
        except ValidationError:
            allowed = ", ".join(a.value for a in Authentication)
            if value == []:
                raise ValueError(f"name at least one of {allowed}, or leave it out") from None
            values = value if isinstance(value, list) else [value]
            wrong = [v for v in values if v not in list(Authentication)]
            shown = repr(wrong[0]) if wrong else repr(value)
            raise ValueError(f"{shown} is not one of {allowed} (or a list of them)") from None

    @property
    def authentications(self) -> tuple[Authentication, ...]:
        """Every way in, as written (one value or a list)."""
        value = self.authentication
        return () if value is None else tuple(value) if isinstance(value, list) else (value,)

    @property
    def weakest_authentication(self) -> Authentication | None:
        """The way in the rules judge: a system is as open as its weakest entrance."""
        return min(self.authentications, key=lambda a: a.strength, default=None)


class Purpose(Part):
    """One purpose of an activity with its own Art. 6(1) lawful basis."""

    purpose: Text
    legal_basis: LegalBasis | None = None
    legitimate_interests: Text | None = Field(
        None, description="the interests pursued, required with legitimate_interests"
    )
    lia: Url | None = Field(None, description="link to the legitimate interests assessment")
    law: Text | None = Field(
        None,
        description="Art. 6(3): the Union or member-state law behind a legal_obligation or "
        "public_task basis, e.g. 'Code du travail art. L.3243-4'",
    )


class CategoryRetention(Retention):
    """Retention of one data category within an activity."""

    category: Id

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:  # no short form: the category must be named
        return value


class Dpia(Part):
    reference: Text | None = None
    date: StrictDate | None = None
    link: Url | None = None
    status: Literal["not_required", "planned", "in_progress", "completed"] | None = None


class Transfer(Part):
    """The Chapter V ground of a flow leaving the EEA: one mechanism, or several relied on
    together (``[dpf, sccs]``: DPF certification, with SCCs signed as well)."""

    mechanism: Mechanisms
    reference: Text | None = None
    country: Country | None = None

    @property
    def mechanisms(self) -> tuple[TransferMechanism, ...]:
        """Every mechanism written, in the order written."""
        return tuple(self.mechanism) if isinstance(self.mechanism, list) else (self.mechanism,)


class Dpf(Part):
    """Certification under the EU-US Data Privacy Framework (Commission decision (EU)
    2023/1795), as read on the DPF List: the US adequacy decision covers only certified
    organisations, from their certification until they leave the List."""

    since: StrictDate = Field(description="date of (original) certification on the DPF List")
    verified: StrictDate | None = Field(None, description="when the DPF List was last checked")
    withdrawn: StrictDate | None = Field(None, description="when it left the DPF List")
    reference: Url = Field(description="its entry on the DPF List")

    def in_force(self, on: dt.date) -> bool:
        return self.since <= on and (self.withdrawn is None or on < self.withdrawn)


class GeneralAuthorisation(Part):
    """Art. 28(2): the controller's general written authorisation of sub-processors, by
    reference to the list the processor publishes; it must inform the controller of
    changes in time to object (``notice``)."""

    published_list: Url = Field(
        alias="list", description="where the processor publishes its sub-processors"
    )
    notice: Duration | None = Field(
        None, description="advance notice of a new sub-processor, to object (e.g. P30D)"
    )


class Scope(Part):
    activities: list[Id] = Field(default_factory=new_list)
    data_categories: list[Id] = Field(default_factory=new_list)
    data_subjects: list[Id] = Field(default_factory=new_list)


class EntityRef(Part):
    kind: str
    id: Id


_SharedStored = _shared(Stored)
_SharedSecurity = _shared(Security)
_SharedReview = _shared(Review)
_SharedPurpose = _shared(Purpose)
_SharedCategoryRetention = _shared(CategoryRetention)
_SharedDpia = _shared(Dpia)
_SharedTransfer = _shared(Transfer)


# --- the kinds --------------------------------------------------------------------


class Entity(Part):
    """Common to every kind: its ``kind`` and a kebab-case ``id`` unique per kind."""

    kind: str
    id: Id
    # Which fields hold references, to which kinds (used for resolution and backlinks).
    references: ClassVar[dict[str, tuple[str, ...]]] = {}

    @property
    def label(self) -> str:
        return getattr(self, "name", None) or self.id


class Organisation(Entity):
    kind: Literal["Organisation"]
    name: Name
    country: Country | None = None
    address: Text | None = None
    contact: Contact | None = None
    dpo: Contact | None = None
    representative: Contact | None = Field(
        None, description="Art. 27 representative in the EU, for controllers established outside it"
    )
    targets_eu: StrictBool | None = Field(
        None,
        description="for a controller established outside the EEA: whether it offers goods or "
        "services to, or monitors the behaviour of, people in the Union (Art. 3(2)); false "
        "says the GDPR does not reach it there, so no Art. 27 representative is owed. "
        "Unset is read as possibly targeting (R30-002 still asks)",
    )
    aliases: list[Name] = Field(default_factory=new_list)
    description: Text | None = None
    website: Url | None = None
    identifiers: list[Text] = Field(
        default_factory=new_list, description="hostnames or dataset URIs of its services, globs"
    )
    dpf: Dpf | None = Field(None, description="its EU-US Data Privacy Framework certification")
    keeps_record: StrictBool = Field(
        False, description="this register is (part of) this organisation's own Art. 30 record"
    )
    public_authority: StrictBool = Field(
        False,
        description="a public authority or body: it must designate a DPO (Art. 37(1)(a)) and "
        "cannot rely on legitimate interests for its tasks (Art. 6(1), last subparagraph). "
        "Courts acting in their judicial capacity are exempt from the DPO duty: waive that "
        "finding for a court's judicial activities, giving this reason",
    )


class DataCategory(Entity):
    kind: Literal["DataCategory"]
    name: Name
    parent: Id | None = None
    special: SpecialCategory | None = None
    description: Text | None = None
    aliases: list[Text] = Field(default_factory=new_list)
    references: ClassVar = {"parent": ("DataCategory",)}


class DataSubject(Entity):
    kind: Literal["DataSubject"]
    name: Name
    vulnerable: StrictBool = False
    description: Text | None = None


class System(Entity):
    kind: Literal["System"]
    name: Name
    description: Text | None = None
    owner: Name | None = Field(None, description="the team responsible for it")
    operator: Id | None = Field(
        None, description="the organisation that runs it: a processor if not the controller"
    )
    country: Countries | None = Field(
        None, description="hosting country, or every country it is hosted in"
    )
    regions: list[Text] = Field(
        default_factory=new_list, description="cloud regions, for the reader"
    )
    accessed_from: list[Country] = Field(
        default_factory=new_list,
        description="countries it is reached from without being hosted there "
        "(remote support, administration)",
    )
    stores: list[_SharedStored] = Field(default_factory=new_list)
    security: _SharedSecurity | None = None
    temporary: StrictBool = False
    delete_by: StrictDate | None = None
    identifiers: list[Text] = Field(
        default_factory=new_list, description="hostnames, dataset names, lineage namespaces, globs"
    )
    last_reviewed: _SharedReview | None = None
    review_every: Duration | None = None
    references: ClassVar = {
        "operator": ("Organisation",),
        "stores.category": ("DataCategory",),
        "stores.subjects": ("DataSubject",),
    }

    @property
    def transient(self) -> bool:
        """Declared to keep nothing (`stores: []`): data only passes through it. Leaving
        `stores` out means not documented, which is not the same."""
        return not self.stores and "stores" in self.model_fields_set

    @property
    def countries(self) -> tuple[str, ...]:
        """The hosting countries written (none when it has no `country`)."""
        if isinstance(self.country, list):
            return tuple(self.country)
        return (self.country,) if self.country else ()


class Activity(Entity):
    kind: Literal["Activity"]
    name: Name
    description: Text | None = None
    reference: Text | None = Field(None, description="the organisation's own reference number")
    business_function: Name | None = None
    controller: Id | None = None
    joint_controllers: list[Id] = Field(default_factory=new_list)
    purposes: list[_SharedPurpose] = Field(default_factory=new_list)
    art9_condition: Art9Condition | None = None
    art10_authority: Text | None = Field(
        None, description="Art. 10: the official authority or law authorising criminal data"
    )
    national_id_law: Text | None = Field(
        None, description="Art. 87: the law allowing the national identification number (NIR, BSN)"
    )
    systematic_monitoring: StrictBool = Field(
        False, description="regular and systematic monitoring of data subjects (Art. 37(1)(b))"
    )
    data_subjects: list[Id] = Field(default_factory=new_list)
    data_categories: list[Id] = Field(default_factory=new_list)
    systems: list[Id] = Field(default_factory=new_list)
    retention: list[_SharedCategoryRetention] = Field(default_factory=new_list)
    estimated_subjects: StrictInt | None = Field(None, ge=0)
    dpia: _SharedDpia | None = None
    automated_decisions: Text | None = None
    source: Text | None = Field(None, description="where the personal data comes from")
    created: StrictDate | None = None
    last_reviewed: _SharedReview | None = None
    review_every: Duration | None = None
    references: ClassVar = {
        "controller": ("Organisation",),
        "joint_controllers": ("Organisation",),
        "data_subjects": ("DataSubject",),
        "data_categories": ("DataCategory",),
        "systems": ("System",),
        "retention.category": ("DataCategory",),
    }


class Flow(Entity):
    kind: Literal["Flow"]
    name: Name | None = None
    description: Text | None = None
    activity: Id
    source: Id = Field(alias="from", description="a system, or a data subject as the source")
    to: Id = Field(description="a system or an organisation")
    data_categories: list[Id] = Field(default_factory=new_list)
    data_subjects: list[Id] = Field(default_factory=new_list)
    # DESIGN.md calls this the flow's "kind"; `kind` already names the document type.
    type: FlowKind = FlowKind.continuous
    recipient_role: RecipientRole | None = Field(
        None,
        description="how the receiving organisation (or the operator of the receiving "
        "system) stands to the controller: processor, controller or joint_controller",
    )
    contract: Id | None = None
    transfer: _SharedTransfer | None = None
    encrypted_in_transit: StrictBool | None = None
    medium: FlowMedium = Field(
        FlowMedium.electronic,
        description="electronic (the default) or paper: forms posted or handed in, printed "
        "lists; encryption in transit (SEC-006) does not apply to paper, its Art. 32 "
        "measures are physical (locked storage, restricted handling)",
    )
    procedure: Url | None = Field(
        None, description="documented procedure (required for migrations)"
    )
    references: ClassVar = {
        "activity": ("Activity",),
        "from": ("System", "DataSubject"),
        "to": ("System", "Organisation"),
        "data_categories": ("DataCategory",),
        "data_subjects": ("DataSubject",),
        "contract": ("Contract",),
    }


class Contract(Entity):
    kind: Literal["Contract"]
    name: Name | None = None
    type: ContractType
    controller: Id | None = None
    processor: Id | None = None
    parties: list[Id] = Field(
        default_factory=new_list, description="for joint-controller arrangements"
    )
    signed: StrictDate | None = None
    accepted: StrictDate | None = Field(
        None, description="the date an online DPA was accepted (click-through), Art. 28(9)"
    )
    expires: StrictDate | None = None
    scope: Scope | None = None
    art28_clauses: dict[Art28Clause, StrictBool] = Field(default_factory=dict)
    authorised_subprocessors: list[Id] = Field(
        default_factory=new_list, description="specific authorisation of sub-processors"
    )
    general_authorisation: GeneralAuthorisation | None = Field(
        None, description="general authorisation of the sub-processors on a published list"
    )
    document: Url | None = None
    last_reviewed: _SharedReview | None = None
    review_every: Duration | None = None
    references: ClassVar = {
        "controller": ("Organisation",),
        "processor": ("Organisation",),
        "parties": ("Organisation",),
        "scope.activities": ("Activity",),
        "scope.data_categories": ("DataCategory",),
        "scope.data_subjects": ("DataSubject",),
        "authorised_subprocessors": ("Organisation",),
    }


class Waiver(Entity):
    kind: Literal["Waiver"]
    rule: Text
    entity: Text = Field(description="the entity waived, as kind:id, e.g. System:old-lis")
    reason: Text | None = None
    approved_by: Name | None = None
    expires: StrictDate | None = None


KINDS: dict[str, type[Entity]] = {
    cls.__name__: cls
    for cls in (Organisation, DataCategory, DataSubject, System, Activity, Flow, Contract, Waiver)
}
