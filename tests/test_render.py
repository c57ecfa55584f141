"""Diagrams (registry/outputs/render/): structure, escaping, links, determinism, collapse,
and what happens without a Graphviz engine. SVG is compared by structure (node
titles, edges, clusters), never by bytes: those differ between renderers."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from registry.cli import main
from registry.core.inventory import load_inventory
from registry.outputs import render
from registry.outputs.render import engine
from registry.outputs.render.labels import country_note
from tests.diagram_support import flow_text, node_text, structure, tooltips
from tests.hostile import HOSTILE_NAMES, HOSTILE_TEXTS, hostile_inventory
from tests.lineage_inventory import base, flow, org, system, to_yaml, with_docs, write

FIXTURE = Path(__file__).parent / "fixtures" / "lineage"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def inv():
    return load_inventory(FIXTURE)


def test_overview_structure(inv) -> None:
    shape = structure(render.dot_to_svg(render.view_dot(inv, "overview")))
    assert shape["node"] == {
        "DataSubject/patients",
        "Organisation/health-insurer",
        "System/analytics",
        "System/cloud-backup",
        "System/lis",
        "System/migration-server",
        "System/portal",
        "System/us-crm",
    }
    assert ("System/portal", "System/us-crm") in shape["edge"] and len(shape["edge"]) == 7
    # One cluster per organisation running systems (the insurer only receives data).
    assert shape["cluster"] == {
        "cluster_data_subjects",
        "cluster_biolab",
        "cluster_cloudco",
        "cluster_indco",
        "cluster_usco",
        "cluster_vendor",
    }
    assert "systems/lis/" in shape["href"]
    assert "activities/lab-testing/#flow-crm-sync" in shape["href"]  # its activity's page
    assert "organisations/usco/" in shape["href"]


def test_overview_marks_what_an_auditor_looks_for(inv) -> None:
    dot = render.view_dot(inv, "overview")
    migration = flow_text(dot, "System/lis", "System/migration-server")
    assert f'color="{render.SPECIAL_COLOUR}"' in migration and "penwidth=2.5" in migration
    onward = flow_text(dot, "System/us-crm", "System/analytics")
    assert "style=dashed" in onward and "transfer to IN: NO MECHANISM" in onward
    # names, not ids, and the mechanism in words
    crm = flow_text(dot, "System/portal", "System/us-crm")
    assert 'label="Identity (civil status)\\nContact details\\ntransfer to US: standard' in crm
    assert "sccs" not in crm
    assert "IN, outside the EEA, no adequacy decision" in dot
    assert "processor · FR" in dot and "controller · FR" in dot  # roles on the frames
    assert "rounded,filled,dashed" in dot  # processors' frames are dashed
    assert "Legend" in dot
    assert "temporary, no deletion date" in dot and "not encrypted at rest" in dot


def test_a_paper_flow_is_labelled_on_paper() -> None:
    charity = Path(__file__).parent / "registers" / "tottenham-bequest-charity" / "inventory"
    dot = render.view_dot(load_inventory(charity), "overview")
    posted = flow_text(dot, "DataSubject/donors", "System/trustees-records")
    assert "on paper" in posted
    online = flow_text(dot, "DataSubject/enquirers", "System/website")
    assert "on paper" not in online


def test_edge_labels_abbreviate_past_three_categories(tmp_path: Path) -> None:
    docs = base()
    docs["Flow:to-cloud"]["data_categories"] = [
        "identity",
        "contact",
        "lab-results",
        "diagnoses",
        "health",
    ]
    dot = render.view_dot(load_inventory(write(tmp_path / "inv", docs)), "overview")
    line = next(x for x in dot.splitlines() if x.strip().startswith('"Flow/to-cloud" ['))
    # the names, special categories first, one a line
    names = "Laboratory test results\\nDiagnoses and medical conditions\\nHealth data\\n+2 more"
    assert f'label="{names}"' in line
    assert (
        "categories: Laboratory test results, Diagnoses and medical conditions, Health data, "
        "Identity (civil status), Contact details" in line
    )


@pytest.mark.parametrize(
    ("view", "nodes"),
    [
        ("transfers", {"System/portal", "System/us-crm", "System/analytics"}),
        (
            "category:lab-results",
            {
                "System/lis",
                "System/portal",
                "System/cloud-backup",
                "System/migration-server",
                "Organisation/health-insurer",
            },
        ),
        (
            "system:us-crm",
            {
                "System/lis",
                "System/portal",
                "System/us-crm",
                "System/analytics",
                "DataSubject/patients",
            },
        ),
        ("activity:crm-analytics", {"System/us-crm", "System/analytics"}),
        ("organisation:cloudco", {"System/lis", "System/cloud-backup"}),
    ],
)
def test_views_select_their_part(inv, view: str, nodes: set[str]) -> None:
    dot = render.view_dot(inv, view)
    drawn = {
        line.strip().split(" [")[0].strip('"')
        for line in dot.splitlines()
        if line.strip().startswith('"') and "->" not in line and "class=flow" not in line
    }
    assert drawn == nodes


def test_bad_views_are_one_clear_line(inv, capsys) -> None:
    with pytest.raises(render.ViewError, match="did you mean 'us-crm'"):
        render.view_dot(inv, "system:us-cmr")
    with pytest.raises(render.ViewError, match="unknown view"):
        render.view_dot(inv, "everything")
    assert main(["graph", str(FIXTURE), "--view", "system:nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ropa: error: no System with id 'nope'") and err.count("\n") == 1


def test_url_for_prefixes_every_link_and_sees_only_ids(inv) -> None:
    seen: list[tuple[str, str]] = []

    def url_for(kind: str, ident: str) -> str:
        seen.append((kind, ident))
        return f"../../{kind.lower()}/{ident}/"

    dot = render.view_dot(inv, "overview", url_for=url_for)
    hrefs = structure(render.dot_to_svg(dot))["href"]
    assert hrefs and all(h.startswith("../../") for h in hrefs)
    ids = {i for kind in inv.by_kind.values() for i in kind}
    assert all(ident in ids for _, ident in seen)


# --- hostile text ---------------------------------------------------------------------

HOSTILE = 'Evil" URL="javascript:alert(1)" x="\\N {a|b} ]; n [label=x] // \\'


def hostile_names_inventory(tmp_path: Path) -> Path:
    evil_org = org("cloudco", HOSTILE, "DE")
    evil_system = system("cloud-store", "cloudco", "DE", ["identity", "lab-results"])
    evil_system["name"] = HOSTILE + " & 'system'"
    evil_system["description"] = "line one\nline two <script>alert(1)</script>"
    docs = with_docs(base(), evil_org, evil_system)
    docs["Flow:to-cloud"]["name"] = HOSTILE
    docs["Flow:to-cloud"]["description"] = "}\n</title><script>alert(1)</script>"
    return write(tmp_path / "inv", docs)


def test_hostile_names_render_as_text(tmp_path: Path) -> None:
    inv = load_inventory(hostile_names_inventory(tmp_path))
    assert not inv.problems, inv.problems  # these names are allowed by the model
    svg = render.dot_to_svg(render.view_dot(inv, "overview"))
    shape = structure(svg)  # parses as XML
    assert shape["node"] == {"DataSubject/patients", "System/lis", "System/cloud-store"}
    assert shape["edge"] == {
        ("DataSubject/patients", "System/lis"),
        ("System/lis", "System/cloud-store"),
    }
    assert not any("javascript" in href for href in shape["href"])
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert HOSTILE in texts  # the organisation's name on its frame, verbatim
    # the system's name over the lines a long name is wrapped into; the flow's in its tooltip
    assert node_text(svg, "System/cloud-store").startswith(HOSTILE + " & 'system'")
    # (a backslash in a tooltip shows as "＼": renderers read backslash sequences there)
    shown = HOSTILE.replace("\\", render.TOOLTIP_BACKSLASH)
    assert any(t.startswith(shown + " (") for t in tooltips(svg, "Flow/to-cloud"))
    assert "System cloud-store: " + shown + " & 'system'" in tooltips(svg, "System/cloud-store")
    assert "<script" not in svg


def test_names_with_markup_characters_stay_text(inv) -> None:
    """'<', '>' and '&' in names (allowed by the model or not, escaping is the defence):
    each shows as written, in labels and tooltips, and adds no element to the SVG."""
    names = {
        "organisation": "Cloud<Co> & <b>Sons</b>",
        "system": "<script>alert(1)</script> & LIS",
        "category": "Labs <i>&amp;</i> > results",
        "subjects": "Patients <&>",
        "flow": "Backup <!-- x --> & copy",
        "activity": "Testing </title><svg onload=alert(1)>",
    }
    inv = load_inventory(FIXTURE)  # a copy of its own: names are changed below
    inv.organisations["cloudco"].name = names["organisation"]
    inv.systems["lis"].name = names["system"]
    inv.categories["lab-results"].name = names["category"]
    inv.subjects["patients"].name = names["subjects"]
    inv.flows["nightly-backup"].name = names["flow"]
    inv.activities["lab-testing"].name = names["activity"]
    for view in ("overview", "system:lis", "category:lab-results", "organisation:cloudco"):
        svg = render.dot_to_svg(render.view_dot(inv, view))
        root = ET.fromstring(svg)
        tags = {e.tag.split("}")[1] for e in root.iter()}
        assert tags <= {"svg", "g", "title", "a", "text", "path", "polygon", "ellipse", "polyline"}
        assert not [k for e in root.iter() for k in e.attrib if k.startswith("on")]
        assert "<script" not in svg and "<b>" not in svg and "<!-- x" not in svg
    svg = render.dot_to_svg(render.view_dot(inv, "overview"))
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert names["organisation"] in texts and names["category"] in texts
    assert node_text(svg, "System/lis").startswith(names["system"])
    assert node_text(svg, "DataSubject/patients").startswith(names["subjects"])
    tips = tooltips(svg, "Flow/nightly-backup")
    assert any(names["flow"] in t and names["activity"] in t for t in tips)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "\\",
        '\\\\"',
        "{}|<>",
        "a\nb",
        "<B>bold</B>",
        "]]>",
        "x\\",
        '\\"; a -> b ["',
        "&amp; &#60; &lt;b&gt; & &;",
    ],
)
def test_escaping_round_trips_through_graphviz(text: str) -> None:
    import graphviz

    dot = graphviz.Digraph()
    dot.node("plain", label=render.dot_text(text))
    dot.node("html", label=f"<{render.html_text(text)}>")
    svg = render.dot_to_svg(dot.source)
    shape = structure(svg)
    assert shape["node"] == {"plain", "html"}
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    lines = text.split("\n")
    assert texts.count(lines[0]) == 2  # both labels show the text itself


# --- determinism ----------------------------------------------------------------------


def test_same_inventory_same_dot_whatever_the_order(tmp_path: Path) -> None:
    docs = with_docs(base(), flow("back", "lab-testing", "cloud-store", "lis"))
    first = write(tmp_path / "a", docs)
    second = tmp_path / "b"
    second.mkdir()
    reordered = dict(reversed(list(docs.items())))
    text = "\n---\n".join(to_yaml({k: v}) for k, v in reordered.items())
    (second / "inventory.yaml").write_text(text, encoding="utf-8")
    for view in ("overview", "category:lab-results", "system:lis", "transfers"):
        one = render.view_dot(load_inventory(first), view)
        two = render.view_dot(load_inventory(second), view)
        assert one == two


# --- size -----------------------------------------------------------------------------


def big_inventory(directory: Path, organisations: int, systems_each: int) -> Path:
    docs = base()
    previous = "lis"
    for o in range(organisations):
        oid = f"org-{o:03d}"
        docs.update(with_docs({}, org(oid, f"Organisation {o}", "DE" if o % 5 else "US")))
        for s in range(systems_each):
            sid = f"sys-{o:03d}-{s:02d}"
            docs.update(with_docs({}, system(sid, oid, "DE" if o % 5 else "US", ["identity"])))
            docs.update(
                with_docs(
                    {},
                    flow(
                        f"f-{o:03d}-{s:02d}",
                        "lab-testing",
                        previous,
                        sid,
                        data_categories=["identity"],
                    ),
                )
            )
            previous = sid if s % 3 else "lis"
    return write(directory, docs)


def test_a_big_view_is_collapsed_and_says_so(tmp_path: Path) -> None:
    inv = load_inventory(big_inventory(tmp_path / "inv", 30, 8))
    dot = render.view_dot(inv, "overview")
    assert "Collapsed: 243 nodes and 242 flows are too many to draw one by one" in dot
    shape = structure(render.dot_to_svg(dot))
    assert "Organisation/org-007" in shape["node"] and not any(
        n.startswith("System/sys-") for n in shape["node"]
    )
    assert ("Organisation/lab", "Organisation/org-000") in shape["edge"]
    # org-000 is in the US and its flows name no mechanism: said on the merged edge.
    into_us = flow_text(dot, "Organisation/lab", "Organisation/org-000")
    assert "4 leaving the EEA\\n4 with NO MECHANISM" in into_us and "style=dashed" in into_us
    us_inside = flow_text(dot, "Organisation/org-000", "Organisation/org-000")
    assert "leaving the EEA" not in us_inside and "style=dashed" not in us_inside
    inside = flow_text(dot, "Organisation/org-001", "Organisation/org-001")
    assert "flows inside:\\nIdentity (civil status)" in inside


def test_a_huge_view_keeps_the_busiest_parties_and_says_so(tmp_path: Path) -> None:
    inv = load_inventory(big_inventory(tmp_path / "inv", 130, 1))
    dot = render.view_dot(inv, "overview")
    assert f"Only the {render.MAX_COLLAPSED_NODES} parties with the most flows are drawn" in dot


# --- the Graphviz engine ----------------------------------------------------------------


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-dot"
    path.write_text(f"#!{sys.executable}\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_no_engine_is_one_clear_line_and_dot_still_works(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("ROPA_DOT", str(tmp_path / "missing-dot"))
    assert main(["graph", str(FIXTURE), "--format", "svg"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ROPA_DOT=" in err and "Traceback" not in err
    assert main(["graph", str(FIXTURE), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph lineage {")


def test_without_any_engine_the_error_says_how_to_get_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ROPA_DOT", raising=False)
    monkeypatch.setattr(engine.shutil, "which", lambda name: None)
    monkeypatch.setattr(engine.sys, "executable", str(tmp_path / "python"))
    with pytest.raises(render.RenderError, match="pip install graphviz-pure"):
        render.find_engine()


def test_a_slow_engine_times_out(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ROPA_DOT", _script(tmp_path, "import time; time.sleep(30)"))
    assert main(["graph", str(FIXTURE), "--format", "svg", "--timeout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "did not finish drawing within 0.5 s" in err and err.count("\n") == 1


def test_a_failing_engine_reports_its_first_line(tmp_path: Path, monkeypatch) -> None:
    body = "import sys; sys.stderr.write('Error: syntax error in line 1\\nmore\\n'); sys.exit(1)"
    monkeypatch.setenv("ROPA_DOT", _script(tmp_path, body))
    with pytest.raises(
        render.RenderError, match=r"^Graphviz failed: Error: syntax error in line 1$"
    ):
        render.dot_to_svg("digraph {}")


def test_system_dot_is_preferred_when_present(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ROPA_DOT", raising=False)
    fake = str(tmp_path / "dot")
    monkeypatch.setattr(engine.shutil, "which", lambda name: fake if name == "dot" else None)
    assert render.find_engine() == [fake]


def test_graph_cli_writes_svg(tmp_path: Path) -> None:
    out = tmp_path / "overview.svg"
    assert main(["graph", str(FIXTURE), "--format", "svg", "--out", str(out)]) == 0
    assert "System/lis" in structure(out.read_text())["node"]
    assert os.path.getsize(out) > 1000


# --- the project's shared hostile strings ----------------------------------------------


@pytest.mark.parametrize("index", range(len(HOSTILE_TEXTS)))
def test_shared_hostile_inventory_stays_inert_in_diagrams(tmp_path: Path, index: int) -> None:
    inv = load_inventory(hostile_inventory(tmp_path / "inv", index))
    name = HOSTILE_NAMES[index % len(HOSTILE_NAMES)]
    for view in ("overview", "category:special-results", "system:lis", "transfers"):
        svg = render.dot_to_svg(render.view_dot(inv, view))
        root = ET.fromstring(svg)  # well-formed
        hrefs = {a.get(XLINK) for a in root.iter(f"{SVG}a")} - {None}
        assert all(
            h.startswith(("systems/", "organisations/", "activities/", "flows/", "subjects/"))
            for h in hrefs
        )
        assert "<script" not in svg and "javascript:" not in "".join(hrefs)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert name in texts  # the System's name, verbatim, as text


def test_pip_installed_engine_is_found_without_the_venv_on_path(monkeypatch) -> None:
    """`.venv/bin/ropa` run from anywhere: graphviz-pure sits beside the Python."""
    monkeypatch.delenv("ROPA_DOT", raising=False)
    monkeypatch.setenv("PATH", "")
    beside = Path(sys.executable).parent / "graphviz-pure"
    assert beside.exists(), "graphviz-pure is a dependency: pip installs it beside python"
    assert render.find_engine() == [str(beside)]


def test_dot_is_byte_identical_across_processes() -> None:
    """Set and dict order vary with the hash seed between runs; the DOT must not."""
    import subprocess

    outputs = []
    for seed in ("1", "2"):
        outputs.append(
            subprocess.run(
                [sys.executable, "-m", "registry.cli", "graph", str(FIXTURE), "--view", "overview"],
                capture_output=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            ).stdout
        )
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"digraph lineage {")


def test_an_empty_view_says_so(inv, tmp_path: Path) -> None:
    docs = base()
    for key in [k for k in docs if k.startswith(("Flow:", "System:"))]:
        del docs[key]
    empty = load_inventory(write(tmp_path / "inv", docs))
    dot = render.view_dot(empty, "overview")
    assert "Nothing to draw: no system and no flow in this view." in dot
    assert structure(render.dot_to_svg(dot))["node"] == set()
    onward = render.view_dot(inv, "activity:crm-analytics")
    assert "2 systems; 1 flow, 0 carrying special categories, 0 leaving the EEA" in onward


def test_country_notes_distinguish_full_partial_and_no_adequacy() -> None:
    assert country_note("FR") == "FR"
    assert country_note("CH") == "CH, outside the EEA, adequacy decision"
    assert country_note("US") == "US, outside the EEA, partial adequacy decision"
    assert country_note("IN") == "IN, outside the EEA, no adequacy decision"


def test_views_share_what_they_look_up_across_the_inventory(monkeypatch) -> None:
    """A site draws a view per system, activity and organisation: the organisations'
    roles and the flows' index are built once per inventory, not once per view."""
    from registry.outputs.render import canvas

    calls = []
    real = canvas.organisation_roles
    monkeypatch.setattr(canvas, "organisation_roles", lambda inv: calls.append(1) or real(inv))
    inv = load_inventory(FIXTURE)  # a fresh one: nothing cached yet
    for view in ("overview", "system:lis", "activity:lab-testing", "organisation:cloudco"):
        render.view_dot(inv, view)
    assert len(calls) == 1
