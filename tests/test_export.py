"""`ropa export`: the regulators' layouts, hand-checked, injection-safe, deterministic."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from registry.cli import main
from registry.core.inventory import Inventory, load_inventory
from registry.core.record import Record
from registry.layouts import ico
from registry.layouts.cells import neutralise, restore
from registry.outputs.export import ExportError, export_register
from registry.outputs.export.full import schema_text
from tests.conftest import AS_OF, ROOT, write_inventory

FIXTURE = ROOT / "tests" / "fixtures" / "register"
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("ROPA_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    inv = load_inventory(FIXTURE)
    assert inv.problems == []
    return inv


def export(inv: Inventory, fmt: str, template: str = "ico", **kw) -> bytes:
    return export_register(Record(inv, AS_OF), fmt=fmt, template=template, **kw)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def ico_table(data: bytes) -> tuple[list[list[str]], list[dict[str, str]]]:
    """The ICO CSV's header block and its rows keyed by heading."""
    rows = read_csv(data)
    blank = rows.index([])
    head, columns, body = rows[:blank], rows[blank + 1], rows[blank + 2 :]
    return head, [dict(zip(columns, r, strict=True)) for r in body]


# --- ICO ------------------------------------------------------------------------


def test_ico_columns_are_the_templates_in_order():
    assert len(ico.COLUMNS) == len(ico.KEYS) == 29
    assert ico.COLUMNS[:6] == [
        "Business function",
        "Purpose of processing",
        "Name and contact details of joint controller (if applicable)",
        "Categories of individuals",
        "Categories of personal data",
        "Categories of recipients",
    ]
    assert ico.COLUMNS[11] == "Article 6 lawful basis for processing personal data"
    assert ico.COLUMNS[19] == "Location of personal data"
    assert ico.COLUMNS[25] == "Data Protection Act 2018 Schedule 1 condition for processing"


def test_ico_header_block_names_controller_dpo_representative(inventory):
    head, _ = ico_table(export(inventory, "csv"))
    assert head[0] == ["", "Name", "Address", "Email", "Telephone"]
    assert head[1] == [
        "Controller",
        "Biolab Analyses SAS",
        "12 rue des Lilas, 69003 Lyon, France",
        "contact@biolab.example",
        "'+33 4 00 00 00 00",  # a leading '+' is a formula trigger: neutralised in CSV
    ]
    # The XLSX holds the number as written, in a cell typed as text (issue 16).
    sheet = openpyxl.load_workbook(io.BytesIO(export(inventory, "xlsx"))).active
    phone = sheet.cell(2, 5)
    assert (phone.value, phone.data_type, phone.quotePrefix) == ("+33 4 00 00 00 00", "s", True)
    assert head[2] == ["Data Protection Officer", "Claire Martin", "", "dpo@biolab.example", ""]
    assert head[3] == ["Representative", "", "", "", ""]


def test_ico_derived_columns(inventory):
    _, rows = ico_table(export(inventory, "csv"))
    assert [r["Business function"] for r in rows] == ["Clinical laboratory", "Human resources"]
    lab = rows[0]
    col = dict(zip(ico.KEYS, ico.COLUMNS, strict=True))
    # Recipients: the receiving side's operator, with its role, from the flows and systems.
    assert lab[col["recipients"]].split("\n") == [
        "CloudSend Inc. (processor)",
        "Hôpital Saint-Jean (joint controller)",
        "Labsoft SA (processor)",
    ]
    assert lab[col["contracts"]].split("\n") == [
        "CloudSend Inc.: dpa-cloudsend",
        "Labsoft SA: https://contracts.biolab.example/labsoft-dpa.pdf",
    ]
    # Transfers: only the mailer (US) leaves the EEA; its SCCs and reference.
    assert lab[col["transfer_countries"]] == "United States (US): CloudSend Inc."
    assert lab[col["transfer_safeguards"]] == (
        "CloudSend Inc.: standard contractual clauses (Art. 46(2)(c)): "
        "SCC module 2 signed 2024-02-01"
    )
    assert lab[col["retention"]].split("\n") == [
        "Identity (civil status): P10Y after end of care (Code de la santé publique R1112-7)",
        "Contact details: P3Y",
        "Laboratory test results: P10Y after end of care",
    ]
    assert lab[col["security"]].split("\n")[1] == (
        "Results mailer: encrypted at rest; shared accounts; exposed to the internet; "
        "-cmd|' /C calc'!A0"
    )
    assert lab[col["location"]] == "Laboratory information system (FR)\nResults mailer (US)"
    # The Art. 6(3) law follows the basis it lays down.
    assert lab[col["legal_basis"]] == (
        "Art. 6(1)(e) public task under Code de la santé publique art. L.6211-1\n"
        "Art. 6(1)(f) legitimate interests"
    )
    assert lab[col["schedule1"]] == ""
    assert lab[col["legitimate_interests"]] == "—\nPatients get their results quickly"
    assert lab[col["art9_condition"]] == "Art. 9(2)(h) health or social care"
    # public task + legitimate interests: no portability, object applies, erasure (f) applies.
    assert lab[col["rights"]].split("\n") == [
        "access (Art. 15)",
        "rectification (Art. 16)",
        "erasure (Art. 17)",
        "restriction (Art. 18)",
        "object (Art. 21)",
    ]
    assert lab[col["dpia_required"]] == "Yes"
    assert lab[col["dpia_progress"]] == "completed on 2024-03-01 (ref. DPIA-2024-01)"
    # Payroll uses the LIS, run by Labsoft: a processor even without a declared flow.
    payroll = rows[1]
    assert payroll[col["recipients"]] == "Labsoft SA (processor)"
    assert payroll[col["purposes"]] == "Pay employees\n'@SUM(1+1) declare social contributions"
    assert payroll[col["schedule1"]] == (
        "Art. 87: Décret n° 2019-341 (décret cadre NIR): employers' social declarations"
    )


def test_ico_org_filter_and_joint_controller(inventory):
    _, rows = ico_table(export(inventory, "csv", org="hospital"))
    assert [r["Business function"] for r in rows] == ["Clinical laboratory"]
    joint = rows[0]["Name and contact details of joint controller (if applicable)"]
    assert joint.startswith("Biolab Analyses SAS; 12 rue des Lilas")


# --- processor record -----------------------------------------------------------------


def test_processor_record_one_row_per_controller(inventory):
    rows = read_csv(export(inventory, "csv", record="processor", org="labsoft"))
    assert rows[1][:2] == ["Processor", "Labsoft SA"]
    body = rows[rows.index([]) + 2 :]
    # Biolab, and the hospital: joint controller of the lab tests, for which Labsoft
    # acts too (Art. 30(2)(a)), under the contract Biolab signed for the activity.
    assert len(body) == 2
    hospital = body[1]
    assert hospital[0].startswith("Hôpital Saint-Jean")
    assert hospital[3].startswith("Medical laboratory tests: ")
    assert hospital[7] == "https://contracts.biolab.example/labsoft-dpa.pdf"
    controller, rep, dpo, processing, countries, safeguards, security, contract = body[0]
    assert controller.startswith("Biolab Analyses SAS;")
    assert dpo == "Claire Martin; dpo@biolab.example"
    assert rep == ""  # Biolab is established in the EU: no Art. 27 representative
    assert processing.split("\n") == [
        "Medical laboratory tests: Identity (civil status), Contact details, "
        "Laboratory test results, Cytology slide images",
        "Payroll: Identity (civil status), Payroll and remuneration, Bank account details, "
        "National identification number",
    ]
    # Labsoft's LIS sends results to the US mailer: an onward transfer on its side.
    assert countries == "United States (US): CloudSend Inc."
    assert safeguards.startswith("CloudSend Inc.: standard contractual clauses (Art. 46(2)(c))")
    assert security.startswith("Laboratory information system: encrypted at rest")
    assert contract == "https://contracts.biolab.example/labsoft-dpa.pdf"


def test_processor_record_refuses_a_non_processor(inventory):
    with pytest.raises(ExportError, match="acts as processor for no controller"):
        export(inventory, "csv", record="processor", org="biolab")


# --- CNIL -----------------------------------------------------------------------------


def test_cnil_workbook_lists_activities_and_one_fiche_each(inventory):
    book = openpyxl.load_workbook(io.BytesIO(export(inventory, "xlsx", "cnil")))
    # Sorted by reference (the id where there is none): "REG-001" < "payroll".
    assert book.sheetnames == ["Registre", "REG-001 Medical laboratory test", "payroll Payroll"]
    fiche = {
        r[0]: r[1:] for r in book["REG-001 Medical laboratory test"].iter_rows(values_only=True)
    }
    sheet = book["REG-001 Medical laboratory test"]
    assert (sheet["A2"].value, sheet["A2"].font.b) == ("DESCRIPTION DU TRAITEMENT", True)
    assert (sheet["A3"].value, sheet["A3"].font.b) == ("Nom / sigle", False)
    assert fiche["Nom / sigle"][0] == "Medical laboratory tests"
    assert fiche["Date de création"][0] == "15/01/2024"
    assert fiche["Mise à jour"][0] == "01/06/2026"
    assert fiche["Données concernant la santé"] == (
        "Laboratory test results\nCytology slide images",
        "Laboratory test results : 10 ans à compter de : end of care",
    )
    assert fiche["État civil, identité, données d'identification, images"][1].startswith(
        "Identity (civil status) : 10 ans à compter de : end of care"
    )
    assert fiche["Des données sensibles sont-elles traitées ?"][0] == "Oui"
    assert fiche["Destinataires et pays"] == (
        "CloudSend Inc. — États-Unis (US)",
        "clauses contractuelles types (Art. 46(2)(c)) : SCC module 2 signed 2024-02-01",
    )
    assert fiche["Sous-traitants"][0] == "CloudSend Inc.\nLabsoft SA"
    assert fiche["Chiffrement des données"][0].split("\n") == [
        "Laboratory information system : chiffrement au repos",
        "Results mailer : chiffrement au repos",
        "Flux results-hospital : chiffré en transit",
        "Flux results-mail : chiffré en transit",
    ]


def test_cnil_csv_one_row_per_activity(inventory):
    rows = read_csv(export(inventory, "csv", "cnil"))
    columns = rows[rows.index([]) + 1]
    body = [dict(zip(columns, r, strict=True)) for r in rows[rows.index([]) + 2 :]]
    assert [r["Nom / sigle"] for r in body] == ["Medical laboratory tests", "Payroll"]
    assert body[1]["Numéro d'identification national unique (NIR)"] == (
        "National identification number"
    )
    assert body[0]["Finalité(s) — base légale"] == (
        "mission d'intérêt public (Art. 6(1)(e)) — Code de la santé publique art. L.6211-1\n"
        "intérêt légitime (Art. 6(1)(f))"
    )
    article_87 = "Loi autorisant le numéro d'identification national (article 87)"
    assert [r[article_87] for r in body] == [
        "",
        "Décret n° 2019-341 (décret cadre NIR): employers' social declarations",
    ]


# --- full JSON ------------------------------------------------------------------------


def test_full_json_validates_against_the_shipped_schema(inventory):
    import jsonschema

    schema_file = ROOT / "registry" / "data" / "schemas" / "register.schema.json"
    assert schema_file.read_text("utf-8") == schema_text(), (
        "the shipped schema is stale: python -m registry.outputs.export.full > " + str(schema_file)
    )
    document = json.loads(export(inventory, "json", "full"))
    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(document)
    assert document["format"] == "ropa-register"
    flows = {f["id"]: f for f in document["flows"]}
    assert flows["results-mail"]["derived"] == {
        "from_country": "FR",
        "to_country": "US",
        "to_countries": ["US"],
        "processor": "cloudsend",
        "third_country": True,
    }
    health = next(c for c in document["data_categories"] if c["id"] == "cytology-slides")
    assert health["derived"] == {
        "builtin": False,
        "special": "health",
        "ancestors": ["lab-results", "health"],
    }
    # A document with a field the schema does not know fails validation.
    document["activities"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(schema_text()))


# --- spreadsheet injection ----------------------------------------------------------

HOSTILE = """\
kind: Organisation
id: evil
name: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"
address: "+cmd|' /C calc'!A0"
contact: {email: "a@b.example", phone: "-1+1"}
dpo: {name: "@SUM(A1:A9)"}
---
kind: System
id: box
name: "-Box"
operator: evil
security: {measures: ["=1+1", "\\rcarriage", "\\ttab"]}
---
kind: Activity
id: act
name: "=act"
reference: "-1"
business_function: "=2+2"
controller: evil
purposes: [{purpose: "=WEBSERVICE(\\"http://evil.example\\")", legal_basis: consent}]
data_subjects: [customers]
data_categories: [contact]
systems: [box]
source: "@source"
"""


def _cells(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.mark.parametrize("template", ["ico", "cnil"])
def test_no_formula_reaches_a_spreadsheet(tmp_path: Path, template: str):
    inv = load_inventory(write_inventory(tmp_path, {"evil.yaml": HOSTILE}))
    assert inv.problems == []
    cells = [c for c in _cells(export(inv, "xlsx", template)) if c.value is not None]
    # The text is there as written (issue 16: no quote added to an XLSX value)…
    assert any(str(c.value).startswith("=HYPERLINK") for c in cells)
    for cell in cells:  # …typed as text, never a formula; Excel's quote prefix on triggers
        assert cell.data_type == "s", cell.coordinate
        if str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell.quotePrefix, cell.coordinate
    for row in read_csv(export(inv, "csv", template)):
        for value in row:
            for line in value.split("\n"):
                assert not line.startswith(("=", "+", "-", "@", "\t", "\r")), line


def test_neutralise_and_restore():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("ok\n-1\n@x") == "ok\n'-1\n'@x"
    assert neutralise("'quoted") == "''quoted"
    assert neutralise("a-b") == "a-b"
    for text in ["=1+1", "ok\n-1", "'quoted", "''x", "plain", "\tx", "", "'s-Hertogenbosch"]:
        assert restore(neutralise(text)) == text
    # A quote the export did not add (it adds one only before a trigger or a quote) stays.
    assert restore("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert restore("'") == "'"
    assert restore("'=1+1\n''x") == "=1+1\n'x"


# --- XLSX form and determinism ------------------------------------------------------


def test_xlsx_is_byte_identical_and_timestamps_fixed(inventory):
    first = export(inventory, "xlsx")
    second = export_register(Record(inventory, dt.date(2030, 1, 1)), fmt="xlsx", template="ico")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_xlsx_layout_frozen_headings_widths_wrapping(inventory):
    ws = openpyxl.load_workbook(io.BytesIO(export(inventory, "xlsx"))).active
    assert ws.title == "Biolab Analyses SAS"
    assert ws.freeze_panes == "A7"  # 4 header-block rows, a blank row, the headings
    assert [c.value for c in ws[6]][:2] == ["Business function", "Purpose of processing"]
    assert ws.column_dimensions["B"].width == 40
    purposes = ws["B7"]
    assert purposes.value == "Perform the tests prescribed to patients\nSend results to patients"
    assert purposes.alignment.wrap_text


# --- golden files -------------------------------------------------------------------


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}: run with ROPA_UPDATE_GOLDEN=1 and read it"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize(
    ("name", "fmt", "template", "kw"),
    [
        ("fixture/ico.csv", "csv", "ico", {}),
        ("fixture/cnil.csv", "csv", "cnil", {}),
        ("fixture/processor-labsoft.csv", "csv", "ico", {"record": "processor", "org": "labsoft"}),
        ("fixture/full.json", "json", "full", {}),
    ],
)
def test_golden_fixture(inventory, name, fmt, template, kw):
    _golden(name, export(inventory, fmt, template, **kw))


@pytest.fixture(scope="module")
def example() -> Inventory:
    inv = load_inventory(ROOT / "inventory")
    assert inv.problems == []
    return inv


@pytest.mark.parametrize(
    ("name", "fmt", "template", "kw"),
    [
        ("example/ico.csv", "csv", "ico", {}),
        ("example/cnil.csv", "csv", "cnil", {}),
        (
            "example/processor-kalisto-sante.csv",
            "csv",
            "ico",
            {"record": "processor", "org": "kalisto-sante"},
        ),
        (
            "example/processor-hexanet-sante.csv",
            "csv",
            "ico",
            {"record": "processor", "org": "hexanet-sante"},
        ),
        ("example/full.json", "json", "full", {}),
    ],
)
def test_golden_example(example, name, fmt, template, kw):
    """The example inventory's register, hand-checked column by column (see the report)."""
    _golden(name, export(example, fmt, template, **kw))


def test_example_transfers_include_systems_hosted_abroad(example):
    """IT security reads the staff mailboxes Cirrus Mail hosts in the US: a transfer too,
    on the SCCs declared for the flow into those mailboxes."""
    _, rows = ico_table(export(example, "csv"))
    security = next(r for r in rows if r["Purpose of processing"].startswith("Trace access"))
    assert security[ico.COLUMNS[7]] == "United States (US): Cirrus Mail Inc."
    assert security[ico.COLUMNS[8]].startswith(
        "Cirrus Mail Inc.: standard contractual clauses (Art. 46(2)(c)): Commission"
    )


# --- errors and the command line ------------------------------------------------------


def test_export_refusals(inventory):
    with pytest.raises(ExportError, match="JSON only"):
        export(inventory, "csv", "full")
    with pytest.raises(ExportError, match="no Organisation with id 'nobody'"):
        export(inventory, "csv", org="nobody")
    with pytest.raises(ExportError, match="a CSV holds one table"):
        export(inventory, "csv", record="processor")
    with pytest.raises(ExportError, match="controller of no activity"):
        export(inventory, "csv", org="cloudsend")


def test_cli_export(tmp_path: Path, capsys):
    out = tmp_path / "register.xlsx"
    assert main(["export", str(FIXTURE), "--format", "xlsx", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert main(["export", str(FIXTURE), "--format", "xlsx"]) == 2
    assert "give --out FILE" in capsys.readouterr().err
    assert main(["export", str(FIXTURE), "--format", "csv", "--record", "processor"]) == 2
    assert "choose one with --org" in capsys.readouterr().err
    # An export that cannot be made says where the schema errors are…
    broken = write_inventory(tmp_path / "broken", {"a.yaml": "kind: Activity\nid: x\nnme: y\n"})
    assert main(["export", str(broken), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "no organisation has a controller record" in err and "run `ropa check`" in err
    # …and one that can is made (issue 16): the invalid entry written with what validated,
    # marked in a last column, the exit code left to `ropa check`.
    text = "kind: Organisation\nid: lab\nname: Lab\n---\nkind: Activity\nid: x\nname: X\n"
    invalid = write_inventory(tmp_path / "invalid", {"a.yaml": text + "controller: lab\nnme: y\n"})
    assert main(["export", str(invalid), "--format", "csv", "--template", "ico"]) == 0
    out, err = capsys.readouterr()
    assert "a.yaml:9:1" in err and "marked invalid" in err and "Traceback" not in err
    _, rows = ico_table(out.encode("utf-8"))
    note = rows[0]["Schema errors (ropa check)"]
    assert note.startswith("Activity x: SCH-008 at ") and note.endswith(
        "a.yaml:9:1: unknown field 'nme'"
    )
    assert rows[0]["Purpose of processing"] == ""  # the row is there, with what validated


def test_the_cnil_fiche_says_a_paper_flow_is_on_paper() -> None:
    charity = ROOT / "tests" / "registers" / "tottenham-bequest-charity" / "inventory"
    text = export(load_inventory(charity), "csv", "cnil").decode("utf-8")
    assert "Flux Volunteers' details : sur papier, chiffrement sans objet" in text
    assert "Flux Messages through the contact form : chiffré en transit" in text
