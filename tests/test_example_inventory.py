"""The example organisation in inventory/: the demo every user sees first.

A group of French medical laboratories with its LIS vendor, payroll provider,
US e-mail provider and a finished LIS migration. It must check clean (one
accepted risk, waived), and stay rich enough to show every part of the product.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from functools import cache

from registry.core.findings import Severity
from registry.core.inventory import Inventory, load_inventory
from registry.pipeline.check import CheckResult, check
from tests.conftest import AS_OF, EXAMPLE, ROOT


@cache
def inventory() -> Inventory:
    return load_inventory(EXAMPLE)


@cache
def result(as_of: dt.date = AS_OF) -> CheckResult:
    return check(inventory(), as_of)


def in_file(shown: str, path: str) -> bool:
    """Positions name files relative to the working directory: compare the tail."""
    return f"/{shown}".endswith(f"/{path}")


def own(kind: str) -> list:
    """Entities of a kind declared in the inventory (not the default taxonomy)."""
    return [e for e in inventory().entities() if e.kind == kind]


def test_no_error_and_no_warning():
    failing = [f for f in result().findings if f.fails]
    warnings = [f for f in result().findings if f.severity is Severity.warning]
    assert failing == []
    assert warnings == []
    assert not result().failed


def test_the_one_accepted_risk_is_reported_as_waived():
    waived = [f for f in result().findings if f.waived_by]
    assert [(f.rule, f.entity, f.waived_by) for f in waived] == [
        ("SEC-004", "System:legacy-lis", "legacy-lis-monitoring")
    ]
    finding = waived[0]
    assert finding.severity is Severity.error
    # line 32: `security:`, below the editor modeline
    assert in_file(finding.pos.file, "systems/legacy-lis.yaml") and finding.pos.line == 32
    assert "SIEM agent" in (finding.waiver_reason or "")
    # Every finding is either that waived one or nothing at all.
    assert len(result().findings) == 1


def test_large_enough_to_show_every_part_of_the_product():
    assert len(own("Activity")) >= 10
    assert len(own("System")) >= 15
    assert len(own("Flow")) >= 25
    assert len(own("Organisation")) >= 6
    assert len(own("Contract")) >= 5
    assert len(own("Waiver")) == 1
    # It extends the default taxonomy rather than only using it.
    assert {"nir", "clinical-information"} <= {c.id for c in own("DataCategory")}
    assert "prescribing-doctors" in {s.id for s in own("DataSubject")}


def test_one_file_per_entity_in_a_folder_per_kind():
    folders = {
        "Activity": "activities",
        "System": "systems",
        "Flow": "flows",
        "Organisation": "organisations",
        "Contract": "contracts",
        "DataCategory": "categories",
        "DataSubject": "subjects",
        "Waiver": "waivers",
    }
    inv = inventory()
    for entity in inv.entities():
        pos = inv.nodes[(entity.kind, entity.id)].pos
        assert in_file(pos.file, f"{folders[entity.kind]}/{entity.id}.yaml"), pos.file


def test_every_activity_system_and_contract_is_reviewed_and_contracts_run_to_2029():
    for entity in [*own("Activity"), *own("System"), *own("Contract")]:
        assert entity.last_reviewed is not None and entity.review_every, entity.id
    for contract in own("Contract"):
        assert contract.expires is not None and contract.expires.year >= 2029, contract.id


def test_the_scenario_the_demo_promises():
    inv = inventory()
    # The LIS vendor is a processor under a DPA with an authorised sub-processor.
    assert inv.systems["kalisto-lis"].operator == "kalisto-sante"
    assert inv.contracts["dpa-kalisto"].authorised_subprocessors == ["hexanet-sante"]
    # Results go to prescribers and claims to the health insurer, both controllers.
    assert inv.flows["reports-to-prescribers"].recipient_role == "controller"
    assert inv.flows["claims-to-cpam"].to == "cpam-loire-atlantique"
    assert inv.flows["claims-to-cpam"].recipient_role == "controller"
    # E-mail is hosted in the US under the SCCs.
    assert inv.country_of("staff-mailbox") == "US"
    assert inv.flows["mailbox-provisioning"].transfer.mechanism == "sccs"
    # The migration was run properly: procedure, contract, encryption, deadline.
    migrations = [f for f in own("Flow") if f.type == "migration"]
    assert {f.id for f in migrations} == {"migration-extract", "migration-load"}
    for flow in migrations:
        assert flow.procedure and flow.contract == "dpa-kalisto" and flow.encrypted_in_transit
    staging = inv.systems["migration-staging"]
    assert staging.temporary and staging.delete_by == dt.date(2027, 3, 31)
    assert staging.security.encryption_at_rest
    # Large-scale health processing carries its DPIA.
    assert inv.activities["medical-biology-examinations"].dpia.reference == "AIPD-2024-01"


def test_deadlines_come_due():
    """The demo is dated: the staging copy and the accepted risk both run out."""
    after_staging = {(f.rule, f.entity) for f in result(dt.date(2027, 4, 1)).findings if f.fails}
    assert after_staging == {("RET-003", "System:migration-staging")}
    after_waiver = {(f.rule, f.entity) for f in result(dt.date(2027, 7, 1)).findings if f.fails}
    assert {
        ("RET-003", "System:migration-staging"),
        ("RET-003", "System:legacy-lis"),
        ("SEC-004", "System:legacy-lis"),
        ("WAV-002", "Waiver:legacy-lis-monitoring"),
    } <= after_waiver


def test_cli_exit_code_zero():
    run = subprocess.run(
        [sys.executable, "-m", "registry.cli", "check", "inventory", "--as-of", AS_OF.isoformat()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[-2].startswith("0 error(s), 0 warning(s), 1 waived")
    # ropa.yaml adds the observed evidence, which the register fully documents
    assert lines[-1].startswith("coverage: ") and "(100.0%)" in lines[-1]
