"""`ropa import fides`: fideslang 1.x, 2.x and 3.x manifests into our inventory."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.inventory import Inventory, load_inventory
from registry.importers import ImportFailure, import_register
from registry.importers.fideslang import normalise
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


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text))
    return directory


def run(tmp_path: Path, files: dict[str, str]) -> tuple[Inventory, str]:
    manifests = write(tmp_path / "m", files)
    result = import_register("fides", manifests, tmp_path / "out")
    inventory = load_inventory(tmp_path / "out")
    assert inventory.problems == []
    return inventory, result.report


ORG = """\
organization:
  - fides_key: shop
    name: Shop SAS
    controller: {name: Ann Contact, address: 1 rue X, Paris, email: hello@shop.example}
"""


def test_organisations_with_their_contact_person(imported):
    inv, _ = imported
    biolab = inv.organisations["biolab-analyses-sas"]
    assert biolab.address == "12 rue des Lilas, 69003 Lyon, France"
    assert biolab.dpo.email == "dpo@biolab.example"
    assert biolab.contact.email == "contact@biolab.example"


def test_contact_names_are_kept(tmp_path: Path):
    inv, _ = run(tmp_path, {"o.yml": ORG, "s.yml": "system: []\n"})
    shop = inv.organisations["shop-sas"]
    assert (shop.contact.name, shop.contact.email) == ("Ann Contact", "hello@shop.example")


def test_a_vendors_system_is_run_by_the_vendor_with_a_draft_contract(imported):
    inv, report = imported
    # fideslang 3.x legal_name: the vendor runs the system, our processor.
    mailer = inv.systems["results-mailer"]
    assert mailer.operator == "cloudsend-inc"
    assert inv.organisations["cloudsend-inc"].dpo.email == "privacy@cloudsend.example"
    assert inv.systems["lis"].operator == "biolab-analyses-sas"
    assert inv.systems["lis"].owner == "Lab IT"
    [draft] = inv.contracts.values()
    assert (draft.type, draft.controller, draft.processor, draft.signed) == (
        "dpa",
        "biolab-analyses-sas",
        "cloudsend-inc",
        None,
    )
    into = [f for f in inv.flows.values() if f.to == "results-mailer"]
    assert into and all(f.contract == draft.id for f in into)
    assert f"contracts/{draft.id}.yaml is a draft" in report


THIRD_PARTY = """\
system:
  - fides_key: stripe
    name: Stripe
    system_type: Third Party
    privacy_declarations:
      - data_categories: [user.financial.credit_card, user.contact.email]
        data_use: essential.service.payment_processing
        data_subjects: [customer]
  - fides_key: ads
    name: AdNetwork
    system_type: Third Party
    privacy_declarations:
      - data_categories: [user.device.cookie_id]
        data_use: marketing.advertising.third_party.targeted
        data_subjects: [customer]
"""


def test_third_party_systems_become_processors_or_independent_controllers(tmp_path: Path):
    inv, report = run(tmp_path, {"o.yml": ORG, "s.yml": THIRD_PARTY})
    stripe = inv.systems["stripe"]
    assert stripe.operator == "stripe-2"  # the vendor, named after its system (a to-do)
    assert "named after it ('Stripe')" in report
    # Activity names: the system and the data use.
    assert inv.activities["stripe-payment-processing"].name == "Stripe — payment processing"
    [paid] = [f for f in inv.flows.values() if f.to == "stripe"]
    assert paid.contract is not None and paid.recipient_role is None
    assert "collected from the data subjects" in (paid.description or "")
    # Third-party targeted advertising: the vendor uses the data for its own ends.
    [ads] = [f for f in inv.flows.values() if f.to == "ads"]
    assert (ads.recipient_role, ads.contract) == ("controller", None)
    codes = {(f.rule, f.entity) for f in check(inv, AS_OF).findings}
    assert ("DPA-002", "Organisation:stripe-2") in codes
    assert not any(rule.startswith("DPA") and "adnetwork" in entity for rule, entity in codes)


def test_data_use_recipients_name_the_vendor_and_get_flows(tmp_path: Path):
    inv, _ = run(
        tmp_path,
        {
            "o.yml": ORG,
            "t.yml": """\
            data_use:
              - fides_key: collect.analytics
                name: Analytics Tracking
                recipients: [Google]
                legal_basis: Legitimate Interests
                special_category: Vital Interests
                legitimate_interest_impact_assessment: https://example.org/lia
                parent_key: collect
              - fides_key: provide.service.operations.shop
                name: Shop
                recipients: [Shipping partner]
                legal_basis: Contract
                parent_key: provide.service.operations
            """,
            "s.yml": """\
            system:
              - fides_key: google_analytics
                name: Google Analytics
                system_type: Third Party
                third_country_transfers: [USA]
                privacy_declarations:
                  - name: Page views
                    data_categories: [user.derived.identifiable.browsing_history]
                    data_use: collect.analytics
                    data_subjects: [customer]
              - fides_key: app
                name: App
                system_type: Application
                privacy_declarations:
                  - data_categories: [user.provided.identifiable.contact.email]
                    data_use: provide.service.operations.shop
                    data_subjects: [customer]
            """,
        },
    )
    assert inv.systems["google-analytics"].operator == "google"
    assert inv.systems["google-analytics"].country == "US"  # third_country_transfers
    views = inv.activities["google-analytics-page-views"]
    assert views.purposes[0].legal_basis == "legitimate_interests"  # 1.x: on the data use
    assert views.purposes[0].lia == "https://example.org/lia"
    assert views.art9_condition == "vital_interests"
    assert views.purposes[0].purpose.startswith("Analytics Tracking (collect.analytics)")
    [shipping] = [f for f in inv.flows.values() if f.to == "shipping-partner"]
    assert (shipping.source, shipping.recipient_role) == ("app", None)
    codes = {(f.rule, f.entity) for f in check(inv, AS_OF).findings}
    [into_ga] = [f.id for f in inv.flows.values() if f.to == "google-analytics"]
    assert ("TRF-001", f"Flow:{into_ga}") in codes


def test_legal_basis_for_transfers_gives_the_mechanism_of_the_flows_that_leave(tmp_path):
    inv, _ = run(
        tmp_path,
        {
            "o.yml": ORG,
            "s.yml": """\
            system:
              - fides_key: crm
                name: CRM
                legal_name: CRM Corp
                does_international_transfers: true
                legal_basis_for_transfers: [SCCs, Supplementary Measures]
                privacy_declarations:
                  - data_categories: [user.contact]
                    data_use: marketing.communications.email
                    data_subjects: [prospect]
                    legal_basis_for_processing: Consent
            """,
        },
    )
    [flow] = inv.flows.values()
    assert flow.to == "crm" and flow.transfer.mechanism == "sccs"


def test_a_missing_organisation_is_a_placeholder_and_a_todo(tmp_path: Path):
    inv, report = run(
        tmp_path,
        {
            "s.yml": """\
            system:
              - fides_key: app
                name: App
                organization_fides_key: acme_org
                privacy_declarations:
                  - data_categories: [user.name]
                    data_use: essential.service
                    data_subjects: [customer]
            """
        },
    )
    [org] = inv.organisations.values()
    assert org.name == "Controller to be named (Fides organization acme_org)"
    assert inv.activities["app-providing-the-service"].controller == org.id
    assert f"organisations/{org.id}.yaml is a placeholder" in report
    codes = {f.rule for f in check(inv, AS_OF).findings}
    assert "R30-001" in codes  # the placeholder has no contact: the user's to-do


def test_the_fideslang_taxonomy_maps_onto_ropas_hierarchy(tmp_path: Path):
    inv, _ = run(
        tmp_path,
        {
            "o.yml": ORG,
            "s.yml": """\
            system:
              - fides_key: app
                name: App
                privacy_declarations:
                  - data_categories:
                      - user.authorization.password
                      - user.credentials.password
                      - user.childrens
                      - user.behavior.browsing_history
                      - user.government_id.drivers_license_number
                      - system.operations
                    data_use: essential.service
                    data_subjects: [customer]
            """,
        },
    )
    activity = inv.activities["app-providing-the-service"]
    # system.* is not personal data; 1.x and 3.x passwords are credentials.
    assert activity.data_categories == [
        "credentials",
        "childrens-data",
        "browsing-search-history",
        "government-identifiers",
    ]
    # Children's data: the activity's subjects include children (vulnerable).
    assert activity.data_subjects == ["customers", "children"]
    assert inv.categories["browsing-search-history"].parent == "online-identifiers"
    assert inv.categories["government-identifiers"].parent == "identity"
    assert "user.credentials.password" in inv.categories["credentials"].aliases


@pytest.mark.parametrize(
    ("key", "normal"),
    [
        ("user.provided.identifiable.contact.email", "user.contact.email"),
        ("user.provided.identifiable.contact.city", "user.contact.address.city"),
        ("user.derived.identifiable.device.cookie_id", "user.device.cookie_id"),
        ("user.credentials.password", "user.authorization.password"),
        ("user.browsing_history", "user.behavior.browsing_history"),
        ("account.payment.financial_account_number", "user.financial.bank_account"),
        ("user.provided.identifiable", "user"),
        ("user.genetic", "user.health_and_medical.genetic"),
    ],
)
def test_fideslang_1_keys_are_read_as_3_keys(key: str, normal: str):
    assert normalise(key) == normal


def test_user_is_narrowed_to_what_the_datasets_hold(tmp_path: Path):
    inv, report = run(
        tmp_path,
        {
            "o.yml": ORG,
            "s.yml": """\
            system:
              - fides_key: db
                name: DB
                privacy_declarations:
                  - data_categories: [user]
                    data_use: essential.service
                    data_subjects: [customer]
                    dataset_references: [db_ds]
              - fides_key: other
                name: Other
                privacy_declarations:
                  - data_categories: [user]
                    data_use: essential.service
                    data_subjects: [customer]
            dataset:
              - fides_key: db_ds
                collections:
                  - name: users
                    fields:
                      - {name: email, data_categories: [user.contact.email]}
                      - {name: created, data_categories: [system.operations]}
            """,
        },
    )
    assert inv.activities["db-providing-the-service"].data_categories == ["contact"]
    assert "narrowed to what its datasets hold: contact" in report
    assert inv.activities["other-providing-the-service"].data_categories == [
        "user-data-to-narrow-down"
    ]
    assert "names `user` (any data about the user)" in report


def test_a_dataset_shared_by_systems_reaches_each(tmp_path: Path):
    inv, _ = run(
        tmp_path,
        {
            "o.yml": ORG,
            "s.yml": """\
            system:
              - fides_key: a
                name: A
                privacy_declarations:
                  - data_categories: []
                    data_use: essential.service
                    data_subjects: [customer]
                    dataset_references: [shared]
              - fides_key: b
                name: B
                dataset_references: [shared]
                privacy_declarations:
                  - data_categories: [user.name]
                    data_use: essential.service
                    data_subjects: [employee]
            dataset:
              - fides_key: shared
                retention: 7 years
                data_categories: [user.contact.email]
            """,
        },
    )
    for system in ("a", "b"):
        assert [(s.category, str(s.retention)) for s in inv.systems[system].stores] == [
            ("contact", "P7Y")
        ]
    # No categories on the declaration: those of its dataset.
    assert inv.activities["a-providing-the-service"].data_categories == ["contact"]


def test_egress_without_categories_carries_what_both_ends_hold(imported):
    inv, report = imported
    flows = {(f.source, f.to): f for f in inv.flows.values()}
    assert set(flows) == {
        ("lis", "results-mailer"),  # egress, system to system, categories given
        ("prescriptions", "lis"),  # ingress from a dataset no declaration references
        ("results-mailer", "post-office-ltd"),  # shared with a named third party
        ("employees", "hr-suite"),  # 3.x ingress from `user`: the declaration's subjects
    }
    inferred = flows[("prescriptions", "lis")]
    assert inferred.data_categories == ["health"]  # both hold health (cytology under it)
    assert inferred.description.startswith("Inferred by `ropa import fides`")
    assert "it carries those both ends hold" in report
    assert flows[("employees", "hr-suite")].data_categories == ["identity", "bank-details"]
    # Into a vendor's system, the flow belongs to the vendor system's activity.
    assert flows[("lis", "results-mailer")].activity == "results-mailer-send-results-to-patients"
    stores = {s.category: str(s.retention) for s in inv.systems["lis"].stores}
    assert stores == {"identity": "P10Y", "health": "P10Y"}
    assert inv.systems["lis"].identifiers == ["lis", "lis_db"]


def test_declarations_become_activities(imported):
    inv, _ = imported
    tests = inv.activities["lis-medical-laboratory-tests"]
    assert tests.name == "Laboratory information system — Medical laboratory tests"
    assert tests.controller == "biolab-analyses-sas"
    assert [p.purpose for p in tests.purposes] == [
        "Laboratory testing (essential.service.lab_testing)"
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
    assert mail.purposes[0].lia == "https://intranet.biolab.example/dpia/2"
    payroll = inv.activities["hr-suite-payroll"]
    assert payroll.art9_condition == "employment_social_protection"
    assert payroll.purposes[0].legal_basis == "contract"


def test_joint_controllers_of_both_versions(imported):
    inv, _ = imported
    assert inv.activities["lis-medical-laboratory-tests"].joint_controllers == [
        "hopital-saint-jean"
    ]
    assert inv.organisations["hopital-saint-jean"].contact.email == "dpo@hospital.example"
    assert inv.activities["hr-suite-payroll"].joint_controllers == ["biolab-groupe-sas"]


def test_fideslang_category_names_are_kept_as_aliases(imported):
    inv, _ = imported
    assert inv.categories["health"].aliases == [
        "user.health_and_medical",
        "user.provided.identifiable.health_and_medical",  # fideslang 1.x spelling
    ]
    assert inv.categories["health"].special == "health"  # the taxonomy entry, redeclared whole
    cytology = inv.categories["cytology-slide-images"]
    assert (cytology.parent, cytology.aliases) == ("health", ["user.health_and_medical.cytology"])
    assert inv.special_of("cytology-slide-images") == "health"


def test_what_is_not_imported_is_reported_with_file_line_and_path(imported):
    _, report = imported
    assert "organization.yml:14 organization[0].security_policy: 'https://biolab.example" in report
    assert "organization.yml:27 policy[0].fides_key = 'default_policy' not carried over" in report
    assert (
        "systems-v3.yml:45 system[1].privacy_declarations[0].flexible_legal_basis_for_processing "
        "= 'false' not carried over: IAB TCF detail" in report
    )
    assert "declared Processor" in report


def test_check_lists_the_todo(imported):
    inv, _ = imported
    codes = {f.rule for f in check(inv, AS_OF).findings}
    assert {"DPA-004", "R30-007", "TRF-001", "SEC-001"} <= codes
    assert not any(c.startswith("SCH") for c in codes)


def test_declaration_level_egress_of_fideslang_2(tmp_path: Path):
    inv, _ = run(
        tmp_path,
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
    [flow] = inv.flows.values()
    assert (flow.source, flow.to, flow.activity) == ("app", "crm", "app-marketing")
    assert flow.data_categories == ["contact"]  # the activity's: CRM holds nothing declared


def test_a_system_declaring_only_system_data_is_left_out(tmp_path: Path):
    inv, report = run(
        tmp_path,
        {
            "o.yml": ORG,
            "s.yml": """\
            system:
              - fides_key: logs
                name: Logs
                egress: [{fides_key: app, type: system}]
                privacy_declarations:
                  - data_categories: [system.operations]
                    data_use: essential.service
                    data_subjects: [customer]
              - fides_key: app
                name: App
                privacy_declarations:
                  - data_categories: [user.name]
                    data_use: essential.service
                    data_subjects: [customer]
            """,
        },
    )
    assert set(inv.systems) == {"app"}
    assert "declares no personal data" in report


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


def test_a_project_folder_is_read_from_its_dot_fides(tmp_path: Path):
    project = tmp_path / "project"
    (project / ".fides").mkdir(parents=True)
    for manifest in FIDES.iterdir():
        (project / ".fides" / manifest.name).write_text(manifest.read_text("utf-8"))
    (project / "docker-compose.yml").write_text("services: {}\n")  # not a manifest
    result = import_register("fides", project, tmp_path / "out")
    assert result.counts["Activity"] == 3


def test_cli_fides_prints_a_summary_and_the_next_command(tmp_path: Path, capsys):
    out = tmp_path / "inv"
    assert main(["import", "fides", str(FIDES), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote 25 entities to {out}" in printed
    assert "Fields read: 111; mapped into the inventory:" in printed
    assert f"Next: ropa check {out}" in printed
    assert "Field by field" not in printed  # the ledger stays in IMPORT-REPORT.txt
    # One manifest file alone is read too.
    assert (
        main(["import", "fides", str(FIDES / "systems-v3.yml"), "--out", str(tmp_path / "one")])
        == 0
    )
    assert main(["import", "fides", str(tmp_path / "nothing"), "--out", "x"]) == 2
    assert "does not exist" in capsys.readouterr().err
