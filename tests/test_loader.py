"""The located YAML loader: YAML 1.2 scalars, positions, and what it refuses."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import pytest

from registry.core import loader
from registry.core.loader import LoadResult, load_path, load_text, resolve_plain
from registry.core.position import Position


def load(text: str, file: str = "f.yaml") -> LoadResult:
    result = LoadResult()
    load_text(text, file, result)
    return result


def body(text: str):
    result = load(text)
    assert result.problems == []
    assert len(result.documents) == 1
    return result.documents[0].body


def problem(text: str):
    result = load(text)
    assert len(result.problems) == 1, result.problems
    assert result.documents == []
    return result.problems[0]


# --- YAML 1.2 core schema ------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("NO", "NO"),  # Norway, not False (YAML 1.1 would say False)
        ("no", "no"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("True", True),
        ("FALSE", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("42", 42),
        ("-7", -7),
        ("+3", 3),
        ("012", 12),  # decimal in YAML 1.2, not octal
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", "1_000"),  # YAML 1.1 only
        ("0b101", "0b101"),  # YAML 1.1 only
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("-.5", -0.5),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("2026-11-29", "2026-11-29"),  # dates stay text for the model to parse
        ("2026-02-30", "2026-02-30"),
        ("12:30", "12:30"),  # YAML 1.1 sexagesimal
        ("P10Y", "P10Y"),
        ("FR", "FR"),
    ],
)
def test_plain_scalars_resolve_by_yaml_1_2(plain, value):
    assert resolve_plain(plain) == value
    assert type(resolve_plain(plain)) is type(value)


def test_nan():
    assert math.isnan(resolve_plain(".nan"))


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("9007199254740991", 2**53 - 1),  # the largest integer a double (JSON, XLSX) holds
        ("-9007199254740991", -(2**53 - 1)),
        ("0" * 5000 + "7", 7),  # leading zeros are not digits of the number
        ("0x1FFFFFFFFFFFFF", 2**53 - 1),
    ],
)
def test_integers_up_to_2_53_are_read(plain: str, value: int) -> None:
    assert resolve_plain(plain) == value


@pytest.mark.parametrize(
    ("plain", "digits"),
    [
        ("9007199254740992", 16),
        ("-9007199254740992", 16),
        ("9" * 5000, 5000),  # beyond Python's 4,300-digit limit: read without int()
        ("+" + "1" * 100_000, 100_000),
        ("0x" + "f" * 5000, 5000),
        ("0o" + "7" * 30, 30),
    ],
)
def test_larger_integers_are_kept_out_of_range(plain: str, digits: int) -> None:
    started = time.perf_counter()
    value = resolve_plain(plain)
    assert isinstance(value, loader.OutOfRange)
    assert value.digits == digits and value.text == plain
    assert f"({digits} digits)" in str(value) and len(str(value)) < 50
    assert value == resolve_plain(plain) and hash(value) == hash(resolve_plain(plain))
    assert time.perf_counter() - started < 0.5


def test_a_nan_key_has_a_position() -> None:
    data = body("a: 1\n.nan: 2\n")
    key = next(k for k in data if k != "a")
    assert data.key_positions[key] == Position("f.yaml", 2, 1)


def test_scalars_in_a_document():
    data = body(
        "country: NO\nmfa: yes\nlegacy: on\ncount: 12\nratio: 0.5\nnothing: null\n"
        "flag: false\nquoted: \"42\"\nsingle: 'true'\nliteral: |\n  two\n  lines\n"
    )
    assert data == {
        "country": "NO",
        "mfa": "yes",
        "legacy": "on",
        "count": 12,
        "ratio": 0.5,
        "nothing": None,
        "flag": False,
        "quoted": "42",
        "single": "true",
        "literal": "two\nlines\n",
    }


def test_keys_resolve_too_and_norway_key_stays_text():
    assert body("NO: Norway\n1: one\n") == {"NO": "Norway", 1: "one"}


# --- positions -----------------------------------------------------------------------


MULTI = """\
# a comment
kind: System
id: lis
stores:
  - category: identity
    retention: P10Y
  - {category: lab-results, retention: P1Y}
---
kind: Organisation
id: labs
contact:
    email: privacy@biolab.example
"""


def test_positions_of_keys_and_values_in_several_documents():
    result = load(MULTI, "systems/lis.yaml")
    assert result.problems == []
    first, second = (d.body for d in result.documents)
    assert first.pos == Position("systems/lis.yaml", 2, 1)
    assert first.key_positions["id"] == Position("systems/lis.yaml", 3, 1)
    assert first.value_positions["id"] == Position("systems/lis.yaml", 3, 5)
    stores = first["stores"]
    assert first.value_positions["stores"] == stores.pos == Position("systems/lis.yaml", 5, 3)
    assert stores.item_positions == [
        Position("systems/lis.yaml", 5, 5),
        Position("systems/lis.yaml", 7, 5),
    ]
    assert stores[0].value_positions["retention"] == Position("systems/lis.yaml", 6, 16)
    assert stores[1].key_positions["retention"] == Position("systems/lis.yaml", 7, 29)
    assert stores[1].value_positions["retention"] == Position("systems/lis.yaml", 7, 40)
    # The second document: lines count from the top of the file.
    assert second.pos.line == 9
    assert second.value_positions["id"] == Position("systems/lis.yaml", 10, 5)
    assert second["contact"].key_positions["email"] == Position("systems/lis.yaml", 12, 5)
    assert second["contact"].value_positions["email"] == Position("systems/lis.yaml", 12, 12)


def test_document_positions():
    result = load("---\nkind: A\n---\nkind: B\n")
    assert [d.pos.line for d in result.documents] == [1, 3]
    assert [d.body.pos.line for d in result.documents] == [2, 4]


def test_position_prints_as_file_line_column():
    assert str(Position("a/b.yaml", 3, 7)) == "a/b.yaml:3:7"


# --- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, 1),
        ("s:\n  x: 1\n  y: 2\n  x: 3\n", 4, 3, 2),
        ("l:\n  - k: 1\n    k: 2\n", 3, 5, 2),
        ("m: {k: 1, k: 2}\n", 1, 11, 1),
        ("a:\n  b:\n    c: 1\n    c: 1\n", 4, 5, 3),  # same value: still lost data
    ],
)
def test_duplicate_keys_at_any_level(text, line, column, first):
    found = problem(text)
    assert found.code == "SCH-003"
    assert (found.pos.line, found.pos.column) == (line, column)
    assert f"first at line {first}" in found.message


def test_same_key_in_sibling_mappings_is_fine():
    assert body("a: {k: 1}\nb: {k: 2}\n") == {"a": {"k": 1}, "b": {"k": 2}}


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a: &x 1\n", 1, 4, "anchors"),
        ("a: &x {k: 1}\n", 1, 4, "anchors"),
        ("a: *x\n", 1, 4, "aliases"),
        ("a:\n  <<: {k: 1}\n", 2, 3, "merge"),
        ("l: &l [1]\n", 1, 4, "anchors"),
    ],
)
def test_anchors_aliases_and_merge_keys_refused(text, line, column, words):
    found = problem(text)
    assert found.code == "SCH-004"
    assert (found.pos.line, found.pos.column) == (line, column)
    assert words in found.message


def test_quoted_merge_key_is_just_a_key():
    assert body('"<<": 1\n') == {"<<": 1}


def test_billion_laughs_is_refused_at_once():
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8)
    )
    started = time.perf_counter()
    found = problem(bomb)
    assert found.code == "SCH-004"
    assert time.perf_counter() - started < 5  # generous: it never expands


@pytest.mark.parametrize(
    "text",
    [
        'a: !!python/object/apply:os.system ["touch {marker}"]\n',
        "a: !!python/object/new:os.system [touch {marker}]\n",
        "a: !!python/name:os.system\n",
        "a: !custom thing\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!int '3'\n",
        "a: !!set {x, y}\n",
    ],
)
def test_tags_are_refused_never_constructed(text, tmp_path):
    marker = tmp_path / "pwned"
    found = problem(text.replace("{marker}", str(marker)))
    assert found.code == "SCH-005"
    assert not marker.exists()


def test_standard_string_tag_is_allowed():
    assert body("a: !!str 42\n") == {"a": "42"}


def test_deep_nesting_refused():
    found = problem("a: " + "[" * 100 + "]" * 100 + "\n")
    assert found.code == "SCH-006"
    assert found.pos.line == 1
    # The top-level mapping is level 1, so the 64th `[` is level 65: one too deep.
    assert found.pos.column == 4 + loader.MAX_DEPTH - 1


def test_deep_block_nesting_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "leaf\n"
    found = problem(text)
    assert found.code == "SCH-006"
    # Line n opens the n-th nested mapping; the top-level one counts as the first.
    assert found.pos.line == loader.MAX_DEPTH + 1


def test_nesting_at_the_limit_is_fine():
    data = body("a: " + "[" * (loader.MAX_DEPTH - 1) + "]" * (loader.MAX_DEPTH - 1) + "\n")
    assert isinstance(data["a"], list)


def test_complex_key_refused():
    found = problem("? {a: 1}\n: x\n")
    assert found.code == "SCH-002"
    assert (found.pos.line, found.pos.column) == (1, 3)


def test_syntax_error_has_its_line():
    found = problem("kind: System\nid: x\nname: a: b\n")
    assert found.code == "SCH-001"
    assert (found.pos.line, found.pos.column) == (3, 8)
    assert found.message.startswith("YAML syntax error: mapping values are not allowed")


def test_unclosed_bracket_is_a_syntax_error():
    found = problem("kind: System\nname: [unclosed\n")
    assert found.code == "SCH-001"
    assert found.pos.line == 3  # libyaml gives up at the end of the file…
    assert "flow sequence that starts at line 2" in found.message  # …so name the start


def test_unclosed_quote_names_where_it_began():
    found = problem('kind: System\nname: "unclosed\nid: x\n')
    assert found.code == "SCH-001"
    assert "quoted scalar that starts at line 2" in found.message


def test_tab_indentation_is_named():
    found = problem("kind: System\nstores:\n\t- category: identity\n")
    assert found.code == "SCH-001"
    assert found.pos.line == 3
    assert "tab" in found.message


def test_control_character_refused_with_its_position():
    found = problem("a: 1\nb: x\x07y\n")
    assert found.code == "SCH-001"
    assert (found.pos.line, found.pos.column) == (2, 5)
    assert "U+0007" in found.message


# --- files -------------------------------------------------------------------------


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_invalid_utf8_is_a_finding_with_its_line(tmp_path):
    write(tmp_path / "inv" / "a.yaml", b"kind: System\nid: x\nname: caf\xe9\n")
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert result.documents == []
    [found] = result.problems
    assert found.code == "SCH-001"
    assert found.pos == Position("inv/a.yaml", 3, 1)
    assert "UTF-8" in found.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_with_byte_order_mark(tmp_path, encoding):
    text = "kind: System\nid: x\nname: Café ☕\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    write(tmp_path / "inv" / "a.yaml", raw)
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert result.problems == []
    [document] = result.documents
    assert document.body == {"kind": "System", "id": "x", "name": "Café ☕"}
    assert document.body.value_positions["name"] == Position("inv/a.yaml", 3, 7)


def test_utf16_without_bom_is_not_utf8(tmp_path):
    write(tmp_path / "inv" / "a.yaml", "kind: System\n".encode("utf-16-le"))
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert [p.code for p in result.problems] == ["SCH-001"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only a comment\n", b"---\n"])
def test_empty_file_is_reported(tmp_path, content):
    write(tmp_path / "inv" / "empty.yaml", content)
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert [(p.code, str(p.pos)) for p in result.problems] == [("SCH-013", "inv/empty.yaml:1:1")]


def test_oversized_file_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 10)
    write(tmp_path / "inv" / "big.yaml", b"kind: System\nid: big\n")
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert [p.code for p in result.problems] == ["SCH-001"]
    assert "limit" in result.problems[0].message


def test_discovery_sorted_yaml_only_hidden_skipped(tmp_path):
    root = tmp_path / "inv"
    for name in ["b.yaml", "a/z.yml", "a/c.yaml", ".hidden.yaml", ".git/x.yaml", "notes.txt"]:
        write(root / name, b"kind: DataSubject\nid: s\nname: S\n")
    names = [p.relative_to(root).as_posix() for p in loader.discover(root)]
    assert names == ["a/c.yaml", "a/z.yml", "b.yaml"]


def test_single_file_path(tmp_path):
    path = write(tmp_path / "one.yaml", b"kind: DataSubject\nid: s\nname: S\n")
    result = load_path(path, display_root=tmp_path)
    assert result.files == ["one.yaml"]
    assert len(result.documents) == 1


def test_file_names_relative_to_the_inventory_parent(tmp_path, monkeypatch):
    write(tmp_path / "inv" / "sub" / "a.yaml", b"kind: DataSubject\nid: s\nname: S\n")
    monkeypatch.chdir(tmp_path)
    result = load_path(Path("inv"))
    assert result.files == ["inv/sub/a.yaml"]
    assert result.documents[0].body.pos.file == "inv/sub/a.yaml"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_out_of_the_inventory_not_followed(tmp_path):
    secret = write(tmp_path / "secret.yaml", b"kind: DataSubject\nid: secret\nname: S\n")
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "link.yaml").symlink_to(secret)
    result = load_path(tmp_path / "inv", display_root=tmp_path)
    assert result.documents == []
    assert [p.code for p in result.problems] == ["SCH-001"]
    assert "outside" in result.problems[0].message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_keep_lines(newline):
    text = "kind: System\nid: x\nname: a\nstores:\n  - category: c\n".replace("\n", newline)
    data = body(text)
    assert data.value_positions["name"] == Position("f.yaml", 3, 7)
    assert data["stores"][0].value_positions["category"] == Position("f.yaml", 5, 15)


def test_duplicate_key_line_with_crlf():
    found = problem("a: 1\r\nb: 2\r\na: 3\r\n")
    assert (found.code, found.pos.line, found.pos.column) == ("SCH-003", 3, 1)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_control_character_position_with_any_line_ending(newline):
    found = problem(f"a: 1{newline}b: 2{newline}c: x\x07y{newline}")
    assert (found.code, found.pos.line, found.pos.column) == ("SCH-001", 3, 5)
