"""Sub-processing judged on whole registers: the false DPA-005 errors of issue 12.

Three registers under tests/fixtures/processors/ re-express the cases where the
old DPA-005 called a hop between two of the controller's own processors
sub-processing: a SaaS company whose CDN, application host, database host, e-mail
sender and error tracker each hold their own DPA; a PACS migration through a
staging host the old vendor engaged; a clinic whose SMS provider has its own DPA.
Each is checked as written (zero false errors) and varied to show that the true
gap is still found, once, on the entity to change.
"""

from __future__ import annotations

from pathlib import Path

from registry.core.record import Record
from registry.pipeline.check import CheckResult
from tests.conftest import AS_OF

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "processors"


def text(name: str) -> str:
    return (CASES / name).read_text("utf-8")


def replaced(name: str, *pairs: tuple[str, str]) -> str:
    return replaced_in(text(name), *pairs)


def replaced_in(register: str, *pairs: tuple[str, str]) -> str:
    """The register with each ``old`` (which must occur) replaced by ``new``."""
    for old, new in pairs:
        assert old in register, old
        register = register.replace(old, new)
    return register


def without(register: str, kind: str, ident: str) -> str:
    """The register without the document of that kind and id."""
    documents = register.split("\n---\n")
    kept = [d for d in documents if f"kind: {kind}\nid: {ident}\n" not in d]
    assert len(kept) == len(documents) - 1, (kind, ident)
    return "\n---\n".join(kept)


def hits(result: CheckResult, code: str) -> list[str]:
    return sorted(f.entity for f in result.findings if f.rule == code)


def messages(result: CheckResult, code: str) -> list[str]:
    return [f.message for f in sorted(result.findings, key=lambda f: f.entity) if f.rule == code]


def errors(result: CheckResult) -> list[str]:
    return [f"{f.rule} {f.entity} {f.message}" for f in result.findings if f.fails]


# --- the SaaS company: five processors, five DPAs ------------------------------------


def test_saas_hops_between_direct_processors_are_not_sub_processing(check_yaml):
    result = check_yaml(text("saas.yaml"))
    assert hits(result, "DPA-005") == []
    assert result.findings == [], errors(result)


def test_saas_database_host_without_any_contract_is_found_once_per_place(check_yaml):
    # Without Dataco's DPA the app host hands the data to an organisation linked to
    # Taskly by nothing. One error on the flow (DPA-005, not also DPA-001), one on
    # the organisation whose contract is missing (DPA-002), none on a system.
    register = without(text("saas.yaml"), "Contract", "dpa-dataco")
    register = register.replace("contract: dpa-dataco\n", "")
    result = check_yaml(register)
    assert hits(result, "DPA-005") == ["Flow:app-to-db"]
    assert hits(result, "DPA-001") == []
    assert hits(result, "DPA-002") == ["Organisation:dataco"]
    (message,) = messages(result, "DPA-002")
    assert message == (
        "dataco runs system customer-db for taskly with neither a DPA with taskly nor "
        "authorised as sub-processor by taskly's contract with hostco"
    )
    assert {f.rule for f in result.findings if f.fails} == {"DPA-005", "DPA-002"}


GENERAL = (
    "controller: taskly\nprocessor: hostco\nsigned: 2025-01-10\n",
    "controller: taskly\nprocessor: hostco\nsigned: 2025-01-10\n"
    "general_authorisation: {list: https://hostco.example/subprocessors, notice: P30D}\n",
)


def test_saas_general_authorisation_covers_the_hosts_sub_processor(check_yaml):
    # Dataco is now Hostco's sub-processor, authorised by the general written
    # authorisation in Taskly's DPA with Hostco (Art. 28(2)); the contract between
    # Hostco and Dataco is Hostco's to hold (Art. 28(4)): nothing to report, and the
    # record lists Dataco as a sub-processor engaged by Hostco.
    register = without(text("saas.yaml"), "Contract", "dpa-dataco")
    register = register.replace("contract: dpa-dataco\n", "contract: dpa-hostco\n")
    register = replaced_in(register, GENERAL)
    result = check_yaml(register)
    assert result.findings == [], errors(result)
    row = Record(result.inventory, AS_OF).activities["service-provision"]
    dataco = next(p for p in row.processors if p.organisation == "dataco")
    assert dataco.engaged_by == "hostco"
    assert [(c.contract.id, c.general, c.in_force) for c in dataco.covers] == [
        ("dpa-hostco", True, True)
    ]
    # Mailco holds its own DPA: whoever hands it data, it is Taskly's direct processor.
    mailco = next(p for p in row.processors if p.organisation == "mailco")
    assert [c.contract.id for c in mailco.covers] == ["dpa-mailco"]
    assert mailco.engaged_by is None


def test_saas_general_authorisation_with_the_sub_processing_contract_declared(check_yaml):
    register = replaced_in(text("saas.yaml"), GENERAL).replace(
        "id: dpa-dataco\ntype: dpa\ncontroller: taskly\n",
        "id: dpa-dataco\ntype: sub_processing\ncontroller: hostco\n",
    )
    result = check_yaml(register)
    assert result.findings == [], errors(result)


def test_saas_without_general_authorisation_the_sub_processor_is_found(check_yaml):
    register = text("saas.yaml").replace(
        "id: dpa-dataco\ntype: dpa\ncontroller: taskly\n",
        "id: dpa-dataco\ntype: sub_processing\ncontroller: hostco\n",
    )
    result = check_yaml(register)
    assert hits(result, "DPA-005") == ["Flow:app-to-db"]
    assert hits(result, "DPA-001") == []
    assert hits(result, "DPA-002") == ["Organisation:dataco"]


# --- the PACS migration: the staging host is the gap, not the new provider ------------


def test_migration_new_provider_is_not_a_sub_processor_the_staging_host_is(check_yaml):
    result = check_yaml(text("pacs-migration.yaml"))
    assert hits(result, "DPA-005") == [
        "Flow:chu-nord-archive-to-staging",
        "Flow:chu-sud-archive-to-staging",
    ]
    assert hits(result, "DPA-001") == []  # one gap, one error on each flow
    assert hits(result, "DPA-002") == ["Organisation:stagingco", "Organisation:stagingco"]
    for message in messages(result, "DPA-002"):
        hospital = message.split(" for ")[1].split()[0]
        assert (
            f"neither a DPA with {hospital} nor authorised as sub-processor by "
            f"{hospital}'s contract with oldpacs" in message
        )
    assert {f.rule for f in result.findings} == {"DPA-005", "DPA-002"}


def test_migration_staging_host_engaged_without_any_contract_is_still_found(check_yaml):
    register = without(text("pacs-migration.yaml"), "Contract", "sub-oldpacs-stagingco")
    register = register.replace("contract: sub-oldpacs-stagingco\n", "")
    result = check_yaml(register)
    assert hits(result, "DPA-005") == [
        "Flow:chu-nord-archive-to-staging",
        "Flow:chu-sud-archive-to-staging",
    ]
    assert hits(result, "DPA-001") == []
    assert hits(result, "DPA-002") == ["Organisation:stagingco", "Organisation:stagingco"]


def test_migration_staging_host_authorised_by_both_hospitals_passes(check_yaml):
    register = replaced(
        "pacs-migration.yaml",
        (
            "processor: oldpacs\nsigned: 2019-05-01\n",
            "processor: oldpacs\nsigned: 2019-05-01\nauthorised_subprocessors: [stagingco]\n",
        ),
    )
    result = check_yaml(register)
    assert result.findings == [], errors(result)
    row = Record(result.inventory, AS_OF).activities["chu-nord-pacs-migration"]
    staging = next(p for p in row.processors if p.organisation == "stagingco")
    assert staging.engaged_by == "oldpacs"
    assert [(c.contract.id, c.authorised_by.id) for c in staging.covers if c.authorised_by] == [
        ("sub-oldpacs-stagingco", "dpa-oldpacs-chu-nord")
    ]


# --- the clinic and its SMS provider --------------------------------------------------


def test_clinic_sms_provider_with_its_own_dpa_is_not_a_sub_processor(check_yaml):
    result = check_yaml(text("clinic-sms.yaml"))
    assert hits(result, "DPA-005") == []
    assert result.findings == [], errors(result)
