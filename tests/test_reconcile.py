"""Reconciling observed movements with the register: matching, findings, coverage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.inventory import load_inventory
from registry.core.position import Position
from registry.evidence.observed import Endpoint
from registry.evidence.reconcile import Matcher, Ref, reconcile
from registry.pipeline.check import check
from tests.conftest import AS_OF, write_inventory

LAB = Path(__file__).parent / "fixtures" / "lab"


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the lab fixture (inventory + observed evidence), as the current directory."""
    shutil.copytree(LAB, tmp_path / "lab")
    monkeypatch.chdir(tmp_path / "lab")
    return tmp_path / "lab"


def run_check(*args: str) -> int:
    return main(["check", "inventory", "--as-of", AS_OF.isoformat(), *args])


def reconcile_csv(directory: Path, text: str, inventory: Path | None = None):
    path = directory / "conn.csv"
    path.write_text(text, encoding="utf-8")
    inv = load_inventory(inventory or directory / "inventory")
    return reconcile(inv, [(path, "conn.csv")])


# --- matching ----------------------------------------------------------------------


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    inv = load_inventory(
        write_inventory(
            tmp_path / "inv",
            {
                "s.yaml": """
                kind: System
                id: lis
                name: LIS
                identifiers: ["postgres://LIS-DB.internal:5432", lis.public.results,
                              "mssql://orion.internal:1433/ORION", "ldap://dc01.internal"]
                ---
                kind: System
                id: web
                name: Web
                identifiers: [www.lab.example]
                ---
                kind: System
                id: exports
                name: Exports
                identifiers: ["s3://exports/*"]
                ---
                kind: System
                id: exports-hr
                name: HR exports
                identifiers: ["s3://exports/hr/*"]
                ---
                kind: Organisation
                id: vendor
                name: Vendor
                identifiers: ["*.vendor.example"]
                """
            },
        )
    )
    return Matcher(inv)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        # exact namespace, case-insensitive (hostnames and schemes are)
        (Endpoint("postgres://lis-db.internal:5432/x.y", "postgres://lis-db.internal:5432", "x.y"),
         Ref("System", "lis")),
        # exact dataset name in another namespace
        (Endpoint("bigquery/lis.public.results", "bigquery", "lis.public.results"),
         Ref("System", "lis")),
        # hostname inside a URL and inside host:port
        (Endpoint("https://www.lab.example/api"), Ref("System", "web")),
        (Endpoint("www.lab.example:443"), Ref("System", "web")),
        # glob on the dataset URI; the most specific glob wins
        (Endpoint("s3://exports/2026/a.csv", "s3://exports", "2026/a.csv"),
         Ref("System", "exports")),
        (Endpoint("s3://exports/hr/a.csv", "s3://exports", "hr/a.csv"),
         Ref("System", "exports-hr")),
        # glob on a hostname, for an organisation
        (Endpoint("api.vendor.example"), Ref("Organisation", "vendor")),
        # a database URI covers its tables (up to a '.' or '/'), not a longer name
        (Endpoint("mssql://orion.internal:1433/ORION.dbo.PATIENT", "mssql://orion.internal:1433",
                  "ORION.dbo.PATIENT"), Ref("System", "lis")),
        (Endpoint("mssql://orion.internal:1433/ORION2.dbo.x", "mssql://orion.internal:1433",
                  "ORION2.dbo.x"), None),
        # the host of a URI identifier without a path, seen in a connection log
        (Endpoint("dc01.internal:636"), Ref("System", "lis")),
        # nothing
        (Endpoint("s3://other/a.csv", "s3://other", "a.csv"), None),
        (Endpoint("lis"), None),
    ],
)  # fmt: skip
def test_matching(matcher: Matcher, endpoint: Endpoint, expected: Ref | None):
    assert matcher.match(endpoint) == expected
    assert matcher.match(endpoint) == expected  # and again, from the cache


def test_an_identifier_claimed_twice_is_reported(tmp_path):
    inv = load_inventory(
        write_inventory(
            tmp_path / "inv",
            {
                "s.yaml": """
                kind: System
                id: a
                name: A
                identifiers: [db.internal]
                ---
                kind: System
                id: b
                name: B
                identifiers: [other.internal, DB.internal]
                """
            },
        )
    )
    matcher = Matcher(inv)
    (finding,) = matcher.findings
    assert (finding.rule, finding.entity) == ("LIN-005", "System:b")
    assert (finding.pos.line, finding.pos.column) == (9, 31)  # the second claim
    assert "already claimed by System a" in finding.message
    assert matcher.match(Endpoint("db.internal")) == Ref("System", "a")


# --- the lab fixture: everything documented ----------------------------------------


def test_fully_documented_evidence_passes_with_full_coverage(lab, capsys):
    assert run_check("--observed", "observed") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "coverage: 2 of 2 observed movement(s) documented (100.0%), "
        "17 of 17 observation(s) in 2 evidence file(s), 5 record(s) read, 0 unreadable skipped"
    )


def test_one_undocumented_movement_turns_the_check_red(lab, capsys):
    with (lab / "observed" / "events.jsonl").open("a") as f:
        f.write(
            json.dumps(
                {
                    "eventTime": "2026-11-22T03:00:00Z",
                    "producer": "https://example.org/airflow",
                    "run": {"runId": "x"},
                    "job": {"namespace": "biolab-airflow", "name": "adhoc"},
                    "inputs": [
                        {"namespace": "postgres://lis-db.biolab.internal:5432", "name": "a"}
                    ],
                    "outputs": [{"namespace": "mysql://billing.biolab.internal:3306", "name": "b"}],
                }
            )
            + "\n"
        )
        # and one movement that the register does not explain
        f.write(
            '{"eventTime": "t", "producer": "p", "job": {"namespace": "n", "name": "j"}, '
            '"inputs": [{"namespace": "mysql://billing.biolab.internal:3306", "name": "i"}], '
            '"outputs": [{"namespace": "postgres://lis-db.biolab.internal:5432", "name": "o"}]}\n'
        )
    assert run_check("--observed", "observed") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "observed/events.jsonl:6:1: LIN-001 error undocumented flow: data moves from billing to "
        "lis (seen 1 time(s)) and no declared flow explains it; seen t; add {kind: Flow, id: "
        "billing-to-lis, activity: lab-testing, from: billing, to: lis} [Art. 30(1)(d), 5(2)]"
    )
    assert lines[-1] == (
        "coverage: 2 of 3 observed movement(s) documented (66.7%), "
        "18 of 19 observation(s) in 2 evidence file(s), 7 record(s) read, 0 unreadable skipped"
    )


def test_the_suggested_flow_is_valid_yaml_that_documents_the_movement(lab, capsys):
    (lab / "observed" / "extra.csv").write_text("billing.biolab.internal,lis-db.biolab.internal\n")
    assert run_check("--observed", "observed", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    (finding,) = [f for f in report["findings"] if f["rule"] == "LIN-001"]
    assert finding["file"] == "observed/extra.csv" and finding["line"] == 1
    assert finding["entity"] == {"kind": "Observed", "id": "billing->lis"}
    snippet = finding["message"].split("; add ", 1)[1]
    (lab / "inventory" / "new-flow.yaml").write_text(
        snippet + "\n", encoding="utf-8"
    )  # a YAML flow mapping, pasted as is
    assert run_check("--observed", "observed", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert not [f for f in report["findings"] if f["rule"].startswith("LIN-00")]
    assert report["coverage"]["percent"] == 100.0


def test_unknown_endpoint_is_an_undocumented_system_and_flow(lab):
    result = reconcile_csv(
        lab,
        "source,target,count\n"
        "lis-db.biolab.internal,https://upload.analytics.example/v2,5\n"
        "lis-db.biolab.internal,https://upload.analytics.example/v3,2\n",
    )
    by_rule = {f.rule: f for f in result.findings}
    assert set(by_rule) == {"LIN-001", "LIN-002"}
    flow, system = by_rule["LIN-001"], by_rule["LIN-002"]
    assert flow.entity == "Observed:lis->upload.analytics.example"
    assert "from lis to unknown endpoint upload.analytics.example (seen 7 time(s))" in flow.message
    assert "(and declare System upload-analytics-example)" in flow.message
    assert system.pos == Position("conn.csv", 2, 1)
    assert system.message == (
        "observed endpoint upload.analytics.example (seen 7 time(s)) matches no system or "
        "organisation: declare it, e.g. {kind: System, id: upload-analytics-example, name: "
        'upload-analytics-example, identifiers: ["upload.analytics.example"]}'
    )
    assert result.coverage.movements == 1 and result.coverage.documented == 0


def test_inbound_from_an_unknown_endpoint_is_an_undocumented_system_only(lab):
    result = reconcile_csv(lab, "10.0.0.5,lis-db.biolab.internal:5432,,,3\n")
    assert [(f.rule, f.entity) for f in result.findings] == [("LIN-002", "Observed:10.0.0.5")]
    assert (result.coverage.inbound, result.coverage.movements) == (1, 0)
    # nothing of ours to document: no share to give (0 of 0 is not 100%)
    assert result.coverage.percent is None


def test_movement_inside_one_system_is_not_a_flow(lab):
    result = reconcile_csv(lab, "lis-db.biolab.internal,postgres://lis-db.biolab.internal:5432\n")
    assert result.findings == []
    assert (result.coverage.internal, result.coverage.movements) == (1, 0)


def test_a_flow_to_the_operator_documents_movements_to_its_systems(lab):
    # backup is run by cloudsafe; a glob on the organisation matches its other hosts
    result = reconcile_csv(lab, "lis-db.biolab.internal,eu1.cloudsafe.example\n")
    assert [f.rule for f in result.findings] == []
    assert result.coverage.documented == 1


def test_a_paper_flow_documents_no_observed_movement(lab):
    # Billing slips printed and posted: an electronic movement between the same two
    # systems is still undocumented.
    path = lab / "inventory" / "activities.yaml"
    text = path.read_text(encoding="utf-8")
    paper = "to: billing\ndata_categories: [identity]\ndata_subjects: [patients]\nmedium: paper\n"
    path.write_text(
        text.replace(
            "to: billing\ndata_categories: [identity]\ndata_subjects: [patients]\n"
            "encrypted_in_transit: true\n",
            paper,
        ),
        encoding="utf-8",
    )
    assert paper in path.read_text(encoding="utf-8")
    result = reconcile_csv(lab, "lis-db.biolab.internal,billing.biolab.internal\n")
    assert [(f.rule, f.entity) for f in result.findings] == [("LIN-001", "Observed:lis->billing")]
    assert result.coverage.documented == 0


def test_observed_categories_beyond_the_declared_flow(lab):
    result = reconcile_csv(
        lab,
        "source,target,data_categories\n"
        "lis-db.biolab.internal,billing.biolab.internal,Identity (civil status);hiv-status\n"
        "lis-db.biolab.internal,billing.biolab.internal,horoscope\n",
    )
    assert sorted((f.rule, f.entity, f.pos.line) for f in result.findings) == [
        ("LIN-003", "Observed:lis->billing", 2),
        ("LIN-006", "Observed:category:horoscope", 3),  # where it is written
    ]
    (extra,) = [f for f in result.findings if f.rule == "LIN-003"]
    assert extra.message.startswith(
        "observed movement lis → billing carries hiv-status, which flow(s) lis-to-billing"
    )


def test_observed_categories_are_judged_against_the_category_tree(lab):
    # lis-to-backup declares identity and lab-results (a sub-category of health):
    # observing lab-results is documented, observing all of health is more than declared.
    documented = reconcile_csv(lab, "lis-db.biolab.internal,s3://biolab-backup/x,lab-results\n")
    assert documented.findings == []
    broader = reconcile_csv(lab, "lis-db.biolab.internal,s3://biolab-backup/x,health\n")
    assert [(f.rule, f.entity) for f in broader.findings] == [("LIN-003", "Observed:lis->backup")]


def test_evidence_problems_are_findings_with_file_and_line(lab, capsys):
    (lab / "observed" / "bad.jsonl").write_text('{"eventTime": "t"\n', encoding="utf-8")
    assert run_check("--observed", "observed") == 1
    out = capsys.readouterr().out
    assert (
        "observed/bad.jsonl:1:18: LIN-004 error not valid JSON: Expecting ',' delimiter "
        "(the last record is truncated)"
    ) in out


def test_missing_observed_file_is_a_usage_error(lab, capsys):
    assert run_check("--observed", "nowhere.jsonl") == 2
    assert capsys.readouterr().err == (
        "ropa: error: observed file 'nowhere.jsonl' does not exist\n"
    )


def test_observed_from_ropa_yaml(lab, capsys):
    (lab / "ropa.yaml").write_text("observed: [observed/*.jsonl, observed/*.csv]\n")
    assert run_check() == 0
    assert "in 2 evidence file(s)" in capsys.readouterr().out
    (lab / "ropa.yaml").write_text("observed: [observed/*.parquet]\n")
    assert run_check() == 2
    assert capsys.readouterr().err == (
        "ropa: error: ropa.yaml: observed pattern 'observed/*.parquet' matches no file\n"
    )


def test_ropa_yaml_evidence_applies_only_to_its_own_inventory(lab, capsys):
    (lab / "ropa.yaml").write_text("observed: [observed/*.csv]\n")
    (lab / "observed" / "x.csv").write_text("lis-db.biolab.internal,somewhere.example\n")
    shutil.copytree(lab / "inventory", lab / "other")
    assert main(["check", "other", "--as-of", AS_OF.isoformat()]) == 0
    assert "coverage" not in capsys.readouterr().out
    assert main(["check", "--as-of", AS_OF.isoformat()]) == 1  # the configured one
    assert "LIN-001" in capsys.readouterr().out


def test_hostile_endpoint_text_stays_inert_in_the_terminal(lab, capsys):
    (lab / "observed" / "evil.csv").write_text(
        'lis-db.biolab.internal,"evil\x1b[31m.example"\n', encoding="utf-8"
    )
    assert run_check("--observed", "observed") == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "evil\\x1b[31m.example" in out


def test_check_without_evidence_prints_no_coverage(lab, capsys):
    assert run_check() == 0
    assert "coverage" not in capsys.readouterr().out


def test_reconcile_counts(lab):
    inv = load_inventory(lab / "inventory")
    files = sorted((lab / "observed").iterdir())
    result = reconcile(inv, [(p, p.name) for p in files])
    assert result.coverage.as_dict() == {
        "files": 2,
        "movements": 2,
        "documented": 2,
        "percent": 100.0,
        "observations": 17,  # run 2 reads two tables of lis into billing: one movement
        "documented_observations": 17,
        "total_observations": 18,
        "unknown_endpoints": 0,
        "internal": 1,
        "inbound": 0,
        "records": 5,
        "skipped": 0,
    }
    assert check(inv, AS_OF).findings == []
