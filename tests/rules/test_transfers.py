"""Art. 44-49 rules: transfers outside the EEA."""

from __future__ import annotations

import pytest

from registry.pipeline.check import CheckResult
from tests.builder import Edit, assert_no_finding, near_miss, of_rule, trigger

LIS = "systems/lis.yaml"
INTAKE = "flows/sample-intake.yaml"
VENDOR = "organisations/lis-vendor.yaml"
LABS = "organisations/labs.yaml"
DPF_LIST = "https://www.dataprivacyframework.gov/list"


def lis_in(country: str) -> Edit:
    return Edit(LIS, "country: FR", f"country: {country}")


def lis_accessed_from(countries: str) -> Edit:
    return Edit(LIS, "country: FR\n", f"country: FR\naccessed_from: [{countries}]\n")


def vendor_in(country: str) -> Edit:
    return Edit(VENDOR, "country: FR", f"country: {country}")


def vendor_dpf(since: str, **more: str) -> Edit:
    """LabSoft certified under the EU-US DPF (written on line 6 of its file)."""
    fields = "".join(f", {key}: {value}" for key, value in more.items())
    return Edit(
        VENDOR,
        "35000 Rennes\n",
        f"35000 Rennes\ndpf: {{since: {since}{fields}, reference: {DPF_LIST}}}\n",
    )


def intake_transfer(mechanism: str) -> Edit:
    return Edit(
        INTAKE, "contract: lis-dpa", f"contract: lis-dpa\ntransfer: {{mechanism: {mechanism}}}"
    )


# Art. 49(1)(b) and (c): the derogations the Dutch DPA found Uber relying on.
OCCASIONAL_ONLY = "[derogation_contract_with_subject, derogation_contract_in_subject_interest]"

# LabSoft, a US company hosting the LIS in the US (TRF-004's setting).
US_VENDOR = (lis_in("US"), vendor_in("US"))


def names_only(code: str, *countries: str, absent: tuple[str, ...] = ()):
    """The finding's message names ``countries`` and none of ``absent``."""

    def check(result: CheckResult) -> None:
        (finding,) = of_rule(result, code)
        for country in countries:
            assert country in finding.message, finding.message
        for country in absent:
            assert f" {country} " not in finding.message, finding.message

    return check


TRIGGERS = [
    trigger(
        "TRF-001",
        "flow-to-us-without-mechanism",  # the US adequacy (DPF) is partial only
        lis_in("US"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5:5",
    ),
    trigger(
        "TRF-001",
        "country-inherited-from-operator",
        Edit(LIS, "country: FR\n", ""),
        Edit(VENDOR, "country: FR", "country: IN"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5",
    ),
    trigger(
        "TRF-001",
        "hosted-in-germany-and-the-us",  # every hosting country is judged, once per flow
        lis_in("[DE, US]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5:5",
        also=names_only("TRF-001", "US", absent=("DE",)),
    ),
    trigger(
        "TRF-002",
        "adequacy-claimed-for-india",
        lis_in("IN"),
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",  # `adequacy` in transfer: {mechanism: adequacy}
    ),
    trigger(
        "TRF-002",
        "adequacy-claimed-for-a-system-also-in-india",
        lis_in("[DE, IN]"),
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
        also=names_only("TRF-002", "IN", absent=("DE",)),
    ),
    trigger(
        "TRF-003",
        "recipient-country-unknown",
        Edit(LIS, "country: FR\n", ""),
        Edit(VENDOR, "country: FR\n", ""),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5:5",
    ),
    trigger(
        "TRF-004",
        "adequacy-to-a-us-company-not-dpf-certified",
        *US_VENDOR,
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-004",
        "dpf-to-a-us-company-not-certified",
        *US_VENDOR,
        intake_transfer("dpf"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-004",
        "certified-only-after-the-date-checked",
        *US_VENDOR,
        vendor_dpf("2027-01-04"),
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-004",
        "certification-withdrawn",
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2026-10-01", withdrawn="2026-11-01"),
        intake_transfer("dpf"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-004",
        "hosted-in-germany-and-the-us-by-an-uncertified-company",
        lis_in("[DE, US]"),
        vendor_in("US"),
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-004",
        "dpf-named-for-us-access-to-an-uncertified-operator",  # an error, not also TRF-006
        vendor_in("US"),
        Edit(
            INTAKE,
            "contract: lis-dpa",
            "contract: lis-dpa\ntransfer: {mechanism: dpf, country: US}",
        ),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
        also=lambda result: assert_no_finding(result, "TRF-006"),
    ),
    trigger(
        "TRF-004",
        "dpf-claimed-for-india",  # the DPF reaches only the United States
        lis_in("IN"),
        intake_transfer("dpf"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
    trigger(
        "TRF-005",
        "dpf-list-last-checked-over-a-year-ago",
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2025-09-01"),
        intake_transfer("dpf"),
        entity="Organisation:lis-vendor",
        at=f"{VENDOR}:6:36",  # the `verified` date
    ),
    trigger(
        "TRF-005",
        "certification-never-re-checked",
        *US_VENDOR,
        vendor_dpf("2023-07-17"),
        intake_transfer("adequacy"),
        entity="Organisation:lis-vendor",
        at=f"{VENDOR}:6:6",
    ),
    trigger(
        "TRF-006",
        "eu-hosted-system-run-by-a-us-company",
        vendor_in("US"),
        entity="System:lis",
        at=f"{LIS}:5:11",  # operator: lis-vendor
        also=names_only("TRF-006", "US"),
    ),
    trigger(
        "TRF-006",
        "eu-hosted-system-accessed-from-the-us",
        lis_accessed_from("US"),
        entity="System:lis",
        at=f"{LIS}:7:16",
    ),
    trigger(
        "TRF-006",
        "accessed-from-japan-partial-adequacy-not-claimed",
        lis_accessed_from("JP"),
        entity="System:lis",
        at=f"{LIS}:7:16",
    ),
    trigger(
        "TRF-006",
        "dpf-declared-but-the-us-operator-is-not-certified",
        vendor_in("US"),
        intake_transfer("dpf"),
        entity="System:lis",
        at=f"{LIS}:5:11",
    ),
    trigger(
        "TRF-006",
        "mechanism-declared-for-another-country",
        lis_accessed_from("US"),
        Edit(
            INTAKE,
            "contract: lis-dpa",
            "contract: lis-dpa\ntransfer: {mechanism: sccs, country: IN}",
        ),
        entity="System:lis",
        at=f"{LIS}:7:16",
    ),
    trigger(
        "TRF-007",
        "continuous-flow-on-occasional-derogations",  # the Uber decision (AP, 2024)
        lis_in("IN"),
        intake_transfer(OCCASIONAL_ONLY),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",
    ),
]

NEAR_MISSES = [
    near_miss("TRF-001", "switzerland-has-full-adequacy", lis_in("CH")),
    near_miss("TRF-001", "norway-is-in-the-eea", lis_in("NO")),
    near_miss("TRF-001", "us-under-sccs", lis_in("US"), intake_transfer("sccs")),
    near_miss("TRF-001", "germany-and-switzerland", lis_in("[DE, CH]")),
    near_miss("TRF-001", "us-under-dpf-and-sccs", lis_in("US"), intake_transfer("[dpf, sccs]")),
    near_miss("TRF-002", "adequacy-for-japan", lis_in("JP"), intake_transfer("adequacy")),
    near_miss("TRF-002", "sccs-for-india", lis_in("IN"), intake_transfer("sccs")),
    near_miss(
        "TRF-002",
        "adequacy-with-sccs-for-india",  # the SCCs carry the transfer
        lis_in("IN"),
        intake_transfer("[adequacy, sccs]"),
    ),
    near_miss(
        "TRF-003",
        "country-from-the-operator",
        Edit(LIS, "country: FR\n", ""),
    ),
    near_miss(
        "TRF-004",
        "certified-since-before-the-date-checked",
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2026-10-01"),
        intake_transfer("adequacy"),
    ),
    near_miss(
        "TRF-004",
        "withdrawn-only-after-the-date-checked",
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2026-10-01", withdrawn="2027-02-01"),
        intake_transfer("dpf"),
    ),
    near_miss(
        "TRF-004",
        "dpf-and-sccs-uncertified",  # the SCCs carry the transfer
        *US_VENDOR,
        intake_transfer("[dpf, sccs]"),
    ),
    near_miss("TRF-004", "adequacy-for-japan", lis_in("JP"), intake_transfer("adequacy")),
    near_miss("TRF-004", "sccs-to-the-us", *US_VENDOR, intake_transfer("sccs")),
    near_miss(
        "TRF-005",
        "dpf-list-checked-this-year",
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2026-06-01"),
        intake_transfer("dpf"),
    ),
    near_miss(
        "TRF-005",
        "stale-certification-not-relied-on",  # the transfer stands on SCCs alone
        *US_VENDOR,
        vendor_dpf("2023-07-17", verified="2025-01-01"),
        intake_transfer("sccs"),
    ),
    near_miss("TRF-006", "accessed-from-switzerland", lis_accessed_from("CH")),
    near_miss("TRF-006", "accessed-from-the-uk", lis_accessed_from("GB")),
    near_miss("TRF-006", "accessed-from-norway", lis_accessed_from("NO")),
    near_miss(
        "TRF-006",
        "accessed-from-japan-under-adequacy",
        lis_accessed_from("JP"),
        intake_transfer("adequacy"),
    ),
    near_miss("TRF-006", "us-operator-under-sccs", vendor_in("US"), intake_transfer("sccs")),
    near_miss(
        "TRF-006",
        "us-operator-dpf-certified",
        vendor_in("US"),
        vendor_dpf("2023-07-17", verified="2026-10-01"),
        intake_transfer("dpf"),
    ),
    near_miss(
        "TRF-006",
        "accessed-from-the-us-under-sccs-for-the-us",
        lis_accessed_from("US"),
        Edit(
            INTAKE,
            "contract: lis-dpa",
            "contract: lis-dpa\ntransfer: {mechanism: sccs, country: US}",
        ),
    ),
    near_miss(
        "TRF-006",
        "hosted-in-the-us-judged-by-trf-001",  # not twice for one gap
        *US_VENDOR,
        Edit(LIS, "country: US\n", "country: US\naccessed_from: [US]\n"),
    ),
    near_miss(
        "TRF-006",
        "controller-reaching-its-own-system",  # no exporter and importer: not a transfer
        Edit(LABS, "country: FR", "country: US"),
    ),
    near_miss(
        "TRF-007",
        "one-off-flow-on-a-derogation",
        lis_in("IN"),
        intake_transfer(OCCASIONAL_ONLY),
        Edit(INTAKE, "encrypted_in_transit: true", "encrypted_in_transit: true\ntype: one-off"),
    ),
    near_miss(
        "TRF-007",
        "derogation-beside-sccs",
        lis_in("IN"),
        intake_transfer("[derogation_contract_with_subject, sccs]"),
    ),
    near_miss(
        "TRF-007",
        "derogation-to-a-country-with-full-adequacy",
        lis_in("CH"),
        intake_transfer("derogation_contract_with_subject"),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
