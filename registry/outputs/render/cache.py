"""Diagrams drawn before, kept by the hash of what drew them: the engine and the DOT.

The same DOT drawn by the same engine gives the same SVG, so a rebuild draws only the
diagrams whose DOT changed: Graphviz is the dear part. The key is the
SHA-256 of the engine's identity (its path, size and modification time: a new
Graphviz draws afresh) and the DOT; the value is the engine's SVG as it wrote it.

The site keeps a diagram as its pages embed it (no prolog or comments, made smaller:
``registry.outputs.site.svg.compact``), under the key salted apart
(``--ropa-site-embedded-2``): a rebuild reads it back as it is.

A second level skips making the DOT too: ``views/KEY.json`` holds, under the key of
a view's inputs (:mod:`.inputs`), the caption the drawing had and the key of its SVG.

A cache directory is as trusted as the project that holds it: whoever can write there
can change the site, as whoever can write mkdocs.yml can. Entries are written whole
(a temporary file renamed) and one that is not a whole SVG is drawn again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path

_ENTRY = re.compile(r"\A[0-9a-f]{64}\.svg\Z")
_VIEW = re.compile(r"\A[0-9a-f]{64}\.json\Z")
VIEWS = "views"  # the folder, inside the cache, of the views' entries


class SvgCache:
    """A folder of SVG files named by content hash; counts what it served and stored."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()  # keys asked for since this cache was opened
        self.used_views: set[str] = set()  # views' input keys asked for
        self.hits = 0
        self.drawn = 0
        self._lock = threading.Lock()
        # Each folder's file names, listed once: a first build asks for thousands of
        # entries that are not there, and each failed open waits on the GIL again.
        self._listed: dict[Path, set[str]] = {}

    def _present(self, folder: Path, name: str) -> bool:
        with self._lock:
            names = self._listed.get(folder)
            if names is None:
                try:
                    names = {entry.name for entry in os.scandir(folder)}
                except OSError:
                    names = set()
                self._listed[folder] = names
            return name in names

    def _added(self, folder: Path, name: str) -> None:
        with self._lock:
            self._listed.setdefault(folder, set()).add(name)

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
        if not self._present(self.directory, f"{key}.svg"):
            return None
        try:
            # bytes decoded as the engine's output is: no newline translation
            svg = (self.directory / f"{key}.svg").read_bytes().decode("utf-8")
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
        _write(self.directory, f"{key}.svg", svg)
        self._added(self.directory, f"{key}.svg")

    def taken(self, key: str, *, drawn: bool) -> None:
        """``key`` was served by another process sharing this folder (the site's drawing
        process): count it, and keep its entry when this cache is pruned."""
        with self._lock:
            self.used.add(key)
            if drawn:
                self.drawn += 1
            else:
                self.hits += 1

    def recall(self, inputs: str) -> tuple[dict, str | None] | None:
        """What the view with these inputs drew: its caption (a dict) and its SVG (None
        for an empty view); None when either is not kept whole."""
        with self._lock:
            self.used_views.add(inputs)
        if not self._present(self.directory / VIEWS, f"{inputs}.json"):
            return None
        try:
            entry = json.loads((self.directory / VIEWS / f"{inputs}.json").read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("caption"), dict):
            return None
        svg_key = entry.get("svg")
        if svg_key is None:
            return entry["caption"], None
        if not isinstance(svg_key, str) or not _ENTRY.match(f"{svg_key}.svg"):
            return None
        svg = self.get(svg_key)
        return None if svg is None else (entry["caption"], svg)

    def remember(self, inputs: str, caption: dict, svg_key: str | None) -> None:
        """Keep, under a view's inputs, its caption and the key of its SVG."""
        with self._lock:
            self.used_views.add(inputs)
        text = json.dumps({"caption": caption, "svg": svg_key}, sort_keys=True)
        _write(self.directory / VIEWS, f"{inputs}.json", text)
        self._added(self.directory / VIEWS, f"{inputs}.json")

    def prune(self) -> int:
        """Remove the entries this cache was not asked for (after a whole build: the
        diagrams no page shows any more); other files are left alone. Returns how many."""
        removed = 0
        for folder, pattern, used in (
            (self.directory, _ENTRY, self.used),
            (self.directory / VIEWS, _VIEW, self.used_views),
        ):
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for path in entries:
                if pattern.match(path.name) and path.name.rsplit(".", 1)[0] not in used:
                    try:
                        path.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed


def _write(directory: Path, name: str, text: str) -> None:
    """``text`` written whole as ``directory/name`` (a temporary file renamed), or not
    at all: a cache that cannot be written is only slower."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
        os.replace(temporary, directory / name)
    except OSError:
        pass


def _identity(part: str) -> str:
    """A command word, and for a file its size and modification time."""
    try:
        stat = os.stat(part)
    except OSError:
        return part
    return f"{part}:{stat.st_size}:{stat.st_mtime_ns}"
