"""What most commands share: find the inventory, load it, check it."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import glob
import sys
from pathlib import Path

from registry.cli import UsageError
from registry.core.config import Config, ConfigError, load_config
from registry.core.inventory import Inventory, load_inventory
from registry.core.loader import discover, display_name
from registry.pipeline.check import CheckResult, check
from registry.rules.base import Settings


def config() -> Config:
    try:
        return load_config()
    except ConfigError as error:
        raise UsageError(str(error)) from None


def inventory_path(args: argparse.Namespace, settings: Config | None = None) -> Path:
    raw = getattr(args, "path", None) or (settings or config()).inventory
    path = Path(raw)
    if not path.exists():
        raise UsageError(f"inventory path {raw!r} does not exist")
    if not (path.is_dir() or path.is_file()):
        raise UsageError(f"inventory path {raw!r} is neither a file nor a folder")
    if path.is_dir() and not discover(path):
        raise UsageError(f"no YAML files (*.yaml, *.yml) under {raw!r}")
    return path


def load(args: argparse.Namespace) -> Inventory:
    inventory = load_inventory(inventory_path(args))
    gc.freeze()  # see load_and_check
    return inventory


def as_of(args: argparse.Namespace) -> dt.date:
    return getattr(args, "as_of", None) or dt.date.today()


def enclosing_inventory(path: Path, settings: Config) -> Path | None:
    """The configured inventory folder that holds the file ``path``, if any."""
    root = settings.directory / settings.inventory
    if path.is_file() and root.is_dir() and path.resolve().is_relative_to(root.resolve()):
        target = path.resolve()
        # Only a file the inventory itself reads (not a hidden draft, not a .txt).
        if any(found.resolve() == target for found in discover(root)):
            return root
    return None


def _display(path: Path) -> str:
    """A path as findings show it: relative to the current directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


_EVIDENCE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")


def _configured_inventory(args: argparse.Namespace, settings: Config) -> bool:
    """True when the inventory checked is the one ropa.yaml describes: only then do its
    evidence and baseline apply (they say nothing about another inventory)."""
    given = getattr(args, "path", None)
    if given is None:
        return True
    return Path(given).resolve() == (settings.directory / settings.inventory).resolve()


def observed_files(args: argparse.Namespace, settings: Config) -> list[tuple[Path, str]]:
    """Evidence files from ``--observed`` (files or folders), else ropa.yaml's globs."""
    found: list[Path] = []
    given = getattr(args, "observed", None)
    if given:
        for raw in given:
            path = Path(raw)
            if path.is_dir():
                found += sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.name.removesuffix(".gz").endswith(_EVIDENCE_SUFFIXES)
                )
            elif path.is_file():
                found.append(path)
            else:
                raise UsageError(f"observed file {raw!r} does not exist")
    elif _configured_inventory(args, settings):
        for pattern in settings.observed:
            matches = sorted(glob.glob(pattern, root_dir=settings.directory, recursive=True))
            files = [settings.directory / m for m in matches if (settings.directory / m).is_file()]
            if not files:
                raise UsageError(f"ropa.yaml: observed pattern {pattern!r} matches no file")
            found += files
    unique = dict.fromkeys(found)  # keep the order, drop repeats
    return [(path, _display(path)) for path in unique]


def baseline_path(args: argparse.Namespace, settings: Config) -> Path | None:
    given = getattr(args, "baseline", None)
    if given:
        return Path(given)
    if settings.baseline and _configured_inventory(args, settings):
        return settings.directory / settings.baseline
    return None


def load_and_check(args: argparse.Namespace, *, use_baseline: bool = True) -> CheckResult:
    """Check the inventory, reconcile the observed evidence, apply the baseline."""
    settings = config()
    path = inventory_path(args, settings)
    # One file of the inventory is checked in context (its references resolve
    # against the rest), and only its own findings are reported.
    root = enclosing_inventory(path, settings)
    inventory = load_inventory(root or path)
    evidence = observed_files(args, settings)
    # The inventory lives until the command ends and holds no cycles: keep the
    # collector from rescanning its millions of objects while the rules run.
    gc.freeze()
    result = check(
        inventory, as_of(args), Settings(large_scale_subjects=settings.large_scale_subjects)
    )
    if root is not None:
        name = display_name(path, root)
        result.findings = [f for f in result.findings if f.pos.file == name]
    if evidence:
        from registry.evidence.reconcile import with_evidence

        result = with_evidence(result, evidence)
    path = baseline_path(args, settings) if use_baseline else None
    if path is not None:
        from registry.pipeline import baseline

        try:
            known = baseline.load(path)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        result.findings = known.apply(result.findings)
        stale = known.stale(result.findings)
        if stale:
            print(
                f"ropa: {len(stale)} baseline entr{'y is' if len(stale) == 1 else 'ies are'} "
                f"fixed; drop {'it' if len(stale) == 1 else 'them'} with "
                f"`ropa baseline write {path}`",
                file=sys.stderr,
            )
    return result


def write_output(text: str | bytes, out: str | None) -> None:
    """Write to ``out`` (or stdout); binary outputs need a file."""
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    try:
        Path(out).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {out!r}: {error.strerror}") from None
