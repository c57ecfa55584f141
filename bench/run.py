"""Benchmark ropa against the YAML parser floor, common practice and fideslang.

    python bench/run.py [--sizes S,M,L] [--reps N] [--out bench/RESULTS.md]

(`make bench` runs it.) It generates the synthetic inventories under bench/out/
(bench/generate.py), then measures each command as a fresh process, several
times, and reports medians of wall-clock and CPU time and the peak RSS:

- ``ropa check`` on S (100 flows), M (10,000) and L (100,000);
- the floor: libyaml's event stream alone over the same files;
- common practice: ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the same files;
- the peer: fideslang's own loader and models over the equivalent manifest of the
  same organisation at 1,000 systems (in its own venv: it pins an older pydantic);
- start-up: ``ropa --version`` and ``ropa check`` on the example inventory;
- in-process phases (load, build, rules) to show how each scales S → M → L;
- graph, site and export commands on S and M when they exist.

CPU time is reported beside wall time because the machine may be shared: ratios
are computed from CPU time (user + system of the measured process), which other
processes do not inflate. The same script is its own worker (``--worker``) so
the floor and the peer run exactly the code quoted in RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
AS_OF = "2026-11-29"
SIZES = {"S": 100, "M": 10_000, "L": 100_000}
PEER_FLOWS = 3_560  # the generator's proportions give ~1,000 systems for this many flows


# --- workers (run in a fresh process each) --------------------------------------


def yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml"))


def worker(kind: str, directory: Path) -> None:
    if kind == "floor":
        import yaml

        for path in yaml_files(directory):
            for _ in yaml.parse(path.read_text("utf-8"), Loader=yaml.CSafeLoader):
                pass
    elif kind == "yaml-load":
        import yaml

        documents = []  # kept, as a tool that then validates them must
        for path in yaml_files(directory):
            documents.extend(yaml.load_all(path.read_text("utf-8"), Loader=yaml.CSafeLoader))
    elif kind == "fides":
        from fideslang.manifests import ingest_manifests
        from fideslang.parse import load_manifests_into_taxonomy

        start = time.process_time()
        taxonomy = load_manifests_into_taxonomy(ingest_manifests(str(directory)))
        print(json.dumps({"seconds": time.process_time() - start}))
        assert taxonomy.system, "no system loaded"
    elif kind == "phases":
        phases(directory)
    else:
        raise SystemExit(f"unknown worker {kind}")


def phases(directory: Path) -> None:
    """Time load, build (validation + references) and rules in-process (CPU seconds)."""
    from registry.core import fastpath
    from registry.core.inventory import build
    from registry.core.loader import gc_paused, load_path
    from registry.pipeline.check import check
    from registry.rules import catalogue

    # After imports, as fideslang's is timed: the rule modules and rapidyaml are imported
    # lazily, on first use, and were counted in the rules and load phases until the third
    # round of issue 19 (~15-25 ms where bytecode is not cached, as on the bench machine).
    catalogue()
    # as `ropa check` reads it: the fast path when enabled (ROPA_FAST_YAML)
    reader = fastpath.load_file if fastpath.enabled() else None
    clock = time.process_time
    with gc_paused():
        start = clock()
        loaded = load_path(directory, reader=reader)
        loaded_at = clock()
        inventory = build(loaded, directory.as_posix())
        built_at = clock()
        result = check(inventory, dt.date.fromisoformat(AS_OF))
        done = clock()
    print(
        json.dumps(
            {
                "load": loaded_at - start,
                "build": built_at - loaded_at,
                "rules": done - built_at,
                "findings": len(result.findings),
                "fast_files": loaded.fast_files,
                "files": len(loaded.files),
            }
        )
    )


# --- measuring ------------------------------------------------------------------


def measure(command: list[str], reps: int, ok_codes: tuple[int, ...] = (0, 1)) -> dict:
    """Run ``command`` ``reps`` times; medians of wall and CPU seconds, max RSS in MiB."""
    walls, cpus, rss = [], [], []
    for _ in range(reps):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
        )
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            error = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"{' '.join(command)} exited {code}: {error[-2000:]}")
        process.returncode = code
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "rss": max(rss),
        "reps": reps,
    }


def in_process(directory: Path, reps: int) -> dict:
    runs = []
    for _ in range(reps):
        output = subprocess.run(
            [sys.executable, __file__, "--worker", "phases", str(directory)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        runs.append(json.loads(output))
    return {k: statistics.median(r[k] for r in runs) for k in ("load", "build", "rules")} | {
        "findings": runs[0]["findings"],
        "fast_files": runs[0]["fast_files"],
        "files": runs[0]["files"],
    }


def peer_in_process(python: Path, directory: Path, reps: int) -> float:
    """fideslang's load + validate alone (after its imports), CPU seconds, median."""
    runs = []
    for _ in range(reps):
        output = subprocess.run(
            [str(python), __file__, "--worker", "fides", str(directory)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        runs.append(json.loads(output)["seconds"])
    return statistics.median(runs)


def generate(flows: int, name: str, fides: bool = False) -> Path:
    target = OUT / name
    marker = target / ".generated"
    if marker.exists() and marker.read_text() == str(flows):
        return target
    command = [sys.executable, str(BENCH / "generate.py"), "--flows", str(flows)]
    command += ["--out", str(target / "inventory")]
    if fides:
        command += ["--fides", str(target / "fides")]
    subprocess.run(command, check=True, cwd=ROOT)
    marker.write_text(str(flows))
    return target


def fides_python() -> Path:
    """A venv with fideslang (it pins pydantic<2.13, which clashes with ours)."""
    venv = OUT / "fides-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import fideslang"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "fideslang"], check=True)
    return python


def version_of(python: Path | str, module: str) -> str:
    return subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
        capture_output=True,
        text=True,
    ).stdout.strip()


def inventory_stats(directory: Path) -> dict:
    files = yaml_files(directory)
    size = sum(p.stat().st_size for p in files)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    systems = sum(p.read_text("utf-8").count("kind: System\n") for p in files)
    return {"files": len(files), "mib": size / 2**20, "lines": lines, "systems": systems}


def machine() -> list[str]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 2**20:.1f} GiB RAM"
    import pydantic
    import yaml

    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if yaml.__with_libyaml__ else 'no'}), pydantic {pydantic.VERSION}",
        f"- Load average when the run started: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


# --- the report -----------------------------------------------------------------


def fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (L: at most 3)")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--no-peer", action="store_true", help="skip fideslang")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    header = machine()
    python = sys.executable
    script = Path(python).with_name("ropa")  # the console script users run
    ropa = [str(script)] if script.exists() else [python, "-m", "registry.cli"]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    rows, scaling = [], []
    for size in sizes:
        reps = min(args.reps, 3) if size == "L" else args.reps
        target = generate(SIZES[size], f"size-{size}")
        inventory = target / "inventory"
        stats = inventory_stats(inventory)
        print(f"{size}: {stats}", file=sys.stderr)
        check = measure([*ropa, "check", str(inventory), "--as-of", AS_OF], reps)
        floor = measure([python, __file__, "--worker", "floor", str(inventory)], reps)
        common = measure([python, __file__, "--worker", "yaml-load", str(inventory)], reps)
        rows.append((size, SIZES[size], stats, check, floor, common))
        scaling.append((size, SIZES[size], in_process(inventory, reps)))

    peer = None
    if not args.no_peer:
        target = generate(PEER_FLOWS, "peer-1k", fides=True)
        fides = fides_python()
        inventory = target / "inventory"
        stats = inventory_stats(inventory)
        peer = (
            stats,
            measure([*ropa, "check", str(inventory), "--as-of", AS_OF], args.reps),
            measure([str(fides), __file__, "--worker", "fides", str(target / "fides")], 3, (0,)),
            version_of(fides, "fideslang"),
            inventory_stats(target / "fides"),
            in_process(inventory, 3),
            peer_in_process(fides, target / "fides", 3),
        )

    example = ROOT / "inventory"
    startup_target = example if example.is_dir() else generate(SIZES["S"], "size-S") / "inventory"
    startup = [
        ("ropa --version", measure([*ropa, "--version"], max(args.reps, 10))),
        (
            f"ropa check {startup_target.relative_to(ROOT)}",
            measure([*ropa, "check", str(startup_target), "--as-of", AS_OF], max(args.reps, 10)),
        ),
        ("python -c pass (interpreter alone)", measure([python, "-c", "pass"], max(args.reps, 10))),
    ]
    extra = other_commands(ropa, [s for s in sizes if s in ("S", "M")], args.reps)

    lines = ["# ropa benchmark results", ""]
    lines += [
        f"- Date: {started.isoformat()} (`python bench/run.py`, {args.reps} repetitions, "
        "L at most 3; medians)"
    ]
    lines += header
    lines += [
        "- Inventories: `python bench/generate.py --flows N --seed 7 --out DIR` "
        "(S 100, M 10,000, L 100,000 flows), checked with `--as-of " + AS_OF + "`",
        "- Times are medians of fresh processes; CPU = user + system time of that process; "
        "ratios use CPU time (robust to other load on the machine), wall time beside it.",
        "",
        "## ropa check against the parser floor and common practice",
        "",
        "| size | flows | systems | files | YAML | floor: libyaml events | common: yaml.load "
        "CSafeLoader | ropa check | check / floor | yaml.load / check | peak RSS check "
        "| peak RSS yaml.load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, flows, stats, check, floor, common in rows:
        lines.append(
            f"| {size} | {flows:,} | {stats['systems']:,} | {stats['files']:,} | "
            f"{stats['mib']:.1f} MiB, {stats['lines']:,} lines | "
            f"{fmt(floor['cpu'])} (wall {fmt(floor['wall'])}) | "
            f"{fmt(common['cpu'])} (wall {fmt(common['wall'])}) | "
            f"{fmt(check['cpu'])} (wall {fmt(check['wall'])}) | "
            f"{check['cpu'] / floor['cpu']:.2f}× | {common['cpu'] / check['cpu']:.2f}× | "
            f"{check['rss']:.0f} MiB | {common['rss']:.0f} MiB |"
        )
    lines += [
        "",
        "Commands: floor = `for _ in yaml.parse(text, Loader=yaml.CSafeLoader): pass` per file; "
        "common = `documents.extend(yaml.load_all(text, Loader=yaml.CSafeLoader))` per file, "
        "every document kept as a checker must (no positions, no validation); "
        f"check = `ropa check DIR --as-of {AS_OF}` "
        "(load with positions, pydantic validation, references, every rule, text report). "
        "Each includes the interpreter start-up (see below). Issue 19's targets: check / "
        "floor ≤ 1.5× and yaml.load / check ≥ 2× at M and L.",
        "",
        "## Scaling, in-process (CPU seconds, median)",
        "",
        "| size | flows | files read by the fast path | load (YAML → documents) | "
        "build (validation, references) | rules | total | µs per flow (total) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, flows, phase in scaling:
        total = phase["load"] + phase["build"] + phase["rules"]
        lines.append(
            f"| {size} | {flows:,} | {phase['fast_files']:,} / {phase['files']:,} | "
            f"{fmt(phase['load'])} | {fmt(phase['build'])} | "
            f"{fmt(phase['rules'])} | {fmt(total)} | {total / flows * 1e6:.0f} |"
        )
    lines += [
        "",
        "Every rule's time grows linearly with the inventory: µs per flow stays flat from M to "
        "L (S is dominated by fixed costs: the default taxonomy, the rule catalogue).",
    ]
    if peer:
        stats, ours, theirs, fides_version, fides_stats, ours_in, theirs_in = peer
        ours_total = ours_in["load"] + ours_in["build"] + ours_in["rules"]
        lines += [
            "",
            "## The peer: fideslang, same organisation, ~1,000 systems",
            "",
            "| tool | input | CPU (median) | wall (median) | peak RSS |",
            "|---|---|---:|---:|---:|",
            f"| ropa check | {stats['systems']:,} systems, {PEER_FLOWS:,} flows, "
            f"{stats['files']} files, {stats['mib']:.1f} MiB | {fmt(ours['cpu'])} | "
            f"{fmt(ours['wall'])} | {ours['rss']:.0f} MiB |",
            f"| fideslang {fides_version} load + validate | the same systems with privacy "
            f"declarations and egress/ingress, {fides_stats['files']} files, "
            f"{fides_stats['mib']:.1f} MiB | {fmt(theirs['cpu'])} | {fmt(theirs['wall'])} | "
            f"{theirs['rss']:.0f} MiB |",
            f"| in-process, after imports: ropa load + build + rules | | {fmt(ours_total)} | | |",
            f"| in-process, after imports: fideslang load + validate | | {fmt(theirs_in)} | | |",
            "",
            f"As whole processes ropa is **{theirs['cpu'] / ours['cpu']:.1f}×** faster (CPU; "
            f"wall {theirs['wall'] / ours['wall']:.1f}×); in-process, imports aside, "
            f"**{theirs_in / ours_total:.1f}×**. And ropa does more: positions for every value, "
            "references resolved, every rule run. fideslang command: "
            "`load_manifests_into_taxonomy(ingest_manifests(DIR))` (its own loader: "
            "`yaml.safe_load`, pure Python, then its pydantic models), in its own venv "
            "(bench/out/fides-venv).",
        ]
    lines += [
        "",
        "## Start-up (whole process)",
        "",
        "| command | CPU (median) | wall (median) | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    for name, result in startup:
        lines.append(
            f"| `{name}` | {fmt(result['cpu'])} | {fmt(result['wall'])} | {result['rss']:.0f} MiB |"
        )
    if extra:
        lines += [
            "",
            "## Other commands",
            "",
            "| command | size | CPU (median) | wall (median) | peak RSS |",
            "|---|---|---:|---:|---:|",
        ]
        for name, size, result in extra:
            lines.append(
                f"| `{name}` | {size} | {fmt(result['cpu'])} | {fmt(result['wall'])} | "
                f"{result['rss']:.0f} MiB |"
            )
    lines.append("")
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def other_commands(ropa: list[str], sizes: list[str], reps: int) -> list[tuple[str, str, dict]]:
    """Graph, export and site build, once those commands exist."""
    commands = ROOT / "registry" / "cli" / "commands"
    results = []
    for size in sizes:
        inventory = OUT / f"size-{size}" / "inventory"
        candidates = []
        if (commands / "graph.py").exists():
            candidates.append(
                (
                    "ropa graph --view overview --format dot",
                    ["graph", str(inventory), "--format", "dot"],
                )
            )
        if (commands / "export.py").exists():
            # The group has several controllers: a CSV holds one record, pick the first.
            for name, arguments in [
                (
                    "ropa export --format csv --template ico --org meridian-fr-1",
                    ["--format", "csv", "--template", "ico", "--org", "meridian-fr-1"],
                ),
                (
                    "ropa export --format xlsx --template cnil",
                    ["--format", "xlsx", "--template", "cnil"],
                ),
                ("ropa export --format json", ["--format", "json"]),
            ]:
                suffix = arguments[1]
                out = str(OUT / f"export-{size}.{suffix}")
                candidates.append((name, ["export", str(inventory), *arguments, "--out", out]))
        for name, arguments in candidates:
            try:
                results.append((name, size, measure([*ropa, *arguments], min(reps, 3))))
            except SystemExit as error:
                print(f"skipped {name} on {size}: {error}", file=sys.stderr)
    return results


if __name__ == "__main__":
    sys.exit(main())
