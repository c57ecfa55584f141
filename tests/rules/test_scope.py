"""Art. 29 and 5(1)(c) rules: a flow carries only what its activity and contract allow."""

from __future__ import annotations

import pytest

from tests.builder import Edit, Put, near_miss, trigger

ACT = "activities/lab-testing.yaml"
DPA = "contracts/lis-dpa.yaml"
INTAKE = "flows/sample-intake.yaml"
FLOW_CATEGORIES = "data_categories: [identity, lab-results]\ndata_subjects"

TRIGGERS = [
    trigger(
        "SCP-001",
        "flow-carries-category-outside-activity",  # the Dedalus over-extraction
        Edit(INTAKE, "[identity, lab-results]", "[identity, lab-results, diagnoses]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:6:42",  # `diagnoses`
    ),
    trigger(
        "SCP-002",
        "flow-carries-subjects-outside-activity",
        Edit(INTAKE, "data_subjects: [patients]", "data_subjects: [patients, employees]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:7:27",  # `employees`
    ),
    trigger(
        "SCP-003",
        "flow-carries-category-outside-contract",
        Edit(DPA, "  data_categories: [identity, lab-results]", "  data_categories: [lab-results]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:6:19",  # `identity`
    ),
    trigger(
        "SCP-003",
        "flow-for-activity-outside-contract",
        Edit(DPA, "  activities: [lab-testing]", "  activities: [billing]"),
        Put(
            "activities/billing.yaml",
            """
            kind: Activity
            id: billing
            name: Billing
            """,
        ),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:3:11",  # `activity: lab-testing`
    ),
    trigger(
        "SCP-003",
        "flow-carries-subjects-outside-contract",
        Edit(DPA, "  data_subjects: [patients]", "  data_subjects: [employees]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:7:17",
    ),
    trigger(
        "SCP-004",
        "dpa-without-subjects-in-scope",
        Edit(DPA, "  data_subjects: [patients]\n", ""),
        entity="Contract:lis-dpa",
        at=f"{DPA}:9:3",  # the scope mapping
    ),
    trigger(
        "SCP-004",
        "dpa-without-scope",
        Edit(
            DPA,
            "scope:\n  activities: [lab-testing]\n  data_categories: [identity, lab-results]\n"
            "  data_subjects: [patients]\n",
            "",
        ),
        entity="Contract:lis-dpa",
        at=f"{DPA}:1:1",
    ),
]

NEAR_MISSES = [
    near_miss(
        "SCP-001",
        "sub-category-of-a-declared-category",
        Edit(
            ACT, "data_categories: [identity, lab-results]", "data_categories: [identity, health]"
        ),
        Edit(ACT, "  - category: lab-results\n", "  - category: health\n"),
        Edit(INTAKE, "[identity, lab-results]", "[identity, diagnoses]"),
        Edit(DPA, "[identity, lab-results]", "[identity, health]"),
    ),
    near_miss(
        "SCP-002",
        "subjects-declared-by-activity",
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [patients, employees]"),
        Edit(INTAKE, "data_subjects: [patients]", "data_subjects: [patients, employees]"),
        Edit(DPA, "data_subjects: [patients]", "data_subjects: [patients, employees]"),
    ),
    near_miss(
        "SCP-003",
        "contract-scope-names-the-parent-category",
        Edit(
            DPA,
            "  data_categories: [identity, lab-results]",
            "  data_categories: [identity, health]",
        ),
    ),
    near_miss(
        "SCP-004",
        "joint-controller-arrangement-without-scope",
        Put(
            "contracts/joint-research.yaml",
            """
            kind: Contract
            id: joint-research
            type: joint_controller_arrangement
            parties: [labs, lis-vendor]
            signed: 2024-01-15
            last_reviewed: {date: 2026-06-01, by: Claire Martin}
            review_every: P1Y
            """,
        ),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
