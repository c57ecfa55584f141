"""`--at DATE|REVISION`: the register as it stood, read from git, equal to a checkout's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from registry.cli import main
from tests.dated_repo import DatedRepo, commit, edit, git, make_dated_repo


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> DatedRepo:
    return make_dated_repo(tmp_path_factory.mktemp("dated") / "repo")


@pytest.fixture(scope="module")
def checkouts(dated: DatedRepo, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One clone per step, checked out at that step's commit."""
    folders = []
    for index, sha in enumerate(dated.commits):
        clone = tmp_path_factory.mktemp(f"checkout-{index}") / "repo"
        subprocess.run(["git", "clone", "-q", str(dated.path), str(clone)], check=True)
        git(clone, "checkout", "-q", sha)
        folders.append(clone)
    return folders


def ropa(capsys, cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# (the date asked, the step whose commit is read)
DATES = [
    ("2026-01-10", 0),  # the day of the first commit: "on or before" includes it
    ("2026-01-31", 0),
    ("2026-02-10", 1),
    ("2026-03-09", 1),
    ("2026-03-10", 2),
    ("2026-12-31", 2),
]

COMMANDS = [
    ["export", "--format", "json"],
    ["export", "--format", "csv", "--template", "ico"],
    ["export", "--format", "csv", "--template", "cnil", "--record", "controller"],
    ["check", "--format", "json"],
    ["check", "--format", "sarif"],
    ["check"],
    ["graph", "--view", "overview"],
    ["trace", "lab-results", "--format", "json"],
    ["impact", "backup", "--format", "json"],
]


@pytest.mark.parametrize(("day", "step"), DATES)
def test_at_a_date_gives_exactly_what_the_checkout_of_that_day_gives(
    dated: DatedRepo, checkouts: list[Path], capsys, monkeypatch, day: str, step: int
) -> None:
    for command in COMMANDS:
        dates = ["--as-of", day] if command[0] in ("export", "check", "impact") else []
        code, at_out, at_err = ropa(capsys, dated.path, monkeypatch, *command, "--at", day)
        expected_code, checkout_out, _ = ropa(
            capsys, checkouts[step], monkeypatch, *command, *dates
        )
        assert (code, at_out) == (expected_code, checkout_out), command
        assert at_err.startswith(
            f"ropa: read inventory at commit {dated.commits[step]} of "
            f"{('2026-01-10', '2026-02-10', '2026-03-10')[step]} "
            f"(the last commit on or before {day})"
        ), at_err
    if step == 0:
        assert "Billing (SAP)" not in at_out


def test_the_xlsx_export_at_a_date_is_byte_identical_to_the_checkouts(
    dated: DatedRepo, checkouts: list[Path], capsys, monkeypatch, tmp_path: Path
) -> None:
    at_file, checkout_file = tmp_path / "at.xlsx", tmp_path / "checkout.xlsx"
    code, _, _ = ropa(
        capsys, dated.path, monkeypatch,
        "export", "--format", "xlsx", "--at", "2026-02-20", "--out", str(at_file),
    )  # fmt: skip
    assert code == 0
    code, _, _ = ropa(
        capsys, checkouts[1], monkeypatch,
        "export", "--format", "xlsx", "--as-of", "2026-02-20", "--out", str(checkout_file),
    )  # fmt: skip
    assert code == 0
    assert at_file.read_bytes() == checkout_file.read_bytes()


def test_expiries_are_judged_on_the_date_asked_unless_as_of_says_otherwise(
    dated: DatedRepo, capsys, monkeypatch
) -> None:
    """Step 3 makes the processor's contract end on 2026-06-30."""
    _, report, _ = ropa(
        capsys, dated.path, monkeypatch, "check", "--format", "json", "--at", "2026-12-31"
    )
    document = json.loads(report)
    expired = [f for f in document["findings"] if "expired on 2026-06-30" in f["message"]]
    assert expired, document["findings"]
    assert document["as_of"] == "2026-12-31"
    _, report, _ = ropa(
        capsys, dated.path, monkeypatch,
        "check", "--format", "json", "--at", "2026-12-31", "--as-of", "2026-04-01",
    )  # fmt: skip
    document = json.loads(report)
    assert document["as_of"] == "2026-04-01"
    assert not [f for f in document["findings"] if "expired on 2026-06-30" in f["message"]]
    # …but it ends within 90 days of that date: the early warning (DPA-007) says so
    assert [f["rule"] for f in document["findings"] if "2026-06-30" in f["message"]] == [
        "DPA-007"
    ]


def test_a_revision_is_read_as_of_its_own_date(dated: DatedRepo, capsys, monkeypatch) -> None:
    code, out, err = ropa(
        capsys, dated.path, monkeypatch, "export", "--format", "json", "--at", "HEAD~2"
    )
    assert code == 0
    assert json.loads(out)["as_of"] == "2026-01-10"
    assert err == (
        f"ropa: read inventory at commit {dated.commits[0]} of 2026-01-10 (revision HEAD~2)\n"
    )
    code, out, _ = ropa(capsys, dated.path, monkeypatch, "export", "--at", dated.commits[1][:10])
    assert code == 0 and "Billing (SAP)" in out


def test_a_date_before_the_first_commit_is_one_clear_error(
    dated: DatedRepo, capsys, monkeypatch
) -> None:
    for command in (["check"], ["export"], ["graph"], ["trace", "identity"], ["impact", "lis"]):
        code, out, err = ropa(capsys, dated.path, monkeypatch, *command, "--at", "2026-01-09")
        assert code == 2 and out == ""
        assert err == (
            f"ropa: error: 2026-01-09 is before the repository's first commit "
            f"({dated.commits[0][:12]}, 2026-01-10): there was no register yet\n"
        )


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-02-30", "ropa: error: --at '2026-02-30' is not a date (YYYY-MM-DD)\n"),
        ("no-such-branch", "ropa: error: 'no-such-branch' is not a revision of this repository\n"),
        ("--help", "ropa: error: '--help' is not a revision\n"),
    ],
)
def test_a_bad_date_or_revision_is_one_clear_error(
    dated: DatedRepo, capsys, monkeypatch, at: str, message: str
) -> None:
    code, out, err = ropa(capsys, dated.path, monkeypatch, "check", f"--at={at}")
    assert (code, out, err) == (2, "", message)


def test_outside_a_repository_and_a_file_path_are_clear_errors(
    dated: DatedRepo, capsys, monkeypatch, tmp_path: Path
) -> None:
    code, _, err = ropa(capsys, tmp_path, monkeypatch, "check", "--at", "2026-02-01")
    assert code == 2 and err.startswith("ropa: error: ") and "not inside a git repository" in err
    code, _, err = ropa(
        capsys, dated.path, monkeypatch, "check", "inventory/systems.yaml", "--at", "HEAD"
    )
    assert (code, err) == (
        2,
        "ropa: error: --at reads an inventory folder, and 'inventory/systems.yaml' is a file\n",
    )
    code, _, err = ropa(capsys, dated.path, monkeypatch, "check", "nowhere/", "--at", "HEAD")
    assert code == 2 and "there is no inventory (YAML files) at 'nowhere'" in err


def test_an_inventory_named_from_outside_its_repository(
    dated: DatedRepo, checkouts: list[Path], capsys, monkeypatch, tmp_path: Path
) -> None:
    inventory = str(dated.path / "inventory")
    code, out, err = ropa(capsys, tmp_path, monkeypatch, "export", inventory, "--at", "2026-02-11")
    assert code == 0 and f"at commit {dated.commits[1]} " in err
    _, expected, _ = ropa(
        capsys, tmp_path, monkeypatch,
        "export", str(checkouts[1] / "inventory"), "--as-of", "2026-02-11",
    )  # fmt: skip
    assert out == expected


def test_the_work_tree_is_never_read_nor_touched(
    dated: DatedRepo, checkouts: list[Path], capsys, monkeypatch, tmp_path: Path
) -> None:
    repo = tmp_path / "busy"
    subprocess.run(["git", "clone", "-q", str(dated.path), str(repo)], check=True)
    edit(repo, "systems.yaml", "name: Billing (SAP)\n", "name: Billing (uncommitted)\n")
    (repo / "inventory" / "draft.yaml").write_text("kind: System\nid: draft\n", "utf-8")
    before = git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")
    stamps = {p: p.stat().st_mtime_ns for p in (repo / "inventory").iterdir()}
    code, out, _ = ropa(capsys, repo, monkeypatch, "export", "--format", "json", "--at", "HEAD")
    assert code == 0
    assert "uncommitted" not in out and "draft" not in out
    assert (git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")) == before
    assert {p: p.stat().st_mtime_ns for p in (repo / "inventory").iterdir()} == stamps
    _, expected, _ = ropa(capsys, checkouts[2], monkeypatch, "export", "--format", "json",
                          "--as-of", "2026-03-10")  # fmt: skip
    assert out == expected


def test_a_branch_merged_later_was_not_in_the_register_before_its_merge(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """First parents only: a feature branch's own commit dated 02-15, merged on 03-20,
    is not the register of 02-20."""
    repo = make_dated_repo(tmp_path / "repo").path
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    edit(repo, "systems.yaml", "name: Off-site backup", "name: Feature backup")
    commit(repo, "2026-02-15", "feature")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "feature", date="2026-03-20")
    _, out, err = ropa(capsys, repo, monkeypatch, "export", "--at", "2026-02-20")
    assert "Feature backup" not in out and "of 2026-02-10" in err
    _, out, err = ropa(capsys, repo, monkeypatch, "export", "--at", "2026-03-20")
    assert "Feature backup" in out and "of 2026-03-20" in err


def test_that_commits_ropa_yaml_and_baseline_are_used(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = make_dated_repo(tmp_path / "repo").path
    monkeypatch.chdir(repo)
    # The register moves to register/, with a baseline of its findings then.
    git(repo, "mv", "inventory", "register")
    (repo / "ropa.yaml").write_text("inventory: register\nbaseline: known.json\n", "utf-8")
    assert main(["baseline", "write", "known.json", "--as-of", "2026-12-31"]) == 0
    commit(repo, "2026-04-01", "register/ and a baseline")
    capsys.readouterr()
    late = ["--as-of", "2026-12-31"]  # when the contract has ended: findings to baseline
    _, out, err = ropa(capsys, repo, monkeypatch, "check", "--at", "2026-04-02", *late)
    assert "register/organisations.yaml" in out and "(baseline)" in out
    assert err.startswith("ropa: read register at commit")
    # Before: inventory/, no baseline, whatever today's ropa.yaml says.
    code, out, err = ropa(capsys, repo, monkeypatch, "check", "--at", "2026-03-31", *late)
    assert "inventory/organisations.yaml" in out and "(baseline)" not in out
    assert err.startswith("ropa: read inventory at commit") and code == 1


def test_a_shallow_clone_says_to_fetch_the_history(
    dated: DatedRepo, capsys, monkeypatch, tmp_path: Path
) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{dated.path}", str(clone)], check=True
    )
    code, _, err = ropa(capsys, clone, monkeypatch, "check", "--at", "2026-02-01")
    assert code == 2
    assert "this clone is shallow" in err and "fetch-depth: 0" in err
