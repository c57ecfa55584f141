"""Art. 5(1)(e) rules: storage limitation, above all for temporary stores."""

from __future__ import annotations

import pytest

from registry.pipeline.check import CheckResult
from tests.builder import Edit, Put, describe, near_miss, perturb, trigger


def _message_has(result: CheckResult, code: str, text: str) -> None:
    hits = [f for f in result.findings if f.rule == code]
    assert any(text in f.message for f in hits), describe(hits)

LIS = "systems/lis.yaml"
ACT = "activities/lab-testing.yaml"
LIS_IDENTITY = "    retention: P10Y\n"  # systems/lis.yaml line 9: the identity's retention
ACT_IDENTITY = "{category: identity, period: P10Y}"  # activity line 13
LIS_STORES = (
    "stores:\n  - category: identity\n    retention: P10Y\n"
    "  - category: lab-results\n    retention: P10Y after last visit\n"
)
STAGING = """
    kind: System
    id: staging
    name: Migration staging server
    operator: labs
    country: FR
    stores:
      - {category: lab-results, retention: P3M}
    security: {encryption_at_rest: true, authentication: individual,
               monitoring: true, alert_escalation: true}
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
TO_STAGING = """
    kind: Flow
    id: extract
    activity: lab-testing
    from: lis
    to: staging
    type: migration
    procedure: https://wiki.biolab.example/migration
    data_categories: [lab-results]
    encrypted_in_transit: true
"""
FROM_STAGING = """
    kind: Flow
    id: load
    activity: lab-testing
    from: staging
    to: portal
    type: migration
    procedure: https://wiki.biolab.example/migration
    data_categories: [lab-results]
    encrypted_in_transit: true
"""

TRIGGERS = [
    trigger(
        "RET-001",
        "stored-category-without-retention",
        Edit(LIS, "    retention: P10Y\n", ""),
        entity="System:lis",
        at=f"{LIS}:8:5",  # the `- category: identity` item
    ),
    trigger(
        "RET-002",
        "temporary-store-without-deadline",
        Put("systems/staging.yaml", STAGING + "    temporary: true\n"),
        entity="System:staging",
        at="systems/staging.yaml:12:12",  # `temporary: true`
    ),
    trigger(
        "RET-002",
        "migration-staging-store-that-passes-data-on",
        Put("systems/staging.yaml", STAGING),
        Put("flows/extract.yaml", TO_STAGING),
        Put("flows/load.yaml", FROM_STAGING),
        entity="System:staging",
        at="systems/staging.yaml:1:1",  # no `temporary` key: the entity
    ),
    trigger(
        "RET-003",
        "deadline-passed-with-data-still-stored",
        Put("systems/staging.yaml", STAGING + "    temporary: true\n    delete_by: 2026-11-28\n"),
        entity="System:staging",
        at="systems/staging.yaml:13:12",
    ),
    trigger(
        "RET-004",
        "indefinite-short-form-without-justification",
        Edit(LIS, LIS_IDENTITY, "    retention: indefinite\n"),
        entity="System:lis",
        at=f"{LIS}:9:16",
    ),
    trigger(
        "RET-004",
        "activity-keeps-a-category-indefinitely-unjustified",
        Edit(ACT, ACT_IDENTITY, "{category: identity, indefinite: true}"),
        entity="Activity:lab-testing",
        at=f"{ACT}:13:38",  # `indefinite: true`: the justification belongs beside it
    ),
    trigger(
        "RET-004",
        "placeholder-justification",
        Edit(LIS, LIS_IDENTITY, "    retention: {indefinite: true, justification: tbd}\n"),
        entity="System:lis",
        at=f"{LIS}:9:50",  # `tbd`
        also=lambda r: _message_has(r, "RET-004", "'tbd'"),
    ),
    trigger(
        "RET-005",
        "provider-default-short-form",
        Edit(LIS, LIS_IDENTITY, "    retention: provider default\n"),
        entity="System:lis",
        at=f"{LIS}:9:16",
        also=lambda r: _message_has(r, "RET-005", "'provider default'"),
    ),
    trigger(
        "RET-005",
        "as-long-as-necessary-until",
        Edit(LIS, LIS_IDENTITY, "    retention: {until: as long as necessary}\n"),
        entity="System:lis",
        at=f"{LIS}:9:24",
    ),
    trigger(
        "RET-005",
        "activity-retention-to-be-defined",
        Edit(ACT, ACT_IDENTITY, "{category: identity, until: TBD}"),
        entity="Activity:lab-testing",
        at=f"{ACT}:13:33",
    ),
    trigger(
        "RET-005",
        "period-counted-from-a-vague-event",
        Edit(LIS, LIS_IDENTITY, "    retention: P1Y after no longer needed\n"),
        entity="System:lis",
        at=f"{LIS}:9:16",
    ),
]

NEAR_MISSES = [
    near_miss(
        "RET-001",
        "retention-as-a-mapping",
        Edit(LIS, "    retention: P10Y\n", "    retention: {period: P10Y, source: CSP R.1112-7}\n"),
    ),
    near_miss(
        "RET-001",
        "retention-until-an-event",
        Edit(LIS, LIS_IDENTITY, "    retention: until account deletion\n"),
    ),
    near_miss(
        "RET-001",
        "retention-indefinite-and-justified",
        Edit(
            LIS,
            LIS_IDENTITY,
            "    retention: {indefinite: true, justification: Public archives (Code du"
            " patrimoine L212-2)}\n",
        ),
    ),
    near_miss(
        "RET-001",
        "transient-system-keeps-nothing",
        Edit(LIS, LIS_STORES, "stores: []\n"),
    ),
    near_miss(
        "RET-002",
        "temporary-transient-system",  # nothing kept, nothing to delete
        Put(
            "systems/staging.yaml",
            STAGING.replace("      - {category: lab-results, retention: P3M}\n", "").replace(
                "stores:", "stores: []"
            )
            + "    temporary: true\n",
        ),
    ),
    near_miss(
        "RET-004",
        "indefinite-with-its-justification",
        Edit(
            LIS,
            LIS_IDENTITY,
            "    retention:\n      indefinite: true\n"
            "      justification: archives in the public interest (Code du patrimoine L212-2)\n",
        ),
    ),
    near_miss(
        "RET-004",
        "activity-indefinite-with-its-justification",
        Edit(
            ACT,
            ACT_IDENTITY,
            "{category: identity, indefinite: true,"
            " justification: register of blood donors kept for traceability}",
        ),
    ),
    near_miss(
        "RET-005",
        "until-account-deletion",
        Edit(LIS, LIS_IDENTITY, "    retention: until account deletion\n"),
    ),
    near_miss(
        "RET-005",
        "activity-until-unsubscribe",
        Edit(ACT, ACT_IDENTITY, "{category: identity, until: unsubscribe}"),
    ),
    near_miss(
        "RET-005",
        "an-event-that-mentions-a-default",  # a payment default is an event, not a vagueness
        Edit(LIS, LIS_IDENTITY, "    retention: until the payment default is settled\n"),
    ),
    near_miss(
        "RET-005",
        "as-long-as-a-named-law-requires",
        Edit(
            LIS, LIS_IDENTITY, "    retention: {until: as long as required by CSP R.1112-7}\n"
        ),
    ),
    near_miss(
        "RET-002",
        "temporary-store-with-deadline",
        Put("systems/staging.yaml", STAGING + "    temporary: true\n    delete_by: 2027-01-31\n"),
    ),
    near_miss(
        "RET-002",
        "migration-target-that-is-the-new-home",  # it passes nothing on
        Put("systems/staging.yaml", STAGING),
        Put("flows/extract.yaml", TO_STAGING),
    ),
    near_miss(
        "RET-003",
        "deadline-is-today",
        Put("systems/staging.yaml", STAGING + "    temporary: true\n    delete_by: 2026-11-29\n"),
    ),
    near_miss(
        "RET-003",
        "deadline-passed-and-data-deleted",
        Put(
            "systems/staging.yaml",
            STAGING.replace("      - {category: lab-results, retention: P3M}\n", "").replace(
                "stores:", "stores: []"
            )
            + "    temporary: true\n    delete_by: 2026-11-28\n",
        ),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_a_transient_system_owes_no_retention(check_yaml):
    """`stores: []`: data passes through the LIS (flows bring identity and lab results to it);
    no retention rule asks anything of it, and its security is still judged."""
    result = check_yaml(
        perturb(
            Edit(LIS, LIS_STORES, "stores: []\n"),
            Edit(LIS, "authentication: individual", "authentication: shared"),
        )
    )
    assert [f for f in result.findings if f.rule.startswith("RET")] == []
    assert [f for f in result.findings if f.rule.startswith("SCH")] == []
    # security still judged: SEC-101 (special categories arrive below the Art. 32 bar)
    assert any(f.rule == "SEC-101" for f in result.findings), describe(result.findings)


def test_vague_is_a_warning_and_missing_stays_an_error(check_yaml):
    vague = check_yaml(perturb(Edit(LIS, LIS_IDENTITY, "    retention: provider default\n")))
    missing = check_yaml(perturb(Edit(LIS, LIS_IDENTITY, "")))
    assert {(f.rule, f.severity.value) for f in vague.findings} == {("RET-005", "warning")}
    assert {(f.rule, f.severity.value) for f in missing.findings} == {("RET-001", "error")}
