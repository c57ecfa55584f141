"""Bad input, end to end: the real `ropa` process on the corpus in tests/bad_inputs/.

Every malformed input gives findings with file:line (exit 1) or exactly one
stderr line starting `ropa: error:` (exit 2) — never a Python traceback. The
expected lines and columns were read off the corpus files by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = "tests/bad_inputs"


def ropa(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def assert_usage_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ropa: error: ")
    assert result.stdout == ""
    for word in words:
        assert word in lines[0]
    return lines[0]


# file in the corpus → the finding it must give (rule, line, column, words in the message)
FINDINGS = {
    "syntax-error.yaml": ("SCH-001", 3, 17, "mapping values are not allowed"),
    "tab-indentation.yaml": ("SCH-001", 5, 1, "tab"),
    "wrong-type.yaml": ("SCH-009", 4, 21, "estimated_subjects"),
    "unknown-field.yaml": ("SCH-008", 4, 1, "'retension'"),
    "misspelled-kind.yaml": ("SCH-007", 1, 7, "did you mean 'Activity'?"),
    "kind-is-a-mapping.yaml": ("SCH-007", 1, 7, "unknown kind"),
    "unknown-reference.yaml": ("SCH-012", 4, 9, "did you mean 'health'?"),
    "bad-date.yaml": ("SCH-009", 4, 9, "'2026-02-30' is not a real calendar date"),
    "bad-country.yaml": ("SCH-009", 4, 10, "'ZZ' is not an ISO 3166-1 alpha-2"),
    "empty.yaml": ("SCH-013", 1, 1, "no YAML document"),
    "invalid-utf8.yaml": ("SCH-001", 3, 1, "not valid UTF-8"),
    "python-tag.yaml": ("SCH-005", 3, 7, "python/object/apply:os.system"),
    "alias-bomb.yaml": ("SCH-004", 3, 4, "anchors"),
    "list-document.yaml": ("SCH-013", 1, 1, "mapping"),
    "duplicate-key.yaml": ("SCH-003", 4, 1, "duplicate key 'id' (first at line 2)"),
    "control-character.yaml": ("SCH-001", 3, 11, "U+0007"),
    "deep-nesting.yaml": ("SCH-006", 3, 70, "64 levels"),
}


def test_corpus_is_complete():
    on_disk = {p.name for p in (ROOT / CORPUS).iterdir() if p.is_file()}
    assert on_disk == set(FINDINGS)


@pytest.fixture(scope="module")
def checked() -> dict[str, subprocess.CompletedProcess[str]]:
    """`ropa check FILE` on every corpus file, run side by side to save time."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = {
            name: pool.submit(ropa, "check", f"{CORPUS}/{name}", "--as-of", "2026-11-29")
            for name in FINDINGS
        }
        return {name: run.result() for name, run in runs.items()}


@pytest.mark.parametrize("name", sorted(FINDINGS))
def test_each_bad_file_gives_one_located_finding(name, checked):
    code, line, column, words = FINDINGS[name]
    result = checked[name]
    assert result.returncode == 1, result
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout  # the finding, then the summary
    assert lines[0].startswith(f"{CORPUS}/{name}:{line}:{column}: {code} error ")
    assert words in lines[0]
    assert lines[1].startswith("1 error(s), 0 warning(s)")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_whole_corpus_in_every_format(fmt):
    result = ropa("check", CORPUS, "--format", fmt, "--as-of", "2026-11-29")
    assert result.returncode == 1
    assert result.stderr == ""
    if fmt == "json":
        found = {
            (f["file"].rsplit("/", 1)[1], f["rule"], f["line"], f["column"])
            for f in json.loads(result.stdout)["findings"]
        }
        assert found == {(n, c, line, col) for n, (c, line, col, _) in FINDINGS.items()}
    elif fmt == "sarif":
        runs = json.loads(result.stdout)["runs"]
        assert len(runs[0]["results"]) == len(FINDINGS)
    elif fmt == "junit":
        suite = ET.fromstring(result.stdout).find("testsuite")
        assert suite is not None and suite.get("failures") == str(len(FINDINGS))
    else:
        assert result.stdout.count(": SCH-") == len(FINDINGS)


def test_directory_without_yaml():
    assert_usage_error(ropa("check", f"{CORPUS}/no-yaml"), "no YAML files", "no-yaml")


def test_directory_with_only_hidden_yaml(tmp_path):
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "a.yaml").write_text("kind: System\n")
    assert_usage_error(ropa("check", str(tmp_path)), "no YAML files")


def test_path_that_does_not_exist():
    assert_usage_error(ropa("check", "no/such/inventory"), "'no/such/inventory' does not exist")


def test_path_that_is_neither_file_nor_folder():
    assert_usage_error(ropa("check", "/dev/null"), "neither a file nor a folder")


@pytest.mark.parametrize("value", ["2026-02-30", "29/11/2026", "tomorrow", ""])
def test_bad_as_of(value):
    assert_usage_error(ropa("check", CORPUS, "--as-of", value), "--as-of")


def test_unknown_format():
    assert_usage_error(ropa("check", CORPUS, "--format", "xml"), "--format", "'xml'")


def test_unknown_command():
    assert_usage_error(ropa("frobnicate"), "frobnicate")


def test_unwritable_out(tmp_path):
    out = tmp_path / "missing-dir" / "report.json"
    line = assert_usage_error(
        ropa("check", f"{CORPUS}/empty.yaml", "--format", "json", "--out", str(out)), "cannot write"
    )
    assert str(out) in line


def test_broken_config_file(tmp_path):
    (tmp_path / "ropa.yaml").write_text("inventory: [unclosed\n")
    assert_usage_error(ropa("check", cwd=tmp_path), "ropa.yaml")


def test_malformed_register_review(tmp_path):
    (tmp_path / "ropa.yaml").write_text("review: {last: 2026-05-01, by: DPO}\n")
    assert_usage_error(ropa("check", cwd=tmp_path), "ropa.yaml", "review.every")


def test_default_path_missing(tmp_path):
    assert_usage_error(ropa("check", cwd=tmp_path), "'inventory' does not exist")


def test_file_name_with_escape_sequence(tmp_path):
    """A hostile file name reaches no terminal, XML or JSON consumer raw."""
    name = "bad\x1b[31mname.yaml"
    (tmp_path / name).write_text("kind: Sytem\nid: x\n")
    text = ropa("check", str(tmp_path), cwd=tmp_path)
    assert "\x1b" not in text.stdout and "bad\\x1b[31mname.yaml:1:7: SCH-007" in text.stdout
    junit = ropa("check", str(tmp_path), "--format", "junit", cwd=tmp_path)
    case = ET.fromstring(junit.stdout).find("testsuite/testcase")
    assert case is not None and case.get("name") == "File:bad\\x1b[31mname.yaml"
    data = json.loads(ropa("check", str(tmp_path), "--format", "json", cwd=tmp_path).stdout)
    assert data["findings"][0]["file"] == name  # JSON escapes it itself


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_file_name_not_utf8(tmp_path):
    (tmp_path / "inv").mkdir()
    with open(bytes(tmp_path / "inv") + b"/caf\xe9.yaml", "wb") as file:
        file.write(b"kind: Sytem\nid: x\n")
    result = ropa("check", "inv", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["file"] == "inv/caf\\xe9.yaml"


def test_single_file_with_references_to_other_files(tmp_path):
    """Checking one file alone: references to entities elsewhere dangle, with a hint."""
    (tmp_path / "flow.yaml").write_text(
        "kind: Flow\nid: f\nactivity: testing\nfrom: patients\nto: lis\n"
    )
    result = ropa("check", "flow.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    found = {(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert ("SCH-012", 3) in found and ("SCH-012", 5) in found


def test_console_script_gives_the_same_answers():
    """The installed `ropa` entry point, not only `python -m registry.cli`."""
    script = Path(sys.executable).parent / "ropa"
    if not script.exists():
        pytest.skip("ropa is not installed as a console script beside this Python")
    missing = subprocess.run(
        [str(script), "check", "no/such/inventory"], cwd=ROOT, capture_output=True, text=True
    )
    assert_usage_error(missing, "does not exist")
    found = subprocess.run(
        [str(script), "check", f"{CORPUS}/bad-country.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 1 and "Traceback" not in found.stderr
    assert found.stdout.startswith(f"{CORPUS}/bad-country.yaml:4:10: SCH-009 error ")


def test_single_file_of_the_inventory_is_checked_in_context(tmp_path):
    """`ropa check inventory/x.yaml`: references resolve against the whole inventory,
    and only that file's findings are reported (and decide the exit code)."""
    from tests.builder import Edit, perturb
    from tests.conftest import write_inventory

    write_inventory(
        tmp_path / "inventory",
        perturb(
            Edit("systems/portal.yaml", "mfa: true", "mfa: false"),  # SEC-007, a warning
            Edit("systems/lis.yaml", "encryption_at_rest: true", "encryption_at_rest: false"),
        ),
    )

    def findings(path: str) -> tuple[int, list[tuple[str, str, int]]]:
        run = ropa("check", path, "--format", "json", "--as-of", "2026-11-29", cwd=tmp_path)
        found = json.loads(run.stdout)["findings"]
        return run.returncode, [(f["rule"], f["file"], f["line"]) for f in found]

    assert findings("inventory/flows/sample-intake.yaml") == (0, [])  # no dangling references
    assert findings("inventory/systems/portal.yaml") == (
        0,
        [("SEC-007", "inventory/systems/portal.yaml", 13)],
    )
    assert findings("inventory/systems/lis.yaml") == (
        1,
        [("SEC-001", "inventory/systems/lis.yaml", 13)],
    )
    assert findings("inventory")[0] == 1  # the whole inventory still fails


def test_single_file_in_a_configured_inventory(tmp_path):
    from tests.builder import perturb
    from tests.conftest import write_inventory

    write_inventory(tmp_path / "register", perturb())
    (tmp_path / "ropa.yaml").write_text("inventory: register\n")
    run = ropa("check", "register/flows/sample-intake.yaml", "--as-of", "2026-11-29", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("0 error(s), 0 warning(s)")


def test_hidden_file_inside_the_inventory_is_checked_alone(tmp_path):
    from tests.builder import perturb
    from tests.conftest import write_inventory

    write_inventory(tmp_path / "inventory", perturb())
    (tmp_path / "inventory" / ".draft.yaml").write_text("kind: Sytem\nid: draft\n")
    run = ropa("check", "inventory/.draft.yaml", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("inventory/.draft.yaml:1:7: SCH-007 error ")
