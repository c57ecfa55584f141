"""Every finding code is a declared rule, written once where it is declared.

Code that finds a breach makes the finding through the rule object
(``UNKNOWN_KIND.finding(...)``, ``ctx.finding(...)``), so a code can be neither
misspelt where it is emitted nor emitted without a catalogue entry that
``ropa explain`` can show.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from registry.cli import main
from registry.core import schema_rules
from registry.core.inventory import load_inventory
from registry.core.rulebook import Rule
from registry.outputs.site import markup
from registry.outputs.site.pages import build_site
from registry.pipeline import with_evidence
from registry.pipeline.check import check
from registry.rules import catalogue, evidence

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"[A-Z]{3}-\d{3}")
AS_OF = dt.date(2026, 11, 30)
DECLARERS = {"declare", "rule"}  # core.rulebook.declare and the rules layer's @rule


def _declared_code(call: ast.Call) -> ast.expr | None:
    """The code argument of a rule declaration, ``declare(code=…)`` or ``@rule("…", …)``."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in DECLARERS:
        return None
    for keyword in call.keywords:
        if keyword.arg == "code":
            return keyword.value
    return call.args[0] if call.args else None


def _codes_outside_declarations(source: str) -> list[tuple[int, str]]:
    """(line, code) of each string literal that is a finding code but declares no rule."""
    tree = ast.parse(source)
    declaring = {
        id(argument)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (argument := _declared_code(node)) is not None
    }
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE.fullmatch(node.value)
        and id(node) not in declaring
    )


def test_no_code_is_written_where_findings_are_made():
    sources = sorted((ROOT / "registry").rglob("*.py"))
    assert len(sources) > 40  # the scan sees the package, not an empty folder
    written = [
        f"{path.relative_to(ROOT)}:{line}: {code!r}"
        for path in sources
        for line, code in _codes_outside_declarations(path.read_text("utf-8"))
    ]
    assert not written, (
        "finding codes written as string literals; declare the rule once "
        "(core/rulebook.declare or @rule) and make findings through it:\n" + "\n".join(written)
    )


def test_the_scan_sees_a_literal_code():
    """The scan above is not vacuous: an emitted literal is caught, a declaration is not."""
    source = (
        'X = declare(code="SCH-001", name="x", severity=E, article="", doc="")\n'
        '@rule("SEC-001", "x", E, "")\n'
        "def check(ctx): ...\n"
        'problem = LoadProblem("SCH-004", "alias", pos)\n'
        'message = f"see SCH-012 in {file}"  # prose mentioning a code is fine\n'
    )
    assert _codes_outside_declarations(source) == [(4, "SCH-004")]


@pytest.mark.parametrize("module", [schema_rules, evidence], ids=lambda m: m.__name__)
def test_emitted_rules_are_the_catalogue_entries(module):
    """The objects emitters reference are the ones `ropa rules` and `ropa explain` show."""
    rules = [value for value in vars(module).values() if isinstance(value, Rule)]
    assert rules
    for rule in rules:
        assert catalogue()[rule.code] is rule
        assert rule.check is None  # found where they are emitted, not run by the checker


def _fixtures() -> list[tuple[str, list[str]]]:
    """Each inventory the tests use, with the evidence reconciled against it."""
    observed = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "observed").iterdir())
    lab = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "tests/fixtures/lab/observed").iterdir()
    )
    bad = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests/bad_inputs").iterdir())
    return [
        ("inventory", observed),
        ("tests/fixtures/dedalus", []),
        ("tests/fixtures/lab/inventory", lab),
        ("tests/fixtures/lineage", []),
        ("tests/fixtures/register", []),
        ("tests/fixtures/site", []),
        *((path, []) for path in bad),
    ]


@pytest.mark.parametrize(
    ("inventory", "evidence_files"), _fixtures(), ids=[name for name, _ in _fixtures()]
)
def test_every_code_found_in_the_fixtures_is_catalogued(inventory, evidence_files):
    result = check(load_inventory(ROOT / inventory), AS_OF)
    if evidence_files:
        result = with_evidence(result, [(ROOT / f, f) for f in evidence_files])
    found = {finding.rule for finding in result.findings}
    assert found <= set(catalogue()), sorted(found - set(catalogue()))


# --- when each rule does not fire -----------------------------------------------------

NOT_FIRING = "Does not fire"


def _not_firing(rule: Rule) -> str:
    """The paragraph of a rule's documentation that says when it does not fire."""
    found = [p for p in rule.help.split("\n\n") if p.startswith(NOT_FIRING)]
    assert found, (
        f"{rule.code}'s documentation has no paragraph starting {NOT_FIRING!r}: say which "
        "near cases it lets pass, and why"
    )
    return found[0]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_rule_says_when_it_does_not_fire(code):
    paragraph = _not_firing(catalogue()[code])
    assert len(paragraph.split()) >= 8  # a reason, not a stub


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_ropa_explain_prints_when_the_rule_does_not_fire(code, capsys):
    assert main(["explain", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{code} {catalogue()[code].name} (")
    assert _words(_not_firing(catalogue()[code])) in _words(out)


def test_the_rule_catalogue_page_shows_each_rules_whole_documentation():
    result = check(load_inventory(ROOT / "tests/fixtures/site"), AS_OF)
    body = build_site(result, draw=lambda inventory, view, page: "").pages["rules.md"].body
    for code, rule in catalogue().items():
        section = body.split(f"{{#{code.lower()}}}", 1)[1].split("\n## ", 1)[0]
        for paragraph in markup.prose(rule.help):
            shown = paragraph.removeprefix(NOT_FIRING).lstrip()
            assert shown in section, f"{code}: {paragraph[:60]!r}… is not on rules.md"
        assert f"**{NOT_FIRING}** " in section, code
