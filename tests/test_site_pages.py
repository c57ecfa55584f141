"""The site's pages, without MkDocs: escaping, completeness, determinism."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.core.model import KINDS
from registry.outputs.site import markup
from registry.outputs.site.diagrams import embed, url_prefix
from registry.outputs.site.pages import CONTENT_END, CONTENT_START, DOWNLOAD_JSON, NAV, build_site
from registry.outputs.site.plugin import with_csp
from registry.outputs.urls import entity_path, entity_url
from registry.pipeline.check import check

FIXTURE = Path(__file__).parent / "fixtures" / "site"
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def site():
    result = check(load_inventory(FIXTURE), AS_OF)
    return build_site(result, last_change="2026-11-28", draw=lambda inv, view, page: "")


HOSTILE = [
    "[x](javascript:alert(1))",
    "{{ 7*7 }} {% macro m() %}",
    "a | b",
    "*bold* _it_ `code`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<img src=x onerror=alert(1)>",
    "![i](https://evil.example/x.png)",
    ":smile: ~~s~~ ==m== ^^i^^ $x$ @user",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_leaves_no_markup_character(value: str) -> None:
    escaped = markup.text(value)
    assert not re.search(r"""[<>\[\](){}|*_`!&:~=^$@"'\\]""", re.sub(r"&#\d+;", "", escaped))
    # and the text itself is kept: decoding the entities gives it back
    assert re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), escaped) == value


def test_lines_keeps_breaks_on_one_markdown_line() -> None:
    assert markup.lines("first\n\n  # second") == "first<br>&#35; second"


def test_title_is_escaped_once_for_the_theme() -> None:
    assert markup.title("A &lt;b&gt; & C") == "A &amp;lt;b&amp;gt; &amp; C"


def test_url_allows_only_http_and_mailto() -> None:
    assert markup.url("javascript:alert(1)") == ""
    assert markup.url("data:text/html,x") == ""
    assert markup.url("https://ex.example/a b(c)") == "https://ex.example/a%20b%28c%29"
    # a relative path is no link: shown as text, free to wrap after each slash
    assert markup.external("docs/dpa.pdf") == "docs/<wbr>dpa.pdf"


def test_every_entity_has_a_page_at_its_url(site) -> None:
    result = check(load_inventory(FIXTURE), AS_OF)
    inv = result.inventory
    for entity in inv.entities(include_builtin=True):
        path, anchor = markup.place_of(inv, entity.kind, entity.id)
        assert path in site.pages
        if entity.kind == "Flow":  # a section of its activity's page, at its anchor
            assert path == f"activities/{entity.activity}.md"
            assert anchor == f"flow-{entity.id}"
            assert f"{{#{anchor} .ropa-flow}}" in site.pages[path].body
            url = f"activities/{entity.activity}/#{anchor}"
        else:
            assert path[: -len(".md")] + "/" == entity_path(entity.kind, entity.id)
            assert anchor == ""
            url = entity_path(entity.kind, entity.id)
        assert entity_url(inv, entity.kind, entity.id) == url


def test_a_flow_has_no_page_of_its_own(site) -> None:
    assert not [p for p in site.pages if p.startswith("flows/") and p != "flows/index.md"]
    # the flows' index lists every flow, each linked to its section
    index = site.pages["flows/index.md"].body
    assert "(../activities/quality-stats.md#flow-lis-to-analytics)" in index


def test_a_flow_of_no_known_activity_is_shown_on_the_flows_index(tmp_path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(FIXTURE, inventory)
    flows = inventory / "flows.yaml"
    flows.write_text(
        flows.read_text().replace(
            "id: lis-to-analytics\nname: Nightly export to the warehouse\nactivity: quality-stats",
            "id: lis-to-analytics\nname: Nightly export to the warehouse\nactivity: gone",
        )
    )
    result = check(load_inventory(inventory), AS_OF)
    site = build_site(result, last_change=None, draw=lambda inv, view, page: "")
    index = site.pages["flows/index.md"].body
    assert "## Flows of no known activity" in index
    assert "{#flow-lis-to-analytics .ropa-flow}" in index
    assert "{#flow-lis-to-analytics" not in site.pages["activities/quality-stats.md"].body
    # and every link to it leads there: its ends' pages, its contract's
    assert "(../flows/index.md#flow-lis-to-analytics)" in site.pages["systems/lis.md"].body


def test_entity_pages_stay_out_of_the_navigation(site) -> None:
    def paths(nav):
        for _, target in nav:
            yield from paths(target) if isinstance(target, list) else [target]

    in_nav = set(paths(NAV))
    assert in_nav <= set(site.pages)
    assert "systems/lis.md" not in in_nav
    assert {"register.md", "findings.md", "systems/index.md"} <= in_nav


def _card(body: str, activity: str) -> str:
    """The Markdown of one activity's card on the register page."""
    start = body.index(f"{{#activity-{activity}}}")
    return body[start : body.index("</section>", start)]


def test_register_has_a_card_per_activity_linking_its_evidence(site) -> None:
    body = site.pages["register.md"].body
    assert body.count('<section class="ropa-card') == 2
    lab = _card(body, "lab-tests")
    # categories, subjects, systems (security) and the DPIA, each linked to its page
    for target in ("categories/health.md", "subjects/patients.md", "systems/lis.md"):
        assert target in lab
    assert "DPIA-2024-01" in lab
    stats = _card(body, "quality-stats")
    assert "activities/quality-stats.md#flow-lis-to-analytics" in stats  # the transfer, SCCs
    assert markup.text("standard contractual clauses (Art. 46(2)(c))") in stats  # in words
    assert "organisations/cloudco.md" in stats  # recipient derived from the flow


def test_processor_record_lists_processors_and_their_controller(site) -> None:
    body = site.pages["processors.md"].body
    assert "## LabSoft SAS" in body and "## CloudCo Inc." in body
    assert "contracts/dpa-labsoft.md" in body


def test_entity_page_shows_findings_fields_and_backlinks(site) -> None:
    body = site.pages["contracts/dpa-cloudco.md"].body
    assert "[SCP-004](../rules.md#scp-004)" in body
    assert "accepted risk" in body  # DPA-003 waived by cloudco-audits
    assert "../waivers/cloudco-audits.md" in body  # referenced by the waiver
    assert "../activities/quality-stats.md#flow-lis-to-analytics" in body  # under this contract
    system = site.pages["systems/lis.md"].body
    assert "encryption&#95;at&#95;rest" in system  # every field, by its YAML name


def test_format_reference_documents_every_field_of_every_kind(site) -> None:
    body = site.pages["format.md"].body
    for name, model in KINDS.items():
        assert f"## kind: {name}" in body
        for field_name, info in model.model_fields.items():
            assert f"`{info.alias or field_name}`" in body


def test_findings_page_lists_every_finding(site) -> None:
    result = check(load_inventory(FIXTURE), AS_OF)
    body = site.pages["findings.md"].body
    for finding in result.findings:
        assert markup.text(finding.message) in body


def test_downloads_hold_the_resolved_register(site) -> None:
    document = json.loads(site.downloads[DOWNLOAD_JSON])
    assert [a["id"] for a in document["entities"]["Activity"]] == ["lab-tests", "quality-stats"]
    assert document["entities"]["Flow"][0]["from"] == "lis"  # the YAML name, not `source`


def test_the_site_is_deterministic() -> None:
    def build():
        result = check(load_inventory(FIXTURE), AS_OF)
        return build_site(result, draw=lambda inv, view, page: "")

    first, second = build(), build()
    assert {p: v.markdown() for p, v in first.pages.items()} == {
        p: v.markdown() for p, v in second.pages.items()
    }
    assert first.downloads == second.downloads


def test_page_markdown_wraps_content_in_markers_and_front_matter(site) -> None:
    text = site.pages["contracts/dpa-labsoft.md"].markdown()
    # entity pages give the table of contents' column to their tables
    assert text.startswith('---\ntitle: "dpa-labsoft"\nhide: [toc]\n---\n')
    assert CONTENT_START in text and text.rstrip().endswith(CONTENT_END)
    # pages with wide tables or a diagram ask the theme for the whole window
    text = site.pages["systems/lis.md"].markdown()
    assert text.startswith(
        '---\ntitle: "Laboratory information system"\nhide: [navigation, toc]\n---\n'
    )
    assert '<div class="ropa-wide"></div>' in text


def test_csp_hashes_theme_scripts_but_not_content_scripts() -> None:
    html = (
        "<html><head><script>theme()</script></head><body>"
        f"{CONTENT_START}<script>evil()</script>{CONTENT_END}"
        '<script id="__config" type="application/json">{}</script></body></html>'
    )
    out = with_csp(html)
    policy = re.search(r'content="([^"]*)"', out).group(1)
    hashes = re.findall(r"'sha256-[^']+'", policy)
    assert len(hashes) == 1  # theme() only
    assert out.index("Content-Security-Policy") < out.index("<script>")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_url_prefix_leads_back_to_the_site_root() -> None:
    assert url_prefix("index.md") == ""
    assert url_prefix("register.md") == "../"
    assert url_prefix("systems/index.md") == "../"
    assert url_prefix("systems/lis.md") == "../../"


def test_embedded_svg_is_one_html_block() -> None:
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg>\n<!-- a -->\n\n<g/>\n</svg>\n'
    assert embed(svg) == "<svg><g/></svg>"  # the figure around it: test_site_diagrams.py


def test_home_lists_organisations_by_role_controllers_first(site) -> None:
    body = site.pages["index.md"].body.split("## Organisations\n")[1].split("\n## ")[0]
    rows = [
        line for line in body.splitlines() if line.startswith("| [") and "organisations/" in line
    ]
    rows = [r for r in rows if "index.md" not in r]  # the counts table links the index
    assert [r.split("](")[1].split(")")[0] for r in rows] == [
        "organisations/clinic.md",
        "organisations/cloudco.md",
        "organisations/labsoft.md",
    ]
    assert "| controller |" in rows[0] and "| processor |" in rows[1]
    assert "last changed **2026-11-28**" in site.pages["index.md"].body


def test_findings_are_also_tallied_by_entity(site) -> None:
    body = site.pages["findings.md"].body
    section = body.split("## By entity")[1].split("## By rule")[0]
    # dpa-cloudco: SCP-004 (error), REV-002 (warning), DPA-003 (waived)
    row = next(line for line in section.splitlines() if "contracts/dpa-cloudco.md" in line)
    assert row.endswith("| Contract | 1 | 1 | 1 |")


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        ("index.md", "systems/lis.md", "systems/lis.md"),
        ("register.md", "rules.md", "rules.md"),
        ("systems/lis.md", "systems/crm.md", "crm.md"),
        ("systems/lis.md", "rules.md", "../rules.md"),
        ("systems/index.md", "flows/f.md", "../flows/f.md"),
        ("a/b/c.md", "a/x.md", "../../a/x.md"),  # not minimal, but right
    ],
)
def test_relative_links_match_posixpath(page: str, target: str, expected: str) -> None:
    import posixpath

    assert markup.relative(page, target) == expected
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), expected)) == target


def test_diagrams_drawn_in_parallel_match_one_by_one() -> None:
    from registry.outputs.site.diagrams import diagram

    result = check(load_inventory(FIXTURE), AS_OF)
    batched = build_site(result)
    sequential = build_site(result, draw=diagram)
    assert {p: v.body for p, v in batched.pages.items()} == {
        p: v.body for p, v in sequential.pages.items()
    }
    body = batched.pages["systems/lis.md"].body
    assert "ropa:diagram" not in body
    assert '<div class="ropa-diagram">' in body or "ropa-diagram-note" in body


def test_hostile_names_add_no_tag_and_no_page_path(tmp_path: Path) -> None:
    """Names with markup (issue 16) are text on every page: the pages hold no tag the
    example's pages do not hold, and every page lives at a kebab-case path."""
    from tests.hostile import HOSTILE_NAMES, hostile_inventory

    def tags(content) -> set[str]:
        # A tooltip's text is inventory text, escaped (`&#91;`…): compare the tags with
        # their `title` values blanked, so a hostile name in a tooltip is no new tag.
        return {
            re.sub(r'title="[^"<>]*"', 'title=""', t)
            for page in content.pages.values()
            for t in re.findall(r"<[^>]*>", page.body)
        }

    ours = tags(build_site(check(load_inventory(FIXTURE), AS_OF), draw=lambda i, v, p: ""))
    for index, name in enumerate(HOSTILE_NAMES):
        inventory = load_inventory(hostile_inventory(tmp_path / str(index), index))
        assert inventory.systems["lis"].name == name
        content = build_site(check(inventory, AS_OF), draw=lambda i, v, p: "")
        assert tags(content) <= ours, name
        for path in content.pages:
            assert re.fullmatch(r"([a-z]+/)?[a-z0-9-]+\.md", path), path
        page = content.pages["systems/lis.md"]
        assert page.title == name
        decoded = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), page.body)
        assert f"# {name}\n" in decoded


def test_register_shows_online_acceptance_and_general_authorisation(tmp_path: Path) -> None:
    """Where the processors and their contracts are shown: an online DPA says it was
    accepted, a general authorisation links the processor's published list, and a
    sub-processor it covers says under which DPA it processes."""
    cases = Path(__file__).parent / "fixtures" / "processors"
    register = (cases / "saas.yaml").read_text("utf-8")
    register = register.replace(
        "controller: taskly\nprocessor: hostco\nsigned: 2025-01-10\n",
        "controller: taskly\nprocessor: hostco\naccepted: 2025-01-10\n"
        "general_authorisation: {list: https://hostco.example/subprocessors, notice: P30D}\n",
    )
    documents = register.split("\n---\n")
    register = "\n---\n".join(d for d in documents if "id: dpa-dataco\n" not in d)
    register = register.replace("contract: dpa-dataco\n", "contract: dpa-hostco\n")
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "saas.yaml").write_text(register, "utf-8")
    result = check(load_inventory(tmp_path / "inv"), AS_OF)
    assert result.findings == []
    built = build_site(result, last_change="2026-11-28", draw=lambda inv, view, page: "")
    card = _card(built.pages["register.md"].body, "service-provision")
    row = next(line for line in card.splitlines() if line.startswith("| Processors and contracts"))
    assert "contracts/dpa-hostco.md" in row
    assert markup.text("(accepted online on 2025-01-10)") in row
    assert "general authorisation of sub-processors: [" in row
    assert (
        '(https://hostco.example/subprocessors), notice <abbr title="P30D">30 days</abbr>)' in row
    )
    assert "sub-processor under [" in row  # Dataco, covered by Hostco's DPA
    # Mailco holds its own DPA: Hostco handing it data does not make it a sub-processor.
    assert row.endswith(
        "[Mailco Ltd](organisations/mailco.md): [dpa-mailco](contracts/dpa-mailco.md) |"
    )
    processors = built.pages["processors.md"].body
    assert "## Dataco SAS" in processors


# --- faults of the first site (issue 14) ----------------------------------------------


def test_a_finding_names_its_entity_kind_then_the_entity_with_a_space(site) -> None:
    findings = site.pages["findings.md"].body
    assert "Contract [Dpa" not in findings  # the label was glued to the name
    waiver = site.pages["waivers/cloudco-audits.md"].body
    assert "| Contract [dpa-cloudco](../contracts/dpa-cloudco.md) |" in waiver


def test_a_waiver_page_lists_the_findings_that_cite_it(site) -> None:
    body = site.pages["waivers/cloudco-audits.md"].body
    cited = body.split("## Referenced by")[1]
    assert "Nothing refers to it" not in cited
    assert "[DPA-003](../rules.md#dpa-003)" in cited and "accepted risk" in cited
    assert "(../findings.md#accepted-risks)" in cited


def test_rule_help_is_prose_not_docstring_lines(site) -> None:
    body = site.pages["rules.md"].body
    assert "&#96;" not in body  # code spans are <code>, not literal backticks
    assert "<code>operator</code>" in body
    section = body.split("{#dpa-001}")[1].split("\n## ")[0]
    assert "<br>" not in section  # a docstring's line breaks are not the page's
    assert "the flow must name its <code>contract</code>" in section
    assert "\n\n**Does not fire** when" in section  # its paragraphs stay paragraphs
    assert "Dedalus finding" not in body


def test_prose_renders_code_and_emphasis_and_escapes_the_rest() -> None:
    assert markup.prose("a `x: [y]` *b* <i>\n c\n\nd") == [
        "a <code>x&#58; &#91;y&#93;</code> <em>b</em> &#60;i&#62; c",
        "d",
    ]
