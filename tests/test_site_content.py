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
