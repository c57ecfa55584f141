"""Registers in any layout: Markdown and wiki tables, CNIL-style Markdown fiches, and
spreadsheets under the headings people use, in English and French (Dutch and German too).

The registers under tests/fixtures/free/ are written for these tests in the layouts of the
public registers found (see tests/imports/README.md: none could be vendored).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from registry.cli import main
from registry.core.inventory import Inventory, load_inventory
from registry.importers import ImportFailure, import_register
from registry.importers.freeform import guess_category, guess_subject, split_items
from registry.importers.text import read_country, read_retention, says_nothing, to_complete
from registry.pipeline.check import check
from tests.conftest import AS_OF, ROOT
from tests.import_ledger import check_targets, ledger, text_lines_uncovered

FREE = ROOT / "tests" / "fixtures" / "free"
MARKDOWN = sorted(p.name for p in FREE.iterdir())


def run(source: str, path: Path, out: Path, **options) -> tuple[Inventory, str]:
    result = import_register(source, path, out, **options)
    inventory = load_inventory(out)
    assert inventory.problems == []
    return inventory, result.report


@pytest.mark.parametrize("name", MARKDOWN)
def test_every_line_of_a_markdown_register_is_accounted_for(tmp_path: Path, name: str):
    inventory, report = run("markdown", FREE / name, tmp_path / "out")
    entries = ledger(report)
    assert text_lines_uncovered(FREE / name, entries) == []
    assert all(e.outcomes for e in entries)
    assert check_targets(entries, inventory) == []


def test_a_markdown_table_register_in_free_words(tmp_path: Path):
    inv, report = run("markdown", FREE / "records-table.md", tmp_path / "out")
    orders = inv.activities["order-handling"]
    assert orders.name == "Order handling"
    assert [p.purpose for p in orders.purposes] == ["Deliver the orders"]
    # "Customers; delivery address, phone": one column for subjects and data.
    assert (orders.data_subjects, orders.data_categories) == (["customers"], ["contact"])
    assert [(r.category, str(r)) for r in orders.retention] == [("contact", "P6Y")]
    assert inv.systems["shopify"].country == "CA"  # "Shopify (Canada)"
    assert inv.systems["shopify"].security.measures == ["RBAC", "encryption at rest"]
    stripe = next(f for f in inv.flows.values() if f.to == "stripe")
    assert (stripe.transfer.mechanism, stripe.transfer.country) == ("sccs", "US")
    staff = inv.activities["staff-records"]
    assert staff.data_categories == ["payroll", "bank-details"]
    assert str(staff.retention[0]) == "P7Y after leaving"
    assert {inv.organisations[o].country for o in ("hmrc", "bank")} == {"GB"}  # "UK"
    # "None" recipients and transfers: nothing to record, said so.
    assert "'None' not carried over: says none: nothing to record" in report
    # Measures with no system to hold them are left for the user, with the reason.
    assert "'RBAC, masking' — security measures with no system named" in report
    assert "organisations/controller-to-be-named.yaml is a placeholder" in report
    codes = {(f.rule, f.entity) for f in check(inv, AS_OF).findings}
    # "7 years" is a retention: no R30-007 on rows that give one.
    assert not any(rule == "R30-007" for rule, _ in codes)


def test_cnil_style_markdown_fiches(tmp_path: Path):
    inv, report = run("markdown", FREE / "registre-fiches.md", tmp_path / "out")
    controller = inv.organisations["association-les-amis-du-rail"]
    assert controller.address == "3 rue de la Gare, 21000 Dijon"
    assert controller.contact.email == "contact@amisdurail.example"
    assert controller.dpo.email == "dpo@amisdurail.example"
    members = inv.activities["gestion-des-adherents"]
    assert members.controller == controller.id
    assert members.purposes[0].legal_basis == "contract"
    assert members.data_categories == ["identity", "contact"]
    assert str(members.retention[0]) == "P3Y after fin de l'adhésion"
    assert inv.systems["assogest"].country == "FR"
    news = inv.activities["lettre-d-information"]  # a fiche as a two-column table
    assert news.purposes[0].legal_basis == "consent"
    assert str(news.retention[0]) == "until désabonnement"
    mailchimp = next(f for f in inv.flows.values() if f.to == "mailchimp")
    assert (mailchimp.transfer.mechanism, mailchimp.transfer.country) == ("dpf", "US")
    assert "'Double opt-in' — a line the register's format has no field for ('Remarque')" in report


def test_wiki_tables_in_dutch_and_confluence(tmp_path: Path):
    inv, _ = run("markdown", FREE / "register.wiki", tmp_path / "wiki")
    members = inv.activities["ledenadministratie"]
    assert members.purposes[0].legal_basis == "contract"  # "Overeenkomst"
    assert str(members.retention[0]) == "P2Y after opzegging"
    assert not [f for f in inv.flows.values() if f.activity == "ledenadministratie"]  # n.v.t.
    inv, _ = run("markdown", FREE / "confluence.md", tmp_path / "confluence")
    hiring = inv.activities["recruitment"]
    assert hiring.data_categories == ["employment", "contact"]
    agency = next(f for f in inv.flows.values() if f.to == "recruiting-agency")
    assert agency.recipient_role == "processor"


def test_a_markdown_file_given_to_the_spreadsheet_importer(tmp_path: Path, capsys):
    with pytest.raises(ImportFailure, match="ropa import markdown"):
        import_register("spreadsheet", FREE / "records-table.md", tmp_path / "out")
    args = ["import", "spreadsheet", str(FREE / "records-table.md"), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "is a Markdown or wiki document, not a spreadsheet" in capsys.readouterr().err


def test_markdown_with_no_register(tmp_path: Path):
    (tmp_path / "notes.md").write_text("# Notes\n\nNothing here.\n")
    with pytest.raises(ImportFailure, match="no register found"):
        import_register("markdown", tmp_path / "notes.md", tmp_path / "out")
    (tmp_path / "book.md").write_bytes(b"PK\x03\x04binary")
    with pytest.raises(ImportFailure, match="not Markdown"):
        import_register("markdown", tmp_path / "book.md", tmp_path / "out")


def test_cli_markdown_prints_a_summary(tmp_path: Path, capsys):
    out = tmp_path / "inv"
    assert main(["import", "markdown", str(FREE / "registre-fiches.md"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Wrote ") and f"entities to {out}" in printed
    assert "left for you: 2." in printed and f"Next: ropa check {out}" in printed


# --- spreadsheets under other headings ------------------------------------------------


def sheet(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


HEADINGS_EN = [
    "Activity",
    "Purpose",
    "Lawful Basis",
    "Data subjects",
    "Personal data",
    "Recipients",
    "Transfer",
    "Retention Period",
    "Systems",
    "Security",
]
PAYROLL_ROW = [
    "Payroll",
    "Pay employees",
    "Legal obligation",
    "Employees",
    "Name, salary, IBAN",
    "HMRC; bank",
    "None",
    "7 years",
    "Sage Payroll",
    "RBAC, MFA",
]


def test_a_spreadsheet_with_english_headings_and_free_text(tmp_path: Path):
    source = sheet(
        tmp_path / "ropa.xlsx",
        [
            ["Record of processing activities"],
            [],
            [*HEADINGS_EN],
            [*PAYROLL_ROW],
        ],
    )
    inv, report = run("spreadsheet", source, tmp_path / "out")
    payroll = inv.activities["payroll"]
    assert payroll.data_categories == ["identity", "payroll", "bank-details"]
    assert {str(r) for r in payroll.retention} == {"P7Y"}
    assert inv.systems["sage-payroll"].security.measures == ["RBAC", "MFA"]
    assert len([f for f in inv.flows.values() if f.activity == "payroll"]) == 2
    assert "'Record of processing activities' NOT PLACED: not read: outside" in report
    codes = {f.rule for f in check(inv, AS_OF).findings}
    assert "R30-007" not in codes and "RET-001" not in codes


def test_a_csv_with_french_headings(tmp_path: Path):
    path = tmp_path / "registre.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "Traitement",
                "Finalité",
                "Base légale",
                "Personnes concernées",
                "Données",
                "Destinataires",
                "Durée de conservation",
            ]
        )
        writer.writerow(
            [
                "Recrutement",
                "Recruter",
                "Intérêt légitime",
                "Candidats",
                "CV, e-mail",
                "N/A",
                "2 ans après le dernier contact",
            ]
        )
    inv, _ = run("spreadsheet", path, tmp_path / "out")
    hiring = inv.activities["recrutement"]
    assert hiring.purposes[0].legal_basis == "legitimate_interests"
    assert hiring.data_subjects == ["job-applicants"]
    assert str(hiring.retention[0]) == "P2Y after dernier contact"


def test_columns_mapping_for_headings_of_ones_own(tmp_path: Path):
    source = sheet(
        tmp_path / "own.xlsx",
        [
            ["Flux", "Pourquoi", "Qui", "Quoi", "Garde", "Commentaire"],
            ["Newsletter", "Send news", "Subscribers", "Email", "until unsubscribe", "x"],
        ],
    )
    with pytest.raises(ImportFailure, match="no sheet has a row of register headings"):
        import_register("spreadsheet", source, tmp_path / "refused")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "Flux: name\nPourquoi: purposes\nQui: data_subjects\nQuoi: data_categories\n"
        "Garde: retention\nCommentaire: ignore\n"
    )
    inv, report = run("spreadsheet", source, tmp_path / "out", columns=mapping)
    news = inv.activities["newsletter"]
    assert (news.name, str(news.retention[0])) == ("Newsletter", "until unsubscribe")
    assert "'x' not carried over: ignored (--columns)" in report
    mapping.write_text("Flux: nowhere\n")
    with pytest.raises(ImportFailure, match=r"mapping\.yaml:1: 'nowhere' is not a field"):
        import_register("spreadsheet", source, tmp_path / "bad", columns=mapping)


# --- free text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("7 years", "P7Y"),
        ("six months", "P6M"),
        ("13 months", "P13M"),
        ("1 an et 6 mois", "P1Y6M"),
        ("6 mois après la fin du contrat", "P6M after fin du contrat"),
        ("3 ans à compter du dernier contact", "P3Y after dernier contact"),
        ("until account deletion", "until account deletion"),
        ("Jusqu'à la résiliation", "until la résiliation"),
        ("Duration of contract + 6 years", "P6Y after end of contract"),
        ("durée du contrat + 5 ans", "P5Y after fin du contrat"),
        ("Account life + 2 years", "P2Y after end of the account"),
        ("for the duration of the contract", "until end of the contract"),
        ("As long as the account is active", "until the account is no longer active"),
        ("12–24 months", "P24M"),
        ("6 years (HMRC)", "P6Y (HMRC)"),
        ("Indefinitely: public archives", "indefinite: public archives"),
        ("7 jaar", "P7Y"),
        ("Tot verwijdering account", "until verwijdering account"),
    ],
)
def test_free_text_retention(text: str, written: str):
    found = read_retention(text)
    assert found is not None and str(found[0]) == written


@pytest.mark.parametrize("text", ["blue", "5 years after", "[X] months", "as needed"])
def test_retention_not_understood(text: str):
    assert read_retention(text) is None


def test_lists_countries_and_nothing():
    assert split_items("HMRC; bank") == ["HMRC", "bank"]
    assert split_items("Acme, Inc., Globex") == ["Acme, Inc.", "Globex"]
    assert split_items("Name, phone (mobile, work)") == ["Name", "phone (mobile, work)"]
    assert split_items("- one\n- two") == ["one", "two"]
    assert [read_country(t) for t in ("UK", "USA", "United States", "États-Unis", "VS")] == [
        "GB",
        "US",
        "US",
        "US",
        "US",
    ]
    assert all(says_nothing(t) for t in ("None", "N/A", "n.v.t.", "Néant", "-", "Aucun"))
    assert not says_nothing("TBD") and to_complete("TBD") and to_complete("[X] mnd")
    assert not says_nothing("Nobody Ltd")
    assert guess_category("Customer invoices") == "financial"
    assert guess_category("IP address") == "online-identifiers"
    assert guess_subject("Clients") == "customers" and guess_subject("client data") is None
