"""Real OpenLineage events (tests/evidence/, see its README for sources and licence):
Marquez's seed data and API fixtures, the Spark and Hive integrations' expected events.
Each is read without loss; the lab fixture's systems are renamed after their datasets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.evidence.reconcile import Reconciliation, reconcile

ROOT = Path(__file__).parent
EVIDENCE = ROOT / "evidence"
LAB = ROOT / "fixtures" / "lab" / "inventory"
LIS_IDS = "  - postgres://lis-db.biolab.internal:5432\n  - lis-db.biolab.internal\n"
BILLING_IDS = 'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]'
ALL = sorted(p for p in EVIDENCE.rglob("*.json"))


def lab(tmp_path: Path, lis: list[str], billing: list[str]) -> Path:
    """The lab fixture (lis → billing declared), LIS and billing known by ``lis`` and
    ``billing``."""
    inventory = tmp_path / "inventory"
    shutil.copytree(LAB, inventory)
    systems = inventory / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    assert LIS_IDS in text and BILLING_IDS in text
    text = text.replace(LIS_IDS, "".join(f"  - {json.dumps(i)}\n" for i in lis))
    text = text.replace(BILLING_IDS, f"identifiers: {json.dumps(billing)}")
    systems.write_text(text, encoding="utf-8")
    return inventory


def check(inventory: Path, *files: Path) -> Reconciliation:
    return reconcile(load_inventory(inventory), [(f, f.name) for f in files])


def rules(result: Reconciliation) -> list[str]:
    return sorted(f.rule for f in result.findings)


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_event_is_read(path):
    result = check(LAB, path)
    assert "LIN-004" not in rules(result), [f.message for f in result.findings]
    assert result.coverage.skipped == 0 and result.coverage.records >= 1
    movements = result.coverage.total_observations
    # Only events that name no movement (a DatasetEvent, one without datasets) give none.
    assert (movements == 0) == (
        path.name in {"event_dataset_event.json", "event_required_only.json"}
    )


# --- Marquez's seed: datasets named at START, none at COMPLETE ---------------------------

SEED = EVIDENCE / "marquez" / "seed-metadata.json"
FOOD_DELIVERY = ["food_delivery/public.*", "food_delivery/etl_*"]
# the seed's two reporting jobs, which only read and write tables of the same database
REPORTS = ["food_delivery/delivery_times_7_days", "food_delivery/orders_popular_day_of_week"]


def test_marquez_seed_reconciles_with_a_register_that_names_its_systems(tmp_path):
    inventory = lab(tmp_path, FOOD_DELIVERY + REPORTS, ["food_delivery/email_discounts"])
    result = check(inventory, SEED)
    assert rules(result) == []
    coverage = result.coverage
    assert (coverage.records, coverage.skipped) == (26, 0)
    # email_discounts reads customers and discounts and writes nothing: data moves from
    # the database (lis) into the job's system (billing), explained by lis-to-billing.
    assert (coverage.movements, coverage.documented) == (1, 1)


def test_marquez_seed_names_an_unknown_reading_job_and_the_movement_into_it(tmp_path):
    inventory = lab(tmp_path, FOOD_DELIVERY + REPORTS, ["billing.biolab.internal"])
    result = check(inventory, SEED)
    assert rules(result) == ["LIN-001", "LIN-002"]
    unknown, flow = sorted(result.findings, key=lambda f: f.rule, reverse=True)
    assert unknown.message.startswith(
        "observed job food_delivery/email_discounts (in 1 event(s)) matches no system"
    )
    assert flow.message.startswith(
        "undocumented flow: data moves from lis to unknown endpoint food_delivery/email_discounts"
    )
    assert "(seen 1 time(s))" in flow.message  # START and COMPLETE of one run: once


def test_marquez_large_event_a_thousand_times_as_json_lines_loses_nothing(tmp_path):
    event = json.loads((EVIDENCE / "marquez" / "event_large.json").read_text(encoding="utf-8"))
    path = tmp_path / "large.jsonl"
    path.write_text((json.dumps(event) + "\n") * 1000, encoding="utf-8")
    result = check(LAB, path)
    assert (result.coverage.records, result.coverage.skipped) == (1000, 0)


def test_marquez_listener_events_name_local_files_as_uris(tmp_path):
    # namespace file.localhost, name file://localhost/in_file1.txt; a RUNNING and a
    # COMPLETE of one run, each with other files.
    inventory = lab(
        tmp_path, ["file:/in_file1.txt", "/in_file2.txt", "file:///in_file3.txt"], ["/out_file*"]
    )
    listener = EVIDENCE / "marquez"
    result = check(inventory, listener / "listener-1.json", listener / "listener-2.json")
    assert rules(result) == []
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert result.coverage.observations == 1  # one run


# --- Spark and Hive: symlinks, file datasets, fields left out ---------------------------

SPARK = EVIDENCE / "openlineage"


def test_spark_output_known_as_a_hive_table_matches_through_its_symlink(tmp_path):
    # output: namespace file, name /tmp/warehouse/target; symlink file:/tmp/warehouse
    # default.target (TABLE). Billing knows only the table.
    inventory = lab(tmp_path, ["file:/tmp/warehouse/test"], ["file:/tmp/warehouse/default.target"])
    result = check(inventory, SPARK / "spark-pysparkHiveSelectEndEvent.json")
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    # no eventTime, producer nor runId in the integration's expected event: read, and said
    assert rules(result) == ["LIN-008", "LIN-008", "LIN-008"]


def test_spark_symlinks_without_a_namespace_match_by_table_name(tmp_path):
    inventory = lab(tmp_path, ["hive3.table1"], ["hive3.table2"])
    result = check(inventory, SPARK / "spark-hiveCreateHiveTableAsSelectCommandCompleteEvent.json")
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert "LIN-001" not in rules(result) and "LIN-002" not in rules(result)


def test_a_hive_table_matches_through_its_storage_location(tmp_path):
    # The Hive hook names the table and gives its LOCATION as a symlink (namespace file).
    inventory = lab(
        tmp_path, ["/opt/hive/data/warehouse/test.db/t2"], ["hive://localhost:9083/test.t1"]
    )
    result = check(inventory, SPARK / "hive-cllSimpleInsertFromTableComplete.json")
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert "LIN-002" not in rules(result)


def test_without_the_symlink_the_same_event_leaves_the_table_unknown(tmp_path):
    inventory = lab(tmp_path, ["file:/tmp/warehouse/test"], ["billing.biolab.internal"])
    result = check(inventory, SPARK / "spark-pysparkHiveSelectEndEvent.json")
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert unknown.message.startswith(
        "observed dataset /tmp/warehouse/target in namespace file, also known as "
        "file:///tmp/warehouse/default.target, (in 1 event(s))"
    )
    assert 'identifiers: ["file:///tmp/warehouse/target"]' in unknown.message


def test_a_page_of_marquez_export_is_read_in_the_order_events_happened(tmp_path):
    # GET /api/v1/events/lineage answers {"events": [...], "totalCount": n}, newest first.
    events = json.loads(SEED.read_text(encoding="utf-8"))
    page = tmp_path / "marquez-export.json"
    page.write_text(
        json.dumps({"events": events[::-1], "totalCount": len(events)}, indent=2), encoding="utf-8"
    )
    inventory = lab(tmp_path, FOOD_DELIVERY + REPORTS, ["food_delivery/email_discounts"])
    result = check(inventory, page)
    assert rules(result) == []
    assert (result.coverage.records, result.coverage.movements, result.coverage.documented) == (
        26,
        1,
        1,
    )
