"""Diagrams at scale (issue 14): the DOT writer, the views' input keys, bounded lineages.

- The renderer's DOT writer writes what the ``graphviz`` package wrote, byte for
  byte, hostile names included (the SVG cache and the goldens are keyed by it).
- A view read back by the key of its inputs is never stale: after any edit of a
  drawn field, a build with the cache gives the diagrams a build without one gives;
  an edit of a field no diagram draws makes Graphviz draw nothing.
- A system's lineage too big to read is drawn to the steps that fit, and says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import graphviz
import pytest

from registry.core.inventory import Inventory, load_inventory
from registry.lineage.graph import lineage_graph
from registry.outputs.render import dot as dot_writer
from registry.outputs.render import inputs, view_drawing
from registry.outputs.render.views import SYSTEM_EDGES, SYSTEM_NODES, select
from registry.outputs.site.diagrams import DiagramBatch
from tests.conftest import EXAMPLE
from tests.hostile import HOSTILE_NAMES, hostile_inventory
from tests.lineage_inventory import base, flow, org, system, with_docs, write


def every_view(inv: Inventory) -> list[str]:
    kinds = {
        "system": "System",
        "activity": "Activity",
        "organisation": "Organisation",
        "category": "DataCategory",
    }
    return ["overview", "transfers"] + [
        f"{view}:{ident}" for view, kind in kinds.items() for ident in sorted(inv.by_kind[kind])
    ]


def package_dot(monkeypatch: pytest.MonkeyPatch, inv: Inventory, view: str, captioned: bool) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(dot_writer, "Digraph", graphviz.Digraph)
        return view_drawing(inv, view, captioned=captioned).dot


@pytest.mark.parametrize("index", [None, *range(len(HOSTILE_NAMES))])
def test_the_dot_is_the_graphviz_packages_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: int | None
) -> None:
    inv = load_inventory(EXAMPLE if index is None else hostile_inventory(tmp_path, index))
    views = every_view(inv)
    assert len(views) > (60 if index is None else 4)
    for view in views:
        for captioned in (False, True):
            ours = view_drawing(inv, view, captioned=captioned).dot
            assert ours == package_dot(monkeypatch, inv, view, captioned), view


# --- input keys: never stale -----------------------------------------------------------


def diagrams(inventory: Path, cache: Path | None) -> tuple[list[str], int]:
    """Every view of the inventory drawn as the site draws it (the overview on two
    pages: its links differ), and how many DOTs were made (the others were read back
    by their inputs)."""
    inv = load_inventory(inventory)
    batch = DiagramBatch(cache)
    batch.placeholder(inv, "overview", "index.md")
    for view in every_view(inv):
        batch.placeholder(inv, view, f"{view.partition(':')[0]}/x/index.md")
    return batch.draw_all(inv), batch.made


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), "utf-8")


# Drawn fields of every kind a diagram shows: each must redraw what shows it.
DRAWN = [
    ("systems/results-gateway.yaml", "name: ", "name: Renamed "),
    ("systems/analyser-middleware.yaml", "encryption_at_rest: true", "encryption_at_rest: false"),
    ("systems/analyser-middleware.yaml", "country: FR", "country: US"),
    ("organisations/cirrus-mail.yaml", "name: Cirrus Mail Inc.", "name: Cirrus & <Mail>"),
    ("organisations/cnam.yaml", "country: FR", "country: BR"),
    ("categories/nir.yaml", "name: ", "name: Renamed "),
    ("flows/reports-to-dmp.yaml", "data_categories: [", "data_categories: [contact, "),
    ("flows/reports-to-dmp.yaml", "name: Reports", "name: Renamed reports"),
    ("activities/results-reporting.yaml", "name: ", "name: Renamed "),
    ("contracts/dpa-kalisto.yaml", "name: ", "name: Renamed "),
]


def test_every_drawn_edit_redraws_what_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    cache = tmp_path / "cache"
    first, made = diagrams(inventory, cache)
    assert made > 60
    assert diagrams(inventory, cache) == (first, 0)  # all read back, no DOT made

    def oracle() -> list[str]:
        """Every DOT made afresh; its SVG drawn, or kept by the DOT's own hash."""
        with monkeypatch.context() as patch:
            patch.setattr(inputs.ViewInputs, "key", lambda self, view, prefix: None)
            return diagrams(inventory, tmp_path / "by-dot")[0]

    assert oracle() == first
    for path, old, new in DRAWN:
        edit(inventory / path, old, new)
        cached, made = diagrams(inventory, cache)
        fresh = oracle()
        assert cached == fresh, (path, old)  # never a stale picture
        assert made > 0, (path, old)
        # not everything made again (categories are read by every view: they are)
        assert made < len(fresh) or path.startswith("categories/"), (path, old)


def test_an_undrawn_edit_draws_nothing(tmp_path: Path, draws: list[str]) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    cache = tmp_path / "cache"
    first, _ = diagrams(inventory, cache)
    drawn = len(draws)
    edit(inventory / "flows/reports-to-dmp.yaml", "description: Filed", "description: Now")
    edit(inventory / "organisations/cnam.yaml", "website: ", "website: https://x.example/#")
    again, made = diagrams(inventory, cache)
    assert again == first and len(draws) == drawn  # Graphviz did not run
    assert made < len(first) / 3  # only the views showing those two entities


def test_a_new_engine_or_a_broken_entry_is_drawn_again(tmp_path: Path, draws: list[str]) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    cache = tmp_path / "cache"
    first, _ = diagrams(inventory, cache)
    drawn = len(draws)
    entries = sorted((cache / "views").glob("*.json"))
    entries[0].write_text('{"caption": {"title": 1}, "svg": "../../etc"}')
    entries[1].write_text("{not json")
    again, made = diagrams(inventory, cache)
    assert again == first and made == 2 and len(draws) == drawn


# --- a system's lineage, bounded ---------------------------------------------------------


def hub_inventory(directory: Path, feeders: int) -> Path:
    """``feeders`` systems each feeding a shared warehouse, which feeds a report store."""
    docs = with_docs(base(), org("vendor", "Vendor", "DE"))
    docs.update(with_docs({}, system("warehouse", "vendor", "DE", ["identity"])))
    docs.update(with_docs({}, system("reports", "vendor", "DE", ["identity"])))
    docs.update(
        with_docs(
            {},
            flow("to-reports", "lab-testing", "warehouse", "reports", data_categories=["identity"]),
        )
    )
    for n in range(feeders):
        docs.update(with_docs({}, system(f"feeder-{n:02d}", "vendor", "DE", ["identity"])))
        docs.update(
            with_docs(
                {},
                flow(
                    f"lis-to-{n:02d}",
                    "lab-testing",
                    "lis",
                    f"feeder-{n:02d}",
                    data_categories=["identity"],
                ),
                flow(
                    f"{n:02d}-to-wh",
                    "lab-testing",
                    f"feeder-{n:02d}",
                    "warehouse",
                    data_categories=["identity"],
                ),
            )
        )
    return write(directory, docs)


def test_a_small_lineage_is_drawn_whole(tmp_path: Path) -> None:
    inv = load_inventory(hub_inventory(tmp_path / "inv", 3))
    selection = select(inv, lineage_graph(inv), "system:reports")
    assert not selection.notes and "System:lis" in selection.nodes  # two steps up: all of it


def test_a_big_lineage_is_drawn_to_the_steps_that_fit_and_says_so(tmp_path: Path) -> None:
    inv = load_inventory(hub_inventory(tmp_path / "inv", 40))
    selection = select(inv, lineage_graph(inv), "system:reports")
    assert len(selection.nodes) <= SYSTEM_NODES and len(selection.edges) <= SYSTEM_EDGES
    # one step: the warehouse feeding it; two would bring in 40 feeders
    assert selection.nodes == {"System:reports", "System:warehouse"}
    (said,) = selection.notes
    assert said.startswith("Drawn up to 1 step from ") and "whole lineage (" in said
    drawing = view_drawing(inv, "system:reports", captioned=False)
    assert said in drawing.notes
    # one step at least, even past the budget (a bigger one is collapsed when drawn)
    warehouse = select(inv, lineage_graph(inv), "system:warehouse")
    assert len(warehouse.edges) == 41 and warehouse.notes[0].startswith("Drawn up to 1 step")
