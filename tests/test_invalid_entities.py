"""An entity with schema errors appears in every output, marked invalid, with what
validated and a reference to its findings; only `ropa check` fails (issue 16).

The inventory below is valid; BREAKS each put one schema error into it. The broken
inventory must draw the same nodes and edges, list the same entities on the site and
in the exports, and mark the broken ones.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from registry.core.inventory import load_inventory
from registry.core.record import Record
from registry.lineage.impact import impact
from registry.lineage.trace import trace
from registry.outputs.export import export_register
from registry.outputs.lineage_text import impact_markdown, trace_text
from registry.outputs.render import view_dot
from registry.outputs.site.pages import build_site
from registry.pipeline.check import check
from tests.conftest import AS_OF, write_inventory

VALID = {
    "orgs.yaml": """\
        kind: Organisation
        id: lab
        name: Lab
        country: FR
        ---
        kind: Organisation
        id: cloud
        name: CloudCo
        country: US
        """,
    "lis.yaml": """\
        kind: System
        id: lis
        name: Laboratory information system
        operator: lab
        country: FR
        stores: [{category: lab-results, retention: P10Y}]
        security: {encryption_at_rest: true}
        """,
    "care.yaml": """\
        kind: Activity
        id: care
        name: Care
        controller: lab
        purposes: [{purpose: Analyse samples, legal_basis: public_task}]
        data_subjects: [patients]
        data_categories: [lab-results]
        systems: [lis]
        estimated_subjects: 5000
        """,
    "flows.yaml": """\
        kind: Flow
        id: intake
        activity: care
        from: patients
        to: lis
        data_categories: [lab-results]
        ---
        kind: Flow
        id: backup
        activity: care
        from: lis
        to: cloud
        recipient_role: processor
        contract: dpa
        data_categories: [lab-results]
        transfer: {mechanism: sccs}
        ---
        kind: Contract
        id: dpa
        type: dpa
        controller: lab
        processor: cloud
        signed: 2025-01-01
        """,
}
# One schema error each, in an entity every output shows.
BREAKS = {
    "System:lis": ("lis.yaml", "country: FR", "country: France"),
    "Activity:care": ("care.yaml", "estimated_subjects: 5000", "estimated_subjects: " + "9" * 5000),
    "Flow:intake": ("flows.yaml", "to: lis\n", "to: lis\nfrequency: daily\n"),
    "Organisation:cloud": ("orgs.yaml", "name: CloudCo", 'name: "Cloud\\u202eCo"'),
    "Contract:dpa": ("flows.yaml", "signed: 2025-01-01", "signed: 2025-02-30"),
}


def written(directory: Path, broken: str | None = None) -> Path:
    files = dict(VALID)
    if broken:
        name, old, new = BREAKS[broken]
        import textwrap

        files[name] = textwrap.dedent(files[name]).replace(old, new)
        assert files[name] != textwrap.dedent(VALID[name])
    return write_inventory(directory, files)


def dot_objects(dot: str) -> tuple[set[str], set[str]]:
    nodes = set(re.findall(r'^\s*"([A-Za-z]+/[a-z0-9-]+)" \[', dot, re.M))
    edges = set(re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[.*URL="([^"]+)"', dot, re.M))
    return nodes, {" ".join(e) for e in edges}


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return load_inventory(written(tmp_path_factory.mktemp("valid")))


@pytest.fixture(scope="module", params=sorted(BREAKS))
def broken(request, tmp_path_factory):
    inventory = load_inventory(written(tmp_path_factory.mktemp("broken"), request.param))
    kind, ident = request.param.split(":")
    assert inventory.is_invalid(kind, ident), inventory.problems
    return inventory, kind, ident


def test_check_fails_on_it(broken) -> None:
    inventory, kind, ident = broken
    result = check(inventory, AS_OF)
    assert result.failed
    assert {f.entity for f in result.findings if f.rule.startswith("SCH")} == {f"{kind}:{ident}"}


@pytest.mark.parametrize("view", ["overview", "transfers", "system:lis", "activity:care"])
def test_the_graph_draws_the_same_objects_and_marks_it(valid, broken, view: str) -> None:
    inventory, kind, ident = broken
    dot = view_dot(inventory, view)
    expected = dot_objects(view_dot(valid, view))
    assert expected[0] and expected[1]  # not vacuous: nodes and edges to compare
    assert dot_objects(dot) == expected  # issue 16: nothing vanishes from the picture
    drawn = f'"{kind}/{ident}"' in dot or f'URL="flows/{ident}/"' in dot
    if drawn:
        assert "INVALID: schema error, see its findings" in dot
        assert "entry with a schema error, drawn with what validated" in dot  # the legend


def test_the_site_shows_it_marked_with_a_link_to_its_findings(valid, broken) -> None:
    inventory, kind, ident = broken
    draw = lambda inv, view, page: ""  # noqa: E731
    site = build_site(check(inventory, AS_OF), draw=draw)
    assert set(site.pages) == set(build_site(check(valid, AS_OF), draw=draw).pages)
    from registry.outputs.site.markup import place_of, source_of

    path, anchor = place_of(inventory, kind, ident)
    page = site.pages[path].body
    if anchor:  # a flow: its section of its activity's page
        page = page[page.index(f"{{#{anchor} ") :]
    assert "**Invalid entry**: 1 schema error(s)" in page
    findings = anchor or "findings"
    assert f"#{findings})" in page
    index = site.pages[source_of(kind, ident).split("/")[0] + "/index.md"].body
    assert "{.ropa-invalid}" in index
    assert f"{path.split('/')[1]}#{findings}" in index


def _cells_xlsx(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize(
    ("template", "record", "heading"),
    [
        ("ico", "controller", "Schema errors (ropa check)"),
        ("cnil", "controller", "Erreurs de validation (ropa check)"),
        ("ico", "processor", "Schema errors (ropa check)"),
    ],
)
def test_the_exports_write_it_and_name_its_errors(
    valid, broken, template: str, record: str, heading: str
) -> None:
    inventory, kind, ident = broken
    org = "lab" if record == "controller" else "cloud"
    args = {"template": template, "record": record, "org": org}
    data = export_register(Record(inventory, AS_OF), fmt="csv", **args)
    good = export_register(Record(valid, AS_OF), fmt="csv", **args)
    text = data.decode("utf-8-sig")
    assert heading not in good.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(list(csv.reader(io.StringIO(good.decode("utf-8-sig")))))
    marked = f"{kind} {ident}: SCH-"
    if marked in text:  # the entry is one the layout draws on
        assert heading in text
    cells = _cells_xlsx(export_register(Record(inventory, AS_OF), fmt="xlsx", **args))
    assert (marked in text) == any(marked in c for c in cells)


def test_the_full_json_writes_it_with_an_invalid_object(valid, broken) -> None:
    inventory, _, ident = broken
    document = json.loads(export_register(Record(inventory, AS_OF), fmt="json", template="full"))
    plain = json.loads(export_register(Record(valid, AS_OF), fmt="json", template="full"))
    for section, entities in plain.items():
        if isinstance(entities, list):
            assert [e["id"] for e in document[section]] == [e["id"] for e in entities]
    found = [e for v in document.values() if isinstance(v, list) for e in v if e["id"] == ident]
    entry = next(e for e in found if "invalid" in e)
    assert entry["invalid"]["errors"][0]["rule"].startswith("SCH-")
    assert re.search(r":\d+:\d+$", entry["invalid"]["errors"][0]["at"])
    # the shipped schema describes it (an entity kept in part is still a valid entity)
    import jsonschema

    from registry.outputs.export.full import schema_text

    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(document)


def test_trace_and_impact_show_it_marked(valid, broken) -> None:
    inventory, kind, ident = broken
    route = trace(inventory, "lab-results")
    assert len(route["routes"]) == len(trace(valid, "lab-results")["routes"])
    text = trace_text(route)
    report = impact(Record(inventory, AS_OF), "lis")
    markdown = impact_markdown(report)
    if (kind, ident) in {("System", "lis"), ("Flow", "intake"), ("Organisation", "cloud")}:
        assert "INVALID (SCH-" in text
    if (kind, ident) in {("System", "lis"), ("Activity", "care"), ("Organisation", "cloud")}:
        assert "schema_errors" in json.dumps(report)
        assert "invalid" in markdown


def test_the_cli_draws_and_exports_it_and_only_check_fails(tmp_path: Path) -> None:
    directory = written(tmp_path / "inv", "System:lis")

    def ropa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "registry.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert ropa("check", str(directory), "--as-of", "2026-11-29").returncode == 1
    graph = ropa("graph", str(directory))
    assert graph.returncode == 0 and '"System/lis"' in graph.stdout
    exported = ropa("export", str(directory), "--format", "json")
    assert exported.returncode == 0, exported.stderr
    assert "marked invalid" in exported.stderr
    assert "lis" in [s["id"] for s in json.loads(exported.stdout)["systems"]]
    traced = ropa("trace", "lab-results", str(directory))
    assert traced.returncode == 0 and "INVALID (SCH-009" in traced.stdout
    assert ropa("impact", "lis", str(directory)).returncode == 0
