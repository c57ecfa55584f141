"""`ropa import fides`: fideslang 2.x/3.x manifests into our inventory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.inventory import Inventory, load_inventory
from registry.importers import ImportFailure, import_register
from registry.pipeline.check import check
from tests.conftest import AS_OF, ROOT

FIDES = ROOT / "tests" / "fixtures" / "fides"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Inventory, str]:
    out = tmp_path_factory.mktemp("fides") / "inventory"
    result = import_register("fides", FIDES, out)
    inventory = load_inventory(out)
    assert inventory.problems == []
    return inventory, result.report


def test_organisations_and_vendor_operators(imported):
    inv, _ = imported
    biolab = inv.organisations["biolab-analyses-sas"]
    assert biolab.address == "12 rue des Lilas, 69003 Lyon, France"
    assert biolab.dpo.email == "dpo@biolab.example"
    # fideslang 3.x legal_name: the vendor runs the system, so it is a processor for us.
    assert inv.systems["results-mailer"].operator == "cloudsend-inc"
    assert inv.organisations["cloudsend-inc"].dpo.email == "privacy@cloudsend.example"
    assert inv.systems["lis"].operator == "biolab-analyses-sas"
    assert inv.systems["lis"].owner == "Lab IT"


def test_declarations_become_activities(imported):
    inv, _ = imported
    tests = inv.activities["lis-medical-laboratory-tests"]
    assert tests.controller == "biolab-analyses-sas"
    assert [p.purpose for p in tests.purposes] == [
        "Laboratory testing (essential.service.lab_testing)"  # the declared data use's name
    ]
    assert tests.data_subjects == ["patients", "prescribing-doctors"]
    assert tests.data_categories == ["identity", "contact", "cytology-slide-images", "health"]
    assert tests.dpia.status == "completed"  # 2.x data_protection_impact_assessment
    mail = inv.activities["results-mailer-send-results-to-patients"]
    assert mail.purposes[0].legal_basis == "legitimate_interests"  # 3.x legal basis
    assert [(r.category, r.period) for r in mail.retention] == [
        ("contact", "P30D"),
        ("identity", "P30D"),
    ]
    # 3.x impact_assessment_location is where the legitimate interests assessment lives.
    assert mail.purposes[0].lia == "https://intranet.biolab.example/dpia/2"
    payroll = inv.activities["hr-suite-payroll"]
    assert payroll.art9_condition == "employment_social_protection"
    assert payroll.purposes[0].legal_basis == "contract"


def test_joint_controllers_of_both_versions(imported):
    inv, _ = imported
    # 2.x joint_controller contact block, 3.x joint_controller_info "name; address; e-mail".
    assert inv.activities["lis-medical-laboratory-tests"].joint_controllers == [
        "hopital-saint-jean"
    ]
    assert inv.organisations["hopital-saint-jean"].contact.email == "dpo@hospital.example"
    assert inv.activities["hr-suite-payroll"].joint_controllers == ["biolab-groupe-sas"]
    group = inv.organisations["biolab-groupe-sas"]
    assert (group.address, group.contact.email) == (
        "5 rue du Parc, 69006 Lyon, France",
        "groupe@biolab.example",
    )


def test_fideslang_category_names_are_kept_as_aliases(imported):
    inv, _ = imported
    assert inv.categories["health"].aliases == [
        "user.health_and_medical",
        "user.provided.identifiable.health_and_medical",  # fideslang 1.x spelling
    ]
    assert inv.categories["health"].special == "health"  # the taxonomy entry, redeclared whole
    assert "user.contact.email" in inv.categories["contact"].aliases
    cytology = inv.categories["cytology-slide-images"]
    assert (cytology.parent, cytology.aliases) == ("health", ["user.health_and_medical.cytology"])
    assert inv.special_of("cytology-slide-images") == "health"
    unmapped = inv.categories["browsing-history"]
    assert unmapped.aliases == ["user.behavior.browsing_history"] and unmapped.parent is None


def test_egress_ingress_and_third_parties_become_flows(imported):
    inv, _ = imported
    flows = {(f.source, f.to): f for f in inv.flows.values()}
    assert set(flows) == {
        ("lis", "results-mailer"),  # egress, system to system
        ("prescriptions", "lis"),  # ingress from a dataset no declaration references
        ("results-mailer", "post-office-ltd"),  # shared with a named third party
        ("employees", "hr-suite"),  # 3.x ingress from `user`: the declaration's subjects
    }
    assert flows[("employees", "hr-suite")].data_categories == ["identity", "bank-details"]
    # 3.x system-level dataset_references
    assert [s.category for s in inv.systems["hr-suite"].stores] == ["bank-details", "national-id"]
    assert flows[("lis", "results-mailer")].data_categories == ["contact", "identity"]
    assert flows[("lis", "results-mailer")].activity == "lis-medical-laboratory-tests"
    # The dataset the LIS references gives what it stores, with the dataset's retention.
    stores = {s.category: str(s.retention) for s in inv.systems["lis"].stores}
    assert stores == {"identity": "P10Y", "health": "P10Y"}
    assert inv.systems["lis"].identifiers == ["lis", "lis_db"]


def test_what_is_not_imported_is_reported_with_file_and_line(imported):
    _, report = imported
    assert "organization.yml:27: 'policy' — not imported" in report
    assert (
        "organization.yml:14: 'https://biolab.example/security' — organization field "
        "'security_policy' is not imported" in report
    )
    assert "systems-v3.yml:13: 'USA' — a transfer with no recipient" in report
    assert (
        "systems-v3.yml:45: 'False' — privacy_declarations field "
        "'flexible_legal_basis_for_processing' is not imported" in report
    )
    assert "declared Processor" in report


def test_check_lists_the_todo(imported):
    inv, _ = imported
    codes = {f.rule for f in check(inv, AS_OF).findings}
    assert {"DPA-001", "R30-007", "LAW-001", "SEC-001"} <= codes
    assert not any(c.startswith("SCH") for c in codes)


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text))
    return directory


def test_declaration_level_egress_of_fideslang_2(tmp_path: Path):
    manifests = write(
        tmp_path / "m",
        {
            "a.yml": """\
        system:
          - fides_key: app
            name: App
            privacy_declarations:
              - name: Marketing
                data_use: marketing.advertising
                data_categories: [user.contact.email]
                data_subjects: [customer]
                egress: [crm]
          - fides_key: crm
            name: CRM
            privacy_declarations: []
        """
        },
    )
    import_register("fides", manifests, tmp_path / "out")
    inv = load_inventory(tmp_path / "out")
    [flow] = inv.flows.values()
    assert (flow.source, flow.to, flow.activity) == ("app", "crm", "app-marketing")
    assert inv.activities["app-marketing"].data_subjects == ["customers"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.yml": "system:\n  - name: no key\n"}, "a.yml:2: system entry without a fides_key"),
        ({"a.yml": "system: &x []\nother: *x\n"}, "a.yml:1"),
        ({"a.yml": "policy: []\n"}, "no Fides organization, system or dataset"),
        ({"a.yml": "system: 3\n"}, "a.yml:1: system must be a list of mappings"),
    ],
)
def test_bad_manifests(tmp_path: Path, files, message):
    manifests = write(tmp_path / "m", files)
    with pytest.raises(ImportFailure) as caught:
        import_register("fides", manifests, tmp_path / "out")
    assert message in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_cli_fides(tmp_path: Path, capsys):
    assert main(["import", "fides", str(FIDES), "--out", str(tmp_path / "inv")]) == 0
    assert "3 Activity" in capsys.readouterr().out
    assert main(["import", "fides", str(FIDES / "organization.yml"), "--out", "x"]) == 2
    assert "is not a directory of Fides manifests" in capsys.readouterr().err
