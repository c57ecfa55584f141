"""`ropa-manifest.json`: what a build published, and proof that a copy is unchanged.

Every site build writes, beside its pages, the commit the register was read from,
the ropa version, the date its expiries were judged on, and the SHA-256 of every
published file (the exports among them, also listed on their own). The builds are
deterministic, so an auditor who rebuilds that commit with that version on that
date gets the same hashes; :func:`verify_folder` and :func:`verify_file` recompute
them for a copy (a downloaded site, one spreadsheet received by e-mail).

A manifest proves only what the manifest it is checked against says: take that one
from a source you trust (the CI's signed attestation, or your own rebuild).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry import __version__
from registry.core.errors import CannotRun

MANIFEST_NAME = "ropa-manifest.json"
FORMAT = "ropa-manifest"
VERSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Provenance:
    """Where a build's register came from."""

    commit: str | None  # None: the inventory is not in a git repository
    commit_date: dt.date | None
    inventory: str  # the inventory folder, inside the repository when there is one
    as_of: dt.date
    at: str | None = None  # the date or revision asked for (`at:`), if any
    inventory_modified: bool = False  # uncommitted changes were built, not the commit
    # What else shapes the bytes, for a rebuild: MkDocs, the theme, the diagram engine
    built_with: dict[str, str] = field(default_factory=dict)

    def footer(self) -> str:
        """One line for the site's footer (plain text: themes insert it as HTML)."""
        if self.commit is None:
            source = "Register built from files outside git"
        else:
            source = f"Register at commit {self.commit[:12]} of {self.commit_date}"
            if self.inventory_modified:
                source += ", with uncommitted changes"
        return f"{source} · dates judged as of {self.as_of} · ropa {__version__}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_files(folder: Path) -> list[str]:
    """Every file under ``folder`` (not the manifest), as sorted POSIX paths. Symbolic
    links are not followed: a published site has none, and a copy must not gain any."""
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders.sort()
        # Paths as strings: a Path and relative_to() per file cost a second at 14,000.
        inside = Path(directory).relative_to(folder).as_posix()
        prefix = "" if inside == "." else inside + "/"
        for name in names:
            relative = prefix + name
            if relative != MANIFEST_NAME:
                found.append(relative)
    return sorted(found)


def manifest(
    folder: Path,
    provenance: Provenance,
    exports: list[str],
    known: dict[str, tuple[tuple[int, int, int], str]] | None = None,
) -> bytes:
    """The manifest of the site built into ``folder``; ``exports`` are the paths of the
    register's downloads (CSV, XLSX, JSON) among its files. ``known``: each file's
    (inode, size, modification time) and digest at the last call, kept up to date — a
    file that kept all three is not read again (`mkdocs serve --dirty` rewrites only
    the pages that changed: hashing 550 MB again took seconds)."""
    if known is None:
        files = {name: sha256(folder / name) for name in published_files(folder)}
    else:
        files = {}
        for name in published_files(folder):
            stat = (folder / name).stat()
            seen = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            kept = known.get(name)
            if kept is None or kept[0] != seen:
                kept = known[name] = (seen, sha256(folder / name))
            files[name] = kept[1]
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "ropa_version": __version__,
        "commit": provenance.commit,
        "commit_date": provenance.commit_date.isoformat() if provenance.commit_date else None,
        "inventory": provenance.inventory,
        "inventory_modified": provenance.inventory_modified,
        "at": provenance.at,
        "as_of": provenance.as_of.isoformat(),
        "built_with": dict(sorted(provenance.built_with.items())),
        "exports": {name: files[name] for name in sorted(exports) if name in files},
        "files": files,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(
    folder: Path,
    provenance: Provenance,
    exports: list[str],
    known: dict[str, tuple[tuple[int, int, int], str]] | None = None,
) -> Path:
    path = folder / MANIFEST_NAME
    path.write_bytes(manifest(folder, provenance, exports, known))
    return path


# --- verifying a copy -----------------------------------------------------------------


@dataclass
class Verdict:
    """What a copy holds compared with a manifest."""

    manifest: Path
    document: dict[str, Any]
    matched: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "changed: …", "missing: …"

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.matched)

    def origin(self) -> str:
        d = self.document
        commit = d.get("commit")
        source = f"commit {commit} of {d.get('commit_date')}" if commit else "files outside git"
        if d.get("inventory_modified"):
            source += " with uncommitted changes"
        return f"{source}, as of {d.get('as_of')}, ropa {d.get('ropa_version')}"


def load_manifest(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise CannotRun(f"no manifest at {str(path)!r}") from None
    except OSError as error:
        raise CannotRun(f"cannot read {str(path)!r}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CannotRun(f"{str(path)!r} is not JSON: not a ropa manifest") from None
    files = document.get("files") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or document.get("version") != VERSION
        or not isinstance(files, dict)
        or not all(
            isinstance(name, str) and isinstance(digest, str) and _SHA256.fullmatch(digest)
            for name, digest in files.items()
        )
    ):
        raise CannotRun(f"{str(path)!r} is not a ropa manifest (version {VERSION})")
    return document


def verify_folder(folder: Path, manifest_path: Path | None = None) -> Verdict:
    """Every file of ``folder`` against the manifest (its own by default): changed,
    missing, and files the manifest does not list are all mismatches."""
    path = manifest_path or folder / MANIFEST_NAME
    document = load_manifest(path)
    verdict = Verdict(path, document)
    expected: dict[str, str] = document["files"]
    present = set(published_files(folder))
    for name in sorted(expected):
        target = folder / name
        if name not in present or not target.is_file():
            verdict.problems.append(f"missing: {name}")
        elif sha256(target) != expected[name]:
            verdict.problems.append(f"changed: {name}")
        else:
            verdict.matched.append(name)
    verdict.problems += [f"not in the manifest: {name}" for name in sorted(present - set(expected))]
    return verdict


def verify_file(file: Path, manifest_path: Path, name: str | None = None) -> Verdict:
    """One file against a manifest. ``name``: its path in the site the manifest
    describes, when known (a file of a site copy), and then only that entry counts.
    Else (an export received alone) it matches when its hash is that of a published
    file, and one of the same name with another hash differs."""
    document = load_manifest(manifest_path)
    verdict = Verdict(manifest_path, document)
    digest = sha256(file)
    expected: dict[str, str] = document["files"]
    if name is not None:
        if name not in expected:
            verdict.problems.append(f"not in the manifest: {name}")
        elif expected[name] != digest:
            verdict.problems.append(f"changed: {name}")
        else:
            verdict.matched.append(name)
        return verdict
    same = sorted(name for name, value in expected.items() if value == digest)
    if same:
        verdict.matched.append(f"{file.name} = {same[0]}")
        return verdict
    named = sorted(name for name in expected if name.rsplit("/", 1)[-1] == file.name)
    if named:
        verdict.problems.append(f"changed: {file.name} differs from {named[0]}")
    else:
        verdict.problems.append(f"unknown: {file.name} is none of the manifest's files")
    return verdict
