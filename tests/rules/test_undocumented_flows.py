"""Undocumented flows: observed (LIN-001..008) and implied by the inventory (LIN-010, LIN-012).

The observed cases reconcile a small connection-log CSV with the perturbed
baseline, as `ropa check --observed` does.
"""

from __future__ import annotations

import json
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from registry.core.findings import Finding
from registry.evidence.reconcile import reconcile
from registry.pipeline.check import CheckResult
from tests.builder import (
    Case,
    Edit,
    Put,
    assert_finding,
    assert_no_finding,
    near_miss,
    perturb,
    trigger,
)

LIS, PORTAL = "systems/lis.yaml", "systems/portal.yaml"
TO_PORTAL, ACT = "flows/results-to-portal.yaml", "activities/lab-testing.yaml"
LIS_ID = Edit(LIS, "country: FR\n", "country: FR\nidentifiers: [lis-db.labs.internal]\n")
PORTAL_ID = Edit(PORTAL, "country: FR\n", "country: FR\nidentifiers: [portal.labs.example]\n")


@dataclass(frozen=True)
class ObservedCase(Case):
    """A case whose findings come from reconciling ``evidence`` (a CSV) too."""

    evidence: str = ""
    file: str = "observed.csv"

    def result(self, check_yaml: Callable[..., CheckResult]) -> CheckResult:
        result = check_yaml(self.files(), self.as_of)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / self.file
            path.write_text(textwrap.dedent(self.evidence).lstrip("\n"), "utf-8")
            found = reconcile(result.inventory, [(path, self.file)]).findings
        return replace(result, findings=sorted(result.findings + found, key=Finding.sort_key))

    def assert_triggers(self, check_yaml: Callable[..., CheckResult]) -> Finding:
        return assert_finding(self.result(check_yaml), self.code, self.entity, self.at)

    def assert_near_miss(self, check_yaml: Callable[..., CheckResult]) -> None:
        assert_no_finding(self.result(check_yaml), self.code)


def observed(
    code: str, why: str, evidence: str, *changes, entity: str = "", at: str = "", file: str = ""
):
    return ObservedCase(
        code,
        why,
        (LIS_ID, PORTAL_ID, *changes),
        entity,
        at,
        evidence=evidence,
        file=file or "observed.csv",
    )


def run_event(**fields: object) -> str:
    """One OpenLineage event, lis's database to the portal, as a JSON line."""
    event = {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "producer": "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0",
        "run": {"runId": "0a1b0000-0000-4000-8000-000000000001"},
        "job": {"namespace": "airflow://scheduler", "name": "publish_results"},
        "inputs": [{"namespace": "postgres://lis-db.labs.internal:5432", "name": "lis.results"}],
        "outputs": [{"namespace": "https://portal.labs.example", "name": "api/results"}],
    }
    event.update(fields)
    return json.dumps({k: v for k, v in event.items() if v is not None}) + "\n"


TRIGGERS = [
    observed(
        "LIN-001",
        "movement-against-the-declared-direction",
        "source,target\nportal.labs.example,lis-db.labs.internal\n",
        entity="Observed:portal->lis",
        at="observed.csv:2:1",
    ),
    observed(
        "LIN-002",
        "export-to-an-unknown-bucket",
        "lis-db.labs.internal,s3://exports/results.csv\n",
        entity="Observed:exports",
        at="observed.csv:1:1",
    ),
    observed(
        "LIN-003",
        "identity-observed-on-a-results-only-flow",
        "source,target,data_categories\nlis-db.labs.internal,portal.labs.example,identity\n",
        entity="Observed:lis->portal",
        at="observed.csv:2:1",
    ),
    observed(
        "LIN-004",
        "row-without-a-target",
        "source,target\nlis-db.labs.internal\n",
        entity="Observed:observed.csv",
        at="observed.csv:2:1",
    ),
    observed(
        "LIN-005",
        "two-systems-claim-one-host",
        "lis-db.labs.internal,portal.labs.example\n",
        Edit(PORTAL, "identifiers: [portal.labs.example]", "identifiers: [lis-db.labs.internal]"),
        entity="System:portal",
        at=f"{PORTAL}:7:15",
    ),
    observed(
        "LIN-006",
        "category-unknown-to-the-register",
        "lis-db.labs.internal,portal.labs.example,horoscope\n",
        entity="Observed:category:horoscope",
        at="observed.csv:1:1",
    ),
    observed(
        "LIN-007",
        "only-a-header-no-movement",
        "source,target\n",
        entity="Observed:observed.csv",
        at="observed.csv:1:1",
    ),
    observed(
        "LIN-008",
        "an-event-without-its-producer",
        run_event() + run_event(producer=None),
        entity="Observed:observed.jsonl",
        at="observed.jsonl:2:1",
        file="observed.jsonl",
    ),
    trigger(
        "LIN-010",
        "stored-with-no-flow-in-or-out",
        Edit(
            PORTAL,
            "    retention: P1Y\n",
            "    retention: P1Y\n  - category: identity\n    retention: P1Y\n",
        ),
        entity="System:portal",
        at=f"{PORTAL}:10:15",
    ),
    trigger(
        "LIN-012",
        "system-no-activity-uses",
        Put("systems/old.yaml", "kind: System\nid: old\nname: Old LIS\n"),
        entity="System:old",
        at="systems/old.yaml:1:1",
    ),
]

NEAR_MISSES = [
    observed(
        "LIN-001",
        "documented-movement",
        "source,target\nlis-db.labs.internal,https://portal.labs.example/upload\n",
    ),
    observed(
        "LIN-002",
        "bucket-matched-by-a-glob",
        "lis-db.labs.internal,s3://exports/results.csv\n",
        Edit(PORTAL, "[portal.labs.example]", '[portal.labs.example, "s3://exports/*"]'),
    ),
    observed(
        "LIN-003",
        "observed-category-is-declared",
        "lis-db.labs.internal,portal.labs.example,Lab-Results\n",
    ),
    observed("LIN-004", "well-formed-rows", "source,target,count\nlis-db.labs.internal,x,3\n"),
    observed("LIN-005", "one-claim-per-host", "lis-db.labs.internal,portal.labs.example\n"),
    observed(
        "LIN-006",
        "category-named-by-its-name",
        "lis-db.labs.internal,portal.labs.example,laboratory test results\n",
    ),
    observed("LIN-007", "one-row-is-evidence", "source,target\nlis-db.labs.internal,x\n"),
    observed("LIN-008", "a-complete-event", run_event() * 2, file="observed.jsonl"),
    near_miss(
        "LIN-010",
        "the-system-passes-it-on",  # where identity originates
        Edit(
            PORTAL,
            "    retention: P1Y\n",
            "    retention: P1Y\n  - category: identity\n    retention: P1Y\n",
        ),
        Put(
            "flows/portal-to-lis.yaml",
            "kind: Flow\nid: portal-to-lis\nactivity: lab-testing\n"
            "from: portal\nto: lis\ndata_categories: [identity]\nencrypted_in_transit: true\n",
        ),
    ),
    near_miss(
        "LIN-012",
        "listed-in-the-activity",
        Put("systems/old.yaml", "kind: System\nid: old\nname: Old LIS\n"),
        Edit(
            ACT,
            "data_categories: [identity, lab-results]\n",
            "data_categories: [identity, lab-results]\nsystems: [old]\n",
        ),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_a_flow_under_a_misspelt_activity_does_not_cascade_into_an_unused_system(check_yaml):
    """The flow through `old` names its activity wrong: SCH-012 says so; `old` is used."""
    result = check_yaml(
        perturb(
            Put("systems/old.yaml", "kind: System\nid: old\nname: Old LIS\nstores: []\n"),
            Put(
                "flows/lis-to-old.yaml",
                "kind: Flow\nid: lis-to-old\nactivity: lab-testin\nfrom: lis\nto: old\n"
                "encrypted_in_transit: true\n",
            ),
        )
    )
    assert_finding(result, "SCH-012", "Flow:lis-to-old", "flows/lis-to-old.yaml:3:11")
    assert_no_finding(result, "LIN-012")
