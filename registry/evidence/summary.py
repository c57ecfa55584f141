"""Evidence too big to stream through Python, summarised where it lives.

A year of flow logs is billions of rows; what reconciliation needs of them is one
row per (source, target, categories): first seen, last seen, how many records. The
aggregation is ``sql/summary.sql``, one statement of portable SQL that runs
unchanged on DuckDB, Spark SQL and Trino/Athena over a relation ``flow_logs``;
``ropa check --observed`` reads its output (CSV or JSON lines) as evidence.

On one machine DuckDB (the optional extra ``ropa-registry[duckdb]``) runs it over
Parquet or CSV files: :func:`summarise` writes the summary with DuckDB's own
``COPY`` and :func:`read_parquet` hands the summary rows of Parquet evidence to the
reconciler; the raw rows never enter Python. This module maps the files' columns to
``flow_logs`` (ropa's layout, the VPC flow log's field names, a firewall export's:
see COLUMNS); the SQL itself stays engine-neutral.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from registry.core.errors import CannotRun
from registry.core.position import Position
from registry.evidence.observed import (
    Evidence,
    EvidenceProblem,
    Observation,
    Tally,
    movement_row,
)

FETCH_ROWS = 10_000  # summary rows handed over at a time
# flow_logs column → the names it goes by in files, first found wins (lower case; the
# VPC flow log's hyphens read as underscores too). Addresses after NAT and a
# destination's hostname win over the plain address.
COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("source", "pkt_srcaddr", "srcaddr", "src_ip", "source_ip", "src", "source_address"),
    "target": (
        "target",
        "pkt_dstaddr",
        "dstaddr",
        "dst_ip",
        "destination_ip",
        "destination",
        "dst",
        "destination_address",
    ),
    # a destination's hostname, when the row has one, wins over its address
    "target_host": ("destination_host", "dst_host"),
    "source_port": ("source_port", "srcport", "src_port"),
    "target_port": ("target_port", "dstport", "dst_port", "destination_port"),
    "data_categories": ("data_categories",),
    "observed_at": ("observed_at", "start", "time", "timestamp", "first_seen"),
    "bytes": ("bytes",),
    "action": ("action",),
}
_NEEDED_HINT = "pip install 'ropa-registry[duckdb]'"


def summary_sql() -> str:
    """The portable aggregation shipped with ropa (``registry/evidence/sql/summary.sql``)."""
    return resources.files("registry.evidence").joinpath("sql/summary.sql").read_text("utf-8")


def _duckdb() -> Any:
    try:
        import duckdb  # the optional extra: imported only when Parquet evidence is read
    except ImportError:
        return None
    return duckdb


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(paths: Sequence[Path]) -> str:
    """DuckDB's table function over the files: Parquet, or CSV (any delimiter, the VPC
    flow log's spaces included; a header line is required)."""
    files = "[" + ", ".join(_literal(str(p)) for p in paths) + "]"
    if all(p.suffix.lower() == ".parquet" for p in paths):
        return f"read_parquet({files})"
    # all_varchar: an address column must never be read as a number or a date
    return f"read_csv({files}, header = true, all_varchar = true, nullstr = '-')"


def _flow_logs(connection: Any, source: str) -> str:
    """The SELECT that makes ``flow_logs`` of the files' own columns."""
    described = connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    names = {row[0].lower().replace("-", "_"): row[0] for row in described}
    types = {row[0]: str(row[1]).upper() for row in described}
    chosen: dict[str, str | None] = {}
    for column, aliases in COLUMNS.items():
        chosen[column] = next((names[a] for a in aliases if a in names), None)
    if chosen["source"] is None or (chosen["target"] or chosen["target_host"]) is None:
        raise CannotRun(
            "flow logs need a source and a target column (e.g. source/target, "
            f"srcaddr/dstaddr, src_ip/dst_ip); found {', '.join(sorted(names))}"
        )

    def text(column: str) -> str:
        name = chosen[column]
        return f"NULLIF(CAST({_quote(name)} AS VARCHAR), '')" if name else "NULL"

    def number(column: str) -> str:
        name = chosen[column]
        return f"TRY_CAST({_quote(name)} AS BIGINT)" if name else "NULL"

    observed = chosen["observed_at"]
    when = "NULL"
    if observed is not None:
        quoted = _quote(observed)
        numeric = any(t in types[observed] for t in ("INT", "DOUBLE", "DECIMAL", "FLOAT"))
        if observed.lower() in ("start", "end") or numeric:  # epoch seconds (VPC flow logs)
            when = f"strftime(to_timestamp(TRY_CAST({quoted} AS BIGINT)), '%Y-%m-%dT%H:%M:%SZ')"
        else:
            when = f"CAST({quoted} AS VARCHAR)"
    target_sql = text("target")
    if chosen["target_host"] is not None:
        target_sql = f"COALESCE({text('target_host')}, {target_sql})"
    return (
        f"SELECT {text('source')} AS source, {target_sql} AS target, "
        f"{number('source_port')} AS source_port, {number('target_port')} AS target_port, "
        f"{text('data_categories')} AS data_categories, {when} AS observed_at, "
        f"{number('bytes')} AS bytes, {text('action')} AS action FROM {source}"
    )


def _connect(paths: Sequence[Path], memory_limit: str | None) -> Any:
    duckdb = _duckdb()
    if duckdb is None:
        raise CannotRun(f"summarising Parquet or CSV flow logs needs DuckDB: {_NEEDED_HINT}")
    connection = duckdb.connect()
    if memory_limit:
        connection.execute(f"SET memory_limit = {_literal(memory_limit)}")
    source = _source(paths)
    connection.execute(f"CREATE TEMPORARY VIEW flow_logs AS {_flow_logs(connection, source)}")
    return connection


def summarise(
    paths: Sequence[Path], out: Path, *, json_lines: bool = False, memory_limit: str | None = None
) -> int:
    """Write the summary of the flow logs in ``paths`` to ``out`` (CSV, or JSON lines);
    the number of summary rows. Raises CannotRun when DuckDB cannot read them."""
    duckdb = _duckdb()
    try:
        connection = _connect(paths, memory_limit)
        options = "FORMAT JSON" if json_lines else "FORMAT CSV, HEADER true"
        copied = connection.execute(f"COPY ({summary_sql()}) TO {_literal(str(out))} ({options})")
        (rows,) = copied.fetchone()  # DuckDB's COPY answers the number of rows written
        connection.close()
    except CannotRun:
        raise
    except Exception as error:  # DuckDB's errors: unreadable files, wrong types
        if duckdb is not None and isinstance(error, duckdb.Error):
            raise CannotRun(f"DuckDB could not summarise the flow logs: {error}") from None
        raise
    return int(rows)


def read_parquet(path: Path, display: str, tally: Tally) -> Iterator[Evidence]:
    """The summary rows of one Parquet evidence file, each an observation placed at its
    row of the summary (the raw rows stay in DuckDB)."""
    if _duckdb() is None:
        yield EvidenceProblem(
            f"Parquet evidence is summarised with DuckDB, which is not installed: {_NEEDED_HINT}",
            Position(display, 1, 1),
        )
        return
    duckdb = _duckdb()
    try:
        connection = _connect([path], None)
        cursor = connection.execute(summary_sql())
        columns = [d[0] for d in cursor.description]
        row_number = 0
        while rows := cursor.fetchmany(FETCH_ROWS):
            for row in rows:
                row_number += 1
                found = movement_row(
                    dict(zip(columns, row, strict=True)), Position(display, row_number, 1)
                )
                if isinstance(found, Observation):
                    tally.records += found.count  # the raw records it summarises
                yield found
        connection.close()
    except CannotRun as error:
        yield EvidenceProblem(str(error), Position(display, 1, 1))
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        yield EvidenceProblem(f"DuckDB cannot read it: {message}", Position(display, 1, 1))
