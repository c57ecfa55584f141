"""What the auditors' site says, without MkDocs: human-readable values, the dashboard,
the matrices, the controller record's cards, per-entity history (issue 14)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.outputs.site import labels, markup
from registry.outputs.site.pages import build_site
from registry.pipeline.check import check

FIXTURE = Path(__file__).parent / "fixtures" / "site"
EXAMPLE = Path(__file__).resolve().parent.parent / "inventory"
AS_OF = dt.date(2026, 11, 29)


def _no_diagram(inv, view, page) -> str:
    return ""


@pytest.fixture(scope="module")
def site():
    result = check(load_inventory(FIXTURE), AS_OF)
    return build_site(result, last_change="2026-11-28", draw=_no_diagram)


@pytest.fixture(scope="module")
def example():
    result = check(load_inventory(EXAMPLE), AS_OF)
    return build_site(result, last_change="2026-11-28", draw=_no_diagram)


def _section(body: str, heading: str) -> str:
    """The Markdown of one ``## heading`` section (up to the next ``## ``)."""
    start = body.index(f"## {heading}\n")
    end = body.find("\n## ", start + 1)
    return body[start : end if end > 0 else None]


# --- human-readable values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "words"),
    [
        ("P10Y", "10 years"),
        ("P1Y", "1 year"),
        ("P6M", "6 months"),
        ("P1Y6M", "1 year and 6 months"),
        ("P1Y2M3D", "1 year, 2 months and 3 days"),
        ("PT24H", "24 hours"),
        ("P2W", "2 weeks"),
    ],
)
def test_durations_read_as_words(iso: str, words: str) -> None:
    assert labels.duration_words(iso) == words
    assert labels.duration(iso) == f'<abbr title="{iso}">{markup.text(words)}</abbr>'


def test_a_system_page_says_operator_country_and_measures_in_words(site) -> None:
    body = site.pages["systems/lis.md"].body
    glance = _section(body, "At a glance")
    assert "- **Operator**: [LabSoft SAS](../organisations/labsoft.md) (processor)" in glance
    assert "- **Hosted in**: France &#40;FR&#41;" in glance
    security = _section(body, "Security measures (Art. 32)")
    assert labels.mark(labels.YES) + " | encrypted at rest | Art. 32&#40;1&#41;&#40;a&#41;" in (
        security
    )
    # backups and access logging are not written: said so, not counted as met
    assert labels.mark(labels.UNKNOWN) + " | backups&#58; not documented |" in security
    stores = _section(body, "Stores")
    assert '<abbr title="P10Y">10 years</abbr> after end of care' in stores


def test_a_contract_page_says_type_dates_document_and_clauses(site) -> None:
    body = site.pages["contracts/dpa-cloudco.md"].body
    glance = _section(body, "At a glance")
    assert "- **Type**: data processing agreement &#40;Art. 28&#40;3&#41;&#41;" in glance
    assert "- **Expires**: no expiry date" in glance
    assert "- **Document**: **none linked**" in glance
    clauses = _section(body, "Art. 28(3) clauses")
    assert labels.mark(labels.UNKNOWN) + " | gives the information needed and allows audits" in (
        clauses
    )
    labsoft = site.pages["contracts/dpa-labsoft.md"].body
    assert "(https://contracts.example/dpa-labsoft.pdf)" in _section(labsoft, "At a glance")


_CODES = re.compile(
    r"(?<![-\w./])(?:sccs|dpa|joint_controller_arrangement|sub_processing|legal_obligation|"
    r"legitimate_interests|public_task|health_or_social_care|national_id|P\d+[YMWD])(?![-\w./])"
)


def _decoded(markdown: str) -> str:
    """Markdown as a reader sees its words: entities decoded, tags, tooltips and link
    targets dropped (the raw YAML names stay in link targets and titles)."""
    decoded = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), markdown)
    decoded = re.sub(r"<[^>]*>", "", decoded)
    decoded = re.sub(r"`[^`]*`", "", decoded)  # ids and YAML keys, shown as code on purpose
    return re.sub(r"\]\([^)]*\)", "]", decoded)


def test_no_internal_code_outside_the_raw_field_table(example) -> None:
    """Enumeration codes and ISO durations are shown as words everywhere a reader looks
    first: the register pages, the index pages and each page's "At a glance"."""
    shown = []
    for path, page in example.pages.items():
        body = page.body
        if path in ("format.md", "rules.md", "findings.md", "downloads.md"):
            continue  # the format and the rules name the codes on purpose; findings quote them
        if "## Every field, as written" in body:
            body = body.split("## Every field, as written")[0]
        if "## Findings\n" in body:
            findings = _section(body, "Findings")
            body = body.replace(findings, "")  # rule messages quote the YAML
        for match in _CODES.finditer(_decoded(body)):
            shown.append(f"{path}: {match.group()}")
    assert not shown, shown[:20]


# --- history from git ----------------------------------------------------------------------


def _git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00") -> None:
    import os
    import subprocess

    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Claire Lemaître",
        GIT_AUTHOR_EMAIL="dpo@example.org",
        GIT_COMMITTER_NAME="Claire Lemaître",
        GIT_COMMITTER_EMAIL="dpo@example.org",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
    )
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _reviewed_fixture(repo: Path) -> Path:
    """The site fixture in a fresh git repository: reviewed on 2026-02-01, committed on
    2026-01-15, then its LIS changed on 2026-03-01 (after the review)."""
    import shutil

    inventory = repo / "inventory"
    shutil.copytree(FIXTURE, inventory)
    systems = inventory / "systems.yaml"
    systems.write_text(
        systems.read_text("utf-8").replace(
            "identifiers: [lis.clinic.internal]\n",
            "identifiers: [lis.clinic.internal]\n"
            "last_reviewed: {date: 2026-02-01, by: Claire}\nreview_every: P1Y\n",
        ),
        "utf-8",
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Register as reviewed", date="2026-01-15T09:00:00")
    systems.write_text(
        systems.read_text("utf-8").replace("owner: Lab IT", "owner: Lab IT [team] *x*"), "utf-8"
    )
    _git(repo, "commit", "-q", "-am", "LIS: new owner *team* [x](javascript:alert(1))",
         date="2026-03-01T09:00:00")  # fmt: skip
    return inventory


def test_entity_pages_show_their_history_and_a_change_since_review(tmp_path: Path) -> None:
    from registry.outputs.site.history import read_history

    inventory = _reviewed_fixture(tmp_path)
    history = read_history(inventory)
    assert history is not None
    result = check(load_inventory(inventory), AS_OF)
    built = build_site(result, draw=_no_diagram, history=history)
    lis = built.pages["systems/lis.md"].body
    assert "**Changed since its last review**: reviewed 2026-02-01 by Claire; its file " in lis
    assert "changed on 2026-03-01 (Claire Lemaître" in lis
    section = _section(lis, "History")
    rows = [line for line in section.splitlines() if line.startswith("| 2026")]
    assert len(rows) == 2 and rows[0].startswith("| 2026-03-01 | Claire Lemaître | `")
    # a commit message is text like any other: its markup is inert
    assert "[x](javascript" not in section and markup.text("[x](javascript:alert(1))") in section
    # the portal's file changed too (same file), but the portal records no review: no flag
    assert "Changed since its last review" not in built.pages["systems/portal.md"].body


def test_uncommitted_changes_are_said(tmp_path: Path) -> None:
    from registry.outputs.site.history import read_history

    inventory = _reviewed_fixture(tmp_path)
    (inventory / "flows.yaml").write_text(
        (inventory / "flows.yaml").read_text("utf-8") + "\n", "utf-8"
    )
    history = read_history(inventory)
    assert history is not None and "inventory/flows.yaml" in {
        Path(f).as_posix()[-len("inventory/flows.yaml") :] for f in history.uncommitted
    }


def test_without_git_there_is_no_history_and_the_site_still_builds(tmp_path: Path) -> None:
    import shutil

    from registry.outputs.site.history import read_history

    shutil.copytree(FIXTURE, tmp_path / "inventory")
    assert read_history(tmp_path / "inventory") is None
    result = check(load_inventory(tmp_path / "inventory"), AS_OF)
    built = build_site(result, draw=_no_diagram, history=None)
    assert "## History" not in built.pages["systems/lis.md"].body


def test_history_is_the_same_for_the_same_commits(tmp_path: Path) -> None:
    from registry.outputs.site.history import read_history

    inventory = _reviewed_fixture(tmp_path)
    result = check(load_inventory(inventory), AS_OF)
    first = build_site(result, draw=_no_diagram, history=read_history(inventory))
    second = build_site(result, draw=_no_diagram, history=read_history(inventory))
    assert {p: v.body for p, v in first.pages.items()} == {
        p: v.body for p, v in second.pages.items()
    }
