"""The vendor catalogue: services that receive personal data, and how code reveals them.

Shipped as data (``registry/data/vendors.yaml``, its JSON Schema beside the other
schemas) and extended by the user's own file (``discover: {catalogue: FILE}`` in
``ropa.yaml`` or ``ropa discover --catalogue FILE``), whose entries add to the shipped
ones or replace them by id. Each entry names the SDK packages per ecosystem, the API
hostnames, the legal entity and its country, the data the service typically receives
(ids of ropa's taxonomy), and — each dated or marked ``unknown`` — its EU-US Data
Privacy Framework certification (with the page that says so, the kind of source and
the date it was read) and the URLs of its DPA and sub-processor list. The catalogue's
DPF facts inform drafts and reports only: the transfer rules judge the register's own
``dpf`` on each Organisation, never the catalogue.

An entry covers clients it does not list by name in two ways: its ``namespaces``
(npm scopes, Go module prefixes, Maven groupIds, Packagist vendors its organisation
uses for the service's clients alone) and the catalogue's integration ``families``
(``socialiteproviders/{slug}``, ``omniauth-{slug}``…), whose slot its id or one of its
``slugs`` fills. A name an entry lists decides first; every other match says which
namespace or family made it, for the DPO to judge.

Facts the catalogue is not sure of are written ``unknown``: a wrong legal entity or a
stale DPF claim in a register is worse than a gap the DPO knows to fill.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from registry.core.errors import CannotRun
from registry.core.loader import LoadResult, LocatedList, LocatedMap, decode_yaml, load_text
from registry.core.model import Country, Id, Name, StrictDate, Text, Url
from registry.core.position import Position

UNKNOWN = "unknown"
ECOSYSTEMS = ("npm", "pypi", "go", "rubygems", "maven", "packagist", "cargo")
ServiceType = Literal[
    "analytics",
    "ads",
    "email",
    "sms",
    "push",
    "payments",
    "error-tracking",
    "logging-apm",
    "crm",
    "support",
    "identity",
    "ai",
    "maps",
    "cloud",
    "data",
    "communication",
    "productivity",
    "hr",
    "forms",
    "search",
    "feature-flags",
    "media",
    "consent",
    "cdn",
    "identity-verification",
    "shipping",
    "accounting",
]
Unknown = Literal["unknown"]
# A host pattern: a hostname, or a glob on one (`*.ingest.sentry.io`)
HostPattern = Annotated[str, Field(pattern=r"^[a-z0-9*][a-z0-9.*-]*\.[a-z*]{2,}$", max_length=253)]
Package = Annotated[str, Field(min_length=1, max_length=214)]
# The short name integrations give a service (`discord` in `socialiteproviders/discord`)
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$", max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Packages(_Strict):
    """SDK package names per ecosystem; `*` is a wildcard (`@aws-sdk/*`, `com.stripe:*`).
    Maven and Gradle write `group:artifact`; Go modules match by path prefix."""

    npm: list[Package] = Field(default_factory=list)
    pypi: list[Package] = Field(default_factory=list)
    go: list[Package] = Field(default_factory=list)
    rubygems: list[Package] = Field(default_factory=list)
    maven: list[Package] = Field(default_factory=list)
    packagist: list[Package] = Field(default_factory=list)
    cargo: list[Package] = Field(default_factory=list)


class Namespaces(_Strict):
    """Namespaces in which every package is a client of this one service, so that one
    entry covers the vendor's whole family of SDKs without listing each name. Only a
    namespace the vendor's organisation uses for its service's clients alone belongs
    here: not an organisation that also publishes generic libraries (GitHub's `google`,
    npm's `@vercel`, Maven's `com.google`), whose clients are listed by name instead.
    Names inside a namespace that are no client (a build plugin, a generic library)
    are listed in `not_clients`."""

    npm: list[Annotated[str, Field(pattern=r"^@[a-z0-9][a-z0-9._-]*$", max_length=214)]] = Field(
        default_factory=list, description="npm scopes (`@sentry`): every `@sentry/…` package"
    )
    go: list[Annotated[str, Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9._~-]+)+$")]] = (
        Field(
            default_factory=list,
            description="Go module path prefixes (`github.com/getsentry`), whole path segments",
        )
    )
    maven: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")]] = Field(
        default_factory=list,
        description="Maven groupIds (`io.sentry`), with their sub-groups (`io.sentry.x`)",
    )
    packagist: list[Annotated[str, Field(pattern=r"^[a-z0-9]([_.-]?[a-z0-9]+)*$")]] = Field(
        default_factory=list, description="Packagist vendor names (`stripe`: every `stripe/…`)"
    )
    not_clients: Packages = Field(
        default_factory=Packages,
        description="names (or `*` patterns) inside these namespaces that are not clients "
        "of the service",
    )


FlowKind = Literal[
    "sign-in",
    "notification-channel",
    "payment-gateway",
    "analytics",
    "model-provider",
    "file-storage",
    "shipping-carrier",
    "api-client",
]
FLOW_WORDS: dict[str, str] = {
    "sign-in": "a sign-in provider",
    "notification-channel": "a notification channel",
    "payment-gateway": "a payment gateway",
    "analytics": "an analytics destination",
    "model-provider": "an AI model provider",
    "file-storage": "a file storage provider",
    "shipping-carrier": "a shipping carrier",
    "api-client": "a client of the service's API",
}


class Family(_Strict):
    """A family of integration packages named after the service they connect to
    (`socialiteproviders/{slug}`, `omniauth-{slug}`), so that one entry covers the
    clients of every catalogued service whose slug (`slugs`, and always its id) fills
    the slot. A name whose slug is no catalogued service matches nothing."""

    id: Id
    name: Name
    ecosystem: Literal["npm", "pypi", "go", "rubygems", "maven", "packagist", "cargo"]
    patterns: list[
        Annotated[str, Field(pattern=r"^[^{}]*(\{slug\}[^{}]*)+$", min_length=7, max_length=214)]
    ] = Field(
        min_length=1,
        description="package names with a `{slug}` slot; a slot written twice takes the same "
        "value (`github.com/{slug}/{slug}-go`); `*` is any text within one name segment "
        "(`*:langchain4j-{slug}`: any Maven group)",
    )
    flow: FlowKind = Field(
        description="what using one member means: sign-in (the provider learns who signs "
        "in and when, and hands the application their profile), notification-channel "
        "(the service receives the recipients' addresses and the messages' content), "
        "payment-gateway (it receives the payer's identity and payment details), "
        "analytics (it receives visitors' events and identifiers), model-provider (it "
        "receives the prompts and documents sent to the model), file-storage (it stores "
        "the files users upload), shipping-carrier (it receives the recipients' names "
        "and addresses), api-client (the vendor's own SDK: what it receives "
        "depends on the calls the application makes)"
    )
    slugs: dict[Slug, Id] = Field(
        default_factory=dict,
        description="slots this family spells its own way, and the vendor each names "
        "(`google` is Gemini in `@ai-sdk/{slug}`, Google's APIs elsewhere)",
    )
    not_services: list[Slug] = Field(
        default_factory=list,
        description="members whose slot names no service (the family's base package, a "
        "generic protocol): never a match, even if a catalogue id is spelt the same",
    )
    distinctive_only: bool = Field(
        False,
        description="take only slots no vendor lists among its `common_words`: for "
        "families whose names anyone may publish (`github.com/*/{slug}`, `ruby-{slug}`), "
        "where `github.com/gorilla/mux` is a router, not Mux; such a family also comes "
        "after the vendors' namespaces",
    )
    not_members: list[Package] = Field(
        default_factory=list,
        description="names (or `*` patterns) that fit a pattern but are no client of the "
        "service the slot names: type declarations (`@types/*`), infrastructure-as-code "
        "providers and deployment adapters (`@pulumi/*`)",
    )
    notes: Text | None = None


DPF_LIST = "https://www.dataprivacyframework.gov/list"
DpfSource = Literal["dpf-list", "vendor-statement"]


class DpfStatus(_Strict):
    """What was found about the vendor's EU-US Data Privacy Framework certification,
    where and when: its entry on the DPF List (the authority), or the vendor's own
    statement (its DPA, privacy or data-transfer page), which only says what the vendor
    claims. Never a claim without the page it comes from and the date it was read."""

    certified: bool
    source: DpfSource = Field(
        description="dpf-list: its entry on the DPF List; vendor-statement: the "
        "vendor's own page saying so (not the authority: re-check the DPF List)"
    )
    reference: Url = Field(description="the DPF List entry, or the vendor's page")
    checked: StrictDate = Field(description="when that page was read")
    updated: StrictDate | None = Field(
        None, description="the page's own 'last modified' or 'last updated' date, if shown"
    )

    def describe(self) -> str:
        """One sentence a DPO can act on: what, from where, as of when, and that the
        DPF List decides."""
        state = "self-certified" if self.certified else "not certified"
        updated = f", page last modified {self.updated}" if self.updated else ""
        if self.source == "vendor-statement":
            return (
                f"{state} under the EU-US Data Privacy Framework according to the "
                f"vendor's own statement ({self.reference}{updated}; read {self.checked}); "
                f"not checked on the DPF List, which is the authority: confirm at {DPF_LIST}"
            )
        return (
            f"{'on' if self.certified else 'not on'} the DPF List as checked on "
            f"{self.checked} ({self.reference}); certification lapses, re-check at {DPF_LIST}"
        )


class Vendor(_Strict):
    id: Id
    name: Name
    type: ServiceType
    legal_entity: Name | Unknown = Field(
        description="the company providing the service (its parent where an affiliate "
        "contracts in the EEA: see the DPA)"
    )
    country: Country | Unknown = Field(description="where that company is established")
    data_categories: list[Id] = Field(
        default_factory=list, description="what it typically receives (taxonomy ids)"
    )
    packages: Packages = Field(default_factory=Packages)
    hosts: list[HostPattern] = Field(default_factory=list, description="its API hostnames")
    terraform: list[Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]] = Field(
        default_factory=list, description="Terraform provider types that manage it"
    )
    aliases: list[Name] = Field(default_factory=list, description="other names it goes by")
    namespaces: Namespaces | None = None
    slugs: list[Slug] = Field(
        default_factory=list,
        description="the names integration families give it besides its id (`twitter` "
        "for x-twitter in `omniauth-twitter`, `fcm` for firebase)",
    )
    common_words: list[Slug] = Field(
        default_factory=list,
        description="its id or slugs that are also ordinary words or common library names "
        "(`kit`, `mux`, `snowflake`): families open to any publisher "
        "(`distinctive_only`) never take them",
    )
    dpf: DpfStatus | Unknown
    dpa: Url | Unknown
    subprocessors: Url | Unknown
    notes: Text | None = None


class CatalogueFile(_Strict):
    reviewed: StrictDate = Field(description="when the entries were last reviewed")
    vendors: list[Vendor]
    families: list[Family] = Field(
        default_factory=list, description="integration families with a slot for a service"
    )


SCHEMA_PATH = "data/schemas/vendors.schema.json"


def json_schema() -> dict[str, Any]:
    """The catalogue file's JSON Schema (``registry/data/schemas/vendors.schema.json``)."""
    schema = CatalogueFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ropa vendor catalogue"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# --- matching --------------------------------------------------------------------------


def normalise_package(ecosystem: str, name: str) -> str:
    """A package name in the one spelling its registry treats as the same."""
    name = name.strip()
    if ecosystem == "pypi":
        return re.sub(r"[-_.]+", "-", name).casefold()
    if ecosystem == "cargo":
        return name.replace("_", "-").casefold()
    if ecosystem == "npm":
        return name  # npm names are lower-case; a capital is another package
    return name.casefold()


@dataclass
class _Patterns:
    exact: dict[str, str] = field(default_factory=dict)  # name → vendor id
    globs: list[tuple[re.Pattern[str], int, str]] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)  # Go module paths

    def add(self, pattern: str, vendor: str, *, prefix: bool = False) -> None:
        if "*" in pattern:
            literal = len(pattern.replace("*", ""))
            self.globs.append((re.compile(fnmatch.translate(pattern)), literal, vendor))
        elif prefix:
            self.prefixes.setdefault(pattern, vendor)
        else:
            self.exact.setdefault(pattern, vendor)


@dataclass(frozen=True, slots=True)
class PackageMatch:
    """A package recognised as a vendor's client, and by which rule: ``rule`` is empty
    for a name the vendor's entry lists, else the namespace or family that matched, in
    words a DPO can check (``namespace @sentry/* (only Sentry clients)``)."""

    vendor: str
    rule: str = ""


@dataclass(frozen=True, slots=True)
class _FamilyPattern:
    regex: re.Pattern[str]  # the pattern with its slot as a named group
    literal: int  # its text without slots, more for a slot that repeats: the highest wins
    pattern: str  # as written, for the message
    family: Family
    refused: frozenset[str]  # slots that name no service
    own: dict[str, str]  # slots the family spells its own way → vendor
    not_members: tuple[re.Pattern[str], ...]  # names that fit but are no client


def _literal(text: str) -> str:
    """A family pattern's text around its slots as a regex: `*` is any run of characters
    within one segment of the name (not across `/` or `:`)."""
    return "[^/:]*".join(re.escape(piece) for piece in text.split("*"))


def _ancestors(key: str, sep: str, shortest: int) -> list[str]:
    """``key`` and its shorter prefixes at ``sep``, longest first, down to ``shortest``
    parts (a Go module path and its parents, a Maven groupId and its parent groups)."""
    parts = key.split(sep)
    return [sep.join(parts[:end]) for end in range(len(parts), shortest - 1, -1)]


def _slot(slug: str) -> str:
    """A slug as families spell it either way (`microsoft_graph`, `microsoft-graph`)."""
    return re.sub(r"[-_.]+", "-", slug.casefold())


@dataclass
class Catalogue:
    """Vendors by id, with indexes from package names and hostnames to them."""

    vendors: dict[str, Vendor]
    reviewed: dt.date
    sources: tuple[str, ...] = ()
    families: dict[str, Family] = field(default_factory=dict)
    packages: dict[str, _Patterns] = field(default_factory=dict)
    host_exact: dict[str, str] = field(default_factory=dict)
    # `*.suffix` patterns by their suffix, and other globs by their last two labels
    host_suffix: dict[str, str] = field(default_factory=dict)
    host_globs: dict[str, list[tuple[re.Pattern[str], int, str]]] = field(default_factory=dict)
    terraform: dict[str, str] = field(default_factory=dict)
    # ecosystem → namespace (normalised) → vendor id; and the names in them that are not clients
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    not_clients: dict[str, _Patterns] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)  # slug (as `_slot` spells it) → vendor
    common_words: set[str] = field(default_factory=set)  # ids and slugs that are plain words
    # ecosystem → one row per family pattern
    family_patterns: dict[str, list[_FamilyPattern]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ecosystem in ECOSYSTEMS:
            self.packages[ecosystem] = _Patterns()
            self.not_clients[ecosystem] = _Patterns()
            self.namespaces[ecosystem] = {}
            self.family_patterns[ecosystem] = []
        for vendor in sorted(self.vendors.values(), key=lambda v: v.id):
            for ecosystem in ECOSYSTEMS:
                for name in getattr(vendor.packages, ecosystem):
                    self.packages[ecosystem].add(
                        normalise_package(ecosystem, name), vendor.id, prefix=ecosystem == "go"
                    )
            for host in vendor.hosts:
                self._add_host(host, vendor.id)
            for provider in vendor.terraform:
                self.terraform.setdefault(provider, vendor.id)
            if vendor.namespaces is not None:
                for ecosystem in ("npm", "go", "maven", "packagist"):
                    for namespace in getattr(vendor.namespaces, ecosystem):
                        self.namespaces[ecosystem].setdefault(namespace.casefold(), vendor.id)
                for ecosystem in ECOSYSTEMS:
                    for name in getattr(vendor.namespaces.not_clients, ecosystem):
                        self.not_clients[ecosystem].add(
                            normalise_package(ecosystem, name), vendor.id
                        )
            self.slugs.setdefault(_slot(vendor.id), vendor.id)
        for vendor in sorted(self.vendors.values(), key=lambda v: v.id):
            for slug in vendor.slugs:  # after every id: an id is never another's slug
                self.slugs.setdefault(_slot(slug), vendor.id)
            self.common_words.update(_slot(word) for word in vendor.common_words)
        for vendor in sorted(self.vendors.values(), key=lambda v: v.id):
            # a hyphenated id is also written solid (`lemonsqueezy-go`), last: never
            # another's id or slug, nor a short word (`d-id` is no `did`)
            solid = _slot(vendor.id).replace("-", "")
            if solid != _slot(vendor.id) and len(solid) >= 6 and solid not in self.common_words:
                self.slugs.setdefault(solid, vendor.id)
        for family in sorted(self.families.values(), key=lambda f: f.id):
            for pattern in family.patterns:
                parts = [normalise_package(family.ecosystem, p) for p in pattern.split("{slug}")]
                slots = [r"(?P<slug>[a-z0-9][a-z0-9._-]*?)"] + [r"(?P=slug)"] * (len(parts) - 2)
                regex = re.compile(
                    _literal(parts[0])
                    + "".join(
                        slot + _literal(part) for slot, part in zip(slots, parts[1:], strict=True)
                    ),
                    re.IGNORECASE,
                )
                self.family_patterns[family.ecosystem].append(
                    _FamilyPattern(
                        regex,
                        # the text it fixes, and each slot written again (it must repeat)
                        sum(len(part.replace("*", "")) for part in parts) + 100 * (len(parts) - 2),
                        pattern,
                        family,
                        frozenset(_slot(slug) for slug in family.not_services),
                        {_slot(slug): vendor for slug, vendor in family.slugs.items()},
                        tuple(
                            re.compile(fnmatch.translate(normalise_package(family.ecosystem, n)))
                            for n in family.not_members
                        ),
                    )
                )

    def _add_host(self, host: str, vendor: str) -> None:
        host = host.casefold()
        if "*" not in host:
            self.host_exact.setdefault(host, vendor)
        elif host.startswith("*.") and "*" not in host[2:]:
            self.host_suffix.setdefault(host[2:], vendor)
        else:
            tail = ".".join(host.split(".")[-2:])
            literal = len(host.replace("*", ""))
            regex = re.compile(fnmatch.translate(host))
            self.host_globs.setdefault(tail, []).append((regex, literal, vendor))

    def vendor_of_package(self, ecosystem: str, name: str) -> str | None:
        """The vendor whose client ``name`` is (see :meth:`match_package`)."""
        found = self.match_package(ecosystem, name)
        return found.vendor if found else None

    def match_package(self, ecosystem: str, name: str) -> PackageMatch | None:
        """The vendor whose client ``name`` is, and by which rule: a name an entry lists
        (exact, else the longest wildcard or Go module prefix), else a family member
        whose slot names a catalogued service, else a name in a vendor's namespace, else
        a member of a family open to any publisher (a `*` in its pattern, or
        `distinctive_only`)."""
        patterns = self.packages.get(ecosystem)
        if patterns is None:
            return None
        key = normalise_package(ecosystem, name)
        listed = self._listed(patterns, ecosystem, key)
        if listed is not None:
            return PackageMatch(listed)
        # a vendor's own namespace says more than a family open to any publisher (`*`)
        return (
            self._family_member(ecosystem, key, open_=False)
            or self._in_namespace(ecosystem, key)
            or self._family_member(ecosystem, key, open_=True)
        )

    @staticmethod
    def _listed(patterns: _Patterns, ecosystem: str, key: str) -> str | None:
        if key in patterns.exact:
            return patterns.exact[key]
        if ecosystem == "go":
            # a module path, or one of its major versions or packages (`…/stripe-go/v76`)
            for prefix in _ancestors(key, "/", 1):
                found = patterns.prefixes.get(prefix)
                if found is not None:
                    return found
        best: tuple[int, str] | None = None
        for regex, literal, vendor in patterns.globs:
            if regex.match(key) and (best is None or literal > best[0]):
                best = (literal, vendor)
        return best[1] if best else None

    def _family_member(self, ecosystem: str, key: str, *, open_: bool) -> PackageMatch | None:
        best: tuple[int, PackageMatch] | None = None
        # a Go module is matched with its major version and packages taken off too
        paths = [key, *_ancestors(key, "/", 3)[1:]] if ecosystem == "go" else [key]
        for row in self.family_patterns.get(ecosystem, ()):
            if ("*" in row.pattern or row.family.distinctive_only) != open_:
                continue
            matched = next(filter(None, (row.regex.fullmatch(path) for path in paths)), None)
            if matched is None or any(n.match(key) for n in row.not_members):
                continue
            slug = _slot(matched["slug"])
            if slug in row.refused or (row.family.distinctive_only and slug in self.common_words):
                continue
            vendor = row.own.get(slug) or self.slugs.get(slug)
            if vendor not in self.vendors:
                continue  # no catalogued service (or the family's own slot names one it lacks)
            # the longest literal wins: `omniauth-google-oauth2` is google's, by
            # `omniauth-{slug}-oauth2`, whatever `omniauth-{slug}` would make of it
            if best is None or row.literal > best[0]:
                rule = f"family {row.pattern} ({row.family.name}), {{slug}} = {slug}: "
                best = (row.literal, PackageMatch(vendor, rule + FLOW_WORDS[row.family.flow]))
        return best[1] if best else None

    def _in_namespace(self, ecosystem: str, key: str) -> PackageMatch | None:
        owners = self.namespaces.get(ecosystem)
        if not owners:
            return None
        if ecosystem == "npm":
            candidates = [key.split("/", 1)[0]] if key.startswith("@") and "/" in key else []
            shown = "{}/*"
        elif ecosystem == "packagist":
            candidates = [key.split("/", 1)[0]] if "/" in key else []
            shown = "{}/*"
        elif ecosystem == "go":
            candidates = _ancestors(key, "/", 2)
            shown = "{}/…"
        else:  # maven: the groupId, then its parent groups
            candidates = _ancestors(key.split(":", 1)[0], ".", 2)
            shown = "{}:*"
        for candidate in candidates:
            vendor = owners.get(candidate)
            if vendor is None:
                continue
            if self._listed(self.not_clients[ecosystem], ecosystem, key) is not None:
                return None
            name = self.vendors[vendor].name
            return PackageMatch(
                vendor, f"namespace {shown.format(candidate)} (only {name} clients)"
            )
        return None

    def vendor_of_host(self, host: str) -> str | None:
        """The vendor whose API hostname ``host`` is: an exact name first, then the
        longest pattern (so `maps.googleapis.com` is not taken by `*.googleapis.com`)."""
        host = host.casefold().rstrip(".")
        if host in self.host_exact:
            return self.host_exact[host]
        labels = host.split(".")
        best: tuple[int, str] | None = None
        tail = ".".join(labels[-2:])
        for regex, literal, vendor in self.host_globs.get(tail, ()):
            if regex.match(host) and (best is None or literal > best[0]):
                best = (literal, vendor)
        for start in range(1, len(labels) - 1):
            suffix = ".".join(labels[start:])
            vendor = self.host_suffix.get(suffix)
            if vendor is not None:
                literal = len(suffix) + 1
                if best is None or literal > best[0]:
                    best = (literal, vendor)
                break  # the longest suffix is found first
        return best[1] if best else None

    def vendor_of_terraform(self, provider: str) -> str | None:
        return self.terraform.get(provider.casefold())


# --- loading --------------------------------------------------------------------------


class CatalogueError(CannotRun):
    pass


def _walk(node: Any, loc: tuple) -> Position:
    pos = node.pos
    for step in loc:
        if isinstance(node, LocatedMap) and step in node:
            pos = node.value_positions[step]
            node = node[step]
        elif isinstance(node, LocatedMap) and isinstance(step, str):
            return node.key_positions.get(step, pos)
        elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
            pos = node.item_positions[step]
            node = node[step]
        else:
            break
    return pos


def parse(text: str, name: str) -> CatalogueFile:
    """One catalogue file's text, validated; a :class:`CatalogueError` naming the line
    of the first problem otherwise."""
    result = LoadResult()
    load_text(text, name, result)
    if result.problems:
        problem = result.problems[0]
        raise CatalogueError(f"{problem.pos}: {problem.message}")
    if len(result.documents) != 1 or not isinstance(result.documents[0].body, LocatedMap):
        raise CatalogueError(f"{name}: a catalogue is one mapping with `reviewed` and `vendors`")
    body = result.documents[0].body
    try:
        return CatalogueFile.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(p for p in first["loc"] if not str(p).startswith(("function-", "literal")))
        where = _walk(body, loc)
        field_name = ".".join(str(p) for p in loc)
        message = first["msg"].removeprefix("Value error, ")
        raise CatalogueError(f"{where}: {field_name}: {message}") from None


def _read(path: Path) -> str:
    try:
        return decode_yaml(path.read_bytes())
    except OSError as error:
        raise CatalogueError(f"cannot read catalogue {str(path)!r}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"catalogue {str(path)!r} is not UTF-8 text") from None


@cache
def _shipped() -> CatalogueFile:
    text = resources.files("registry").joinpath("data/vendors.yaml").read_text("utf-8")
    return parse(text, "vendors.yaml")


def load_catalogue(extra: tuple[Path, ...] = ()) -> Catalogue:
    """The shipped catalogue, extended (or overridden by id: vendors and families) by the
    user's files."""
    shipped = _shipped()
    vendors = {vendor.id: vendor for vendor in shipped.vendors}
    families = {family.id: family for family in shipped.families}
    reviewed = shipped.reviewed
    for path in extra:
        own = parse(_read(path), str(path))
        for vendor in own.vendors:
            vendors[vendor.id] = vendor
        for family in own.families:
            families[family.id] = family
    sources = ("vendors.yaml", *(str(p) for p in extra))
    return Catalogue(vendors, reviewed, sources=sources, families=families)


@cache
def shipped_catalogue() -> Catalogue:
    return load_catalogue()


if __name__ == "__main__":  # regenerate the shipped schema: python -m registry.discover.catalogue
    import sys

    sys.stdout.write(schema_text())
