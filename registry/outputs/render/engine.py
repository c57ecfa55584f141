"""DOT to SVG: which Graphviz engine to run, and running it within a time limit.

The engine is ``ROPA_DOT`` when set, else a system Graphviz `dot`, else
`graphviz-pure` (a pip-installed port of Graphviz that ropa depends on). Layout
runs in a subprocess so a view too big to draw ends in a clear error, not a hang;
a :class:`~.cache.SvgCache` skips it for a DOT drawn before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from registry.core.errors import CannotRun
from registry.outputs.render.cache import SvgCache


class RenderError(CannotRun, RuntimeError):
    """Graphviz could not draw the diagram (no engine, timeout, engine error)."""


def find_engine() -> list[str]:
    """The command that turns DOT into SVG.

    ``ROPA_DOT`` names one explicitly; otherwise a system Graphviz `dot` is
    preferred, else `graphviz-pure` (a pip-installed port of Graphviz, a dependency
    of ropa) on the PATH or beside the running Python.
    """
    override = os.environ.get("ROPA_DOT")
    if override is not None:
        found = shutil.which(override)
        if not found:
            raise RenderError(f"ROPA_DOT={override!r} is not a command that can be run")
        return [found]
    system_dot = shutil.which("dot")
    if system_dot:
        return [system_dot]
    beside = Path(sys.executable).parent / "graphviz-pure"
    for candidate in (shutil.which("graphviz-pure"), str(beside)):
        if candidate and os.access(candidate, os.X_OK):
            return [candidate]
    raise RenderError(
        "no Graphviz engine to draw SVG: install ropa with its dependencies "
        "(pip install graphviz-pure) or Graphviz (apt-get install graphviz); "
        "--format dot works without one"
    )


def engine_command() -> list[str]:
    """The command :func:`dot_to_svg` runs (its words are part of the cache's keys)."""
    return [*find_engine(), "-Kdot", "-Tsvg"]


def dot_to_svg(dot: str, *, timeout: float = 60, cache: SvgCache | None = None) -> str:
    """Lay out and draw DOT as SVG with Graphviz's `dot` engine, within ``timeout`` seconds;
    with a ``cache``, the SVG drawn before for the same DOT and engine, else kept there."""
    command = engine_command()
    key = cache.key(command, dot) if cache is not None else ""
    if cache is not None and (kept := cache.get(key)) is not None:
        return kept
    svg = run_engine(command, dot, timeout)
    if cache is not None:
        cache.put(key, svg)
    return svg


def run_engine(command: list[str], dot: str, timeout: float = 60) -> str:
    """The SVG that ``command`` (:func:`engine_command`) draws from ``dot``, within
    ``timeout`` seconds; :class:`RenderError` when it cannot."""
    try:
        done = subprocess.run(
            command, input=dot.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz did not finish drawing within {timeout:g} s: draw a smaller view "
            "(--view system:ID, organisation:ID or category:ID)"
        ) from None
    except OSError as error:
        raise RenderError(f"cannot run Graphviz ({command[0]}): {error.strerror}") from None
    if done.returncode != 0:
        message = next(
            (
                line.strip()
                for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip()
            ),
            f"exit status {done.returncode}",
        )
        raise RenderError(f"Graphviz failed: {message}")
    return done.stdout.decode("utf-8")


_SVG_START = "<?xml "  # how Graphviz begins each SVG document it writes


def run_engine_batch(command: list[str], dots: list[str], timeout: float = 60) -> list[str]:
    """The SVGs that ``command`` draws from ``dots`` in one run, in order: Graphviz reads
    graph after graph from its input and writes a document for each. Starting Graphviz
    costs about a third of what it spends on a diagram of the site (issue 14,
    bench/RESULTS.md), so the site draws a few at a time. :class:`RenderError` when the
    run fails or its output is not one SVG per DOT: the caller then draws them one by
    one, which says which DOT could not be drawn and why."""
    drawn = run_engine(command, "\n".join(dots), timeout)
    documents = drawn.split(_SVG_START)
    if len(documents) != len(dots) + 1 or documents[0].strip():
        raise RenderError(f"Graphviz drew {len(documents) - 1} SVGs of {len(dots)} graphs")
    return [_SVG_START + document for document in documents[1:]]
