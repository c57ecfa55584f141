"""Transfers in the record and everything that reads it: several mechanisms on one flow,
the recipient's DPF certification, systems hosted in several countries or reached from a
third country; the exports, the site, the importers' round trip and the format's errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from registry.core.inventory import Inventory, load_inventory
from registry.core.record import Record
from registry.importers import import_register
from registry.layouts import ico
from registry.outputs.export import export_register
from registry.outputs.site import markup
from registry.outputs.site.pages import build_site
from registry.pipeline.check import CheckResult, check
from tests.conftest import write_inventory

AS_OF = dt.date(2026, 11, 29)
DPF_ENTRY = "https://www.dataprivacyframework.gov/participant/1234"

# A lab whose CRM CloudCo (US, DPF-certified) hosts in Frankfurt and Virginia, under the
# DPF with SCCs signed as well; its helpdesk, run by a French firm, is supported from India.
REGISTER = {
    "organisations.yaml": f"""
        kind: Organisation
        id: labs
        name: Biolab
        country: FR
        address: 1 rue des Analyses, Lyon
        contact: {{email: privacy@biolab.example}}
        dpo: {{name: DPO, email: dpo@biolab.example}}
        ---
        kind: Organisation
        id: cloudco
        name: CloudCo Inc.
        country: US
        address: 1 Market Street, San Francisco
        dpf: {{since: 2023-07-17, verified: 2026-10-01, reference: "{DPF_ENTRY}"}}
        ---
        kind: Organisation
        id: supportco
        name: Support SARL
        country: FR
        address: 2 rue du Support, Nantes
    """,
    "systems.yaml": """
        kind: System
        id: crm
        name: CRM
        operator: cloudco
        country: [DE, US]
        regions: [eu-central-1, us-east-1]
        stores: [{category: contact, retention: P3Y}]
        security: {encryption_at_rest: true, authentication: individual, mfa: true}
        ---
        kind: System
        id: helpdesk
        name: Helpdesk
        operator: supportco
        country: FR
        accessed_from: [IN]
        stores: [{category: contact, retention: P1Y}]
        security: {encryption_at_rest: true, authentication: individual, mfa: true}
    """,
    "activity.yaml": """
        kind: Activity
        id: customer-care
        name: Customer care
        controller: labs
        purposes: [{purpose: Answer customers, legal_basis: contract}]
        data_subjects: [customers]
        data_categories: [contact]
        systems: [crm, helpdesk]
        retention: [{category: contact, period: P3Y}]
    """,
    "flows.yaml": """
        kind: Flow
        id: contacts-to-crm
        activity: customer-care
        from: customers
        to: crm
        data_categories: [contact]
        contract: dpa-cloudco
        transfer: {mechanism: [dpf, sccs], reference: SCC module 2}
        encrypted_in_transit: true
        ---
        kind: Flow
        id: tickets
        activity: customer-care
        from: customers
        to: helpdesk
        data_categories: [contact]
        contract: dpa-supportco
        encrypted_in_transit: true
    """,
    "contracts.yaml": """
        kind: Contract
        id: dpa-cloudco
        type: dpa
        controller: labs
        processor: cloudco
        signed: 2024-01-15
        ---
        kind: Contract
        id: dpa-supportco
        type: dpa
        controller: labs
        processor: supportco
        signed: 2024-01-15
    """,
}

SAFEGUARD = (
    "EU-US Data Privacy Framework (Art. 45) and standard contractual clauses (Art. 46(2)(c)): "
    "SCC module 2; DPF certification since 2023-07-17, verified 2026-10-01"
)


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inventory(tmp_path_factory.mktemp("transfers") / "inv", REGISTER)


@pytest.fixture(scope="module")
def inventory(register: Path) -> Inventory:
    inv = load_inventory(register)
    assert inv.problems == []
    return inv


@pytest.fixture(scope="module")
def result(inventory: Inventory) -> CheckResult:
    return check(inventory, AS_OF)


def test_findings_are_the_true_ones(result: CheckResult) -> None:
    """The CRM's transfer stands on DPF and SCCs; only India's access lacks a mechanism."""
    transfers = [(f.rule, f.entity) for f in result.findings if f.rule.startswith("TRF")]
    assert transfers == [("TRF-006", "System:helpdesk")]


def test_several_mechanisms_and_the_dpf_fact_in_the_record(result: CheckResult) -> None:
    (row,) = result.record.activities.values()
    lines = {t.country: t for t in row.transfers}
    assert sorted(lines) == ["IN", "US"]  # Germany is in the EEA: no transfer line
    us = lines["US"]
    assert us.mechanisms == ("dpf", "sccs")
    assert us.flows == ("contacts-to-crm",)
    assert us.safeguard == SAFEGUARD
    # India reaches the helpdesk: a transfer of its operator's, with no safeguard documented.
    india = lines["IN"]
    assert (india.recipient, india.mechanisms, india.systems) == ("Support SARL", (), ("helpdesk",))
    assert india.safeguard == "no safeguard documented"


def test_ico_export_shows_both_mechanisms_and_both_hosting_countries(
    inventory: Inventory,
) -> None:
    data = export_register(Record(inventory, AS_OF), fmt="csv", template="ico").decode("utf-8-sig")
    assert SAFEGUARD in data
    assert "United States (US): CloudCo Inc." in data
    assert "India (IN): Support SARL" in data
    assert "CRM (DE, US)" in data  # the location column
    assert ico.COLUMNS[8].startswith("Safeguards")


def test_cnil_export_says_it_in_french(inventory: Inventory) -> None:
    data = export_register(Record(inventory, AS_OF), fmt="csv", template="cnil").decode("utf-8-sig")
    assert (
        "cadre de protection des données UE-États-Unis (Art. 45) et clauses contractuelles types "
        "(Art. 46(2)(c)) : SCC module 2 ; certification DPF depuis le 2023-07-17, vérifiée le "
        "2026-10-01"
    ) in data


def test_full_json_carries_mechanisms_certification_and_countries(inventory: Inventory) -> None:
    document = json.loads(export_register(Record(inventory, AS_OF), fmt="json", template="full"))
    (activity,) = document["activities"]
    us = next(t for t in activity["derived"]["transfers"] if t["country"] == "US")
    assert us["mechanisms"] == ["dpf", "sccs"]
    assert us["mechanism"] == "dpf"
    assert us["certification"] == {
        "since": "2023-07-17",
        "verified": "2026-10-01",
        "withdrawn": None,
        "reference": DPF_ENTRY,
    }
    systems = {s["id"]: s for s in document["systems"]}
    assert systems["crm"]["country"] == ["DE", "US"]
    assert systems["crm"]["regions"] == ["eu-central-1", "us-east-1"]
    assert systems["crm"]["derived"]["countries"] == ["DE", "US"]
    assert systems["helpdesk"]["derived"]["access_countries"] == ["IN"]
    flows = {f["id"]: f for f in document["flows"]}
    assert flows["contacts-to-crm"]["transfer"]["mechanism"] == ["dpf", "sccs"]
    assert flows["contacts-to-crm"]["derived"]["to_countries"] == ["DE", "US"]
    cloudco = next(o for o in document["organisations"] if o["id"] == "cloudco")
    assert cloudco["dpf"]["since"] == "2023-07-17"


def test_site_shows_both_mechanisms_and_the_certification(result: CheckResult) -> None:
    site = build_site(result, last_change="2026-11-28", draw=lambda inv, view, page: "")
    transfers = site.pages["transfers.md"].body
    both = "EU-US Data Privacy Framework (Art. 45) and standard contractual clauses (Art. 46(2)(c))"
    assert markup.text(SAFEGUARD) in transfers
    by_country = "| [United States &#40;US&#41;](transfers.md#country-us) | " + markup.text(both)
    by_country += " | 1 |"
    assert by_country in transfers  # by country and mechanism, in words
    crm = site.pages["systems/crm.md"].body  # its flows table names both, in words
    assert markup.text(both) in crm
    cloudco = site.pages["organisations/cloudco.md"].body
    assert "EU-US Data Privacy Framework" in cloudco
    assert "on the DPF List on 2026-11-29" in cloudco


def test_spreadsheet_round_trip_keeps_mechanisms_and_countries(
    inventory: Inventory, tmp_path: Path
) -> None:
    source = tmp_path / "register.xlsx"
    source.write_bytes(export_register(Record(inventory, AS_OF), fmt="xlsx", template="ico"))
    result = import_register("spreadsheet", source, tmp_path / "imported", template="ico")
    assert result.unplaced == 0, result.report
    imported = load_inventory(tmp_path / "imported")
    assert imported.problems == []
    transfers = [f.transfer for f in imported.flows.values() if f.transfer is not None]
    assert [(t.mechanism, t.reference) for t in transfers] == [(["dpf", "sccs"], "SCC module 2")]
    crm = next(s for s in imported.systems.values() if s.name == "CRM")
    assert crm.country == ["DE", "US"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("transfer: {mechanism: []}", "at least 1 item"),
        ("transfer: {mechanism: [sccs, sccs]}", "sccs listed more than once"),
        ("transfer: {mechanism: [sccs, dpa]}", "mechanism"),
    ],
)
def test_bad_mechanism_lists_are_schema_errors(check_yaml, field: str, message: str) -> None:
    result = check_yaml("kind: Flow\nid: f\nactivity: a\nfrom: s\nto: t\n" + field + "\n", AS_OF)
    errors = [f for f in result.findings if f.rule.startswith("SCH-")]
    assert errors and any(message in f.message for f in errors), errors


def test_bad_dpf_and_country_lists_are_schema_errors(check_yaml) -> None:
    result = check_yaml(
        "kind: Organisation\nid: o\nname: O\ndpf: {since: 2023-07-17}\n---\n"
        "kind: System\nid: s\nname: S\ncountry: []\naccessed_from: [XX]\n",
        AS_OF,
    )
    messages = [f.message for f in result.findings if f.rule.startswith("SCH-")]
    assert any("dpf.reference" in m for m in messages), messages
    assert any("country" in m and "at least 1 item" in m for m in messages), messages
    assert any("'XX' is not an ISO 3166-1" in m for m in messages), messages
