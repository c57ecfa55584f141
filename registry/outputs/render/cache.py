"""Diagrams drawn before, kept by the hash of what drew them: the engine and the DOT.

The same DOT drawn by the same engine gives the same SVG, so a rebuild draws only the
diagrams whose DOT changed: the DOT is cheap to make, Graphviz is not. The key is the
SHA-256 of the engine's identity (its path, size and modification time: a new
Graphviz draws afresh) and the DOT; the value is the engine's SVG as it wrote it.

A cache directory is as trusted as the project that holds it: whoever can write there
can change the site, as whoever can write mkdocs.yml can. Entries are written whole
(a temporary file renamed) and one that is not a whole SVG is drawn again.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from pathlib import Path

_ENTRY = re.compile(r"\A[0-9a-f]{64}\.svg\Z")


class SvgCache:
    """A folder of SVG files named by content hash; counts what it served and stored."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()  # keys asked for since this cache was opened
        self.hits = 0
        self.drawn = 0
        self._lock = threading.Lock()

    def key(self, command: list[str], dot: str) -> str:
        """The key of ``dot`` drawn by ``command`` (the engine)."""
        digest = hashlib.sha256()
        for part in command:
            digest.update(_identity(part).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(b"\0" + dot.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> str | None:
        """The SVG kept under ``key``, or None (absent, unreadable or not whole)."""
        with self._lock:
            self.used.add(key)
        try:
            svg = (self.directory / f"{key}.svg").read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if not svg.rstrip().endswith("</svg>"):
            return None
        with self._lock:
            self.hits += 1
        return svg

    def put(self, key: str, svg: str) -> None:
        """Keep ``svg`` under ``key``; a cache that cannot be written is only slower."""
        with self._lock:
            self.used.add(key)
            self.drawn += 1
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(svg)
            os.replace(temporary, self.directory / f"{key}.svg")
        except OSError:
            pass

    def prune(self) -> int:
        """Remove the entries this cache was not asked for (after a whole build: the
        diagrams no page shows any more); other files are left alone. Returns how many."""
        removed = 0
        try:
            entries = list(self.directory.iterdir())
        except OSError:
            return 0
        for path in entries:
            if _ENTRY.match(path.name) and path.name[:-4] not in self.used:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed


def _identity(part: str) -> str:
    """A command word, and for a file its size and modification time."""
    try:
        stat = os.stat(part)
    except OSError:
        return part
    return f"{part}:{stat.st_size}:{stat.st_mtime_ns}"
