"""The fast path against the located loader, in-process, on one inventory.

    python bench/fastpath_compare.py DIR [RUNS]

Alternates the two readers RUNS times (default 5) and prints the median CPU seconds
of each phase: load, build (validation, references), rules, and the total; then
how many files the fast path read and how many findings (each finding's file is
read again by the located loader for its positions, inside the rules phase).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.core import fastpath
from registry.core.inventory import build
from registry.core.loader import gc_paused, load_path
from registry.pipeline.check import check

AS_OF = dt.date(2026, 11, 29)


def main(argv: list[str]) -> None:
    root, runs = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 5
    clock = time.process_time
    timings: dict[str, list[tuple[float, ...]]] = {"located": [], "fast": []}
    share = ""
    for _ in range(runs):
        for name, reader in (("located", None), ("fast", fastpath.load_file)):
            with gc_paused():
                start = clock()
                loaded = load_path(root, reader=reader)
                loaded_at = clock()
                inventory = build(loaded, root.as_posix())
                built_at = clock()
                result = check(inventory, AS_OF)
                done = clock()
            timings[name].append(
                (loaded_at - start, built_at - loaded_at, done - built_at, done - start)
            )
            if reader is not None:
                share = (
                    f"fast path: {loaded.fast_files} of {len(loaded.files)} files; "
                    f"{len(result.findings)} findings"
                )
            del loaded, inventory, result
    for name, rows in timings.items():
        columns = zip(*rows, strict=True)
        load, build_, rules, total = (statistics.median(column) for column in columns)
        print(
            f"{root.name} {name}: load {load:.3f} s, build {build_:.3f} s, "
            f"rules {rules:.3f} s, total {total:.3f} s (median of {runs})"
        )
    print(share)


if __name__ == "__main__":
    main(sys.argv[1:])
