"""`ropa summarise FILE... --out SUMMARY`: flow logs too big to stream, summarised.

DuckDB (the optional extra ``ropa-registry[duckdb]``) runs the portable aggregation
``registry/evidence/sql/summary.sql`` over Parquet or CSV files and writes one row
per (source, target, categories) with first and last seen and a count, as CSV or
JSON lines, which `ropa check --observed` reads. ``--print-sql`` prints that SQL,
to run it in a warehouse instead (Spark SQL, Trino/Athena).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registry.core.errors import CannotRun
from registry.evidence.summary import summarise, summary_sql


def run(args: argparse.Namespace) -> int:
    if args.print_sql:
        sys.stdout.write(summary_sql())
        return 0
    paths = [Path(f) for f in args.files]
    for path in paths:
        if not path.is_file():
            raise CannotRun(f"flow log {str(path)!r} does not exist")
    rows = summarise(
        paths, Path(args.out), json_lines=args.format == "jsonl", memory_limit=args.memory_limit
    )
    print(f"{rows} summary row(s) written to {args.out}", file=sys.stderr)
    return 0
