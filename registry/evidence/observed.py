"""Evidence of real data movements, read as a stream.

Two formats here:

* OpenLineage events (RunEvent, JobEvent) as JSON lines or as one JSON array, as
  Marquez, Airflow, Spark and dbt emit them: every input dataset of an event moves
  data to every output dataset. A job with inputs and no outputs moves data into
  the job itself (a job with outputs only, out of it): the job is then one end of
  the movement. Each observation carries the event's ``runId``, so that the
  reconciler counts a run's START, RUNNING and COMPLETE events once.
  ``openlineage-python`` is a producer SDK with no parser, so the few fields
  needed are modelled here after the spec.
* A CSV exported from connection logs or proxies (and the summaries that
  ``registry/evidence/sql/summary.sql`` writes):
  ``source,target[,data_categories][,observed_at][,count]``.

Network logs (VPC flow logs, firewall exports) are read by ``network.py``; which
reader a file needs is told in ``files.py``.

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
import ipaddress
import json
import re
import sys
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import ijson
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from registry.core.model import new_list
from registry.core.position import Position

_M = TypeVar("_M", bound=BaseModel)

try:  # yajl's C parser when the wheel has it: several times faster than pure Python
    _IJSON = ijson.get_backend("yajl2_c")
except ImportError:
    _IJSON = ijson

CHUNK_CHARS = 1 << 20  # read 1 MiB of text at a time
MAX_RECORD_CHARS = 16 << 20  # one event larger than this is refused, never buffered
MAX_PROBLEMS_PER_FILE = 20  # then stop reading that file: it is not evidence
CSV_COLUMNS = (
    "source",
    "target",
    "data_categories",
    "observed_at",
    "count",
    # the summaries of sql/summary.sql: when first and last seen, and whether the rows
    # are network connections (a flow either way explains them)
    "first_seen",
    "last_seen",
    "connection",
)
_CATEGORY_SEPARATORS = re.compile(r"[;|]")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of an observed movement, as the evidence wrote it."""

    text: str  # dataset URI (namespace/name) or the CSV value
    namespace: str | None = None  # OpenLineage dataset namespace
    name: str | None = None  # OpenLineage dataset name
    job: bool = False  # an OpenLineage job (its namespace and name), not a dataset
    # Other names of the same dataset (the `symlinks` facet): a Hive table and its
    # storage location are one endpoint, matched through whichever names it most specifically
    aliases: tuple[Endpoint, ...] = ()

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
        if head.startswith("[") and "]" in head:  # [IPv6]:port
            return head[1 : head.index("]")] or None
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


def ip_address(host: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` is, if it is one (a flow log's source or destination)."""
    if not host or not (host[0].isdigit() or ":" in host):
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Observation:
    """Data seen moving from ``source`` to ``target`` (``count`` times)."""

    source: Endpoint
    target: Endpoint
    pos: Position
    categories: tuple[str, ...] = ()
    count: int = 1
    run: str | None = None  # OpenLineage runId: the events of one run are one movement
    # A network connection (flow logs, firewalls), from the side that opened it: which
    # way the data went is unknown, so a declared flow either way between the ends explains it
    connection: bool = False
    # when, as the evidence writes it (eventTime, observed_at, a summary's first and
    # last seen): said in LIN-001, "" when the evidence does not say
    first_seen: str = ""
    last_seen: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    message: str
    pos: Position


@dataclass(frozen=True, slots=True)
class EvidenceNote:
    """Something the evidence lacks that reading did without (LIN-008): ``message`` is
    the same for every record it concerns, so that a file's notes are counted, not listed."""

    message: str
    pos: Position


Evidence = Observation | EvidenceProblem | EvidenceNote


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
    tags: list[_Tag] = Field(default_factory=new_list)


class _Symlink(_Lenient):
    # Spark's Hive tables carry no namespace at times: the name alone is then the table
    namespace: StrictStr | None = None
    name: StrictStr = Field(min_length=1)


class _SymlinksFacet(_Lenient):
    identifiers: list[_Symlink] = Field(default_factory=new_list)


def file_uri(text: str) -> str:
    """One spelling for a local file: ``file:/p``, ``file:///p``, ``file://localhost/p``
    and the bare absolute path ``/p`` all become ``file:///p`` (Spark, Hadoop and
    OpenLineage's own naming write all of them). Anything else is returned as it is."""
    if text.startswith("/") and not text.startswith("//"):
        path = text
    elif text[:5].casefold() == "file:":
        rest = text[5:]
        if rest.startswith("//"):
            authority, _, path = rest[2:].partition("/")
            if authority.casefold() not in ("", "localhost"):
                return text  # a file on another host: its host matters
        elif rest.startswith("/"):
            path = rest
        else:
            return text  # a relative path names nothing in particular
    else:
        return text
    path = "/" + path.strip("/")
    return "file://" + path


def _dataset_endpoint(namespace: str | None, name: str) -> Endpoint:
    if not namespace:
        return Endpoint(file_uri(name), None, name)
    if "://" in name or name[:5].casefold() == "file:":
        text = name  # a name that is a URI says it all (file.localhost + file://localhost/x)
    elif namespace.casefold() in ("file", "file:", "file://"):
        text = "file:///" + name.lstrip("/")  # OpenLineage's naming: namespace file, name the path
    else:
        joiner = "" if namespace.endswith("/") or name.startswith("/") else "/"
        text = f"{namespace}{joiner}{name}"
    return Endpoint(file_uri(text), namespace, name)


_SPEC_NOTES = {
    "producer": "without `producer`: read, though nothing says which integration wrote them",
    "eventTime": "without `eventTime`: read, though nothing says when the data moved",
    "runId": (
        "of a run without `run.runId`: read, each counted as its own observation "
        "(a run's START and COMPLETE are then two)"
    ),
}


def _facet_note(facet: str) -> str:
    return f"with a `{facet}` dataset facet that does not follow the spec: read without it"


class _Dataset(_Lenient):
    namespace: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)
    # Facets are read one by one, so that a malformed one is skipped (with a note)
    # instead of costing the movement.
    facets: object = None

    def read(self, pos: Position) -> tuple[Endpoint, list[str], list[EvidenceNote]]:
        """The dataset as an endpoint, its data categories, and notes on its facets."""
        own = _dataset_endpoint(self.namespace, self.name)
        facets = self.facets if isinstance(self.facets, dict) else {}
        notes: list[EvidenceNote] = []
        if self.facets is not None and not isinstance(self.facets, dict):
            notes.append(EvidenceNote(_facet_note("facets"), pos))
        tags = self._facet(facets, "tags", _TagsFacet, notes, pos)
        categories = [t.value for t in tags.tags if t.key == "data_category"] if tags else []
        symlinks = self._facet(facets, "symlinks", _SymlinksFacet, notes, pos)
        if symlinks is None:
            return own, categories, notes
        aliases = dict.fromkeys(
            _dataset_endpoint(link.namespace, link.name) for link in symlinks.identifiers
        )
        aliases.pop(own, None)
        return replace(own, aliases=tuple(aliases)), categories, notes

    @staticmethod
    def _facet(
        facets: dict, name: str, model: type[_M], notes: list[EvidenceNote], pos: Position
    ) -> _M | None:
        value = facets.get(name)
        if value is None:
            return None
        try:
            return model.model_validate(value)
        except ValidationError:
            notes.append(EvidenceNote(_facet_note(name), pos))
            return None


class _Job(_Lenient):
    namespace: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)

    def endpoint(self) -> Endpoint:
        joiner = "" if self.namespace.endswith("/") or self.name.startswith("/") else "/"
        return Endpoint(f"{self.namespace}{joiner}{self.name}", self.namespace, self.name, job=True)


class _Event(_Lenient):
    """A RunEvent or a JobEvent (a DatasetEvent carries no movement).

    Only the job and the datasets are needed to see a movement: the fields the spec
    requires besides (``eventTime``, ``producer``, a run's ``runId``) are read when
    there and noted when not (real integrations leave them out), never a reason to
    drop the movement.
    """

    # START, RUNNING, COMPLETE, FAIL, ABORT (none in a JobEvent); not validated, as before
    eventType: object = None
    eventTime: object = None
    producer: object = None
    job: _Job
    run: object = None
    inputs: list[_Dataset] = Field(default_factory=new_list)
    outputs: list[_Dataset] = Field(default_factory=new_list)

    def run_id(self) -> str | None:
        run_id = self.run.get("runId") if isinstance(self.run, dict) else None
        return run_id if isinstance(run_id, str) and run_id else None

    def notes(self, pos: Position) -> Iterator[EvidenceNote]:
        for field in ("producer", "eventTime"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value:
                yield EvidenceNote(_SPEC_NOTES[field], pos)
        if (self.run is not None or self.eventType is not None) and self.run_id() is None:
            yield EvidenceNote(_SPEC_NOTES["runId"], pos)  # a RunEvent (a JobEvent has no run)


def _validation_message(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    what = "is missing" if first["type"] == "missing" else first["msg"].lower()
    return f"OpenLineage event: {where} {what}" if where else f"OpenLineage event: {what}"


_Side = list[tuple[Endpoint, list[str]]]  # datasets with their categories


class _PendingRuns:
    """The datasets that unfinished events (START, RUNNING) named, per run, until the
    run's last event: Marquez's seed names them all at START and none at COMPLETE,
    Airflow the inputs at START and the outputs at COMPLETE, so only the finished run
    says whether its job had inputs only, or outputs only. Bounded: the least recently
    seen runs are forgotten first (they are then judged on their last event alone)."""

    def __init__(self, runs: int = 4_096, datasets: int = 256) -> None:
        self.runs, self.datasets = runs, datasets
        self.sides: OrderedDict[str, tuple[_Side, _Side]] = OrderedDict()

    def keep(self, run: str, inputs: _Side, outputs: _Side) -> None:
        kept_inputs, kept_outputs = self.sides.pop(run, ([], []))
        self.sides[run] = (
            self._merge(kept_inputs, inputs),
            self._merge(kept_outputs, outputs),
        )
        if len(self.sides) > self.runs:
            self.sides.popitem(last=False)

    def finish(self, run: str, inputs: _Side, outputs: _Side) -> tuple[_Side, _Side]:
        kept_inputs, kept_outputs = self.sides.pop(run, ([], []))
        return self._merge(kept_inputs, inputs), self._merge(kept_outputs, outputs)

    def _merge(self, kept: _Side, new: _Side) -> _Side:
        names = {endpoint for endpoint, _ in kept}
        merged = list(kept)
        for endpoint, categories in new:
            if endpoint not in names and len(merged) < self.datasets:
                names.add(endpoint)
                merged.append((endpoint, categories))
        return merged


def _event_observations(
    value: Any, pos: Position, pending: _PendingRuns | None = None
) -> Iterator[Evidence]:
    if not isinstance(value, dict):
        yield EvidenceProblem("an OpenLineage event must be a JSON object", pos)
        return
    if "dataset" in value and "job" not in value:
        return  # a DatasetEvent: metadata about one dataset, no movement
    if "source" in value and "target" in value and "job" not in value:
        yield movement_row(value, pos)  # a summary row written as JSON lines
        return
    try:
        event = _Event.model_validate(value)
    except ValidationError as error:
        yield EvidenceProblem(_validation_message(error), pos)
        return
    yield from event.notes(pos)
    run = event.run_id()
    at = event.eventTime if isinstance(event.eventTime, str) else ""
    inputs: _Side = []
    outputs: _Side = []
    for datasets, side in ((event.inputs, inputs), (event.outputs, outputs)):
        for dataset in datasets:
            endpoint, categories, notes = dataset.read(pos)
            yield from notes
            side.append((endpoint, categories))

    def seen(source: Endpoint, target: Endpoint, categories: list[str]) -> Observation:
        unique = tuple(dict.fromkeys(categories))
        return Observation(source, target, pos, unique, run=run, first_seen=at, last_seen=at)

    for source, source_categories in inputs:
        for target, target_categories in outputs:
            yield seen(source, target, source_categories + target_categories)
    unfinished = isinstance(event.eventType, str) and event.eventType.upper() in _UNFINISHED
    if run is not None and pending is not None:
        if unfinished:
            pending.keep(run, inputs, outputs)
            return
        own = len(inputs), len(outputs)
        inputs, outputs = pending.finish(run, inputs, outputs)
        if (len(inputs), len(outputs)) != own:  # the run's earlier events named more:
            # every input of the run to every output (pairs already seen count once)
            for source, source_categories in inputs:
                for target, target_categories in outputs:
                    yield seen(source, target, source_categories + target_categories)
    if bool(inputs) == bool(outputs) or unfinished:
        return
    # Inputs only: the data moves into the job (Marquez's email_discounts reads
    # customers and writes no dataset); outputs only: out of it.
    job = event.job.endpoint()
    for dataset, categories in inputs:
        yield seen(dataset, job, categories)
    for dataset, categories in outputs:
        yield seen(job, dataset, categories)


# Integrations often emit a run's START with its inputs only and add the outputs at
# COMPLETE: only a finished run (or a JobEvent) shows that a job has no outputs.
_UNFINISHED = frozenset({"START", "RUNNING"})


# --- streaming JSON ---------------------------------------------------------------


class EvidenceError(Exception):
    def __init__(self, message: str, pos: Position) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class TextStream:
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
    pending = _PendingRuns()  # a run's events are read together within one file
    for item in iter_json_values(raw, file, json_lines=json_lines):
        if isinstance(item, EvidenceProblem):
            yield item
            continue
        value, pos = item
        for event in _marquez_page(value):
            found = list(_event_observations(event, pos, pending))  # bounded: one event's
            if tally is not None and not any(isinstance(f, EvidenceProblem) for f in found):
                tally.records += 1
            yield from found


def _marquez_page(value: Any) -> list[Any]:
    """The events of one page of Marquez's export (``GET /api/v1/events/lineage``:
    ``{"events": [...], "totalCount": n}``, newest first by default) in the order they
    happened, so that a run's START comes before its COMPLETE; any other value alone."""
    if not (isinstance(value, dict) and isinstance(value.get("events"), list)):
        return [value]
    if "job" in value:
        return [value]

    def when(event: Any) -> str:
        moment = event.get("eventTime") if isinstance(event, dict) else None
        return moment if isinstance(moment, str) else ""

    return sorted(value["events"], key=when)  # ISO 8601 times sort as text; stable


# --- CSV --------------------------------------------------------------------------


def text_lines(stream: TextStream) -> Iterator[str]:
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


def csv_rows(raw: IO[bytes], file: str) -> Iterator[tuple[list[str], Position] | EvidenceProblem]:
    """The rows of a CSV file that hold something, each with the line it starts on; a
    problem, and nothing after it, where the file stops being UTF-8 text or CSV."""
    stream = TextStream(raw, file)
    reader = csv.reader(text_lines(stream))
    start = 1  # line where the next record starts
    try:
        for row in reader:
            pos = Position(file, start, 1)
            start = reader.line_num + 1
            if row and any(cell.strip() for cell in row):
                yield row, pos
    except EvidenceError as error:
        yield EvidenceProblem(error.message, error.pos)
    except csv.Error as error:
        yield EvidenceProblem(f"not valid CSV: {error}", Position(file, start, 1))


def read_csv(raw: IO[bytes], file: str, tally: Tally | None = None) -> Iterator[Evidence]:
    columns: tuple[str, ...] = CSV_COLUMNS
    for item in csv_rows(raw, file):
        if isinstance(item, EvidenceProblem):
            yield item
            continue
        row, pos = item
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


def _csv_row(
    cells: dict[str, str], width: int, columns: tuple[str, ...], pos: Position
) -> Iterator[Evidence]:
    if width > len(columns):
        yield EvidenceProblem(f"{width} columns where {len(columns)} are expected", pos)
        return
    yield movement_row(cells, pos)


_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0", ""})


def _text(value: object) -> str:
    """A cell as text: CSV gives strings, JSON lines numbers and null too."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def movement_row(cells: Mapping[str, object], pos: Position) -> Evidence:
    """One row of ropa's own layout (a connection log, or a summary written by
    ``sql/summary.sql``), from CSV or JSON lines."""
    source, target = _text(cells.get("source")), _text(cells.get("target"))
    if not source or not target:
        missing = "source" if not source else "target"
        return EvidenceProblem(f"the {missing} column is missing or empty", pos)
    count_text = _text(cells.get("count"))
    count = 1
    if count_text:
        if not count_text.isdigit() or int(count_text) < 1:
            return EvidenceProblem(f"count {count_text!r} is not a positive whole number", pos)
        count = int(count_text)
    connection = _text(cells.get("connection")).lower()
    if connection not in _TRUE | _FALSE:
        return EvidenceProblem(f"connection {connection!r} is neither true nor false", pos)
    raw_categories = _text(cells.get("data_categories"))
    categories = tuple(c.strip() for c in _CATEGORY_SEPARATORS.split(raw_categories) if c.strip())
    at = _text(cells.get("observed_at"))
    return Observation(
        Endpoint(file_uri(source)),
        Endpoint(file_uri(target)),
        pos,
        categories,
        count,
        connection=connection in _TRUE,
        first_seen=_text(cells.get("first_seen")) or at,
        last_seen=_text(cells.get("last_seen")) or at,
    )
