"""A git repository whose inventory was committed in three steps, on known dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"

# (committer date, what changed): the lab inventory, then two edits
STEPS = ("2026-01-10", "2026-02-10", "2026-03-10")


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def git_as_dpo(repo: Path, *args: str, date: str = "2026-01-01T12:00:00") -> None:
    """Git as the example's DPO (a name with an accent, as history pages show it), at a
    full timestamp: the site's history tests read who changed what and when."""
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Claire Lemaître",
        GIT_AUTHOR_EMAIL="dpo@example.org",
        GIT_COMMITTER_NAME="Claire Lemaître",
        GIT_COMMITTER_EMAIL="dpo@example.org",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
    )
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def edit(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "inventory" / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def commit(repo: Path, date: str, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@dataclass
class DatedRepo:
    path: Path
    commits: list[str]  # one per step of STEPS


def make_dated_repo(path: Path) -> DatedRepo:
    """Step 1: the lab inventory; step 2: more patients and a renamed system; step 3:
    the processor's contract now ends on 2026-06-30."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    shutil.copytree(LAB, path / "inventory")
    commits = [commit(path, STEPS[0], "the lab's register")]
    edit(path, "activities.yaml", "estimated_subjects: 5000", "estimated_subjects: 6000")
    edit(path, "systems.yaml", "name: Billing\n", "name: Billing (SAP)\n")
    commits.append(commit(path, STEPS[1], "more patients; billing is SAP"))
    edit(path, "organisations.yaml", "expires: 2028-01-15", "expires: 2026-06-30")
    commits.append(commit(path, STEPS[2], "the backup contract ends in June"))
    return DatedRepo(path, commits)
