"""How the example's diagrams read: no two texts drawn over each other, categories and
mechanisms named in words, the legend complete.

Overlap is judged on the SVG as Graphviz laid it out: each text's position, anchor and
size from the SVG, its width as Graphviz measured it (tests/diagram_support.py). A
browser's fonts may differ a little from Graphviz's metrics: tests/test_site_browser.py
checks the same in Chromium.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from registry.core.inventory import Inventory, load_inventory
from registry.outputs import render
from tests.conftest import EXAMPLE
from tests.diagram_support import Text, overlapping, structure, texts
from tests.test_render import big_inventory

VIEW_KINDS = {
    "activity": "Activity",
    "system": "System",
    "organisation": "Organisation",
    "category": "DataCategory",
}


@cache
def example() -> Inventory:
    return load_inventory(EXAMPLE)


def site_views(inv: Inventory) -> list[str]:
    """Every view the site draws: the overview, transfers, and one per entity page."""
    return ["overview", "transfers"] + [
        f"{view}:{ident}"
        for view, kind in VIEW_KINDS.items()
        for ident in sorted(inv.by_kind[kind])
    ]


def test_no_two_texts_overlap_in_any_diagram_of_the_example() -> None:
    inv = example()
    views = site_views(inv)
    assert len(views) > 40
    found = {}
    for view in views:
        for captioned in (True, False):  # `ropa graph` and the site
            drawing = render.view_drawing(inv, view, captioned=captioned)
            svg = render.dot_to_svg(drawing.dot)
            drawn = texts(svg, drawing.dot)
            assert drawn or drawing.empty, view
            if pairs := overlapping(drawn):
                found[(view, captioned)] = [(a.text, b.text) for a, b in pairs]
    assert found == {}


def test_no_two_texts_overlap_in_a_collapsed_view(tmp_path: Path) -> None:
    inv = load_inventory(big_inventory(tmp_path / "inv", 30, 8))
    dot = render.view_dot(inv, "overview")
    assert "Collapsed:" in dot
    assert overlapping(texts(render.dot_to_svg(dot), dot)) == []


def test_the_overlap_check_sees_labels_drawn_over_each_other() -> None:
    # two head labels pinned on the same node: Graphviz draws them over each other
    dot = (
        'digraph { a -> b [headlabel="head label text long" labeldistance=0 labelangle=0];'
        ' c -> b [headlabel="other head label text" labeldistance=0 labelangle=0] }'
    )
    drawn = texts(render.dot_to_svg(dot), dot)
    assert {t.text for t in drawn} >= {"head label text long", "other head label text"}
    measured = next(t for t in drawn if t.text == "head label text long")
    assert 60 < measured.box[2] - measured.box[0] < 160  # 20 characters at 14 pt
    assert [{a.text, b.text} for a, b in overlapping(drawn) if "b" not in (a.text, b.text)] == [
        {"head label text long", "other head label text"}
    ]
    apart = [Text("x", "one", (0, 0, 10, 10)), Text("y", "two", (10, 0, 20, 10))]
    assert overlapping(apart) == []  # touching is not overlapping


def test_flows_are_labelled_with_category_names_not_ids() -> None:
    inv = example()
    drawing = render.view_drawing(inv, "overview", captioned=False)
    svg = render.dot_to_svg(drawing.dot)
    labels = [t for t in texts(svg, drawing.dot) if t.owner.startswith("Flow")]
    assert len(structure(svg)["flow"]) > 10 and labels
    names = [c.name for c in inv.categories.values()]
    ids = {c for c in inv.categories if not any(c in name for name in names)}  # "nir", not "health"
    assert {"nir", "lab-results", "examination-orders"} <= ids
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")
    assert [t.text for t in labels if pattern.search(t.text)] == []
    words = " ".join(t.text for t in labels)
    assert "Social security number (NIR)" in words and "Laboratory test results" in words
    assert "standard contractual clauses" in words  # the one transfer, in words
    assert "sccs" not in words


@pytest.mark.parametrize("collapsed", [False, True])
def test_the_legend_explains_every_look_a_diagram_uses(collapsed: bool) -> None:
    keys = render.legend_keys(collapsed=collapsed, focused=not collapsed)
    texts_ = " ".join(k.text for k in keys)
    for meaning in ("special categories", "transfer outside the EEA", "controller", "processor"):
        assert meaning in texts_
    if not collapsed:
        assert "data subjects" in texts_ and "thick outline" in texts_
    caption = render.view_dot(example(), "system:kalisto-lis")
    assert all(render.html_text(k.text) in caption for k in render.legend_keys(collapsed=False))
