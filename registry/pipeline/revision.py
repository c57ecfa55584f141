"""The register as it stood on a date, or at a revision: `--at` and the site's `at:`.

Everything is read from git objects (the work tree is never touched, so the files
a user is editing do not leak in): the inventory through the same reader as
`ropa diff`, and the ``ropa.yaml`` and baseline of that commit, so that a past
register is judged with the settings it had. Evidence of observed movements is not
taken from ``ropa.yaml`` then: the files on disk describe today's movements, not
those of that day. Give them explicitly to reconcile a past register with them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from registry.core.config import CONFIG_NAME, Config, load_config, parse_config
from registry.core.errors import CannotRun
from registry.core.git import (
    Commit,
    commit_info,
    commit_on_or_before,
    is_folder,
    read_file,
    read_inventory_files,
    repository_root,
    resolve,
)
from registry.core.loader import display_name
from registry.pipeline.baseline import Baseline
from registry.pipeline.baseline import parse as parse_baseline

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Snapshot:
    """The inventory and its settings at one commit, ready for the pipeline."""

    commit: Commit
    repository: Path  # the repository's root
    asked: str  # what the caller wrote: a date or a revision
    day: dt.date | None  # the date asked for, when one was
    path: str  # the inventory's folder inside the repository ("" for its root)
    files: tuple[tuple[str, bytes | None], ...]  # named as findings show them
    root: str
    config: Config
    baseline: Baseline | None

    @property
    def as_of(self) -> dt.date:
        """The day to judge expiries on, unless told otherwise: the date asked for, or
        the day of the commit asked for (the register as it stood then)."""
        return self.day or self.commit.date

    def describe(self) -> str:
        """One line for stderr or a build log: which commit was read, and why."""
        where = self.path or "the repository root"
        why = (
            f"the last commit on or before {self.day}"
            if self.day is not None
            else f"revision {self.asked}"
        )
        return f"{where} at commit {self.commit.sha} of {self.commit.date} ({why})"


def parse_at(at: str | dt.date) -> dt.date | str:
    """A date (YYYY-MM-DD) or a revision. A tag spelled like a date is a date: write
    it ``refs/tags/2025-03-31``."""
    if isinstance(at, dt.date):
        return at
    text = at.strip()
    if not text:
        raise CannotRun("--at needs a date (YYYY-MM-DD) or a revision")
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CannotRun(f"--at {text!r} is not a date (YYYY-MM-DD)") from None
    return text


def read_snapshot(at: str | dt.date, path: Path | None, directory: Path) -> Snapshot:
    """The inventory at ``at`` (a date, or a revision).

    ``path`` is the inventory folder as the caller names it (relative to the current
    directory), None for ``ropa.yaml``'s; ``directory`` is where ``ropa.yaml`` lives.
    """
    wanted = parse_at(at)
    directory = directory.resolve()
    given = None if path is None else Path(os.path.normpath(Path.cwd() / path))
    # The repository that holds the inventory named, else the one ropa.yaml is in.
    root = repository_root(_existing(given) if given is not None else directory)
    if isinstance(wanted, dt.date):
        commit = commit_on_or_before(wanted, root)
        day: dt.date | None = wanted
    else:
        commit = commit_info(resolve(wanted, root), root)
        day = None
    if directory.is_relative_to(root.resolve()):
        settings = read_file(commit.sha, _inside(directory / CONFIG_NAME, root), root)
        try:
            config = (
                Config(directory=directory)
                if settings is None
                else parse_config(settings.decode("utf-8"), directory)
            )
        except UnicodeDecodeError:
            raise CannotRun(f"{CONFIG_NAME} at {commit.sha[:12]} is not UTF-8") from None
    else:  # ropa.yaml is not part of that repository: as on a checkout, the one here
        config = load_config(directory)
    folder = Path(os.path.normpath(directory / config.inventory)) if given is None else given
    shown = config.inventory if path is None else str(path)
    inside = _inside(folder, root)
    own = path is None or folder == Path(os.path.normpath(directory / config.inventory))
    files = read_inventory_files(commit.sha, inside, root)
    if not files:
        raise CannotRun(
            f"at commit {commit.sha[:12]} of {commit.date} there is no inventory "
            f"(YAML files) at {shown!r}"
        )
    if not is_folder(commit.sha, inside, root):
        # On disk one file is checked in the context of its folder; here, name the folder.
        raise CannotRun(f"--at reads an inventory folder, and {shown!r} is a file")
    # Findings name files as they would on a checkout of that commit.
    named = tuple((display_name(root / name, folder), data) for name, data in files)
    known = None
    if own and config.baseline:
        raw = read_file(commit.sha, _inside(directory / config.baseline, root), root)
        # A baseline missing at that commit marks nothing: every finding is still shown.
        if raw is not None:
            known = parse_baseline(raw.decode("utf-8", "replace"), config.baseline)
    return Snapshot(
        commit=commit,
        repository=root,
        asked=str(at),
        day=day,
        path=inside,
        files=named,
        root=folder.as_posix() if path is None else path.as_posix(),
        config=config,
        baseline=known,
    )


def _existing(path: Path) -> Path:
    """``path``, or its nearest ancestor that exists (a folder removed since is read
    from git all the same)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path if path.is_dir() else path.parent


def _inside(path: Path, root: Path) -> str:
    """``path`` relative to the repository's root, in git's spelling."""
    try:
        relative = Path(os.path.normpath(path)).relative_to(root.resolve())
    except ValueError:
        raise CannotRun(f"{str(path)!r} is outside the git repository {str(root)!r}") from None
    return "" if relative == Path(".") else relative.as_posix()
