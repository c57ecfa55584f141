"""Baselines: new findings fail, known ones are debt, fixed ones drop out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.cli import main
from tests.conftest import AS_OF

LAB = Path(__file__).parent / "fixtures" / "lab"
DATE = ["--as-of", AS_OF.isoformat()]


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def widen_billing_flow(lab: Path) -> None:
    edit(
        lab / "inventory" / "systems.yaml", "Finance\ncountry: FR", "Finance\ncountry: FR\n# moved"
    )
    edit(
        lab / "inventory" / "activities.yaml",
        "to: billing\ndata_categories: [identity]\n"
        "data_subjects: [patients]\nencrypted_in_transit: true",
        "to: billing\ndata_categories: [identity, lab-results]\ndata_subjects: [patients]",
    )


def test_baseline_cycle(lab, capsys):
    widen_billing_flow(lab)
    edit(lab / "inventory" / "systems.yaml", "id: billing\nname: Billing\nowner: Finance\n",
         "id: billing\nname: Billing\nowner: Finance\noperator: nobody-yet\n")  # fmt: skip
    assert main(["check", *DATE]) == 1
    capsys.readouterr()

    # 1. adopt: write the baseline; the same findings no longer fail
    assert main(["baseline", "write", ".ropa-baseline.json", *DATE]) == 0
    assert capsys.readouterr().out == "ropa: wrote 2 known finding(s) to .ropa-baseline.json\n"
    document = json.loads((lab / ".ropa-baseline.json").read_text())
    # (no DPA-001 for the dangling operator: SCH-012 reports it once)
    assert [e["fingerprint"] for e in document["findings"]] == [
        "RET-101/Flow:lis-to-billing",
        "SCH-012/System:billing",
    ]
    assert main(["check", "--baseline", ".ropa-baseline.json", *DATE]) == 0
    out = capsys.readouterr().out
    assert "SCH-012 error (baseline) operator: no Organisation with id 'nobody-yet'" in out
    assert "0 error(s), 0 warning(s), 0 waived, 2 baselined" in out

    # lines move, entities don't: the baseline still holds after an edit above
    edit(
        lab / "inventory" / "systems.yaml",
        "kind: System\nid: billing",
        "# billing\nkind: System\nid: billing",
    )
    assert main(["check", "--baseline", ".ropa-baseline.json", *DATE]) == 0
    capsys.readouterr()

    # 2. a new finding fails, even with the baseline
    edit(lab / "inventory" / "activities.yaml", "type: batch", "type: migration")  # SEC-005
    assert main(["check", "--baseline", ".ropa-baseline.json", *DATE]) == 1
    out = capsys.readouterr().out
    assert "SEC-005 error migration flow lis-to-backup has no documented procedure" in out
    edit(lab / "inventory" / "activities.yaml", "type: migration", "type: batch")

    # 3. fix some: they are reported as stale, then drop out when the baseline is rewritten
    edit(lab / "inventory" / "systems.yaml", "operator: nobody-yet\n", "")
    assert main(["check", "--baseline", ".ropa-baseline.json", *DATE]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "ropa: 1 baseline entry is fixed; drop it with "
        "`ropa baseline write .ropa-baseline.json`\n"
    )
    assert main(["baseline", "write", ".ropa-baseline.json", *DATE]) == 0
    document = json.loads((lab / ".ropa-baseline.json").read_text())
    assert [e["fingerprint"] for e in document["findings"]] == ["RET-101/Flow:lis-to-billing"]


def test_baselined_findings_stay_visible_in_json_and_sarif(lab, capsys):
    widen_billing_flow(lab)
    assert main(["baseline", "write", "b.json", *DATE]) == 0
    capsys.readouterr()
    assert main(["check", "--baseline", "b.json", "--format", "json", *DATE]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["baselined"]) for f in report["findings"]] == [("RET-101", True)]
    assert report["summary"]["baselined"] == 1
    assert main(["check", "--baseline", "b.json", "--format", "sarif", *DATE]) == 0
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert (result["level"], result["baselineState"]) == ("note", "unchanged")


def test_baseline_file_is_deterministic(lab, capsys):
    widen_billing_flow(lab)
    main(["baseline", "write", "a.json", *DATE])
    main(["baseline", "write", "b.json", *DATE])
    assert (lab / "a.json").read_bytes() == (lab / "b.json").read_bytes()


def test_baseline_from_ropa_yaml(lab, capsys):
    widen_billing_flow(lab)
    edit(lab / "inventory" / "activities.yaml", "type: batch", "type: migration")
    main(["baseline", "write", "known.json", *DATE])
    (lab / "ropa.yaml").write_text("baseline: known.json\n")
    assert main(["check", *DATE]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline missing.json does not exist; create it with "
               "`ropa baseline write missing.json`"),
        ("{not json", "missing.json:1:2: baseline is not valid JSON: Expecting property name "
                      "enclosed in double quotes"),
        ('{"version": 9, "findings": []}', "missing.json: not a ropa baseline (version 1, "
         "findings with fingerprints); rewrite it with `ropa baseline write`"),
    ],
)  # fmt: skip
def test_bad_baseline_is_one_clear_line(lab, capsys, content, message):
    if content is not None:
        (lab / "missing.json").write_text(content)
    assert main(["check", "--baseline", "missing.json", *DATE]) == 2
    assert capsys.readouterr().err == f"ropa: error: {message}\n"
