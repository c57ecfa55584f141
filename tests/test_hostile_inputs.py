"""The adversarial corpus of issue 8: each hostile input has its expected outcome.

Every case runs the real checker on files written to disk; the outcome is a
finding with file:line (or a clean pass), never an exception, and never a value
silently dropped.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.pipeline.check import check
from tests.conftest import AS_OF

SYSTEM = """\
kind: System
id: lis
name: Laboratory information system
"""


def run_check(directory: Path):
    return check(load_inventory(directory), AS_OF)


def codes_at(result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.pos.file.rsplit("/", 1)[-1], f.pos.line) for f in result.findings]


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    result = run_check(tmp_path)
    elapsed = time.perf_counter() - started
    assert codes_at(result) == [("SCH-004", "bomb.yaml", 1)]
    assert elapsed < 5  # generous: an expanding bomb would never finish


def test_file_over_the_size_limit_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run_check(tmp_path)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert codes_at(result) == [("SCH-001", "huge.yaml", 1)]
    assert "over the" in result.findings[0].message
    assert after - before < 50 * 1024  # KiB: the file was never read into memory


@pytest.mark.parametrize(
    "text",
    ["[" * 10_000 + "]" * 10_000, "".join("  " * i + "k:\n" for i in range(200))],
    ids=["flow-style", "block-style"],
)
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    write(tmp_path, "deep.yaml", text)
    result = run_check(tmp_path)
    assert [f.rule for f in result.findings] in (["SCH-006"], ["SCH-001"])
    assert result.findings[0].pos.line >= 1


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "latin1.yaml", "kind: System\nid: lis\nname: Syst\xe8me\n".encode("latin-1"))
    result = run_check(tmp_path)
    assert codes_at(result) == [("SCH-001", "latin1.yaml", 3)]
    assert "UTF-8" in result.findings[0].message


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    write(tmp_path, "utf16.yaml", ("\ufeff" + SYSTEM).encode("utf-16-le"))
    inventory = load_inventory(tmp_path)
    assert inventory.systems["lis"].name == "Laboratory information system"
    assert not [p for p in inventory.problems]


def test_tab_indentation_points_at_the_tab(tmp_path: Path) -> None:
    write(tmp_path, "tabs.yaml", "kind: System\nid: lis\nsecurity:\n\tmfa: true\n")
    result = run_check(tmp_path)
    assert codes_at(result) == [("SCH-001", "tabs.yaml", 4)]
    assert "tab" in result.findings[0].message


@pytest.mark.parametrize(
    "tagged",
    [
        "name: !!python/object/apply:os.system ['touch /tmp/ropa-pwned']",
        "name: !!python/name:os.system",
        "name: !custom value",
        "name: !!binary aGVsbG8=",
        "name: !!set {a, b}",
    ],
)
def test_tags_are_never_constructed(tmp_path: Path, tagged: str) -> None:
    write(tmp_path, "tag.yaml", f"kind: System\nid: lis\n{tagged}\n")
    result = run_check(tmp_path)
    assert codes_at(result) == [("SCH-005", "tag.yaml", 3)]
    assert not Path("/tmp/ropa-pwned").exists()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: System\nid: lis\nid: lis2\nname: x\n", 3),
        ("kind: System\nid: lis\nname: x\nsecurity:\n  mfa: true\n  mfa: false\n", 6),
        (
            "kind: System\nid: lis\nname: x\n"
            "stores:\n  - category: health\n    category: identity\n",
            6,
        ),
    ],
    ids=["top-level", "nested", "in-a-list-item"],
)
def test_duplicate_keys_at_every_level(tmp_path: Path, text: str, line: int) -> None:
    write(tmp_path, "dup.yaml", text)
    assert codes_at(run_check(tmp_path)) == [("SCH-003", "dup.yaml", line)]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", SYSTEM)
    write(tmp_path, "b.yaml", SYSTEM)
    result = run_check(tmp_path)
    duplicates = [f for f in result.findings if f.rule == "SCH-011"]
    assert [(f.pos.file.rsplit("/", 1)[-1], f.pos.line) for f in duplicates] == [("b.yaml", 2)]
    assert "a.yaml:2" in duplicates[0].message


@pytest.mark.parametrize("twin", ["LIS", "l\u0456s"], ids=["case", "cyrillic-i"])
def test_ids_differing_by_case_or_confusables(tmp_path: Path, twin: str) -> None:
    write(tmp_path, "a.yaml", SYSTEM + "---\n" + SYSTEM.replace("id: lis", f"id: {twin}"))
    result = run_check(tmp_path)
    # An upper-case or non-ASCII id is not kebab-case: refused before it can shadow `lis`.
    assert ("SCH-009", "a.yaml", 6) in codes_at(result)


def test_impossible_date(tmp_path: Path) -> None:
    write(tmp_path, "date.yaml", SYSTEM + "temporary: true\ndelete_by: 2026-02-30\n")
    result = run_check(tmp_path)
    found = [f for f in result.findings if f.rule == "SCH-009"]
    assert [(f.pos.line, "2026-02-30" in f.message) for f in found] == [(5, True)]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (".nan", ".nan is not a number"),
        (".inf", ".inf is infinite"),
        ("-.inf", "-.inf is infinite"),
        ("1e999", ".inf is infinite"),
        ("12.5", "12.5 is not a whole number"),
        ("1e3", "1000.0 is not a whole number"),
        ("9" * 5000, "(5000 digits) is out of range"),  # past Python's int-string limit
        ("-" + "9" * 5000, "(5000 digits) is out of range"),
        ("0x" + "f" * 5000, "(5000 digits) is out of range"),
        ("9007199254740992", "(16 digits) is out of range"),  # 2**53: beyond a double
        ("-1", "greater than or equal to 0"),
    ],
)
def test_absurd_numbers_are_findings_at_their_line(
    tmp_path: Path, number: str, message: str
) -> None:
    write(
        tmp_path,
        "n.yaml",
        f"kind: Activity\nid: care\nname: Care\nestimated_subjects: {number}\n",
    )
    result = run_check(tmp_path)
    found = [f for f in result.findings if f.rule == "SCH-009"]
    assert [(f.pos.file.rsplit("/", 1)[-1], f.pos.line) for f in found] == [("n.yaml", 4)]
    assert message in found[0].message and len(found[0].message) < 200


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name: " + "9" * 5000, 3),  # a number where text goes, too large to read
        ("9" * 5000 + ": x", 4),  # as a field name
        ("5: x", 4),
        (".nan: x", 4),
        ("stores: [{category: " + "1" * 30 + "}]", 4),
        ("review_every: P" + "9" * 5000 + "Y", 4),  # past the int limit inside a period
        ("review_every: P99999Y", 4),  # past the calendar
    ],
)
def test_huge_numbers_anywhere_are_findings_never_tracebacks(
    tmp_path: Path, text: str, line: int
) -> None:
    body = "kind: System\nid: lis\n" + ("" if text.startswith("name") else "name: LIS\n")
    write(tmp_path, "n.yaml", body + text + "\n")
    result = run_check(tmp_path)
    assert [(f.rule[:4], f.pos.line) for f in result.findings] == [("SCH-", line)]
    assert len(result.findings[0].message) < 200


def test_a_period_past_the_calendar_from_a_late_review_is_no_crash(tmp_path: Path) -> None:
    write(
        tmp_path,
        "r.yaml",
        SYSTEM + "last_reviewed: {date: 9990-01-01, by: Me}\nreview_every: P9000Y\n",
    )
    assert not [f for f in run_check(tmp_path).findings if f.rule.startswith("SCH")]


def test_cli_reports_a_5000_digit_number_without_a_traceback(tmp_path: Path) -> None:
    write(
        tmp_path,
        "n.yaml",
        "kind: Activity\nid: care\nname: Care\nestimated_subjects: " + "9" * 5000 + "\n",
    )
    for command in (["check"], ["export", "--format", "json"], ["graph"]):
        completed = subprocess.run(
            [sys.executable, "-m", "registry.cli", *command, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Traceback" not in completed.stderr, completed.stderr
        assert completed.returncode in (0, 1, 2)


def test_symlink_outside_the_inventory_is_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/secret.yaml", SYSTEM)
    inventory = tmp_path / "inventory"
    write(inventory, "ok.yaml", SYSTEM.replace("lis", "portal"))
    os.symlink(outside, inventory / "link.yaml")
    result = run_check(inventory)
    assert ("SCH-001", "link.yaml", 1) in codes_at(result)
    assert "lis" not in result.inventory.systems  # its content was never read


def test_files_that_are_not_yaml_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "# not YAML: {{ [ ")
    write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(tmp_path, ".hidden.yaml", "not: [valid")
    write(tmp_path, "ok.yaml", SYSTEM)
    inventory = load_inventory(tmp_path)
    assert inventory.files == [f"{tmp_path.name}/ok.yaml"] or inventory.files[-1].endswith(
        "ok.yaml"
    )
    assert len(inventory.files) == 1
    assert not inventory.problems


def test_control_characters_in_a_file_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "ctl.yaml", 'kind: System\nid: lis\nname: "a\x1b[31mred"\n')
    assert codes_at(run_check(tmp_path)) == [("SCH-001", "ctl.yaml", 3)]


def test_cli_never_prints_a_traceback_on_the_corpus(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "kind: System\nid: lis\nname: !!python/object:os.system x\n")
    write(tmp_path, "b.yaml", b"kind: \xff\xfe\n")
    write(tmp_path, "c.yaml", "- just\n- a list\n")
    write(tmp_path, "d.yaml", "kind: Sytem\nid: x\n")
    completed = subprocess.run(
        [sys.executable, "-m", "registry.cli", "check", str(tmp_path), "--as-of", "2026-11-29"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    assert {line.split(" ")[1] for line in completed.stdout.splitlines()[:-1]} == {
        "SCH-005",
        "SCH-001",
        "SCH-013",
        "SCH-007",
    }
