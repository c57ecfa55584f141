"""Time building the example's site: first build, rebuild unchanged, rebuild after one edit.

    python bench/site_rebuild.py [--reps N] [--inventory DIR]

Each build is `mkdocs build --strict` as a fresh process, in a copy of the project's
mkdocs.yml and the inventory under bench/out/site-rebuild/ (so the diagram cache,
`.cache/ropa/` beside mkdocs.yml, is this copy's own). Per repetition:

- cold: the cache removed, everything drawn;
- unchanged: the same inventory again (every diagram from the cache);
- one edit: one flow's description changed (its page changes, no diagram's DOT
  does: descriptions are not drawn), then one flow's categories changed (the
  diagrams showing that flow are drawn again).

It prints medians of wall-clock time and how many diagrams Graphviz drew (counted
from the cache directory's new files), as a Markdown table for bench/RESULTS.md, then
the time the diagrams alone take in one build of the pages, cold and from the cache.
Run from a checkout without the cache, it measures the "before".
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "site-rebuild"


def build(workdir: Path) -> tuple[float, float]:
    """One `mkdocs build --strict` in a fresh process: its wall time and its CPU time
    (user + system, Graphviz's subprocesses included), in seconds."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "-d", "site"], cwd=workdir, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# The diagrams' share of a build, in a fresh process: the site's pages made in-process,
# the time spent in DiagramBatch.draw_all (DOT made, then drawn or taken from the cache).
PHASE = """
import datetime as dt, inspect, resource, sys, time
from pathlib import Path
from registry.outputs.site import diagrams
from registry.outputs.site.pages import build_site
from registry.pipeline import Request, run
result = run(Request(path=Path(sys.argv[1]), as_of=dt.date(2026, 11, 29))).result
spent = []
draw_all = diagrams.DiagramBatch.draw_all
def cpu():
    return sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )
def timed(self, inventory):
    started, used = time.perf_counter(), cpu()
    drawn = draw_all(self, inventory)
    spent.append((time.perf_counter() - started, cpu() - used, len(self.jobs)))
    return drawn
diagrams.DiagramBatch.draw_all = timed
options = {}
if "diagram_cache" in inspect.signature(build_site).parameters:
    options["diagram_cache"] = Path(sys.argv[2])
build_site(result, **options)
print(*spent[0])
"""


def phase(inventory: Path, cache: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds spent on diagrams in one build of the pages, and how many."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", PHASE, str(inventory), str(cache)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, count = done.stdout.split()
    return float(wall), float(cpu), int(count)


def cached(workdir: Path) -> set[str]:
    folder = workdir / ".cache" / "ropa" / "diagrams"
    return {p.name for p in folder.glob("*.svg")} if folder.is_dir() else set()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventory")
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {
        "cold": [],
        "unchanged": [],
        "description": [],
        "flow": [],
    }
    drawn: dict[str, int] = {}
    for _ in range(args.reps):
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir(parents=True)
        shutil.copytree(args.inventory, OUT / "inventory")
        shutil.copy(ROOT / "mkdocs.yml", OUT / "mkdocs.yml")
        (OUT / "docs").mkdir()
        times["cold"].append(build(OUT))
        before = cached(OUT)
        drawn["cold"] = len(before)
        times["unchanged"].append(build(OUT))
        drawn["unchanged"] = len(cached(OUT) - before)
        before = cached(OUT)
        flow = OUT / "inventory" / "flows" / "reports-to-dmp.yaml"
        edit(flow, "description: Filed", "description: Edited. Filed")
        times["description"].append(build(OUT))
        drawn["description"] = len(cached(OUT) - before)
        before = cached(OUT)
        edit(flow, "data_categories: [", "data_categories: [contact, ")
        times["flow"].append(build(OUT))
        drawn["flow"] = len(cached(OUT) - before)
    phases: dict[str, list[tuple[float, float, int]]] = {"cold": [], "warm": []}
    for _ in range(args.reps):
        cache = OUT / "phase-cache"
        shutil.rmtree(cache, ignore_errors=True)
        phases["cold"].append(phase(args.inventory, cache))
        phases["warm"].append(phase(args.inventory, cache))
    names = {
        "cold": "first build (no cache)",
        "unchanged": "rebuild, nothing changed",
        "description": "rebuild after editing a flow's description",
        "flow": "rebuild after adding a category to one flow",
    }
    print(f"{args.reps} repetitions, medians; `mkdocs build --strict` per row, fresh process\n")
    print("| build | wall | CPU (user + system) | diagrams drawn by Graphviz |")
    print("|---|---:|---:|---:|")
    for key, label in names.items():
        wall = statistics.median(t[0] for t in times[key])
        cpu = statistics.median(t[1] for t in times[key])
        print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {drawn.get(key, 0)} |")
    count = phases["cold"][0][2]
    print(f"\nThe diagrams alone ({count} a build; DOT made, SVG drawn or read), in-process:\n")
    print("| diagrams | wall | CPU (user + system, Graphviz included) |")
    print("|---|---:|---:|")
    for key, label in (("cold", "first build"), ("warm", "rebuild, nothing changed")):
        wall = statistics.median(p[0] for p in phases[key])
        cpu = statistics.median(p[1] for p in phases[key])
        print(f"| {label} | {wall:.3f} s | {cpu:.3f} s |")


if __name__ == "__main__":
    main()
