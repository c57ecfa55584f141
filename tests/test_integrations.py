"""The CI integrations: pre-commit hook, composite GitHub Action, workflow.

Read as data (YAML 1.2, so `on:` stays a key), and their shell steps executed for
real with ropa on PATH and a stub `gh`, so a renamed option or a broken script
fails here rather than in someone's pipeline.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry.cli import build_parser
from registry.core.loader import LoadResult, load_text
from tests.conftest import ROOT

BIN = Path(sys.executable).parent  # where the `ropa` console script is installed


def read_yaml(name: str):
    result = LoadResult()
    load_text((ROOT / name).read_text("utf-8"), name, result)
    assert not result.problems, result.problems
    (document,) = result.documents
    return document.body


def parses(command: str) -> None:
    """A `ropa …` command line is accepted by our CLI (exit 2 would mean it is not)."""
    argv = shlex.split(command)
    assert argv[0] == "ropa", command
    build_parser().parse_args(argv[1:])


def ropa_commands(script: str) -> list[str]:
    """`ropa …` lines of a step, with shell expansions replaced by sample values."""
    commands = []
    for line in script.splitlines():
        line = line.strip()
        if not line.startswith("ropa "):
            continue
        line = line.split(">", 1)[0]
        line = line.replace('"${args[@]}"', "inventory")
        line = re.sub(r'"?\$\{?(\w+)\}?"?', "sample", line)
        commands.append(line)
    return commands


def action_step(name: str) -> dict:
    (step,) = [s for s in read_yaml("action.yml")["runs"]["steps"] if s.get("name") == name]
    return step


def run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=cwd, env=full_env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


@pytest.fixture
def register(tmp_path: Path) -> Path:
    """A copy of this repository's register (ropa.yaml, inventory/, observed/)."""
    for name in ("inventory", "observed"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "ropa.yaml", tmp_path / "ropa.yaml")
    return tmp_path


# --- pre-commit -------------------------------------------------------------------


def test_pre_commit_hook():
    (hook,) = read_yaml(".pre-commit-hooks.yaml")
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("ropa-check", "python", False)
    parses(hook["entry"])
    files = re.compile(hook["files"])
    for name in ("inventory/systems/lis.yaml", "a.yml", "observed/e.jsonl", "observed/c.csv"):
        assert files.search(name), name
    assert not files.search("README.md")
    # language: python installs this repository, which must provide the `ropa` command
    assert 'ropa = "registry.cli:main"' in (ROOT / "pyproject.toml").read_text()


def test_pre_commit_entry_runs_on_a_register(register):
    run = subprocess.run(
        [str(BIN / "ropa"), *shlex.split(read_yaml(".pre-commit-hooks.yaml")[0]["entry"])[1:]],
        cwd=register, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


# --- the composite action ---------------------------------------------------------


def test_action_is_composite_with_pinned_actions():
    action = read_yaml("action.yml")
    assert action["runs"]["using"] == "composite"
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env, never pasted in (script injection)
            assert "${{" not in step["run"], step["name"]


def test_every_ropa_command_of_the_action_exists():
    commands = [
        c for s in read_yaml("action.yml")["runs"]["steps"] for c in ropa_commands(s.get("run", ""))
    ]
    assert [c.split()[1] for c in commands] == ["check", "check", "diff"]
    assert "--format sarif --out ropa.sarif" in commands[1]
    for command in commands:
        parses(command)


def test_check_step_passes_on_a_clean_register_and_writes_sarif(register, tmp_path):
    output = tmp_path / "github_output"
    env = {"ROPA_PATH": "", "ROPA_OBSERVED": "", "ROPA_BASELINE": "", "GITHUB_OUTPUT": str(output)}
    run = run_step(action_step("ropa check"), register, env)
    assert run.returncode == 0, run.stderr
    assert output.read_text() == "exit-code=0\nsarif=ropa.sarif\n"
    sarif = json.loads((register / "ropa.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "ropa"
    assert "coverage: 24 of 24 observed movement(s) documented (100.0%)" in run.stdout


def test_check_step_records_a_failure_and_lets_the_upload_run(register, tmp_path):
    (register / "observed" / "new.csv").write_text("lis.ocealis.internal,x.example\n")
    output = tmp_path / "github_output"
    env = {"ROPA_PATH": "inventory", "ROPA_OBSERVED": "observed", "ROPA_BASELINE": "",
           "GITHUB_OUTPUT": str(output)}  # fmt: skip
    run = run_step(action_step("ropa check"), register, env)
    assert run.returncode == 0  # the job fails later, in "Fail on error-level findings"
    assert output.read_text() == "exit-code=1\nsarif=ropa.sarif\n"
    results = json.loads((register / "ropa.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"LIN-001", "LIN-002"}
    fail = run_step(action_step("Fail on error-level findings"), register, {"CODE": "1"})
    assert fail.returncode == 1


def test_check_step_stops_when_the_check_cannot_run(register, tmp_path):
    env = {"ROPA_PATH": "no-such-folder", "ROPA_OBSERVED": "", "ROPA_BASELINE": "",
           "GITHUB_OUTPUT": str(tmp_path / "out")}  # fmt: skip
    run = run_step(action_step("ropa check"), register, env)
    assert run.returncode == 2
    assert "inventory path 'no-such-folder' does not exist" in run.stderr


def test_pull_request_step_comments_the_diff(register, tmp_path):
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=register, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "base")
    base = git("rev-parse", "HEAD").strip()
    path = register / "inventory" / "systems" / "patient-portal.yaml"
    path.write_text(path.read_text().replace("mfa: true", "mfa: false"))
    git("commit", "-qam", "portal without MFA")
    # a stub `gh`: `--edit-last` fails (no comment yet), then the comment is created
    stub = tmp_path / "bin"
    stub.mkdir()
    log = tmp_path / "gh.log"
    (stub / "gh").write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'case "$*" in *--edit-last*) exit 1;; esac\n'
        f'cat "$5" > {tmp_path / "comment.md"}\n'
    )
    (stub / "gh").chmod(0o755)
    env = {"PATH": f"{stub}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}",
           "BASE_SHA": base, "PR_NUMBER": "7", "ROPA_PATH": "", "GH_TOKEN": "x"}  # fmt: skip
    run = subprocess.run(
        ["bash", "-e", "-c", action_step("Comment what the pull request changes")["run"]],
        cwd=register, env={**os.environ, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert log.read_text().splitlines() == [
        "pr comment 7 --body-file ropa-diff.md --edit-last",
        "pr comment 7 --body-file ropa-diff.md",
    ]
    comment = (tmp_path / "comment.md").read_text()
    assert comment.startswith(f"## Register changes: `{base}` → `HEAD`")
    assert "- system patient-portal: mfa switched off" in comment.splitlines()


# --- this repository's workflow ---------------------------------------------------


def test_workflow_runs_the_action_on_pushes_and_pull_requests():
    workflow = read_yaml(".github/workflows/ropa.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "pull-requests": "write",
    }
    checkout, action = job["steps"]
    assert checkout["uses"] == "actions/checkout@v4"
    assert checkout["with"]["fetch-depth"] == 0  # ropa diff needs the base revision
    assert action["uses"] == "./" and (ROOT / "action.yml").is_file()
