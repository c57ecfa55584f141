"""Events as real integrations emit them, without the fields the spec requires besides
the job and the datasets: read, with one warning (LIN-008) per file and kind of gap."""

from __future__ import annotations

import json
from pathlib import Path

from registry.core.inventory import load_inventory
from registry.evidence.reconcile import Reconciliation, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"
LIS = {"namespace": "postgres://lis-db.biolab.internal:5432", "name": "lis.public.patients"}
BILLING = {"namespace": "mysql://billing.biolab.internal:3306", "name": "billing.invoices"}

COMPLETE = {
    "eventType": "COMPLETE",
    "eventTime": "2026-11-20T02:00:00Z",
    "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/integration/spark",
    "run": {"runId": "0a1b0000-0000-4000-8000-000000000001"},
    "job": {"namespace": "spark", "name": "billing_export"},
    "inputs": [LIS],
    "outputs": [BILLING],
}


def without(*fields: str, **changes: object) -> dict:
    value = {k: v for k, v in COMPLETE.items() if k not in fields}
    value.update(changes)
    return value


def reconcile_events(tmp_path: Path, events: list[dict], name: str = "e.jsonl") -> Reconciliation:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(LAB), [(path, name)])


def warnings(result: Reconciliation) -> list[tuple[int, str]]:
    return sorted((f.pos.line, f.message) for f in result.findings if f.rule == "LIN-008")


def test_a_complete_event_has_no_warning(tmp_path):
    result = reconcile_events(tmp_path, [COMPLETE])
    assert result.findings == [] and result.coverage.documented == 1


def test_events_without_a_producer_are_read_with_one_warning_for_the_file(tmp_path):
    result = reconcile_events(tmp_path, [COMPLETE, without("producer"), without("producer")])
    assert result.coverage.records == 3 and result.coverage.skipped == 0
    assert warnings(result) == [
        (
            2,
            "2 OpenLineage event(s) without `producer`: read, though nothing says which "
            "integration wrote them (the first here)",
        )
    ]
    (warning,) = [f for f in result.findings if f.rule == "LIN-008"]
    assert warning.severity.value == "warning" and warning.entity == "Observed:e.jsonl"


def test_each_gap_is_its_own_warning(tmp_path):
    # The Spark and Hive integrations' test expectations: no eventTime, producer nor run.
    result = reconcile_events(tmp_path, [without("eventTime", "producer", "run")])
    assert [message.split(":")[0] for _, message in warnings(result)] == [
        "1 OpenLineage event(s) of a run without `run.runId`",
        "1 OpenLineage event(s) without `eventTime`",
        "1 OpenLineage event(s) without `producer`",
    ]
    assert result.coverage.documented == 1  # the movement itself is read


def test_a_run_without_an_id_counts_each_event(tmp_path):
    result = reconcile_events(tmp_path, [without("run", eventType="START"), without("run")])
    assert result.coverage.observations == 2  # as the warning says
    assert any("`run.runId`" in message for _, message in warnings(result))


def test_a_job_event_needs_no_run(tmp_path):
    job_event = without("run", "eventType")
    assert warnings(reconcile_events(tmp_path, [job_event])) == []


def test_fields_of_the_wrong_type_are_gaps_not_unreadable_records(tmp_path):
    result = reconcile_events(tmp_path, [without(eventTime=20261120, run={"runId": 7})])
    assert result.coverage.skipped == 0 and result.coverage.documented == 1
    assert len(warnings(result)) == 2


def test_warnings_are_counted_per_file(tmp_path):
    first = reconcile_events(tmp_path, [without("producer")], "a.jsonl")
    (warning,) = [f for f in first.findings if f.rule == "LIN-008"]
    assert warning.pos.file == "a.jsonl"
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    b.write_text(a.read_text(encoding="utf-8"), encoding="utf-8")
    both = reconcile(load_inventory(LAB), [(a, "a.jsonl"), (b, "b.jsonl")])
    assert sorted(f.pos.file for f in both.findings if f.rule == "LIN-008") == [
        "a.jsonl",
        "b.jsonl",
    ]


def test_a_malformed_tags_facet_loses_the_categories_not_the_movement(tmp_path):
    tagged = dict(BILLING, facets={"tags": {"tags": "identity"}})
    result = reconcile_events(tmp_path, [without(outputs=[tagged])])
    assert result.coverage.documented == 1
    ((_, message),) = warnings(result)
    assert "`tags` dataset facet that does not follow the spec" in message


def test_what_is_needed_is_still_required(tmp_path):
    # A dataset without a name, or an event without a job, names no movement: unreadable.
    nameless = {"namespace": LIS["namespace"]}
    result = reconcile_events(tmp_path, [without(inputs=[nameless]), without("job")])
    assert sorted(f.rule for f in result.findings) == ["LIN-004", "LIN-004", "LIN-007"]
