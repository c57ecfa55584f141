"""Art. 28 rules: processors work under a signed, complete, unexpired contract."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builder import Drop, Edit, Put, assert_no_finding, near_miss, perturb, trigger

DPA = "contracts/lis-dpa.yaml"
INTAKE = "flows/sample-intake.yaml"
CLOUD = """
    kind: Organisation
    id: cloud-host
    name: Hexacloud
    country: FR
    address: 2 quai du Port, 13002 Marseille
"""
BACKUP = """
    kind: System
    id: lis-backup
    name: LIS backups
    operator: cloud-host
    country: FR
    stores:
      - {category: lab-results, retention: P1Y}
    security: {encryption_at_rest: true, authentication: individual,
               monitoring: true, alert_escalation: true}
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
BACKUP_FLOW = """
    kind: Flow
    id: lis-backup-copy
    activity: lab-testing
    from: lis
    to: lis-backup
    data_categories: [lab-results]
    data_subjects: [patients]
    encrypted_in_transit: true
"""
SUBPROCESSOR = (
    Put("organisations/cloud-host.yaml", CLOUD),
    Put("systems/lis-backup.yaml", BACKUP),
    Put("flows/lis-backup-copy.yaml", BACKUP_FLOW),
)
JOINT = """
    kind: Contract
    id: joint-research
    type: joint_controller_arrangement
    parties: [labs, lis-vendor]
    signed: 2024-01-15
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""

SUB_CONTRACT = """
    kind: Contract
    id: lis-backup-subprocessing
    type: sub_processing
    controller: lis-vendor
    processor: cloud-host
    signed: 2024-02-01
    scope:
      activities: [lab-testing]
      data_categories: [lab-results]
      data_subjects: [patients]
    art28_clauses: {documented_instructions: true, confidentiality: true, security: true,
                    sub_processors: true, data_subject_rights: true, compliance_assistance: true,
                    deletion_or_return: true, audits: true}
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
SUBPROCESSING_CHAIN = (
    *SUBPROCESSOR,
    Put("contracts/lis-backup-subprocessing.yaml", SUB_CONTRACT),
    Edit(
        "flows/lis-backup-copy.yaml",
        "encrypted_in_transit: true",
        "encrypted_in_transit: true\ncontract: lis-backup-subprocessing",
    ),
)
AUTHORISE_CLOUD = Edit(
    DPA, "art28_clauses:", "authorised_subprocessors: [cloud-host]\nart28_clauses:"
)

TRIGGERS = [
    trigger(
        "DPA-001",
        "sub-processing-contract-the-controller-did-not-authorise",
        *SUBPROCESSING_CHAIN,
        entity="Flow:lis-backup-copy",
        at="flows/lis-backup-copy.yaml:9:11",  # `contract: lis-backup-subprocessing`
    ),
    trigger(
        "DPA-001",
        "flow-to-processor-without-contract",
        Edit(INTAKE, "contract: lis-dpa\n", ""),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5:5",  # `to: lis`
    ),
    trigger(
        "DPA-001",
        "flow-under-expired-contract",
        Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-28"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:8:11",  # `contract: lis-dpa`
    ),
    trigger(
        "DPA-001",
        "contract-between-other-parties",
        Edit(DPA, "controller: labs", "controller: lis-vendor"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:8",
    ),
    trigger(
        "DPA-002",
        "system-run-by-processor-under-expired-dpa",
        Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-28"),
        entity="System:lis",
        at="systems/lis.yaml:5:11",  # `operator: lis-vendor`
    ),
    trigger(
        "DPA-003",
        "dpa-without-audit-clause",
        Edit(DPA, "  audits: true\n", ""),
        entity="Contract:lis-dpa",
        at=f"{DPA}:13:3",  # the art28_clauses mapping
    ),
    trigger(
        "DPA-003",
        "clause-marked-false",
        Edit(DPA, "  confidentiality: true\n", "  confidentiality: false\n"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:13",
    ),
    trigger(
        "DPA-004",
        "dpa-expired",
        Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-28"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:7:10",
    ),
    trigger(
        "DPA-004",
        "dpa-signed-in-the-future",
        Edit(DPA, "signed: 2024-01-15", "signed: 2026-12-01"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:6:9",
    ),
    trigger(
        "DPA-004",
        "dpa-unsigned",
        Edit(DPA, "signed: 2024-01-15\n", ""),
        entity="Contract:lis-dpa",
        at=f"{DPA}:1:1",
    ),
    trigger(
        "DPA-005",
        "processor-passes-data-to-unauthorised-subprocessor",
        *SUBPROCESSOR,
        entity="Flow:lis-backup-copy",
        at="flows/lis-backup-copy.yaml:5:5",
    ),
]

NEAR_MISSES = [
    near_miss(
        "DPA-001",
        "authorised-sub-processing-chain",
        *SUBPROCESSING_CHAIN,
        AUTHORISE_CLOUD,
        also=lambda result: assert_no_finding(result, "DPA-002"),
    ),
    near_miss(
        "DPA-001",
        "flow-to-controllers-own-system",  # portal is run by labs itself
        Edit(INTAKE, "to: lis", "to: portal"),
        Edit(INTAKE, "contract: lis-dpa\n", ""),
    ),
    near_miss(
        "DPA-001",
        "contract-expires-on-the-day-checked",
        Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-29"),
    ),
    near_miss(
        "DPA-002",
        "contract-expires-on-the-day-checked",
        Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-29"),
    ),
    near_miss(
        "DPA-002",
        "operator-is-a-joint-controller",
        Drop(DPA),
        Edit(INTAKE, "contract: lis-dpa\n", ""),
        Edit(
            "activities/lab-testing.yaml",
            "controller: labs\n",
            "controller: labs\njoint_controllers: [lis-vendor]\n",
        ),
    ),
    near_miss(
        "DPA-003",
        "joint-controller-arrangement-needs-no-art28-clauses",
        Put("contracts/joint-research.yaml", JOINT),
    ),
    near_miss(
        "DPA-004",
        "contract-signed-on-the-day-checked",
        Edit(DPA, "signed: 2024-01-15", "signed: 2026-11-29"),
    ),
    near_miss(
        "DPA-004",
        "unsigned-joint-arrangement-is-not-a-processing-contract",
        Put("contracts/joint-research.yaml", JOINT.replace("    signed: 2024-01-15\n", "")),
    ),
    near_miss(
        "DPA-005",
        "subprocessor-authorised",
        *SUBPROCESSOR,
        AUTHORISE_CLOUD,
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_contract_judged_as_of_the_given_date(check_yaml):
    """The same inventory passes before the DPA expires and fails after."""
    files = perturb(Edit(DPA, "expires: 2027-01-15", "expires: 2026-11-29"))
    before = check_yaml(files, dt.date(2026, 11, 29))
    after = check_yaml(files, dt.date(2026, 11, 30))
    assert_no_finding(before, "DPA-004")
    assert [f.entity for f in after.findings if f.rule == "DPA-004"] == ["Contract:lis-dpa"]
    assert before.failed is False and after.failed is True
