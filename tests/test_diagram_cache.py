"""Diagrams kept by content hash: a rebuild draws only the diagrams whose DOT changed,
and gives the same pages as a build without the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

from registry.core.inventory import load_inventory
from registry.outputs.render import SvgCache, dot_to_svg
from registry.outputs.site.pages import build_site
from registry.pipeline.check import check
from tests.conftest import AS_OF, EXAMPLE

DOT = 'digraph { a -> b [label="x"] }'


def test_a_dot_drawn_before_is_not_drawn_again(tmp_path: Path, draws: list[str]) -> None:
    cache = SvgCache(tmp_path / "cache")
    first = dot_to_svg(DOT, cache=cache)
    again = dot_to_svg(DOT, cache=SvgCache(tmp_path / "cache"))
    assert again == first and len(draws) == 1
    dot_to_svg(DOT.replace("x", "y"), cache=cache)
    assert len(draws) == 2 and len(list((tmp_path / "cache").glob("*.svg"))) == 2


def test_the_key_is_the_dot_and_the_engine(tmp_path: Path) -> None:
    cache = SvgCache(tmp_path)
    engine_file = tmp_path / "dot"
    engine_file.write_text("one")
    key = cache.key([str(engine_file), "-Tsvg"], DOT)
    assert key == cache.key([str(engine_file), "-Tsvg"], DOT)
    assert key != cache.key([str(engine_file), "-Tsvg"], DOT + " ")
    engine_file.write_text("a newer engine")  # another size: drawn afresh
    assert key != cache.key([str(engine_file), "-Tsvg"], DOT)


def test_a_broken_entry_is_drawn_again(tmp_path: Path, draws: list[str]) -> None:
    cache = SvgCache(tmp_path)
    svg = dot_to_svg(DOT, cache=cache)
    (entry,) = tmp_path.glob("*.svg")
    entry.write_text(svg[: len(svg) // 2])  # cut short
    assert dot_to_svg(DOT, cache=SvgCache(tmp_path)) == svg and len(draws) == 2


def test_prune_removes_only_unused_entries(tmp_path: Path) -> None:
    cache = SvgCache(tmp_path)
    dot_to_svg(DOT, cache=cache)
    stale = tmp_path / ("0" * 64 + ".svg")
    stale.write_text("<svg></svg>")
    mine = tmp_path / "notes.txt"
    mine.write_text("not ours")
    assert cache.prune() == 1
    assert not stale.exists() and mine.exists() and len(list(tmp_path.glob("*.svg"))) == 1


def test_an_unwritable_cache_only_draws(tmp_path: Path, draws: list[str]) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    svg = dot_to_svg(DOT, cache=SvgCache(blocked / "cache"))
    assert svg.rstrip().endswith("</svg>") and len(draws) == 1


def test_a_rebuild_draws_only_what_changed(tmp_path: Path, draws: list[str]) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    cache = tmp_path / "cache"

    def build(with_cache: bool = True) -> dict[str, str]:
        result = check(load_inventory(inventory), AS_OF)
        site = build_site(result, diagram_cache=cache if with_cache else None)
        return {path: page.body for path, page in site.pages.items()}

    cold = build()
    drawn = len(draws)
    assert drawn > 40 and len(list(cache.glob("*.svg"))) == len(set(draws))
    assert build() == cold and len(draws) == drawn  # nothing changed: nothing drawn
    # a description is not drawn: no diagram changes
    flow = inventory / "flows" / "reports-to-dmp.yaml"
    flow.write_text(flow.read_text("utf-8").replace("description: Filed", "description: Now"))
    build()
    assert len(draws) == drawn
    # one more category on one flow: only the diagrams showing that flow are drawn
    text = flow.read_text("utf-8")
    flow.write_text(text.replace("data_categories: [", "data_categories: [contact, "))
    changed = build()
    redrawn = draws[drawn:]
    assert 0 < len(redrawn) < drawn / 3
    assert all("#flow-reports-to-dmp" in dot for dot in redrawn)
    # the pictures no page shows any more are pruned: as many as a fresh cache holds
    fresh = tmp_path / "fresh"
    build_site(check(load_inventory(inventory), AS_OF), diagram_cache=fresh)
    assert len(list(cache.glob("*.svg"))) == len(list(fresh.glob("*.svg")))
    assert build(with_cache=False) == changed  # the same pages as drawing everything
