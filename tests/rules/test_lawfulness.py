"""Art. 6, 9, 10 and 87 rules: a lawful basis per purpose with its law, conditions for special
data and national identification numbers."""

from __future__ import annotations

import pytest

from tests.builder import Edit, Put, near_miss, perturb, trigger

ACT = "activities/lab-testing.yaml"
ORG = "organisations/labs.yaml"
# The register is the LIS vendor's own: the lab's activity is one it processes for a client.
VENDOR_KEEPS_RECORD = Edit(
    "organisations/lis-vendor.yaml",
    "kind: Organisation\n",
    "kind: Organisation\nkeeps_record: true\n",
)
BASIS = "    legal_basis: public_task\n"
LAW = "    law: Code de la santé publique art. L.6211-1\n"
# The controller made a ministry: a public authority (Art. 6(1) last subparagraph, 37(1)(a)).
MINISTRY = Edit(
    ORG, "name: Biolab Group\n", "name: Ministère de la Santé\npublic_authority: true\n"
)
ON_INTERESTS = Edit(
    ACT,
    BASIS + LAW,
    "    legal_basis: legitimate_interests\n    legitimate_interests: Detect fraud\n",
)
NATIONAL_ID = Edit(ACT, "[identity, lab-results]", "[identity, lab-results, national-id]")
# A Dutch national number under national-id (it inherits `special: national_id`), used.
BSN = (
    Put(
        "categories/bsn.yaml",
        """
        kind: DataCategory
        id: bsn
        name: Burgerservicenummer (BSN)
        parent: national-id
        """,
    ),
    Edit(ACT, "[identity, lab-results]", "[identity, lab-results, bsn]"),
)

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
        Edit(ACT, LAW, LAW + "  - purpose: Quality control of the analysers\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:9:5",
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
        Edit(ACT, BASIS + LAW, "    legal_basis: legitimate_interests\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",
    ),
    trigger(
        "LAW-005",
        "ministry-on-legitimate-interests",
        MINISTRY,
        ON_INTERESTS,
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",
    ),
    trigger(
        "LAW-005",
        "ministry-second-purpose-on-legitimate-interests",
        MINISTRY,
        Edit(
            ACT,
            LAW,
            LAW + "  - purpose: Detect fraud\n    legal_basis: legitimate_interests\n"
            "    legitimate_interests: Protect public funds\n",
        ),
        entity="Activity:lab-testing",
        at=f"{ACT}:9:5",
    ),
    trigger(
        "LAW-006",
        "public-task-without-its-law",
        Edit(ACT, LAW, ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",
    ),
    trigger(
        "LAW-006",
        "legal-obligation-without-its-law",
        Edit(ACT, BASIS + LAW, "    legal_basis: legal_obligation\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:6:5",
    ),
    trigger(
        "LAW-007",
        "nir-without-its-law",
        NATIONAL_ID,
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "LAW-007",
        "bsn-of-a-dutch-controller",  # the Spanish exemption is Spain's alone (UAVG art. 46)
        *BSN,
        Edit(ORG, "country: FR\n", "country: NL\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "LAW-007",
        "bsn-under-national-id-without-its-law",  # inherits `special: national_id`
        *BSN,
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
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
    near_miss(
        "LAW-005",
        "private-company-on-legitimate-interests",  # Art. 6(1)(f) is open to it
        ON_INTERESTS,
    ),
    near_miss(
        "LAW-005",
        "ministry-on-public-task-with-its-law",
        MINISTRY,
    ),
    near_miss(
        "LAW-005",
        "public-authority-only-a-joint-controller",  # the basis recorded is the lead's
        ON_INTERESTS,
        Put(
            "organisations/university.yaml",
            """
            kind: Organisation
            id: university
            name: Université de Lyon
            country: FR
            address: 92 rue Pasteur, 69007 Lyon
            public_authority: true
            dpo: {name: Délégué à la protection des données, email: dpo@univ-lyon.example}
            """,
        ),
        Edit(ACT, "controller: labs\n", "controller: labs\njoint_controllers: [university]\n"),
    ),
    near_miss(
        "LAW-006",
        "legal-obligation-with-its-law",
        Edit(ACT, BASIS, "    legal_basis: legal_obligation\n"),
    ),
    near_miss(
        "LAW-006",
        "contract-needs-no-law",
        Edit(ACT, BASIS + LAW, "    legal_basis: contract\n"),
    ),
    near_miss(
        "LAW-007",
        "nir-with-its-law",
        NATIONAL_ID,
        Edit(
            ACT,
            "art9_condition:",
            "national_id_law: Code de la santé publique art. R.1111-8-1 (INS)\nart9_condition:",
        ),
    ),
    near_miss(
        "LAW-007",
        "dni-of-a-spanish-controller",  # Spain set no Art. 87 conditions (UGR's register)
        Put(
            "categories/dni.yaml",
            """
            kind: DataCategory
            id: dni
            name: DNI/NIF
            parent: national-id
            """,
        ),
        Edit(ACT, "[identity, lab-results]", "[identity, lab-results, dni]"),
        Edit(ORG, "country: FR\n", "country: ES\n"),
    ),
    near_miss(
        "LAW-007",
        "identity-is-no-national-id",  # name and date of birth: no Art. 87 identifier
        Edit(ACT, "[identity, lab-results]", "[identity, contact, lab-results]"),
    ),
    near_miss(
        "LAW-001",
        "processor-recording-a-clients-activity",  # Art. 30(2) asks no lawful basis
        Edit(ACT, BASIS, ""),
        VENDOR_KEEPS_RECORD,
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
        perturb(Edit(ACT, BASIS + LAW, "  - purpose: Quality control of the analysers\n"))
    )
    lines = sorted(f.pos.line for f in result.findings if f.rule == "LAW-001")
    assert lines == [6, 7]


def test_law_005_says_what_to_use_instead(check_yaml):
    result = check_yaml(perturb(MINISTRY, ON_INTERESTS))
    [finding] = [f for f in result.findings if f.rule == "LAW-005"]
    assert finding.fails
    assert "public authority" in finding.message and "public_task" in finding.message


def test_one_law_006_per_purpose_without_its_law(check_yaml):
    two = Edit(
        ACT,
        BASIS + LAW,
        "    legal_basis: public_task\n"
        "  - purpose: Report notifiable diseases\n    legal_basis: legal_obligation\n",
    )
    result = check_yaml(perturb(two))
    found = sorted((f.pos.line, f.severity.value) for f in result.findings if f.rule == "LAW-006")
    assert found == [(6, "warning"), (8, "warning")]
