"""`ropa init DIR`: a small, valid, commented starter register.

Writes ``ropa.yaml``, an ``inventory/`` with one of each main kind (a controller
and a processor, two systems, an activity, two flows, a DPA) that passes
`ropa check`, and ``schema/ropa.schema.json``, which every YAML file names in its
editor modeline. Never overwrites a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath

from registry.core.errors import CannotRun
from registry.outputs.schema import SCHEMA_PATH, modeline, render

PLACEHOLDER = "TODAY"  # review and signature dates: the day the register is started


def _templates(node: Traversable, prefix: PurePosixPath) -> list[tuple[PurePosixPath, str]]:
    found = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            found += _templates(child, prefix / child.name)
        elif child.name.endswith(".yaml"):
            found.append((prefix / child.name, child.read_text("utf-8")))
    return found


def starter_files(today: dt.date) -> dict[str, str]:
    """Relative path → content of every file ``ropa init`` writes."""
    root = resources.files("registry").joinpath("data/starter")
    files: dict[str, str] = {}
    for path, text in _templates(root, PurePosixPath()):
        text = text.replace(PLACEHOLDER, today.isoformat())
        if path.parts[0] == "inventory":
            schema = os.path.relpath(SCHEMA_PATH, path.parent.as_posix())
            text = modeline(PurePosixPath(schema).as_posix()) + "\n" + text
        files[path.as_posix()] = text
    files[SCHEMA_PATH] = render()
    return files


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise CannotRun(f"{args.directory!r} exists and is not a folder")
    files = starter_files(dt.date.today())
    existing = sorted(name for name in files if (target / name).exists())
    if existing:
        raise CannotRun(
            f"{target / existing[0]} already exists; ropa init never overwrites (choose an "
            "empty folder)"
        )
    try:
        for name, text in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
    except OSError as error:
        raise CannotRun(f"cannot write into {args.directory!r}: {error.strerror}") from None
    print(f"ropa: wrote a starter register into {target}/ ({len(files)} files).")
    print(f"Next: cd {target} && ropa check")
    return 0
