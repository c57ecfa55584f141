"""The evidence reader streams: memory does not grow with the size of the file.

Measured with tracemalloc on generated files (bench/observed_stream.py measures a
1 GB file's peak RSS); no timing is asserted.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from registry.core.inventory import load_inventory
from registry.evidence.reconcile import reconcile

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"
MiB = 1 << 20


def write_events(path: Path, count: int, *, array: bool = False) -> int:
    """``count`` OpenLineage events of ~550 bytes: lis → billing, and a few unknown."""
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n" if array else "")
        for i in range(count):
            target = "mysql://billing.biolab.internal:3306" if i % 100 else f"s3://x{i % 7}"
            event = {
                "eventType": "COMPLETE",
                "eventTime": "2026-11-20T02:00:00Z",
                "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/integration",
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run": {"runId": f"0a1b0000-0000-4000-8000-{i:012d}"},
                "job": {"namespace": "biolab-airflow", "name": "billing_export"},
                "inputs": [
                    {"namespace": "postgres://lis-db.biolab.internal:5432", "name": f"lis.t{i}"}
                ],
                "outputs": [{"namespace": target, "name": "billing.invoices"}],
            }
            separator = ",\n" if array and i < count - 1 else "\n"
            f.write(json.dumps(event) + separator)
        f.write("]\n" if array else "")
    return path.stat().st_size


def peak_while_reconciling(path: Path) -> tuple[int, int]:
    inventory = load_inventory(LAB)
    tracemalloc.start()
    try:
        result = reconcile(inventory, [(path, path.name)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result.coverage.total_observations


def test_memory_does_not_grow_with_the_events_file(tmp_path):
    medium, large = tmp_path / "medium.jsonl", tmp_path / "large.json"
    medium_size = write_events(medium, 6_000)  # ~3 MB: several read chunks already
    large_size = write_events(large, 24_000, array=True)  # ~13 MB, as one JSON array
    assert large_size > 3.5 * medium_size
    medium_peak, medium_seen = peak_while_reconciling(medium)
    large_peak, large_seen = peak_while_reconciling(large)
    assert (medium_seen, large_seen) == (6_000, 24_000)
    # The peak is a few chunk buffers and a bounded cache, whatever the size:
    # four times the data, not four times the memory.
    assert large_peak < 6 * MiB < large_size / 2
    assert large_peak < medium_peak * 1.2
