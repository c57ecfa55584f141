"""Art. 28 rules: processors work under a signed, complete, unexpired contract."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builder import (
    Drop,
    Edit,
    Put,
    assert_finding,
    assert_no_finding,
    near_miss,
    perturb,
    trigger,
)

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
# Art. 28(2): a general written authorisation by reference to the vendor's list.
AUTHORISE_GENERALLY = Edit(
    DPA,
    "art28_clauses:",
    "general_authorisation:\n  list: https://labsoft.example/subprocessors\n  notice: P30D\n"
    "art28_clauses:",
)
BACKUP_UNDER_LIS_DPA = Edit(
    "flows/lis-backup-copy.yaml",
    "encrypted_in_transit: true",
    "encrypted_in_transit: true\ncontract: lis-dpa",
)
CLOUD_DPA = """
    kind: Contract
    id: cloud-dpa
    type: dpa
    controller: labs
    processor: cloud-host
    signed: 2025-03-01
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
ONLINE_DPA = Edit(DPA, "signed: 2024-01-15", "accepted: 2024-01-15")
# A research institute sharing the purposes and means (Art. 26), and an arrangement.
INSTITUTE = Put(
    "organisations/institute.yaml",
    """
    kind: Organisation
    id: institute
    name: Institut de recherche clinique
    country: FR
    address: 1 rue de la Recherche, 69008 Lyon
    """,
)
JOINT_ACTIVITY = Edit(
    "activities/lab-testing.yaml",
    "controller: labs\n",
    "controller: labs\njoint_controllers: [institute]\n",
)
ARRANGEMENT = """
    kind: Contract
    id: jca-institute
    type: joint_controller_arrangement
    parties: [labs, institute]
    signed: 2024-06-01
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
# The DPA renewed: the same parties, signed before the old one lapses.
RENEWAL = """
    kind: Contract
    id: lis-dpa-2
    type: dpa
    controller: labs
    processor: lis-vendor
    signed: {signed}
    expires: {expires}
    scope:
      activities: [lab-testing]
      data_categories: [identity, lab-results]
      data_subjects: [patients]
    art28_clauses: {{documented_instructions: true, confidentiality: true, security: true,
                    sub_processors: true, data_subject_rights: true, compliance_assistance: true,
                    deletion_or_return: true, audits: true}}
    last_reviewed: {{date: 2026-06-01, by: Claire Martin}}
    review_every: P1Y
"""
TO_INSTITUTE = """
    kind: Flow
    id: results-to-institute
    activity: lab-testing
    from: portal
    to: institute
    recipient_role: {role}
    data_categories: [lab-results]
    data_subjects: [patients]
    encrypted_in_transit: true
"""
# A payment network's own gateway: it receives as an independent controller.
GATEWAY = (
    Put(
        "organisations/paynet.yaml",
        """
        kind: Organisation
        id: paynet
        name: Carte Réseau
        country: FR
        address: 5 rue des Paiements, Paris
        """,
    ),
    Put(
        "systems/pay-gateway.yaml",
        """
        kind: System
        id: pay-gateway
        name: Card payment gateway
        operator: paynet
        country: FR
        stores: [{category: identity, retention: P13M}]
        """,
    ),
    Put(
        "flows/payment.yaml",
        """
        kind: Flow
        id: payment
        activity: lab-testing
        from: portal
        to: pay-gateway
        recipient_role: controller
        data_categories: [identity]
        data_subjects: [patients]
        encrypted_in_transit: true
        """,
    ),
)


def no(code: str):
    def check(result) -> None:
        assert_no_finding(result, code)

    return check


def cloud_host_message(result) -> None:
    (finding,) = [f for f in result.findings if f.rule == "DPA-002"]
    assert finding.message == (
        "cloud-host runs system lis-backup for labs with neither a DPA with labs nor "
        "authorised as sub-processor by labs's contract with lis-vendor"
    )


def institute_is_a_recipient(result, role: str) -> None:
    """Joint and independent controllers are listed among the recipients (Art. 30(1)(d))."""
    recipients = result.record.activities["lab-testing"].recipients
    assert ("institute", role) in [(r.organisation, r.role) for r in recipients]


def gateway_is_a_controller_recipient(result) -> None:
    for code in ("DPA-001", "DPA-005"):
        assert_no_finding(result, code)
    row = result.record.activities["lab-testing"]
    assert ("Carte Réseau", "controller", "paynet") in [
        (r.name, r.role, r.organisation) for r in row.recipients
    ]
    assert "paynet" not in [p.organisation for p in row.processors]


TRIGGERS = [
    trigger(
        "DPA-001",
        "dpa-accepted-online-after-the-date-checked",
        Edit(DPA, "signed: 2024-01-15", "accepted: 2026-12-01"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:8:11",
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
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-28"),
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
        "processor-runs-system-under-expired-dpa",  # on the organisation, not the system
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-28"),
        entity="Organisation:lis-vendor",
        at="organisations/lis-vendor.yaml:1:1",
    ),
    trigger(
        "DPA-002",
        "sub-processor-engaged-by-the-vendor-without-authorisation",
        *SUBPROCESSING_CHAIN,
        entity="Organisation:cloud-host",
        at="organisations/cloud-host.yaml:1:1",
        also=cloud_host_message,
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
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-28"),
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
        "DPA-004",
        "online-dpa-accepted-after-the-date-checked",
        Edit(DPA, "signed: 2024-01-15", "accepted: 2026-12-01"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:6:11",
    ),
    trigger(
        "DPA-005",
        "processor-passes-data-to-unauthorised-subprocessor",
        *SUBPROCESSOR,
        entity="Flow:lis-backup-copy",
        at="flows/lis-backup-copy.yaml:5:5",
        also=no("DPA-001"),  # one gap, one error on the flow
    ),
    trigger(
        "DPA-005",
        "sub-processing-contract-the-controller-did-not-authorise",
        *SUBPROCESSING_CHAIN,
        entity="Flow:lis-backup-copy",
        at="flows/lis-backup-copy.yaml:5:5",
        also=no("DPA-001"),
    ),
    trigger(
        "DPA-006",
        "joint-controller-without-arrangement",
        INSTITUTE,
        JOINT_ACTIVITY,
        entity="Activity:lab-testing",
        at="activities/lab-testing.yaml:5:21",  # `institute` in joint_controllers
    ),
    trigger(
        "DPA-006",
        "arrangement-expired",
        INSTITUTE,
        JOINT_ACTIVITY,
        Put(
            "contracts/jca-institute.yaml",
            ARRANGEMENT.replace(
                "signed: 2024-06-01", "signed: 2024-06-01\n    expires: 2025-06-01"
            ),
        ),
        entity="Activity:lab-testing",
        at="activities/lab-testing.yaml:5:21",
    ),
    trigger(
        "DPA-006",
        "flow-to-a-joint-controller-without-arrangement",
        INSTITUTE,
        Put("flows/results-to-institute.yaml", TO_INSTITUTE.format(role="joint_controller")),
        entity="Flow:results-to-institute",
        at="flows/results-to-institute.yaml:6:17",  # `joint_controller`
    ),
    trigger(
        "DPA-002",
        "dpa-signed-by-an-organisation-that-is-not-a-controller-of-the-activity",
        INSTITUTE,
        Edit(DPA, "controller: labs", "controller: institute"),
        entity="Organisation:lis-vendor",
        at="organisations/lis-vendor.yaml:1:1",
    ),
    trigger(
        "DPA-007",
        "dpa-expires-within-90-days",
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-01-15"),  # in 47 days
        entity="Contract:lis-dpa",
        at=f"{DPA}:7:10",
    ),
    trigger(
        "DPA-007",
        "dpa-expires-on-the-day-checked",  # still in force today (DPA-004 from tomorrow)
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-29"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:7:10",
        also=no("DPA-004"),
    ),
    trigger(
        "DPA-007",
        "arrangement-expires-in-90-days",  # every contract type, not only DPAs
        INSTITUTE,
        JOINT_ACTIVITY,
        Put("contracts/jca-institute.yaml", ARRANGEMENT + "    expires: 2027-02-27\n"),
        entity="Contract:jca-institute",
        at="contracts/jca-institute.yaml:8:10",
    ),
    trigger(
        "DPA-007",
        "successor-expires-first",  # a "renewal" ending before the old one renews nothing
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-01-15"),
        Put("contracts/lis-dpa-2.yaml", RENEWAL.format(signed="2026-11-01", expires="2027-01-01")),
        entity="Contract:lis-dpa",
        at=f"{DPA}:7:10",
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
        "unauthorised-sub-processing-is-reported-once-by-dpa-005",
        *SUBPROCESSING_CHAIN,
    ),
    near_miss("DPA-001", "dpa-accepted-online", ONLINE_DPA),
    near_miss(
        "DPA-001",
        "sub-processor-handed-data-under-the-general-authorisation",
        *SUBPROCESSOR,
        AUTHORISE_GENERALLY,
        BACKUP_UNDER_LIS_DPA,
    ),
    near_miss("DPA-001", "payment-network-gateway-receives-as-controller", *GATEWAY),
    near_miss(
        "DPA-001",
        "flow-to-controllers-own-system",  # portal is run by labs itself
        Edit(INTAKE, "to: lis", "to: portal"),
        Edit(INTAKE, "contract: lis-dpa\n", ""),
    ),
    near_miss(
        "DPA-001",
        "contract-expires-on-the-day-checked",
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-29"),
    ),
    near_miss(
        "DPA-002",
        "contract-expires-on-the-day-checked",
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-29"),
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
    near_miss("DPA-002", "dpa-accepted-online", ONLINE_DPA),
    near_miss(
        "DPA-002",
        "sub-processor-authorised-generally-without-its-contract-in-the-register",
        *SUBPROCESSOR,
        AUTHORISE_GENERALLY,
        BACKUP_UNDER_LIS_DPA,
    ),
    near_miss(
        "DPA-002",
        "sub-processor-authorised-specifically",
        *SUBPROCESSOR,
        AUTHORISE_CLOUD,
        BACKUP_UNDER_LIS_DPA,
    ),
    near_miss(
        "DPA-002",
        "payment-network-gateway-receives-as-controller",
        *GATEWAY,
        also=gateway_is_a_controller_recipient,
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
    near_miss("DPA-004", "dpa-accepted-online", ONLINE_DPA),
    near_miss(
        "DPA-005",
        "subprocessor-authorised",
        *SUBPROCESSOR,
        AUTHORISE_CLOUD,
    ),
    near_miss("DPA-005", "subprocessor-authorised-generally", *SUBPROCESSOR, AUTHORISE_GENERALLY),
    near_miss(
        "DPA-005",
        "receiver-is-the-controllers-own-processor",  # a hop between two of its processors
        *SUBPROCESSOR,
        Put("contracts/cloud-dpa.yaml", CLOUD_DPA),
        Edit(
            "flows/lis-backup-copy.yaml",
            "encrypted_in_transit: true",
            "encrypted_in_transit: true\ncontract: cloud-dpa",
        ),
        also=lambda result: [assert_no_finding(result, c) for c in ("DPA-001", "DPA-002")],
    ),
    near_miss(
        "DPA-005",
        "receiver-is-the-controllers-processor-under-an-expired-dpa",  # DPA-004's, not ours
        *SUBPROCESSOR,
        Put(
            "contracts/cloud-dpa.yaml",
            CLOUD_DPA.replace("signed: 2025-03-01", "signed: 2025-03-01\n    expires: 2026-03-01"),
        ),
    ),
    near_miss(
        "DPA-005",
        "receiver-is-an-independent-controller",
        *SUBPROCESSOR,
        Edit(
            "flows/lis-backup-copy.yaml",
            "encrypted_in_transit: true",
            "encrypted_in_transit: true\nrecipient_role: controller",
        ),
    ),
    near_miss("DPA-005", "payment-network-gateway", *GATEWAY),
    near_miss(
        "DPA-006",
        "arrangement-with-both-parties",
        INSTITUTE,
        JOINT_ACTIVITY,
        Put("flows/results-to-institute.yaml", TO_INSTITUTE.format(role="joint_controller")),
        Put("contracts/jca-institute.yaml", ARRANGEMENT),
        also=lambda result: institute_is_a_recipient(result, "joint controller"),
    ),
    near_miss(
        "DPA-006",
        "unsigned-arrangement",  # Art. 26 asks for an arrangement, not a signature
        INSTITUTE,
        JOINT_ACTIVITY,
        Put("contracts/jca-institute.yaml", ARRANGEMENT.replace("    signed: 2024-06-01\n", "")),
    ),
    near_miss(
        "DPA-006",
        "independent-controller-recipient-needs-no-arrangement",
        INSTITUTE,
        Put("flows/results-to-institute.yaml", TO_INSTITUTE.format(role="controller")),
        also=lambda result: institute_is_a_recipient(result, "controller"),
    ),
    near_miss(
        "DPA-002",
        "dpa-signed-by-a-joint-controller",  # Art. 26: they agree who binds the processor
        INSTITUTE,
        JOINT_ACTIVITY,
        Edit(DPA, "controller: labs", "controller: institute"),
        also=lambda result: assert_no_finding(result, "DPA-001"),
    ),
    near_miss(
        "DPA-007",
        "dpa-expires-in-91-days",
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-02-28"),
    ),
    near_miss(
        "DPA-007",
        "dpa-expired-yesterday",  # DPA-004's error, not a warning of what is past
        Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-28"),
        also=lambda result: assert_finding(result, "DPA-004", "Contract:lis-dpa", f"{DPA}:7:10"),
    ),
    near_miss("DPA-007", "no-expiry-date", Edit(DPA, "expires: 2028-01-15\n", "")),
    near_miss(
        "DPA-007",
        "renewal-recorded",
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-01-15"),
        Put("contracts/lis-dpa-2.yaml", RENEWAL.format(signed="2026-11-01", expires="2030-01-15")),
    ),
    near_miss(
        "DPA-007",
        "renewal-with-no-end",
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-01-15"),
        Put(
            "contracts/lis-dpa-2.yaml",
            RENEWAL.format(signed="2026-11-01", expires="2030-01-15").replace(
                "    expires: 2030-01-15\n", ""
            ),
        ),
    ),
    near_miss(
        "DPA-007",
        "judged-as-of-an-earlier-date",  # --as-of: 91 days before the expiry
        Edit(DPA, "expires: 2028-01-15", "expires: 2027-01-15"),
        as_of=dt.date(2026, 10, 16),
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
    files = perturb(Edit(DPA, "expires: 2028-01-15", "expires: 2026-11-29"))
    before = check_yaml(files, dt.date(2026, 11, 29))
    after = check_yaml(files, dt.date(2026, 11, 30))
    assert_no_finding(before, "DPA-004")
    assert [f.entity for f in after.findings if f.rule == "DPA-004"] == ["Contract:lis-dpa"]
    assert before.failed is False and after.failed is True


def test_a_dangling_operator_is_reported_once(check_yaml):
    """An operator naming no organisation is SCH-012's finding, not also a missing DPA."""
    result = check_yaml(
        perturb(Edit("systems/lis.yaml", "operator: lis-vendor", "operator: nobody"))
    )
    assert [f.rule for f in result.findings if f.rule == "SCH-012"] == ["SCH-012"]
    assert_no_finding(result, "DPA-001")
