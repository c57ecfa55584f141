"""OpenLineage as the integrations emit it: a run's events counted once, and jobs that
only read (or only write) datasets moving data into (or out of) the job's own system."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.evidence import reconcile as reconcile_module
from registry.evidence.reconcile import Reconciliation, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab"
LIS = ("postgres://lis-db.biolab.internal:5432", "lis.public.patients")
BILLING = ("mysql://billing.biolab.internal:3306", "billing.invoices")
BACKUP = ("s3://biolab-backup", "2026/lis.dump")


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """The lab fixture's inventory, with jobs of the Airflow scheduler named as systems."""
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    text = text.replace(
        "  - lis-db.biolab.internal\n",
        '  - lis-db.biolab.internal\n  - "airflow://scheduler/lis_import"\n',
    ).replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306", '
        '"airflow://scheduler/email_discounts"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def event(
    kind: str,
    run: str | None,
    inputs: list[tuple[str, str]],
    outputs: list[tuple[str, str]],
    job: str = "export",
) -> dict:
    value: dict = {
        "eventType": kind,
        "eventTime": "2026-11-20T02:00:00Z",
        "producer": "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0",
        "job": {"namespace": "airflow://scheduler", "name": job},
        "inputs": [{"namespace": n, "name": m} for n, m in inputs],
        "outputs": [{"namespace": n, "name": m} for n, m in outputs],
    }
    if run is not None:
        value["run"] = {"runId": run}
    return value


def reconcile_events(directory: Path, events: list[dict]) -> Reconciliation:
    path = directory / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(directory / "inventory"), [(path, "events.jsonl")])


def rules(result: Reconciliation) -> list[str]:
    return sorted(f.rule for f in result.findings)


# --- one observation per run ----------------------------------------------------


def test_the_events_of_one_run_are_one_observation(lab):
    result = reconcile_events(
        lab, [event("START", "r1", [LIS], [BILLING]), event("COMPLETE", "r1", [LIS], [BILLING])]
    )
    assert (result.coverage.movements, result.coverage.observations) == (1, 1)
    assert result.coverage.records == 2  # both events were read
    assert rules(result) == []


def test_two_runs_are_two_observations(lab):
    result = reconcile_events(
        lab,
        [
            event("START", "r1", [LIS], [BILLING]),
            event("START", "r2", [LIS], [BILLING]),
            event("RUNNING", "r1", [LIS], [BILLING]),
            event("COMPLETE", "r1", [LIS], [BILLING]),
            event("FAIL", "r2", [LIS], [BILLING]),
        ],
    )
    assert (result.coverage.movements, result.coverage.observations) == (1, 2)


def test_events_without_a_run_count_one_each(lab):
    result = reconcile_events(
        lab, [event("COMPLETE", None, [LIS], [BILLING]), event("COMPLETE", None, [LIS], [BILLING])]
    )
    assert result.coverage.observations == 2


def test_a_repeated_undocumented_run_is_seen_once(lab):
    result = reconcile_events(
        lab, [event("START", "r1", [BILLING], [LIS]), event("COMPLETE", "r1", [BILLING], [LIS])]
    )
    (finding,) = result.findings
    assert finding.rule == "LIN-001" and "(seen 1 time(s))" in finding.message


def test_runs_beyond_the_bound_are_forgotten_oldest_first(lab, monkeypatch):
    # Memory stays bounded: a run whose events lie further apart than the bound counts again.
    monkeypatch.setattr(reconcile_module, "MAX_RECENT_RUN_MOVEMENTS", 1)
    result = reconcile_events(
        lab,
        [
            event("START", "r1", [LIS], [BILLING]),
            event("START", "r2", [LIS], [BILLING]),
            event("COMPLETE", "r2", [LIS], [BILLING]),  # recent: not counted again
            event("COMPLETE", "r1", [LIS], [BILLING]),  # forgotten: counted again
        ],
    )
    assert result.coverage.observations == 3


# --- jobs that only read, or only write -----------------------------------------


def test_an_input_only_job_moves_data_into_its_system(lab):
    # billing's job reads lis: the declared flow lis-to-billing explains it.
    result = reconcile_events(lab, [event("COMPLETE", "r1", [LIS], [], job="email_discounts")])
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert rules(result) == []


def test_an_undocumented_input_only_job_is_an_undocumented_flow(lab):
    # lis's job reads billing, and no flow goes from billing to lis.
    result = reconcile_events(lab, [event("COMPLETE", "r1", [BILLING], [], job="lis_import")])
    (finding,) = result.findings
    assert finding.rule == "LIN-001"
    assert "data moves from billing to lis" in finding.message


def test_an_output_only_job_moves_data_out_of_its_system(lab):
    result = reconcile_events(lab, [event("COMPLETE", "r1", [], [BACKUP], job="lis_import")])
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)  # lis-to-backup
    assert rules(result) == []


def test_an_input_only_job_of_no_system_is_an_unknown_endpoint_named_after_the_job(lab):
    result = reconcile_events(lab, [event("COMPLETE", "r1", [LIS], [], job="email_campaign")])
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert unknown.message.startswith(
        "observed job airflow://scheduler/email_campaign (in 1 event(s)) matches no system"
    )
    assert 'identifiers: ["airflow://scheduler/email_campaign"]' in unknown.message
    assert unknown.entity == "Observed:airflow://scheduler/email_campaign"
    assert "{kind: System, id: email-campaign," in unknown.message
    (flow,) = [f for f in result.findings if f.rule == "LIN-001"]
    assert "to: email-campaign} (and declare System email-campaign)" in flow.message


def test_a_start_with_inputs_only_waits_for_the_outputs_of_its_run(lab):
    # Integrations emit the outputs at COMPLETE: a START without them is no movement into the job.
    result = reconcile_events(
        lab,
        [
            event("START", "r1", [LIS], [], job="email_campaign"),
            event("COMPLETE", "r1", [LIS], [BILLING], job="email_campaign"),
        ],
    )
    assert rules(result) == []
    assert (result.coverage.movements, result.coverage.observations) == (1, 1)


def test_datasets_named_at_start_count_when_the_run_completes_without_them(lab):
    # Marquez's seed: email_discounts names its inputs at START, nothing at COMPLETE.
    result = reconcile_events(
        lab,
        [
            event("START", "r1", [LIS], [], job="email_discounts"),
            event("COMPLETE", "r1", [], [], job="email_discounts"),
        ],
    )
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)  # lis → billing
    assert result.coverage.observations == 1


def test_a_run_never_finished_in_the_file_gives_no_movement_into_its_job(lab):
    # Its outputs may come in the next file: a movement into the job would be a guess.
    result = reconcile_events(lab, [event("START", "r1", [BILLING], [], job="lis_import")])
    assert rules(result) == ["LIN-007"]


def test_a_run_completed_with_other_datasets_moves_every_input_to_every_output(lab):
    result = reconcile_events(
        lab,
        [
            event("START", "r1", [LIS], []),
            event("COMPLETE", "r1", [], [BILLING]),
        ],
    )
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert rules(result) == []
