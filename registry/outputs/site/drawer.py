"""The process that draws the site's diagrams while the build makes its pages.

Graphviz runs as a subprocess per diagram. Driven from threads of the build's own
process, each run waited for the interpreter lock behind the pages several times
(starting the engine, feeding it, reading its output): at 10,000 flows a cold build
drew about ten diagrams a second while it made its pages, and its second core stood
mostly idle (issue 14; bench/RESULTS.md). A process of its own has its own lock.

This module is both ends:

- :class:`Drawer`, in the build: :meth:`Drawer.submit` hands a DOT over as soon as it
  is made, :meth:`Drawer.result` reads the SVG back when a page is written;
- ``python -m registry.outputs.site.drawer``, the drawing process (:func:`serve`):
  one Graphviz at a time per core, each SVG made as the pages embed it
  (:func:`~registry.outputs.site.svg.embed`), kept in the SVG cache when the build has
  one (the same folder and keys as the build's), and sent back.

It imports the engine and the SVG module only, so it starts in a few hundredths of a
second. The threads that run Graphviz (and so Graphviz) have their niceness raised:
the pages are the longer path, and Graphviz takes the core they leave idle; the
threads that read the requests and write the answers do not, so that the build never
waits on a pipe behind Graphviz.

Messages are frames on the two pipes: a header (job number, status, length of what
follows) and the bytes. A request carries the SVG cache's key (empty: no cache), a
NUL, and the DOT; an answer carries the SVG (status drawn or from the cache) or the
reason it could not be drawn (status failed), which the build shows in the diagram's
place as it shows any :class:`~registry.outputs.render.RenderError`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

from registry.outputs.render.cache import SvgCache
from registry.outputs.render.engine import RenderError, run_engine
from registry.outputs.site.svg import embed

_HEADER = struct.Struct(">IBI")  # job, status, length of the bytes that follow
DRAWN, KEPT, FAILED = 0, 1, 2  # an answer's status: drawn now, from the cache, not drawn


def drawn(
    command: list[str], dot: str, key: str | None, cache: SvgCache | None
) -> tuple[str, bool]:
    """The SVG of ``dot`` as a page embeds it, and whether Graphviz drew it now (else
    the cache had it under ``key``: the DOT's key salted apart from the engine's own
    output, since what is kept is the embedded form)."""
    if cache is not None and key is not None:
        kept = cache.get(key)
        if kept is not None:
            return kept, False
    svg = embed(run_engine(command, dot))
    if cache is not None and key is not None:
        cache.put(key, svg)
    return svg, True


class Drawer:
    """The drawing process, seen from the build. Used from one thread (the build's)."""

    def __init__(self, command: list[str], cache_dir: Path | None) -> None:
        # its stderr, said if it stops early; closed with the process (close, kill)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        arguments = [sys.executable, "-m", __name__]
        if cache_dir is not None:
            arguments += ["--cache", str(cache_dir)]
        # OSError when no process can be started: the caller draws in threads instead
        self._process = subprocess.Popen(
            [*arguments, "--", *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )
        self._jobs = 0
        self._answers: dict[int, tuple[int, bytes]] = {}
        self._stopped: str | None = None  # why no more answers will come

    def submit(self, dot: str, key: str | None) -> int:
        """Hand ``dot`` over; the job's number, for :meth:`result`."""
        job = self._jobs
        self._jobs += 1
        payload = (key or "").encode("ascii") + b"\0" + dot.encode("utf-8")
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(_HEADER.pack(job, DRAWN, len(payload)) + payload)
            stdin.flush()
        except OSError:  # it stopped: result() says why
            self._stop()
        return job

    def result(self, job: int) -> tuple[str, bool]:
        """Job ``job``'s SVG and whether it was drawn now (else read from the cache),
        waiting for it; :class:`RenderError` when it could not be drawn."""
        while job not in self._answers:
            stdout = self._process.stdout
            assert stdout is not None
            answer = None if self._stopped else _read_frame(stdout)
            if answer is None:
                self._stop()
                raise RenderError(f"the process drawing the diagrams stopped{self._stopped}")
            self._answers[answer[0]] = answer[1:]
        status, payload = self._answers.pop(job)
        if status == FAILED:
            raise RenderError(payload.decode("utf-8", "replace"))
        return payload.decode("utf-8"), status == DRAWN

    def close(self) -> None:
        """No more jobs: the process ends once it has answered every one."""
        with contextlib.suppress(OSError):
            assert self._process.stdin is not None
            self._process.stdin.close()
        assert self._process.stdout is not None
        while _read_frame(self._process.stdout) is not None:
            pass  # answers nobody asked for (a build that stopped early)
        self._process.wait()
        self._errors.close()

    def kill(self) -> None:
        """The build failed: stop drawing now."""
        self._process.kill()
        self._process.wait()
        self._errors.close()

    def _stop(self) -> None:
        if self._stopped is None:
            self._process.kill()
            code = self._process.wait()
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").splitlines()
            last = [line for line in said if line.strip()]
            self._stopped = f" (exit status {code}{': ' + last[-1].strip() if last else ''})"


class ThreadDrawer:
    """Draws in threads of the build's own process, as :class:`Drawer` does in its
    own: where no process can be started (slower, see the module's docstring)."""

    def __init__(self, command: list[str], cache_dir: Path | None) -> None:
        self._command = command
        # its own handle on the folder: the batch counts what it took (SvgCache.taken)
        self._cache = SvgCache(cache_dir) if cache_dir is not None else None
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, initializer=_nicer)
        self._futures: dict[int, Future[tuple[str, bool]]] = {}

    def submit(self, dot: str, key: str | None) -> int:
        job = len(self._futures)
        self._futures[job] = self._pool.submit(drawn, self._command, dot, key, self._cache)
        return job

    def result(self, job: int) -> tuple[str, bool]:
        return self._futures.pop(job).result()

    def close(self) -> None:
        self._pool.shutdown()

    def kill(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def start_drawer(command: list[str], cache_dir: Path | None) -> Drawer | ThreadDrawer:
    """The drawing process, or threads of this one if no process can be started."""
    try:
        return Drawer(command, cache_dir)
    except OSError:
        return ThreadDrawer(command, cache_dir)


def _nicer() -> None:
    """A drawing thread (and the engines it starts) gives way to the build's own.
    Linux alone sets one thread's niceness (elsewhere it would be the whole build's)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _read_frame(stream: IO[bytes]) -> tuple[int, int, bytes] | None:
    """The next frame (job, status, bytes), or None at the end of the stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    job, status, length = _HEADER.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return job, status, payload


def serve(
    command: list[str], cache: SvgCache | None, requests: IO[bytes], answers: IO[bytes]
) -> None:
    """Draw every request read from ``requests`` and write each answer to ``answers``
    as soon as it is drawn (in the order they finish), until ``requests`` ends."""
    outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def write() -> None:  # one writer: an answer the build does not read yet waits here
        while (frame := outgoing.get()) is not None:
            answers.write(frame)
            answers.flush()

    def draw(job: int, key: str | None, dot: str) -> None:
        try:
            svg, now = drawn(command, dot, key, cache)
            status, payload = (DRAWN if now else KEPT), svg.encode("utf-8")
        except RenderError as error:
            status, payload = FAILED, str(error).encode("utf-8")
        except Exception as error:  # every job is answered: a page waits for it
            status, payload = FAILED, f"Graphviz could not draw it: {error}".encode()
        outgoing.put(_HEADER.pack(job, status, len(payload)) + payload)

    writer = threading.Thread(target=write, name="answers")
    writer.start()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2, initializer=_nicer) as pool:
        while (request := _read_frame(requests)) is not None:
            job, _, payload = request
            key, _, dot = payload.partition(b"\0")
            pool.submit(draw, job, key.decode("ascii") or None, dot.decode("utf-8"))
    outgoing.put(None)
    writer.join()


def main() -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}")
    parser.add_argument("--cache", type=Path, help="the SVG cache's folder")
    parser.add_argument("command", nargs="+", help="the Graphviz command, after --")
    arguments = parser.parse_args()
    cache = SvgCache(arguments.cache) if arguments.cache is not None else None
    serve(arguments.command, cache, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
