"""`ropa schema`: the JSON Schema editors validate the inventory with."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from registry.cli import main
from registry.core.loader import LoadResult, discover, load_text
from registry.outputs.schema import SCHEMA_PATH, inventory_schema, render
from tests.conftest import EXAMPLE, ROOT

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = inventory_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def documents(root: Path) -> list[tuple[str, dict]]:
    """Every YAML document under ``root``, loaded as ropa loads it (YAML 1.2 scalars)."""
    found = []
    for path in discover(root):
        result = LoadResult()
        load_text(path.read_text("utf-8"), path.name, result)
        assert not result.problems, result.problems
        found += [(f"{path.name}:{d.pos.line}", d.body) for d in result.documents]
    return found


def errors(validator: Draft202012Validator, text: str) -> list[str]:
    result = LoadResult()
    load_text(text, "t.yaml", result)
    (document,) = result.documents

    def messages(error) -> list[str]:  # with the reasons inside anyOf (e.g. "or null")
        return [error.message] + [m for sub in error.context for m in messages(sub)]

    return sorted(m for e in validator.iter_errors(document.body) for m in messages(e))


def test_the_command_prints_the_committed_schema(capsys):
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == render()
    committed = (ROOT / SCHEMA_PATH).read_text("utf-8")
    assert committed == printed, "schema/ropa.schema.json is stale: run `ropa schema > it`"


def test_one_schema_with_kind_as_discriminator():
    schema = inventory_schema()
    assert schema["discriminator"]["propertyName"] == "kind"
    assert schema["properties"]["kind"]["enum"] == [
        "Organisation", "DataCategory", "DataSubject", "System",
        "Activity", "Flow", "Contract", "Waiver",
    ]  # fmt: skip


def test_the_fixture_and_example_inventories_validate(validator):
    roots = [LAB] + ([EXAMPLE] if EXAMPLE.is_dir() else [])
    checked = 0
    for root in roots:
        for where, body in documents(root):
            problems = [e.message for e in validator.iter_errors(body)]
            assert problems == [], where
            checked += 1
    assert checked >= 10


def test_the_default_taxonomy_validates(validator):
    root = ROOT / "registry" / "data" / "taxonomy.yaml"
    assert all(not list(validator.iter_errors(body)) for _, body in documents(root))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: Sytem\nid: lis\nname: LIS\n", "'Sytem' is not one of"),
        ("kind: System\nid: LIS_1\nname: LIS\n", "'LIS_1' does not match"),
        ("kind: System\nid: lis\nname: LIS\nretension: P1Y\n", "'retension' was unexpected"),
        ("kind: System\nid: lis\nname: LIS\ncountry: France\n", "'France' does not match"),
        ("kind: System\nid: lis\nname: LIS\nstores: [{category: x, retention: 10 years}]\n",
         "'10 years' is not valid under any of the given schemas"),
        ("kind: System\nid: lis\nname: LIS\nsecurity: {mfa: yes}\n", "'yes' is not of type"),
        ("kind: Flow\nid: f\nactivity: a\nfrom: x\n", "'to' is a required property"),
        ("kind: Contract\nid: c\ntype: dpa\nsigned: 2026-02-30\n", "'2026-02-30' is not a 'date'"),
        ("kind: Contract\nid: c\ntype: dpa\nart28_clauses: {audit: true}\n",
         "'audit' is not one of"),
        ("id: x\nname: X\n", "'kind' is a required property"),
    ],
)  # fmt: skip
def test_broken_documents_are_rejected(validator, text, expected):
    found = errors(validator, text)
    assert any(expected in message for message in found), found


def test_short_and_long_retention_forms_are_accepted(validator):
    for retention in ("P10Y", "P3Y after end of contract", "{period: P6M, source: Code}"):
        text = (
            f"kind: System\nid: lis\nname: LIS\nstores: [{{category: x, retention: {retention}}}]\n"
        )
        assert errors(validator, text) == [], retention


def test_every_example_file_names_the_committed_schema():
    """The modeline makes VS Code (yaml-language-server) validate and complete as you type."""
    files = sorted(EXAMPLE.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        first = path.read_text("utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        target = (path.parent / first.removeprefix(prefix)).resolve()
        assert target == (ROOT / SCHEMA_PATH).resolve(), path
