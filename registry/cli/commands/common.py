"""What most commands share: turn their arguments into a pipeline request, write output."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from registry.core.config import CONFIG_NAME
from registry.core.errors import CannotRun
from registry.core.inventory import Inventory
from registry.pipeline import Request, run
from registry.pipeline import load as load_inventory
from registry.pipeline.check import CheckResult


def request(args: argparse.Namespace, *, use_baseline: bool = True, judge: bool = True) -> Request:
    """The pipeline request a command's arguments describe."""
    path = getattr(args, "path", None)
    observed = getattr(args, "observed", None)
    baseline = getattr(args, "baseline", None)
    at = getattr(args, "at", None)
    snapshot = None
    if at is not None:
        from registry.outputs.report import terminal_safe
        from registry.pipeline.revision import read_snapshot

        snapshot = read_snapshot(at, Path(path) if path is not None else None, Path.cwd())
        # stderr, so that stdout stays exactly the report (JSON, SARIF) a checkout gives
        print(f"ropa: read {terminal_safe(snapshot.describe())}", file=sys.stderr)
    directory = None
    if snapshot is None and path is not None and (Path(path) / CONFIG_NAME).is_file():
        # `ropa check my-register/` on a project folder: its ropa.yaml says where the
        # inventory lies and which evidence and baseline go with it, as `cd` there would
        directory, path = Path(path), None
    return Request(
        path=Path(path) if path is not None else None,
        directory=directory,
        as_of=getattr(args, "as_of", None),
        observed=tuple(Path(o) for o in observed) if observed else None,
        baseline=Path(baseline) if baseline else None,
        use_baseline=use_baseline,
        judge=judge,
        snapshot=snapshot,
    )


def load(args: argparse.Namespace) -> Inventory:
    return load_inventory(request(args))


def record(args: argparse.Namespace) -> CheckResult:
    """The inventory and its record, for outputs that show the register, not the findings:
    the same pipeline without the rules, the evidence or the baseline."""
    return run(request(args, use_baseline=False, judge=False)).result


def as_of(args: argparse.Namespace) -> dt.date:
    return getattr(args, "as_of", None) or dt.date.today()


def load_and_check(args: argparse.Namespace, *, use_baseline: bool = True) -> CheckResult:
    """Check the inventory, reconcile the observed evidence, apply the baseline."""
    outcome = run(request(args, use_baseline=use_baseline))
    stale = outcome.stale_baseline
    if stale:
        print(
            f"ropa: {len(stale)} baseline entr{'y is' if len(stale) == 1 else 'ies are'} "
            f"fixed; drop {'it' if len(stale) == 1 else 'them'} with "
            f"`ropa baseline write {outcome.baseline_path}`",
            file=sys.stderr,
        )
    return outcome.result


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
        raise CannotRun(f"cannot write {out!r}: {error.strerror}") from None
