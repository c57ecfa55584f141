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
from tests.dated_repo import git_as_dpo

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


def test_paper_flows_and_art_3_2_are_said_in_words() -> None:
    charity = Path(__file__).parent / "registers" / "tottenham-bequest-charity" / "inventory"
    built = build_site(check(load_inventory(charity), AS_OF), draw=_no_diagram)
    posted = _flow_section(built, "donations-received")
    assert "- **Medium**: paper &#40;posted or handed in&#41;" in posted
    assert "- **Encrypted in transit**: does not apply &#40;on paper&#41;" in posted
    online = _flow_section(built, "contact-form")
    assert "Medium" not in online and "- **Encrypted in transit**: yes" in online
    charity_page = built.pages["organisations/tottenham-bequest.md"].body
    assert "- **Targets people in the Union (Art. 3(2))**: no" in charity_page


def _flow_section(site, flow: str) -> str:
    """A flow's section of the page that holds it (its activity's), up to the next."""
    body = next(p.body for p in site.pages.values() if f"{{#flow-{flow} .ropa-flow}}" in p.body)
    start = body.index(f"{{#flow-{flow} .ropa-flow}}")
    end = body.find("\n### ", start)
    return body[start : end if end != -1 else len(body)]


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


_RAW_FIELDS = re.compile(r"<summary>Every field, as written</summary>.*?</details>", re.S)
_FLOW_FINDINGS = re.compile(r"\*\*Findings\*\*\n\n(?:\|.*\n)+")


def test_no_internal_code_outside_the_raw_field_table(example) -> None:
    """Enumeration codes and ISO durations are shown as words everywhere a reader looks
    first: the register pages, the index pages and each page's "At a glance"."""
    shown = []
    for path, page in example.pages.items():
        body = page.body
        if path in ("format.md", "rules.md", "findings.md", "downloads.md"):
            continue  # the format and the rules name the codes on purpose; findings quote them
        if "## Every field, as written" in body:  # (an activity's flows come after it)
            body = body.replace(_section(body, "Every field, as written"), "")
        # a flow's section: its raw fields folded, its findings quoting the YAML
        body = _FLOW_FINDINGS.sub("", _RAW_FIELDS.sub("", body))
        if "## Findings\n" in body:
            findings = _section(body, "Findings")
            body = body.replace(findings, "")  # rule messages quote the YAML
        for match in _CODES.finditer(_decoded(body)):
            shown.append(f"{path}: {match.group()}")
    assert not shown, shown[:20]


# --- history from git ----------------------------------------------------------------------


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
    git_as_dpo(repo, "init", "-q")
    git_as_dpo(repo, "add", ".")
    git_as_dpo(repo, "commit", "-q", "-m", "Register as reviewed", date="2026-01-15T09:00:00")
    systems.write_text(
        systems.read_text("utf-8").replace("owner: Lab IT", "owner: Lab IT [team] *x*"), "utf-8"
    )
    git_as_dpo(repo, "commit", "-q", "-am", "LIS: new owner *team* [x](javascript:alert(1))",
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
    # the dashboard and the calendar list it
    assert "systems/lis.md" in _section(
        built.pages["index.md"].body, "Changed since last review {#changed}"
    )
    assert "systems/lis.md" in built.pages["calendar.md"].body.split("{#changed}")[1]


def test_a_change_after_the_register_wide_review_is_flagged_too(tmp_path: Path) -> None:
    from registry.outputs.site.history import read_history
    from registry.pipeline import Request, run

    inventory = _reviewed_fixture(tmp_path)
    # The whole register reviewed on 2026-01-20; the systems' file changed on 2026-03-01.
    (inventory.parent / "ropa.yaml").write_text(
        "review: {last: 2026-01-20, by: DPO office, every: P1Y}\n", "utf-8"
    )
    request = Request(path=inventory, as_of=AS_OF, directory=inventory.parent)
    result = run(request).result
    built = build_site(result, draw=_no_diagram, history=read_history(inventory))
    # The portal records no review of its own: the register's date stands in, said so.
    portal = built.pages["systems/portal.md"].body
    assert (
        "**Changed since its last review**: reviewed 2026-01-20 by DPO office (the whole "
        "register); its file changed on 2026-03-01" in portal
    )
    # The LIS keeps its own review date, as before.
    lis = built.pages["systems/lis.md"].body
    assert "reviewed 2026-02-01 by Claire; its file " in lis
    assert "(the whole register); its file" not in lis


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
    assert "{#changed}" not in built.pages["index.md"].body


def test_history_is_the_same_for_the_same_commits(tmp_path: Path) -> None:
    from registry.outputs.site.history import read_history

    inventory = _reviewed_fixture(tmp_path)
    result = check(load_inventory(inventory), AS_OF)
    first = build_site(result, draw=_no_diagram, history=read_history(inventory))
    second = build_site(result, draw=_no_diagram, history=read_history(inventory))
    assert {p: v.body for p, v in first.pages.items()} == {
        p: v.body for p, v in second.pages.items()
    }


# --- matrices ---------------------------------------------------------------------------------


def _matrix_rows(section: str) -> tuple[list[str], dict[str, list[str]]]:
    """A matrix table's column headers and its rows by first cell."""
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
    return cells[0], {row[0]: row for row in cells[1:]}


def test_processor_and_system_matrices_put_special_categories_first(site) -> None:
    body = site.pages["matrices.md"].body
    headers, rows = _matrix_rows(_section(body, "Processors × data categories {#processors}"))
    assert headers[1].startswith("[Health data](categories/health.md)")  # special first
    labsoft = rows["[LabSoft SAS](organisations/labsoft.md)"]
    cloudco = rows["[CloudCo Inc.](organisations/cloudco.md)"]
    health = 1
    assert "●" in labsoft[health] and "●" in cloudco[health]  # both keep health data
    identity = next(i for i, h in enumerate(headers) if "categories/identity.md" in h)
    assert "●" in labsoft[identity] and not cloudco[identity].strip()
    headers, rows = _matrix_rows(_section(body, "Systems × data categories {#systems}"))
    portal = rows["[Patient portal](systems/portal.md)"]
    contact = next(i for i, h in enumerate(headers) if "categories/contact.md" in h)
    assert "●" in portal[contact]
    assert "○" in portal[next(i for i, h in enumerate(headers) if "identity.md" in h)]
    # the tooltip says how long, in words
    lis = rows["[Laboratory information system](systems/lis.md)"]
    assert 'title="kept 10 years after end of care"' in lis[health]


def test_matrices_answer_which_processors_handle_health_data(example) -> None:
    body = example.pages["matrices.md"].body
    health = _section(body, "Special categories {#special}").split("### ")[1]
    assert health.startswith("health data &#40;Art. 9&#40;1&#41;&#41; {#special-health}")
    processors = next(line for line in health.splitlines() if "**Processors**" in line)
    assert "organisations/kalisto-sante.md" in processors
    assert "organisations/hexanet-sante.md" in processors
    assert "organisations/cirrus-mail.md" not in processors  # e-mail only, no health data


# --- the dashboard ------------------------------------------------------------------------------


def _dated_fixture(directory: Path) -> Path:
    """The site fixture with a review overdue (the LIS), one due within 30 days (the
    portal) and a DPA expiring within 90 days (LabSoft's, in 42 days)."""
    import shutil

    inventory = directory / "inventory"
    shutil.copytree(FIXTURE, inventory)
    systems = inventory / "systems.yaml"
    text = systems.read_text("utf-8")
    text = text.replace(
        "identifiers: [lis.clinic.internal]\n",
        "identifiers: [lis.clinic.internal]\n"
        "last_reviewed: {date: 2025-11-01, by: Claire}\nreview_every: P1Y\n",
    )
    text = text.replace(
        "stores:\n  - {category: contact, retention: P3Y after last login}\n",
        "stores:\n  - {category: contact, retention: P3Y after last login}\n"
        "last_reviewed: {date: 2025-12-15, by: Claire}\nreview_every: P1Y\n",
    )
    systems.write_text(text, "utf-8")
    contracts = inventory / "contracts.yaml"
    contracts.write_text(
        contracts.read_text("utf-8").replace("expires: 2028-01-10", "expires: 2027-01-10"),
        "utf-8",
    )
    return inventory


def test_the_dashboard_answers_what_is_due(tmp_path: Path) -> None:
    result = check(load_inventory(_dated_fixture(tmp_path)), AS_OF)
    assert [f.entity for f in result.findings if f.rule == "DPA-007"] == ["Contract:dpa-labsoft"]
    built = build_site(result, draw=_no_diagram)
    home = built.pages["index.md"].body
    reviews = _section(home, "Reviews {#reviews}")
    assert "**[Overdue: 1](calendar.md#overdue)**" in reviews
    assert (
        "| [Laboratory information system](systems/lis.md) | System | due since 2026-11-01 |"
        in (reviews)
    )
    assert "**[Due within 30 days: 1](calendar.md#due-soon)**" in reviews
    assert "| [Patient portal](systems/portal.md) | System | due on 2026-12-15 |" in reviews
    contracts = _section(home, "Contracts {#contracts}")
    assert "**[Expiring within 90 days: 1](calendar.md#expiring)**" in contracts
    assert "[dpa-labsoft](contracts/dpa-labsoft.md)" in contracts
    assert "2027-01-10 — **expires in 42 day(s)**" in contracts
    calendar = built.pages["calendar.md"].body
    overdue = _section(calendar, "Reviews overdue {#overdue}")
    assert "systems/lis.md" in overdue and "systems/portal.md" not in overdue
    assert "contracts/dpa-labsoft.md" in _section(
        calendar, "Contracts expiring within 90 days {#expiring}"
    )
    lis = built.pages["systems/lis.md"].body
    assert "**overdue since 2026-11-01**" in _section(lis, "At a glance")


def test_the_dashboard_counts_findings_and_links_every_number(site) -> None:
    home = site.pages["index.md"].body
    findings = _section(home, "Findings {#findings}")
    assert "| Errors | [" in findings and "](findings.md#errors) |" in findings
    assert "](findings.md#accepted-risks) |" in findings
    # the most frequent errors lead to their section of the findings page
    assert "](findings.md#rule-" in findings
    transfers = _section(home, "Transfers outside the EEA {#transfers}")
    assert (
        "| [United States &#40;US&#41;](transfers.md#country-us) | standard contractual clauses "
        "&#40;Art. 46&#40;2&#41;&#40;c&#41;&#41; | [1](transfers.md#country-us) |"
    ) in transfers
    special = _section(home, "Special categories {#special}")
    health = next(line for line in special.splitlines() if "special-health" in line)
    assert "organisations/cloudco.md" in health and "organisations/labsoft.md" in health


def test_transfers_link_their_evidence(site, example) -> None:
    fixture = example.pages["transfers.md"].body
    us = _section(fixture, "United States &#40;US&#41; {#country-us}")
    assert "[Standard Contractual Clauses with Cirrus Mail" in us
    assert "(contracts/sccs-cirrus-mail.md)" in us and "cirrus-mail-sccs-2021-914.pdf" in us
    # SCCs claimed with no contract recorded: said, in bold
    assert "**no SCC contract recorded**" in site.pages["transfers.md"].body


# --- the controller record as cards ------------------------------------------------------------


def _card(body: str, activity: str) -> str:
    start = body.index(f"{{#activity-{activity}}}")
    return body[start : body.index("</section>", start)]


def _labels(card: str) -> list[str]:
    """The item column of a card's table (its header and separator left out)."""
    rows = [line for line in card.splitlines() if line.startswith("| ")][1:]
    return [line.split(" | ")[0].strip("| ") for line in rows]


def test_activities_come_in_the_natural_order_of_their_references() -> None:
    from registry.core.model import Activity
    from registry.outputs.site.cards import order_key

    def activity(ident: str, reference: str | None) -> Activity:
        return Activity(kind="Activity", id=ident, name=ident.upper(), reference=reference)

    found = [
        activity("c", "RT-10"),
        activity("a", None),
        activity("b", "RT-2"),
        activity("d", "A-1"),
    ]
    assert [a.id for a in sorted(found, key=order_key)] == ["d", "b", "c", "a"]


def test_the_register_has_one_card_per_activity_in_reference_order(example) -> None:
    body = example.pages["register.md"].body
    cards = re.findall(r"\{#activity-([a-z0-9-]+)\}", body)
    result = check(load_inventory(EXAMPLE), AS_OF)
    references = {a.id: a.reference for a in result.inventory.activities.values()}
    assert sorted(cards) == sorted(references)
    assert [references[c] for c in cards] == [f"RT-{n:02d}" for n in range(1, 12)]
    # the compact table first: one line per activity, each leading to its card
    compact = body.split('<div class="ropa-compact" markdown="1">')[1].split("</div>")[0]
    assert [re.search(r"#activity-([a-z0-9-]+)\)", line).group(1) for line in compact.splitlines()
            if line.startswith("| [")] == cards  # fmt: skip


def test_a_card_gives_the_art_30_items_in_the_cnil_fiche_s_order(example) -> None:
    card = _card(example.pages["register.md"].body, "medical-biology-examinations")
    assert _labels(card) == [
        "Reference",
        "Business function",
        "Description",
        "Created",
        "Controller (a)",
        "Joint controllers (Art. 26)",
        "Purposes and lawful bases (b)",
        "Data subjects (c)",
        "Number of data subjects",
        "Source of the data",
        "Data categories (c) and their retention (f)",
        "Conditions for special data (Art. 9, 10, 87)",
        "Recipients (d)",
        "Processors and contracts (Art. 28)",
        "Transfers outside the EEA (e)",
        "Security measures (g)",
        "DPIA (Art. 35)",
        "Rights of the data subjects",
        "Evidence",
        "Review",
    ]
    # joint controllers on the activity itself, with their arrangement and its document
    joint = next(line for line in card.splitlines() if line.startswith("| Joint controllers"))
    assert "organisations/ocealis-vendee.md" in joint and "contracts/jca-ocealis-group.md" in joint
    assert "accord-responsables-conjoints.pdf" in joint
    retention = next(line for line in card.splitlines() if line.startswith("| Data categories"))
    assert (
        '<abbr title="P20Y">20 years</abbr> after the patient&#39;s last examination' in retention
    )
    assert "(set for [Health data](categories/health.md))" in retention  # a parent's retention


def test_a_card_links_every_document_behind_it(example) -> None:
    body = example.pages["register.md"].body
    evidence = next(
        line
        for line in _card(body, "medical-biology-examinations").splitlines()
        if line.startswith("| Evidence")
    )
    assert "contracts/dpa-kalisto.md" in evidence and "2025-LIS-DPA.pdf" in evidence  # DPA
    assert "contracts/jca-ocealis-group.md" in evidence  # Art. 26 arrangement
    assert "AIPD-2024-01.pdf" in evidence  # the DPIA's document
    email = _card(body, "staff-email")
    assert "contracts/sccs-cirrus-mail.md" in email  # the SCCs of its transfer to the US
    migration = _card(body, "lis-migration-2026")
    assert "MIG-2026-01.pdf" in migration  # the migration procedure of its flows


def test_the_activity_page_shows_its_card(example) -> None:
    body = example.pages["activities/medical-biology-examinations.md"].body
    entry = _section(body, "In the register (Art. 30(1))")
    assert '<div class="ropa-entry" markdown="1">' in entry
    assert "| Joint controllers (Art. 26) |" in entry


# --- the whole register's review (ropa.yaml `review:`) on the site and in the CNIL layout ---


def test_register_wide_review_dates_entries_without_their_own(tmp_path: Path) -> None:
    import shutil

    from registry.outputs.export.cnil import fiche
    from registry.pipeline import Request, run

    lab = Path(__file__).parent / "fixtures" / "lab" / "inventory"
    inventory = tmp_path / "inventory"
    shutil.copytree(lab, inventory)
    own = "last_reviewed: {date: 2026-06-01, by: Claire Martin}\nreview_every: P1Y\n"
    for name, anchor in (("systems.yaml", "id: lis\n"), ("activities.yaml", "id: lab-testing\n")):
        path = inventory / name
        body = path.read_text("utf-8")
        at = body.index(anchor)
        cut = body.index(own, at)  # the first entry's own review lines go
        path.write_text(body[:cut] + body[cut + len(own) :], "utf-8")
    (tmp_path / "ropa.yaml").write_text(
        "review: {last: 2025-01-10, by: DPO office, every: P1Y}\n", "utf-8"
    )
    request = Request(path=inventory, as_of=dt.date(2026, 11, 29), directory=tmp_path)
    result = run(request).result
    site = build_site(result, draw=_no_diagram)
    lis = site.pages["systems/lis.md"].body
    # The register's date and period stand in, said as such, and judged as REV-001 judges.
    assert "last on 2025-01-10 by DPO office (the whole register" in lis
    assert "**overdue since 2026-01-10**" in lis
    assert any(f.rule == "REV-001" and f.entity_id == "lis" for f in result.findings)
    # An entry with its own dates keeps them: the register's review does not renew it.
    billing = site.pages["systems/billing.md"].body
    assert (
        'last on 2026-06-01 by Claire Martin; every <abbr title="P1Y">1 year</abbr>; '
        "next due 2027-06-01" in billing
    )
    assert "whole register" not in billing
    calendar = site.pages["calendar.md"].body
    overdue = calendar[calendar.index("{#overdue}") : calendar.index("{#due-soon}")]
    never = calendar[calendar.index("{#never-reviewed}") :]
    assert "Laboratory information system" in overdue
    assert "Laboratory information system" not in never
    # The CNIL fiche's "Mise à jour": the activity's own date, else the register's.
    activity = result.inventory.activities["lab-testing"]
    lines = {line.label: line.content for line in fiche(result.record, activity, "biolab")}
    assert lines["Mise à jour"] == "10/01/2025"


def test_without_register_review_entries_without_dates_are_never_reviewed(tmp_path: Path) -> None:
    import shutil

    from registry.pipeline import Request, run

    inventory = tmp_path / "inventory"
    shutil.copytree(Path(__file__).parent / "fixtures" / "lab" / "inventory", inventory)
    path = inventory / "systems.yaml"
    own = "last_reviewed: {date: 2026-06-01, by: Claire Martin}\nreview_every: P1Y\n"
    path.write_text(path.read_text("utf-8").replace(own, "", 1), "utf-8")
    result = run(Request(path=inventory, as_of=dt.date(2026, 11, 29))).result
    site = build_site(result, draw=_no_diagram)
    assert "**never recorded**" in site.pages["systems/lis.md"].body
    never = site.pages["calendar.md"].body.split("{#never-reviewed}")[1]
    assert "Laboratory information system" in never


def test_a_category_page_lists_the_flows_carrying_it_or_a_sub_category(example) -> None:
    inv = load_inventory(EXAMPLE)
    for category in ("health", "lab-results", "identity"):
        listed = _section(example.pages[f"categories/{category}.md"].body, "Flows carrying it")
        shown = set(re.findall(r"#flow-([a-z0-9-]+)\)", listed))
        expected = {
            f.id
            for f in inv.flows.values()
            if any(inv.covers([category], c) for c in f.data_categories)
        }
        assert shown == expected and expected, category
    # a parent lists its children's flows: lab results are health data
    health = _section(example.pages["categories/health.md"].body, "Flows carrying it")
    assert "#flow-analyser-results)" in health
