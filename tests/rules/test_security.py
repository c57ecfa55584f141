"""Art. 32 rules: security of processing, per system and per flow."""

from __future__ import annotations

import pytest

from tests.builder import Edit, Put, near_miss, trigger

LIS = "systems/lis.yaml"
PORTAL = "systems/portal.yaml"
TO_PORTAL = "flows/results-to-portal.yaml"
LIS_IDENTITY_ONLY = Edit(
    LIS, "  - category: lab-results\n    retention: P10Y after last visit\n", ""
)
MIGRATION = """
    kind: Flow
    id: lis-migration
    activity: lab-testing
    from: lis
    to: portal
    type: migration
    data_categories: [lab-results]
    encrypted_in_transit: true
"""
ARCHIVE = """
    kind: System
    id: archive
    name: Results archive
    operator: labs
    country: FR
    stores:
      - {category: lab-results, retention: P10Y}
    security: {encryption_at_rest: true, authentication: individual,
               monitoring: true, alert_escalation: true}
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
ARCHIVING = """
    kind: Flow
    id: archiving
    activity: lab-testing
    from: portal
    to: archive
    data_categories: [lab-results]
    encrypted_in_transit: false
"""

TRIGGERS = [
    trigger(
        "SEC-001",
        "health-data-unencrypted-at-rest",
        Edit(LIS, "encryption_at_rest: true", "encryption_at_rest: false"),
        entity="System:lis",
        at=f"{LIS}:13:23",
    ),
    trigger(
        "SEC-001",
        "encryption-not-documented",
        Edit(LIS, "  encryption_at_rest: true\n", ""),
        entity="System:lis",
        at=f"{LIS}:13:3",  # the security mapping (its first key): the key to add is missing
    ),
    trigger(
        "SEC-002",
        "internet-exposed-without-authentication",
        Edit(PORTAL, "authentication: individual", "authentication: none"),
        entity="System:portal",
        at=f"{PORTAL}:12:19",
    ),
    trigger(
        "SEC-002",
        "public-area-beside-shared-accounts",  # judged by its weakest way in: none
        Edit(PORTAL, "authentication: individual", "authentication: [none, shared]"),
        entity="System:portal",
        at=f"{PORTAL}:12:19",
    ),
    trigger(
        "SEC-002",
        "individual-accounts-beside-a-public-area",
        Edit(PORTAL, "authentication: individual", "authentication: [individual, none]"),
        entity="System:portal",
        at=f"{PORTAL}:12:19",
    ),
    trigger(
        "SEC-003",
        "shared-accounts",
        Edit(LIS, "authentication: individual", "authentication: shared"),
        entity="System:lis",
        at=f"{LIS}:14:19",
    ),
    trigger(
        "SEC-003",
        "shared-accounts-beside-individual-ones",
        Edit(LIS, "authentication: individual", "authentication: [individual, shared]"),
        entity="System:lis",
        at=f"{LIS}:14:19",
    ),
    trigger(
        "SEC-003",
        "shared-accounts-beside-a-public-area",  # not exposed: only SEC-003 can say it
        Edit(LIS, "authentication: individual", "authentication: [none, shared]"),
        entity="System:lis",
        at=f"{LIS}:14:19",
    ),
    trigger(
        "SEC-004",
        "special-categories-unmonitored",
        Edit(PORTAL, "monitoring: true", "monitoring: false"),
        entity="System:portal",
        at=f"{PORTAL}:15:15",
    ),
    trigger(
        "SEC-004",
        "no-alert-escalation",
        Edit(PORTAL, "alert_escalation: true", "alert_escalation: false"),
        entity="System:portal",
        at=f"{PORTAL}:16:21",
    ),
    trigger(
        "SEC-005",
        "migration-without-procedure",
        Put("flows/lis-migration.yaml", MIGRATION),
        entity="Flow:lis-migration",
        at="flows/lis-migration.yaml:6:7",  # `type: migration`
    ),
    trigger(
        "SEC-006",
        "flow-between-organisations-in-clear",
        Edit(TO_PORTAL, "encrypted_in_transit: true", "encrypted_in_transit: false"),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:8:23",
    ),
    trigger(
        "SEC-006",
        "collection-from-subjects-in-clear",
        Edit("flows/sample-intake.yaml", "encrypted_in_transit: true\n", ""),
        entity="Flow:sample-intake",
        at="flows/sample-intake.yaml:1:1",
    ),
    trigger(
        "SEC-006",
        "electronic-collection-in-clear",  # the default medium, written out
        Edit("flows/sample-intake.yaml", "encrypted_in_transit: true\n", "medium: electronic\n"),
        entity="Flow:sample-intake",
        at="flows/sample-intake.yaml:1:1",
    ),
    trigger(
        "SEC-007",
        "exposed-special-categories-without-mfa",
        Edit(PORTAL, "mfa: true", "mfa: false"),
        entity="System:portal",
        at=f"{PORTAL}:13:8",
    ),
]

NEAR_MISSES = [
    near_miss(
        "SEC-001",
        "unencrypted-but-no-special-category",
        LIS_IDENTITY_ONLY,
        Edit(LIS, "encryption_at_rest: true", "encryption_at_rest: false"),
    ),
    near_miss(
        "SEC-002",
        "no-authentication-but-not-exposed",
        Edit(PORTAL, "authentication: individual", "authentication: none"),
        Edit(PORTAL, "internet_exposed: true", "internet_exposed: false"),
    ),
    near_miss(
        "SEC-002",
        "exposed-with-individual-accounts-written-as-a-list",
        Edit(PORTAL, "authentication: individual", "authentication: [individual]"),
    ),
    near_miss(
        "SEC-002",
        "exposed-with-shared-and-individual-accounts",  # weakest is shared: SEC-003's
        Edit(PORTAL, "authentication: individual", "authentication: [individual, shared]"),
    ),
    near_miss(
        "SEC-003",
        "individual-accounts-written-as-a-list",
        Edit(LIS, "authentication: individual", "authentication: [individual]"),
    ),
    near_miss(
        "SEC-003",
        "shared-accounts-on-a-system-without-personal-data",
        Edit(LIS, "authentication: individual", "authentication: shared"),
        Edit(
            LIS,
            "stores:\n  - category: identity\n    retention: P10Y\n"
            "  - category: lab-results\n    retention: P10Y after last visit\n",
            "stores: []\n",
        ),
    ),
    near_miss(
        "SEC-004",
        "unmonitored-but-no-special-category",
        LIS_IDENTITY_ONLY,
        Edit(LIS, "monitoring: true", "monitoring: false"),
        Edit(LIS, "alert_escalation: true", "alert_escalation: false"),
    ),
    near_miss(
        "SEC-005",
        "migration-with-procedure",
        Put(
            "flows/lis-migration.yaml",
            MIGRATION + "    procedure: https://wiki.biolab.example/lis-migration\n",
        ),
    ),
    near_miss(
        "SEC-006",
        "flow-within-one-organisation-in-clear",
        Put("systems/archive.yaml", ARCHIVE),
        Put("flows/archiving.yaml", ARCHIVING),
    ),
    near_miss(
        "SEC-006",
        "paper-form-from-subjects",  # a form handed in: nothing to encrypt in transit
        Edit("flows/sample-intake.yaml", "encrypted_in_transit: true\n", "medium: paper\n"),
    ),
    near_miss(
        "SEC-006",
        "paper-between-organisations",  # printed results posted to another organisation
        Edit(TO_PORTAL, "encrypted_in_transit: true", "medium: paper"),
    ),
    near_miss(
        "SEC-007",
        "no-mfa-but-not-exposed",
        Edit(PORTAL, "mfa: true", "mfa: false"),
        Edit(PORTAL, "internet_exposed: true", "internet_exposed: false"),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
