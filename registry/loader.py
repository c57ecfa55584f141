"""YAML → located nodes.

Built on libyaml's C event stream (``yaml.parse`` with ``CSafeLoader``) and a small
builder of our own: it is several times faster than ``yaml.load`` and keeps the
file, line and column of every mapping key and value, so every finding can point
at the line to edit.

Safety: no tag ever constructs an object (tags are refused), aliases and merge keys
are refused (an alias bomb never expands), duplicate keys are errors (PyYAML keeps
the last one silently: that is lost data), nesting depth and file size are bounded.

Scalars follow the YAML 1.2 core schema, not YAML 1.1: ``NO`` (Norway) stays a
string, ``yes``/``on`` are not booleans, and dates stay strings for the model to
parse (so ``2026-02-30`` becomes a finding, not a crash).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where a node starts: file relative to the inventory root, 1-based line/column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LocatedMap(dict):
    """A YAML mapping that remembers where it, each key and each value start."""

    __slots__ = ("key_positions", "pos", "value_positions")

    def __init__(self, pos: Position) -> None:
        super().__init__()
        self.pos = pos
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}


class LocatedList(list):
    """A YAML sequence that remembers where it and each item start."""

    __slots__ = ("item_positions", "pos")

    def __init__(self, pos: Position) -> None:
        super().__init__()
        self.pos = pos
        self.item_positions: list[Position] = []


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something the loader refused; the checker turns it into a finding."""

    code: str  # rule code, e.g. SCH-001
    message: str
    pos: Position


@dataclass(slots=True)
class Document:
    """One YAML document (``---``) of one file."""

    body: Any
    pos: Position


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# YAML 1.2 core schema resolution for plain scalars.
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
# Characters that may start a non-string plain scalar; anything else is a string.
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(value: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema."""
    if not value or value[0] in _MAYBE_TYPED:
        if value in _NULL:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _INT.match(value):
            return int(value)
        if _INT_OCT.match(value):
            return int(value[2:], 8)
        if _INT_HEX.match(value):
            return int(value[2:], 16)
        if _FLOAT.match(value):
            return float(value)
        if _INF.match(value):
            return -math.inf if value[0] == "-" else math.inf
        if _NAN.match(value):
            return math.nan
    return value


_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


def _position(file: str, mark: Any) -> Position:
    return Position(file, mark.line + 1, mark.column + 1)


def _build(events: Iterator[Any], file: str, result: LoadResult) -> None:
    """Turn one file's event stream into documents (a tiny composer+constructor)."""
    stack: list[Any] = []  # open containers
    pending_keys: list[Any] = []  # per open mapping: key awaiting its value, or _NO_KEY
    key_pos: list[Position | None] = []
    doc_pos: Position | None = None
    doc_body: Any = None
    have_body = False

    def attach(value: Any, pos: Position) -> None:
        nonlocal doc_body, have_body
        if not stack:
            doc_body, have_body = value, True
            return
        parent = stack[-1]
        if isinstance(parent, LocatedList):
            parent.append(value)
            parent.item_positions.append(pos)
            return
        key = pending_keys[-1]
        if key is _NO_KEY:
            if isinstance(value, (LocatedMap, LocatedList)):
                raise _Refused("SCH-002", "a mapping key must be a plain value", _Mark(pos))
            if value in parent:
                first = parent.key_positions[value]
                raise _Refused(
                    "SCH-003",
                    f"duplicate key {value!r} (first at line {first.line}); "
                    "YAML would keep only the last one",
                    _Mark(pos),
                )
            pending_keys[-1] = value
            key_pos[-1] = pos
            return
        parent[key] = value
        parent.key_positions[key] = key_pos[-1]  # type: ignore[assignment]
        parent.value_positions[key] = pos
        pending_keys[-1] = _NO_KEY
        key_pos[-1] = None

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            pos = _position(file, event.start_mark)
            if event.anchor is not None:
                raise _Refused(
                    "SCH-004", "YAML anchors and aliases are not allowed", event.start_mark
                )
            tag = event.tag
            if tag is not None and tag not in _STANDARD_TAGS:
                raise _Refused("SCH-005", f"YAML tag {tag!r} is not allowed", event.start_mark)
            value = resolve_plain(event.value) if tag is None and event.implicit[0] else event.value
            if (
                value == "<<"
                and event.implicit[0]
                and stack
                and isinstance(stack[-1], LocatedMap)
                and pending_keys[-1] is _NO_KEY
            ):
                raise _Refused("SCH-004", "YAML merge keys (<<) are not allowed", event.start_mark)
            attach(value, pos)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None:
                raise _Refused(
                    "SCH-004", "YAML anchors and aliases are not allowed", event.start_mark
                )
            tag = event.tag
            if tag is not None and tag not in _STANDARD_TAGS:
                raise _Refused("SCH-005", f"YAML tag {tag!r} is not allowed", event.start_mark)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(
                    "SCH-006", f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
                )
            pos = _position(file, event.start_mark)
            node: Any = LocatedMap(pos) if kind is yaml.MappingStartEvent else LocatedList(pos)
            attach(node, pos)  # attach first so duplicate-key checks see the key
            stack.append(node)
            pending_keys.append(_NO_KEY)
            key_pos.append(None)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            pending_keys.pop()
            key_pos.pop()
        elif kind is yaml.AliasEvent:
            raise _Refused("SCH-004", "YAML anchors and aliases are not allowed", event.start_mark)
        elif kind is yaml.DocumentStartEvent:
            doc_pos = _position(file, event.start_mark)
            doc_body, have_body = None, False
        elif kind is yaml.DocumentEndEvent and have_body and doc_body is not None:
            result.documents.append(Document(doc_body, doc_pos or Position(file, 1, 1)))


class _Mark:
    """Adapter so a Position can be raised like a libyaml mark."""

    def __init__(self, pos: Position) -> None:
        self.line = pos.line - 1
        self.column = pos.column - 1


_NO_KEY = object()


def _decode(raw: bytes) -> str:
    """Decode YAML bytes: UTF-8 (BOM allowed) or UTF-16/32 with a BOM, as YAML allows."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return raw.decode("utf-32")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8")


decode_yaml = _decode  # public name, for YAML read from elsewhere (git revisions)

_FORBIDDEN_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


def load_text(text: str, file: str, result: LoadResult) -> None:
    """Parse one file's text into ``result`` (documents or a problem)."""
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        result.problems.append(
            LoadProblem(
                "SCH-001",
                f"control character U+{ord(bad.group()):04X} is not allowed in YAML",
                Position(file, line, column),
            )
        )
        return
    try:
        _build(yaml.parse(text, Loader=yaml.CSafeLoader), file, result)
    except _Refused as refused:
        result.problems.append(
            LoadProblem(refused.code, refused.message, _position(file, refused.mark))
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = _position(file, mark) if mark is not None else Position(file, 1, 1)
        problem = error.problem or "invalid YAML"
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            problem += " (this line contains a tab: YAML indents with spaces)"
        result.problems.append(LoadProblem("SCH-001", f"YAML syntax error: {problem}", pos))
    except yaml.YAMLError as error:
        result.problems.append(
            LoadProblem("SCH-001", f"YAML error: {error}".splitlines()[0], Position(file, 1, 1))
        )
    except RecursionError:
        result.problems.append(
            LoadProblem("SCH-006", "YAML nested too deeply", Position(file, 1, 1))
        )


def discover(root: Path) -> list[Path]:
    """Every YAML file under ``root``, sorted, never following symlinks out of it."""
    if root.is_file():
        return [root]
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in files:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(Path(directory, name))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_path(root: Path, *, display_root: Path | None = None) -> LoadResult:
    """Load every YAML document under ``root``.

    File names in positions are relative to ``display_root`` (default: the current
    directory when ``root`` is inside it, else the root's parent) so that editors
    and GitHub can open them.
    """
    result = LoadResult()
    root = root.resolve() if display_root is None else root
    anchor = display_root if display_root is not None else _display_anchor(root)
    for path in discover(root):
        name = _display_name(path, anchor)
        result.files.append(name)
        if path.is_symlink():
            target = path.resolve()
            base = root.resolve() if root.is_dir() else root.resolve().parent
            if not target.is_relative_to(base):
                result.problems.append(
                    LoadProblem(
                        "SCH-001",
                        "symbolic link points outside the inventory; not followed",
                        Position(name, 1, 1),
                    )
                )
                continue
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                result.problems.append(
                    LoadProblem(
                        "SCH-001",
                        f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit; split it",
                        Position(name, 1, 1),
                    )
                )
                continue
            raw = path.read_bytes()
        except OSError as error:
            result.problems.append(
                LoadProblem("SCH-001", f"cannot read file: {error.strerror}", Position(name, 1, 1))
            )
            continue
        try:
            text = _decode(raw)
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            result.problems.append(
                LoadProblem(
                    "SCH-001",
                    f"file is not valid UTF-8 (byte {error.start}); save it as UTF-8",
                    Position(name, line, 1),
                )
            )
            continue
        before = (len(result.documents), len(result.problems))
        load_text(text, name, result)
        if (len(result.documents), len(result.problems)) == before:
            # An empty (or comments-only) file is most likely a mistake: say so.
            result.problems.append(
                LoadProblem(
                    "SCH-013",
                    "file holds no YAML document (it is empty or only comments)",
                    Position(name, 1, 1),
                )
            )
    return result


def _display_anchor(root: Path) -> Path:
    cwd = Path.cwd().resolve()
    return cwd if root.is_relative_to(cwd) else root.parent


def _display_name(path: Path, anchor: Path) -> str:
    try:
        name = path.relative_to(anchor).as_posix()
    except ValueError:
        name = path.as_posix()
    # A name that is not valid UTF-8 arrives with lone surrogates, which no
    # report can encode: spell its bytes out (caf\xe9.yaml).
    return os.fsencode(name).decode("utf-8", "backslashreplace")
