"""Art. 30(1)/(2) rules: what the record itself must contain."""

from __future__ import annotations

import pytest

from tests.builder import (
    Edit,
    Put,
    assert_finding,
    assert_no_finding,
    near_miss,
    perturb,
    trigger,
)

ORG = "organisations/labs.yaml"
ACT = "activities/lab-testing.yaml"
LAB_NO_CONTACT = """
    kind: Organisation
    id: labs
    name: Biolab Group
    country: FR
    dpo:
      name: Claire Martin
"""
PAYROLL = """
    kind: Activity
    id: payroll
    name: Staff payroll
    controller: labs
    purposes:
      - purpose: Pay the staff
        legal_basis: contract
    data_subjects: [employees]
    data_categories: [payroll]
    retention:
      - {category: payroll, period: P5Y}
    systems: [portal]
    last_reviewed: {date: 2026-06-01, by: Claire Martin}
    review_every: P1Y
"""
PAYROLL_FLOW = """
    kind: Flow
    id: payslips
    activity: payroll
    from: employees
    to: portal
    data_categories: [payroll]
    data_subjects: [employees]
    encrypted_in_transit: true
"""

# The vendor's own quality-control activity, run on the portal of labs: labs acts as
# processor for lis-vendor.
VENDOR_QC = """
    kind: Activity
    id: vendor-qc
    name: Quality control of the vendor's software
    controller: lis-vendor
    purposes:
      - purpose: Check the software's results
        legal_basis: legitimate_interests
        legitimate_interests: Software quality
    data_subjects: [patients]
    data_categories: [lab-results]
    retention:
      - {category: lab-results, period: P1Y}
    systems: [portal]
"""

SECURITY = (
    "security:\n  encryption_at_rest: true\n  authentication: individual\n  mfa: true\n"
    "  internet_exposed: {exposed}\n  monitoring: true\n  alert_escalation: true\n"
)
NO_SECURITY_LIS = Edit("systems/lis.yaml", SECURITY.format(exposed="false"), "")
NO_SECURITY_PORTAL = Edit("systems/portal.yaml", SECURITY.format(exposed="true"), "")

TRIGGERS = [
    trigger(
        "R30-001",
        "controller-without-contact",
        Put(ORG, LAB_NO_CONTACT),  # a DPO's name is not the controller's contact details
        entity="Organisation:labs",
        at=f"{ORG}:1:1",
    ),
    trigger(
        "R30-002",
        "controller-in-us-without-representative",
        Edit(ORG, "country: FR", "country: US"),
        entity="Organisation:labs",
        at=f"{ORG}:4:10",
    ),
    trigger(
        "R30-002",
        "private-controller-in-switzerland",  # adequacy is about transfers, not Art. 27
        Edit(ORG, "country: FR", "country: CH"),
        entity="Organisation:labs",
        at=f"{ORG}:4:10",
    ),
    trigger(
        "R30-002",
        "controller-in-us-targeting-the-union",  # Art. 3(2) applies: Art. 27 binds it
        Edit(ORG, "country: FR", "country: US\ntargets_eu: true"),
        entity="Organisation:labs",
        at=f"{ORG}:4:10",
    ),
    trigger(
        "R30-003",
        "no-purpose",
        Edit(
            ACT,
            "purposes:\n  - purpose: Analyse the samples that doctors prescribe\n"
            "    legal_basis: public_task\n    law: Code de la santé publique art. L.6211-1\n",
            "",
        ),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "R30-004",
        "no-data-subjects",
        Edit(ACT, "data_subjects: [patients]", "data_subjects: []"),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "R30-005",
        "no-data-categories",
        Edit(ACT, "data_categories: [identity, lab-results]", "data_categories: []"),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "R30-006",
        "activity-without-flows",
        Put("activities/payroll.yaml", PAYROLL),
        entity="Activity:payroll",
        at="activities/payroll.yaml:1:1",
    ),
    trigger(
        "R30-007",
        "category-without-retention",
        Edit(ACT, "  - {category: identity, period: P10Y}\n", ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:11:19",  # `identity` in data_categories: [identity, lab-results]
    ),
    trigger(
        "R30-008",
        "no-system-describes-security",
        NO_SECURITY_LIS,
        NO_SECURITY_PORTAL,
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "R30-009",
        "processor-keeping-its-own-record-without-contact",
        Edit(
            "organisations/lis-vendor.yaml",
            "address: 5 avenue des Sciences, 35000 Rennes\n",
            "keeps_record: true\n",
        ),
        entity="Organisation:lis-vendor",
        at="organisations/lis-vendor.yaml:1:1",
    ),
    trigger(
        "R30-009",
        "controller-that-also-acts-as-processor-without-contact",
        Put(ORG, LAB_NO_CONTACT),
        Put("activities/vendor-qc.yaml", VENDOR_QC),
        entity="Organisation:labs",
        at=f"{ORG}:1:1",
    ),
]

NEAR_MISSES = [
    near_miss(
        "R30-001",
        "phone-only-contact",
        Put(ORG, LAB_NO_CONTACT + "    contact:\n      phone: +33 4 72 00 00 00\n"),
    ),
    near_miss(
        "R30-002",
        "controller-in-us-with-representative",
        Edit(
            ORG,
            "country: FR",
            "country: US\nrepresentative:\n  name: Biolab EU Rep\n  email: rep@biolab.example",
        ),
    ),
    near_miss(
        "R30-002",
        "controller-in-norway",  # EEA, not EU: no representative needed
        Edit(ORG, "country: FR", "country: NO"),
    ),
    near_miss(
        "R30-002",
        "public-body-outside-the-union",  # Art. 27(2)(b) exempts public authorities and bodies
        Edit(ORG, "country: FR", "country: CH\npublic_authority: true"),
    ),
    near_miss(
        "R30-002",
        "uk-controller-not-targeting-the-union",  # Art. 3(2) does not apply: no Art. 27 duty
        Edit(ORG, "country: FR", "country: GB\ntargets_eu: false"),
    ),
    near_miss(
        "R30-003",
        "purpose-without-basis-is-still-a-purpose",
        Edit(ACT, "    legal_basis: public_task\n", ""),
    ),
    near_miss(
        "R30-004",
        "one-subject",
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [employees]"),
    ),
    near_miss(
        "R30-005",
        "one-category",
        Edit(ACT, "data_categories: [identity, lab-results]", "data_categories: [identity]"),
    ),
    near_miss(
        "R30-006",
        "activity-with-one-flow",
        Put("activities/payroll.yaml", PAYROLL),
        Put("flows/payslips.yaml", PAYROLL_FLOW),
    ),
    near_miss(
        "R30-007",
        "parent-category-retention-covers-child",
        Edit(ACT, "  - category: lab-results\n", "  - category: health\n"),
    ),
    near_miss(
        "R30-008",
        "one-of-two-systems-describes-security",
        NO_SECURITY_LIS,
    ),
    near_miss(
        "R30-009",
        "processor-with-email-only",
        Edit(
            "organisations/lis-vendor.yaml",
            "address: 5 avenue des Sciences, 35000 Rennes\n",
            "keeps_record: true\ncontact:\n  email: dpo@labsoft.example\n",
        ),
    ),
    near_miss(
        "R30-009",
        "another-organisation-keeps-this-record",  # labs' processing is lis-vendor's record
        Put(ORG, LAB_NO_CONTACT),
        Put("activities/vendor-qc.yaml", VENDOR_QC),
        Edit("organisations/lis-vendor.yaml", "country: FR\n", "country: FR\nkeeps_record: true\n"),
    ),
    near_miss(
        "R30-009",
        "vendor-in-a-controllers-register",  # its Art. 30(2) record is its own to keep
        Edit("organisations/lis-vendor.yaml", "address: 5 avenue des Sciences, 35000 Rennes\n", ""),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_a_misspelt_system_does_not_cascade_into_missing_security(check_yaml):
    """The activity's only system is misspelt: SCH-012 says so, R30-008 does not guess."""
    payroll = PAYROLL.replace("systems: [portal]", "systems: [portl]")
    result = check_yaml(perturb(Put("activities/payroll.yaml", payroll)))
    assert_finding(result, "SCH-012", "Activity:payroll", "activities/payroll.yaml:12:11")
    assert_no_finding(result, "R30-008")
