"""The example organisation's evidence (observed/) is fully documented by its register,
and one undocumented movement turns the check red."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.cli import main
from tests.conftest import AS_OF, ROOT

DATE = ["--as-of", AS_OF.isoformat()]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's register: ropa.yaml, inventory/ and observed/."""
    for name in ("inventory", "observed"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "ropa.yaml", tmp_path / "ropa.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_json(capsys) -> tuple[int, dict]:
    code = main(["check", "--format", "json", *DATE])
    return code, json.loads(capsys.readouterr().out)


def test_every_observed_movement_is_documented(repo, capsys):
    code, report = check_json(capsys)
    assert code == 0
    assert [f["rule"] for f in report["findings"] if f["rule"].startswith("LIN")] == []
    coverage = report["coverage"]
    assert coverage["files"] == 3  # OpenLineage JSON lines and array, the connection log
    assert coverage["movements"] == coverage["documented"] == 24
    assert coverage["percent"] == 100.0
    assert coverage["internal"] == 2  # dbt models in the warehouse; LIS front and back end
    assert coverage["unknown_endpoints"] == 0


def test_one_undocumented_movement_turns_the_check_red(repo, capsys):
    with (repo / "observed" / "egress-connections-2026-w47.csv").open("a", encoding="utf-8") as f:
        f.write("lis.ocealis.internal,collect.analytics-vendor.example:443,lab-results,"
                "2026-11-22T03:12:44Z,12\n")  # fmt: skip
    code, report = check_json(capsys)
    assert code == 1
    failing = [(f["rule"], f["entity"]["id"], f["file"], f["line"]) for f in report["findings"]
               if f["severity"] == "error" and not f["waived"]]  # fmt: skip
    csv = "observed/egress-connections-2026-w47.csv"
    assert failing == [
        ("LIN-001", "kalisto-lis->collect.analytics-vendor.example", csv, 20),
        ("LIN-002", "collect.analytics-vendor.example", csv, 20),
    ]
    assert report["coverage"]["documented"] == 24 and report["coverage"]["movements"] == 25


def test_over_extraction_on_a_documented_flow_turns_the_check_red(repo, capsys):
    # The nightly quality extract starts carrying patient identities: the flow is
    # declared for lab results only (the Dedalus over-extraction, seen in lineage).
    events = repo / "observed" / "openlineage-2026-w47.jsonl"
    lines = events.read_text("utf-8").splitlines()
    index = next(
        i for i, line in enumerate(lines) if "result_turnaround" in line and "COMPLETE" in line
    )
    event = json.loads(lines[index])
    event["outputs"][0]["facets"]["tags"]["tags"].append(
        {"key": "data_category", "value": "identity", "source": "ropa"}
    )
    lines[index] = json.dumps(event)
    events.write_text("\n".join(lines) + "\n", "utf-8")
    code, report = check_json(capsys)
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule"] == "LIN-003"]
    assert finding["entity"]["id"] == "kalisto-lis->quality-warehouse"
    assert (finding["file"], finding["line"]) == ("observed/openlineage-2026-w47.jsonl", index + 1)
    assert "carries identity, which flow(s) quality-extract do not declare" in finding["message"]
