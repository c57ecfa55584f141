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
  one Graphviz at a time per core, each drawing a few diagrams, each SVG made as the pages embed it
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
import functools
import os
import queue
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

from registry.outputs.render.cache import SvgCache
from registry.outputs.render.engine import RenderError, run_engine, run_engine_batch
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


class Channel:
    """The build's end of the pipes to a drawing process: requests written as they
    come, answers read when a page needs one (those read on the way are kept). Used
    from one thread, the build's."""

    def __init__(self, requests: IO[bytes], answers: IO[bytes], stop: Callable[[], str]) -> None:
        self._requests, self._answers = requests, answers
        self._stop = stop  # ends the process; why it ended, said after "stopped"
        self._kept: dict[int, tuple[int, bytes]] = {}
        self._stopped: str | None = None

    def send(self, job: int, payload: bytes) -> None:
        try:
            self._requests.write(_HEADER.pack(job, 0, len(payload)) + payload)
            self._requests.flush()
        except OSError:  # it stopped: answer() says why
            self._stopped = self._stopped or self._stop()

    def answer(self, job: int) -> tuple[int, bytes]:
        """Job ``job``'s status and bytes, waiting for them; :class:`RenderError` when
        the process stopped before it answered."""
        while job not in self._kept:
            frame = None if self._stopped else read_frame(self._answers)
            if frame is None:
                self._stopped = self._stopped or self._stop()
                raise RenderError(f"the process drawing the diagrams stopped{self._stopped}")
            self._kept[frame[0]] = frame[1:]
        return self._kept.pop(job)

    def close(self) -> None:
        """No more requests; every answer read (the process ends after the last)."""
        with contextlib.suppress(OSError):
            self._requests.close()
        if self._stopped is None:
            while read_frame(self._answers) is not None:
                pass  # answers nobody asked for (a build that stopped early)
        self._answers.close()


class Drawer:
    """The drawing process, seen from the build: DOT in, SVG out."""

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
        assert self._process.stdin is not None and self._process.stdout is not None
        for pipe in (self._process.stdin, self._process.stdout):
            _widen(pipe.fileno())
        self._channel = Channel(self._process.stdin, self._process.stdout, self._ended)
        self._jobs = 0

    def submit(self, dot: str, key: str | None) -> int:
        """Hand ``dot`` over; the job's number, for :meth:`result`."""
        job = self._jobs
        self._jobs += 1
        self._channel.send(job, (key or "").encode("ascii") + b"\0" + dot.encode("utf-8"))
        return job

    def result(self, job: int) -> tuple[str, bool]:
        """Job ``job``'s SVG and whether it was drawn now (else read from the cache),
        waiting for it; :class:`RenderError` when it could not be drawn."""
        status, payload = self._channel.answer(job)
        if status == FAILED:
            raise RenderError(payload.decode("utf-8", "replace"))
        return payload.decode("utf-8"), status == DRAWN

    def close(self) -> None:
        """No more jobs: the process ends once it has answered every one."""
        self._channel.close()
        self._process.wait()
        self._errors.close()

    def kill(self) -> None:
        """The build failed: stop drawing now."""
        self._process.kill()
        self._process.wait()
        self._errors.close()

    def _ended(self) -> str:
        self._process.kill()
        code = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode("utf-8", "replace").splitlines()
        last = [line for line in said if line.strip()]
        return f" (exit status {code}{': ' + last[-1].strip() if last else ''})"


class ThreadDrawer:
    """Draws in threads of the build's own process, as :class:`Drawer` does in its
    own: where no process can be started (slower, see the module's docstring)."""

    def __init__(self, command: list[str], cache_dir: Path | None) -> None:
        self._command = command
        # its own handle on the folder: the batch counts what it took (SvgCache.taken)
        self._cache = SvgCache(cache_dir) if cache_dir is not None else None
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, initializer=_nicer)
        self._futures: dict[int, Future[tuple[str, bool]]] = {}
        self._jobs = 0

    def submit(self, dot: str, key: str | None) -> int:
        job = self._jobs
        self._jobs += 1
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


def _widen(pipe: int) -> None:
    """A pipe of 1 MiB rather than 64 KiB (Linux): a few diagrams' DOTs or SVGs, so
    that neither side waits for the other to read each one."""
    try:
        import fcntl  # not on Windows
    except ImportError:
        return
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):  # a system limit lower than 1 MiB: as it is
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)


def read_frame(stream: IO[bytes]) -> tuple[int, int, bytes] | None:
    """The next frame (job, status, bytes), or None at the end of the stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    job, status, length = _HEADER.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return job, status, payload


class Answers:
    """The drawing process's end of the answers' pipe: one thread writes each answer
    as it is ready, so that Graphviz never waits for the build to read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="answers")
        self._writer.start()

    def put(self, job: int, status: int, payload: bytes) -> None:
        self._outgoing.put(_HEADER.pack(job, status, len(payload)) + payload)

    def close(self) -> None:
        self._outgoing.put(None)
        self._writer.join()

    def _write(self) -> None:
        while (frame := self._outgoing.get()) is not None:
            self._stream.write(frame)
            self._stream.flush()


_Request = tuple[str, str | None, Callable[[int, bytes], None]]  # DOT, cache key, answer


class Graphviz:
    """One Graphviz at a time per core, each run drawing up to :data:`BATCH` diagrams
    (:func:`~registry.outputs.render.engine.run_engine_batch`): a thread per core takes
    the next request and those that come within :data:`LINGER` seconds (a build hands
    DOTs over as it makes its pages, faster than one a run would batch them, and a page
    waits for its picture only when it is written). (The build asks for each distinct
    DOT once.)"""

    BATCH = 16  # measured: 1 → 16 a run, Graphviz's CPU ~25 % less; more, nothing more
    LINGER = 0.25  # seconds: a cold build at M makes ~120 DOTs a second

    def __init__(self, command: list[str], cache: SvgCache | None) -> None:
        self._command, self._cache = command, cache
        self._waiting: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"graphviz-{number}")
            for number in range(os.cpu_count() or 2)
        ]
        for thread in self._threads:
            thread.start()

    def draw(self, dot: str, key: str | None, done: Callable[[int, bytes], None]) -> None:
        """Draw ``dot`` (or take it from the cache under ``key``); then ``done`` is
        called with the answer's status and bytes, from a drawing thread."""
        self._waiting.put((dot, key, done))

    def close(self) -> None:
        """Every request drawn and answered."""
        for _ in self._threads:
            self._waiting.put(None)  # one end mark each
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        _nicer()
        while (request := self._waiting.get()) is not None:
            batch = [request]
            until = time.monotonic() + self.LINGER
            while len(batch) < self.BATCH:
                try:
                    following = self._waiting.get(timeout=max(0.0, until - time.monotonic()))
                except queue.Empty:
                    break
                if following is None:  # another thread's end mark: left for it
                    self._waiting.put(None)
                    break
                batch.append(following)
            self._answer(batch)

    def _answer(self, batch: list[_Request]) -> None:
        requests = [(dot, key) for dot, key, _ in batch]
        answers = answered_together(self._command, requests, self._cache)
        for (_, _, done), (status, payload) in zip(batch, answers, strict=True):
            done(status, payload)


def answered_together(
    command: list[str], requests: list[tuple[str, str | None]], cache: SvgCache | None
) -> list[tuple[int, bytes]]:
    """Each request's answer (status, bytes): its SVG from the cache under its key, else
    drawn with the others the cache lacks in one Graphviz run; one by one when that run
    fails (then each says whether it could be drawn, and why not)."""
    answers: list[tuple[int, bytes] | None] = [None] * len(requests)
    to_draw = []
    for index, (_, key) in enumerate(requests):
        kept = cache.get(key) if cache is not None and key else None
        if kept is not None:
            answers[index] = (KEPT, kept.encode("utf-8"))
        else:
            to_draw.append(index)
    svgs: list[str] | None = None
    if len(to_draw) > 1:
        try:
            dots = [requests[index][0] for index in to_draw]
            svgs = [embed(svg) for svg in run_engine_batch(command, dots)]
        except Exception:  # one by one below
            svgs = None
    for place, index in enumerate(to_draw):
        dot, key = requests[index]
        try:
            svg = svgs[place] if svgs is not None else embed(run_engine(command, dot))
        except RenderError as error:
            answers[index] = (FAILED, str(error).encode("utf-8"))
            continue
        except Exception as error:  # every job is answered: a page waits for it
            answers[index] = (FAILED, f"Graphviz could not draw it: {error}".encode())
            continue
        if cache is not None and key:
            cache.put(key, svg)
        answers[index] = (DRAWN, svg.encode("utf-8"))
    return [answer for answer in answers if answer is not None]


def serve(
    command: list[str], cache: SvgCache | None, requests: IO[bytes], answers: IO[bytes]
) -> None:
    """Draw every request read from ``requests`` and write each answer to ``answers``
    as soon as it is drawn (in the order they finish), until ``requests`` ends."""
    out = Answers(answers)
    graphviz = Graphviz(command, cache)
    while (request := read_frame(requests)) is not None:
        job, _, payload = request
        key, _, dot = payload.partition(b"\0")
        graphviz.draw(
            dot.decode("utf-8"), key.decode("ascii") or None, functools.partial(out.put, job)
        )
    graphviz.close()
    out.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}")
    parser.add_argument("--cache", type=Path, help="the SVG cache's folder")
    parser.add_argument("command", nargs="+", help="the Graphviz command, after --")
    arguments = parser.parse_args()
    cache = SvgCache(arguments.cache) if arguments.cache is not None else None
    serve(arguments.command, cache, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
