"""The transitive rules (registry/rules/lineage.py): each triggered, each near-missed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.pipeline.check import CheckResult, check
from tests.lineage_inventory import base, dpa, flow, org, system, with_docs, write

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture
def run(tmp_path: Path):
    def checked(docs: dict) -> CheckResult:
        return check(load_inventory(write(tmp_path / "inv", docs)), AS_OF)

    return checked


def hits(result: CheckResult, code: str) -> list[tuple[str, str]]:
    return [(f.entity, f.message) for f in result.findings if f.rule == code]


# --- TRF-101 -----------------------------------------------------------------------

US = org("usco", "US Co", "US")
INDIA = org("indco", "India Analytics", "IN")
CRM = system("us-crm", "usco", "US", ["identity", "lab-results"])
ANALYTICS = system("in-analytics", "indco", "IN", ["identity", "lab-results"])


def onward(**onward_extra) -> dict:
    return with_docs(
        base(),
        US,
        INDIA,
        CRM,
        ANALYTICS,
        dpa("dpa-usco", "lab", "usco", authorised_subprocessors=["indco"]),
        flow(
            "to-us",
            "lab-testing",
            "lis",
            "us-crm",
            contract="dpa-usco",
            transfer={"mechanism": "sccs", "reference": "SCC-2021"},
        ),
        flow("us-to-india", "lab-testing", "us-crm", "in-analytics", **onward_extra),
    )


def test_trf101_onward_transfer_without_mechanism_is_flagged_on_the_export(run) -> None:
    result = run(onward())
    assert hits(result, "TRF-101") == [
        (
            "Flow:to-us",
            "flow to-us sends identity, lab-results to US; from there it reaches in-analytics "
            "in IN (no adequacy) via lis → us-crm → in-analytics, and flow us-to-india has no "
            "transfer mechanism",
        )
    ]
    finding = next(f for f in result.findings if f.rule == "TRF-101")
    assert finding.pos.line > 1 and finding.pos.file.endswith("inventory.yaml")
    # The onward hop itself is TRF-001's (per flow); TRF-101 adds the chain.
    assert [e for e, _ in hits(result, "TRF-001")] == ["Flow:us-to-india"]


def test_trf101_near_miss_onward_hop_has_its_mechanism(run) -> None:
    result = run(onward(transfer={"mechanism": "sccs", "reference": "SCC-module-3"}))
    assert hits(result, "TRF-101") == []


def test_trf101_near_miss_other_category_goes_onward(run) -> None:
    # What travels on to India is contact data that never came from the EEA export.
    docs = onward(data_categories=["contact"])
    assert hits(run(docs), "TRF-101") == []


def test_trf101_sub_category_counts_as_the_category(run) -> None:
    # The export declares lab-results, the onward flow declares its parent, health.
    result = run(onward(data_categories=["health"]))
    assert [e for e, _ in hits(result, "TRF-101")] == ["Flow:to-us"]
    assert "sends lab-results to US" in hits(result, "TRF-101")[0][1]


def test_trf101_near_miss_move_inside_one_importer(run) -> None:
    # us-crm → a second US system of the same importer is not an onward transfer.
    docs = with_docs(
        onward(transfer={"mechanism": "sccs"}),
        system("us-archive", "usco", "US", ["identity", "lab-results"]),
        flow("us-internal", "lab-testing", "us-crm", "us-archive"),
    )
    assert hits(run(docs), "TRF-101") == []


def test_trf101_cycle_of_flows_terminates_and_is_judged(run) -> None:
    docs = with_docs(
        onward(),
        flow("back-to-us", "lab-testing", "in-analytics", "us-crm", transfer={"mechanism": "sccs"}),
    )
    assert [e for e, _ in hits(run(docs), "TRF-101")] == ["Flow:to-us"]


def test_trf101_near_miss_unprotected_hop_out_of_reach_of_the_export(run, tmp_path) -> None:
    # An unprotected hop to India from a US system that no flow from the EEA reaches:
    # nothing to report, and nothing to walk (the graph is not built: see below).
    from registry.rules.lineage import _onward_reachable

    docs = with_docs(
        onward(transfer={"mechanism": "sccs"}),
        system("us-other", "usco", "US", ["identity", "lab-results"]),
        flow("other-to-india", "lab-testing", "us-other", "in-analytics"),
    )
    assert hits(run(docs), "TRF-101") == []
    inventory = load_inventory(write(tmp_path / "inv", docs)).judged()
    assert not _onward_reachable(inventory)


def test_trf101_walk_precheck_sees_what_the_graph_sees(tmp_path) -> None:
    """The linear pre-check is True wherever TRF-101 can fire (it only spares the graph)."""
    from registry.rules.lineage import _onward_reachable

    for index, docs in enumerate([onward(), onward(data_categories=["health"])]):
        inventory = load_inventory(write(tmp_path / f"inv{index}", docs)).judged()
        assert _onward_reachable(inventory)
    # reachable but carrying another category: the graph is walked and finds nothing
    docs = onward(data_categories=["contact"])
    assert _onward_reachable(load_inventory(write(tmp_path / "inv-c", docs)).judged())


# --- DPA-101 -----------------------------------------------------------------------

VAULT = org("vaultco", "Vault Hosting", "DE")
VAULT_SYSTEM = system("backup-vault", "vaultco", "DE", ["identity", "lab-results"])
CLOUD_OWN = {
    "kind": "Activity",
    "id": "cloud-backup",
    "name": "CloudCo backups",
    "controller": "cloudco",
    "purposes": [{"purpose": "backups", "legal_basis": "legitimate_interests"}],
    "data_subjects": ["patients"],
    "data_categories": ["identity", "lab-results"],
}


def subprocessing(*extra: dict, **backup_extra) -> dict:
    return with_docs(
        base(),
        VAULT,
        VAULT_SYSTEM,
        CLOUD_OWN,
        flow("backup", "cloud-backup", "cloud-store", "backup-vault", **backup_extra),
        *extra,
    )


def test_dpa101_processor_passes_data_onward_under_its_own_activity(run) -> None:
    result = run(subprocessing())
    assert hits(result, "DPA-101") == [
        (
            "Flow:backup",
            "flow backup: cloudco passes lab's data (identity, lab-results) on to vaultco, "
            "which lab has not authorised as sub-processor",
        )
    ]
    # The per-flow rule judges the flow against its own activity's controller: silent.
    assert hits(result, "DPA-005") == []


def test_dpa101_near_miss_sub_processor_authorised(run) -> None:
    docs = subprocessing(dpa("dpa-cloudco", "lab", "cloudco", authorised_subprocessors=["vaultco"]))
    assert hits(run(docs), "DPA-101") == []


def test_dpa101_near_miss_flow_of_another_controllers_activity(run) -> None:
    # The onward flow is declared for another lab: it carries that lab's data, not ours.
    other = {**CLOUD_OWN, "id": "other-lab-testing", "controller": "other-lab"}
    docs = subprocessing(
        org("other-lab", "Other Lab", "FR"),
        other,
        flow("backup", "other-lab-testing", "cloud-store", "backup-vault"),
    )
    assert hits(run(docs), "DPA-101") == []


def test_dpa101_near_miss_disjoint_categories(run) -> None:
    assert hits(run(subprocessing(data_categories=["contact"])), "DPA-101") == []


def test_dpa101_follows_the_chain_two_hops_down(run) -> None:
    # vaultco (authorised) passes on to coldco, which nobody authorised.
    docs = subprocessing(
        dpa("dpa-cloudco", "lab", "cloudco", authorised_subprocessors=["vaultco"]),
        org("coldco", "Cold Storage", "DE"),
        system("cold", "coldco", "DE", ["identity", "lab-results"]),
        {**CLOUD_OWN, "id": "vault-archiving", "controller": "vaultco"},
        flow("archive", "vault-archiving", "backup-vault", "cold"),
    )
    found = hits(run(docs), "DPA-101")
    assert [e for e, _ in found] == ["Flow:archive", "Flow:archive"]
    # lab's data came through cloudco; cloudco's backups are cloudco's own data, and
    # cloudco (controller of its backups) did not authorise coldco either.
    assert "vaultco passes lab's data (identity, lab-results) on to coldco" in found[1][1]
    assert "vaultco passes cloudco's data (identity, lab-results) on to coldco" in found[0][1]


# --- RET-101 -----------------------------------------------------------------------


def test_ret101_category_arriving_without_retention(run, tmp_path: Path) -> None:
    docs = with_docs(base(), system("cloud-store", "cloudco", "DE", ["identity"]))
    result = run(docs)
    assert hits(result, "RET-101") == [
        (
            "Flow:to-cloud",
            "flow to-cloud brings lab-results to system cloud-store, which declares no "
            "retention for it",
        )
    ]
    finding = next(f for f in result.findings if f.rule == "RET-101")
    lines = (tmp_path / "inv" / "inventory.yaml").read_text().splitlines()
    assert lines[finding.pos.line - 1].strip() == "- lab-results"


def test_ret101_near_miss_parent_category_stored_with_retention(run) -> None:
    docs = with_docs(base(), system("cloud-store", "cloudco", "DE", ["identity", "health"]))
    assert hits(run(docs), "RET-101") == []


def test_ret101_near_miss_organisation_recipient(run) -> None:
    docs = with_docs(
        base(),
        flow(
            "to-cloudco",
            "lab-testing",
            "lis",
            "cloudco",
            recipient_role="processor",
            contract="dpa-cloudco",
        ),
    )
    assert hits(run(docs), "RET-101") == []


# --- SEC-101 -----------------------------------------------------------------------


def _weak_cloud(stores: list[str]) -> dict:
    weak = system("cloud-store", "cloudco", "DE", stores)
    weak["security"] = {"encryption_at_rest": False, "authentication": "shared"}
    return weak


def test_sec101_special_category_arriving_at_a_weak_system(run) -> None:
    result = run(with_docs(base(), _weak_cloud(["identity"])))
    assert hits(result, "SEC-101") == [
        (
            "Flow:to-cloud",
            "flow to-cloud brings special categories (lab-results) to system cloud-store, which "
            "does not declare them and lacks encryption at rest, individual authentication, "
            "monitoring, alert escalation",
        )
    ]
    # The per-system rule cannot see it: cloud-store declares no special category.
    assert hits(result, "SEC-001") == []


def test_sec101_near_miss_system_meets_the_bar(run) -> None:
    assert (
        hits(
            run(with_docs(base(), system("cloud-store", "cloudco", "DE", ["identity"]))), "SEC-101"
        )
        == []
    )


def test_sec101_near_miss_declared_categories_are_sec001s(run) -> None:
    result = run(with_docs(base(), _weak_cloud(["identity", "lab-results"])))
    assert hits(result, "SEC-101") == []
    assert [e for e, _ in hits(result, "SEC-001")] == ["System:cloud-store"]


def test_sec101_near_miss_no_special_category(run) -> None:
    docs = with_docs(base(), _weak_cloud(["identity"]))
    docs["Flow:to-cloud"]["data_categories"] = ["identity"]
    assert hits(run(docs), "SEC-101") == []
