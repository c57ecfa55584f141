"""Art. 44-49 rules: transfers outside the EEA."""

from __future__ import annotations

import pytest

from tests.builder import Edit, near_miss, trigger

LIS = "systems/lis.yaml"
INTAKE = "flows/sample-intake.yaml"
VENDOR = "organisations/lis-vendor.yaml"


def lis_in(country: str) -> Edit:
    return Edit(LIS, "country: FR", f"country: {country}")


def intake_transfer(mechanism: str) -> Edit:
    return Edit(
        INTAKE, "contract: lis-dpa", f"contract: lis-dpa\ntransfer: {{mechanism: {mechanism}}}"
    )


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
        "TRF-002",
        "adequacy-claimed-for-india",
        lis_in("IN"),
        intake_transfer("adequacy"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:9:23",  # `adequacy` in transfer: {mechanism: adequacy}
    ),
    trigger(
        "TRF-003",
        "recipient-country-unknown",
        Edit(LIS, "country: FR\n", ""),
        Edit(VENDOR, "country: FR\n", ""),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:5:5",
    ),
]

NEAR_MISSES = [
    near_miss("TRF-001", "switzerland-has-full-adequacy", lis_in("CH")),
    near_miss("TRF-001", "norway-is-in-the-eea", lis_in("NO")),
    near_miss("TRF-001", "us-under-sccs", lis_in("US"), intake_transfer("sccs")),
    near_miss("TRF-002", "adequacy-for-japan", lis_in("JP"), intake_transfer("adequacy")),
    near_miss("TRF-002", "sccs-for-india", lis_in("IN"), intake_transfer("sccs")),
    near_miss(
        "TRF-003",
        "country-from-the-operator",
        Edit(LIS, "country: FR\n", ""),
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
