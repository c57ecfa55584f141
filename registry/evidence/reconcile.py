"""Reconcile observed data movements with the declared flows.

Observed endpoints are matched to systems (and organisations) through their
``identifiers``: exact names, hostnames, dataset URIs or namespaces, and glob
patterns; the most specific identifier wins (see Matcher.match). Every movement
from a system to another endpoint that no declared flow explains becomes an LIN-001
finding with the YAML to add; endpoints that match nothing become LIN-002. Memory
stays bounded by the number of distinct movements, never by the size of the evidence.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from registry.core.findings import Finding
from registry.core.inventory import Inventory
from registry.core.loader import resolve_plain
from registry.core.position import Position
from registry.core.vocabulary import FlowMedium
from registry.evidence.files import read_evidence
from registry.evidence.observed import (
    Endpoint,
    EvidenceNote,
    EvidenceProblem,
    Observation,
    Tally,
    file_uri,
    ip_address,
)
from registry.rules.evidence import (
    AMBIGUOUS_IDENTIFIER,
    EVIDENCE_INCOMPLETE,
    EVIDENCE_UNREADABLE,
    NO_EVIDENCE_READ,
    UNDOCUMENTED_CATEGORIES,
    UNDOCUMENTED_FLOW,
    UNDOCUMENTED_SYSTEM,
    UNKNOWN_OBSERVED_CATEGORY,
)

_GLOB = re.compile(r"[*?\[]")
_SLUG = re.compile(r"[^a-z0-9]+")
MAX_UNKNOWN_ENDPOINTS = 10_000  # distinct unknown endpoints tracked one by one
MAX_MATCH_CACHE = 4_096  # endpoints; cleared when full, so memory stays flat
MAX_CATEGORIES_PER_MOVEMENT = 64
# A run's events (START, RUNNING, COMPLETE) are counted once: the movements of the
# most recent runs are remembered, least recently seen forgotten first. A run's
# events come minutes apart, close together in the evidence (thousands of runs
# would have to interleave to separate them), so this bound keeps memory flat for
# any file; a run whose events lie further apart than this many run movements
# counts again (an over-count, never a movement lost).
MAX_RECENT_RUN_MOVEMENTS = 4_096  # ~300 bytes each: about 1 MiB at most
OBSERVED = "Observed"  # the entity kind of findings about evidence


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    """What an endpoint was matched to: a System, an Organisation, or Unknown."""

    kind: str
    id: str

    @property
    def known(self) -> bool:
        return self.kind != "Unknown"


@dataclass(slots=True)
class _Seen:
    count: int
    pos: Position
    # each category observed on the movement → (where first seen, how often)
    categories: dict[str, tuple[Position, int]] = field(default_factory=dict)
    directed: bool = False  # seen as a movement one way, not only as network connections
    first_seen: str = ""  # as the evidence writes times (ISO 8601 sorts as text)
    last_seen: str = ""


@dataclass(slots=True)
class _Unknown:
    """An endpoint that matches nothing, as LIN-002 reports it: an OpenLineage dataset
    or job by its full name, any other endpoint by its host (else its text)."""

    group: str  # what movements to it are reported as (a dataset's namespace)
    sample: str  # the endpoint's full text
    pos: Position  # where first seen
    job: bool  # an OpenLineage job
    dataset: str  # the name of an OpenLineage dataset, "" otherwise
    aliases: tuple[str, ...]  # its other names (symlinks), for LIN-002 to say
    count: int = 0  # records (events, rows by their count) it appears in
    last: Position | None = None  # the last record counted: an event counts once

    @property
    def lineage(self) -> bool:
        """An OpenLineage dataset or job, counted in events (not in connections)."""
        return self.job or bool(self.dataset)


class _RecentRuns:
    """The movements already counted for recent runs (a bounded LRU: see
    MAX_RECENT_RUN_MOVEMENTS), with the categories counted for each when there are any."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counted: OrderedDict[tuple[str, Ref, Ref], set[str] | None] = OrderedDict()

    def seen(self, run: str, source: Ref, target: Ref) -> bool:
        """Whether this run's movement was counted already (it is from now on)."""
        key = (run, source, target)
        if key in self.counted:
            self.counted.move_to_end(key)
            return True
        self.counted[key] = None  # most runs carry no categories: no set for them
        if len(self.counted) > self.limit:
            self.counted.popitem(last=False)
        return False

    def categories(self, run: str, source: Ref, target: Ref) -> set[str]:
        """The categories counted for this run's movement (just marked seen)."""
        key = (run, source, target)
        found = self.counted.get(key)
        if found is None:
            found = self.counted[key] = set()
        return found


@dataclass(frozen=True)
class Coverage:
    """How much of what was observed the register documents."""

    files: int
    movements: int  # distinct movements from a system to another endpoint
    documented: int  # of those, explained by a declared flow
    observations: int  # how often those movements were seen (rows by count, runs once)
    documented_observations: int
    total_observations: int  # everything read, inbound and internal movements included
    unknown_endpoints: int
    internal: int  # movements inside one system (not flows)
    inbound: int  # movements from outside the register into it (not flows of ours)
    records: int = 0  # events and rows read
    skipped: int = 0  # records that could not be read (each an LIN-004 finding)

    @property
    def percent(self) -> float | None:
        """None when there is nothing to measure: 0 of 0 is not full coverage."""
        return 100.0 * self.documented / self.movements if self.movements else None

    def as_dict(self) -> dict[str, int | float]:
        return {
            "files": self.files,
            "movements": self.movements,
            "documented": self.documented,
            "percent": None if self.percent is None else round(self.percent, 1),
            "observations": self.observations,
            "documented_observations": self.documented_observations,
            "total_observations": self.total_observations,
            "unknown_endpoints": self.unknown_endpoints,
            "internal": self.internal,
            "inbound": self.inbound,
            "records": self.records,
            "skipped": self.skipped,
        }

    def __str__(self) -> str:
        share = "none observed" if self.percent is None else f"{self.percent:.1f}%"
        return (
            f"coverage: {self.documented} of {self.movements} observed movement(s) documented "
            f"({share}), {self.documented_observations} of {self.observations} "
            f"observation(s) in {self.files} evidence file(s), "
            f"{self.records} record(s) read, {self.skipped} unreadable skipped"
        )


@dataclass
class Reconciliation:
    findings: list[Finding]
    coverage: Coverage


# How specifically an identifier names an endpoint: the most specific claim wins,
# whatever the order of systems or files, so a broad identifier (a whole namespace)
# never takes datasets that a narrower one names.
EXACT = 3  # the dataset itself (namespace/name, or its name), or the CSV value
IN_PATH = 2  # a prefix or glob reaching inside the dataset path
NAMESPACE_ONLY = 1  # its namespace, host or a pattern on them


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _network(identifier: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The address or CIDR block an identifier names (``10.20.0.0/16``, ``10.20.1.7``,
    ``2001:db8::/32``), None for anything else."""
    if not identifier or not (identifier[0].isdigit() or ":" in identifier):
        return None
    try:
        return ipaddress.ip_network(identifier, strict=False)  # host bits set: the block
    except ValueError:
        return None


def _authority(uri: str) -> str:
    """``scheme://host:port`` of a URI, the namespace of a CSV value that has none."""
    start = uri.find("://")
    if start < 0:
        return ""
    slash = uri.find("/", start + 3)
    return uri if slash < 0 else uri[:slash]


class Matcher:
    """Endpoint → the system or organisation whose identifiers name it most specifically."""

    def __init__(self, inventory: Inventory) -> None:
        self.exact: dict[str, Ref] = {}
        self.hosts: dict[str, Ref] = {}  # hosts of identifiers such as ldap://dc01.internal
        # (pattern, owner, identifier, length of its literal part)
        self.globs: list[tuple[re.Pattern[str], Ref, str, int]] = []
        # CIDR blocks: (IP version, prefix length) → network address → owner, so that an
        # address is looked up once per prefix length in use, not once per block
        self.networks: dict[tuple[int, int], dict[int, Ref]] = {}
        self.findings: list[Finding] = []
        self._cache: dict[Endpoint, Ref | None] = {}
        for kind, entities in (
            ("System", inventory.systems),
            ("Organisation", inventory.organisations),
        ):
            for ident in sorted(entities):
                entity = entities[ident]
                for index, identifier in enumerate(getattr(entity, "identifiers", [])):
                    self._add(inventory, entity, index, identifier.strip(), Ref(kind, ident))

    def _add(self, inventory: Inventory, entity, index: int, identifier: str, ref: Ref) -> None:
        if not identifier:
            return
        # hostnames and schemes are case-insensitive; a local file has one spelling
        key = file_uri(identifier).casefold()
        network = _network(identifier)
        if network is not None:  # an address or a CIDR block, in one spelling
            whole = network.prefixlen == network.max_prefixlen
            key = str(network.network_address) if whole else str(network)
            if not whole:
                if self._claim(inventory, entity, index, identifier, key, ref):
                    block = (network.version, network.prefixlen)
                    self.networks.setdefault(block, {})[int(network.network_address)] = ref
                return
        if _GLOB.search(identifier):
            regex = re.compile(fnmatch.translate(key), re.IGNORECASE)
            self.globs.append((regex, ref, key, len(_GLOB.sub("", key))))
            return
        if "://" in key:
            parts = urlsplit(key)
            if parts.hostname and parts.path in ("", "/"):
                self.hosts.setdefault(parts.hostname, ref)
        self._claim(inventory, entity, index, identifier, key, ref)

    def _claim(
        self, inventory: Inventory, entity, index: int, identifier: str, key: str, ref: Ref
    ) -> bool:
        """Whether ``ref`` owns ``key`` (first by kind and id; LIN-005 otherwise)."""
        owner = self.exact.setdefault(key, ref)
        if owner != ref:
            self.findings.append(
                AMBIGUOUS_IDENTIFIER.finding(
                    f"identifier {identifier!r} of {ref.kind} {ref.id} is already claimed by "
                    f"{owner.kind} {owner.id}; observed movements through it go to {owner.id}",
                    inventory.position(entity, "identifiers", index),
                    kind=ref.kind,
                    ident=ref.id,
                )
            )
        return owner == ref

    def _prefix(self, uri: str) -> tuple[str, Ref] | None:
        """The identifier that is the longest prefix of ``uri`` ending at a '/' or '.':
        a database or bucket URI covers its tables and objects."""
        start = uri.find("://")
        if start < 0:
            return None
        for end in range(len(uri) - 1, start + 3, -1):
            if uri[end] in "/." and uri[:end] in self.exact:
                return uri[:end], self.exact[uri[:end]]
        return None

    def claims(self, endpoint: Endpoint) -> list[tuple[int, int, str, Ref]]:
        """Every identifier naming ``endpoint``: (tier, specificity, identifier, owner)."""
        text = file_uri(endpoint.text).casefold()
        name = endpoint.name.casefold() if endpoint.name else None
        namespace = endpoint.namespace.casefold() if endpoint.namespace else _authority(text)
        host = endpoint.host.casefold() if endpoint.host else None
        found: list[tuple[int, int, str, Ref]] = []
        for candidate in (text, name):
            if candidate and candidate in self.exact:
                found.append((EXACT, len(candidate), candidate, self.exact[candidate]))
        for candidate in (namespace, host):
            if candidate and candidate in self.exact:
                found.append((NAMESPACE_ONLY, len(candidate), candidate, self.exact[candidate]))
        if host and host in self.hosts:
            found.append((NAMESPACE_ONLY, len(host), host, self.hosts[host]))
        prefix = self._prefix(text)
        if prefix is not None:
            within = len(prefix[0]) > len(namespace)
            found.append((IN_PATH if within else NAMESPACE_ONLY, len(prefix[0]), *prefix))
        address = ip_address(endpoint.host)
        if address is not None:
            found += self._address_claims(address)
        for regex, ref, identifier, literal in self.globs:
            if regex.match(text):
                within = literal > len(namespace)
                found.append((IN_PATH if within else NAMESPACE_ONLY, literal, identifier, ref))
            elif name and regex.match(name):  # a pattern on the name, within the namespace
                found.append((IN_PATH, len(namespace) + 1 + literal, identifier, ref))
            elif any(c and regex.match(c) for c in (namespace, host)):
                found.append((NAMESPACE_ONLY, literal, identifier, ref))
        return found

    def _address_claims(self, address: IPAddress) -> list[tuple[int, int, str, Ref]]:
        """The address itself (exact), and each CIDR block holding it (the longest prefix
        most specific)."""
        found: list[tuple[int, int, str, Ref]] = []
        text = str(address)  # one spelling, whatever the log wrote (IPv6 above all)
        if text in self.exact:
            found.append((EXACT, address.max_prefixlen, text, self.exact[text]))
        number = int(address)
        for (version, prefix), blocks in self.networks.items():
            if version != address.version:
                continue
            shift = address.max_prefixlen - prefix
            owner = blocks.get(number >> shift << shift)
            if owner is not None:
                network = ipaddress.ip_network((number >> shift << shift, prefix))
                found.append((IN_PATH, prefix, str(network), owner))
        return found

    def match(self, endpoint: Endpoint) -> Ref | None:
        """The most specific claim on any of the endpoint's names (the dataset and its
        symlinks): the exact dataset, else the longest prefix or glob inside its path,
        else its namespace or host; ties by identifier, then owner."""
        if endpoint in self._cache:
            return self._cache[endpoint]
        claims = self.claims(endpoint)
        for alias in endpoint.aliases:
            claims += self.claims(alias)
        best = min(claims, key=lambda c: (-c[0], -c[1], c[2], c[3])) if claims else None
        found = best[3] if best else None
        if len(self._cache) >= MAX_MATCH_CACHE:
            self._cache.clear()
        self._cache[endpoint] = found
        return found


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")[:60].strip("-") or "endpoint"


def _yaml_scalar(text: str) -> str:
    """A YAML scalar that reads back as ``text`` (JSON strings are YAML)."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", text) and resolve_plain(text) == text
    return text if plain else json.dumps(text)


class _Reconciler:
    def __init__(self, inventory: Inventory) -> None:
        self.inv = inventory
        self.matcher = Matcher(inventory)
        self.findings: list[Finding] = list(self.matcher.findings)
        self.movements: dict[tuple[Ref, Ref], _Seen] = {}
        # one entry per unknown dataset, job or host (LIN-002), and the first of each
        # group that movements are reported to (LIN-001)
        self.unknown: dict[str, _Unknown] = {}
        self.groups: dict[str, _Unknown] = {}
        self.overflow: _Seen | None = None
        self.unknown_categories: dict[str, _Seen] = {}
        # (file, what is lacking) → (first record lacking it, how many records)
        self.notes: dict[tuple[str, str], tuple[Position, int]] = {}
        self.internal: set[Ref] = set()
        self.observations = 0  # runs and rows (by count), each run once
        self.read = 0  # observations read, a run's repeated events included
        self.recent_runs = _RecentRuns(MAX_RECENT_RUN_MOVEMENTS)
        self.inbound = 0
        self.category_index = self._category_index()
        self.flows_between: dict[tuple[str, str], list[str]] = {}
        for flow in inventory.flows.values():
            # Evidence is of electronic movements: a form posted or handed in
            # cannot explain one, nor is it expected among them.
            if flow.medium != FlowMedium.paper:
                self.flows_between.setdefault((flow.source, flow.to), []).append(flow.id)

    def _category_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for ident, category in sorted(self.inv.categories.items()):
            for name in (category.name, *category.aliases):
                index.setdefault(name.casefold(), ident)
        for ident in self.inv.categories:  # an id always wins over a name
            index[ident.casefold()] = ident
        return index

    # -- reading -----------------------------------------------------------------
    def ref(self, endpoint: Endpoint) -> Ref:
        ref = self.matcher.match(endpoint)
        return ref if ref is not None else Ref("Unknown", endpoint.group)

    def resolve(self, endpoint: Endpoint, ref: Ref, observation: Observation) -> Ref:
        """``ref``, counting an unknown endpoint once more for the record of ``observation``
        (an event with several datasets gives several observations of one record)."""
        if ref.known:
            return ref
        dataset = self._dataset(endpoint)
        key = endpoint.text if dataset else ref.id
        seen = self.unknown.get(key)
        if seen is None:
            if len(self.unknown) >= MAX_UNKNOWN_ENDPOINTS:
                if self.overflow is None:
                    self.overflow = _Seen(0, observation.pos)
                self.overflow.count += observation.count
                return ref if ref.id in self.groups else Ref("Unknown", "*")
            seen = self.unknown[key] = _Unknown(
                group=ref.id,
                sample=endpoint.text,
                pos=observation.pos,
                job=endpoint.job,
                dataset=dataset,
                aliases=tuple(alias.text for alias in endpoint.aliases),
            )
            self.groups.setdefault(ref.id, seen)
        if seen.last != observation.pos:
            seen.count += observation.count
            seen.last = observation.pos
        return ref

    @staticmethod
    def _dataset(endpoint: Endpoint) -> str:
        """The name of an OpenLineage dataset, "" for a job or a connection-log value."""
        if endpoint.job or endpoint.namespace is None:
            return ""
        return endpoint.name or ""

    def add(self, observation: Observation) -> None:
        self.read += 1
        movement = self.ref(observation.source), self.ref(observation.target)
        source, target = movement
        run = observation.run
        repeated = run is not None and self.recent_runs.seen(run, *movement)
        count = 0 if repeated else observation.count  # another event of a counted run
        self.observations += count
        source = self.resolve(observation.source, source, observation)
        target = self.resolve(observation.target, target, observation)
        if source == target:
            self.internal.add(source)
            return
        seen = self.movements.get((source, target))
        if seen is None:
            seen = self.movements[(source, target)] = _Seen(0, observation.pos)
        seen.count += count
        seen.directed |= not observation.connection
        if observation.first_seen and (
            not seen.first_seen or observation.first_seen < seen.first_seen
        ):
            seen.first_seen = observation.first_seen
        if observation.last_seen > seen.last_seen:
            seen.last_seen = observation.last_seen
        counted: set[str] = set()
        if run is not None and observation.categories:
            counted = self.recent_runs.categories(run, *movement)
        for category in observation.categories:
            if category in counted:
                continue  # already counted for this run
            if run is not None and len(counted) < MAX_CATEGORIES_PER_MOVEMENT:
                counted.add(category)
            first = seen.categories.get(category)
            if first is not None:
                seen.categories[category] = (first[0], first[1] + observation.count)
            elif len(seen.categories) < MAX_CATEGORIES_PER_MOVEMENT:
                seen.categories[category] = (observation.pos, observation.count)

    def problem(self, problem: EvidenceProblem) -> None:
        self.findings.append(
            EVIDENCE_UNREADABLE.finding(
                problem.message, problem.pos, kind=OBSERVED, ident=problem.pos.file
            )
        )

    def note(self, note: EvidenceNote) -> None:
        """Count a gap in the evidence; said once per file and kind (see incomplete())."""
        key = (note.pos.file, note.message)
        first = self.notes.get(key)
        self.notes[key] = (note.pos, 1) if first is None else (first[0], first[1] + 1)

    def incomplete(self) -> None:
        for (file, message), (pos, count) in self.notes.items():
            self.findings.append(
                EVIDENCE_INCOMPLETE.finding(
                    f"{count} OpenLineage event(s) {message} (the first here)",
                    pos,
                    kind=OBSERVED,
                    ident=file,
                )
            )

    def nothing_read(self, display: str, tally: Tally) -> None:
        self.findings.append(
            NO_EVIDENCE_READ.finding(
                f"no data movement read from this evidence file ({tally.records} record(s) "
                f"read, {tally.skipped} unreadable skipped): it documents nothing and "
                "coverage cannot be measured from it",
                Position(display, 1, 1),
                kind=OBSERVED,
                ident=display,
            )
        )

    # -- judging -----------------------------------------------------------------
    def covering_flows(self, source: Ref, target: Ref, *, either_way: bool = False) -> list[str]:
        """Declared flows that explain data going from the system ``source`` to
        ``target`` (with ``either_way``, also from ``target`` to ``source``)."""
        found: list[str] = []
        for end in self.standing_for(target):
            found += self.flows_between.get((source.id, end), ())
            if either_way:
                found += self.flows_between.get((end, source.id), ())
        return sorted(set(found))

    def standing_for(self, ref: Ref) -> list[str]:
        """The ids a flow may name for ``ref``: a system or the organisation that runs
        it, an organisation or one of the systems it runs."""
        if ref.kind == "System":
            operator = self.inv.systems[ref.id].operator
            return [ref.id, operator] if operator else [ref.id]
        if ref.kind == "Organisation":
            run = [s.id for s in self.inv.systems.values() if s.operator == ref.id]
            return [ref.id, *run]
        return [ref.id]

    def categories_of(self, seen: _Seen) -> tuple[dict[str, tuple[Position, int]], list[str]]:
        """Observed category names → (known ids with where and how often, unknown names)."""
        known: dict[str, tuple[Position, int]] = {}
        unknown = []
        for name, (pos, count) in seen.categories.items():
            ident = self.category_index.get(name.casefold())
            if ident is None:
                unknown.append(name)
                first = self.unknown_categories.setdefault(name, _Seen(0, pos))
                first.count += count
            elif ident in known:
                known[ident] = (min(known[ident][0], pos), known[ident][1] + count)
            else:
                known[ident] = (pos, count)
        return known, unknown

    def suggest_activity(self, source: str, target: Ref) -> str:
        using_source = {a.id for a in self.inv.activities_by_system.get(source, ())}
        using_target = {a.id for a in self.inv.activities_by_system.get(target.id, ())}
        both = sorted(using_source & using_target)
        if both or using_source:
            return (both or sorted(using_source))[0]
        return "ACTIVITY"  # no activity uses the source: the engineer must say which

    def label(self, ref: Ref) -> str:
        return ref.id if ref.known else f"unknown endpoint {ref.id}"

    def judge(self) -> tuple[int, int, int, int]:
        movements = documented = observations = documented_observations = 0
        for (source, target), seen in self.movements.items():
            known, _ = self.categories_of(seen)
            if source.kind != "System":
                self.inbound += 1
                continue
            movements += 1
            observations += seen.count
            entity_id = f"{source.id}->{target.id}"
            # a connection (network logs only): a flow either way explains it
            flows = self.covering_flows(source, target, either_way=not seen.directed)
            if not flows:
                self.findings.append(
                    self.undocumented_flow(source, target, seen, list(known), entity_id)
                )
                continue
            documented += 1
            documented_observations += seen.count
            declared = [c for f in flows for c in self.inv.flows[f].data_categories]
            extra = [c for c in known if not self.inv.covers(declared, c)]
            if extra:
                first = min(known[c][0] for c in extra)  # the first evidence of the excess
                times = max(known[c][1] for c in extra)
                self.findings.append(
                    UNDOCUMENTED_CATEGORIES.finding(
                        f"observed movement {source.id} → {target.id} carries {', '.join(extra)}, "
                        f"which flow(s) {', '.join(flows)} do not declare (seen {times} time(s))",
                        first,
                        kind=OBSERVED,
                        ident=entity_id,
                    )
                )
        return movements, documented, observations, documented_observations

    def undocumented_flow(
        self, source: Ref, target: Ref, seen: _Seen, categories: list[str], entity_id: str
    ) -> Finding:
        to = target.id if target.known else _slug(self.unknown_host(target))
        snippet = {
            "kind": "Flow",
            "id": _slug(f"{source.id}-to-{to}"),
            "activity": self.suggest_activity(source.id, target),
            "from": source.id,
            "to": to,
        }
        parts = [f"{k}: {_yaml_scalar(v)}" for k, v in snippet.items()]
        if categories:
            parts.append(f"data_categories: [{', '.join(categories)}]")
        also = "" if target.known else f" (and declare System {to})"
        what = (
            f"data moves from {source.id} to {self.label(target)} (seen {seen.count} time(s)) "
            "and no declared flow explains it"
            if seen.directed
            else f"{source.id} connects to {self.label(target)} (seen {seen.count} time(s)) "
            "and no declared flow between them, either way, explains it"
        )
        if seen.first_seen:  # when, as the evidence writes it
            if seen.last_seen and seen.last_seen != seen.first_seen:
                what += f"; first seen {seen.first_seen}, last seen {seen.last_seen}"
            else:
                what += f"; seen {seen.first_seen}"
        return UNDOCUMENTED_FLOW.finding(
            f"undocumented flow: {what}; add {{{', '.join(parts)}}}" + also,
            seen.pos,
            kind=OBSERVED,
            ident=entity_id,
        )

    def unknown_host(self, ref: Ref) -> str:
        """What to call the system to declare: a job's name, else the endpoint's host."""
        seen = self.groups.get(ref.id)
        if seen is not None and seen.job:  # not the host of the job's namespace
            return seen.sample.rsplit("/", 1)[-1]
        endpoint = Endpoint(seen.sample if seen else ref.id, ref.id if "://" in ref.id else None)
        return endpoint.host or ref.id

    def undocumented_systems(self) -> None:
        for key, seen in self.unknown.items():
            ident = _slug(self.unknown_host(Ref("Unknown", seen.group)))
            what = f"job {key}" if seen.job else f"endpoint {key}"
            if seen.dataset:  # the dataset itself: its namespace may hold declared systems
                what = f"dataset {seen.dataset} in namespace {seen.group}"
            if seen.aliases:
                what += f", also known as {', '.join(seen.aliases)},"
            how_often = (
                f"in {seen.count} event(s)" if seen.lineage else f"seen {seen.count} time(s)"
            )
            self.findings.append(
                UNDOCUMENTED_SYSTEM.finding(
                    f"observed {what} ({how_often}) matches no system or organisation: "
                    f"declare it, e.g. {{kind: System, id: {ident}, name: "
                    f"{_yaml_scalar(ident)}, identifiers: [{json.dumps(key)}]}}",
                    seen.pos,
                    kind=OBSERVED,
                    ident=key,
                )
            )
        if self.overflow is not None:
            self.findings.append(
                UNDOCUMENTED_SYSTEM.finding(
                    f"more than {MAX_UNKNOWN_ENDPOINTS} distinct unknown endpoints: "
                    f"{self.overflow.count} more observation(s) not listed one by one",
                    self.overflow.pos,
                    kind=OBSERVED,
                    ident="*",
                )
            )
        for name, seen in self.unknown_categories.items():
            self.findings.append(
                UNKNOWN_OBSERVED_CATEGORY.finding(
                    f"observed data category {name!r} matches no DataCategory id, name or alias",
                    seen.pos,
                    kind=OBSERVED,
                    ident=f"category:{name}",
                )
            )


def reconcile(inventory: Inventory, files: Iterable[tuple[Path, str]]) -> Reconciliation:
    """Read every evidence file (path, name to report) and judge it against the register."""
    reconciler = _Reconciler(inventory)
    count = 0
    total = Tally()
    for path, display in files:
        count += 1
        tally = Tally()
        before = reconciler.read
        for item in read_evidence(path, display, tally):
            if isinstance(item, EvidenceProblem):
                reconciler.problem(item)
            elif isinstance(item, EvidenceNote):
                reconciler.note(item)
            else:
                reconciler.add(item)
        if reconciler.read == before:  # configured, yet it proves nothing
            reconciler.nothing_read(display, tally)
        total.records += tally.records
        total.skipped += tally.skipped
    movements, documented, observations, documented_observations = reconciler.judge()
    reconciler.undocumented_systems()
    reconciler.incomplete()
    coverage = Coverage(
        files=count,
        movements=movements,
        documented=documented,
        observations=observations,
        documented_observations=documented_observations,
        total_observations=reconciler.observations,
        unknown_endpoints=len(reconciler.unknown),
        internal=len(reconciler.internal),
        inbound=reconciler.inbound,
        records=total.records,
        skipped=total.skipped,
    )
    return Reconciliation(reconciler.findings, coverage)
