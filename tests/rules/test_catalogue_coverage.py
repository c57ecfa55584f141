"""Every rule in the catalogue has a case that triggers it and a near miss that does not.

The cases live in the ``TRIGGERS`` / ``NEAR_MISSES`` tables of the rules test
modules (and of tests/test_schema_findings.py for the loader's rules); those
modules run them. A new rule without cases fails here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from registry.rules import catalogue
from tests.builder import Case, baseline

HERE = Path(__file__).resolve().parent
# Every rules test module (a new area's module is picked up by its name), and the
# loader's rules in tests/test_schema_findings.py.
MODULES = [
    *sorted(f"tests.rules.{p.stem}" for p in HERE.glob("test_*.py")),
    "tests.test_schema_findings",
]


def _cases(table: str) -> list[Case]:
    cases: list[Case] = []
    for name in MODULES:
        cases.extend(getattr(importlib.import_module(name), table, []))
    return cases


@pytest.mark.parametrize("table", ["TRIGGERS", "NEAR_MISSES"])
def test_every_rule_has_cases(table):
    covered = {case.code for case in _cases(table)}
    missing = sorted(set(catalogue()) - covered)
    assert not missing, (
        f"rules with no case in {table}: {', '.join(missing)}; add one to {table} in "
        "tests/rules/test_<area>.py (cases perturb tests/rules/baseline/, see tests/builder.py)"
    )


@pytest.mark.parametrize("table", ["TRIGGERS", "NEAR_MISSES"])
def test_cases_name_real_rules(table):
    unknown = sorted({case.code for case in _cases(table)} - set(catalogue()))
    assert not unknown


def test_case_names_are_unique():
    names = [str(case) for table in ("TRIGGERS", "NEAR_MISSES") for case in _cases(table)]
    assert len(names) == len(set(names))


def test_baseline_is_clean(check_yaml):
    """The baseline every case perturbs has no finding at all, not even a warning."""
    result = check_yaml(baseline())
    assert result.findings == []
    assert len(result.inventory.files) == 8
    assert sum(1 for _ in result.inventory.entities()) == 8


@pytest.mark.parametrize("table", ["TRIGGERS", "NEAR_MISSES"])
def test_every_case_changes_the_baseline(table):
    """A near miss is a deliberate variation, not the untouched baseline."""
    # A discovery case varies the repository it scans (`repo`), not necessarily the register.
    unchanged = [
        str(case)
        for case in _cases(table)
        if case.files() == baseline() and not getattr(case, "repo", None)
    ]
    assert not unchanged


def test_every_trigger_names_entity_and_location():
    for case in _cases("TRIGGERS"):
        assert ":" in case.entity and case.at.count(":") in (1, 2), case
