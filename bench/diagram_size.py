"""Bytes of the lineage diagrams as the site's pages embed them.

    python bench/diagram_size.py --inventory bench/out/M [--cache DIR]

Runs the pipeline, collects the views the site's pages ask for (as
``site_rebuild.py --phase-only`` does), draws them all with ``DiagramBatch`` (into
``--cache``, by default a fresh folder under bench/out/) and prints, as JSON, the
number of figures, the bytes of their SVGs (total, mean, median, largest) and the
CPU seconds and load average of the drawing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

_SVG = re.compile(r"<svg\b(?![^>]*ropa-legend-sample).*?</svg>", re.S)


def cpu() -> float:
    return sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inventory", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=BENCH / "out" / "diagram-size-cache")
    args = parser.parse_args()

    from registry.outputs.site import diagrams
    from registry.outputs.site.pages import build_site
    from registry.pipeline import Request, run

    result = run(Request(path=args.inventory, as_of=dt.date(2026, 11, 29))).result
    recorded: list[tuple[str, str]] = []
    draw_all = diagrams.DiagramBatch.draw_all

    def record(self: diagrams.DiagramBatch, inventory: object) -> list[str]:
        recorded.extend(self.jobs)
        return [""] * len(self.jobs)

    diagrams.DiagramBatch.draw_all = record  # type: ignore[method-assign]
    build_site(result)
    diagrams.DiagramBatch.draw_all = draw_all  # type: ignore[method-assign]

    shutil.rmtree(args.cache, ignore_errors=True)
    batch = diagrams.DiagramBatch(args.cache)
    batch.jobs = list(recorded)
    load = os.getloadavg()
    used = cpu()
    figures = batch.draw_all(result.inventory)
    spent = cpu() - used
    sizes = [
        len(match.group(0).encode("utf-8"))
        for figure in figures
        for match in _SVG.finditer(figure)
    ]
    print(
        json.dumps(
            {
                "views": len(figures),
                "svgs": len(sizes),
                "total_bytes": sum(sizes),
                "mean_bytes": round(statistics.mean(sizes)) if sizes else 0,
                "median_bytes": round(statistics.median(sizes)) if sizes else 0,
                "largest_bytes": max(sizes, default=0),
                "draw_cpu_s": round(spent, 2),
                "load_average": [round(x, 2) for x in load],
            }
        )
    )


if __name__ == "__main__":
    main()
