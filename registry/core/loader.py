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

import gc
import math
import os
import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from registry.core.position import Position
from registry.core.rulebook import Rule
from registry.core.schema_rules import (
    ALIAS,
    COMPLEX_KEY,
    DUPLICATE_KEY,
    NOT_A_MAPPING,
    TAG,
    TOO_DEEP,
    YAML_UNREADABLE,
)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
YAML_SUFFIXES = (".yaml", ".yml")


# Positions are kept packed, (line << 32) | column, 0-based, in compact arrays of
# unsigned 64-bit ints, and become Position objects only when asked for: a large
# inventory holds millions of them and a check reads a handful. A mapping keeps two
# per entry (its key's, then its value's), in the order of its keys.
_COLUMN_BITS = 32
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1


def _pack(pos: Position) -> int:
    return ((pos.line - 1) << _COLUMN_BITS) | (pos.column - 1)


def _unpack(file: str, packed: int) -> Position:
    return Position(file, (packed >> _COLUMN_BITS) + 1, (packed & _COLUMN_MASK) + 1)


class _KeyedPositions(Mapping):
    """Read-only view: mapping key → Position of the key (offset 0) or its value (1)."""

    __slots__ = ("_map", "_offset")

    def __init__(self, owner: LocatedMap, offset: int) -> None:
        self._map, self._offset = owner, offset

    def __getitem__(self, key: Any) -> Position:
        self._map._locate()
        if key not in self._map:
            raise KeyError(key)
        # `is` first, as dict lookups do: a .nan key is not equal to itself
        index = next(i for i, k in enumerate(self._map) if k is key or k == key)
        return _unpack(self._map.file, self._map._spans[2 * index + self._offset])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)


class _ItemPositions(Sequence):
    """Read-only view: list index → Position of the item."""

    __slots__ = ("_file", "_items")

    def __init__(self, file: str, items: LocatedList) -> None:
        self._file, self._items = file, items

    def __getitem__(self, index: Any) -> Any:
        self._items._locate()
        if isinstance(index, slice):
            return [_unpack(self._file, packed) for packed in self._items._items[index]]
        return _unpack(self._file, self._items._items[index])

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_ItemPositions, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list


class LocatedMap(dict):
    """A YAML mapping that remembers where it, each key and each value start.

    Built once by the loader and then read only (positions follow the key order).
    The fast path (:mod:`registry.core.fastpath`) builds them without positions: the
    first position asked for reads the file again with the located loader.
    """

    __slots__ = ("_at", "_spans", "file")

    def __init__(self, pos: Position) -> None:
        super().__init__()
        self.file = pos.file
        self._at = _pack(pos)
        self._spans = array("Q")

    def _locate(self) -> None:
        if self._at.__class__ is not int:  # built by the fast path: positions pending
            self._at.locate(self)  # (a pending map is a document's top mapping)

    @property
    def pos(self) -> Position:
        self._locate()
        return _unpack(self.file, self._at)

    @property
    def key_positions(self) -> Mapping[Any, Position]:
        return _KeyedPositions(self, 0)

    @property
    def value_positions(self) -> Mapping[Any, Position]:
        return _KeyedPositions(self, 1)


class LocatedList(list):
    """A YAML sequence that remembers where it and each item start."""

    __slots__ = ("_at", "_items", "file")

    def __init__(self, pos: Position) -> None:
        super().__init__()
        self.file = pos.file
        self._at = _pack(pos)
        self._items = array("Q")

    def _locate(self) -> None:
        if self._at.__class__ is not int:  # built by the fast path: positions pending
            self._at.locate()

    @property
    def pos(self) -> Position:
        self._locate()
        return _unpack(self.file, self._at)

    @property
    def item_positions(self) -> Sequence[Position]:
        return _ItemPositions(self.file, self)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something the loader refused; the inventory builder turns it into a finding."""

    rule: Rule  # one of the schema rules
    message: str
    pos: Position

    @property
    def code(self) -> str:
        """The rule's code, e.g. SCH-001."""
        return self.rule.code


@dataclass(slots=True)
class Document:
    """One YAML document (``---``) of one file."""

    body: Any
    where: Any  # its Position; from the fast path, pending until asked for

    @property
    def pos(self) -> Position:
        if not isinstance(self.where, Position):
            self.where.locate(self.body)
        return self.where


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    fast_files: int = 0  # of ``files``, how many the fast path read (the rest: located)


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


# The largest integer every output keeps exactly: JSON readers (JavaScript) and
# spreadsheets hold numbers as doubles. No count in a register comes near it.
MAX_INTEGER = 2**53 - 1


class OutOfRange:
    """An integer written in the YAML that is too large to be a value of any field.

    Python refuses to read decimal integers of more than 4,300 digits (a guard
    against quadratic conversions), and one beyond :data:`MAX_INTEGER` would not
    survive a JSON reader or a spreadsheet. The loader keeps it as this marker, which
    every field refuses, so the finding names the file and line.
    """

    __slots__ = ("digits", "text")

    def __init__(self, text: str, digits: int) -> None:
        self.text, self.digits = text, digits

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 24 else f"{self.text[:10]}…{self.text[-4:]}"
        return f"{text} ({self.digits} digits)"

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutOfRange) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("OutOfRange", self.text))


def _integer(text: str, digits: str, base: int) -> int | OutOfRange:
    # Leading zeros do not count, but Python's limit does count them: read the rest.
    significant = digits.lstrip("0") or "0"
    if len(significant) > 20:  # far beyond MAX_INTEGER in any base read here
        return OutOfRange(text, len(digits))
    number = int(significant, base)
    number = -number if text.startswith("-") else number
    return number if abs(number) <= MAX_INTEGER else OutOfRange(text, len(digits))


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
            return _integer(value, value.lstrip("+-"), 10)
        if _INT_OCT.match(value):
            return _integer(value, value[2:], 8)
        if _INT_HEX.match(value):
            return _integer(value, value[2:], 16)
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
    def __init__(self, rule: Rule, message: str, mark: Any) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.mark = mark


def _position(file: str, mark: Any) -> Position:
    return Position(file, mark.line + 1, mark.column + 1)


def _build(parser: Any, file: str, result: LoadResult, scalars: dict[str, Any]) -> None:
    """Turn one file's event stream into documents (a tiny composer+constructor).

    This loop runs once per YAML event, so it is written for speed: one C call per
    event, the open container and its pending key kept in locals, plain scalars
    resolved through ``scalars`` (a cache shared by all files of a load, which
    also shares the repeated strings between documents).
    """
    get_event = parser.get_event
    new_map, new_list = LocatedMap.__new__, LocatedList.__new__
    saved: list[tuple[Any, bool, Any, int]] = []  # enclosing containers
    top: Any = None  # the open container (None: at document level)
    top_is_map = False
    key: Any = _NO_KEY  # in a mapping: the key awaiting its value
    key_at = 0  # its packed position
    doc_pos: Position | None = None
    doc_body: Any = None
    have_body = False
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            mark = event.start_mark
            if event.anchor is not None:
                raise _Refused(ALIAS, "YAML anchors and aliases are not allowed", mark)
            tag = event.tag
            raw = event.value
            if tag is None and event.implicit[0]:
                value = scalars.get(raw, _NO_KEY)
                if value is _NO_KEY:
                    value = scalars[raw] = resolve_plain(raw)
            else:
                if tag is not None and tag not in _STANDARD_TAGS:
                    raise _Refused(TAG, f"YAML tag {tag!r} is not allowed", mark)
                value = raw
            if raw == "<<" and event.implicit[0] and top_is_map and key is _NO_KEY:
                raise _Refused(ALIAS, "YAML merge keys (<<) are not allowed", mark)
            at = (mark.line << _COLUMN_BITS) | mark.column
            if top is None:
                doc_body, have_body = value, True
            elif not top_is_map:
                top.append(value)
                top._items.append(at)
            elif key is _NO_KEY:
                if value in top:
                    first = top.key_positions[value]
                    raise _Refused(
                        DUPLICATE_KEY,
                        f"duplicate key {value!r} (first at line {first.line}); "
                        "YAML would keep only the last one",
                        mark,
                    )
                key, key_at = value, at
            else:
                top[key] = value
                spans = top._spans
                spans.append(key_at)
                spans.append(at)
                key = _NO_KEY
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            mark = event.start_mark
            if event.anchor is not None:
                raise _Refused(ALIAS, "YAML anchors and aliases are not allowed", mark)
            tag = event.tag
            if tag is not None and tag not in _STANDARD_TAGS:
                raise _Refused(TAG, f"YAML tag {tag!r} is not allowed", mark)
            if len(saved) >= MAX_DEPTH:
                raise _Refused(TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels", mark)
            at = (mark.line << _COLUMN_BITS) | mark.column
            is_map = kind is MappingStartEvent
            # Built without __init__ (hot path): the same three slots it sets.
            if is_map:
                node: Any = new_map(LocatedMap)
                node._spans = array("Q")
            else:
                node = new_list(LocatedList)
                node._items = array("Q")
            node.file, node._at = file, at
            if top is None:
                doc_body, have_body = node, True
            elif not top_is_map:
                top.append(node)
                top._items.append(at)
            elif key is _NO_KEY:
                raise _Refused(COMPLEX_KEY, "a mapping key must be a plain value", mark)
            else:
                top[key] = node
                spans = top._spans
                spans.append(key_at)
                spans.append(at)
                key = _NO_KEY
            saved.append((top, top_is_map, key, key_at))
            top, top_is_map, key, key_at = node, is_map, _NO_KEY, 0
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            top, top_is_map, key, key_at = saved.pop()
        elif kind is AliasEvent:
            raise _Refused(ALIAS, "YAML anchors and aliases are not allowed", event.start_mark)
        elif kind is DocumentStartEvent:
            doc_pos = _position(file, event.start_mark)
            doc_body, have_body = None, False
        elif kind is DocumentEndEvent:
            if have_body and doc_body is not None:
                result.documents.append(Document(doc_body, doc_pos or Position(file, 1, 1)))
        elif kind is StreamEndEvent or event is None:
            return


ScalarEvent = yaml.ScalarEvent
MappingStartEvent, MappingEndEvent = yaml.MappingStartEvent, yaml.MappingEndEvent
SequenceStartEvent, SequenceEndEvent = yaml.SequenceStartEvent, yaml.SequenceEndEvent
AliasEvent, StreamEndEvent = yaml.AliasEvent, yaml.StreamEndEvent
DocumentStartEvent, DocumentEndEvent = yaml.DocumentStartEvent, yaml.DocumentEndEvent


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


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
decode_yaml = _decode  # public name, for YAML read from elsewhere (git revisions)

_FORBIDDEN_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


def load_text(
    text: str, file: str, result: LoadResult, scalars: dict[str, Any] | None = None
) -> None:
    """Parse one file's text into ``result`` (documents or a problem).

    ``scalars`` caches resolved plain scalars across the files of one load.
    """
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:
        # Count lines as YAML does: CRLF, CR and LF each end one.
        before = text[: bad.start()]
        breaks = list(_LINE_BREAK.finditer(before))
        line = len(breaks) + 1
        column = bad.start() - (breaks[-1].end() if breaks else 0) + 1
        result.problems.append(
            LoadProblem(
                YAML_UNREADABLE,
                f"control character U+{ord(bad.group()):04X} is not allowed in YAML",
                Position(file, line, column),
            )
        )
        return
    parser = yaml.CSafeLoader(text)
    try:
        _build(parser, file, result, {} if scalars is None else scalars)
    except _Refused as refused:
        result.problems.append(
            LoadProblem(refused.rule, refused.message, _position(file, refused.mark))
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = _position(file, mark) if mark is not None else Position(file, 1, 1)
        problem = error.problem or "invalid YAML"
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            problem += " (this line contains a tab: YAML indents with spaces)"
        context = error.context_mark
        if error.context and context is not None and mark is not None and context.line != mark.line:
            # libyaml often gives up at the end of the file: say where the trouble began.
            problem += f" ({error.context} that starts at line {context.line + 1})"
        result.problems.append(LoadProblem(YAML_UNREADABLE, f"YAML syntax error: {problem}", pos))
    except yaml.YAMLError as error:
        result.problems.append(
            LoadProblem(
                YAML_UNREADABLE, f"YAML error: {error}".splitlines()[0], Position(file, 1, 1)
            )
        )
    except RecursionError:
        result.problems.append(
            LoadProblem(TOO_DEEP, "YAML nested too deeply", Position(file, 1, 1))
        )
    finally:
        parser.dispose()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic tree.

    Loading allocates millions of small containers; each allocation burst makes the
    collector rescan everything built so far, which costs more than the parsing
    itself on big inventories. The trees we build hold no cycles, so nothing is lost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


# Reads one file (its text, its UTF-8 bytes, its display name) into the result, or
# returns False to leave it to the located loader: the fast path's load_file.
FileReader = Callable[[str, bytes, str, "LoadResult"], bool]


def load_path(
    root: Path, *, display_root: Path | None = None, reader: FileReader | None = None
) -> LoadResult:
    """Load every YAML document under ``root``.

    File names in positions are relative to ``display_root`` (default: the current
    directory when ``root`` is inside it, else the root's parent) so that editors
    and GitHub can open them. ``reader`` is tried first on each file (the fast path,
    :func:`registry.core.fastpath.load_file`); the files it declines, and all files
    without one, are read by the located loader.
    """
    result = LoadResult()
    scalars: dict[str, Any] = {}
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
                        YAML_UNREADABLE,
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
                        YAML_UNREADABLE,
                        f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit; split it",
                        Position(name, 1, 1),
                    )
                )
                continue
            raw = path.read_bytes()
        except OSError as error:
            result.problems.append(
                LoadProblem(
                    YAML_UNREADABLE, f"cannot read file: {error.strerror}", Position(name, 1, 1)
                )
            )
            continue
        try:
            text = _decode(raw)
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            result.problems.append(
                LoadProblem(
                    YAML_UNREADABLE,
                    f"file is not valid UTF-8 (byte {error.start}); save it as UTF-8",
                    Position(name, line, 1),
                )
            )
            continue
        if reader is not None and reader(text, raw, name, result):
            continue
        before = (len(result.documents), len(result.problems))
        load_text(text, name, result, scalars)
        if (len(result.documents), len(result.problems)) == before:
            # An empty (or comments-only) file is most likely a mistake: say so.
            result.problems.append(
                LoadProblem(
                    NOT_A_MAPPING,
                    "file holds no YAML document (it is empty or only comments)",
                    Position(name, 1, 1),
                )
            )
    return result


def display_name(path: Path, root: Path) -> str:
    """The name findings give ``path`` when the inventory at ``root`` is loaded."""
    return _display_name(path.resolve(), _display_anchor(root.resolve()))


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
