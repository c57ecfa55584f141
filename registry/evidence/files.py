"""Evidence files: which format each is, read as a stream, problems counted.

The format is told by the suffix where it says (``.json``, ``.jsonl``, ``.ndjson``:
OpenLineage; ``.csv``: a connection log, a firewall export or a summary), else by
the first bytes: JSON starts with ``[`` or ``{``, a VPC flow log with its header (or
a default version 2 record), anything else is CSV. A CSV whose header names a
``source`` and a ``target`` is ropa's own layout (connection logs and the summaries
of ``registry/evidence/sql/summary.sql``); one naming a source and a *destination*
is a firewall export. Gzipped files (``.gz``) are read the same way. Parquet
(``.parquet``) is summarised by DuckDB where it lies (``summary.py``).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from registry.core.position import Position
from registry.evidence.network import (
    firewall_columns,
    is_vpc_header,
    read_firewall_csv,
    read_vpc_flow_log,
)
from registry.evidence.observed import (
    MAX_PROBLEMS_PER_FILE,
    Evidence,
    EvidenceProblem,
    Tally,
    read_csv,
    read_openlineage,
)
from registry.evidence.summary import read_parquet

_SNIFF_BYTES = 64 << 10  # enough for any header line


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


def _first_line(path: Path) -> str:
    with _open(path) as raw:
        head = raw.read(_SNIFF_BYTES)
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    return text.split("\n", 1)[0]


def evidence_format(path: Path) -> str:
    """``openlineage``, ``vpc``, ``firewall``, ``parquet`` or ``csv`` (ropa's own layout)."""
    suffix = _suffix(path)
    if suffix == ".parquet":
        return "parquet"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "openlineage"
    first = _first_line(path)
    if suffix not in (".csv", ".tsv"):
        if first.startswith(("[", "{")):
            return "openlineage"
        if is_vpc_header(first):
            return "vpc"
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        return "csv"  # read_csv reports it at its line
    names = {cell.strip().lower() for cell in header}
    if not {"source", "target"} <= names and firewall_columns(header) is not None:
        return "firewall"
    return "csv"


def read_evidence(path: Path, display: str, tally: Tally | None = None) -> Iterator[Evidence]:
    """Every observation (or problem, or note) in one evidence file, streamed; ``tally``
    counts the records read and those skipped as unreadable."""
    tally = tally if tally is not None else Tally()
    for item in _read_evidence(path, display, tally):
        if isinstance(item, EvidenceProblem):
            tally.skipped += 1
        yield item


def _read_evidence(path: Path, display: str, tally: Tally) -> Iterator[Evidence]:
    problems = 0
    try:
        kind = evidence_format(path)
        json_lines = _suffix(path) in (".jsonl", ".ndjson")
        if kind == "parquet":  # summarised by DuckDB where it lies, not streamed
            yield from read_parquet(path, display, tally)
            return
        with _open(path) as raw:
            if kind == "openlineage":
                items = read_openlineage(raw, display, tally, json_lines=json_lines)
            elif kind == "vpc":
                items = read_vpc_flow_log(raw, display, tally)
            elif kind == "firewall":
                items = read_firewall_csv(raw, display, tally)
            else:
                items = read_csv(raw, display, tally)
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
