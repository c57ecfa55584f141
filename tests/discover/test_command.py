"""`ropa discover` and `discover:` in ropa.yaml: reports, exit codes, drafts, many repositories."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.config import ConfigError, load_config
from registry.core.inventory import load_inventory
from registry.discover.run import discover, repositories
from tests.builder import BASELINE_DIR

SHOP = {
    "package.json": (
        '{\n  "dependencies": {\n    "stripe": "^14",\n    "@sentry/node": "8"\n  }\n}\n'
    ),
    "src/ai.py": "URL = 'https://api.openai.com/v1'\n",
    "main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n'
    'resource "aws_s3_bucket" "archive" {\n  bucket = "lab-portal-archive"\n}\n',
}
STRIPE = """
kind: Organisation
id: stripe
name: Stripe
country: US
"""
SENTRY = """
kind: Organisation
id: error-tracker
name: Error tracker
country: US
aliases: ["Functional Software, Inc."]
"""
TO_SENTRY = """
kind: Flow
id: errors
activity: lab-testing
from: portal
to: error-tracker
data_categories: [identity]
data_subjects: [patients]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project: the baseline register in inventory/, one repository in shop/."""
    shutil.copytree(BASELINE_DIR, tmp_path / "inventory")
    write(tmp_path / "inventory", {"organisations/stripe.yaml": STRIPE})
    write(
        tmp_path / "inventory",
        {"organisations/sentry.yaml": SENTRY, "flows/errors.yaml": TO_SENTRY},
    )
    write(tmp_path / "shop", SHOP)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_with_findings_coverage_and_exit_code(project, capsys):
    code, out, _err = run(capsys, "discover", "shop", "--as-of", "2026-11-29")
    assert code == 1
    lines = out.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:-2]] == [
        ["shop/main.tf:1:1:", "DSC-001"],  # AWS, by its provider
        ["shop/main.tf:4:1:", "DSC-005"],  # the bucket no system names
        ["shop/package.json:3:6:", "DSC-002"],  # Stripe: declared, no flow
        ["shop/src/ai.py:1:16:", "DSC-001"],  # OpenAI, by its API host
    ]
    assert lines[-1].startswith(
        "discovery: 1 of 4 service(s) used documented (25.0%), 1 without a flow, 0 not used"
    )
    assert "0 of 1 data store(s) documented" in lines[-1]


def test_json_and_sarif(project, capsys):
    code, out, _ = run(capsys, "discover", "shop", "--format", "json", "--as-of", "2026-11-29")
    document = json.loads(out)
    assert code == 1
    services = {s["service"]: s["status"] for s in document["discovery"]["services"]}
    assert services == {
        "aws": "undocumented",
        "openai": "undocumented",
        "sentry": "documented",
        "stripe": "no-flow",
    }
    assert document["discovery"]["data_stores"][0]["countries"] == ["US"]
    code, out, _ = run(capsys, "discover", "shop", "--format", "sarif", "--as-of", "2026-11-29")
    sarif = json.loads(out)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"DSC-001", "DSC-002", "DSC-005"}
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("shop/")


def test_drafts_are_written_for_what_is_missing(project, capsys):
    code, _, err = run(capsys, "discover", "shop", "--draft", "drafts")
    assert "draft file(s) written to drafts" in err
    written = sorted(
        p.relative_to(project / "drafts").as_posix() for p in (project / "drafts").rglob("*.yaml")
    )
    assert written == [
        "flows/to-aws.yaml",
        "flows/to-openai.yaml",
        "flows/to-stripe.yaml",
        "organisations/aws.yaml",
        "organisations/openai.yaml",
        "systems/lab-portal-archive.yaml",
    ]
    system = (project / "drafts/systems/lab-portal-archive.yaml").read_text()
    assert "country: US\n" in system and "regions: [us-east-1]" in system
    assert "operator: aws\n" in system
    # the drafts are YAML the loader reads (their todo- placeholders are for a person)
    merged = project / "merged"
    shutil.copytree(project / "inventory", merged)
    shutil.copytree(project / "drafts", merged / "drafts")
    inventory = load_inventory(merged)
    assert "openai" in inventory.organisations
    assert {f.rule for f in inventory.problems} == {"SCH-012"}  # the todo- references dangle
    code, _, err = run(capsys, "discover", "shop", "--draft", "drafts")
    assert code == 2 and "already exists" in err


def test_discover_in_ropa_yaml_makes_ropa_check_run_it(project, capsys):
    (project / "ropa.yaml").write_text("inventory: inventory\ndiscover: [shop]\n")
    code, out, _ = run(capsys, "check", "--as-of", "2026-11-29")
    assert code == 1
    assert "DSC-001" in out and out.splitlines()[-1].startswith("discovery: 1 of 4")
    (project / "ropa.yaml").write_text("inventory: inventory\n")
    code, out, _ = run(capsys, "check", "--as-of", "2026-11-29")
    assert "DSC-" not in out and "discovery:" not in out


def test_the_register_itself_is_not_read_as_code(project, capsys):
    """ropa.yaml's inventory holds hosts as identifiers; discovering `.` must not see them."""
    write(
        project / "inventory",
        {
            "organisations/mailer.yaml": "kind: Organisation\nid: mailer\nname: Mailer\n"
            "country: US\nidentifiers: [api.sendgrid.com]\n"
        },
    )
    (project / "ropa.yaml").write_text("inventory: inventory\ndiscover: true\n")
    _code, out, _ = run(capsys, "discover", "--format", "json")
    services = {s["service"] for s in json.loads(out)["discovery"]["services"]}
    assert "sendgrid" not in services


def test_a_waiver_accepts_a_store_without_personal_data(project, capsys):
    write(
        project / "inventory",
        {
            "waivers/archive.yaml": """
            kind: Waiver
            id: archive-holds-no-personal-data
            rule: DSC-005
            entity: "Store:shop:aws_s3_bucket.archive"
            reason: The bucket holds the portal's static assets only
            approved_by: Claire Martin
            expires: 2027-06-01
            """
        },
    )
    _code, out, _ = run(capsys, "discover", "shop", "--as-of", "2026-11-29")
    assert "DSC-005 warning (waived by archive-holds-no-personal-data)" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("discover: 3\n", "discover must be a path or a list of paths"),
        ("discover: {paths: [a], repos: 1}\n", "unknown discover setting 'repos'"),
        ("discover: {catalogue: [1]}\n", "discover.catalogue must be"),
    ],
)
def test_bad_discover_settings(tmp_path, text, message):
    (tmp_path / "ropa.yaml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discover", "nowhere"], "repository 'nowhere' does not exist"),
        (["discover", "shop", "--jobs", "0"], "--jobs must be at least 1"),
        (["discover", "shop", "--catalogue", "absent.yaml"], "cannot read catalogue"),
    ],
)
def test_cannot_run_is_one_line(project, capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("ropa: error:") and message in err and err.count("\n") == 1


def test_a_folder_of_checkouts_is_read_in_parallel(project):
    for name in ("a", "b", "c"):
        write(
            project / "checkouts" / name,
            {".git/HEAD": "ref: main\n", "requirements.txt": "twilio\n"},
        )
    write(project / "checkouts" / "notes", {"todo.txt": "nothing\n"})
    found = repositories([project / "checkouts"])
    assert [p.name for p in found] == ["a", "b", "c"]
    inventory = load_inventory(project / "inventory")
    serial, _, _ = discover(inventory, [project / "checkouts"], jobs=1)
    parallel, scans, _ = discover(inventory, [project / "checkouts"], jobs=3)
    assert [s.root for s in scans] == ["checkouts/a", "checkouts/b", "checkouts/c"]
    assert sorted(map(str, (f.pos for f in serial.findings))) == sorted(
        map(str, (f.pos for f in parallel.findings))
    )
    assert [str(f.pos) for f in parallel.findings if f.rule == "DSC-001"] == [
        "checkouts/a/requirements.txt:1:1",
        "checkouts/b/requirements.txt:1:1",
        "checkouts/c/requirements.txt:1:1",
    ]


def test_the_catalogues_dpf_fact_says_its_source_and_is_never_written_as_the_registers(
    project, capsys
):
    (project / "inventory/organisations/stripe.yaml").unlink()
    run(capsys, "discover", "shop", "--draft", "drafts")
    draft = (project / "drafts/organisations/stripe.yaml").read_text()
    comments = " ".join(
        line.removeprefix("# EU-US Data Privacy Framework: ").removeprefix("# ")
        for line in draft.splitlines()
        if line.startswith("#")
    )
    assert "according to the vendor's own statement (https://stripe.com/legal/dta" in comments
    assert "confirm at https://www.dataprivacyframework.gov/list" in comments
    assert "\ndpf:" not in draft  # only the DPO's own look at the List goes in the register
    openai = (project / "drafts/organisations/openai.yaml").read_text()
    assert "# EU-US Data Privacy Framework: not checked." in openai
    _, out, _ = run(capsys, "discover", "shop", "--format", "json", "--as-of", "2026-11-29")
    services = {s["service"]: s for s in json.loads(out)["discovery"]["services"]}
    assert services["stripe"]["dpf"] == {
        "certified": True,
        "source": "vendor-statement",
        "reference": "https://stripe.com/legal/dta",
        "checked": "2026-12-03",
        "updated": "2024-10-18",
        "authority": "https://www.dataprivacyframework.gov/list",
    }
    assert services["openai"]["dpf"] is None


def test_the_transfer_rules_trust_the_register_not_the_catalogues_dpf(project, capsys):
    # the catalogue says Stripe states it is self-certified; the register records no
    # `dpf` on Stripe: a `dpf` transfer to it is still TRF-004, discovery on or off
    write(
        project / "inventory",
        {
            "flows/payments.yaml": """
                kind: Flow
                id: payments
                activity: lab-testing
                from: portal
                to: stripe
                data_categories: [identity]
                data_subjects: [patients]
                transfer: {mechanism: dpf}
            """
        },
    )
    for settings in ("inventory: inventory\ndiscover: [shop]\n", "inventory: inventory\n"):
        (project / "ropa.yaml").write_text(settings)
        _, out, _ = run(capsys, "check", "--as-of", "2026-11-29")
        trf = [line for line in out.splitlines() if " TRF-004 " in line]
        assert len(trf) == 1 and "payments" in trf[0], out
