"""Shared test helpers: write a small inventory and check it."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import overload

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


# the line break before each graph after the first of a run that draws several
# (engine.run_engine_batch): every graph ropa and the tests write starts `digraph`
_GRAPH_START = re.compile(r"\n(?=digraph\b)")


class Drawn(Sequence[str]):
    """The DOTs a wrapper engine was given, oldest first (see :func:`draws`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _dots(self) -> list[str]:
        kept = sorted(self.folder.glob("dot.*"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [dot for path in kept for dot in _GRAPH_START.split(path.read_text("utf-8"))]

    def __len__(self) -> int:
        return len(self._dots())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._dots()[index]


@pytest.fixture
def draws(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Drawn:
    """The DOT of every diagram Graphviz really draws, whether in this process or in
    the site's drawing process: ROPA_DOT becomes a wrapper of the real engine that
    keeps a copy of each DOT it is given."""
    from registry.outputs.render import engine

    real = engine.find_engine()[0]
    folder = tmp_path_factory.mktemp("draws")
    wrapper = folder / "engine"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"kept=$(mktemp {shlex.quote(str(folder))}/dot.XXXXXX) || exit 1\n"
        'cat > "$kept" || exit 1\n'
        f'exec {shlex.quote(real)} "$@" < "$kept"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("ROPA_DOT", str(wrapper))
    return Drawn(folder)
