"""Evidence of real data movements, read as a stream.

Two formats:

* OpenLineage events (RunEvent, JobEvent) as JSON lines or as one JSON array, as
  Marquez, Airflow, Spark and dbt emit them: every input dataset of an event moves
  data to every output dataset. A job with inputs and no outputs moves data into
  the job itself (a job with outputs only, out of it): the job is then one end of
  the movement. Each observation carries the event's ``runId``, so that the
  reconciler counts a run's START, RUNNING and COMPLETE events once.
  ``openlineage-python`` is a producer SDK with no parser, so the few fields
  needed are modelled here after the spec.
* A CSV exported from connection logs, proxies or VPC flow logs:
  ``source,target[,data_categories][,observed_at][,count]``.

Files are read in bounded memory, whatever their size: JSON lines line by line
(each line through ``json``), a JSON array or pretty-printed values through
``ijson``'s incremental parser (never by splitting the text ourselves, which loses
literals cut by a read boundary), CSV row by row. Gzipped files (``.gz``) are read
the same way. A record that cannot be read becomes an :class:`EvidenceProblem`
with file, line and column; the rest of the file is still read where the format
allows it (always for JSON lines and CSV, not after an error inside an array).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import ijson
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from registry.core.position import Position

try:  # yajl's C parser when the wheel has it: several times faster than pure Python
    _IJSON = ijson.get_backend("yajl2_c")
except ImportError:
    _IJSON = ijson

CHUNK_CHARS = 1 << 20  # read 1 MiB of text at a time
MAX_RECORD_CHARS = 16 << 20  # one event larger than this is refused, never buffered
MAX_PROBLEMS_PER_FILE = 20  # then stop reading that file: it is not evidence
CSV_COLUMNS = ("source", "target", "data_categories", "observed_at", "count")
_CATEGORY_SEPARATORS = re.compile(r"[;|]")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of an observed movement, as the evidence wrote it."""

    text: str  # dataset URI (namespace/name) or the CSV value
    namespace: str | None = None  # OpenLineage dataset namespace
    name: str | None = None  # OpenLineage dataset name
    job: bool = False  # an OpenLineage job (its namespace and name), not a dataset

    @property
    def host(self) -> str | None:
        """The hostname inside a namespace or address, if there is one."""
        raw = self.namespace if self.namespace is not None else self.text
        if "://" in raw:
            try:
                return urlsplit(raw).hostname
            except ValueError:
                return None
        head = raw.split("/", 1)[0]
        if head.count(":") == 1:  # host:port (an IPv6 address has several colons)
            head = head.split(":", 1)[0]
        return head or None

    @property
    def candidates(self) -> tuple[str, ...]:
        """What an identifier may name, most specific first."""
        found: list[str] = [self.text]
        for extra in (self.name, self.namespace, self.host):
            if extra and extra not in found:
                found.append(extra)
        return tuple(found)

    @property
    def group(self) -> str:
        """What an unknown endpoint is reported as: a job by its full name (a namespace
        holds many jobs, each its own system perhaps), else the namespace, else the host."""
        if self.job:
            return self.text
        if self.namespace is not None:
            return self.namespace
        return self.host or self.text


@dataclass(frozen=True, slots=True)
class Observation:
    """Data seen moving from ``source`` to ``target`` (``count`` times)."""

    source: Endpoint
    target: Endpoint
    pos: Position
    categories: tuple[str, ...] = ()
    count: int = 1
    run: str | None = None  # OpenLineage runId: the events of one run are one movement


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    message: str
    pos: Position


Evidence = Observation | EvidenceProblem


@dataclass(slots=True)
class Tally:
    """How many records (events, rows) of the evidence were read, and how many not."""

    records: int = 0
    skipped: int = 0  # unreadable records, each reported as an EvidenceProblem


# --- OpenLineage, after the spec (only what reconciliation needs) -------------------


class _Lenient(BaseModel):
    # Producers add facets freely; what is not needed here is not read.
    model_config = ConfigDict(extra="ignore")


class _Tag(_Lenient):
    key: StrictStr
    value: StrictStr


class _TagsFacet(_Lenient):
    tags: list[_Tag] = Field(default_factory=list)


class _DatasetFacets(_Lenient):
    tags: _TagsFacet | None = None


class _Dataset(_Lenient):
    namespace: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)
    facets: _DatasetFacets | None = None

    def endpoint(self) -> Endpoint:
        joiner = "" if self.namespace.endswith("/") or self.name.startswith("/") else "/"
        return Endpoint(f"{self.namespace}{joiner}{self.name}", self.namespace, self.name)

    def categories(self) -> list[str]:
        if self.facets is None or self.facets.tags is None:
            return []
        return [t.value for t in self.facets.tags.tags if t.key == "data_category"]


class _Job(_Lenient):
    namespace: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)

    def endpoint(self) -> Endpoint:
        joiner = "" if self.namespace.endswith("/") or self.name.startswith("/") else "/"
        return Endpoint(f"{self.namespace}{joiner}{self.name}", self.namespace, self.name, job=True)


class _Run(_Lenient):
    runId: StrictStr = Field(min_length=1)  # the spec's spelling


class _Event(_Lenient):
    """A RunEvent or a JobEvent (a DatasetEvent carries no movement)."""

    # START, RUNNING, COMPLETE, FAIL, ABORT (none in a JobEvent); not validated, as before
    eventType: object = None
    eventTime: StrictStr
    producer: StrictStr
    job: _Job
    run: _Run | None = None
    inputs: list[_Dataset] = Field(default_factory=list)
    outputs: list[_Dataset] = Field(default_factory=list)


def _validation_message(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    what = "is missing" if first["type"] == "missing" else first["msg"].lower()
    return f"OpenLineage event: {where} {what}" if where else f"OpenLineage event: {what}"


def _event_observations(value: Any, pos: Position) -> Iterator[Evidence]:
    if not isinstance(value, dict):
        yield EvidenceProblem("an OpenLineage event must be a JSON object", pos)
        return
    if "dataset" in value and "job" not in value:
        return  # a DatasetEvent: metadata about one dataset, no movement
    try:
        event = _Event.model_validate(value)
    except ValidationError as error:
        yield EvidenceProblem(_validation_message(error), pos)
        return
    run = event.run.runId if event.run is not None else None
    for source in event.inputs:
        for target in event.outputs:
            categories = tuple(dict.fromkeys(source.categories() + target.categories()))
            yield Observation(source.endpoint(), target.endpoint(), pos, categories, run=run)
    unfinished = isinstance(event.eventType, str) and event.eventType.upper() in _UNFINISHED
    if bool(event.inputs) == bool(event.outputs) or unfinished:
        return
    # Inputs only: the data moves into the job (Marquez's email_discounts reads
    # customers and writes no dataset); outputs only: out of it.
    job = event.job.endpoint()
    for dataset in event.inputs:
        yield Observation(dataset.endpoint(), job, pos, tuple(dataset.categories()), run=run)
    for dataset in event.outputs:
        yield Observation(job, dataset.endpoint(), pos, tuple(dataset.categories()), run=run)


# Integrations often emit a run's START with its inputs only and add the outputs at
# COMPLETE: only a finished run (or a JobEvent) shows that a job has no outputs.
_UNFINISHED = frozenset({"START", "RUNNING"})


# --- streaming JSON ---------------------------------------------------------------


class EvidenceError(Exception):
    def __init__(self, message: str, pos: Position) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _TextStream:
    """Decoded text in chunks, with line counting and exact decode-error lines (CSV)."""

    def __init__(self, raw: IO[bytes], file: str) -> None:
        self.raw = raw
        self.file = file
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.bytes_lines = 0  # newlines in the bytes already read
        self.started = False
        self.eof = False
        self.pending: EvidenceError | None = None

    def read(self) -> str:
        """The next chunk of text ('' at the end); raises EvidenceError on bad bytes,
        after the good text before them has been returned."""
        if self.pending is not None:
            raise self.pending
        if self.eof:
            return ""
        data = self.raw.read(CHUNK_CHARS)
        final = not data
        try:
            text = self.decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            good = error.object[: error.start]
            line = self.bytes_lines + good.count(b"\n") + 1
            self.pending = EvidenceError(_not_utf8(error), Position(self.file, line, 1))
            text = good.decode("utf-8" if self.started else "utf-8-sig")
            if not text:
                raise self.pending from None
        self.started = True
        self.bytes_lines += data.count(b"\n")
        self.eof = final
        return text


def _not_utf8(error: UnicodeDecodeError) -> str:
    return (
        f"not UTF-8 (byte {error.object[error.start : error.start + 1]!r}); save the file as UTF-8"
    )


JsonValues = Iterator[tuple[Any, Position] | EvidenceProblem]


class _Lines:
    """Byte lines of at most ``limit`` bytes: first those read to tell the format apart,
    then the rest of the stream."""

    def __init__(self, raw: IO[bytes], head: list[bytes]) -> None:
        self.raw = raw
        self.head = head

    def readline(self, limit: int) -> bytes:
        if self.head:
            return self.head.pop(0)
        return self.raw.readline(limit)


def iter_json_values(raw: IO[bytes], file: str, *, json_lines: bool = False) -> JsonValues:
    """Every top-level JSON value, each with its position: one a line (JSON lines), the
    items of one array, or values one after another (pretty-printed objects in a row).

    JSON lines (``json_lines``, or a file whose first value ends at its first line
    end) are read line by line with ``json``: a bad line is one problem at its line,
    and the next line is read. Anything else goes through ``ijson``'s incremental
    parser, which never loses a token across a read boundary.
    """
    blank = 0  # blank lines before the first value
    first = b""
    while data := raw.readline(MAX_RECORD_CHARS + 1):
        if not blank and not first:
            data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
        if data.strip():
            first = data
            break
        blank += 1
    if not first:
        return  # nothing but blanks: no value (the reconciler says so)
    lines = _Lines(raw, [first])
    if not json_lines and not first.lstrip().startswith(b"["):
        try:
            json.loads(first.decode("utf-8"))
            json_lines = True  # the first value ends with its line
        except UnicodeDecodeError:
            json_lines = True  # reported, line by line, as not UTF-8
        except ValueError:
            pass  # a value over several lines: pretty-printed objects in a row
    if json_lines:
        yield from _json_lines(lines, file, blank + 1)
    else:
        multiple = not first.lstrip().startswith(b"[")
        yield from _json_stream(lines, file, blank + 1, multiple=multiple)


def _json_lines(lines: _Lines, file: str, line: int) -> JsonValues:
    """One JSON value a line; ``line`` is the number of the first line given."""
    data = lines.readline(MAX_RECORD_CHARS + 1)
    first = True
    while data:
        following = lines.readline(MAX_RECORD_CHARS + 1)  # to tell the last line
        if len(data) > MAX_RECORD_CHARS:
            yield EvidenceProblem(
                f"a line longer than {MAX_RECORD_CHARS} characters", Position(file, line, 1)
            )
            while following and not data.endswith(b"\n"):  # skip the rest of that line
                data, following = following, lines.readline(MAX_RECORD_CHARS + 1)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                column = len(error.object[: error.start].decode("utf-8", "replace")) + 1
                yield EvidenceProblem(_not_utf8(error), Position(file, line, column))
                if first:
                    return  # not even the first line is UTF-8: the file is not (UTF-16?)
            else:
                yield from _json_line(text, file, line, last=not following)
        first = False
        data = following
        line += 1


def _json_line(text: str, file: str, line: int, *, last: bool) -> JsonValues:
    content = text.strip()  # without the line end, so an error at its end stays on the line
    if not content:
        return
    indent = len(text) - len(text.lstrip())
    try:
        value = json.loads(content)
    except json.JSONDecodeError as error:
        cut = error.pos >= len(content) or error.msg.startswith("Unterminated string")
        problem = f"not valid JSON: {error.msg.removesuffix(' at')}"
        if cut and last:
            problem += " (the last record is truncated)"
        yield EvidenceProblem(problem, Position(file, line, indent + error.colno))
        return
    except RecursionError:
        yield EvidenceProblem("not valid evidence: nested too deeply", Position(file, line, 1))
        return
    except ValueError:  # an integer past Python's int-string limit (issue 16)
        long = _LONG_INTEGER.search(content.encode("utf-8"))
        at = len(content.encode("utf-8")[: long.start()].decode("utf-8")) if long else 0
        yield EvidenceProblem(_TOO_MANY_DIGITS, Position(file, line, indent + at + 1))
        return
    yield value, Position(file, line, indent + 1)


# yajl2_c crashes the interpreter on an integer past Python's int-string limit (4,300
# digits by default), and json.loads raises: such a number is found before either
# reads it. A digit string in quotes, or the digits of a decimal, are read fine.
_INT_DIGITS = sys.get_int_max_str_digits()
_LONG_INTEGER = re.compile(rb'(?<![".0-9eE])-?[0-9]{%d,}(?![0-9.eE"])' % (_INT_DIGITS + 1))
_DIGITS = b"0123456789"
_TOO_MANY_DIGITS = f"not valid evidence: a number of more than {_INT_DIGITS:,} digits"


@dataclass(frozen=True, slots=True)
class _Run:
    """The digits that end what was read (a number may go on in the next read): with
    the byte before them, cut to what tells whether they pass the limit."""

    data: bytes = b""
    start: Position | None = None  # where its number starts


def _long_integer(data: bytes, run: _Run) -> tuple[int | None, int, _Run]:
    """Whether an integer past the limit ends in ``data`` (read after ``run``'s digits):
    the index of the byte that ends it (None: none does), where it starts (negative:
    in ``run``), and the digits that end ``data``."""
    joined = run.data + data if run.data else data
    for found in _LONG_INTEGER.finditer(joined):
        if found.end() < len(joined):  # at the very end it may yet go on: next read
            return found.end() - len(run.data), found.start() - len(run.data), _Run()
    body = joined.rstrip(_DIGITS)
    if len(body) == len(joined):
        return None, 0, _Run()
    begin = len(body) - (1 if body.endswith(b"-") else 0)  # the number's first byte
    # The digits past the limit's length tell no more: keep the run short.
    kept = joined[max(begin - 1, 0) : len(body) + _INT_DIGITS + 1]
    return None, begin - len(run.data), _Run(kept, run.start if begin < len(run.data) else None)


def _run_past_limit(run: _Run) -> bool:
    """True if the digits that end the input are an integer past the limit."""
    return bool(_INT_DIGITS and _LONG_INTEGER.search(run.data + b" "))


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str  # decoded, to count columns and place parser errors
    data: bytes
    line: int
    column: int  # of text[0]
    # Where an integer past Python's limit starts, when this piece ends it: the piece
    # must not reach the parser (see _LONG_INTEGER).
    long_integer: Position | None = None


# The parser is fed pieces that end after every bracket: an object or array then
# starts and ends at a piece boundary, which gives each record its position.
_BRACKETS = re.compile(rb"[{}\[\]]")


def _pieces(lines: _Lines, file: str, line: int) -> Iterator[_Piece]:
    """The bytes in small pieces with their positions; raises EvidenceError on bad bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    column = 1
    run = _Run()  # digits that end what was read: a number may go on in the next read
    while data := lines.readline(CHUNK_CHARS):
        ends, begins, following = _long_integer(data, run) if _INT_DIGITS else (None, 0, run)
        number: Position | None = None
        if ends is not None or (following.data and following.start is None):
            # where the number starts: in what was read before, or in this read
            text = data[: max(begins, 0)].decode("utf-8", "replace")
            here = Position(file, line, column + len(text))
            number = run.start if begins < 0 else here
            if following.data and following.start is None:
                following = _Run(following.data, here)
        run = following
        cuts = [m.end() for m in _BRACKETS.finditer(data)]
        if not cuts or cuts[-1] != len(data):
            cuts.append(len(data))
        start = 0
        for end in cuts:
            part = data[start:end]
            try:
                text = decoder.decode(part)
            except UnicodeDecodeError as error:
                at = column + len(error.object[: error.start].decode("utf-8", "replace"))
                raise EvidenceError(_not_utf8(error), Position(file, line, at)) from None
            bad = number if ends is not None and start <= ends < end else None
            yield _Piece(text, part, line, column, bad)
            column += len(text)
            start = end
        if data.endswith(b"\n"):
            line, column = line + 1, 1
    if _run_past_limit(run):  # a bare number ends the input
        yield _Piece("", b"", line, column, run.start)


_SKIPPED_BEFORE_A_VALUE = " \t\r\n,"


def _value_start(piece: _Piece, opened: bool) -> tuple[int | None, bool]:
    """Where in ``piece`` the next value starts (None: not in it), and whether the
    array's '[' has been passed."""
    for index, char in enumerate(piece.text):
        if char in _SKIPPED_BEFORE_A_VALUE:
            continue
        if char == "[" and not opened:
            opened = True
            continue
        return (None if char == "]" else index), opened
    return None, opened


def _parser_error(error: Exception, piece: _Piece, file: str) -> EvidenceProblem:
    """yajl's message, placed in the piece by the context it quotes (else at its start)."""
    raw = error.args[0] if error.args else str(error)
    message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    lines = message.split("\n")
    what = lines[0].split(": ", 1)[-1].rstrip(".")
    offset = 0
    for index, text in enumerate(lines[1:], 1):
        if "(right here)" in text:
            caret = text.index("^")
            before, after = lines[index - 1][:caret].lstrip(), lines[index - 1][caret:]
            shown = piece.text.replace("\n", " ")
            found = shown.find(after) if after else len(shown)
            while found > 0 and not shown[:found].endswith(before):
                found = shown.find(after, found + 1) if after else -1
            offset = max(found, 0)
    return EvidenceProblem(
        f"not valid JSON: {what}", Position(file, piece.line, piece.column + offset)
    )


def _json_stream(lines: _Lines, file: str, line: int, *, multiple: bool) -> JsonValues:
    """The items of one array (``multiple`` False) or values in a row, through ijson.

    After an error an array is not read on (its structure is lost); values in a row
    resume at the next line that opens an object at its first column.
    """
    sink = ijson.sendable_list()

    def parser() -> Any:
        prefix = "" if multiple else "item"
        return _IJSON.items_coro(sink, prefix, multiple_values=multiple)

    feed = parser()
    opened = multiple  # whether the array's '[' is passed (values in a row have none)
    start: Position | None = None  # of the record being read
    size = 0  # of the record being read, in bytes
    lost = False  # after an error in values in a row: skipping to the next record
    piece = _Piece("", b"", line, 1)
    try:
        for piece in _pieces(lines, file, line):
            if lost:
                if piece.column != 1 or not piece.text.startswith("{"):
                    continue
                feed, lost, start, size = parser(), False, None, 0
            if start is None:
                index, opened = _value_start(piece, opened)
                if index is not None:
                    start, size = Position(file, piece.line, piece.column + index), 0
            size += len(piece.data)
            if size > MAX_RECORD_CHARS:
                yield EvidenceProblem(
                    f"no complete JSON value within {MAX_RECORD_CHARS} characters",
                    start or Position(file, piece.line, piece.column),
                )
                return
            if piece.long_integer is not None:
                yield EvidenceProblem(_TOO_MANY_DIGITS, piece.long_integer)
                if not multiple:
                    return
                # The parser holds the number's digits: it must never be closed on them.
                feed, lost, sink[:] = parser(), True, []
                continue
            try:
                feed.send(piece.data)
            except ijson.JSONError as error:
                yield _parser_error(error, piece, file)
                if not multiple:
                    return
                lost, sink[:] = True, []
                continue
            except ArithmeticError:  # a decimal no number holds (1e99999…)
                yield EvidenceProblem(
                    "not valid evidence: a number out of range",
                    Position(file, piece.line, piece.column),
                )
                if not multiple:
                    return
                lost, sink[:] = True, []
                continue
            if sink:
                for value in sink:
                    yield value, start or Position(file, piece.line, piece.column)
                sink[:], start = [], None
        try:
            feed.close()
        except ArithmeticError:
            yield EvidenceProblem(
                "not valid evidence: a number out of range",
                start or Position(file, piece.line, piece.column),
            )
        except ijson.JSONError as error:
            if not lost:
                problem = _parser_error(error, piece, file)
                truncated = "premature EOF" in str(error)
                message = (
                    "not valid JSON: premature end of file (the last record is truncated)"
                    if truncated
                    else problem.message
                )
                yield EvidenceProblem(message, start or problem.pos)
        for value in sink:  # a last bare value ends with the file
            yield value, start or Position(file, piece.line, piece.column)
    except EvidenceError as error:
        yield EvidenceProblem(error.message, error.pos)


def read_openlineage(
    raw: IO[bytes], file: str, tally: Tally | None = None, *, json_lines: bool = False
) -> Iterator[Evidence]:
    for item in iter_json_values(raw, file, json_lines=json_lines):
        if isinstance(item, EvidenceProblem):
            yield item
            continue
        found = list(_event_observations(*item))  # one event's movements: bounded
        if tally is not None and not any(isinstance(f, EvidenceProblem) for f in found):
            tally.records += 1
        yield from found


# --- CSV --------------------------------------------------------------------------


def _lines(stream: _TextStream) -> Iterator[str]:
    """Lines with their endings, for the csv module, in bounded memory."""
    rest = ""
    while chunk := stream.read():
        rest += chunk
        if "\n" not in chunk and len(rest) > MAX_RECORD_CHARS:
            raise EvidenceError(
                f"a line longer than {MAX_RECORD_CHARS} characters",
                Position(stream.file, stream.bytes_lines + 1, 1),
            )
        *complete, rest = rest.split("\n")
        for line in complete:
            yield line + "\n"
    if rest:
        yield rest


def read_csv(raw: IO[bytes], file: str, tally: Tally | None = None) -> Iterator[Evidence]:
    stream = _TextStream(raw, file)
    reader = csv.reader(_lines(stream))
    columns: tuple[str, ...] = CSV_COLUMNS
    start = 1  # line where the next record starts
    try:
        for row in reader:
            pos = Position(file, start, 1)
            start = reader.line_num + 1
            if not row or not any(cell.strip() for cell in row):
                continue
            if pos.line == 1 and {"source", "target"} <= {c.strip().lower() for c in row}:
                header = tuple(c.strip().lower() for c in row)
                unknown = [c for c in header if c not in CSV_COLUMNS]
                if unknown:
                    yield EvidenceProblem(
                        f"unknown column {unknown[0]!r} (columns: {', '.join(CSV_COLUMNS)})", pos
                    )
                columns = header
                continue
            found = list(_csv_row(dict(zip(columns, row, strict=False)), len(row), columns, pos))
            if tally is not None and not any(isinstance(f, EvidenceProblem) for f in found):
                tally.records += 1
            yield from found
    except EvidenceError as error:
        yield EvidenceProblem(error.message, error.pos)
    except csv.Error as error:
        yield EvidenceProblem(f"not valid CSV: {error}", Position(file, start, 1))


def _csv_row(
    cells: dict[str, str], width: int, columns: tuple[str, ...], pos: Position
) -> Iterator[Evidence]:
    if width > len(columns):
        yield EvidenceProblem(f"{width} columns where {len(columns)} are expected", pos)
        return
    source, target = cells.get("source", "").strip(), cells.get("target", "").strip()
    if not source or not target:
        missing = "source" if not source else "target"
        yield EvidenceProblem(f"the {missing} column is missing or empty", pos)
        return
    count_text = cells.get("count", "").strip()
    count = 1
    if count_text:
        if not count_text.isdigit() or int(count_text) < 1:
            yield EvidenceProblem(f"count {count_text!r} is not a positive whole number", pos)
            return
        count = int(count_text)
    raw_categories = cells.get("data_categories", "")
    categories = tuple(c.strip() for c in _CATEGORY_SEPARATORS.split(raw_categories) if c.strip())
    yield Observation(Endpoint(source), Endpoint(target), pos, categories, count)


# --- files ------------------------------------------------------------------------


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        # gzip.open owns the file it opens and closes it with the stream (a GzipFile
        # wrapped around our own handle would leave that handle open).
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _suffix(path: Path) -> str:
    """The suffix that tells the format, under any ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    return suffixes[-1] if suffixes else ""


def _is_csv(path: Path) -> bool:
    suffix = _suffix(path)
    if suffix in (".csv", ".tsv"):
        return True
    if suffix in (".json", ".jsonl", ".ndjson"):
        return False
    with _open(path) as raw:  # sniff: JSON starts with '[' or '{'
        head = raw.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return not head.startswith((b"[", b"{"))


def read_evidence(path: Path, display: str, tally: Tally | None = None) -> Iterator[Evidence]:
    """Every observation (or problem) in one evidence file, streamed; ``tally`` counts
    the records read and those skipped as unreadable."""
    tally = tally if tally is not None else Tally()
    for item in _read_evidence(path, display, tally):
        if isinstance(item, EvidenceProblem):
            tally.skipped += 1
        yield item


def _read_evidence(path: Path, display: str, tally: Tally) -> Iterator[Evidence]:
    problems = 0
    try:
        csv_file = _is_csv(path)
        json_lines = _suffix(path) in (".jsonl", ".ndjson")
        with _open(path) as raw:
            items = (
                read_csv(raw, display, tally)
                if csv_file
                else read_openlineage(raw, display, tally, json_lines=json_lines)
            )
            for item in items:
                if isinstance(item, EvidenceProblem):
                    problems += 1
                    if problems > MAX_PROBLEMS_PER_FILE:
                        yield EvidenceProblem(
                            f"more than {MAX_PROBLEMS_PER_FILE} unreadable records: "
                            "stopped reading this file",
                            item.pos,
                        )
                        return
                yield item
    except OSError as error:  # includes a damaged gzip stream
        message = error.strerror or str(error)
        yield EvidenceProblem(f"cannot read the file: {message}", Position(display, 1, 1))
    except EOFError:
        yield EvidenceProblem("the compressed file is truncated", Position(display, 1, 1))
