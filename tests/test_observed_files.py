"""Local files are one endpoint however they are spelt: Spark writes `file:/p`, OpenLineage's
naming namespace `file` and name `/p`, others `file:///p`, and connection logs the bare path."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.evidence.observed import Endpoint, file_uri
from registry.evidence.reconcile import Matcher, Reconciliation, Ref, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab"
LIS = {"namespace": "postgres://lis-db.biolab.internal:5432", "name": "lis.public.patients"}
SPELLINGS = ["file:/srv/billing/inbox", "file:///srv/billing/inbox", "/srv/billing/inbox"]


@pytest.mark.parametrize(
    ("written", "one"),
    [
        ("file:/srv/x.csv", "file:///srv/x.csv"),
        ("file:///srv/x.csv", "file:///srv/x.csv"),
        ("file://localhost/srv/x.csv", "file:///srv/x.csv"),
        ("FILE:/srv/x.csv", "file:///srv/x.csv"),
        ("/srv/x.csv", "file:///srv/x.csv"),
        ("file:////srv/x.csv", "file:///srv/x.csv"),
        ("file:///srv/inbox/", "file:///srv/inbox"),
        ("file://nas01/srv/x.csv", "file://nas01/srv/x.csv"),  # another host's file
        ("file:relative/x.csv", "file:relative/x.csv"),
        ("//nas01/share", "//nas01/share"),
        ("s3://bucket/x.csv", "s3://bucket/x.csv"),
        ("billing.biolab.internal", "billing.biolab.internal"),
    ],
)
def test_a_local_file_has_one_spelling(written, one):
    assert file_uri(written) == one


def spark_file(name: str, namespace: str = "file") -> dict:
    return {"namespace": namespace, "name": name}


def event(inputs: list[dict], outputs: list[dict]) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "run": {"runId": str(uuid.uuid4())},
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/integration/spark",
        "job": {"namespace": "spark", "name": "billing_inbox"},
        "inputs": inputs,
        "outputs": outputs,
    }


@pytest.fixture(params=SPELLINGS)
def lab(request, tmp_path: Path) -> Path:
    """The lab fixture, with billing's inbox folder among its identifiers, spelt one way."""
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8").replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        f'identifiers: [billing.biolab.internal, "{request.param}"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def reconcile_events(directory: Path, events: list[dict]) -> Reconciliation:
    path = directory / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(directory / "inventory"), [(path, "events.jsonl")])


@pytest.mark.parametrize(
    "output",
    [
        spark_file("/srv/billing/inbox/2026-11-20.csv"),  # OpenLineage naming: file + path
        spark_file("/srv/billing/inbox/2026-11-20.csv", namespace="file://"),
        spark_file("file:/srv/billing/inbox/2026-11-20.csv", namespace="file.localhost"),
        spark_file("file:///srv/billing/inbox/2026-11-20.csv", namespace="file"),
        spark_file("file://localhost/srv/billing/inbox", namespace="file.localhost"),  # Marquez
    ],
)
def test_every_spelling_of_a_file_matches_every_spelling_of_the_identifier(lab, output):
    result = reconcile_events(lab, [event([LIS], [output])])
    assert [f.rule for f in result.findings] == []  # lis-to-billing explains it
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)


def test_a_file_outside_the_folder_is_not_matched(lab):
    result = reconcile_events(lab, [event([LIS], [spark_file("/srv/billing/inbox2/x.csv")])])
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert "file:///srv/billing/inbox2/x.csv" in unknown.message


def test_a_connection_log_path_matches_like_a_dataset(lab, tmp_path):
    log = tmp_path / "copies.csv"
    log.write_text(
        "source,target\n"
        "lis-db.biolab.internal,/srv/billing/inbox/a.csv\n"
        "lis-db.biolab.internal,file:///srv/billing/inbox/b.csv\n",
        encoding="utf-8",
    )
    result = reconcile(load_inventory(lab / "inventory"), [(log, "copies.csv")])
    assert [f.rule for f in result.findings] == []
    assert result.coverage.observations == 2


def test_a_file_on_another_host_is_not_a_local_file(lab):
    matcher = Matcher(load_inventory(lab / "inventory"))
    remote = Endpoint("file://nas01/srv/billing/inbox/x.csv")
    assert matcher.match(remote) is None
    assert matcher.match(Endpoint("file:/srv/billing/inbox/x.csv")) == Ref("System", "billing")
