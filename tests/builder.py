"""A valid baseline inventory that each rule test perturbs a little.

The baseline lives as real YAML files in ``tests/rules/baseline/`` (one entity a
file), so the line numbers a test expects can be read off in any editor. It
passes ``ropa check`` with no finding at all (``test_baseline_is_clean``); a test
applies a few changes (``Edit``, ``Put``, ``Drop``) and asserts that one rule
fires at one entity and one file:line — or, for a near miss, that it does not.

Each rules module keeps its cases in two tables, ``TRIGGERS`` and ``NEAR_MISSES``;
``tests/rules/test_catalogue_coverage.py`` fails when a catalogue rule has no case
in either table. Every case also checks that each code it finds is in the catalogue.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from registry.core.findings import Finding
from registry.pipeline.check import CheckResult
from registry.rules import catalogue

BASELINE_DIR = Path(__file__).resolve().parent / "rules" / "baseline"
AS_OF = dt.date(2026, 11, 29)
# check_yaml writes the inventory to <tmp>/inv: findings name files "inv/…".
PREFIX = "inv/"


def baseline() -> dict[str, str]:
    """The baseline inventory: file name (relative to the inventory) → text."""
    return {
        path.relative_to(BASELINE_DIR).as_posix(): path.read_text("utf-8")
        for path in sorted(BASELINE_DIR.rglob("*.yaml"))
    }


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``file``."""

    file: str
    old: str
    new: str

    def apply(self, files: dict[str, str]) -> None:
        text = files[self.file]
        count = text.count(self.old)
        if count != 1:
            raise AssertionError(f"{self.old!r} occurs {count} times in {self.file}, not once")
        files[self.file] = text.replace(self.old, self.new)


@dataclass(frozen=True)
class Put:
    """Write ``file`` (new, or replacing the baseline's); the text is dedented."""

    file: str
    text: str

    def apply(self, files: dict[str, str]) -> None:
        files[self.file] = textwrap.dedent(self.text).lstrip("\n")


@dataclass(frozen=True)
class Drop:
    file: str

    def apply(self, files: dict[str, str]) -> None:
        del files[self.file]


Change = Edit | Put | Drop


def perturb(*changes: Change) -> dict[str, str]:
    files = baseline()
    for change in changes:
        change.apply(files)
    return files


def located(finding: Finding) -> str:
    """``file:line:col`` with the file relative to the inventory directory."""
    file = finding.pos.file.removeprefix(PREFIX)
    return f"{file}:{finding.pos.line}:{finding.pos.column}"


def matches(finding: Finding, at: str) -> bool:
    """``at`` is ``file:line`` or ``file:line:col``."""
    where = located(finding)
    return where == at or where.rsplit(":", 1)[0] == at


def of_rule(result: CheckResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == code]


def describe(findings: Sequence[Finding]) -> str:
    return "\n".join(f"  {located(f)} {f.rule} {f.entity} {f.message}" for f in findings) or "  —"


def assert_catalogued(result: CheckResult) -> None:
    """Every finding names a rule of the catalogue, one that `ropa explain` can show."""
    unknown = sorted({f.rule for f in result.findings} - set(catalogue()))
    assert not unknown, f"findings of rules missing from the catalogue: {', '.join(unknown)}"


def assert_finding(result: CheckResult, code: str, entity: str, at: str) -> Finding:
    """One finding of ``code`` about ``entity`` at ``at``; returns it."""
    assert_catalogued(result)
    hits = [f for f in of_rule(result, code) if f.entity == entity and matches(f, at)]
    assert hits, f"expected {code} on {entity} at {at}; findings were:\n{describe(result.findings)}"
    return hits[0]


def assert_no_finding(result: CheckResult, code: str) -> None:
    assert_catalogued(result)
    hits = of_rule(result, code)
    assert not hits, f"{code} fired on a near miss:\n{describe(hits)}"


@dataclass(frozen=True)
class Case:
    """One rule case: the changes to the baseline and what must (not) be found.

    For a trigger, ``entity`` ("Kind:id") and ``at`` ("file:line[:col]") are
    hand-verified against the YAML the changes produce.
    """

    code: str
    why: str
    changes: tuple[Change, ...]
    entity: str = ""
    at: str = ""
    as_of: dt.date = AS_OF
    also: Callable[[CheckResult], None] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.code}:{self.why}"

    def files(self) -> dict[str, str]:
        return perturb(*self.changes)

    def assert_triggers(self, check_yaml: Callable[..., CheckResult]) -> Finding:
        result = check_yaml(self.files(), self.as_of)
        finding = assert_finding(result, self.code, self.entity, self.at)
        if not self.code.startswith("SCH-"):
            # The rule must fire on a valid inventory, not as a side effect of a schema error.
            schema = [f for f in result.findings if f.rule.startswith("SCH-")]
            assert not schema, f"trigger {self} has schema errors:\n{describe(schema)}"
        if self.also:
            self.also(result)
        return finding

    def assert_near_miss(self, check_yaml: Callable[..., CheckResult]) -> None:
        result = check_yaml(self.files(), self.as_of)
        assert_no_finding(result, self.code)
        if not self.code.startswith("SCH-"):
            # A near miss must be valid YAML and a valid model, or it proves nothing:
            # an entity with a schema error is never judged by the rules.
            schema = [f for f in result.findings if f.rule.startswith("SCH-")]
            assert not schema, f"near miss {self} has schema errors:\n{describe(schema)}"
        if self.also:
            self.also(result)


def trigger(code: str, why: str, *changes: Change, entity: str, at: str, **kw) -> Case:
    return Case(code, why, changes, entity, at, **kw)


def near_miss(code: str, why: str, *changes: Change, **kw) -> Case:
    return Case(code, why, changes, **kw)
