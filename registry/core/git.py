"""Read the inventory as it was at a git revision, without touching the work tree."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from registry.core.errors import CannotRun
from registry.core.loader import MAX_FILE_BYTES, YAML_SUFFIXES


class GitError(CannotRun):
    """Git cannot answer: one clear line for the user."""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` did not answer within 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"`git {args[0]}` failed")
    return done.stdout


def repository_root(cwd: Path) -> Path:
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError:
        raise GitError(f"{cwd} is not inside a git repository") from None
    return Path(out.decode().strip())


def resolve(revision: str, root: Path) -> str:
    """The commit a revision names (a branch, tag, sha, HEAD~1, origin/main…)."""
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    try:
        out = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root
        )
    except GitError:
        raise GitError(f"{revision!r} is not a revision of this repository") from None
    return out.decode().strip()


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(path).parts)


def read_inventory_files(commit: str, path: str, root: Path) -> list[tuple[str, bytes | None]]:
    """Every YAML file under ``path`` (relative to the repository root) at ``commit``;
    None for a file over the size limit (reported, never read)."""
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", "-l", commit, "--", path or "."], root)
    blobs: list[tuple[str, str]] = []
    too_large: list[tuple[str, bytes | None]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name_bytes = entry.partition(b"\t")
        mode, kind, sha, size = meta.decode().split()
        name = name_bytes.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode == "120000" or not name.endswith(YAML_SUFFIXES):
            continue  # symbolic links are not followed, as on disk
        if _hidden(PurePosixPath(name).relative_to(path).as_posix() if path else name):
            continue
        if int(size) > MAX_FILE_BYTES:
            too_large.append((name, None))
            continue
        blobs.append((name, sha))
    blobs.sort()
    if not blobs:
        return too_large
    request = b"".join(sha.encode() + b"\n" for _, sha in blobs)
    out = _git(["cat-file", "--batch"], root, request)
    files: list[tuple[str, bytes | None]] = []
    offset = 0
    for name, _ in blobs:
        header_end = out.index(b"\n", offset)
        size = int(out[offset:header_end].split()[2])
        start = header_end + 1
        files.append((name, out[start : start + size]))
        offset = start + size + 1  # the content is followed by a newline
    return sorted(files + too_large, key=lambda f: f[0])
