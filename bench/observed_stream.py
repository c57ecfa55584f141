"""Peak memory of `ropa check --observed` on a large generated OpenLineage file.

    .venv/bin/python bench/observed_stream.py [SIZE_MB]   (default 1024)

Writes SIZE_MB of JSON-lines events (lis → billing, each with a unique input
dataset, 1% to unknown buckets) into a temporary folder, runs the checker on the
lab fixture in a child process and prints its peak RSS and wall time. The child's
RSS includes the interpreter and the inventory (~60-70 MB at rest).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "tests" / "fixtures" / "lab" / "inventory"


def generate(path: Path, size: int) -> int:
    written = count = 0
    with path.open("w", encoding="utf-8") as f:
        while written < size:
            target = "mysql://billing.biolab.internal:3306" if count % 100 else f"s3://x{count % 7}"
            line = json.dumps(
                {
                    "eventType": "COMPLETE",
                    "eventTime": "2026-11-20T02:00:00Z",
                    "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/integration",
                    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                    "run": {"runId": f"0a1b0000-0000-4000-8000-{count:012d}"},
                    "job": {"namespace": "biolab-airflow", "name": "billing_export"},
                    "inputs": [
                        {"namespace": "postgres://lis-db.biolab.internal:5432", "name": f"t{count}"}
                    ],
                    "outputs": [{"namespace": target, "name": "billing.invoices"}],
                }
            )
            f.write(line + "\n")
            written += len(line) + 1
            count += 1
    return count


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        count = generate(events, size_mb << 20)
        command = [
            sys.executable, "-m", "registry.cli", "check", str(LAB),
            "--as-of", "2026-11-29", "--observed", str(events), "--format", "json",
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        coverage = json.loads(done.stdout)["coverage"]
        print(
            f"{events.stat().st_size / (1 << 20):.0f} MiB, {count} events: exit {done.returncode}, "
            f"peak RSS {peak_mib:.0f} MiB, {elapsed:.1f} s, "
            f"{coverage['total_observations']} observations"
        )


if __name__ == "__main__":
    main()
