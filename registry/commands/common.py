"""What most commands share: find the inventory, load it, check it."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from pathlib import Path

from registry.check import CheckResult, check
from registry.cli import UsageError
from registry.config import Config, ConfigError, load_config
from registry.inventory import Inventory, load_inventory
from registry.loader import discover
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


def load_and_check(args: argparse.Namespace) -> CheckResult:
    settings = config()
    inventory = load_inventory(inventory_path(args, settings))
    # The inventory lives until the command ends and holds no cycles: keep the
    # collector from rescanning its millions of objects while the rules run.
    gc.freeze()
    return check(
        inventory, as_of(args), Settings(large_scale_subjects=settings.large_scale_subjects)
    )


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
