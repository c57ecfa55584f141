"""What a repository shows: services sighted, data stores, register identifiers, problems.

Plain data (it crosses process boundaries when repositories are read in parallel),
made by the readers (manifests, hostnames, Terraform, other scanners' reports) and
judged by :mod:`registry.discover.reconcile`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from registry.core.position import Position
from registry.discover.manifests import RUNTIME


@dataclass(frozen=True, slots=True)
class Sighting:
    """A service seen in a repository: how (a dependency, a hostname, a Terraform
    provider, another scanner's report), what exactly, and where."""

    vendor: str  # a catalogue id, or "scanner:<slug>" for a third party it lacks
    name: str  # the vendor's name as the finding shows it
    how: str  # dependency | host | terraform | privado | bearer
    detail: str  # e.g. "npm stripe", "api.stripe.com", "provider datadog"
    scope: str  # runtime | dev | optional | indirect (only dependencies have others)
    pos: Position

    @property
    def used(self) -> bool:
        """Whether this sighting shows the service used by the shipped application."""
        return self.scope == RUNTIME


@dataclass(frozen=True, slots=True)
class Store:
    """A data store declared in infrastructure code (Terraform, or a plan or state)."""

    module: str  # the Terraform folder, or the plan file, as positions show it
    address: str  # e.g. aws_s3_bucket.exports (module.x.… in plans)
    resource: str  # the resource type
    provider: str  # aws, google, azurerm, ovh, openstack, scaleway, hcloud
    name: str | None  # the bucket, database or account name, when written literally
    region: str | None  # as written (or resolved from the provider or a variable)
    countries: tuple[str, ...]  # ISO codes; ("EEA",) for a multi-region inside the EEA
    encrypted: bool | None  # None: not known from the code
    encryption: str  # what says so, e.g. "storage_encrypted = false"
    pos: Position

    @property
    def key(self) -> str:
        """Its entity id in findings: stable across edits that move lines."""
        return f"{self.module}:{self.address}" if self.module else self.address


@dataclass(frozen=True, slots=True)
class Reference:
    """One of the register's own identifiers (a host) written in the repository."""

    kind: str
    id: str
    host: str
    pos: Position


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be read (the rest of the repository still is)."""

    pos: Position
    message: str


@dataclass
class RepoScan:
    root: str  # the repository as findings show it ("" for the current directory)
    sightings: list[Sighting] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # files read

    def merge(self, other: RepoScan) -> None:
        self.sightings += other.sightings
        self.stores += other.stores
        self.references += other.references
        self.problems += other.problems
        self.files += other.files


def json_object(text: str, display: str, scan: RepoScan) -> dict[str, Any] | None:
    """A JSON file's top-level object (a report, a plan); not JSON: a problem at its
    line and column, and None; JSON but not an object: None (nothing to read in it)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        scan.problems.append(
            Problem(Position(display, error.lineno, error.colno), f"not valid JSON: {error.msg}")
        )
        return None
    return document if isinstance(document, dict) else None
