"""Every hostile string in every free-text field is inert in every output.

One inventory per hostile string (tests/hostile.py puts it in every free-text
field), then: the DOT parses and renders to an SVG whose links are all ours; no
CSV or XLSX cell can run as a formula; trace and impact text carry no raw control
character; every JSON output parses.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from registry.core.inventory import load_inventory
from registry.core.record import Record
from registry.layouts.cells import restore
from registry.lineage.impact import impact
from registry.lineage.trace import trace
from registry.outputs.export import export_register
from registry.outputs.lineage_text import trace_text
from registry.outputs.render import dot_to_svg, view_dot
from tests.conftest import AS_OF
from tests.hostile import HOSTILE_NAMES, HOSTILE_TEXTS, hostile_inventory

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module", params=range(len(HOSTILE_TEXTS)))
def inventory(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    directory = hostile_inventory(tmp_path_factory.mktemp("hostile") / "inv", request.param)
    loaded = load_inventory(directory)
    assert not loaded.problems, loaded.problems
    return loaded


@pytest.mark.parametrize("view", ["overview", "transfers", "system:lis", "activity:analyses"])
def test_diagrams_render_and_link_only_to_entity_pages(inventory, view: str) -> None:
    dot = view_dot(inventory, view)
    root = ET.fromstring(dot_to_svg(dot, timeout=120).encode("utf-8"))
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert "System:lis" in titles or any("lis" in (t or "") for t in titles)
    anchors = list(root.iter(f"{SVG}a"))
    links = [a.get(XLINK_HREF) or a.get("href") for a in anchors]
    links = [link for link in links if link is not None]  # the graph's own tooltip has none
    assert len(links) >= 4, "nodes and edges link to their pages"
    for link in links:
        assert re.fullmatch(r"(\.\./)*[a-z]+/[a-z0-9-]+/(#[a-z0-9-]+)?", link), link
    assert not root.findall(f".//{SVG}script")
    assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)


@pytest.mark.parametrize("template", ["ico", "cnil"])
def test_csv_cells_never_start_a_formula(inventory, template: str) -> None:
    data = export_register(Record(inventory, AS_OF), fmt="csv", template=template, org="lab")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row if cell]
    assert len(cells) > 20
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


@pytest.mark.parametrize("template", ["ico", "cnil"])
def test_xlsx_has_no_formula_cell(inventory, template: str) -> None:
    import openpyxl

    data = export_register(Record(inventory, AS_OF), fmt="xlsx", template=template)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.value is not None and c.data_type != "s"]
    # The text as written, typed as text; Excel's quote prefix where it would start a formula.
    assert not [
        c.coordinate for c in cells if str(c.value).startswith(FORMULA_START) and not c.quotePrefix
    ]
    texts = {c.value for c in cells}
    assert inventory.organisations["lab"].name in texts


def test_json_exports_parse(inventory) -> None:
    for template in ("full", "ico", "cnil"):
        json.loads(export_register(Record(inventory, AS_OF), fmt="json", template=template))


def test_trace_and_impact_keep_terminals_safe(inventory) -> None:
    text = trace_text(trace(inventory, "special-results"))
    assert "lis" in text
    assert not RAW_CONTROL.search(text)
    report = impact(Record(inventory, AS_OF), "lis")
    json.dumps(report)


def test_the_hostile_strings_really_reach_the_outputs(tmp_path: Path) -> None:
    """Guard against a vacuous suite: the hostile text is in the exports, neutralised in
    the CSV, as written in the XLSX (a cell typed as text)."""
    import openpyxl

    inventory = load_inventory(hostile_inventory(tmp_path / "inv", HOSTILE_TEXTS.index("-2+3")))
    data = export_register(Record(inventory, AS_OF), fmt="csv", template="ico", org="lab")
    assert "'-2+3" in data.decode("utf-8-sig")
    data = export_register(Record(inventory, AS_OF), fmt="xlsx", template="ico", org="lab")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "-2+3" in {c.value for row in sheet.iter_rows() for c in row}


@pytest.fixture(scope="module", params=range(len(HOSTILE_NAMES)))
def named(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """An inventory whose every name is one hostile name: (inventory, the name)."""
    directory = hostile_inventory(tmp_path_factory.mktemp("named") / "inv", request.param)
    loaded = load_inventory(directory)
    assert not loaded.problems, loaded.problems  # accepted, not refused
    return loaded, HOSTILE_NAMES[request.param]


def test_names_are_accepted_and_shown_as_written(named) -> None:
    """Issue 16: a name with markup is a name; every output shows it, inert, as written."""
    inventory, name = named
    assert inventory.systems["lis"].name == name
    svg = ET.fromstring(dot_to_svg(view_dot(inventory, "overview"), timeout=120).encode("utf-8"))
    assert name in [t.text for t in svg.iter(f"{SVG}text")]
    record = Record(inventory, AS_OF)
    full = json.loads(export_register(record, fmt="json", template="full"))
    assert {s["name"] for s in full["systems"]} == {name}
    data = export_register(record, fmt="csv", template="ico", org="lab")
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert restore(cells[cells.index("Controller") + 1]) == name
    assert name in trace_text(trace(inventory, "special-results"))
    assert impact(record, "lis")["system"]["name"] == name


class _Elements(HTMLParser):
    """What an HTML page holds that could run or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "img", "svg", "style", "form", "base"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.bad.append(f"{tag} {name}")
            if (
                name in ("href", "src")
                and value
                and not re.fullmatch(
                    r"(\.\./)*[a-z0-9/._-]*(#[a-z0-9-]+)?|https?://\S+|mailto:\S+", value
                )
            ):
                self.bad.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_site_pages_are_inert(inventory) -> None:
    """Every page of the site, rendered as MkDocs renders it (python-markdown with the
    plugin's extensions): no element or attribute from the inventory, links only to our
    pages or to http(s)/mailto documents, and the hostile text shown as text."""
    import markdown

    from registry.outputs.site.pages import build_site
    from registry.pipeline.check import check

    site = build_site(check(inventory, AS_OF), draw=lambda inv, view, page: "")
    shown = ""
    for path, page in site.pages.items():
        rendered = markdown.markdown(
            page.markdown().split("---\n", 2)[2],
            extensions=["tables", "attr_list", "toc", "md_in_html"],
        )
        parser = _Elements()
        parser.feed(rendered)
        assert not parser.bad, (path, parser.bad[:5])
        if path in ("index.md", "register.md", "matrices.md", "systems/lis.md"):
            shown += " ".join(parser.text)
    assert "lis" in shown


def test_the_hostile_markup_reaches_the_site_as_text(tmp_path: Path) -> None:
    """Guard against a vacuous site test: the markup is on the pages, shown as text."""
    import markdown

    from registry.outputs.site.pages import build_site
    from registry.pipeline.check import check

    hostile = "<img src=x onerror=alert(5)>"
    inventory = load_inventory(hostile_inventory(tmp_path / "inv", HOSTILE_TEXTS.index(hostile)))
    site = build_site(check(inventory, AS_OF), draw=lambda inv, view, page: "")
    for path in ("register.md", "systems/lis.md", "activities/analyses.md"):
        parser = _Elements()
        parser.feed(
            markdown.markdown(
                site.pages[path].markdown().split("---\n", 2)[2],
                extensions=["tables", "attr_list", "toc", "md_in_html"],
            )
        )
        assert not parser.bad and hostile in " ".join(parser.text), path
