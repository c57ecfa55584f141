"""What the repositories show, reconciled with the register: findings and coverage.

A service is *documented* by the organisations and systems that name it (see
:class:`RegisterIndex`), and *reached* when some flow goes to one of them (or to a
system such an organisation operates). A data store is documented by the system whose
identifiers name it, and then judged against what that system declares: its
countries and its encryption at rest.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from registry.core.findings import Finding
from registry.core.inventory import Inventory
from registry.core.model import System
from registry.core.position import Position
from registry.core.vocabulary import countries
from registry.discover.catalogue import DPF_LIST, UNKNOWN, Catalogue, DpfStatus, Vendor
from registry.discover.found import Problem, RepoScan, Sighting, Store
from registry.discover.hosts import identifier_host
from registry.rules.discover import (
    DISCOVERY_UNREADABLE,
    SERVICE_WITHOUT_FLOW,
    STORE_LOCATION_DIFFERS,
    STORE_OUTSIDE_EEA,
    STORE_UNENCRYPTED,
    UNDOCUMENTED_SERVICE,
    UNDOCUMENTED_STORE,
)

SERVICE, STORE = "Service", "Store"
DOCUMENTED, NO_FLOW, UNDOCUMENTED, NOT_USED = "documented", "no-flow", "undocumented", "not-used"
# Legal-form words that do not tell one company from another ("Stripe, Inc." is "Stripe").
LEGAL_FORMS = frozenset(
    {"ltd", "limited", "plc", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation"}
    | {"co", "company", "pbc", "sa", "sas", "sasu", "sarl", "eurl", "gmbh", "ag", "kg", "se"}
    | {"bv", "nv", "srl", "spa", "sl", "oy", "ou", "ab", "as", "aps", "kft", "pty", "unlimited"}
    | {"the"}
)


def name_key(name: str) -> str:
    """``stripe`` for "Stripe, Inc.": no case, accents, punctuation or legal form."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z0-9]+", plain)
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Profile:
    """What a service is matched and described by: a catalogue entry, or a third party
    only another scanner named."""

    id: str
    name: str
    type: str
    legal_entity: str | None
    country: str | None
    hosts: tuple[str, ...]
    names: frozenset[str]  # name keys: its name, legal entity, aliases
    data_categories: tuple[str, ...] = ()
    dpa: str | None = None
    subprocessors: str | None = None
    catalogued: bool = True
    dpf: DpfStatus | None = None  # the catalogue's finding, with its source and date

    @classmethod
    def of(cls, vendor: Vendor) -> Profile:
        known = [vendor.name, *vendor.aliases]
        if vendor.legal_entity != UNKNOWN:
            known.append(vendor.legal_entity)
        return cls(
            vendor.id,
            vendor.name,
            vendor.type,
            None if vendor.legal_entity == UNKNOWN else vendor.legal_entity,
            None if vendor.country == UNKNOWN else vendor.country,
            tuple(h.casefold() for h in vendor.hosts),
            frozenset(name_key(n) for n in known) - {""},
            tuple(vendor.data_categories),
            None if vendor.dpa == UNKNOWN else vendor.dpa,
            None if vendor.subprocessors == UNKNOWN else vendor.subprocessors,
            dpf=None if vendor.dpf == UNKNOWN else vendor.dpf,
        )

    @classmethod
    def unlisted(cls, ident: str, name: str, hosts: Iterable[str]) -> Profile:
        return cls(
            ident, name, "third party", None, None, tuple(sorted(set(hosts))),
            frozenset({name_key(name)}) - {""}, catalogued=False,
        )  # fmt: skip

    def describe(self) -> str:
        facts = [f for f in (self.legal_entity, self.country) if f]
        return f"{self.name} ({', '.join(facts)})" if facts else self.name


def _hosts_meet(a: str, b: str) -> bool:
    """Two hosts or host patterns that can name the same host."""
    return a == b or fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a)


class RegisterIndex:
    """The register's organisations and systems by what can name a service or a store."""

    def __init__(self, inventory: Inventory) -> None:
        self.inv = inventory
        self.names: dict[str, set[tuple[str, str]]] = {}
        self.identifiers: list[tuple[str, str, str, str | None]] = []  # kind, id, text, host
        for kind, entities in (
            ("Organisation", inventory.organisations),
            ("System", inventory.systems),
        ):
            for ident in sorted(entities):
                entity = entities[ident]
                for name in (entity.name, *getattr(entity, "aliases", ())):
                    key = name_key(name)
                    if key:
                        self.names.setdefault(key, set()).add((kind, ident))
                for identifier in entity.identifiers:
                    text = identifier.strip().casefold()
                    self.identifiers.append((kind, ident, text, identifier_host(text)))
        # what flows reach: organisations and systems named as a flow's `to`
        self.reached = {flow.to for flow in inventory.flows.values()}

    def documenting(self, profile: Profile, seen_hosts: Iterable[str]) -> list[tuple[str, str]]:
        """The organisations and systems that document ``profile`` (see DSC-001)."""
        found: set[tuple[str, str]] = set()
        if profile.id in self.inv.organisations:
            found.add(("Organisation", profile.id))
        if profile.id in self.inv.systems:
            found.add(("System", profile.id))
        hosts = set(profile.hosts) | set(seen_hosts)
        for kind, ident, text, host in self.identifiers:
            if text == profile.id or (host and any(_hosts_meet(host, h) for h in hosts)):
                found.add((kind, ident))
        for key in profile.names:
            found |= self.names.get(key, set())
        return sorted(found)

    def reaches(self, documenting: list[tuple[str, str]]) -> bool:
        """Whether a flow goes to one of them, or to a system a documenting
        organisation operates."""
        organisations = {ident for kind, ident in documenting if kind == "Organisation"}
        for kind, ident in documenting:
            if ident in self.reached:
                return True
            if kind == "System":
                operator = self.inv.systems[ident].operator
                if operator is not None:
                    organisations.add(operator)
        return any(
            system.operator in organisations and system.id in self.reached
            for system in self.inv.systems.values()
        )

    def system_of(self, store: Store) -> System | None:
        """The system whose identifiers name ``store`` (first by id)."""
        candidates = {store.address.casefold(), store.key.casefold()}
        if store.name:
            name = store.name.casefold()
            candidates.add(name)
            scheme = {"aws_s3_bucket": "s3", "google_storage_bucket": "gs"}.get(store.resource)
            if scheme:
                candidates |= {
                    f"{scheme}://{name}",
                    f"{scheme}a://{name}" if scheme == "s3" else "",
                }
            if store.resource == "azurerm_storage_account":
                candidates.add(f"{name}.blob.core.windows.net")
        candidates.discard("")
        for kind, ident, text, _host in self.identifiers:
            if kind != "System":
                continue
            bare = text.rstrip("/")
            if bare in candidates or any(
                fnmatch.fnmatchcase(c, bare) or c.startswith(bare + "/") for c in candidates
            ):
                return self.inv.systems[ident]
        return None


@dataclass
class ServiceCoverage:
    repository: str
    profile: Profile
    status: str  # documented | no-flow | undocumented | not-used
    documented_by: list[tuple[str, str]]
    first: Position
    places: int
    hows: tuple[str, ...]
    scopes: tuple[str, ...]
    hosts: tuple[str, ...]  # hosts seen in the repository

    def as_dict(self) -> dict:
        return {
            "repository": self.repository,
            "service": self.profile.id,
            "name": self.profile.name,
            "legal_entity": self.profile.legal_entity,
            "country": self.profile.country,
            "type": self.profile.type,
            # the catalogue's DPF fact, with where it comes from; the DPF List decides
            "dpf": (
                {**self.profile.dpf.model_dump(mode="json"), "authority": DPF_LIST}
                if self.profile.dpf
                else None
            ),
            "status": self.status,
            "documented_by": [f"{k}:{i}" for k, i in self.documented_by],
            "file": self.first.file,
            "line": self.first.line,
            "places": self.places,
            "seen_as": list(self.hows),
            "scopes": list(self.scopes),
        }


@dataclass
class StoreCoverage:
    store: Store
    system: str | None

    def as_dict(self) -> dict:
        s = self.store
        return {
            "store": s.key,
            "resource": s.resource,
            "provider": s.provider,
            "name": s.name,
            "region": s.region,
            "countries": list(s.countries),
            "encrypted": s.encrypted,
            "system": self.system,
            "file": s.pos.file,
            "line": s.pos.line,
        }


@dataclass
class Discovery:
    """What was discovered and how much of it the register documents."""

    repositories: int
    files: int
    services: list[ServiceCoverage] = field(default_factory=list)
    stores: list[StoreCoverage] = field(default_factory=list)
    references: int = 0  # register identifiers seen in the repositories
    unreadable: int = 0

    def count(self, status: str) -> int:
        return sum(1 for s in self.services if s.status == status)

    @property
    def used(self) -> int:
        return len(self.services) - self.count(NOT_USED)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.count(DOCUMENTED) / self.used if self.used else None

    @property
    def stores_documented(self) -> int:
        return sum(1 for s in self.stores if s.system)

    def as_dict(self) -> dict:
        return {
            "repositories": self.repositories,
            "files": self.files,
            "services_used": self.used,
            "services_documented": self.count(DOCUMENTED),
            "services_without_flow": self.count(NO_FLOW),
            "services_undocumented": self.count(UNDOCUMENTED),
            "services_not_used_at_run_time": self.count(NOT_USED),
            "percent": None if self.percent is None else round(self.percent, 1),
            "stores": len(self.stores),
            "stores_documented": self.stores_documented,
            "register_identifiers_seen": self.references,
            "unreadable": self.unreadable,
            "services": [s.as_dict() for s in self.services],
            "data_stores": [s.as_dict() for s in self.stores],
        }

    def __str__(self) -> str:
        share = "none used" if self.percent is None else f"{self.percent:.1f}%"
        return (
            f"discovery: {self.count(DOCUMENTED)} of {self.used} service(s) used documented "
            f"({share}), {self.count(NO_FLOW)} without a flow, {self.count(NOT_USED)} not used "
            f"at run time; {self.stores_documented} of {len(self.stores)} data store(s) "
            f"documented; {self.references} register identifier(s) seen; "
            f"{self.repositories} repositor{'y' if self.repositories == 1 else 'ies'}, "
            f"{self.files} file(s) read, {self.unreadable} unreadable"
        )


@dataclass
class Reconciliation:
    findings: list[Finding]
    discovery: Discovery


def _profiles(catalogue: Catalogue, sightings: list[Sighting]) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    for sighting in sightings:
        if sighting.vendor in profiles:
            continue
        vendor = catalogue.vendors.get(sighting.vendor)
        if vendor is not None:
            profiles[sighting.vendor] = Profile.of(vendor)
        else:
            hosts = [s.detail for s in sightings if s.vendor == sighting.vendor and "." in s.detail]
            profiles[sighting.vendor] = Profile.unlisted(sighting.vendor, sighting.name, hosts)
    return profiles


def _service_findings(
    index: RegisterIndex, scan: RepoScan, profiles: dict[str, Profile]
) -> tuple[list[Finding], list[ServiceCoverage]]:
    findings: list[Finding] = []
    coverage: list[ServiceCoverage] = []
    by_vendor: dict[str, list[Sighting]] = {}
    for sighting in scan.sightings:
        by_vendor.setdefault(sighting.vendor, []).append(sighting)
    for vendor_id in sorted(by_vendor):
        sightings = sorted(by_vendor[vendor_id], key=lambda s: (s.pos, s.detail))
        profile = profiles[vendor_id]
        used = [s for s in sightings if s.used]
        seen_hosts = {s.detail for s in sightings if s.how == "host"}
        documenting = index.documenting(profile, seen_hosts)
        first = (used or sightings)[0]
        if not used:
            status = NOT_USED
        elif not documenting:
            status = UNDOCUMENTED
        elif not index.reaches(documenting):
            status = NO_FLOW
        else:
            status = DOCUMENTED
        coverage.append(
            ServiceCoverage(
                scan.root,
                profile,
                status,
                documenting,
                first.pos,
                len(used or sightings),
                tuple(sorted({s.how for s in sightings})),
                tuple(sorted({s.scope for s in sightings})),
                tuple(sorted(seen_hosts)),
            )
        )
        others = len(used) - 1
        also = f"; also at {others} other place{'s' if others > 1 else ''}" if others else ""
        if status == UNDOCUMENTED:
            kind = f"{profile.type}, " if profile.catalogued else ""
            dpa = f", and its DPA ({profile.dpa})" if profile.dpa else ", and its DPA"
            findings.append(
                UNDOCUMENTED_SERVICE.finding(
                    f"{profile.describe()} receives personal data from this repository "
                    f"({kind}seen as {first.how} {first.detail}{also}), and no organisation or "
                    f"system of the register documents it: declare the Organisation "
                    f"(id {profile.id}, or {profile.id!r} among its identifiers), the Flow "
                    f"that sends it data{dpa}; `ropa discover --draft DIR` drafts them",
                    first.pos,
                    kind=SERVICE,
                    ident=profile.id,
                )
            )
        elif status == NO_FLOW:
            named = ", ".join(f"{k} {i}" for k, i in documenting)
            findings.append(
                SERVICE_WITHOUT_FLOW.finding(
                    f"{profile.describe()} is used here (seen as {first.how} {first.detail}"
                    f"{also}) and documented by {named}, but no flow sends data to it: declare "
                    f"the Flow (its activity and data categories) so that the record lists it "
                    f"among the recipients",
                    first.pos,
                    kind=SERVICE,
                    ident=profile.id,
                )
            )
    return findings, coverage


def _where(store: Store) -> str:
    region = f"region {store.region}" if store.region else "its region"
    countries_text = "the EEA" if store.countries == ("EEA",) else ", ".join(store.countries)
    return f"{region} ({countries_text})"


def _store_findings(index: RegisterIndex, store: Store) -> tuple[list[Finding], str | None]:
    eea = countries().eea
    system = index.system_of(store)
    what = f"{store.resource} {store.name or store.address}"
    if system is None:
        return [
            UNDOCUMENTED_STORE.finding(
                f"{what} ({_where(store) if store.countries else 'region not known'}) is named "
                f"by no system of the register: list {store.address!r} (or the store's name) "
                f"among a system's identifiers, or declare the system",
                store.pos,
                kind=STORE,
                ident=store.key,
            )
        ], None
    findings: list[Finding] = []
    declared = system.countries
    located = [c for c in store.countries if c != "EEA"]
    outside = bool(store.countries) and all(c not in eea and c != "EEA" for c in store.countries)
    if outside and declared and all(c in eea for c in declared):
        findings.append(
            STORE_OUTSIDE_EEA.finding(
                f"{what} of system {system.id} is in {_where(store)}, outside the EEA, but the "
                f"register hosts {system.id} in {', '.join(declared)}: move the store, or "
                f"declare the country and the transfer's safeguard",
                store.pos,
                kind=STORE,
                ident=store.key,
            )
        )
    elif declared and (missing := [c for c in located if c not in declared]):
        findings.append(
            STORE_LOCATION_DIFFERS.finding(
                f"{what} of system {system.id} is in {_where(store)}, and the register hosts "
                f"{system.id} in {', '.join(declared)}: add {', '.join(missing)} to its "
                f"country, or move the store",
                store.pos,
                kind=STORE,
                ident=store.key,
            )
        )
    declares_encryption = system.security is not None and system.security.encryption_at_rest
    if store.encrypted is False and declares_encryption:
        findings.append(
            STORE_UNENCRYPTED.finding(
                f"{what} of system {system.id} is not encrypted at rest ({store.encryption}), "
                f"but the register says {system.id} encrypts at rest: switch encryption on, "
                f"or correct the system's security",
                store.pos,
                kind=STORE,
                ident=store.key,
            )
        )
    return findings, system.id


def _problem_finding(problem: Problem) -> Finding:
    return DISCOVERY_UNREADABLE.finding(
        f"cannot be read, so what it declares is unknown: {problem.message}", problem.pos
    )


def reconcile_discovery(
    inventory: Inventory, catalogue: Catalogue, scans: list[RepoScan]
) -> Reconciliation:
    """Findings (unsorted, unwaived) and coverage for what ``scans`` found."""
    index = RegisterIndex(inventory)
    findings: list[Finding] = []
    discovery = Discovery(len(scans), sum(s.files for s in scans))
    for scan in scans:
        profiles = _profiles(catalogue, scan.sightings)
        service_findings, coverage = _service_findings(index, scan, profiles)
        findings += service_findings
        discovery.services += coverage
        for store in sorted(scan.stores, key=lambda s: (s.pos, s.address)):
            store_findings, system = _store_findings(index, store)
            findings += store_findings
            discovery.stores.append(StoreCoverage(store, system))
        findings += [_problem_finding(p) for p in scan.problems]
        discovery.references += len(scan.references)
        discovery.unreadable += len(scan.problems)
    return Reconciliation(findings, discovery)
