"""Hostile strings stay inert in every output of `ropa check`.

Findings quote what the YAML said (unknown field names, bad values), so an
inventory whose keys and values are hostile must still give: terminal text with
no raw control or bidi character, valid JSON, valid SARIF JSON, and well-formed
JUnit XML.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.hostile import HOSTILE_NAMES, HOSTILE_TEXTS, REFUSED, hostile_inventory

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar whose file bytes stay clean (escapes, not raw bytes)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return re.sub(r"[\x7f-\x9f\u2000-\u206f]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


@pytest.fixture(scope="module")
def hostile_findings_inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hostile text where findings quote it: unknown keys, bad values, bad kinds."""
    directory = tmp_path_factory.mktemp("hostile-findings")
    documents = []
    for index, text in enumerate([*HOSTILE_TEXTS, *REFUSED]):
        documents.append(
            f"kind: System\nid: s{index}\nname: {_yaml_string(text)}\n"
            f"{_yaml_string(text)}: 1\ncountry: {_yaml_string(text)}\n"
            f"security: {{authentication: {_yaml_string(text)}}}\n"
        )
        documents.append(f"kind: {_yaml_string(text)}\nid: k{index}\n")
    (directory / "hostile.yaml").write_text("---\n".join(documents), encoding="utf-8")
    return directory


def run_check(directory: Path, output_format: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", "check", str(directory), "--format", output_format],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_terminal_output_has_no_raw_control_characters(hostile_findings_inventory: Path) -> None:
    completed = run_check(hostile_findings_inventory, "text")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert not RAW_CONTROL.search(completed.stdout)
    assert "\\x1b" in completed.stdout  # the escape was shown, neutralised
    assert len(completed.stdout.splitlines()) > len(HOSTILE_TEXTS)


def test_json_output_is_valid_and_keeps_the_text(hostile_findings_inventory: Path) -> None:
    completed = run_check(hostile_findings_inventory, "json")
    report = json.loads(completed.stdout)
    messages = " ".join(f["message"] for f in report["findings"])
    assert "<script>alert(4)</script>" in messages  # kept verbatim, JSON-escaped
    assert report["summary"]["error"] == len(report["findings"])


def test_sarif_output_is_valid_json(hostile_findings_inventory: Path) -> None:
    completed = run_check(hostile_findings_inventory, "sarif")
    sarif = json.loads(completed.stdout)
    assert sarif["runs"][0]["results"]


def test_junit_output_is_well_formed_xml(hostile_findings_inventory: Path) -> None:
    completed = run_check(hostile_findings_inventory, "junit")
    root = ET.fromstring(completed.stdout.encode("utf-8"))
    texts = " ".join((e.text or "") + " ".join(e.attrib.values()) for e in root.iter())
    assert "<script>" in texts  # markup survived as text, not as elements
    assert not root.findall(".//script")


@pytest.mark.parametrize("index", range(len(HOSTILE_TEXTS)))
def test_hostile_inventory_is_valid_and_checks_clean(tmp_path: Path, index: int) -> None:
    directory = hostile_inventory(tmp_path / "inv", index)
    completed = run_check(directory, "text")
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout.startswith("0 error(s), 0 warning(s)")


def test_refused_strings_never_reach_the_model(tmp_path: Path) -> None:
    from registry.core.inventory import load_inventory

    documents = "---\n".join(
        f"kind: System\nid: s{i}\nname: {_yaml_string(text)}\n" for i, text in enumerate(REFUSED)
    )
    (tmp_path / "a.yaml").write_text(documents, encoding="utf-8")
    inventory = load_inventory(tmp_path)
    # Each system is kept (issue 16: an invalid entity is shown, marked invalid), its
    # refused name set aside and its id standing in for it.
    assert {i: s.name for i, s in inventory.systems.items()} == {
        f"s{i}": f"s{i}" for i in range(len(REFUSED))
    }
    assert all(inventory.set_aside[("System", i)].name_is_id for i in inventory.systems)
    assert [p.rule for p in inventory.problems] == ["SCH-009"] * len(REFUSED)


def test_every_hostile_name_is_admitted_as_a_name() -> None:
    from registry.core.model import Organisation

    for name in HOSTILE_NAMES:
        Organisation.model_validate({"kind": "Organisation", "id": "x", "name": name})
