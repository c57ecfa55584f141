"""The fast path: plain YAML files read by rapidyaml (C++) in bulk, positions on demand.

The located loader (:mod:`registry.core.loader`) walks libyaml's events in Python,
and that loop is most of a check's time. rapidyaml parses a file and writes it out
as JSON in C++, and ``json.loads`` reads that back in C: the documents as Python
objects in a fraction of the time. What that route loses, and how it is made safe:

- positions: the nodes are built without them; the first position asked for (a
  finding) reads that file again with the located loader. Clean files are never
  located. Only each document's top mapping is a :class:`LocatedMap` (pending); what
  it holds are plain dicts and lists, which ``json.loads`` builds in C, until the file
  is located: the located loader's twins (equal values, with positions) then take
  their place. Every position is asked for from a document's top mapping down
  (``Inventory.position``, the builder's error positions), so none is ever asked of a
  plain container. Ids are interned by the model (``_check_id``), as the located
  loader shares its scalars, for the rules' lookups.
- anchors, aliases, tags, merge keys, directives, complex keys, tabs, CR line ends,
  a BOM, control characters: a pre-scan of the text sends
  any file that may hold one to the located loader, which refuses or reads them.
- plain versus quoted scalars: rapidyaml's JSON writes a plain ``123``/``true``/
  ``null`` bare and a quoted one as a string, but a plain ``~``, ``0x1F`` or ``.inf``
  comes out as a string too (a plain ``nan``/``inf`` as ``".nan"``/``".inf"``). Any
  JSON string that a plain scalar could have been read as something else
  (:func:`resolve_plain`) sends the file to the located loader.
- duplicate keys: both are written out; building a mapping with fewer keys than
  pairs sends the file to the located loader, which reports them.
- malformed text that rapidyaml reads and libyaml refuses (found by the property
  tests: "{:0}", a stray "}:"): flow indicators are let through only inside simple
  one-line flow collections (:data:`_SIMPLE_FLOW`); a file that does not end with a
  line break falls back (a block scalar at the very end is chomped differently).
- anything that is not a mapping per document (empty files, lists, scalars), a
  syntax error, an integer out of range: the located loader, which says so.

The property tests (tests/test_fastpath.py) hold the fast path to the located
loader's documents, value for value and type for type, or a fall back.
"""

from __future__ import annotations

import functools
import json
import os
import re
from array import array
from typing import Any

from registry.core.loader import (
    MAX_INTEGER,
    Document,
    LoadResult,
    LocatedMap,
    load_text,
)


@functools.cache
def _rapidyaml() -> Any:
    """rapidyaml, imported when first needed (it adds ~10 ms to every start-up)."""
    try:  # a plain dependency; without it (a platform with no wheel) every file is located
        import ryml
    except ImportError:  # pragma: no cover - exercised only where rapidyaml is missing
        return None
    return ryml


# Anything a file may hold that the JSON route cannot judge. Conservative: text such
# as "R & D" or "* note" sends a file to the located loader, which costs only time.
# The character scans run on the file's bytes with every byte that none of them looks
# for deleted first (`bytes.translate`, a fraction of a regex pass): most files keep
# only a few brackets, `@`s and accented letters, and a scan whose characters are not
# among them is skipped. The full patterns run on the text only when one is there.
_PLAIN_BYTES = bytes(sorted(set(range(0x20, 0x7F)) - set(b"\\&*!@`%?|>#[]{}<"))) + b"\n"
_SUSPECT = re.compile(rb"[\t\r\\&*!@`%?|>#]|\xef\xbb\xbf")  # U+FEFF inside the text too
# The loader's forbidden characters (_FORBIDDEN_CHARS) as UTF-8: C0 controls but tab and
# line ends, DEL, C1 controls but NEL, U+FFFE and U+FFFF (no surrogate decodes from UTF-8).
_FORBIDDEN_BYTES = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]"
)
_BRACKETS = re.compile(rb"[\[\]{}]")
# NEL, LS and PS: line breaks to libyaml (YAML 1.1, the located loader), text to
# rapidyaml (YAML 1.2): a file holding one is read by the located loader.
_YAML11_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_UNSAFE = re.compile(
    r"""
      [\t\r\ufeff\\]                    # tabs, CR line ends, a BOM, escapes
    | [&*!@`%?](?<![^\s\[\]{},].)        # anchor, alias, tag, reserved, directive, key
    | [|>](?<!\S.)(?![-+]?\n)             # a block scalar with indicators or a comment
    | \#[^\n]*[\"']                      # a quote inside a comment (rapidyaml may misjudge it)
    """,
    re.VERBOSE,
)
# Merge keys, content after "---" (a document end marker "..." is checked apart), and
# "- - " (sequences nested on one line; with the indentation bound below it keeps the
# nesting well under the located loader's MAX_DEPTH). Nesting in flow collections
# is bounded by _SIMPLE_FLOW.
# (Three searches: one alternation of the three is three times slower.)
_CONTENT_AFTER_MARKER = re.compile(r"\n---[^\n]")
_NESTED_SEQUENCE = re.compile(r"-[ ]+-\s")
_DEEP_INDENT = "\n" + " " * 25
# Where a quoted scalar can start: after a line break, a space, "[", "{" or ",".
_BEFORE_A_QUOTE = frozenset("\n \t[{,")


def _open_quote(text: str) -> bool:
    """Whether a quoted scalar is left open at the end of its line (one that starts where
    a scalar can). libyaml refuses a quoted key that spans lines, which rapidyaml reads
    (found by the property tests: "k:\n ' - a: 1\n   ': []"); a value that spans lines
    is read alike by both, but rare in a register: every such file is located. Walks
    the quotes with ``str.find`` (a regular expression tried every position: 10 ms over
    the 15 of M's files that hold a quote)."""
    for quote in ("'", '"'):
        at = text.find(quote)
        while at != -1:
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            if at and text[at - 1] not in _BEFORE_A_QUOTE:
                at = text.find(quote, at + 1)  # inside a plain scalar (l'activité)
                continue
            if quote == '"' and "\\" in text[at:end]:
                return True  # an escape: the located loader reads it (and _UNSAFE says so)
            close = text.find(quote, at + 1, end)
            while quote == "'" and close != -1 and text.startswith("''", close):
                close = text.find(quote, close + 2, end)  # '' is a quote inside
            if close == -1:
                return True
            # The next quote, even the one that closed this scalar: as a pattern tried at
            # every quote would (conservative: "'a' 'b" is open).
            at = text.find(quote, at + 1)
    return False


# A JSON string whose text a plain scalar would resolve to something else than
# that string (a null, bool, int or float): quoted or plain cannot be told apart.
# The lookahead lets most strings (ids, names) fail at their first character.
_AMBIGUOUS = re.compile(
    r""""(?=[-+~.0-9nNtTfF"])(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+"""
    r"""|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"""
    r'''|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"'''
)


# Flow collections: rapidyaml reads some malformed ones that libyaml refuses ("{:0}",
# a stray "}:"). Only the simple ones are let through: a one-line flow sequence or
# mapping that is a whole block value (after "key: " or "- "), of plain or quoted
# one-line scalars, nested at most three deep; any other bracket sends the file to
# the located loader. Built by composition because `re` has no recursion.
_PLAIN_IN_FLOW = r"""[^\s\-?:,\[\]{}#&*!|>'"%@`][^\n:,\[\]{}#]*"""
_QUOTED = r"""(?:"[^"\\\n]*"|'(?:[^'\n]|'')*') *"""
_SCALAR = f"(?:{_PLAIN_IN_FLOW}|{_QUOTED})"
_KEY = r"(?:[A-Za-z0-9_][\w.\-]*)"
_SEQ = rf"\[ *(?:{_SCALAR}(?:, *{_SCALAR})*)?\]"


def _flow_map(value: str) -> str:
    return rf"\{{ *(?:{_KEY}: +(?:{value}) *(?:, *{_KEY}: +(?:{value}) *)*)?\}}"


_MAP = _flow_map(f"{_SCALAR}|{_SEQ}|{_flow_map(f'{_SCALAR}|{_SEQ}')}")
# Led by the bracket itself (the regex engine then scans for brackets alone: twice as
# fast as a pattern led by the lookbehind).
_SIMPLE_FLOW = re.compile(
    rf"(?:\[(?<=[:-] \[){_SEQ[2:]}|\{{(?<=[:-] \{{){_MAP[2:]})(?: +#[^\n]*| *)(?=\n|\Z)"
)


def _simple_flow_only(text: str) -> bool:
    """No flow indicator in ``text`` but in simple flow collections (above)."""
    rest = _SIMPLE_FLOW.sub("", text)
    return "[" not in rest and "{" not in rest and "]" not in rest and "}" not in rest


class _Unsure(Exception):
    """The fast path cannot vouch for this file: the located loader reads it."""


def _integer(text: str) -> int:
    number = int(text)
    if abs(number) > MAX_INTEGER:  # the located loader keeps these as OutOfRange
        raise _Unsure
    return number


def _constant(text: str) -> Any:
    raise _Unsure  # NaN / Infinity tokens: never written by rapidyaml for clean input


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

_NO_POSITIONS = array("Q")  # shared and never written: locate() replaces it


class _Pending:
    """One fast-read file's position source: the located loader, run when first asked.

    Only the document asked about is located when the file can be cut at its ``---``
    lines (a finding is in one document of a file that holds dozens): its text, with
    the lines before it left blank so that lines and columns stay the file's, read
    alone. Past a few documents of one file (the site asks for every entity's
    position), the whole file at once: each document alone costs the lines before it
    again. Anything unexpected locates the whole file, as before.
    """

    __slots__ = ("_singles", "_starts", "documents", "file", "text")

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.documents: list[Document] = []
        self._starts: list[tuple[int, int]] | None = None  # per document: (offset, line)
        self._singles = 0  # documents located alone so far

    def locate(self, body: LocatedMap | None = None) -> None:
        """Positions for the document whose top mapping is ``body`` (all: None)."""
        if body is not None and self._singles < _SINGLES and self._locate_one(body):
            self._singles += 1
            return
        located = LoadResult()
        load_text(self.text, self.file, located)
        if located.problems or len(located.documents) != len(self.documents):
            # The property tests rule this out; should it happen, say so plainly.
            raise RuntimeError(f"{self.file}: the fast path and the located loader disagree")
        for fast, slow in zip(self.documents, located.documents, strict=True):
            self._take(fast, slow)
        self.text = ""

    def _take(self, fast: Document, slow: Document) -> None:
        body, twin = fast.body, slow.body
        if list(body) != list(twin):
            raise RuntimeError(f"{self.file}: the fast path and the located loader disagree")
        # Same keys, same order: the plain containers give way to their located twins
        # (equal values); the top mapping stays, as the builder holds it.
        dict.update(body, twin)
        body._at, body._spans = twin._at, twin._spans
        fast.where = slow.where

    def _locate_one(self, body: LocatedMap) -> bool:
        index = next((i for i, d in enumerate(self.documents) if d.body is body), None)
        starts = self._document_starts()
        if index is None or starts is None:
            return False
        offset, line = starts[index]
        end = starts[index + 1][0] if index + 1 < len(starts) else len(self.text)
        located = LoadResult()
        load_text("\n" * line + self.text[offset:end], self.file, located)
        if located.problems or len(located.documents) != 1:
            return False
        if list(body) != list(located.documents[0].body):
            return False
        self._take(self.documents[index], located.documents[0])
        return True

    def _document_starts(self) -> list[tuple[int, int]] | None:
        """Where each document's text starts (offset, lines before it), cut at the
        ``---`` lines; None when the pieces are not one document each."""
        if self._starts is None:
            text = self.text
            # A fast-read file has nothing after a `---` on its line and no `...`; a line
            # `---` in a scalar cannot be (a block scalar's lines are indented, and libyaml
            # refuses one in a quoted scalar): every such line starts a document.
            cuts = _marker_lines(text)
            # Before the first marker: a document of its own unless only comments and
            # blank lines are there.
            if not cuts or (cuts[0] != 0 and _CONTENT_LINE.search(text, 0, cuts[0])):
                cuts.insert(0, 0)
            starts, line, previous = [], 0, 0
            for cut in cuts:  # lines counted between cuts: once over the file
                line += text.count("\n", previous, cut)
                starts.append((cut, line))
                previous = cut
            self._starts = starts if len(starts) == len(self.documents) else []
        return self._starts or None


# Documents of one file located one by one before the whole file is (see _Pending).
_SINGLES = 3
# A line holding more than a comment.
_CONTENT_LINE = re.compile(r"^[ ]*[^\s#]", re.M)


def _marker_lines(text: str) -> list[int]:
    """Where each line that is exactly ``---`` starts (the fast path lets no other
    ``---`` line through). ``str.find``, not a regular expression: this runs over every
    fast-read file whose positions are asked for (the site asks for all of them)."""
    found = [0] if text.startswith("---") and text[3:4] in ("", "\n") else []
    at = text.find("\n---")
    while at != -1:
        end = at + 4
        if text[end : end + 1] in ("", "\n"):
            found.append(at + 1)
        at = text.find("\n---", end)
    return found


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    node = dict(pairs)
    if len(node) != len(pairs):
        raise _Unsure  # a duplicate key: the located loader reports it
    return node


# One decoder for every file: building one costs as much as decoding a small document.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_mapping, parse_int=_integer, parse_constant=_constant
)
_new_map = LocatedMap.__new__


def _document(body: dict[str, Any], file: str, pending: _Pending) -> LocatedMap:
    """A document's top mapping, positions pending."""
    node = _new_map(LocatedMap)
    dict.update(node, body)
    node.file, node._at, node._spans = file, pending, _NO_POSITIONS
    return node


class _QuietStderr:
    """rapidyaml prints parse errors on file descriptor 2; a fall back needs no words."""

    def __enter__(self) -> None:
        self.saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 2)
        os.close(self.saved)


def available() -> bool:
    return _rapidyaml() is not None


def enabled() -> bool:
    """Whether inventories are read by the fast path: on unless ``ROPA_FAST_YAML=0``.

    Measured on the bench inventories it reads M and L 1.7x faster than the located
    loader, and the demo no slower (bench/RESULTS.md, "The fast path").
    """
    return os.environ.get("ROPA_FAST_YAML", "1") not in ("", "0") and available()


def read_fast(text: str, raw: bytes, file: str) -> list[Document] | None:
    """The documents of one file, or None when the located loader must read it.

    ``raw`` is ``text`` as UTF-8 (no BOM): the bytes rapidyaml parses.
    """
    if (
        _rapidyaml() is None
        or not text.endswith("\n")  # a block scalar at the very end: the two differ
        or raw.startswith(_BOMS)
        or ("\n---" in text and _CONTENT_AFTER_MARKER.search(text))
        or _NESTED_SEQUENCE.search(text)
        or "\n..." in text
        or _DEEP_INDENT in text
        or _open_quote(text)
        or text.startswith("...")
        or (text.startswith("---") and not text.startswith("---\n"))
    ):
        return None
    looked_at = raw.translate(None, _PLAIN_BYTES)
    if looked_at and (
        (_SUSPECT.search(looked_at) and _UNSAFE.search(text))
        or (b"<" in looked_at and "<<" in text)  # a merge key
        or _FORBIDDEN_BYTES.search(looked_at)
        or any(line_break in looked_at for line_break in _YAML11_BREAKS)
        or (_BRACKETS.search(looked_at) and not _simple_flow_only(text))
    ):
        return None
    with _QuietStderr():
        return _read(text, raw, file)


def _read(text: str, raw: bytes, file: str) -> list[Document] | None:
    ryml = _rapidyaml()
    try:
        tree = ryml.parse_in_arena(raw)
        root = tree.root_id()
        # The whole file at once: a stream of documents is written as a JSON array of
        # them (one emit, one decode per file rather than per document).
        emitted = ryml.emit_json_malloc(tree, root)
        if not isinstance(emitted, str) or _AMBIGUOUS.search(emitted):
            return None
        bodies = _DECODER.decode(emitted)
        if not tree.is_stream(root):
            bodies = [bodies]
        elif type(bodies) is not list:
            return None
        pending = _Pending(file, text)
        documents: list[Document] = []
        for body in bodies:
            if type(body) is not dict:
                return None  # empty, a list or a scalar: the located loader words it
            documents.append(Document(_document(body, file, pending), pending))
    except (_Unsure, ValueError, RecursionError):
        return None
    except Exception:  # rapidyaml's own exceptions (a parse error) share no base class
        return None
    if not documents:
        return None
    pending.documents = documents
    return documents


def load_file(text: str, raw: bytes, file: str, result: LoadResult) -> bool:
    """Read one file by the fast path into ``result``; False when it must be located."""
    documents = read_fast(text, raw, file)
    if documents is None:
        return False
    result.documents.extend(documents)
    result.fast_files += 1
    return True
