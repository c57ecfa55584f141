"""Evidence too big to stream, summarised where it lives: one portable SQL file (run here
on DuckDB and on SQLite, a second engine that would reject anything DuckDB-only), and
DuckDB over Parquet/CSV flow logs. Tests that need DuckDB skip cleanly without it."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.inventory import load_inventory
from registry.evidence import summary
from registry.evidence.reconcile import reconcile
from registry.evidence.summary import summary_sql

LAB = Path(__file__).parent / "fixtures" / "lab"
# (source, target, source_port, target_port, data_categories, observed_at, bytes, action)
ROWS = [
    ("10.20.2.15", "10.20.1.7", 41822, 5432, None, "2026-11-20T02:00:00Z", 4000, "ACCEPT"),
    ("10.20.1.7", "10.20.2.15", 5432, 41822, None, "2026-11-20T02:00:01Z", 90000, "ACCEPT"),
    ("10.20.1.7", "203.0.113.50", 50211, 443, None, "2026-11-20T03:00:00Z", 1200, "ACCEPT"),
    ("10.20.1.7", "203.0.113.50", 50212, 443, None, "2026-11-21T03:00:00Z", 1300, "accept"),
    ("10.20.1.7", "203.0.113.50", 50213, 443, None, "2026-11-22T03:00:00Z", 0, "ACCEPT"),
    ("10.20.1.7", "198.51.100.9", 50214, 443, None, "2026-11-22T04:00:00Z", 100, "REJECT"),
    ("lis", "billing", None, None, "identity;lab-results", "2026-11-20T05:00:00Z", None, None),
]
EXPECTED = [
    ("10.20.1.7", "203.0.113.50", "", "2026-11-20T03:00:00Z", "2026-11-21T03:00:00Z", 2, "true"),
    ("10.20.2.15", "10.20.1.7", "", "2026-11-20T02:00:00Z", "2026-11-20T02:00:01Z", 2, "true"),
    ("lis", "billing", "identity;lab-results", *["2026-11-20T05:00:00Z"] * 2, 1, "true"),
]
COLUMNS = "source, target, source_port, target_port, data_categories, observed_at, bytes, action"


def test_the_sql_is_one_statement_of_portable_sql():
    sql = summary_sql()
    code = "\n".join(line.split("--")[0] for line in sql.splitlines())
    assert ";" not in code  # one statement, no terminator (Spark's sql() refuses one)
    # nothing one engine has and another lacks
    for construct in ("::", "QUALIFY", "ILIKE", "STRING_AGG", "LISTAGG", "COLLECT_", "ARRAY_"):
        assert construct not in code.upper(), construct
    functions = set(re.findall(r"\b([A-Z_]+)\s*\(", code.upper()))
    keywords = {"IN", "FROM", "AND"}  # "IN (", "FROM (" and "AND (": not functions
    assert functions - keywords <= {"MIN", "MAX", "COUNT", "COALESCE", "UPPER"}, functions
    assert Path(summary.__file__).with_name("sql").joinpath("summary.sql").read_text("utf-8") == sql


def test_the_sql_runs_unchanged_on_sqlite():
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE TABLE flow_logs ({COLUMNS})")
    connection.executemany(f"INSERT INTO flow_logs VALUES ({', '.join('?' * 8)})", ROWS)
    assert connection.execute(summary_sql()).fetchall() == EXPECTED


def test_the_sql_runs_unchanged_on_duckdb():
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE flow_logs (source VARCHAR, target VARCHAR, source_port INTEGER, "
        "target_port INTEGER, data_categories VARCHAR, observed_at VARCHAR, bytes BIGINT, "
        "action VARCHAR)"
    )
    connection.executemany(f"INSERT INTO flow_logs VALUES ({', '.join('?' * 8)})", ROWS)
    assert connection.execute(summary_sql()).fetchall() == EXPECTED


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    text = text.replace(
        "  - lis-db.biolab.internal\n", '  - lis-db.biolab.internal\n  - "10.20.1.0/24"\n'
    ).replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        'identifiers: [billing.biolab.internal, "10.20.2.15"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def vpc_parquet(path: Path, rows: int) -> None:
    """VPC flow log records as Parquet (the field names of the S3 delivery): billing
    opening connections to the LIS, and every tenth record the LIS to an outside host."""
    duckdb = pytest.importorskip("duckdb")
    duckdb.connect().execute(
        f"""COPY (
            SELECT 2 AS version, '123456789012' AS "account-id", 'eni-0a1b' AS "interface-id",
                   CASE WHEN i % 10 = 0 THEN '10.20.1.7' ELSE '10.20.2.15' END AS srcaddr,
                   CASE WHEN i % 10 = 0 THEN '203.0.113.50' ELSE '10.20.1.7' END AS dstaddr,
                   40000 + i % 1000 AS srcport,
                   CASE WHEN i % 10 = 0 THEN 443 ELSE 5432 END AS dstport,
                   6 AS protocol, 10 AS packets, 1000 + i AS bytes,
                   1763604000 + i AS start, 1763604060 + i AS "end",
                   CASE WHEN i % 7 = 3 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
                   'OK' AS "log-status"
            FROM range({rows}) AS t(i)
        ) TO '{path}' (FORMAT PARQUET)"""
    )


def test_parquet_flow_logs_are_summarised_and_reconciled(lab, tmp_path):
    flows = tmp_path / "flows.parquet"
    vpc_parquet(flows, 1000)
    out = tmp_path / "summary.csv"
    assert main(["summarise", str(flows), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,target,data_categories,first_seen,last_seen,count,connection"
    assert lines[1:] == [
        '10.20.1.7,203.0.113.50,"",2025-11-20T02:00:00Z,2025-11-20T02:16:20Z,85,true',
        '10.20.2.15,10.20.1.7,"",2025-11-20T02:00:01Z,2025-11-20T02:16:39Z,772,true',
    ]
    result = reconcile(load_inventory(lab / "inventory"), [(out, "summary.csv")])
    (flow,) = [f for f in result.findings if f.rule == "LIN-001"]
    assert flow.message.startswith(
        "undocumented flow: lis connects to unknown endpoint 203.0.113.50 (seen 85 time(s))"
    )
    assert "first seen 2025-11-20T02:00:00Z, last seen 2025-11-20T02:16:20Z" in flow.message
    assert (flow.pos.file, flow.pos.line) == ("summary.csv", 2)
    assert result.coverage.documented == 1  # billing → lis: lis-to-billing, either way
    assert result.coverage.records == 2  # two summary rows


def test_parquet_evidence_is_read_directly_by_check(lab, tmp_path):
    flows = tmp_path / "flows.parquet"
    vpc_parquet(flows, 1000)
    direct = reconcile(load_inventory(lab / "inventory"), [(flows, "flows.parquet")])
    assert direct.coverage.records == 857  # the raw records the summary stands for
    assert direct.coverage.observations == 857
    assert sorted(f.rule for f in direct.findings) == ["LIN-001", "LIN-002"]


def test_json_lines_summaries_read_like_csv(lab, tmp_path):
    flows = tmp_path / "flows.parquet"
    vpc_parquet(flows, 100)
    out = tmp_path / "summary.jsonl"
    assert main(["summarise", str(flows), "--out", str(out), "--format", "jsonl"]) == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["source"] == "10.20.1.7" and first["count"] == 8
    result = reconcile(load_inventory(lab / "inventory"), [(out, "summary.jsonl")])
    assert sorted(f.rule for f in result.findings) == ["LIN-001", "LIN-002"]


def test_a_firewall_csv_is_summarised_with_its_hostnames(tmp_path):
    pytest.importorskip("duckdb")
    log = tmp_path / "fw.csv"
    log.write_text(
        "time,src_ip,dst_ip,destination_host,bytes,action\n"
        "2026-11-20T02:00:00Z,10.20.1.7,203.0.113.50,upload.analytics.example,900,allow\n"
        "2026-11-20T02:01:00Z,10.20.1.7,203.0.113.51,,900,allow\n"
        "2026-11-20T02:02:00Z,10.20.1.7,203.0.113.52,,900,deny\n",
        encoding="utf-8",
    )
    out = tmp_path / "s.csv"
    assert summary.summarise([log], out) == 2
    targets = [line.split(",")[1] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert targets == ["203.0.113.51", "upload.analytics.example"]


def test_files_without_a_source_or_target_cannot_be_summarised(tmp_path, capsys):
    pytest.importorskip("duckdb")
    log = tmp_path / "x.csv"
    log.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["summarise", str(log), "--out", str(tmp_path / "s.csv")]) == 2
    assert "flow logs need a source and a target column" in capsys.readouterr().err


def test_without_duckdb_parquet_evidence_says_how_to_get_it(lab, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(summary, "_duckdb", lambda: None)
    flows = tmp_path / "flows.parquet"
    flows.write_bytes(b"PAR1")
    result = reconcile(load_inventory(lab / "inventory"), [(flows, "flows.parquet")])
    assert sorted(f.rule for f in result.findings) == ["LIN-004", "LIN-007"]
    (problem,) = [f for f in result.findings if f.rule == "LIN-004"]
    assert "pip install 'ropa-registry[duckdb]'" in problem.message
    assert main(["summarise", str(flows), "--out", str(tmp_path / "s.csv")]) == 2
    assert "needs DuckDB" in capsys.readouterr().err


def test_a_damaged_parquet_file_is_an_unreadable_file_not_a_traceback(lab, tmp_path):
    pytest.importorskip("duckdb")
    flows = tmp_path / "flows.parquet"
    flows.write_bytes(b"not parquet at all")
    result = reconcile(load_inventory(lab / "inventory"), [(flows, "flows.parquet")])
    assert sorted(f.rule for f in result.findings) == ["LIN-004", "LIN-007"]


def test_print_sql(capsys):
    assert main(["summarise", "--print-sql", "unused", "--out", "unused"]) == 0
    assert capsys.readouterr().out == summary_sql()


@pytest.mark.parametrize("dialect", ["spark", "trino", "athena", "duckdb"])
def test_the_sql_parses_in_each_warehouse_dialect(dialect):
    # sqlglot (not a dependency) parses it as each engine would; skipped without it.
    sqlglot = pytest.importorskip("sqlglot")
    parsed = sqlglot.parse_one(summary_sql(), read=dialect)
    assert sqlglot.parse_one(parsed.sql(dialect=dialect), read=dialect) == parsed
