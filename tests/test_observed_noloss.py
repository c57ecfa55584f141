"""No event is lost: literals cut by a read boundary, broken records, empty evidence.

Reading must agree with ``json.loads`` on every record, whatever the read size;
an unreadable record is one problem at its line, and the rest is still read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli import main
from registry.evidence import observed
from registry.evidence.files import read_evidence
from registry.evidence.observed import EvidenceProblem, Observation
from tests.test_observed import DB, S3, event
from tests.test_reconcile import lab, run_check  # noqa: F401  (the lab fixture)

# Every kind of JSON literal, in places where a read boundary may cut it.
LITERALS = {
    "flags": [True, False, None, True, False, None],
    "numbers": [0, -1, 12345678901234567890, 3.25e-7, -0.5, 1e300],
    "strings": ["", "caf\u00e9 \u2603", 'quote " and \\ backslash', "\u00fcber" * 3],
    "nested": {"ok": True, "nothing": None, "no": False, "n": 42},
}


def events(count: int, padding: int = 0) -> list[dict]:
    """``count`` events full of literals; ``padding`` more of them per event."""
    found = []
    for i in range(count):
        extra = dict(LITERALS, seq=i, pad=[LITERALS] * padding)
        found.append(event([DB], [S3, DB] if i % 3 else [S3], f"run-{i}", **extra))
    return found


def movements(values: list[dict]) -> int:
    return sum(len(v["inputs"]) * len(v["outputs"]) for v in values)


def read(path: Path) -> list:
    return list(read_evidence(path, path.name))


def observations(items: list) -> list[Observation]:
    return [i for i in items if isinstance(i, Observation)]


def problems(items: list) -> list[tuple[int, str]]:
    return [(p.pos.line, p.message) for p in items if isinstance(p, EvidenceProblem)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 11, 64, 1000])
def test_json_lines_cut_anywhere_lose_nothing(tmp_path, monkeypatch, chunk):
    values = events(12)
    text = "".join(json.dumps(v) + "\n" for v in values)
    monkeypatch.setattr(observed, "CHUNK_CHARS", chunk)
    path = tmp_path / "e.jsonl"
    path.write_text(text, encoding="utf-8")
    items = read(path)
    assert problems(items) == []
    expected = [json.loads(line) for line in text.splitlines()]
    assert len(observations(items)) == movements(expected) == movements(values)
    # Each event keeps its own line.
    lines = [o.pos.line for o in observations(items)]
    assert lines == [n for n, v in enumerate(expected, 1) for _ in range(movements([v]))]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 11, 13, 64])
@pytest.mark.parametrize("indent", [None, 1])
def test_json_array_cut_anywhere_loses_nothing(tmp_path, monkeypatch, chunk, indent):
    values = events(12)
    path = tmp_path / "e.json"
    path.write_text(json.dumps(values, indent=indent), encoding="utf-8")
    monkeypatch.setattr(observed, "CHUNK_CHARS", chunk)
    items = read(path)
    assert problems(items) == []
    assert len(observations(items)) == movements(values)


def test_large_events_across_the_real_read_size(tmp_path):
    """Marquez-sized events (~70 kB) as JSON lines and as an array, > 1 MiB in all."""
    values = events(40, padding=200)
    lines, array = tmp_path / "e.jsonl", tmp_path / "e.json"
    lines.write_text("".join(json.dumps(v) + "\n" for v in values), encoding="utf-8")
    array.write_text(json.dumps(values, indent=2), encoding="utf-8")
    assert lines.stat().st_size > 2 * observed.CHUNK_CHARS
    for path in (lines, array):
        items = read(path)
        assert problems(items) == [], path.name
        assert len(observations(items)) == movements(values), path.name


def test_one_broken_line_is_one_problem_and_the_rest_is_read(tmp_path, monkeypatch):
    values = events(9)
    text = [json.dumps(v) for v in values]
    text[4] = text[4].replace("true", "tru", 1)  # line 5
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr(observed, "CHUNK_CHARS", 3)
    items = read(path)
    (problem,) = [i for i in items if isinstance(i, EvidenceProblem)]
    assert problem.pos.line == 5 and problem.message.startswith("not valid JSON")
    assert problem.pos.column == text[4].index("tru") + 1
    assert len(observations(items)) == movements(values[:4] + values[5:])


def test_a_broken_record_in_an_array_is_reported_at_its_line(tmp_path, monkeypatch):
    values = events(6)
    text = json.dumps(values, indent=1).splitlines()
    broken = next(n for n, line in enumerate(text) if '"seq": 3' in line)
    text[broken] = text[broken].replace("3", "3x")
    path = tmp_path / "e.json"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr(observed, "CHUNK_CHARS", 5)
    items = read(path)
    assert [line for line, _ in problems(items)] == [broken + 1]
    assert len(observations(items)) == movements(values[:3])  # an array cannot resume


def test_pretty_printed_values_in_a_row_resume_after_a_broken_one(tmp_path):
    values = events(5)
    blocks = [json.dumps(v, indent=2) for v in values]
    blocks[2] = blocks[2].replace("false", "fals", 1)
    path = tmp_path / "e.json"
    path.write_text("\n".join(blocks) + "\n", encoding="utf-8")
    items = read(path)
    broken = sum(b.count("\n") + 1 for b in blocks[:2]) + 1  # where the third value starts
    ((line, message),) = problems(items)
    assert broken < line < broken + blocks[2].count("\n") and message.startswith("not valid")
    assert len(observations(items)) == movements(values[:2] + values[3:])


# --- evidence that gives nothing --------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"this is not json\n", b"\xff\xfe{\x00}\x00"],
    ids=["empty", "blank", "garbage", "utf-16"],
)
def test_evidence_that_gives_no_movement_is_an_error_not_full_coverage(lab, capsys, content):  # noqa: F811
    (lab / "observed" / "nothing.jsonl").write_bytes(content)
    assert run_check("--observed", "observed/nothing.jsonl") == 1
    out = capsys.readouterr().out
    assert "observed/nothing.jsonl:1:1: LIN-007 error " in out
    assert "100.0%" not in out
    assert "coverage: 0 of 0 observed movement(s) documented (none observed)" in out


def test_configured_evidence_that_gives_no_movement(lab, capsys):  # noqa: F811
    (lab / "observed" / "nothing.jsonl").write_bytes(b"")
    (lab / "ropa.yaml").write_text("observed: [observed/*.jsonl]\n")
    (lab / "observed" / "events.jsonl").unlink()
    assert main(["check", "--as-of", "2026-11-29", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["coverage"]["percent"] is None
    assert [f["rule"] for f in report["findings"]] == ["LIN-007"]


def test_the_summary_counts_records_read_and_skipped(lab, capsys):  # noqa: F811
    with (lab / "observed" / "events.jsonl").open("a") as f:
        f.write("not json\n")
    assert run_check("--observed", "observed/events.jsonl") == 1
    last = capsys.readouterr().out.splitlines()[-1]
    records = sum(1 for line in (lab / "observed" / "events.jsonl").open() if line.strip())
    assert last.endswith(f"{records - 1} record(s) read, 1 unreadable skipped")
