"""Shared test helpers: write a small inventory and check it."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.pipeline.check import CheckResult, check

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inventory"
AS_OF = dt.date(2026, 11, 29)


def write_inventory(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return directory


def check_files(directory: Path, files: dict[str, str], as_of: dt.date = AS_OF) -> CheckResult:
    return check(load_inventory(write_inventory(directory, files)), as_of)


@pytest.fixture
def check_yaml(tmp_path: Path):
    """check_yaml("...yaml text...") or check_yaml({"a.yaml": "..."}) → CheckResult."""

    def run(files: str | dict[str, str], as_of: dt.date = AS_OF) -> CheckResult:
        if isinstance(files, str):
            files = {"inventory.yaml": files}
        return check_files(tmp_path / "inv", files, as_of)

    return run


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The DOT of every diagram Graphviz really draws."""
    seen: list[str] = []
    from registry.outputs.render import engine

    real = engine._draw

    def counted(command: list[str], dot: str, timeout: float) -> str:
        seen.append(dot)
        return real(command, dot, timeout)

    monkeypatch.setattr(engine, "_draw", counted)
    return seen
