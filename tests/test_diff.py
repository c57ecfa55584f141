"""`ropa diff`: what a change does to the register, between two git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from registry.cli import main
from tests.conftest import AS_OF

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"
DATE = ["--as-of", AS_OF.isoformat()]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds the lab inventory."""
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(LAB, tmp_path / "inventory")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "inventory" / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def run_diff(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args, *DATE])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_diff(capsys, *args: str) -> dict:
    code, out, _ = run_diff(capsys, *args, "--format", "json")
    assert code == 0
    return json.loads(out)


def risks(report: dict) -> list[tuple[str, str]]:
    return [(r["type"], r["message"]) for r in report["risks"]]


def test_no_change(repo, capsys):
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing")
    code, out, _ = run_diff(capsys, "HEAD~1")
    assert code == 0
    assert out == "## Register changes: `HEAD~1` → `HEAD`\n\nNo change to the register.\n"


def test_added_removed_changed_activities_flows_contracts(repo, capsys):
    (repo / "inventory" / "research.yaml").write_text(
        "kind: Activity\nid: research\nname: Research [beta]\ncontroller: biolab\n"
        "---\nkind: Flow\nid: lis-to-research\nactivity: research\nfrom: lis\nto: billing\n",
        "utf-8",
    )
    edit(repo, "activities.yaml", "estimated_subjects: 5000", "estimated_subjects: 6000")
    text = (repo / "inventory" / "activities.yaml").read_text()
    start = text.index("---\nkind: Flow\nid: lis-to-billing")
    end = text.index("---\nkind: Flow\nid: lis-to-backup")
    (repo / "inventory" / "activities.yaml").write_text(text[:start] + text[end:])
    edit(repo, "organisations.yaml", "  audits: true\n", "  audits: false\n")
    commit(repo)
    report = json_diff(capsys, "HEAD~1", "HEAD")
    assert report["changes"] == {
        "Activity": {
            "added": ["research"], "removed": [], "changed": {"lab-testing": ["estimated_subjects"]}
        },
        "Flow": {"added": ["lis-to-research"], "removed": ["lis-to-billing"], "changed": {}},
        "Contract": {"added": [], "removed": [], "changed": {"dpa-cloudsafe": ["art28_clauses"]}},
    }  # fmt: skip
    out = run_diff(capsys, "HEAD~1", "HEAD")[1]
    assert "- added `research` Research \\[beta\\]" in out
    assert "- removed `lis-to-billing`" in out
    assert "- changed `lab-testing`: `estimated_subjects`" in out
    assert "- changed `dpa-cloudsafe`: `art28_clauses`" in out


def test_special_category_reaches_a_new_system_and_organisation(repo, capsys):
    edit(
        repo,
        "activities.yaml",
        "data_categories: [identity]\n",
        "data_categories: [identity, hiv-status]\n",
    )
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: P10Y}",
        "  - {category: identity, retention: P10Y}\n  - {category: hiv-status, retention: P10Y}",
    )
    (repo / "inventory" / "lab2.yaml").write_text(
        "kind: Organisation\nid: genelab\nname: Genelab\ncountry: FR\naddress: x\n"
        "---\nkind: Flow\nid: lis-to-genelab\nactivity: lab-testing\nfrom: lis\nto: genelab\n"
        "recipient_role: controller\ndata_categories: [lab-results]\nencrypted_in_transit: true\n",
        "utf-8",
    )  # fmt: skip
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("special-category",
         "health data (hiv-status) now reaches system billing (flow lis-to-billing)"),
        ("special-category",
         "health data (lab-results) now reaches organisation genelab (flow lis-to-genelab)"),
    ]  # fmt: skip


def test_new_country_outside_the_eea_and_new_processor(repo, capsys):
    (repo / "inventory" / "us.yaml").write_text(
        "kind: Organisation\nid: datacorp\nname: DataCorp Inc.\ncountry: US\naddress: x\n"
        "---\nkind: Flow\nid: lis-to-datacorp\nactivity: lab-testing\nfrom: lis\nto: datacorp\n"
        "recipient_role: processor\ndata_categories: [identity]\n",
        "utf-8",
    )
    commit(repo)
    report = json_diff(capsys, "HEAD~1")
    assert risks(report) == [
        ("third-country", "data now reaches US, outside the EEA, without a full adequacy decision "
                          "(flow lis-to-datacorp to datacorp)"),
        ("processor", "datacorp now acts as a processor"),
    ]  # fmt: skip
    assert report["processors"] == {"added": ["datacorp"], "removed": []}
    introduced = {f["rule"] for f in report["findings"]["introduced"]}
    assert {"DPA-001", "TRF-001"} <= introduced


def test_contract_removed_expiring_and_unsigned(repo, capsys):
    edit(repo, "organisations.yaml", "expires: 2028-01-15", "expires: 2027-01-10")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("contract", "contract dpa-cloudsafe now expires on 2027-01-10, earlier than 2028-01-15"),
    ]
    edit(repo, "organisations.yaml", "signed: 2025-01-15\n", "")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("contract", "contract dpa-cloudsafe is no longer signed or accepted"),
    ]
    text = (repo / "inventory" / "organisations.yaml").read_text()
    (repo / "inventory" / "organisations.yaml").write_text(
        text[: text.index("---\nkind: Contract")]
    )
    commit(repo)
    report = json_diff(capsys, "HEAD~1")
    assert ("contract", "contract dpa-cloudsafe is removed") in risks(report)
    # the flow still names it: a dangling reference now
    assert "SCH-012" in {f["rule"] for f in report["findings"]["introduced"]}


def test_contract_newly_expiring_soon(repo, capsys):
    edit(repo, "organisations.yaml", "expires: 2028-01-15", "expires: 2027-01-15")
    commit(repo)  # earlier, and also within 90 days of the date judged: said once
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("contract", "contract dpa-cloudsafe now expires on 2027-01-15, earlier than 2028-01-15"),
    ]
    (repo / "inventory" / "c2.yaml").write_text(
        "kind: Contract\nid: dpa-new\ntype: dpa\ncontroller: biolab\nprocessor: cloudsafe\n"
        "signed: 2026-01-01\nexpires: 2027-02-01\n"
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("contract", "contract dpa-new expires on 2027-02-01 (within 90 days of 2026-11-29)"),
    ]


def test_retention_lengthened_and_removed(repo, capsys):
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: P1Y}",
        "  - {category: identity, retention: P18M}",
    )
    edit(
        repo,
        "systems.yaml",
        "  - {category: lab-results, retention: P1Y}",
        "  - {category: lab-results}",
    )
    edit(
        repo,
        "activities.yaml",
        "  - {category: lab-results, period: P10Y}",
        "  - {category: lab-results, period: P3Y}",
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("retention", "retention lengthened for system backup, identity: P1Y → P18M"),
        ("retention", "retention removed for system backup, lab-results"),
    ]  # fmt: skip  (shortening the activity's retention is no risk)


def test_retention_forms_compared(repo, capsys):
    """An event or indefinite retention has no length: a move to one is a risk unless the
    old one was no shorter (indefinite), and a move back to a period is none."""
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: P5Y}",
        "  - {category: identity, retention: until account deletion}",
    )
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: P1Y}",
        "  - {category: identity, retention: indefinite}",
    )
    edit(
        repo,
        "activities.yaml",
        "  - {category: identity, period: P10Y}",
        "  - {category: identity, indefinite: true, justification: archives}",
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("retention", "retention lengthened for activity lab-testing, identity: P10Y → "
                      "indefinite: archives"),
        ("retention", "retention lengthened for system backup, identity: P1Y → indefinite"),
        ("retention", "retention changed for system lis, identity: P5Y → until account "
                      "deletion (no longer a fixed period)"),
    ]  # fmt: skip
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: until account deletion}",
        "  - {category: identity, retention: P2Y}",
    )
    edit(
        repo,
        "systems.yaml",
        "  - {category: identity, retention: indefinite}",
        "  - {category: identity, retention: until account deletion}",
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == []


def test_authentication_weakened_by_a_second_mode(repo, capsys):
    edit(repo, "systems.yaml", "authentication: individual", "authentication: [individual, none]")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("security", "system lis: authentication individual → individual, none"),
    ]


def test_security_switched_off(repo, capsys):
    lis_security = "security: {encryption_at_rest: true, authentication: individual, mfa: true, internet_exposed: false, monitoring: true, alert_escalation: true}\nlast_reviewed: {date: 2026-06-01, by: Claire Martin}\nreview_every: P1Y\n---\nkind: System\nid: billing"  # noqa: E501
    edit(repo, "systems.yaml", lis_security, lis_security.replace(
        "encryption_at_rest: true, authentication: individual, mfa: true, internet_exposed: false",
        "encryption_at_rest: false, authentication: shared, internet_exposed: true",
    ))  # fmt: skip
    edit(
        repo,
        "activities.yaml",
        "contract: dpa-cloudsafe\nencrypted_in_transit: true",
        "contract: dpa-cloudsafe",
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("security", "system lis: encryption at rest switched off"),
        ("security", "system lis: mfa no longer documented"),
        ("security", "system lis is now exposed to the internet"),
        ("security", "system lis: authentication individual → shared"),
        ("security", "flow lis-to-backup: encryption in transit off"),
    ]  # fmt: skip


def test_a_flow_moved_to_paper_is_not_encryption_switched_off(repo, capsys):
    edit(
        repo,
        "activities.yaml",
        "contract: dpa-cloudsafe\nencrypted_in_transit: true",
        "contract: dpa-cloudsafe\nmedium: paper",
    )
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == []


def test_transfer_mechanism_removed(repo, capsys):
    edit(repo, "activities.yaml", "contract: dpa-cloudsafe\n",
         "contract: dpa-cloudsafe\ntransfer: {mechanism: sccs, reference: SCC-2021}\n")  # fmt: skip
    commit(repo)
    edit(repo, "activities.yaml", "transfer: {mechanism: sccs, reference: SCC-2021}\n", "")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("third-country", "flow lis-to-backup: transfer mechanism sccs removed"),
    ]


def test_transfer_mechanisms_removed(repo, capsys):
    edit(repo, "activities.yaml", "contract: dpa-cloudsafe\n",
         "contract: dpa-cloudsafe\ntransfer: {mechanism: [dpf, sccs]}\n")  # fmt: skip
    commit(repo)
    edit(repo, "activities.yaml", "transfer: {mechanism: [dpf, sccs]}\n", "")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        ("third-country", "flow lis-to-backup: transfer mechanisms dpf, sccs removed"),
    ]


def test_access_from_a_third_country_is_a_new_country(repo, capsys):
    """The German backup is now supported from India: data reaches India."""
    edit(repo, "systems.yaml", "country: DE\n", "country: DE\naccessed_from: [IN]\n")
    commit(repo)
    assert risks(json_diff(capsys, "HEAD~1")) == [
        (
            "third-country",
            "data now reaches IN, outside the EEA, without a full adequacy decision "
            "(system backup)",
        ),
    ]


def test_findings_introduced_and_fixed(repo, capsys):
    edit(repo, "activities.yaml", "type: batch", "type: migration")  # SEC-005
    commit(repo)
    report = json_diff(capsys, "HEAD~1")
    assert [(f["rule"], f["file"]) for f in report["findings"]["introduced"]] == [
        ("SEC-005", "inventory/activities.yaml")
    ]
    assert report["findings"]["fixed"] == []
    out = run_diff(capsys, "HEAD~1")[1]
    assert "**0 changes raising risk, 1 finding(s) introduced (1 error(s)), 0 fixed**" in out
    assert "- `SEC-005` error `inventory/activities.yaml:40` migration flow lis-to-backup" in out
    report = json_diff(capsys, "HEAD", "HEAD~1")  # the other way round: fixed
    assert [f["rule"] for f in report["findings"]["fixed"]] == ["SEC-005"]


def test_hostile_names_are_inert_in_markdown(repo, capsys):
    (repo / "inventory" / "x.yaml").write_text(
        "kind: System\nid: x\nname: '[click](javascript:alert(1)) ![i](http://e/i.png) "
        "*b* _u_ | `c` & d'\n"
    )
    commit(repo)
    out = run_diff(capsys, "HEAD~1")[1]
    assert (
        "- added `x` \\[click\\](javascript:alert(1)) !\\[i\\](http://e/i.png) "
        "\\*b\\* \\_u\\_ \\| \\`c\\` &amp; d"
    ) in out.splitlines()


def test_the_work_tree_is_not_touched(repo, capsys):
    edit(repo, "systems.yaml", "name: Billing", "name: Billing (edited, not committed)")
    before = git(repo, "status", "--porcelain")
    code, out, _ = run_diff(capsys, "HEAD", "HEAD")
    assert (code, git(repo, "status", "--porcelain")) == (0, before)
    assert "No change to the register." in out
    assert "edited, not committed" in (repo / "inventory" / "systems.yaml").read_text()


def test_path_in_place_of_head(repo, capsys):
    edit(repo, "activities.yaml", "type: batch", "type: migration")
    commit(repo)
    code, out, _ = run_diff(capsys, "HEAD~1", "inventory")
    assert code == 0 and "SEC-005" in out


def test_bad_revision_is_one_clear_line(repo, capsys):
    assert run_diff(capsys, "no-such-branch") == (
        2, "", "ropa: error: 'no-such-branch' is not a revision of this repository\n"
    )  # fmt: skip
    assert run_diff(capsys, "--", "HEAD")[0] == 2


def test_revision_without_an_inventory(repo, capsys):
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    (repo / "README").write_text("nothing\n")
    git(repo, "add", "README")
    git(repo, "commit", "-qm", "no inventory")
    assert run_diff(capsys, "main", "empty") == (
        2, "", "ropa: error: revision 'empty' has no inventory (YAML files) at inventory\n"
    )  # fmt: skip
    report = json_diff(capsys, "empty", "main")
    assert report["notes"] == ["empty has no inventory at inventory: everything in it is new."]
    assert report["changes"]["System"]["added"] == ["backup", "billing", "lis"]


def test_outside_a_git_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_diff(capsys, "HEAD~1")
    assert code == 2 and err == f"ropa: error: {tmp_path} is not inside a git repository\n"


def test_broken_yaml_at_a_revision_is_a_finding_not_a_crash(repo, capsys):
    (repo / "inventory" / "bad.yaml").write_bytes(b"kind: System\nid: [unclosed\n")
    (repo / "inventory" / "latin1.yaml").write_bytes(b"kind: System\nid: caf\xe9\n")
    commit(repo)
    report = json_diff(capsys, "HEAD~1")
    assert sorted((f["rule"], f["file"], f["line"]) for f in report["findings"]["introduced"]) == [
        ("SCH-001", "inventory/bad.yaml", 3),
        ("SCH-001", "inventory/latin1.yaml", 2),
    ]


def test_both_revisions_are_judged_with_ropa_yaml_settings(repo, capsys):
    """`ropa diff` runs the same pipeline as `ropa check`: ropa.yaml's Art. 35 threshold
    applies to both revisions, so growing past it is a finding the change introduces."""
    edit(repo, "activities.yaml", "estimated_subjects: 5000", "estimated_subjects: 500")
    commit(repo, "small")
    edit(repo, "activities.yaml", "estimated_subjects: 500", "estimated_subjects: 5000")
    commit(repo, "grown")
    default = json_diff(capsys, "HEAD~1", "HEAD")
    assert [f["rule"] for f in default["findings"]["introduced"]] == []  # under 10,000
    (repo / "ropa.yaml").write_text("large_scale_subjects: 1000\n", "utf-8")
    lowered = json_diff(capsys, "HEAD~1", "HEAD")
    assert [(f["rule"], f["entity"]) for f in lowered["findings"]["introduced"]] == [
        ("DPIA-001", {"kind": "Activity", "id": "lab-testing"})
    ]


# --- the site's "last change" (issue 14): the same comparison, published ---------------


def _site_with_last_change(repo: Path):
    from registry.outputs.diff import compare
    from registry.outputs.site.pages import build_site
    from registry.pipeline import Request, run

    change = compare("HEAD~1", "HEAD", "inventory", repo, AS_OF)
    result = run(Request(path=repo / "inventory", as_of=AS_OF)).result
    return build_site(result, draw=lambda *_: "", last_diff=change)


def test_the_site_shows_the_last_change_with_links(repo):
    (repo / "inventory" / "us.yaml").write_text(
        "kind: Organisation\nid: datacorp\nname: DataCorp <b>Inc.</b>\ncountry: US\naddress: x\n"
        "---\nkind: Flow\nid: lis-to-datacorp\nactivity: lab-testing\nfrom: lis\nto: datacorp\n"
        "recipient_role: processor\ndata_categories: [identity]\n",
        "utf-8",
    )
    text = (repo / "inventory" / "activities.yaml").read_text()
    start = text.index("---\nkind: Flow\nid: lis-to-billing")
    end = text.index("---\nkind: Flow\nid: lis-to-backup")
    (repo / "inventory" / "activities.yaml").write_text(text[:start] + text[end:])
    commit(repo)
    site = _site_with_last_change(repo)
    assert ("Last change", "changes.md") in site.nav
    home = site.pages["index.md"].body
    start = home.index("## Last change")
    tile = home[start : home.index("</section>", start)]
    # Every count links to its section of changes.md; the revisions are named.
    assert "<code>HEAD&#126;1</code> → <code>HEAD</code>" in tile
    assert "| Changes raising risk | [2](changes.md#risks) |" in tile
    page = site.pages["changes.md"].body
    # Added entries link to their pages, names escaped; a removed one is text only.
    assert (
        "| Flows | added | [" in page and "(activities/lab-testing.md#flow-lis-to-datacorp)" in page
    )
    assert "DataCorp &#60;b&#62;Inc.&#60;/b&#62;" in page and "<b>Inc." not in page
    assert "| Flows | removed | " in page and "(<code>lis-to-billing</code>)" in page
    assert "#flow-lis-to-billing" not in page
    # The findings the change introduced, as `ropa diff` lists them.
    introduced = page[page.index("{#introduced}") : page.index("{#fixed}")]
    assert "[DPA-001](rules.md#dpa-001)" in introduced
    assert "now reaches US" in page


def test_without_a_base_revision_the_site_has_no_last_change(repo):
    from registry.outputs.site.pages import build_site
    from registry.pipeline import Request, run

    result = run(Request(path=repo / "inventory", as_of=AS_OF)).result
    site = build_site(result, draw=lambda *_: "")
    assert "changes.md" not in site.pages
    assert "Last change" not in site.pages["index.md"].body
    assert all(target != "changes.md" for _, target in site.nav)


def test_an_unchanged_register_says_so_on_the_site(repo):
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing")
    site = _site_with_last_change(repo)
    assert "No change to the register." in site.pages["changes.md"].body
    assert "No change to the register." in site.pages["index.md"].body


def test_mkdocs_builds_the_last_change_from_diff_base(repo, monkeypatch):
    from tests.site_support import build_site

    edit(repo, "activities.yaml", "estimated_subjects: 5000", "estimated_subjects: 6000")
    commit(repo)
    # As CI does: the project's mkdocs.yml reads `diff_base: !ENV ROPA_DIFF_BASE`.
    monkeypatch.setenv("ROPA_DIFF_BASE", "HEAD~1")
    completed = build_site(repo / "build", repo / "inventory")
    assert completed.returncode == 0, completed.stderr
    page = (repo / "build" / "site" / "changes" / "index.html").read_text("utf-8")
    assert "estimated&#95;subjects" in page  # escaped like every inventory text
    monkeypatch.setenv("ROPA_DIFF_BASE", "nosuchrev")
    bad = build_site(repo / "bad", repo / "inventory")
    assert bad.returncode != 0
    assert "ropa: diff_base 'nosuchrev': 'nosuchrev' is not a revision" in bad.stderr
    assert "Traceback" not in bad.stderr
