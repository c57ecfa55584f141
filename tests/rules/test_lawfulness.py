"""Art. 6, 9 and 10 rules: a lawful basis per purpose, a condition for special data."""

from __future__ import annotations

import pytest

from tests.builder import Edit, near_miss, perturb, trigger

ACT = "activities/lab-testing.yaml"
BASIS = "    legal_basis: public_task\n"

TRIGGERS = [
    trigger(
        "LAW-001",
        "purpose-without-basis",
        Edit(ACT, BASIS, ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",  # the purpose item
    ),
    trigger(
        "LAW-001",
        "second-purpose-without-basis",
        Edit(ACT, BASIS, BASIS + "  - purpose: Quality control of the analysers\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:8:5",
    ),
    trigger(
        "LAW-002",
        "health-data-without-art9-condition",
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "LAW-002",
        "child-of-health-without-condition",  # hiv-status inherits `special: health`
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        Edit(ACT, "[identity, lab-results]", "[identity, hiv-status]"),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "LAW-003",
        "criminal-data-without-authority",
        Edit(ACT, "[identity, lab-results]", "[identity, lab-results, criminal]"),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "LAW-004",
        "legitimate-interests-unstated",
        Edit(ACT, "legal_basis: public_task", "legal_basis: legitimate_interests"),
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",
    ),
]

NEAR_MISSES = [
    near_miss(
        "LAW-001",
        "two-purposes-each-with-a-basis",
        Edit(
            ACT,
            BASIS,
            BASIS
            + "  - purpose: Quality control of the analysers\n    legal_basis: legal_obligation\n",
        ),
    ),
    near_miss(
        "LAW-002",
        "national-id-is-not-art9",  # Art. 87 data needs no Art. 9(2) condition
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        Edit(ACT, "[identity, lab-results]", "[identity, national-id]"),
    ),
    near_miss(
        "LAW-003",
        "criminal-data-with-authority",
        Edit(ACT, "[identity, lab-results]", "[identity, lab-results, criminal]"),
        Edit(
            ACT,
            "art9_condition:",
            "art10_authority: Code de procédure pénale, art. 776\nart9_condition:",
        ),
    ),
    near_miss(
        "LAW-004",
        "legitimate-interests-stated",
        Edit(
            ACT,
            "legal_basis: public_task",
            "legal_basis: legitimate_interests\n    legitimate_interests: Detect fraud",
        ),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_one_finding_per_purpose_without_basis(check_yaml):
    result = check_yaml(
        perturb(Edit(ACT, BASIS, "  - purpose: Quality control of the analysers\n"))
    )
    lines = sorted(f.pos.line for f in result.findings if f.rule == "LAW-001")
    assert lines == [6, 7]
