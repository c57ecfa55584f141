"""Reading evidence: OpenLineage events and connection-log CSV, streamed, with lines."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from registry.core.position import Position
from registry.evidence import observed
from registry.evidence.files import read_evidence
from registry.evidence.observed import (
    Endpoint,
    EvidenceNote,
    EvidenceProblem,
    Observation,
)


def event(inputs, outputs, run="r1", **extra) -> dict:
    value = {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "producer": "https://example.org/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": "airflow", "name": "export"},
        "inputs": [{"namespace": n, "name": m} for n, m in inputs],
        "outputs": [{"namespace": n, "name": m} for n, m in outputs],
    }
    value.update(extra)
    return value


DB = ("postgres://db.internal:5432", "lis.public.results")
S3 = ("s3://exports", "2026/results.csv")


def read(tmp_path: Path, name: str, content: str | bytes) -> list:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return list(read_evidence(path, name))


def problems(items: list) -> list[tuple[int, str]]:
    return [(p.pos.line, p.message) for p in items if isinstance(p, EvidenceProblem)]


T = "2026-11-20T02:00:00Z"  # the events' eventTime


def test_json_lines_give_one_movement_per_input_output_pair(tmp_path):
    text = json.dumps(event([DB], [S3])) + "\n" + json.dumps(event([DB, S3], [DB], "r2")) + "\n"
    items = read(tmp_path, "events.jsonl", text)
    assert items == [
        Observation(
            Endpoint("postgres://db.internal:5432/lis.public.results", *DB),
            Endpoint("s3://exports/2026/results.csv", *S3),
            Position("events.jsonl", 1, 1),
            run="r1",
            first_seen=T,
            last_seen=T,
        ),
        Observation(
            Endpoint("postgres://db.internal:5432/lis.public.results", *DB),
            Endpoint("postgres://db.internal:5432/lis.public.results", *DB),
            Position("events.jsonl", 2, 1),
            run="r2",
            first_seen=T,
            last_seen=T,
        ),
        Observation(
            Endpoint("s3://exports/2026/results.csv", *S3),
            Endpoint("postgres://db.internal:5432/lis.public.results", *DB),
            Position("events.jsonl", 2, 1),
            run="r2",
            first_seen=T,
            last_seen=T,
        ),
    ]


def test_json_array_pretty_printed_gives_the_line_of_each_event(tmp_path):
    text = json.dumps([event([DB], [S3]), event([S3], [DB], "r2")], indent=2)
    items = read(tmp_path, "events.json", text)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert len(starts) == 2
    assert [i.pos for i in items] == [Position("events.json", n, 3) for n in starts]


def test_job_and_dataset_events(tmp_path):
    job_event = {k: v for k, v in event([DB], [S3]).items() if k not in ("run", "eventType")}
    dataset_event = {
        "eventTime": "2026-11-20T02:00:00Z",
        "producer": "p",
        "dataset": {"namespace": "s3://exports", "name": "x"},
    }
    items = read(tmp_path, "e.jsonl", json.dumps(job_event) + "\n" + json.dumps(dataset_event))
    assert len(items) == 1 and isinstance(items[0], Observation)


def test_categories_from_the_tags_facet(tmp_path):
    value = event([DB], [S3])
    value["outputs"][0]["facets"] = {
        "tags": {"tags": [{"key": "data_category", "value": "lab-results", "source": "ropa"}]}
    }
    (item,) = read(tmp_path, "e.jsonl", json.dumps(value))
    assert item.categories == ("lab-results",)


def test_chunk_boundaries_do_not_change_the_result(tmp_path, monkeypatch):
    events = [event([DB], [S3], f"run-{i}") for i in range(30)]
    text = "\n".join(json.dumps(e) for e in events) + "\n"
    whole = read(tmp_path, "a.jsonl", text)
    monkeypatch.setattr(observed, "CHUNK_CHARS", 7)
    assert read(tmp_path, "b.jsonl", text) == [
        replace(o, pos=Position("b.jsonl", o.pos.line, o.pos.column)) for o in whole
    ]
    array = json.dumps(events, indent=1)
    assert len(read(tmp_path, "c.json", array)) == 30


def test_bad_lines_are_reported_and_the_rest_is_read(tmp_path):
    text = "\n".join(
        [
            json.dumps(event([DB], [S3])),
            "this is not json",
            json.dumps(event([("", "x")], [S3])),
            json.dumps({k: v for k, v in event([DB], [S3]).items() if k != "producer"}),
            json.dumps(event([DB], [S3])),
            json.dumps(event([DB], [S3]))[:-7],  # truncated last line
        ]
    )
    items = read(tmp_path, "e.jsonl", text)
    # The event without a producer (line 4) is read, with a note (LIN-008).
    assert sum(isinstance(i, Observation) for i in items) == 3
    assert problems(items) == [
        (2, "not valid JSON: Expecting value"),
        (3, "OpenLineage event: inputs.0.namespace string should have at least 1 character"),
        (6, "not valid JSON: Unterminated string starting (the last record is truncated)"),
    ]
    assert [
        (i.pos.line, i.message.split(":")[0]) for i in items if isinstance(i, EvidenceNote)
    ] == [(4, "without `producer`")]


def test_missing_namespace(tmp_path):
    value = event([DB], [S3])
    del value["outputs"][0]["namespace"]
    assert problems(read(tmp_path, "e.jsonl", json.dumps(value))) == [
        (1, "OpenLineage event: outputs.0.namespace is missing")
    ]


def test_truncated_array(tmp_path):
    text = json.dumps([event([DB], [S3]), event([DB], [S3])], indent=2)
    items = read(tmp_path, "e.json", text[:-40])
    assert sum(isinstance(i, Observation) for i in items) == 1
    (problem,) = problems(items)
    assert problem[1].endswith("(the last record is truncated)")


def test_wrong_encoding_names_the_line(tmp_path):
    text = (json.dumps(event([DB], [S3])) + "\n").encode() * 2
    items = read(tmp_path, "e.jsonl", text + b'{"name": "caf\xe9"}\n')
    assert problems(items) == [(3, "not UTF-8 (byte b'\\xe9'); save the file as UTF-8")]
    assert sum(isinstance(i, Observation) for i in items) == 2


def test_utf16_file_is_refused_at_line_one(tmp_path):
    items = read(tmp_path, "e.json", json.dumps(event([DB], [S3])).encode("utf-16"))
    assert problems(items) == [(1, "not UTF-8 (byte b'\\xff'); save the file as UTF-8")]


def test_gzipped_events(tmp_path):
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps(event([DB], [S3])).encode()))
    (item,) = read_evidence(path, "e.jsonl.gz")
    assert isinstance(item, Observation)


def test_too_many_problems_stop_the_file(tmp_path):
    items = read(tmp_path, "e.jsonl", "garbage\n" * 100)
    assert len(items) == observed.MAX_PROBLEMS_PER_FILE + 1
    assert items[-1].message.startswith("more than 20 unreadable records")


# --- CSV -------------------------------------------------------------------------


def test_csv_with_header_and_every_column(tmp_path):
    text = (
        "source,target,data_categories,observed_at,count\n"
        "lis-db.internal,billing.internal,identity; lab-results,2026-11-20T02:00:00Z,14\n"
        "lis-db.internal,10.0.0.9:443,,,\n"
    )
    items = read(tmp_path, "c.csv", text)
    assert items == [
        Observation(
            Endpoint("lis-db.internal"),
            Endpoint("billing.internal"),
            Position("c.csv", 2, 1),
            ("identity", "lab-results"),
            14,
            first_seen="2026-11-20T02:00:00Z",
            last_seen="2026-11-20T02:00:00Z",
        ),
        Observation(Endpoint("lis-db.internal"), Endpoint("10.0.0.9:443"), Position("c.csv", 3, 1)),
    ]
    assert items[1].target.host == "10.0.0.9"


def test_csv_without_header_reads_columns_in_documented_order(tmp_path):
    (item,) = read(tmp_path, "c.csv", "a.internal,b.internal,health|identity\n")
    assert (item.source.text, item.target.text, item.categories) == (
        "a.internal",
        "b.internal",
        ("health", "identity"),
    )


def test_csv_problems(tmp_path):
    text = (  # one record a line, but the sixth spans two lines
        'source,target,count,colour\na,b,1,red\na\n,b\na,b,many\na,"b\nc",2\na,b,1,x,y\n'
    )
    items = read(tmp_path, "c.csv", text)
    assert problems(items) == [
        (1, "unknown column 'colour' (columns: " + ", ".join(observed.CSV_COLUMNS) + ")"),
        (3, "the target column is missing or empty"),
        (4, "the source column is missing or empty"),
        (5, "count 'many' is not a positive whole number"),
        (8, "5 columns where 4 are expected"),
    ]
    observations = [i for i in items if isinstance(i, Observation)]
    assert [(o.pos.line, o.target.text, o.count) for o in observations] == [
        (2, "b", 1),
        (6, "b\nc", 2),
    ]


def test_csv_not_utf8(tmp_path):
    items = read(tmp_path, "c.csv", b"source,target\na,b\nc\xff,d\n")
    assert problems(items) == [(3, "not UTF-8 (byte b'\\xff'); save the file as UTF-8")]


@pytest.mark.parametrize(
    ("endpoint", "host"),
    [
        (Endpoint("x", "postgres://db.internal:5432", "x"), "db.internal"),
        (Endpoint("db.internal:5432"), "db.internal"),
        (Endpoint("https://API.vendor.example/v1"), "api.vendor.example"),
        (Endpoint("10.0.0.1"), "10.0.0.1"),
    ],
)
def test_endpoint_host(endpoint, host):
    assert endpoint.host == host
