"""The Dedalus case (CNIL, délibération SAN-2022-009, 15 April 2022) as a register.

tests/fixtures/dedalus/ reproduces it: a lab-software vendor migrating 28
laboratories (491,939 patients) through a server it ran. Each of the CNIL's eight
findings must come out of `ropa check` with its rule, article and the file:line
to edit. Lines and columns below were read off the fixture files by hand.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory, load_inventory
from registry.pipeline.check import CheckResult, check
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "dedalus"
LEAK_REPORTED = dt.date(2021, 2, 23)  # the day the leak was made public
LAB = "labs/lbm-quimper.yaml"  # one of the 28, all generated from one template
VENDOR = "dedalus.yaml"


@cache
def inventory() -> Inventory:
    return load_inventory(FIXTURE)


@cache
def result() -> CheckResult:
    return check(inventory(), LEAK_REPORTED)


def in_file(shown: str, path: str) -> bool:
    """Positions name files relative to the working directory: compare the tail."""
    return f"/{shown}".endswith(f"/{path}")


def found(rule: str, path: str, line: int, column: int | None = None) -> list[Finding]:
    return [
        f
        for f in result().findings
        if f.rule == rule
        and in_file(f.pos.file, path)
        and f.pos.line == line
        and (column is None or f.pos.column == column)
    ]


def test_the_fixture_is_the_case():
    inv = inventory()
    activities = list(inv.activities.values())
    assert len({a.controller for a in activities}) == 28
    assert sum(a.estimated_subjects for a in activities) == 491_939
    assert inv.systems["dedalus-migration-server"].operator == "dedalus-biologie"
    assert inv.contracts == {}  # no written contract with any laboratory
    assert inv.problems == []  # the fixture itself is well-formed


# (CNIL finding, rule, article, file, line, column, entity) — one row per finding
# on the reference laboratory and the vendor's systems.
CNIL_FINDINGS = [
    ("no written contract", "DPA-001", "Art. 28(3)", LAB, 56, 5, "Flow:lbm-quimper-extract"),
    ("no written contract", "DPA-002", "Art. 28(1)", VENDOR, 13, 1,
     "Organisation:dedalus-biologie"),
    ("more data than instructed", "SCP-001", "Art. 5(1)(c), 29", LAB, 59, 42,
     "Flow:lbm-quimper-extract"),
    ("no migration procedure", "SEC-005", "Art. 32(1)(d)", LAB, 61, 7,
     "Flow:lbm-quimper-extract"),
    ("stored unencrypted", "SEC-001", "Art. 32(1)(a)", VENDOR, 46, 23,
     "System:dedalus-migration-server"),
    ("no deletion after the migration", "RET-002", "Art. 5(1)(e), 32", VENDOR, 36, 12,
     "System:dedalus-migration-server"),
    ("public area without authentication", "SEC-002", "Art. 32(1)(b)", VENDOR, 72, 19,
     "System:dedalus-public-area"),
    ("shared accounts", "SEC-003", "Art. 32(1)(b), 32(4)", VENDOR, 47, 19,
     "System:dedalus-migration-server"),
    ("no supervision or alert escalation", "SEC-004", "Art. 32(1)(b), 33", VENDOR, 50, 15,
     "System:dedalus-migration-server"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cnil", "rule", "article", "path", "line", "column", "entity"),
    CNIL_FINDINGS,
    ids=[f"{row[1]} {row[0]}" for row in CNIL_FINDINGS],
)
def test_each_cnil_finding_is_reported_where_it_is_fixed(
    cnil, rule, article, path, line, column, entity
):
    hits = found(rule, path, line, column)
    assert hits, f"{cnil}: no {rule} at {path}:{line}:{column}"
    for finding in hits:
        assert finding.severity is Severity.error and finding.fails
        assert finding.article == article
        assert finding.entity == entity


def test_over_extraction_names_each_category_and_subject_beyond_the_instruction():
    extract = [f for f in result().findings if f.entity == "Flow:lbm-quimper-extract"]
    scp001 = {
        (f.pos.line, f.pos.column, f.message.split()[3].rstrip(","))
        for f in extract
        if f.rule == "SCP-001"
    }
    assert scp001 == {
        (59, 42, "national-id"),
        (59, 55, "hiv-status"),
        (59, 67, "cancer"),
        (59, 75, "genetic"),
        (59, 84, "pregnancy"),
    }
    scp002 = [(f.pos.line, f.pos.column) for f in extract if f.rule == "SCP-002"]
    assert scp002 == [(60, 27)]  # the prescribing doctors


def test_every_laboratory_is_caught_not_only_the_reference_one():
    labs = sorted(p.relative_to(FIXTURE).as_posix() for p in (FIXTURE / "labs").glob("*.yaml"))
    assert len(labs) == 28
    for lab in labs:
        assert len(found("DPA-001", lab, 56)) == 1, lab  # extract to the server
        assert len(found("DPA-001", lab, 69)) == 1, lab  # copy to the public area
        assert len(found("SEC-005", lab, 61)) == 1, lab
        assert len(found("SCP-001", lab, 59)) == 5, lab
    # The processor holds every laboratory's data without a contract: one finding per
    # laboratory, on the vendor (the relationship to fix), naming both of its systems.
    vendor = found("DPA-002", VENDOR, 13)
    controllers = {f.message.split(" for ")[1].split()[0] for f in vendor}
    assert controllers == {a.controller for a in inventory().activities.values()}
    assert len(vendor) == 28
    assert all(
        "runs systems dedalus-migration-server, dedalus-public-area for" in f.message
        for f in vendor
    )


def test_both_vendor_stores_fail_and_nothing_else_is_reported():
    assert {
        (f.pos.line, f.entity) for f in result().findings if f.rule in ("SEC-001", "SEC-004")
    } == {
        (46, "System:dedalus-migration-server"),
        (50, "System:dedalus-migration-server"),
        (71, "System:dedalus-public-area"),
        (75, "System:dedalus-public-area"),
    }
    assert {(f.pos.line, f.entity) for f in result().findings if f.rule == "RET-002"} == {
        (36, "System:dedalus-migration-server"),
        (61, "System:dedalus-public-area"),
    }
    by_rule = Counter((f.rule, f.severity.value) for f in result().findings)
    assert by_rule == {
        ("DPA-001", "error"): 56,  # 28 extracts + 28 public copies
        ("DPA-002", "error"): 28,  # the vendor, once per controller
        ("SCP-001", "error"): 280,  # 5 extra categories x 56 flows
        ("SCP-002", "error"): 56,  # the prescribing doctors on 56 flows
        ("SEC-005", "error"): 28,
        ("SEC-001", "error"): 2,
        ("SEC-004", "error"): 2,
        ("RET-002", "error"): 2,
        ("SEC-002", "error"): 1,
        ("SEC-003", "error"): 1,
        ("SEC-007", "warning"): 2,  # internet-exposed special categories without MFA
        ("DPO-002", "warning"): 15,  # the labs of 10,000+ patients name no DPO (Art. 37(1)(c))
    }


def test_generated_laboratories_match_the_generator():
    spec = importlib.util.spec_from_file_location("dedalus_generate", FIXTURE / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    assert sum(n for *_, n in generate.LABS) == generate.TOTAL_PATIENTS == 491_939
    for slug, town, patients in generate.LABS:
        text = (FIXTURE / "labs" / f"lbm-{slug}.yaml").read_text("utf-8")
        assert text == generate.render(slug, town, patients), slug


def test_cli_reports_the_case_as_json_and_fails():
    ropa = Path(sys.executable).with_name("ropa")
    command = [str(ropa)] if ropa.exists() else [sys.executable, "-m", "registry.cli"]
    run = subprocess.run(
        [*command, "check", "tests/fixtures/dedalus", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    report = json.loads(run.stdout)
    rules = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    assert {"DPA-001", "DPA-002", "SCP-001", "SEC-005", "SEC-001", "RET-002", "SEC-002",
            "SEC-003", "SEC-004"} <= rules  # fmt: skip
    public_area = [f for f in report["findings"] if f["rule"] == "SEC-002"]
    assert [
        (f["file"], f["line"], f["column"], f["entity"], f["article"]) for f in public_area
    ] == [
        (
            "tests/fixtures/dedalus/dedalus.yaml",
            72,
            19,
            {"kind": "System", "id": "dedalus-public-area"},
            "Art. 32(1)(b)",
        )
    ]
    assert report["summary"]["error"] >= 456
