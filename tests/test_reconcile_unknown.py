"""One LIN-002 per unknown dataset, not per event nor per namespace, with the number of
events it appears in."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from registry.core.inventory import load_inventory
from registry.evidence.reconcile import Reconciliation, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"
LIS = ("postgres://lis-db.biolab.internal:5432", "lis.public.patients")
BILLING = ("mysql://billing.biolab.internal:3306", "billing.invoices")
EXPORTS = "s3://lab-exports"


def event(inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "run": {"runId": str(uuid.uuid4())},
        "producer": "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0",
        "job": {"namespace": "airflow://scheduler", "name": "export"},
        "inputs": [{"namespace": n, "name": m} for n, m in inputs],
        "outputs": [{"namespace": n, "name": m} for n, m in outputs],
    }


def reconcile_events(tmp_path: Path, events: list[dict]) -> Reconciliation:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(LAB), [(path, "events.jsonl")])


def unknown(result: Reconciliation) -> list[str]:
    return sorted(f.entity for f in result.findings if f.rule == "LIN-002")


def test_each_unknown_dataset_is_one_finding_with_its_events(tmp_path):
    result = reconcile_events(
        tmp_path,
        [
            event([LIS], [(EXPORTS, "2026/a.csv")]),
            event([LIS], [(EXPORTS, "2026/a.csv")]),
            event([LIS], [(EXPORTS, "2026/b.csv")]),
        ],
    )
    assert unknown(result) == [
        f"Observed:{EXPORTS}/2026/a.csv",
        f"Observed:{EXPORTS}/2026/b.csv",
    ]
    a, b = sorted((f for f in result.findings if f.rule == "LIN-002"), key=lambda f: f.entity)
    assert a.message.startswith(
        f"observed dataset 2026/a.csv in namespace {EXPORTS} (in 2 event(s)) matches no system"
    )
    assert f'identifiers: ["{EXPORTS}/2026/a.csv"]' in a.message
    assert (a.pos.line, b.pos.line) == (1, 3)  # where each was first seen
    assert "(in 1 event(s))" in b.message
    assert result.coverage.unknown_endpoints == 2
    # The movement is one: lis to the unknown bucket, one flow to add.
    (flow,) = [f for f in result.findings if f.rule == "LIN-001"]
    assert f"from lis to unknown endpoint {EXPORTS} (seen 3 time(s))" in flow.message


def test_an_event_with_many_outputs_counts_once_for_its_unknown_input(tmp_path):
    result = reconcile_events(
        tmp_path, [event([(EXPORTS, "in.csv")], [LIS, BILLING, ("s3://biolab-backup", "x")])]
    )
    (finding,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert "(in 1 event(s))" in finding.message


def test_connection_logs_still_count_rows_by_their_count(tmp_path):
    log = tmp_path / "egress.csv"
    log.write_text(
        "source,target,count\n"
        "lis-db.biolab.internal,https://upload.analytics.example/a,4\n"
        "lis-db.biolab.internal,https://upload.analytics.example/b,3\n",
        encoding="utf-8",
    )
    result = reconcile(load_inventory(LAB), [(log, "egress.csv")])
    (finding,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert finding.entity == "Observed:upload.analytics.example"  # one host, one finding
    assert "(seen 7 time(s))" in finding.message
