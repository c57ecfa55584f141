"""One repository, read once: the services, stores and register identifiers it shows.

The walk skips what a repository does not author (``node_modules``, virtual
environments, ``vendor``, build output, ``.terraform``, VCS folders) and never follows
a symbolic link; each file is read at most once and handed to the readers that want
it (manifests, hostnames, Terraform, other scanners' reports). The result holds
positions as the findings will show them: ``<repository as given>/<file>:line:col``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from registry.core.position import Position
from registry.discover import hosts as hostnames
from registry.discover import reports, terraform
from registry.discover.catalogue import Catalogue
from registry.discover.found import Problem, Reference, RepoScan, Sighting, Store
from registry.discover.manifests import (
    RUNTIME,
    Dependency,
    ManifestError,
    is_gradle_script,
    read_manifest,
    reader_for,
    resolve_catalogues,
)

__all__ = ["Problem", "Reference", "RepoScan", "Sighting", "Store", "scan_repository"]

# Folders a repository does not author: dependencies, environments, build output, caches.
SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "jspm_packages",
        "vendor",
        "venv",
        ".venv",
        "__pycache__",
        "site-packages",
        "dist",
        "build",
        "target",
        "out",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".next",
        ".nuxt",
        ".svelte-kit",
        ".output",
        "coverage",
        ".terraform",
        "Pods",
        ".gradle",
        ".idea",
        ".git",
        ".hg",
        ".svn",
        ".yarn",
        ".pnpm-store",
        ".cache",
        "elm-stuff",
        "_build",
        "deps",
    }
)
KEPT_HIDDEN_DIRS = frozenset({".github", ".gitlab", ".circleci", ".buildkite", ".privado"})
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ScanOptions:
    """What a scan needs besides the repository; plain data, so it crosses processes."""

    catalogue_files: tuple[str, ...] = ()
    own: hostnames.OwnHosts = field(default_factory=lambda: hostnames.OwnHosts({}))
    exclude: tuple[str, ...] = ()  # resolved paths never read (the register itself)


def display_root(path: Path) -> str:
    """The repository as positions name it: relative to the current directory when
    inside it ("" for the directory itself), absolute otherwise."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
    return "" if relative == "." else relative


def _files(root: Path, exclude: tuple[str, ...]) -> Iterable[tuple[Path, str]]:
    """(path, path relative to root) of every file to read, in a stable order."""
    excluded = {Path(e) for e in exclude}
    for directory, dirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and (not d.startswith(".") or d in KEPT_HIDDEN_DIRS)
            and not (here / d / "pyvenv.cfg").exists()
            and (here / d).resolve() not in excluded
        )
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or path.resolve() in excluded:
                continue
            yield path, path.relative_to(root).as_posix()


def _wanted(catalogue: Catalogue):
    cache: dict[tuple[str, str], bool] = {}

    def wanted(ecosystem: str, name: str) -> bool:
        if not isinstance(name, str) or not name:
            return False  # a manifest of an unexpected shape names no package here
        key = (ecosystem, name)
        if key not in cache:
            cache[key] = catalogue.vendor_of_package(ecosystem, name) is not None
        return cache[key]

    return wanted


def scan_repository(
    root: Path, catalogue: Catalogue, options: ScanOptions, shown: str | None = None
) -> RepoScan:
    """Everything ``root`` shows; unreadable files become problems, never exceptions.
    Positions start with ``shown`` (default: the repository as :func:`display_root` names it)."""
    shown = display_root(root) if shown is None else shown
    prefix = f"{shown}/" if shown else ""
    scan = RepoScan(shown)
    wanted = _wanted(catalogue)
    siblings: dict[Path, set[str]] = {}
    tf_dirs: dict[str, list[tuple[str, str]]] = {}
    tf_vars: dict[str, list[tuple[str, str]]] = {}
    # version catalogues' libraries, and the Gradle scripts that say which are used
    declared: list[tuple[Dependency, str]] = []
    scripts: list[str] = []
    for path, relative in _files(root, options.exclude):
        display = prefix + relative
        name = PurePosixPath(relative).name
        manifest = reader_for(relative) is not None
        source = hostnames.is_source(relative)
        is_tf = name.endswith(".tf")
        is_tfvars = terraform.is_tfvars(name)
        is_json = name.endswith((".json", ".tfstate")) and not is_tfvars
        if not (manifest or source or is_tf or is_tfvars or is_json):
            continue
        try:
            size = path.stat().st_size
            if size > (MAX_MANIFEST_BYTES if manifest else hostnames.MAX_SOURCE_BYTES):
                continue
            raw = path.read_bytes()
        except OSError as error:
            scan.problems.append(Problem(Position(display, 1, 1), f"cannot read: {error.strerror}"))
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if manifest:
                scan.problems.append(Problem(Position(display, 1, 1), "not UTF-8 text"))
            continue
        scan.files += 1
        if manifest:
            folder = siblings.setdefault(path.parent, {p.name for p in path.parent.iterdir()})
            try:
                for dependency in read_manifest(text, relative, wanted, folder):
                    if dependency.entry is not None:  # judged once every build script is read
                        declared.append((dependency, display))
                    else:
                        _dependency(dependency, display, catalogue, scan)
            except ManifestError as error:
                where = Position(display, error.line, error.column)
                scan.problems.append(Problem(where, str(error)))
            except RecursionError:
                scan.problems.append(Problem(Position(display, 1, 1), "nested too deeply"))
            except (TypeError, AttributeError, KeyError, ValueError) as error:
                message = f"not a manifest of the expected shape ({type(error).__name__})"
                scan.problems.append(Problem(Position(display, 1, 1), message))
        if is_tf or is_tfvars:
            folders = tf_dirs if is_tf else tf_vars
            folders.setdefault(PurePosixPath(display).parent.as_posix(), []).append((display, text))
        elif is_json and (terraform.is_plan(text) or reports.is_report(text)):
            try:
                if terraform.is_plan(text):
                    terraform.read_plan(text, display, catalogue, scan)
                else:
                    reports.read_report(text, display, catalogue, scan)
            except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as error:
                # a plan or report of an unexpected shape: what it says is unknown
                message = f"cannot be read as a plan or report: {type(error).__name__}"
                scan.problems.append(Problem(Position(display, 1, 1), message))
            continue  # a plan's values hold hosts of every resource: read as a plan only
        if is_gradle_script(relative):
            scripts.append(text)
        if source:
            _hosts(text, display, catalogue, options.own, scan)
    resolved = resolve_catalogues([d for d, _ in declared], scripts)
    for dependency, (_, display) in zip(resolved, declared, strict=True):
        _dependency(dependency, display, catalogue, scan)
    terraform.read_modules(tf_dirs, tf_vars, catalogue, scan)
    return scan


def _dependency(dependency: Dependency, display: str, catalogue: Catalogue, scan: RepoScan) -> None:
    """A dependency's sighting, when a catalogued service's package."""
    match = catalogue.match_package(dependency.ecosystem, dependency.name)
    if match is None:
        return
    # a namespace or family match says which, for the DPO to judge it
    rule = f" ({match.rule})" if match.rule else ""
    scan.sightings.append(
        Sighting(
            match.vendor,
            catalogue.vendors[match.vendor].name,
            "dependency",
            f"{dependency.ecosystem} {dependency.name}{rule}",
            dependency.scope,
            Position(display, dependency.line, dependency.column),
        )
    )


def _hosts(
    text: str, display: str, catalogue: Catalogue, own: hostnames.OwnHosts, scan: RepoScan
) -> None:
    for seen in hostnames.hosts_in(text):
        pos = Position(display, seen.line, seen.column)
        owner = own.owner(seen.host)
        if owner is not None:
            scan.references.append(Reference(owner[0], owner[1], seen.host, pos))
        vendor = catalogue.vendor_of_host(seen.host)
        if vendor is not None:
            name = catalogue.vendors[vendor].name
            scan.sightings.append(Sighting(vendor, name, "host", seen.host, RUNTIME, pos))
