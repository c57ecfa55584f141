"""The process that draws the site's diagrams (registry/outputs/site/drawer.py): the
same SVG as drawing in the build's own process, errors said, the cache shared."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry.outputs.render import RenderError, SvgCache
from registry.outputs.render.engine import engine_command, run_engine, run_engine_batch
from registry.outputs.site import drawer
from registry.outputs.site.svg import embed

DOT = 'digraph { a -> b [label="x"] }'
OTHER = 'digraph { "ü & <b>" -> c }'


def test_the_process_draws_what_the_engine_draws_embedded() -> None:
    engine = engine_command()
    process = drawer.Drawer(engine, None)
    jobs = [process.submit(dot, None) for dot in (DOT, OTHER, DOT)]
    # asked in another order than submitted: each answer is its own job's
    answers = [process.result(job) for job in reversed(jobs)]
    process.close()
    expected = [embed(run_engine(engine, dot)) for dot in (DOT, OTHER, DOT)]
    assert [svg for svg, _ in reversed(answers)] == expected
    assert all(now for _, now in answers)  # no cache: each drawn


def test_a_dot_graphviz_cannot_draw_is_said_and_the_others_are_drawn() -> None:
    process = drawer.Drawer(engine_command(), None)
    bad = process.submit("digraph { a -> }", None)
    good = process.submit(DOT, None)
    with pytest.raises(RenderError, match="Graphviz failed"):
        process.result(bad)
    assert process.result(good)[0].startswith("<svg")
    process.close()


def test_the_cache_is_the_builds(tmp_path: Path, draws) -> None:
    engine = engine_command()
    cache = SvgCache(tmp_path)
    key = cache.key([*engine, "--salt"], DOT)
    first = drawer.Drawer(engine, tmp_path)
    svg, now = first.result(first.submit(DOT, key))
    first.close()
    assert now and (tmp_path / f"{key}.svg").read_text("utf-8") == svg
    second = drawer.Drawer(engine, tmp_path)
    assert second.result(second.submit(DOT, key)) == (svg, False)  # read back, not drawn
    second.close()
    assert len(draws) == 1


def test_a_process_that_stops_fails_its_diagrams_with_a_reason() -> None:
    process = drawer.Drawer(engine_command(), None)
    job = process.submit(DOT, None)
    process._process.kill()
    process._process.wait()
    late = process.submit(OTHER, None)  # nobody reads it: never drawn
    with pytest.raises(RenderError, match=r"stopped \(exit status -9\)"):
        process.result(late)
    with pytest.raises(RenderError, match="stopped"):  # and no wait for the first one
        process.result(job)
    process.kill()


def test_without_a_process_the_build_draws_in_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*_args: object, **_kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(drawer, "Drawer", no_process)
    engine = engine_command()
    fallback = drawer.start_drawer(engine, None)
    assert isinstance(fallback, drawer.ThreadDrawer)
    # submitted and answered in turns, as pages are made and written: each job its own
    first, second = fallback.submit(DOT, None), fallback.submit(OTHER, None)
    assert fallback.result(first) == (embed(run_engine(engine, DOT)), True)
    third = fallback.submit(DOT, None)
    assert fallback.result(second) == (embed(run_engine(engine, OTHER)), True)
    assert fallback.result(third) == (embed(run_engine(engine, DOT)), True)
    fallback.close()


def test_the_drawing_process_starts_without_the_rest_of_ropa() -> None:
    """It imports the engine and the SVG module only: no models, no graph library."""
    probe = (
        "import sys, registry.outputs.site.drawer; "
        "print(sorted(m for m in ('pydantic', 'networkx', 'registry.core.model', "
        "'registry.outputs.render.views', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- the site's batch ---------------------------------------------------------------


def _pages(result) -> dict[str, str]:
    from registry.outputs.site.pages import build_site

    return {path: page.body for path, page in build_site(result).pages.items()}


def test_the_pages_are_the_same_drawn_in_a_process_or_in_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from registry.core.inventory import load_inventory
    from registry.pipeline.check import check
    from tests.conftest import AS_OF, EXAMPLE

    result = check(load_inventory(EXAMPLE), AS_OF)
    started: list[object] = []
    real = drawer.Drawer
    monkeypatch.setattr(drawer, "Drawer", lambda *a: started.append(a) or real(*a))
    in_a_process = _pages(result)
    assert len(started) == 1  # one drawing process for the build

    def no_process(*_args: object, **_kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(drawer, "Drawer", no_process)
    assert _pages(result) == in_a_process
    assert any('<div class="ropa-diagram">' in body for body in in_a_process.values())


def test_a_build_that_fails_leaves_no_drawing_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.core.inventory import load_inventory
    from registry.outputs.site import diagrams
    from registry.pipeline.check import check
    from tests.conftest import AS_OF, EXAMPLE

    real = diagrams.figure
    calls: list[str] = []

    def broken(drawing: object, svg: str) -> str:
        calls.append(svg)
        if len(calls) == 3:
            raise ValueError("a page could not be written")
        return real(drawing, svg)  # type: ignore[arg-type]

    monkeypatch.setattr(diagrams, "figure", broken)
    children = _children()
    with pytest.raises(ValueError, match="could not be written"):
        _pages(check(load_inventory(EXAMPLE), AS_OF))
    assert _children() == children


def _children() -> set[str]:
    """This process's children (Linux), by pid."""
    found = Path(f"/proc/{os.getpid()}/task").glob("*/children")
    return {pid for path in found for pid in path.read_text().split()}


def _example_dots() -> list[str]:
    """The DOT of every view the site draws for the example (clusters, links, tooltips)."""
    from registry.outputs import render
    from tests.test_diagram_layout import example, site_views

    inv = example()
    return [render.view_drawing(inv, view, captioned=False).dot for view in site_views(inv)]


def test_graphs_drawn_in_one_run_are_each_drawn_as_alone() -> None:
    """Graphviz numbers some ids across the graphs of one run (its links' groups);
    the embedded SVG drops them, so each diagram is the same drawn alone or together."""
    engine = engine_command()
    dots = _example_dots()
    assert len(dots) > 40
    together = [embed(svg) for svg in run_engine_batch(engine, dots)]
    assert together == [embed(run_engine(engine, dot)) for dot in dots]


def test_a_run_that_cannot_draw_every_graph_fails_whole() -> None:
    with pytest.raises(RenderError):
        run_engine_batch(engine_command(), [DOT, "digraph { a -> }", OTHER])


def test_a_batch_with_a_dot_graphviz_cannot_draw_answers_each_one(tmp_path: Path, draws) -> None:
    engine = engine_command()
    cache = SvgCache(tmp_path)
    keys = [cache.key([*engine, "--salt"], dot) for dot in (DOT, OTHER)]
    bad = "digraph { a -> }"
    requests = [(DOT, keys[0]), (bad, None), (OTHER, keys[1])]
    answers = drawer.answered_together(engine, requests, cache)
    # the run of the three failed; then each was drawn alone
    assert sorted(draws) == sorted([DOT, bad, OTHER] * 2)
    assert len(list(draws.folder.glob("dot.*"))) == 1 + 3
    assert [status for status, _ in answers] == [drawer.DRAWN, drawer.FAILED, drawer.DRAWN]
    assert b"Graphviz failed" in answers[1][1]
    assert [payload.decode() for _, payload in answers[::2]] == [
        embed(run_engine(engine, dot)) for dot in (DOT, OTHER)
    ]
    runs = len(draws)
    # kept under their keys: asked again, read back without Graphviz
    again = drawer.answered_together(engine, [(OTHER, keys[1]), (DOT, keys[0])], cache)
    assert again == [(drawer.KEPT, answers[2][1]), (drawer.KEPT, answers[0][1])]
    assert len(draws) == runs


def test_a_batch_is_one_graphviz_run(draws) -> None:
    engine = engine_command()
    answers = drawer.answered_together(engine, [(DOT, None), (OTHER, None), (DOT, None)], None)
    assert [status for status, _ in answers] == [drawer.DRAWN] * 3
    assert list(draws) == [DOT, OTHER, DOT]  # the three graphs, given to one run
    assert len(list(draws.folder.glob("dot.*"))) == 1


def test_diagrams_asked_for_together_are_drawn_in_one_run(draws) -> None:
    """The drawing process waits a moment for the requests behind the first (a build
    hands them over as it makes its pages) and draws them in one Graphviz run."""
    process = drawer.Drawer(engine_command(), None)
    jobs = []
    for dot in (DOT, OTHER, DOT + " "):
        jobs.append(process.submit(dot, None))
        time.sleep(0.05)  # as pages come: the first would be drawn alone without waiting
    assert all(process.result(job)[0].startswith("<svg") for job in jobs)
    process.close()
    assert len(draws) == 3 and len(list(draws.folder.glob("dot.*"))) == 1
