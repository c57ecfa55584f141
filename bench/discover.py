"""`ropa discover` over an organisation's repositories: N generated checkouts, one register.

    .venv/bin/python bench/discover.py [--repos 200] [--seed 7] [--jobs 1 2] [--write-results]

Generates N repositories (``--seed`` makes them reproducible), each in one of seven
ecosystems (npm, PyPI, Go, RubyGems, Maven, Packagist, Cargo) with its manifest:
runtime SDKs of 0-6 catalogue services, development-only SDKs that must not count,
ordinary packages, API hosts in ``.env.example`` and config, ~30 source files of
filler code, and for a third of them Terraform buckets and databases in random
regions. A register documents about half of the services used (an organisation and a
flow each). Then ``ropa discover DIR --format json --jobs J`` runs as a fresh process
for each J, and the script reports wall time, CPU time (the process and its
workers), peak RSS, and discovery's precision and recall against the generator's
ground truth (services used at run time, per repository). ``--write-results``
replaces the discover section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.discover.catalogue import shipped_catalogue  # noqa: E402

SECTION = "## ropa discover: generated repositories"
FILLER_PACKAGES = {
    "npm": ["react", "lodash", "express", "zod", "dayjs", "axios", "uuid", "pg", "redis"],
    "pypi": ["django", "requests", "pydantic", "celery", "numpy", "pillow", "redis", "httpx"],
    "go": ["github.com/spf13/cobra", "golang.org/x/net", "github.com/lib/pq", "gopkg.in/yaml.v3"],
    "rubygems": ["rails", "puma", "pg", "sidekiq", "devise", "kaminari", "redis"],
    "maven": ["org.springframework.boot:spring-boot-starter-web", "com.google.guava:guava"],
    "packagist": ["laravel/framework", "guzzlehttp/guzzle", "monolog/monolog"],
    "cargo": ["serde", "tokio", "reqwest", "anyhow", "tracing"],
}
REGIONS = ["eu-west-1", "eu-west-3", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"]


def _plain(name: str) -> bool:
    return "*" not in name


def candidates(ecosystem: str) -> list[tuple[str, str]]:
    """(vendor, package) pairs a repository in ``ecosystem`` can depend on."""
    pairs = []
    for vendor in shipped_catalogue().vendors.values():
        for package in getattr(vendor.packages, ecosystem):
            if _plain(package):
                pairs.append((vendor.id, package))
    return sorted(pairs)


def hosts() -> list[tuple[str, str]]:
    return sorted(
        (v.id, h) for v in shipped_catalogue().vendors.values() for h in v.hosts if _plain(h)
    )


def manifest(ecosystem: str, runtime: list[str], dev: list[str]) -> tuple[str, str]:
    if ecosystem == "npm":
        body = {
            "name": "app",
            "dependencies": {p: "^1.0.0" for p in runtime},
            "devDependencies": {p: "^1.0.0" for p in dev},
        }
        return "package.json", json.dumps(body, indent=2) + "\n"
    if ecosystem == "pypi":
        lines = ["[project]", 'name = "app"', "dependencies = ["]
        lines += [f'    "{p}>=1",' for p in runtime] + ["]", "", "[dependency-groups]", "dev = ["]
        lines += [f'    "{p}",' for p in dev] + ["]"]
        return "pyproject.toml", "\n".join(lines) + "\n"
    if ecosystem == "go":
        lines = ["module example.com/app", "", "go 1.22", "", "require ("]
        lines += [f"\t{p} v1.2.3" for p in runtime] + [f"\t{p} v1.0.0 // indirect" for p in dev]
        return "go.mod", "\n".join([*lines, ")"]) + "\n"
    if ecosystem == "rubygems":
        lines = ['source "https://rubygems.org"', ""] + [f'gem "{p}"' for p in runtime]
        lines += ["", "group :development, :test do"] + [f'  gem "{p}"' for p in dev] + ["end"]
        return "Gemfile", "\n".join(lines) + "\n"
    if ecosystem == "maven":

        def dependency(coordinates: str, scope: str = "") -> str:
            group, artifact = coordinates.split(":")
            extra = f"<scope>{scope}</scope>" if scope else ""
            return (
                f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
                f"<version>1.0</version>{extra}</dependency>"
            )

        lines = ['<project xmlns="http://maven.apache.org/POM/4.0.0">', "  <dependencies>"]
        lines += [dependency(p) for p in runtime] + [dependency(p, "test") for p in dev]
        return "pom.xml", "\n".join([*lines, "  </dependencies>", "</project>"]) + "\n"
    if ecosystem == "packagist":
        body = {"require": {p: "^1.0" for p in runtime}, "require-dev": {p: "^1.0" for p in dev}}
        return "composer.json", json.dumps(body, indent=2) + "\n"
    lines = ['[package]\nname = "app"\n', "[dependencies]"] + [f'{p} = "1"' for p in runtime]
    lines += ["", "[dev-dependencies]"] + [f'{p} = "1"' for p in dev]
    return "Cargo.toml", "\n".join(lines) + "\n"


def filler(rng: random.Random, index: int) -> str:
    words = ["user", "order", "invoice", "total", "status", "config", "retry", "cache", "item"]
    lines = [f"// module {index}: generated filler"]
    for n in range(60):
        a, b = rng.choice(words), rng.choice(words)
        if n % 17 == 0:
            lines.append(f'const url{n} = "https://{a}.{b}.example.org/v1/{a}";  // not a vendor')
        else:
            lines.append(f"function {a}{n}({b}) {{ return {b}.{a} + {n}; }}")
    return "\n".join(lines) + "\n"


def generate(out: Path, count: int, seed: int) -> tuple[dict[str, set[str]], Path]:
    """Write ``count`` repositories and a register; the ground truth per repository."""
    rng = random.Random(seed)
    ecosystems = sorted(FILLER_PACKAGES)
    pools = {e: candidates(e) for e in ecosystems}
    host_pool = hosts()
    truth: dict[str, set[str]] = {}
    for index in range(count):
        ecosystem = ecosystems[index % len(ecosystems)]
        name = f"repo-{index:03d}"
        root = out / "repos" / name
        (root / "src").mkdir(parents=True)
        (root / ".git").mkdir()
        used: set[str] = set()
        chosen = rng.sample(pools[ecosystem], k=min(len(pools[ecosystem]), rng.randint(0, 6)))
        runtime = [p for _, p in chosen] + rng.sample(FILLER_PACKAGES[ecosystem], k=2)
        used |= {v for v, _ in chosen}
        dev_pairs = [pair for pair in rng.sample(pools[ecosystem], k=2) if pair[0] not in used]
        file, text = manifest(ecosystem, runtime, [p for _, p in dev_pairs])
        (root / file).write_text(text, "utf-8")
        env = []
        for vendor, host in rng.sample(host_pool, k=rng.randint(0, 2)):
            env.append(f"{vendor.upper().replace('-', '_')}_URL=https://{host}/v1")
            used.add(vendor)
        (root / ".env.example").write_text("\n".join(env) + "\n", "utf-8")
        for n in range(30):
            (root / "src" / f"module{n}.js").write_text(filler(rng, n), "utf-8")
        if index % 3 == 0:
            region = rng.choice(REGIONS)
            (root / "infra").mkdir()
            (root / "infra" / "main.tf").write_text(
                f'provider "aws" {{\n  region = "{region}"\n}}\n'
                f'resource "aws_s3_bucket" "uploads" {{\n  bucket = "{name}-uploads"\n}}\n'
                f'resource "aws_db_instance" "main" {{\n  identifier = "{name}-db"\n'
                f"  storage_encrypted = {rng.choice(['true', 'false'])}\n}}\n",
                "utf-8",
            )
            used.add("aws")
        truth[name] = used
    register = out / "inventory"
    documented = sorted({v for used in truth.values() for v in used})
    rng.shuffle(documented)
    write_register(register, documented[: len(documented) // 2])
    return truth, register


def write_register(directory: Path, vendors: list[str]) -> None:
    (directory / "organisations").mkdir(parents=True)
    (directory / "flows").mkdir()
    (directory / "base.yaml").write_text(
        "kind: Organisation\nid: acme\nname: Acme\ncountry: FR\n---\n"
        "kind: System\nid: app\nname: App\noperator: acme\ncountry: FR\n---\n"
        "kind: Activity\nid: sales\nname: Sales\ncontroller: acme\n",
        "utf-8",
    )
    catalogue = shipped_catalogue()
    for vendor in sorted(vendors):
        entry = catalogue.vendors[vendor]
        country = f"country: {entry.country}\n" if entry.country != "unknown" else ""
        (directory / "organisations" / f"{vendor}.yaml").write_text(
            f"kind: Organisation\nid: {vendor}\nname: {json.dumps(entry.name)}\n{country}", "utf-8"
        )
        (directory / "flows" / f"to-{vendor}.yaml").write_text(
            f"kind: Flow\nid: to-{vendor}\nactivity: sales\nfrom: app\nto: {vendor}\n", "utf-8"
        )


def run(argv: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (the process and its workers), peak RSS (MiB), stdout."""
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(json.dumps([wall, u.ru_utime + u.ru_stime, u.ru_maxrss]))\n"
        "sys.stdout.write(p.stdout)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True, text=True, check=True
    )
    wall, cpu, rss = json.loads(done.stderr.strip().splitlines()[-1])
    return wall, cpu, rss // 1024, done.stdout


def score(truth: dict[str, set[str]], report: dict) -> tuple[float, float]:
    found: dict[str, set[str]] = {name: set() for name in truth}
    for service in report["discovery"]["services"]:
        if service["status"] != "not-used":
            found[service["repository"].rsplit("/", 1)[-1]].add(service["service"])
    tp = sum(len(truth[n] & found[n]) for n in truth)
    fp = sum(len(found[n] - truth[n]) for n in truth)
    fn = sum(len(truth[n] - found[n]) for n in truth)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    ropa = [sys.executable, "-m", "registry.cli"]
    results: dict = {"repos": args.repos, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        truth, register = generate(out, args.repos, args.seed)
        results["generate"] = time.perf_counter() - start
        files = sum(1 for _ in (out / "repos").rglob("*") if _.is_file())
        size = sum(p.stat().st_size for p in (out / "repos").rglob("*") if p.is_file())
        results.update(files=files, mib=size / 2**20, used=sum(len(v) for v in truth.values()))
        env_path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        os.environ["PYTHONPATH"] = env_path
        for jobs in args.jobs:
            command = [*ropa, "discover", "repos", "--inventory", str(register), "--format",
                       "json", "--jobs", str(jobs), "--as-of", "2026-12-01"]  # fmt: skip
            wall, cpu, rss, stdout = run(command, out)
            report = json.loads(stdout)
            precision, recall = score(truth, report)
            findings = report["findings"]
            results["runs"].append(
                {
                    "jobs": jobs,
                    "wall": wall,
                    "cpu": cpu,
                    "rss": rss,
                    "precision": precision,
                    "recall": recall,
                    "dsc001": sum(1 for f in findings if f["rule"] == "DSC-001"),
                    "stores": report["discovery"]["stores"],
                }
            )
            print(
                f"--jobs {jobs}: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss} MiB peak RSS; "
                f"precision {precision:.1%}, recall {recall:.1%}"
            )
    if args.write_results:
        write_results(results, args)
    return results


def write_results(results: dict, args: argparse.Namespace) -> None:
    rows = "\n".join(
        f"| {r['jobs']} | {r['wall']:.2f} s | {r['cpu']:.2f} s | {r['rss']} MiB | "
        f"{r['precision']:.1%} | {r['recall']:.1%} | {r['dsc001']} | {r['stores']} |"
        for r in results["runs"]
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    section = f"""{SECTION}

- `python bench/discover.py --repos {args.repos} --seed {args.seed} --write-results` on
  {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python
  {platform.python_version()}; load average at the start: {load}
- {args.repos} repositories in seven ecosystems, {results["files"]:,} files
  ({results["mib"]:.1f} MiB), {results["used"]} services used at run time in all
  (generated in {results["generate"]:.1f} s); one register documenting about half of them
- `ropa discover repos --inventory inventory --format json --jobs J` as a fresh process

| jobs | wall | CPU (process and workers) | peak RSS | precision | recall | DSC-001 | stores |
|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}

CPU time is the measure to compare: wall time includes waiting for the cores when the
load average is above their number. Precision and recall here check the readers at
scale against the generator's ground truth (its development-only SDKs must not count,
its hosts in `.env.example` must); the measure on real projects is the next section's.
"""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text("utf-8")
    start = text.find(SECTION)
    if start >= 0:  # replace the section, up to the next one
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + ("" if end < 0 else text[end:])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
