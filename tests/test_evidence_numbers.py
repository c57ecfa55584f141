"""Huge numbers in evidence files: a problem at their line and column, never a crash.

ijson's C parser (yajl2_c) takes the interpreter down on an integer past Python's
int-string limit (4,300 digits), and ``json.loads`` raises on one (issue 16). The
reader finds such a number before either parser sees it, across read boundaries.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.evidence import observed
from registry.evidence.observed import EvidenceProblem, iter_json_values

HUGE = "9" * 5000


def values(text: str, *, json_lines: bool = False) -> list:
    return list(iter_json_values(io.BytesIO(text.encode()), "e.json", json_lines=json_lines))


def problems(items: list) -> list[tuple[str, int, int]]:
    return [(p.message, p.pos.line, p.pos.column) for p in items if isinstance(p, EvidenceProblem)]


@pytest.mark.parametrize("chunk", [1 << 20, 64, 7], ids=["whole", "split", "tiny"])
@pytest.mark.parametrize(
    ("text", "where", "read"),
    [
        ('{"a": 1}\n{"n": ' + HUGE + "}\n", (2, 7), [{"a": 1}]),  # JSON lines
        ('[{"a": 1},\n {"n": -' + HUGE + "}]", (2, 8), [{"a": 1}]),  # an array (ijson)
        ('{\n  "n": ' + HUGE + '\n}\n{\n  "b": 2\n}\n', (2, 8), [{"b": 2}]),  # in a row
        ('{"a": 1}\n' + HUGE, (2, 1), [{"a": 1}]),  # a bare number ends the file
    ],
    ids=["json-lines", "array", "values-in-a-row", "bare-at-the-end"],
)
def test_an_integer_past_the_limit_is_a_problem_at_its_place(
    monkeypatch: pytest.MonkeyPatch, chunk: int, text: str, where: tuple[int, int], read: list
) -> None:
    monkeypatch.setattr(observed, "CHUNK_CHARS", chunk)
    found = values(text)
    assert [(line, column) for _, line, column in problems(found)] == [where]
    assert "more than 4,300 digits" in problems(found)[0][0]
    assert [v for v, _ in (i for i in found if not isinstance(i, EvidenceProblem))] == read


@pytest.mark.parametrize(
    "literal",
    ['"' + HUGE + '"', "1." + HUGE, HUGE[:4300], "-" + HUGE[:4300]],
    ids=["digits-in-a-string", "long-decimal", "at-the-limit", "negative-at-the-limit"],
)
def test_what_python_reads_is_read(monkeypatch: pytest.MonkeyPatch, literal: str) -> None:
    monkeypatch.setattr(observed, "CHUNK_CHARS", 64)
    found = values('[{"n": ' + literal + "}]")
    assert not problems(found)
    assert len(found) == 1


def test_an_exponent_no_number_holds_is_a_problem() -> None:
    found = values('[{"n": 1e' + HUGE + "}]")
    assert [m for m, _, _ in problems(found)] == ["not valid evidence: a number out of range"]


@settings(max_examples=40, deadline=None)
@given(
    digits=st.integers(min_value=4200, max_value=9000),
    chunk=st.sampled_from([5, 13, 64, 4096, 1 << 20]),
    json_lines=st.booleans(),
    sign=st.sampled_from(["", "-"]),
)
def test_property_huge_integers_never_crash_the_reader(
    digits: int, chunk: int, json_lines: bool, sign: str
) -> None:
    previous = observed.CHUNK_CHARS
    observed.CHUNK_CHARS = chunk
    try:
        record = '{"n": ' + sign + "7" * digits + "}"
        text = record + "\n" if json_lines else "[" + record + "]"
        found = values(text, json_lines=json_lines)
    finally:
        observed.CHUNK_CHARS = previous
    if digits > 4300:
        assert [(line, column) for _, line, column in problems(found)] == [
            (1, 7 if json_lines else 8)
        ]
    else:
        assert not problems(found) and len(found) == 1
