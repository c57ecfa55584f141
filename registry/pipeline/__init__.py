"""One pipeline: settings in; the inventory, its findings and its record out.

``ropa check``, ``ropa baseline``, ``ropa export``, ``ropa impact``, ``ropa diff``
(for both revisions) and the MkDocs plugin all call :func:`run`, so one inventory
gives the same findings and the same record everywhere. The steps, in order:

1. settings: ``ropa.yaml`` (found in ``Request.directory``) and the caller's options;
2. load: the inventory folder, one file of it (checked in context, only its own
   findings kept), or the files of a git revision (``ropa diff``; ``--at``, with
   that commit's ``ropa.yaml`` and baseline: :mod:`registry.pipeline.revision`);
3. judge: the rule catalogue, then waivers (:mod:`registry.pipeline.check`) — skipped
   (``Request.judge``) by outputs that show the register and no finding;
4. evidence: observed movements reconciled with the declared flows;
5. discovery: the services and stores that ``discover:`` repositories show, reconciled
   with the organisations and systems (:mod:`registry.discover`);
6. baseline: known findings marked, fixed ones counted as stale.

Everything that stops the pipeline raises :class:`~registry.core.errors.CannotRun`.
"""

from __future__ import annotations

import datetime as dt
import gc
import glob
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from registry.core.config import Config, load_config
from registry.core.errors import CannotRun
from registry.core.findings import Finding
from registry.core.inventory import Inventory, inventory_from_files, load_inventory
from registry.core.loader import discover, display_name, gc_paused
from registry.pipeline.check import CheckResult, check
from registry.rules.base import Settings
from registry.rules.engine import apply_waivers

if TYPE_CHECKING:  # imported where used: a plain `ropa check` needs neither at start-up
    from registry.pipeline.revision import Snapshot

EVIDENCE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".log", ".parquet")


@dataclass(frozen=True)
class Request:
    """What a caller asks the pipeline for. ``None`` means "as ropa.yaml says"."""

    path: Path | None = None  # inventory folder or one of its files
    as_of: dt.date | None = None  # today when None
    observed: tuple[Path, ...] | None = None  # evidence files or folders
    baseline: Path | None = None
    use_baseline: bool = True
    # Outputs that show the register but no finding (exports, impact) skip the rules
    # and the evidence: the record does not depend on them, and they cost most of a run.
    judge: bool = True
    directory: Path | None = None  # where ropa.yaml is looked for (the current directory)
    # A git revision's files instead of the work tree: (name, bytes) pairs, the
    # inventory's path inside the repository, and the revision's name for messages.
    files: tuple[tuple[str, bytes | None], ...] | None = None
    root: str = ""
    # The register at a date or revision (`--at`): its files, settings and baseline;
    # expiries are judged on its date unless ``as_of`` says otherwise.
    snapshot: Snapshot | None = None


@dataclass
class Outcome:
    """What the pipeline produced: the check result (with its record) and notes."""

    result: CheckResult
    stale_baseline: list[str] = field(default_factory=list)
    baseline_path: Path | None = None


def run(request: Request) -> Outcome:
    """Load, judge, reconcile and apply the baseline, as :class:`Request` says."""
    snapshot = request.snapshot
    config = snapshot.config if snapshot else load_config(request.directory)
    as_of = request.as_of or (snapshot.as_of if snapshot else dt.date.today())
    rule_settings = Settings(large_scale_subjects=config.large_scale_subjects, review=config.review)
    only_file: str | None = None
    # The inventory lives until the command ends and holds no cycles: keep the
    # collector from rescanning its millions of objects while the rules run. Frozen
    # before the collector is back on: else its first pass walks them all (~30 ms at M).
    with gc_paused():
        if snapshot is not None:
            inventory = inventory_from_files(snapshot.files, snapshot.root)
            own = False  # ropa.yaml's evidence describes today's movements (see revision.py)
        elif request.files is not None:
            inventory = inventory_from_files(request.files, request.root)
            own = True
        else:
            path = inventory_path(request, config)
            # One file of the inventory is checked in context (its references resolve
            # against the rest), and only its own findings are reported.
            root = enclosing_inventory(path, config)
            inventory = load_inventory(root or path)
            if root is not None:
                only_file = display_name(path, root)
            own = _configured_inventory(request, config)
        gc.freeze()
    if not request.judge:
        # Only what loading found (schema errors): an export names them, and marks the
        # entries concerned.
        problems = sorted(inventory.problems, key=Finding.sort_key)
        return Outcome(CheckResult(inventory, problems, as_of, review=config.review))
    result = check(inventory, as_of, rule_settings)
    if only_file is not None:
        result.findings = [f for f in result.findings if f.pos.file == only_file]
    evidence = observed_files(request, config, own)
    if evidence:
        result = with_evidence(result, evidence)
    if own and config.discover is not None and request.files is None:
        excluded = [inventory_path(request, config), *(path for path, _ in evidence)]
        result = with_discovery(result, config, excluded)
    outcome = Outcome(result)
    path = baseline_path(request, config, own) if request.use_baseline else None
    at_baseline = snapshot.baseline if snapshot is not None and request.use_baseline else None
    if path is None and at_baseline is not None:
        # That commit's baseline; its stale entries were that day's business.
        result.findings = at_baseline.apply(result.findings)
    elif path is not None:
        from registry.pipeline import baseline  # a run with a baseline file only

        known = baseline.load(path)
        result.findings = known.apply(result.findings)
        outcome.stale_baseline = known.stale(result.findings)
        outcome.baseline_path = path
    return outcome


def load(request: Request) -> Inventory:
    """Only the inventory (for commands that draw it): the same path rules as :func:`run`."""
    with gc_paused():  # see run()
        if request.snapshot is not None:
            inventory = inventory_from_files(request.snapshot.files, request.snapshot.root)
        else:
            config = load_config(request.directory)
            inventory = load_inventory(inventory_path(request, config))
        gc.freeze()
    return inventory


def with_evidence(result: CheckResult, files: Iterable[tuple[Path, str]]) -> CheckResult:
    """``result`` with the evidence's findings merged in and its coverage set."""
    from registry.evidence.reconcile import reconcile

    # Judged like the rules: on the entities that validated whole.
    reconciliation = reconcile(result.inventory.judged(), files)
    findings = sorted(set(result.findings + reconciliation.findings), key=Finding.sort_key)
    return replace(result, findings=findings, coverage=reconciliation.coverage)


def with_discovery(result: CheckResult, config: Config, excluded: list[Path]) -> CheckResult:
    """``result`` with what ``discover:`` repositories show: findings (waivers applied)
    and the discovery's coverage. The register's own files are never read as code."""
    from registry.discover.run import discover

    settings = config.discover
    assert settings is not None
    directory = config.directory
    catalogue = tuple(str(directory / c) for c in settings.catalogue)
    excluded = [*excluded, directory / "ropa.yaml", *(Path(c) for c in catalogue)]
    if config.baseline:
        excluded.append(directory / config.baseline)
    reconciliation, _, _ = discover(
        result.inventory,
        [directory / p for p in settings.paths],
        catalogue_files=catalogue,
        exclude=tuple(excluded),
    )
    found = apply_waivers(result.inventory, reconciliation.findings, result.as_of)
    findings = sorted(set(result.findings + found), key=Finding.sort_key)
    return replace(result, findings=findings, discovery=reconciliation.discovery)


# --- where things are -----------------------------------------------------------------


def inventory_path(request: Request, config: Config) -> Path:
    raw = request.path if request.path is not None else config.directory / config.inventory
    path = Path(raw)
    shown = str(request.path) if request.path is not None else config.inventory
    if not path.exists():
        raise CannotRun(f"inventory path {shown!r} does not exist")
    if not (path.is_dir() or path.is_file()):
        raise CannotRun(f"inventory path {shown!r} is neither a file nor a folder")
    if path.is_dir() and not discover(path):
        raise CannotRun(f"no YAML files (*.yaml, *.yml) under {shown!r}")
    return path


def enclosing_inventory(path: Path, config: Config) -> Path | None:
    """The configured inventory folder that holds the file ``path``, if any."""
    root = config.directory / config.inventory
    if path.is_file() and root.is_dir() and path.resolve().is_relative_to(root.resolve()):
        target = path.resolve()
        # Only a file the inventory itself reads (not a hidden draft, not a .txt).
        if any(found.resolve() == target for found in discover(root)):
            return root
    return None


def _configured_inventory(request: Request, config: Config) -> bool:
    """True when the inventory judged is the one ropa.yaml describes: only then do its
    evidence and baseline apply (they say nothing about another inventory)."""
    if request.path is None:
        return True
    return request.path.resolve() == (config.directory / config.inventory).resolve()


def _display(path: Path) -> str:
    """A path as findings show it: relative to the current directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def observed_files(request: Request, config: Config, own: bool) -> list[tuple[Path, str]]:
    """Evidence files from the request (files or folders), else ropa.yaml's globs."""
    found: list[Path] = []
    if request.observed:
        for path in request.observed:
            if path.is_dir():
                found += sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.name.removesuffix(".gz").endswith(EVIDENCE_SUFFIXES)
                )
            elif path.is_file():
                found.append(path)
            else:
                raise CannotRun(f"observed file {str(path)!r} does not exist")
    elif own:
        for pattern in config.observed:
            matches = sorted(glob.glob(pattern, root_dir=config.directory, recursive=True))
            files = [config.directory / m for m in matches if (config.directory / m).is_file()]
            if not files:
                raise CannotRun(f"ropa.yaml: observed pattern {pattern!r} matches no file")
            found += files
    unique = dict.fromkeys(found)  # keep the order, drop repeats
    return [(path, _display(path)) for path in unique]


def baseline_path(request: Request, config: Config, own: bool) -> Path | None:
    if request.baseline is not None:
        return request.baseline
    if config.baseline and own:
        return config.directory / config.baseline
    return None
