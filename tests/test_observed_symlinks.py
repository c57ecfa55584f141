"""A dataset known by several names (the OpenLineage `symlinks` facet: a Hive table and
its storage location) matches a system by any of them, the most specific winning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.evidence.observed import Endpoint
from registry.evidence.reconcile import Matcher, Reconciliation, Ref, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab"
LIS = {"namespace": "postgres://lis-db.biolab.internal:5432", "name": "lis.public.patients"}
HIVE = "hive://metastore.biolab.internal:9083"


def table(namespace: str, name: str, symlinks: list[dict]) -> dict:
    """A Spark dataset: its storage location, the Hive table among its symlinks."""
    return {"namespace": namespace, "name": name, "facets": {"symlinks": {"identifiers": symlinks}}}


def event(inputs: list[dict], outputs: list[dict]) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/integration/spark",
        "run": {"runId": "0a1b0000-0000-4000-8000-000000000001"},
        "job": {"namespace": "spark", "name": "billing_extract"},
        "inputs": inputs,
        "outputs": outputs,
    }


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """The lab fixture, with billing known by its Hive tables only."""
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8").replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        f'identifiers: ["{HIVE}/billing.*"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def reconcile_events(directory: Path, events: list[dict]) -> Reconciliation:
    path = directory / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(directory / "inventory"), [(path, "events.jsonl")])


INVOICES = table(
    "s3a://biolab-warehouse",
    "billing.db/invoices",
    [{"namespace": HIVE, "name": "billing.invoices", "type": "TABLE"}],
)


def test_a_hive_table_known_by_its_storage_location_matches_through_its_symlink(lab):
    result = reconcile_events(lab, [event([LIS], [INVOICES])])
    assert [f.rule for f in result.findings] == []  # lis-to-billing explains it
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert result.coverage.unknown_endpoints == 0


def test_without_the_symlink_the_storage_location_is_unknown(lab):
    bare = {k: v for k, v in INVOICES.items() if k != "facets"}
    result = reconcile_events(lab, [event([LIS], [bare])])
    assert "LIN-002" in {f.rule for f in result.findings}


def test_a_symlink_without_a_namespace_is_matched_by_its_name(lab):
    # Spark names Hive tables of its own metastore by name alone.
    systems = lab / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8").replace(f'"{HIVE}/billing.*"', '"billing.*"')
    systems.write_text(text, encoding="utf-8")
    output = table("file", "/tmp/hive/billing.db/invoices", [{"name": "billing.invoices"}])
    result = reconcile_events(lab, [event([LIS], [output])])
    assert [f.rule for f in result.findings] == []


def test_an_unknown_dataset_says_its_other_names(lab):
    output = table("s3a://elsewhere", "x.db/y", [{"namespace": "hive://other:9083", "name": "x.y"}])
    result = reconcile_events(lab, [event([LIS], [output])])
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert "also known as hive://other:9083/x.y" in unknown.message


def test_a_malformed_symlinks_facet_is_skipped_with_a_warning_and_the_movement_kept(lab):
    output = dict(INVOICES, facets={"symlinks": {"identifiers": [{"namespace": HIVE}]}})
    result = reconcile_events(lab, [event([LIS], [output]), event([LIS], [output])])
    assert result.coverage.total_observations == 1  # one run, read without its symlinks
    (note,) = [f for f in result.findings if f.rule == "LIN-008"]
    assert note.message == (
        "2 OpenLineage event(s) with a `symlinks` dataset facet that does not follow the spec: "
        "read without it (the first here)"
    )
    assert note.severity.value == "warning" and note.pos.line == 1
    # Without its symlink the storage location matches nothing: said, not hidden.
    assert "LIN-002" in {f.rule for f in result.findings}


def test_the_most_specific_name_wins_whichever_name_it_is(lab):
    # The storage bucket belongs to backup (a glob on the bucket), the table to billing (exact).
    inventory = load_inventory(lab / "inventory")
    matcher = Matcher(inventory)
    location = Endpoint("s3://biolab-backup/billing.db/invoices", "s3://biolab-backup", "x")
    assert matcher.match(location) == Ref("System", "backup")
    table_name = Endpoint(f"{HIVE}/billing.invoices", HIVE, "billing.invoices")
    both = Endpoint(location.text, location.namespace, location.name, aliases=(table_name,))
    # billing's glob reaches inside the table name; backup's only matches the bucket's objects:
    # both are within the path, the longer literal (billing's) wins.
    assert matcher.match(both) == Ref("System", "billing")
    flipped = Endpoint(table_name.text, HIVE, table_name.name, aliases=(location,))
    assert matcher.match(flipped) == matcher.match(both)  # whichever name is the dataset's own
