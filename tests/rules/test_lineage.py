"""Rules judged along the lineage (registry/rules/lineage.py), on the shared baseline.

The baseline: patients → `lis` (run by the processor lis-vendor under lis-dpa) →
`portal` (run by the controller, labs). More cases, with longer chains, are in
tests/test_lineage_rules.py.
"""

from __future__ import annotations

import pytest

from registry.pipeline.check import CheckResult
from tests.builder import Edit, Put, near_miss, of_rule, trigger

PORTAL = "systems/portal.yaml"
TO_PORTAL = "flows/results-to-portal.yaml"

# An export to the US under SCCs, then onward to India.
ONWARD = (
    Put(
        "organisations/abroad.yaml",
        """
        kind: Organisation
        id: us-analytics
        name: US Analytics Inc.
        country: US
        address: 1 Main Street, Austin
        ---
        kind: Organisation
        id: in-warehouse
        name: India Warehouse Pvt
        country: IN
        address: 2 MG Road, Bangalore
        """,
    ),
    Put(
        "systems/abroad.yaml",
        """
        kind: System
        id: us-dashboards
        name: Dashboards
        operator: us-analytics
        country: US
        stores: [{category: lab-results, retention: P1Y}]
        ---
        kind: System
        id: in-archive
        name: Archive
        operator: in-warehouse
        country: IN
        stores: [{category: lab-results, retention: P1Y}]
        """,
    ),
    Put(
        "flows/abroad.yaml",
        """
        kind: Flow
        id: results-to-us
        activity: lab-testing
        from: portal
        to: us-dashboards
        data_categories: [lab-results]
        transfer: {mechanism: sccs}
        ---
        kind: Flow
        id: us-to-india
        activity: lab-testing
        from: us-dashboards
        to: in-archive
        data_categories: [lab-results]
        """,
    ),
)

# The processor's own support activity copies the LIS to a hosting firm.
SUBPROCESSOR = (
    Put(
        "organisations/hosting.yaml",
        """
        kind: Organisation
        id: hosting-co
        name: Hosting Co
        country: FR
        address: 3 quai des Serveurs, Lille
        """,
    ),
    Put(
        "systems/vendor-backup.yaml",
        """
        kind: System
        id: vendor-backup
        name: Vendor backup
        operator: hosting-co
        country: FR
        stores: [{category: lab-results, retention: P30D}]
        """,
    ),
    Put(
        "activities/vendor-support.yaml",
        """
        kind: Activity
        id: vendor-support
        name: Vendor support
        controller: lis-vendor
        data_subjects: [patients]
        data_categories: [lab-results]
        """,
    ),
    Put(
        "flows/lis-backup.yaml",
        """
        kind: Flow
        id: lis-backup
        activity: vendor-support
        from: lis
        to: vendor-backup
        data_categories: [lab-results]
        """,
    ),
)


def portal_declares_identity_only() -> Edit:
    return Edit(PORTAL, "  - category: lab-results\n", "  - category: identity\n")


def sec001_fires(result: CheckResult) -> None:
    assert [f.entity for f in of_rule(result, "SEC-001")] == ["System:portal"]


def _says(result: CheckResult, code: str, text: str) -> None:
    assert any(text in f.message for f in of_rule(result, code)), of_rule(result, code)


# The first importer hosts its dashboards in Germany and the US.
DE_AND_US = Edit("systems/abroad.yaml", "country: US", "country: [DE, US]")


def archive_run_by_the_importer_in(country: str) -> Edit:
    """The Indian archive replaced by the importer's own archive in ``country``."""
    return Edit(
        "systems/abroad.yaml",
        "operator: in-warehouse\ncountry: IN",
        f"operator: us-analytics\ncountry: {country}",
    )


TRIGGERS = [
    trigger(
        "TRF-101",
        "onward-transfer-to-india-without-mechanism",
        *ONWARD,
        entity="Flow:results-to-us",
        at="flows/abroad.yaml:5:5",
    ),
    trigger(
        "TRF-101",
        "importer-hosted-in-germany-and-the-us",  # leaves from the German part, on to India
        *ONWARD,
        DE_AND_US,
        entity="Flow:results-to-us",
        at="flows/abroad.yaml:5:5",
    ),
    trigger(
        "DPA-101",
        "processor-copies-to-unauthorised-hosting-firm",
        *SUBPROCESSOR,
        entity="Flow:lis-backup",
        at="flows/lis-backup.yaml:5:5",
    ),
    trigger(
        "RET-101",
        "identity-reaches-portal-without-retention",
        Edit(
            TO_PORTAL, "data_categories: [lab-results]", "data_categories: [lab-results, identity]"
        ),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:6:32",
    ),
    trigger(
        "RET-101",
        "portal-without-any-stores-declared",
        Edit(PORTAL, "stores:\n  - category: lab-results\n    retention: P1Y\n", ""),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:6:19",
    ),
    trigger(
        "SEC-101",
        "lab-results-reach-undeclared-on-unencrypted-portal",
        portal_declares_identity_only(),
        Edit(PORTAL, "encryption_at_rest: true", "encryption_at_rest: false"),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:5:5",
    ),
    trigger(
        "SEC-101",
        "individual-accounts-beside-a-public-area-are-not-the-bar",
        portal_declares_identity_only(),
        Edit(PORTAL, "authentication: individual", "authentication: [individual, none]"),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:5:5",
        also=lambda r: _says(r, "SEC-101", "individual authentication"),
    ),
]

NEAR_MISSES = [
    near_miss(
        "TRF-101",
        "onward-move-inside-the-importer",  # its own US archive: not an onward transfer
        *ONWARD,
        DE_AND_US,
        archive_run_by_the_importer_in("US"),
    ),
    near_miss(
        "TRF-101",
        "onward-transfer-under-its-own-sccs",
        *ONWARD,
        Edit(
            "flows/abroad.yaml",
            "to: in-archive\ndata_categories: [lab-results]\n",
            "to: in-archive\ndata_categories: [lab-results]\ntransfer: {mechanism: sccs}\n",
        ),
    ),
    near_miss(
        "DPA-101",
        "hosting-firm-authorised-in-the-dpa",
        *SUBPROCESSOR,
        Edit(
            "contracts/lis-dpa.yaml",
            "art28_clauses:",
            "authorised_subprocessors: [hosting-co]\nart28_clauses:",
        ),
    ),
    near_miss(
        "DPA-101",
        "general-authorisation-in-the-dpa",  # Art. 28(2): the vendor's published list
        *SUBPROCESSOR,
        Edit(
            "contracts/lis-dpa.yaml",
            "art28_clauses:",
            "general_authorisation: {list: https://labsoft.example/subprocessors}\nart28_clauses:",
        ),
    ),
    near_miss(
        "DPA-101",
        "hosting-firm-holds-its-own-dpa-with-the-controller",
        *SUBPROCESSOR,
        Put(
            "contracts/hosting-dpa.yaml",
            """
            kind: Contract
            id: hosting-dpa
            type: dpa
            controller: labs
            processor: hosting-co
            signed: 2025-01-01
            """,
        ),
    ),
    near_miss(
        "DPA-101",
        "hosting-firm-system-receives-as-controller",
        *SUBPROCESSOR,
        Edit(
            "flows/lis-backup.yaml",
            "to: vendor-backup\n",
            "to: vendor-backup\nrecipient_role: controller\n",
        ),
    ),
    near_miss(
        "RET-101",
        "portal-declares-identity-with-retention",
        Edit(
            TO_PORTAL, "data_categories: [lab-results]", "data_categories: [lab-results, identity]"
        ),
        Edit(PORTAL, "stores:\n", "stores:\n  - {category: identity, retention: P1Y}\n"),
    ),
    near_miss(
        "RET-101",
        "portal-declared-transient-keeps-nothing",
        Edit(PORTAL, "stores:\n  - category: lab-results\n    retention: P1Y\n", "stores: []\n"),
    ),
    near_miss(
        "SEC-101",
        "declared-special-category-is-sec001s",
        Edit(PORTAL, "encryption_at_rest: true", "encryption_at_rest: false"),
        also=sec001_fires,
    ),
    near_miss(
        "RET-101",
        "independent-controllers-system-keeps-its-own-retention",
        Edit(PORTAL, "operator: labs", "operator: lis-vendor"),
        Edit(PORTAL, "  - category: lab-results\n", "  - category: identity\n"),
        Edit(TO_PORTAL, "encrypted_in_transit: true", "recipient_role: controller"),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
