"""Time building the site: first build, rebuild unchanged, rebuild after one edit.

    python bench/site_rebuild.py [--reps N] [--inventory DIR | --flows N] [--phase-only]

With ``--flows N`` the inventory is generated (`bench/generate.py --flows N --seed 7`,
into bench/out/site-rebuild-inventory-N/); else ``--inventory`` (the example by
default) is used.

Unless ``--phase-only``, each build is `mkdocs build --strict` as a fresh process,
in a copy of the project's mkdocs.yml and the inventory under bench/out/site-rebuild/
(so the diagram cache, `.cache/ropa/` beside mkdocs.yml, is this copy's own). Per
repetition:

- cold: the cache removed, everything drawn;
- unchanged: the same inventory again (every diagram from the cache);
- one edit: one flow's description changed (its page changes, no diagram's DOT
  does: descriptions are not drawn), then one flow's categories changed (the
  diagrams showing that flow are drawn again).

Then the diagram phase alone (`DiagramBatch.draw_all`, DOT made or read back by the
view's inputs, SVG drawn or read), each row a fresh process that first runs the
pipeline (not timed), in a copy of the inventory: first build (no cache), rebuild
unchanged, after an edit no diagram draws (a flow's description), after an edit
some do (a category added to one flow). Each row gives wall and CPU seconds (the
process and its Graphviz children), how many DOTs were made and how many SVGs
Graphviz drew, and the load average when it started. Run from an older checkout,
it measures the "before" (the counts it cannot know are left empty).
"""

from __future__ import annotations

import argparse
import json
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


# The diagram phase of one build, in a fresh process: the pipeline run, the views
# the site's pages ask for collected once (build_site with draw_all recording them),
# then DiagramBatch.draw_all timed alone.
PHASE = """
import datetime as dt, json, os, resource, sys, time
from pathlib import Path
from registry.outputs.site import diagrams
from registry.pipeline import Request, run
inventory, cache, jobs_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
result = run(Request(path=inventory, as_of=dt.date(2026, 11, 29))).result
if not jobs_file.exists():
    from registry.outputs.site.pages import build_site
    def record(self, inv):
        jobs_file.write_text(json.dumps(self.jobs))
        return [""] * len(self.jobs)
    diagrams.DiagramBatch.draw_all = record
    build_site(result)
    sys.exit(0)
def cpu():
    return sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )
batch = diagrams.DiagramBatch(cache)
batch.jobs = [tuple(job) for job in json.loads(jobs_file.read_text())]
load = os.getloadavg()[0]
started, used = time.perf_counter(), cpu()
batch.draw_all(result.inventory)
wall, spent = time.perf_counter() - started, cpu() - used
drawn = batch.cache.drawn if batch.cache is not None else None
print(json.dumps([wall, spent, len(batch.jobs), getattr(batch, "made", None), drawn, load]))
"""


def phase(inventory: Path, cache: Path, jobs: Path) -> list:
    """[wall, CPU, views, DOTs made, SVGs drawn, load average] of one diagram phase."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", PHASE, str(inventory), str(cache), str(jobs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else []


def cached(workdir: Path) -> set[str]:
    folder = workdir / ".cache" / "ropa" / "diagrams"
    return {p.name for p in folder.glob("*.svg")} if folder.is_dir() else set()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def edits(inventory: Path) -> tuple[tuple[Path, str, str], tuple[Path, str, str]]:
    """An edit no diagram draws (a flow's description) and one some do (a category
    added to a flow): on the example's reports-to-dmp, else on a generated flow."""
    example = inventory / "flows" / "reports-to-dmp.yaml"
    if example.exists():
        return (
            (example, "description: Filed", "description: Edited. Filed"),
            (example, "data_categories: [", "data_categories: [contact, "),
        )
    first = sorted((inventory / "flows").glob("*.yaml"))[0]
    return (
        (first, "type: continuous\n", "type: continuous\ndescription: Edited.\n"),
        (first, "categories: [purchase-history]", "categories: [contact, purchase-history]"),
    )


def generated(flows: int) -> Path:
    out = BENCH / "out" / f"site-rebuild-inventory-{flows}"
    if not out.is_dir():
        command = [sys.executable, str(BENCH / "generate.py"), "--flows", str(flows)]
        subprocess.run([*command, "--seed", "7", "--out", str(out)], check=True)
    return out


def builds(inventory: Path, reps: int) -> None:
    """`mkdocs build --strict` of the site, cold, unchanged and after two edits."""
    times: dict[str, list[tuple[float, float]]] = {
        "cold": [],
        "unchanged": [],
        "description": [],
        "flow": [],
    }
    drawn: dict[str, int] = {}
    for _ in range(reps):
        shutil.rmtree(OUT, ignore_errors=True)
        OUT.mkdir(parents=True)
        shutil.copytree(inventory, OUT / "inventory")
        shutil.copy(ROOT / "mkdocs.yml", OUT / "mkdocs.yml")
        (OUT / "docs").mkdir()
        times["cold"].append(build(OUT))
        before = cached(OUT)
        drawn["cold"] = len(before)
        times["unchanged"].append(build(OUT))
        drawn["unchanged"] = len(cached(OUT) - before)
        before = cached(OUT)
        undrawn, drawn_edit = edits(OUT / "inventory")
        edit(*undrawn)
        times["description"].append(build(OUT))
        drawn["description"] = len(cached(OUT) - before)
        before = cached(OUT)
        edit(*drawn_edit)
        times["flow"].append(build(OUT))
        drawn["flow"] = len(cached(OUT) - before)
    names = {
        "cold": "first build (no cache)",
        "unchanged": "rebuild, nothing changed",
        "description": "rebuild after editing a flow's description",
        "flow": "rebuild after adding a category to one flow",
    }
    print(f"{reps} repetitions, medians; `mkdocs build --strict` per row, fresh process\n")
    print("| build | wall | CPU (user + system) | diagrams drawn by Graphviz |")
    print("|---|---:|---:|---:|")
    for key, label in names.items():
        wall = statistics.median(t[0] for t in times[key])
        cpu = statistics.median(t[1] for t in times[key])
        print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {drawn.get(key, 0)} |")


def phases(inventory: Path, reps: int) -> None:
    """The diagram phase alone: first build, unchanged, an undrawn and a drawn edit."""
    rows: dict[str, list[list]] = {"cold": [], "unchanged": [], "undrawn": [], "drawn": []}
    work = BENCH / "out" / "site-rebuild-phase"
    for _ in range(reps):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        copy, cache, jobs = work / "inventory", work / "cache", work / "jobs.json"
        shutil.copytree(inventory, copy)
        phase(copy, cache, jobs)  # collects the views the pages ask for
        rows["cold"].append(phase(copy, cache, jobs))
        rows["unchanged"].append(phase(copy, cache, jobs))
        undrawn, drawn_edit = edits(copy)
        edit(*undrawn)
        rows["undrawn"].append(phase(copy, cache, jobs))
        edit(*drawn_edit)
        rows["drawn"].append(phase(copy, cache, jobs))
    names = {
        "cold": "first build (no cache)",
        "unchanged": "rebuild, nothing changed",
        "undrawn": "after editing a flow's description (not drawn)",
        "drawn": "after adding a category to one flow (drawn)",
    }
    views = rows["cold"][0][2]
    print(f"\nThe diagrams alone (`DiagramBatch.draw_all`, {views} views), a fresh process")
    print(f"per row, {reps} repetition(s), medians; CPU = process + Graphviz children:\n")
    print("| diagrams | wall | CPU | DOTs made | SVGs drawn | load average (1 min) |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, label in names.items():
        wall = statistics.median(r[0] for r in rows[key])
        cpu = statistics.median(r[1] for r in rows[key])
        made, drawn, load = rows[key][-1][3], rows[key][-1][4], rows[key][-1][5]
        made_text = "" if made is None else str(made)
        print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {made_text} | {drawn} | {load:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventory")
    parser.add_argument("--flows", type=int, help="generate an inventory of N flows (seed 7)")
    parser.add_argument("--phase-only", action="store_true", help="skip the mkdocs builds")
    args = parser.parse_args()
    inventory = generated(args.flows) if args.flows else args.inventory
    if not args.phase_only:
        builds(inventory, args.reps)
    phases(inventory, args.reps)


if __name__ == "__main__":
    main()
