"""Art. 5(1)(e) rules: storage limitation, above all for temporary stores."""

from __future__ import annotations

import pytest

from tests.builder import Edit, Put, near_miss, trigger

LIS = "systems/lis.yaml"
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
]

NEAR_MISSES = [
    near_miss(
        "RET-001",
        "retention-as-a-mapping",
        Edit(LIS, "    retention: P10Y\n", "    retention: {period: P10Y, source: CSP R.1112-7}\n"),
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
