"""`ropa init DIR`: a starter register that passes `ropa check` as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from registry.cli import main
from registry.cli.commands.init import starter_files
from registry.core.loader import LoadResult, discover, load_text
from registry.outputs.schema import render


def test_init_writes_a_register_that_passes_the_check(tmp_path, monkeypatch, capsys):
    assert main(["init", str(tmp_path / "register")]) == 0
    assert capsys.readouterr().out.startswith("ropa: wrote a starter register into")
    monkeypatch.chdir(tmp_path / "register")
    assert main(["check", "--format", "json"]) == 0  # ropa.yaml names the inventory
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []  # not even a warning
    assert report["summary"]["entities"] == 8
    kinds = {p.parent.name for p in Path("inventory").rglob("*.yaml")}
    assert kinds == {"organisations", "systems", "activities", "flows", "contracts"}


def test_check_on_the_project_folder_follows_its_ropa_yaml(tmp_path, monkeypatch, capsys):
    """`ropa check register/` from outside reads what ropa.yaml names, not ropa.yaml itself
    as a document of the inventory (which gave SCH-007), and shows paths from here."""
    assert main(["init", str(tmp_path / "register")]) == 0
    crm = tmp_path / "register" / "inventory" / "systems" / "crm.yaml"
    crm.write_text(crm.read_text("utf-8").replace("country: FR", "country: XX"), "utf-8")
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["check", "register"]) == 1
    out = capsys.readouterr().out
    assert "SCH-007" not in out
    assert "register/inventory/systems/crm.yaml:" in out and "SCH-009" in out


def test_every_file_is_commented_and_names_the_schema(tmp_path):
    assert main(["init", str(tmp_path)]) == 0
    schema = json.loads((tmp_path / "schema" / "ropa.schema.json").read_text())
    assert (tmp_path / "schema" / "ropa.schema.json").read_text() == render()
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for path in discover(tmp_path / "inventory"):
        text = path.read_text("utf-8")
        lines = text.splitlines()
        assert lines[0] == "# yaml-language-server: $schema=../../schema/ropa.schema.json"
        assert lines[1].startswith("# ") and len(lines[1]) > 20, path  # says what it is
        result = LoadResult()
        load_text(text, path.name, result)
        for document in result.documents:
            assert list(validator.iter_errors(document.body)) == [], path


def test_dates_are_the_day_the_register_is_started():
    files = starter_files(dt.date(2031, 2, 3))
    assert "signed: 2031-02-03" in files["inventory/contracts/dpa-mailer.yaml"]
    assert not any("TODAY" in text for text in files.values())
    assert files == starter_files(dt.date(2031, 2, 3))  # deterministic


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "ropa.yaml").write_text("inventory: mine\n")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"ropa: error: {tmp_path / 'ropa.yaml'} already exists; ropa init never overwrites "
        "(choose an empty folder)\n"
    )
    assert (tmp_path / "ropa.yaml").read_text() == "inventory: mine\n"
    assert not (tmp_path / "inventory").exists()


def test_init_into_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "x").write_text("")
    assert main(["init", str(tmp_path / "x")]) == 2
    assert (
        capsys.readouterr().err == f"ropa: error: '{tmp_path / 'x'}' exists and is not a folder\n"
    )
