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
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    model_validator,
)

from registry.core.vocabulary import (
    Art9Condition,
    Art28Clause,
    Authentication,
    ContractType,
    FlowKind,
    LegalBasis,
    RecipientRole,
    SpecialCategory,
    TransferMechanism,
    is_iso_country,
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


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"id {value!r} must be kebab-case: lower-case letters and digits separated by '-'"
        )
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
    return value


def _check_duration(value: str) -> str:
    shown = repr(value) if len(value) <= 40 else repr(value[:30] + "…")
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"{shown} is not an ISO 8601 duration such as P10Y, P6M, P30D or PT24H")
    # No period of a register runs past the calendar: beyond that, dates cannot be added.
    if any(len(n) > 9 for n in match.groupdict().values() if n) or duration_days(value) > 3652500:
        raise ValueError(f"{shown} is longer than 10,000 years")
    return value


def _check_url(value: str) -> str:
    """Links reach the site: allow only http(s), mailto and relative paths."""
    lowered = value.strip().lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", lowered)
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
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
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
    """How long data is kept: an ISO 8601 period, optionally counted from an event.

    Written as a mapping, or as the short form ``P10Y`` / ``P3Y after end of contract``.
    """

    period: Duration
    after: Text | None = Field(None, description="event the period runs from, e.g. 'end of care'")
    source: Text | None = Field(None, description="legal source of the period")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            period, _, after = value.strip().partition(" after ")
            return (
                {"period": period.strip(), "after": after.strip() or None}
                if after
                else {"period": period.strip()}
            )
        return value

    def __str__(self) -> str:
        text = self.period + (f" after {self.after}" if self.after else "")
        return text + (f" ({self.source})" if self.source else "")


class Stored(Part):
    """One data category a system stores, with its retention."""

    category: Id
    retention: Retention | None = None
    subjects: list[Id] = Field(default_factory=list)


class Security(Part):
    """The Art. 32 measures of a system. Unset means 'not documented'."""

    encryption_at_rest: StrictBool | None = None
    authentication: Authentication | None = None
    mfa: StrictBool | None = None
    internet_exposed: StrictBool | None = None
    monitoring: StrictBool | None = None
    alert_escalation: StrictBool | None = None
    backups: StrictBool | None = None
    access_logging: StrictBool | None = None
    measures: list[Text] = Field(default_factory=list, description="other measures, in words")


class Purpose(Part):
    """One purpose of an activity with its own Art. 6(1) lawful basis."""

    purpose: Text
    legal_basis: LegalBasis | None = None
    legitimate_interests: Text | None = Field(
        None, description="the interests pursued, required with legitimate_interests"
    )
    lia: Url | None = Field(None, description="link to the legitimate interests assessment")


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
    mechanism: TransferMechanism
    reference: Text | None = None
    country: Country | None = None


class Scope(Part):
    activities: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    data_subjects: list[Id] = Field(default_factory=list)


class EntityRef(Part):
    kind: str
    id: Id


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
    aliases: list[Name] = Field(default_factory=list)
    description: Text | None = None
    website: Url | None = None
    identifiers: list[Text] = Field(
        default_factory=list, description="hostnames or dataset URIs of its services, globs"
    )


class DataCategory(Entity):
    kind: Literal["DataCategory"]
    name: Name
    parent: Id | None = None
    special: SpecialCategory | None = None
    description: Text | None = None
    aliases: list[Text] = Field(default_factory=list)
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
    country: Country | None = Field(None, description="hosting country")
    stores: list[Stored] = Field(default_factory=list)
    security: Security | None = None
    temporary: StrictBool = False
    delete_by: StrictDate | None = None
    identifiers: list[Text] = Field(
        default_factory=list, description="hostnames, dataset names, lineage namespaces, globs"
    )
    last_reviewed: Review | None = None
    review_every: Duration | None = None
    references: ClassVar = {
        "operator": ("Organisation",),
        "stores.category": ("DataCategory",),
        "stores.subjects": ("DataSubject",),
    }


class Activity(Entity):
    kind: Literal["Activity"]
    name: Name
    description: Text | None = None
    reference: Text | None = Field(None, description="the organisation's own reference number")
    business_function: Name | None = None
    controller: Id | None = None
    joint_controllers: list[Id] = Field(default_factory=list)
    purposes: list[Purpose] = Field(default_factory=list)
    art9_condition: Art9Condition | None = None
    art10_authority: Text | None = Field(
        None, description="Art. 10: the official authority or law authorising criminal data"
    )
    data_subjects: list[Id] = Field(default_factory=list)
    data_categories: list[Id] = Field(default_factory=list)
    systems: list[Id] = Field(default_factory=list)
    retention: list[CategoryRetention] = Field(default_factory=list)
    estimated_subjects: StrictInt | None = Field(None, ge=0)
    dpia: Dpia | None = None
    automated_decisions: Text | None = None
    source: Text | None = Field(None, description="where the personal data comes from")
    created: StrictDate | None = None
    last_reviewed: Review | None = None
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
    data_categories: list[Id] = Field(default_factory=list)
    data_subjects: list[Id] = Field(default_factory=list)
    # DESIGN.md calls this the flow's "kind"; `kind` already names the document type.
    type: FlowKind = FlowKind.continuous
    recipient_role: RecipientRole | None = Field(
        None, description="when `to` is an organisation: processor, controller or joint_controller"
    )
    contract: Id | None = None
    transfer: Transfer | None = None
    encrypted_in_transit: StrictBool | None = None
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
    parties: list[Id] = Field(default_factory=list, description="for joint-controller arrangements")
    signed: StrictDate | None = None
    expires: StrictDate | None = None
    scope: Scope | None = None
    art28_clauses: dict[Art28Clause, StrictBool] = Field(default_factory=dict)
    authorised_subprocessors: list[Id] = Field(default_factory=list)
    document: Url | None = None
    last_reviewed: Review | None = None
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
