"""Discover over many repositories, in parallel, and reconcile with one register.

``paths`` are repositories, or folders of them: a folder that is no repository itself
(no ``.git``, no manifest at its top) but holds repositories is expanded into them,
so ``ropa discover ~/src/acme`` reads an organisation's checkouts. Repositories are
scanned in worker processes (``jobs``); the register is matched once, here.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from registry.core.errors import CannotRun
from registry.core.inventory import Inventory
from registry.discover.catalogue import Catalogue, load_catalogue
from registry.discover.hosts import OwnHosts, own_hosts
from registry.discover.manifests import reader_for
from registry.discover.reconcile import Reconciliation, reconcile_discovery
from registry.discover.scan import RepoScan, ScanOptions, scan_repository

# Markers of a repository's top folder, besides version control.
_ROOT_MARKERS = (".git", ".hg", "ropa.yaml", "main.tf", "Dockerfile")


def _is_repository(path: Path) -> bool:
    if any((path / marker).exists() for marker in _ROOT_MARKERS):
        return True
    try:
        return any(
            reader_for(child.name) is not None for child in path.iterdir() if child.is_file()
        )
    except OSError:
        return False


def repositories(paths: list[Path]) -> list[Path]:
    """Each path, or the repositories a folder of checkouts holds; in a stable order."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise CannotRun(f"repository {str(path)!r} does not exist")
        if not path.is_dir():
            raise CannotRun(f"repository {str(path)!r} is not a folder")
        if _is_repository(path):
            found.append(path)
            continue
        children = sorted(c for c in path.iterdir() if c.is_dir() and not c.is_symlink())
        nested = [c for c in children if not c.name.startswith(".") and _is_repository(c)]
        found += nested or [path]
    return list(dict.fromkeys(found))


def register_hosts(inventory: Inventory) -> OwnHosts:
    claims = [
        (kind, ident, identifier)
        for kind, entities in (
            ("Organisation", inventory.organisations),
            ("System", inventory.systems),
        )
        for ident, entity in entities.items()
        for identifier in entity.identifiers
    ]
    return own_hosts(claims)


@cache
def _catalogue(files: tuple[str, ...]) -> Catalogue:
    return load_catalogue(tuple(Path(f) for f in files))


def _scan(root: str, options: ScanOptions) -> RepoScan:
    """One repository, in a worker process (its catalogue loaded there once)."""
    return scan_repository(Path(root), _catalogue(options.catalogue_files), options)


def scan_all(paths: list[Path], options: ScanOptions, jobs: int | None = None) -> list[RepoScan]:
    """Every repository's scan, in the order of ``paths``."""
    roots = [str(p) for p in paths]
    jobs = min(len(roots), jobs or os.cpu_count() or 1)
    if jobs <= 1:
        return [_scan(root, options) for root in roots]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_scan, roots, [options] * len(roots), chunksize=1))


def discover(
    inventory: Inventory,
    paths: list[Path],
    *,
    catalogue_files: tuple[str, ...] = (),
    exclude: tuple[Path, ...] = (),
    jobs: int | None = None,
) -> tuple[Reconciliation, list[RepoScan], Catalogue]:
    """Scan ``paths`` (repositories or folders of them) and reconcile with ``inventory``."""
    catalogue = _catalogue(catalogue_files)  # a broken user catalogue stops here, once
    options = ScanOptions(
        catalogue_files=catalogue_files,
        own=register_hosts(inventory),
        exclude=tuple(str(p.resolve()) for p in exclude),
    )
    scans = scan_all(repositories(paths), options, jobs)
    return reconcile_discovery(inventory, catalogue, scans), scans, catalogue
