"""Each entity's history, from git: when its file changed, by whom, in which commit.

One ``git log`` over the inventory when the site is built, read into changes per file
(by the name findings give the file, so an entity finds its own through its position).
Outside a git repository, or without git, there is no history and the pages say
nothing of it: the site builds all the same. The same commits give the same pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from registry.core.git import output as git_output
from registry.core.inventory import Inventory
from registry.core.loader import display_name
from registry.core.model import Entity

_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Change:
    """One commit that changed a file of the inventory."""

    commit: str  # the full hash
    date: dt.date  # the commit's date
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass
class History:
    """Changes by file (newest first), and the files with changes not yet committed."""

    by_file: dict[str, list[Change]] = field(default_factory=dict)
    uncommitted: set[str] = field(default_factory=set)

    def file_of(self, inv: Inventory, entity: Entity) -> str | None:
        node = inv.nodes.get((entity.kind, entity.id))
        if node is None or (entity.kind, entity.id) in inv.builtin:
            return None
        return node.pos.file

    def of(self, inv: Inventory, entity: Entity) -> list[Change]:
        file = self.file_of(inv, entity)
        return self.by_file.get(file, []) if file else []

    def last_change(self, inv: Inventory, entity: Entity) -> Change | None:
        changes = self.of(inv, entity)
        return changes[0] if changes else None


def read_history(inventory: Path, at: str | None = None) -> History | None:
    """The history of every file under ``inventory``; None outside a git repository.

    ``at``: a commit — the history up to it, nothing uncommitted (a dated register, built
    from that commit, shows what a checkout of it would)."""
    inventory = inventory.resolve()
    cwd = inventory if inventory.is_dir() else inventory.parent
    top = git_output(["rev-parse", "--show-toplevel"], cwd)
    if top is None:
        return None
    root = Path(top.strip())
    log = git_output(
        [
            "log",
            "-z",
            "--no-renames",
            f"--format={_RECORD}%H{_FIELD}%cs{_FIELD}%an{_FIELD}%s",
            "--name-only",
            *([at] if at else []),
            "--",
            ".",
        ],
        cwd,
    )
    if log is None:
        return None
    history = History()
    names: dict[str, str] = {}  # repository path → the name findings give it

    def name(path: str) -> str:
        if path not in names:
            names[path] = display_name(root / path, inventory)
        return names[path]

    for record in log.split(_RECORD):
        head, _, files = record.partition("\0")
        parts = head.split(_FIELD)
        if len(parts) != 4:
            continue
        commit, date, author, subject = parts
        try:
            change = Change(commit, dt.date.fromisoformat(date), author, subject)
        except ValueError:
            continue
        for path in files.lstrip("\n").split("\0"):
            if path:
                history.by_file.setdefault(name(path), []).append(change)
    # Porcelain paths are relative to the repository root; -z: "XY path", NUL-separated
    # (a rename adds its old path as the next entry, which is skipped).
    status = (
        None
        if at
        else git_output(["status", "--porcelain", "-z", "--untracked-files=all", "--", "."], cwd)
    )
    entries = (status or "").split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) > 3:
            history.uncommitted.add(name(entry[3:]))
            if entry[0] in "RC":
                index += 1
    return history
