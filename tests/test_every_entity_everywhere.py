"""Every entity id appears in every output that lists its kind (issue 16).

Walked over the example inventory, a generated one (bench/generate.py), and the
generated one with schema errors put into some of its entities: an entity with an
error is shown with what validated, so it must be listed exactly like the others.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from registry.core.inventory import Inventory, load_inventory
from registry.core.model import KINDS
from registry.lineage.graph import lineage_graph, node_key
from registry.lineage.impact import impact
from registry.lineage.trace import trace
from registry.outputs.export import export_register
from registry.outputs.render import view_dot
from registry.outputs.site.markup import place_of, relative, source_of
from registry.outputs.site.pages import DOWNLOAD_JSON, build_site
from registry.outputs.urls import SECTIONS, entity_path
from registry.pipeline.check import CheckResult, check
from tests.conftest import AS_OF, EXAMPLE
from tests.test_bench_smoke import generate

FULL_SECTIONS = {
    "Organisation": "organisations",
    "DataCategory": "data_categories",
    "DataSubject": "data_subjects",
    "System": "systems",
    "Activity": "activities",
    "Flow": "flows",
    "Contract": "contracts",
    "Waiver": "waivers",
}


def _generated(directory: Path) -> Path:
    generate.main(["--flows", "150", "--seed", "11", "--out", str(directory)])
    return directory


def _broken(directory: Path) -> Path:
    """The generated inventory with a schema error in every third entity of each file:
    a country of the wrong form where there is one, else an unknown field."""
    _generated(directory)
    for path in sorted(directory.rglob("*.yaml")):
        documents = path.read_text("utf-8").split("\n---\n")
        for index in range(0, len(documents), 3):
            document = documents[index].rstrip("\n")
            if "\ncountry: " in document:
                document = document.replace("\ncountry: ", "\ncountry: X", 1)
            else:
                document += "\ncolour: blue"
            documents[index] = document + "\n"
        path.write_text("\n---\n".join(documents), "utf-8")
    return directory


@pytest.fixture(scope="module", params=["example", "generated", "generated-with-errors"])
def judged(request, tmp_path_factory) -> CheckResult:
    if request.param == "example":
        if not EXAMPLE.is_dir():
            pytest.skip("no example inventory")
        directory = tmp_path_factory.mktemp("example") / "inventory"
        shutil.copytree(EXAMPLE, directory)
    elif request.param == "generated":
        directory = _generated(tmp_path_factory.mktemp("gen") / "inventory")
    else:
        directory = _broken(tmp_path_factory.mktemp("broken") / "inventory")
    inventory = load_inventory(directory)
    if request.param == "generated-with-errors":
        assert len(inventory.set_aside) >= 20, "the errors did reach entities"
    return check(inventory, AS_OF)


def ids(inventory: Inventory, kind: str) -> set[str]:
    return set(inventory.by_kind[kind])


def test_the_full_json_lists_every_entity(judged: CheckResult) -> None:
    inventory = judged.inventory
    document = json.loads(export_register(judged.record, fmt="json", template="full"))
    for kind, section in FULL_SECTIONS.items():
        assert {e["id"] for e in document[section]} == ids(inventory, kind), kind
    for key in inventory.set_aside:
        section = document[FULL_SECTIONS[key[0]]]
        assert next(e for e in section if e["id"] == key[1])["invalid"]["errors"]


def test_the_site_has_a_page_and_an_index_row_for_every_entity(judged: CheckResult) -> None:
    inventory = judged.inventory
    site = build_site(judged, draw=lambda inv, view, page: "")
    for kind in KINDS:
        index = site.pages[f"{SECTIONS[kind]}/index.md"].body
        for ident in ids(inventory, kind):
            path, anchor = place_of(inventory, kind, ident)
            assert path in site.pages
            if kind == "Flow":  # a section of the page that holds it, linked from the index
                assert f"{{#{anchor} .ropa-flow}}" in site.pages[path].body, ident
                assert f"]({relative('flows/index.md', path)}#{anchor})" in index, ident
            else:
                assert path == source_of(kind, ident)
                assert f"]({ident}.md)" in index, (kind, ident)
    download = json.loads(site.downloads[DOWNLOAD_JSON])
    for kind in KINDS:  # the inventory's own entities (not the default taxonomy's)
        own = {i for i in ids(inventory, kind) if (kind, i) not in inventory.builtin}
        assert {e["id"] for e in download["entities"][kind]} == own, kind
    register = site.pages["register.md"].body
    for entry in judged.record.activities.values():
        if entry.controller in inventory.organisations:
            assert f"activities/{entry.id}.md" in register


def test_the_graph_holds_every_system_and_every_flow_with_both_ends(judged: CheckResult) -> None:
    inventory = judged.inventory
    graph = lineage_graph(inventory)
    assert {node_key("System", s) for s in inventory.systems} <= set(graph.nodes)
    drawable = {
        f.id
        for f in inventory.flows.values()
        if inventory.endpoint(f.source) and inventory.endpoint(f.to)
    }
    assert {key for _, _, key in graph.edges(keys=True)} == drawable
    for system in sorted(inventory.systems)[:40]:
        dot = view_dot(inventory, f"system:{system}")
        assert f'URL="{entity_path("System", system)}"' in dot or "collapsed" in dot, system


def test_the_regulators_layouts_hold_every_activity_of_each_record(judged: CheckResult) -> None:
    inventory, record = judged.inventory, judged.record
    for org in record.controllers():
        rows = record.activities_of(org)
        document = json.loads(
            export_register(record, fmt="json", template="ico", org=org).decode("utf-8")
        )
        assert len(document["sheets"][0]["rows"]) == len(rows)
        book = openpyxl.load_workbook(
            io.BytesIO(export_register(record, fmt="xlsx", template="cnil", org=org))
        )
        listed = [r[0].value for r in book["Registre"].iter_rows() if r[0].value]
        for entry in rows:
            assert (entry.activity.reference or entry.id) in listed, entry.id
        # every system the activities use is named in the location column
        locations = "\n".join(
            "\n".join(row["Location of personal data"]) for row in document["sheets"][0]["rows"]
        )
        for entry in rows:
            for system in entry.systems:
                assert f"{system.name} (" in locations, system.id
    for processor in record.processors:
        document = json.loads(
            export_register(record, fmt="json", template="ico", record="processor", org=processor)
        )
        served = record.processors[processor].served
        assert len(document["sheets"][0]["rows"]) == len(served)
        assert processor in inventory.organisations


def test_trace_and_impact_list_every_holder_and_every_flow_in(judged: CheckResult) -> None:
    inventory = judged.inventory
    stored: dict[str, set[str]] = {}
    for system in inventory.systems.values():
        for store in system.stores:
            stored.setdefault(store.category, set()).add(system.id)
    for category in sorted(stored)[:20]:
        assert stored[category] <= set(trace(inventory, category)["stored_in"]), category
    graph = lineage_graph(inventory)
    for system in sorted(inventory.systems)[:20]:
        report = impact(judged.record, system)
        arriving = {k for _, _, k in graph.in_edges(node_key("System", system), keys=True)}
        listed = {f for c in report["categories"] for f in c["arrives_by"]}
        assert arriving == listed, system
        declared = {s.category for s in inventory.systems[system].stores}
        assert declared <= {c["id"] for c in report["categories"]}
