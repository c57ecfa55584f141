"""Flow logs too big for Python: N million VPC flow-log rows in Parquet, summarised.

    .venv/bin/python bench/flowlogs.py [--rows MILLIONS] [--memory-limit SIZE] [--keep DIR]

Needs DuckDB (``pip install 'ropa-registry[duckdb]'``). Writes MILLIONS million
records in the AWS VPC flow log layout (version 2 fields, typed as the S3 delivery's
Parquet: addresses as text, ports, bytes and epoch seconds as integers) with DuckDB
itself: 4,000 client addresses each talking to 5 of 2,500 servers (30 % of these
outside), half the records replies, 8 % rejected, spread over one year. Then runs,
each in a fresh child process:

* ``ropa summarise flows.parquet --out summary.csv`` (the portable SQL on DuckDB),
* ``ropa check`` of the lab fixture, its systems given the generated subnets as
  identifiers (the LIS 10.20.0.0/20, billing 10.20.16.0/21), ``--observed summary.csv``,

and prints wall time, CPU time and peak RSS of each (RSS includes the interpreter and
DuckDB's own buffers; ``--memory-limit`` caps DuckDB's, which spills to disk beyond it).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "tests" / "fixtures" / "lab" / "inventory"

# One record per row of range(N): pseudo-random but reproducible (DuckDB's hash of i).
GENERATE = """
COPY (
    SELECT
        2 AS version,
        '123456789012' AS "account-id",
        'eni-' || lpad(CAST(h % 64 AS VARCHAR), 8, '0') AS "interface-id",
        CASE WHEN reply THEN server ELSE client END AS srcaddr,
        CASE WHEN reply THEN client ELSE server END AS dstaddr,
        CASE WHEN reply THEN server_port ELSE client_port END AS srcport,
        CASE WHEN reply THEN client_port ELSE server_port END AS dstport,
        6 AS protocol,
        CAST(1 + h % 40 AS BIGINT) AS packets,
        CAST(40 + h % 150000 AS BIGINT) AS bytes,
        CAST(1735689600 + i * 31536000 // {rows} AS BIGINT) AS start,
        CAST(1735689600 + i * 31536000 // {rows} + 60 AS BIGINT) AS "end",
        CASE WHEN h % 100 < 8 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
        'OK' AS "log-status"
    FROM (
        SELECT
            i,
            h,
            (h >> 20) % 2 = 1 AS reply,
            '10.20.' || (client // 250) || '.' || (client % 250) AS client,
            CASE WHEN server < 750
                 THEN '203.0.' || (server // 250) || '.' || (server % 250)
                 ELSE '10.20.' || (16 + (server - 750) // 250) || '.' || ((server - 750) % 250)
            END AS server,
            CAST(32768 + (h >> 36) % 28000 AS INTEGER) AS client_port,
            CAST(CASE (h >> 40) % 3 WHEN 0 THEN 443 WHEN 1 THEN 5432 ELSE 3306 END AS INTEGER)
                AS server_port
        FROM (
            -- 4,000 clients, each talking to 5 of 2,500 servers (30 % of them outside)
            SELECT i, h, client, (client * 7 + (h >> 28) % 5) % 2500 AS server
            FROM (SELECT i, h, (h >> 8) % 4000 AS client
                  FROM (SELECT i, hash(i) AS h FROM range({rows}) AS t(i)))
        )
    )
) TO '{out}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)
"""


def with_subnets(folder: Path) -> Path:
    """The lab fixture, its LIS and billing known by the generated subnets."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(LAB, folder)
    systems = folder / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    text = text.replace("  - lis-db.biolab.internal\n", '  - "10.20.0.0/20"\n').replace(
        "identifiers: [billing.biolab.internal,", 'identifiers: ["10.20.16.0/21",'
    )
    systems.write_text(text, encoding="utf-8")
    return folder


def generate(path: Path, rows: int) -> float:
    import duckdb

    start = time.perf_counter()
    duckdb.connect().execute(GENERATE.format(rows=rows, out=path))
    return time.perf_counter() - start


def measure(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MiB) of ``command`` in a fresh process, and
    its standard error (ropa's summary line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    # ru_maxrss of children is the largest of any child so far: run each in its own
    # interpreter (see main) to read one command's peak.
    return wall, cpu, after.ru_maxrss / 1024, done.stderr.strip() or done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=10, metavar="MILLIONS")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE")
    parser.add_argument("--keep", default=None, metavar="DIR", help="keep the files in DIR")
    parser.add_argument("--step", choices=["all", "summarise", "check"], default="all")
    args = parser.parse_args(argv)
    rows = int(args.rows * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        flows, summary = folder / "flows.parquet", folder / "summary.csv"
        if args.step == "all":
            if not flows.exists():
                seconds = generate(flows, rows)
                size = flows.stat().st_size / (1 << 20)
                print(f"generated {rows:,} records, {size:,.0f} MiB Parquet, in {seconds:.1f} s")
            # each measured command in its own child, so that its peak RSS is its own
            for step in ("summarise", "check"):
                child = [sys.executable, __file__, "--rows", str(args.rows), "--keep", str(folder)]
                if args.memory_limit:
                    child += ["--memory-limit", args.memory_limit]
                subprocess.run([*child, "--step", step], check=True)
            return
        ropa = [sys.executable, "-m", "registry.cli"]
        if args.step == "summarise":
            command = [*ropa, "summarise", str(flows), "--out", str(summary)]
            if args.memory_limit:
                command += ["--memory-limit", args.memory_limit]
        else:
            inventory = with_subnets(folder / "inventory")
            command = [*ropa, "check", str(inventory), "--as-of", "2026-11-29", "--observed"]
            command += [str(summary), "--format", "text"]
        wall, cpu, peak, said = measure(command)
        print(f"{args.step}: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {peak:,.0f} MiB")
        print("   ", said.splitlines()[-1])


if __name__ == "__main__":
    main()
