"""Deterministic builds: the same inventory gives byte-identical outputs.

Every output (check reports, diagrams, trace, impact, every export, the built
site) is produced twice from copies of the example inventory in two different
working directories — the second time with the files discovered in reverse
order — and the bytes are compared.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import registry.core.loader
from registry.cli import main
from tests.conftest import AS_OF, EXAMPLE, ROOT

DATE = AS_OF.isoformat()
COMMANDS: dict[str, list[str]] = {
    "check.txt": ["check", "inventory", "--as-of", DATE],
    "check.json": ["check", "inventory", "--format", "json", "--as-of", DATE],
    "check.sarif": ["check", "inventory", "--format", "sarif", "--as-of", DATE],
    "check.xml": ["check", "inventory", "--format", "junit", "--as-of", DATE],
    "overview.dot": ["graph", "inventory", "--format", "dot"],
    "transfers.dot": ["graph", "inventory", "--view", "transfers"],
    "health.dot": ["graph", "inventory", "--view", "category:health"],
    "lis.dot": ["graph", "inventory", "--view", "system:kalisto-lis"],
    "trace.json": ["trace", "lab-results", "inventory", "--format", "json"],
    "trace.txt": ["trace", "nir", "inventory"],
    "impact.json": ["impact", "kalisto-lis", "inventory", "--format", "json", "--as-of", DATE],
    "impact.md": ["impact", "migration-staging", "inventory", "--as-of", DATE],
    "ico.xlsx": ["export", "inventory", "--format", "xlsx", "--template", "ico"],
    "cnil.xlsx": ["export", "inventory", "--format", "xlsx", "--template", "cnil"],
    "ico.csv": ["export", "inventory", "--format", "csv", "--template", "ico"],
    "cnil.csv": ["export", "inventory", "--format", "csv", "--template", "cnil"],
    "full.json": ["export", "inventory", "--format", "json", "--template", "full"],
    "processor.csv": [
        "export", "inventory", "--format", "csv", "--record", "processor", "--org", "kalisto-sante",
    ],
}  # fmt: skip


def _reversed_walk(top, **kwargs) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk that lists every folder's entries in reverse alphabetical order."""
    for directory, subdirs, files in _REAL_WALK(top, **kwargs):
        subdirs.sort(reverse=True)
        yield directory, subdirs, sorted(files, reverse=True)


_REAL_WALK = os.walk


def _produce(workdir: Path, monkeypatch: pytest.MonkeyPatch, *, reverse: bool) -> dict[str, bytes]:
    shutil.copytree(EXAMPLE, workdir / "inventory")
    monkeypatch.chdir(workdir)
    if reverse:
        monkeypatch.setattr(registry.core.loader.os, "walk", _reversed_walk)
    outputs = {}
    for name, argv in COMMANDS.items():
        out = workdir / "out" / name
        out.parent.mkdir(exist_ok=True)
        code = main([*argv, "--out", str(out)])
        assert code in (0, 1), name
        outputs[name] = out.read_bytes()
    monkeypatch.undo()
    return outputs


def test_every_output_is_byte_identical_across_directories_and_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _produce(tmp_path / "one", monkeypatch, reverse=False)
    second = _produce(tmp_path / "elsewhere" / "two", monkeypatch, reverse=True)
    assert sorted(first) == sorted(COMMANDS)
    differing = [name for name in COMMANDS if first[name] != second[name]]
    assert differing == []
    assert all(len(content) > 100 for content in first.values())


def test_reversed_walk_really_reverses_discovery(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text("kind: DataSubject\nid: x\nname: X\n")
    listed = next(files for _, _, files in _reversed_walk(tmp_path))
    assert listed == sorted(listed, reverse=True)
    found = registry.core.loader.discover(tmp_path)
    assert [p.name for p in found] == ["a.yaml", "b.yaml", "c.yaml"]


def _tree_digest(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_the_built_site_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    digests = []
    for index, reverse in enumerate((False, True)):
        workdir = tmp_path / f"site-{index}"
        shutil.copytree(EXAMPLE, workdir / "inventory")
        shutil.copy(ROOT / "mkdocs.yml", workdir / "mkdocs.yml")
        (workdir / "docs").mkdir()
        monkeypatch.chdir(workdir)
        monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
        if reverse:
            monkeypatch.setattr(registry.core.loader.os, "walk", _reversed_walk)
        config = load_config(str(workdir / "mkdocs.yml"), site_dir=str(workdir / "site"))
        config.plugins["ropa"].config["as_of"] = DATE
        build(config)
        digests.append(_tree_digest(workdir / "site"))
        monkeypatch.undo()
    assert len(digests[0]) > 50
    assert digests[0] == digests[1]
