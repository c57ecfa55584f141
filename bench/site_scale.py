"""The auditors' site at scale (issue 14): build time, memory and size for a generated register.

    python bench/site_scale.py [--flows 10000] [--serve] [--keep]

Generates `bench/generate.py --flows N --seed 7` under bench/out/site-scale/N/ with a copy
of the project's mkdocs.yml, then times, each as a fresh `mkdocs build --strict` process:

- cold: no site, no diagram cache;
- unchanged: the same inventory again (diagrams from the cache);
- one edit: one flow's description changed in one YAML file.

For each: wall time, CPU (user + system of the build and its Graphviz children), peak RSS
(ru_maxrss of the build process, measured in a wrapper of its own), and the site's size
(`du -sk`, i.e. disk blocks, and the apparent size), with the load average beside it.
With --serve clean|dirty it also starts `mkdocs serve` (with --dirty: only the pages an
edit can change are made again), edits one flow's description, and times how long until
the served page shows the change; with --dirty also until the downloads show it, and
how long a flow's new name takes to show.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# One build in a fresh process; prints its wall, CPU and peak RSS as JSON. The wrapper
# is its own process so that ru_maxrss of its children is this build's alone.
WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mib": usage.ru_maxrss / 1024, "code": done.returncode,
                  "err": done.stderr[-2000:]}))
"""


def env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))


def build(workdir: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml"]
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command, "-d", "site"],
        cwd=workdir,
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    if figures["code"]:
        raise SystemExit(f"mkdocs build failed:\n{figures['err']}")
    site = workdir / "site"
    figures["du_mib"] = _du(site, "-sk") / 1024
    figures["apparent_mib"] = _du(site, "-sk", "--apparent-size") / 1024
    figures["files"] = sum(1 for p in site.rglob("*") if p.is_file())
    figures["load"] = os.getloadavg()[0]
    return figures


def _du(path: Path, *options: str) -> int:
    done = subprocess.run(["du", *options, str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def edit_flow(inventory: Path, marker: str, which: int = 0) -> str:
    """Give the ``which``-th flow of the first flow file a description: the path of the
    page that shows it."""
    path = sorted((inventory / "flows").glob("*.yaml"))[0]
    text = path.read_text("utf-8")
    match = list(re.finditer(r"^id: (\S+)$", text, re.M))[which]
    new = f"{match.group(0)}\ndescription: {marker}"
    path.write_text(text[: match.start()] + new + text[match.end() :], "utf-8")
    return _page_of(text, match)


def _page_of(text: str, match: re.Match[str]) -> str:
    """The page that shows a flow: its activity's (the flow is a section of it)."""
    activity = re.compile(r"^activity: (\S+)$", re.M).search(text, match.end())
    assert activity is not None, match.group(1)
    return f"activities/{activity.group(1)}/"


def rename_flow(inventory: Path, marker: str, which: int = 0) -> str:
    """Name the ``which``-th flow of the first flow file ``marker`` (the generated flows
    have none: their id stands in; a name shows on every page linking the flow): its
    page's path."""
    path = sorted((inventory / "flows").glob("*.yaml"))[0]
    text = path.read_text("utf-8")
    match = list(re.finditer(r"^id: (\S+)$", text, re.M))[which]
    new = f"{match.group(0)}\nname: {marker}"
    path.write_text(text[: match.start()] + new + text[match.end() :], "utf-8")
    return _page_of(text, match)


def serve(
    workdir: Path, *, dirty: bool, which: int, port: int = 8765, timeout: float = 600
) -> dict[str, float]:
    """Seconds from saving one edited YAML file until `mkdocs serve` serves the change:
    a flow's description (its page alone), then (with --dirty) until the downloads
    show it too (they are made after the pages), then a flow's name (every page
    linking the flow, and the site-wide pages)."""
    command = [sys.executable, "-m", "mkdocs", "serve", "-q", "-f", "mkdocs.yml"]
    command += ["-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    server = subprocess.Popen(command, cwd=workdir, env=env(), stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        started = time.perf_counter()
        _wait(lambda: _get(base) is not None, timeout)
        first = time.perf_counter() - started
        marker = f"Edited at {time.time():.0f}"
        page = edit_flow(workdir / "inventory", marker, which=which)
        started = time.perf_counter()
        _wait(lambda: marker in (_get(base + page) or ""), timeout)
        figures = {"first_build": first, "change_shown": time.perf_counter() - started}
        if dirty:
            _wait(lambda: marker in (_get(base + "downloads/register.json") or ""), timeout)
            figures["downloads_shown"] = time.perf_counter() - started
            time.sleep(2)  # the rebuild that published them has ended
            renamed = f"Renamed at {time.time():.0f}"
            page = rename_flow(workdir / "inventory", renamed, which=which)
            started = time.perf_counter()
            _wait(lambda: renamed in (_get(base + page) or ""), timeout)
            figures["rename_shown"] = time.perf_counter() - started
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument(
        "--serve",
        action="append",
        choices=["clean", "dirty"],
        default=[],
        help="also time `mkdocs serve` (clean) or `mkdocs serve --dirty` (repeatable)",
    )
    parser.add_argument("--skip-builds", action="store_true", help="only --serve")
    args = parser.parse_args()
    workdir = BENCH / "out" / "site-scale" / str(args.flows)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    generate = [sys.executable, str(BENCH / "generate.py"), "--flows", str(args.flows)]
    generate += ["--seed", "7", "--out", str(workdir / "inventory")]
    subprocess.run(generate, check=True, capture_output=True)
    shutil.copy(ROOT / "mkdocs.yml", workdir / "mkdocs.yml")
    (workdir / "docs").mkdir()
    print(f"{args.flows} flows; load average at start {os.getloadavg()}")
    rows = []
    if not args.skip_builds:
        rows.append(("cold (no site, no diagram cache)", build(workdir)))
        rows.append(("rebuild, nothing changed", build(workdir)))
        edit_flow(workdir / "inventory", "Edited for the benchmark.")
        rows.append(("rebuild after editing one flow's description", build(workdir)))
        print("\n| build | wall | CPU | peak RSS | site (du) | apparent size | files | load |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, f in rows:
            print(
                f"| {label} | {f['wall']:.1f} s | {f['cpu']:.1f} s | {f['rss_mib']:.0f} MiB "
                f"| {f['du_mib']:.0f} MiB | {f['apparent_mib']:.0f} MiB | {f['files']:,} "
                f"| {f['load']:.1f} |"
            )
    for which, dirty in enumerate(args.serve, start=1):
        figures = serve(workdir, dirty=dirty == "dirty", which=which)
        print(
            f"\nmkdocs serve{' --dirty' if dirty == 'dirty' else ''}: first build "
            f"{figures['first_build']:.1f} s; one YAML file edited → change served after "
            f"{figures['change_shown']:.1f} s (load {os.getloadavg()[0]:.1f})"
        )
        if "downloads_shown" in figures:
            print(
                f"  the downloads show it after {figures['downloads_shown']:.1f} s; a flow "
                f"renamed → shown after {figures['rename_shown']:.1f} s "
                f"(load {os.getloadavg()[0]:.1f})"
            )


if __name__ == "__main__":
    main()
