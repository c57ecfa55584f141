"""The set-up writes ropa's bytecode: an editable install has none, and where
PYTHONDONTWRITEBYTECODE is set every run compiled ropa's modules from source."""

from __future__ import annotations

import re
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def _rules() -> dict[str, tuple[list[str], list[str]]]:
    """target -> (prerequisites, recipe lines), for the Makefile's explicit rules."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] | None = None
    for line in MAKEFILE.read_text("utf-8").splitlines():
        if line.startswith("\t") and current is not None:
            current.append(line.strip())
            continue
        match = re.match(r"^([^\s:#=][^:=]*):(?!=)(.*)$", line)
        if match:
            current = []
            rules[match.group(1).strip()] = (match.group(2).split(), current)
        else:
            current = None
    return rules


def test_the_bytecode_target_compiles_the_package() -> None:
    prerequisites, recipe = _rules()["$(VENV)/.bytecode"]
    assert "$(VENV)/.installed" in prerequisites
    # made again when any of the package's sources is newer than the stamp
    assert "$(shell find registry -name '*.py')" in " ".join(prerequisites)
    assert any("-m compileall" in line and line.endswith(" registry") for line in recipe)


def test_every_command_that_runs_ropa_has_its_bytecode() -> None:
    rules = _rules()
    for target in ("demo", "test", "bench", "schema"):
        assert "$(VENV)/.bytecode" in rules[target][0], target
