"""Read the inventory as it was at a git revision, without touching the work tree."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from registry.core.errors import CannotRun
from registry.core.loader import MAX_FILE_BYTES, YAML_SUFFIXES


class GitError(CannotRun):
    """Git cannot answer: one clear line for the user."""


def _git(
    args: list[str], cwd: Path, data: bytes | None = None, timeout: float = 120
) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, check=False, timeout=timeout
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` did not answer within {timeout:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"`git {args[0]}` failed")
    return done.stdout


def output(args: list[str], cwd: Path, timeout: float = 120) -> str | None:
    """What ``git args`` prints, or None when git is missing, times out or fails: for
    what only adds to a page (its history, its date), never for what a command needs."""
    try:
        return _git(args, cwd, timeout=timeout).decode("utf-8", "replace")
    except (GitError, OSError):
        return None


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


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.date  # the committer's date, in the committer's time zone (`git log`'s %cs)
    subject: str


def commit_info(sha: str, root: Path) -> Commit:
    out = _git(["log", "-1", "--format=%H%x00%cs%x00%s", sha, "--"], root).decode(
        "utf-8", "replace"
    )
    full, date, subject = out.rstrip("\n").split("\0", 2)
    return Commit(full, dt.date.fromisoformat(date), subject)


def commit_on_or_before(day: dt.date, root: Path, start: str = "HEAD") -> Commit:
    """The last commit on ``start``'s first-parent line dated on or before ``day``.

    First parents only: a branch merged on the 10th was not in the register on the 9th,
    whatever its own commits' dates. The date is the committer's (when the change
    landed; a rebase or a merge keeps an older author date), on the committer's own
    calendar, as `git log` shows it.
    """
    out = _git(["log", "--first-parent", "--format=%H %cs", start, "--"], root).decode()
    lines = out.split()
    pairs = list(zip(lines[0::2], lines[1::2], strict=True))
    for sha, date in pairs:  # newest first
        if dt.date.fromisoformat(date) <= day:
            return commit_info(sha, root)
    if not pairs:
        raise GitError("the repository has no commit yet")
    first_sha, first_date = pairs[-1]
    if _git(["rev-parse", "--is-shallow-repository"], root).strip() == b"true":
        raise GitError(
            f"this clone is shallow and its history starts on {first_date}, after {day}: "
            "fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` "
            "in actions/checkout)"
        )
    raise GitError(
        f"{day} is before the repository's first commit ({first_sha[:12]}, {first_date}): "
        "there was no register yet"
    )


def read_file(commit: str, path: str, root: Path) -> bytes | None:
    """One file's bytes at ``commit`` (``path`` relative to the repository root), or
    None when the commit has no such file."""
    listing = _git(["ls-tree", "-z", "--full-tree", commit, "--", path], root)
    entry = listing.split(b"\0")[0]
    meta, _, name = entry.partition(b"\t")
    if not entry or name.decode("utf-8", "surrogateescape") != path:
        return None
    mode, kind, sha = meta.decode().split()
    if kind != "blob" or mode == "120000":
        return None
    return _git(["cat-file", "blob", sha], root)


def is_folder(commit: str, path: str, root: Path) -> bool:
    if not path:
        return True
    listing = _git(["ls-tree", "-z", "--full-tree", commit, "--", path], root)
    entry = listing.split(b"\0")[0]
    meta, _, name = entry.partition(b"\t")
    return bool(entry) and name.decode("utf-8", "surrogateescape") == path and b" tree " in meta


def last_change(commit: str, path: str, root: Path) -> dt.date | None:
    """The date of the last commit up to ``commit`` that touched ``path``."""
    out = _git(["log", "-1", "--format=%cs", commit, "--", path or "."], root).strip()
    return dt.date.fromisoformat(out.decode()) if out else None


def modified(path: Path, root: Path) -> bool:
    """Whether ``path`` in the work tree differs from the commit checked out (changed,
    staged or untracked files)."""
    out = _git(["status", "--porcelain", "--untracked-files=normal", "--", str(path)], root)
    return bool(out.strip())


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
