"""Evidence of real data movements, read as a stream.

Two formats:

* OpenLineage events (RunEvent, JobEvent) as JSON lines or as one JSON array, as
  Marquez, Airflow, Spark and dbt emit them: every input dataset of an event moves
  data to every output dataset. ``openlineage-python`` is a producer SDK with no
  parser, so the few fields needed are modelled here after the spec.
* A CSV exported from connection logs, proxies or VPC flow logs:
  ``source,target[,data_categories][,observed_at][,count]``.

Files are read in bounded memory, whatever their size: JSON through an
incremental ``raw_decode`` over fixed-size chunks (which, unlike a streaming
tokenizer, tells the line of every event), CSV row by row. Gzipped files
(``.gz``) are read the same way. A record that cannot be read becomes an
:class:`EvidenceProblem` with file and line; the rest of the file is still read.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from registry.core.position import Position

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
        """What an unknown endpoint is reported as: the namespace, else the host."""
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


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    message: str
    pos: Position


Evidence = Observation | EvidenceProblem


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


class _Run(_Lenient):
    runId: StrictStr = Field(min_length=1)  # the spec's spelling


class _Event(_Lenient):
    """A RunEvent or a JobEvent (a DatasetEvent carries no movement)."""

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
    for source in event.inputs:
        for target in event.outputs:
            categories = tuple(dict.fromkeys(source.categories() + target.categories()))
            yield Observation(source.endpoint(), target.endpoint(), pos, categories)


# --- streaming JSON ---------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")


class _TextStream:
    """Decoded text in chunks, with line counting and exact decode-error lines."""

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
            self.pending = EvidenceError(
                f"not UTF-8 (byte {error.object[error.start : error.start + 1]!r}); "
                "save the file as UTF-8",
                Position(self.file, line, 1),
            )
            text = good.decode("utf-8" if self.started else "utf-8-sig")
            if not text:
                raise self.pending from None
        self.started = True
        self.bytes_lines += data.count(b"\n")
        self.eof = final
        return text


class EvidenceError(Exception):
    def __init__(self, message: str, pos: Position) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def iter_json_values(raw: IO[bytes], file: str) -> Iterator[tuple[Any, Position] | EvidenceProblem]:
    """Every top-level JSON value: the items of one array, or values one after another
    (JSON lines, or pretty-printed objects in a row), each with its position."""
    stream = _TextStream(raw, file)
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0  # index in buf of what is not consumed yet
    line = 1  # line number of buf[pos]
    line_start = 0  # index in buf where the line of buf[pos] starts (may be negative)
    in_array: bool | None = None
    expect_comma = False

    def advance(to: int) -> None:
        nonlocal pos, line, line_start
        newlines = buf.count("\n", pos, to)
        if newlines:
            line += newlines
            line_start = buf.rfind("\n", pos, to) + 1
        pos = to

    def here() -> Position:
        return Position(file, line, pos - line_start + 1)

    def fill() -> bool:
        """Read more text; False at the end of the file."""
        nonlocal buf, pos, line_start
        chunk = stream.read()
        if not chunk:
            return False
        if pos:  # drop what is consumed so the buffer stays bounded
            buf, line_start, pos = buf[pos:] + chunk, line_start - pos, 0
        else:
            buf += chunk
        return True

    try:
        while True:
            advance(_SPACE.match(buf, pos).end())  # type: ignore[union-attr]
            if pos >= len(buf):
                if fill():
                    continue
                if in_array:
                    yield EvidenceProblem(
                        "the JSON array is not closed with ']' (truncated?)", here()
                    )
                return
            char = buf[pos]
            if in_array is None:
                in_array = char == "["
                if in_array:
                    advance(pos + 1)
                    continue
            if in_array:
                if char == "]":
                    advance(pos + 1)
                    advance(_SPACE.match(buf, pos).end())  # type: ignore[union-attr]
                    while pos >= len(buf) and fill():
                        advance(_SPACE.match(buf, pos).end())  # type: ignore[union-attr]
                    if pos < len(buf):
                        yield EvidenceProblem("text after the end of the JSON array", here())
                    return
                if expect_comma:
                    if char != ",":
                        yield EvidenceProblem(f"expected ',' or ']' but found {char!r}", here())
                        return
                    advance(pos + 1)
                    expect_comma = False
                    continue
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as error:
                # An error at the end of the buffer (or an open string) may only mean
                # the chunk cut the record: read on and decode again, up to a bound.
                cut = error.pos >= len(buf) - 1 or error.msg.startswith("Unterminated string")
                too_long = len(buf) - pos >= MAX_RECORD_CHARS
                if cut and not too_long and fill():
                    continue
                err_line = line + buf.count("\n", pos, error.pos)
                err_column = (
                    error.pos - line_start + 1
                    if err_line == line
                    else error.pos - buf.rfind("\n", 0, error.pos)
                )
                problem = f"not valid JSON: {error.msg.removesuffix(' at')}"
                if too_long:
                    problem = f"no complete JSON value within {MAX_RECORD_CHARS} characters"
                elif cut and stream.eof:
                    problem += " (the last record is truncated)"
                yield EvidenceProblem(problem, Position(file, err_line, err_column))
                if in_array:
                    return  # the array's structure is lost: nothing after is reliable
                newline = buf.find("\n", pos)  # resynchronise on the next line
                if newline < 0:
                    return
                advance(newline + 1)
                continue
            if end >= len(buf) and not stream.eof and fill():
                continue  # a bare number may go on in the next chunk
            yield value, here()
            advance(end)
            expect_comma = bool(in_array)
    except EvidenceError as error:
        yield EvidenceProblem(error.message, error.pos)


def read_openlineage(raw: IO[bytes], file: str) -> Iterator[Evidence]:
    for item in iter_json_values(raw, file):
        if isinstance(item, EvidenceProblem):
            yield item
        else:
            yield from _event_observations(*item)


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


def read_csv(raw: IO[bytes], file: str) -> Iterator[Evidence]:
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
            yield from _csv_row(dict(zip(columns, row, strict=False)), len(row), columns, pos)
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


def _is_csv(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in (".csv", ".tsv"):
        return True
    if suffixes and suffixes[-1] in (".json", ".jsonl", ".ndjson"):
        return False
    with _open(path) as raw:  # sniff: JSON starts with '[' or '{'
        head = raw.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return not head.startswith((b"[", b"{"))


def read_evidence(path: Path, display: str) -> Iterator[Evidence]:
    """Every observation (or problem) in one evidence file, streamed."""
    problems = 0
    try:
        reader = read_csv if _is_csv(path) else read_openlineage
        with _open(path) as raw:
            for item in reader(raw, display):
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
