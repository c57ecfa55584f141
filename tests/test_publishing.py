"""Publishing: the Pages workflow, the GitLab CI example, and mike's versioned site."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from registry.cli import main
from registry.outputs.manifest import MANIFEST_NAME
from tests.dated_repo import DatedRepo, git, make_dated_repo
from tests.site_support import ROOT, site_config

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def test_the_site_workflow_builds_on_main_and_deploys_with_the_pages_actions() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["push"]["tags"] == ["v*"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    (checkout,) = steps_using(build, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_site"
    scripts = "\n".join(s.get("run", "") for s in build["steps"])
    assert "mike deploy" in scripts and "ropa verify _site" in scripts
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    (pages,) = steps_using(deploy, "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{pages['id']}.outputs.page_url }}}}"
    # the workflow as a whole may only read; each job asks for what it needs
    assert workflow["permissions"] == {"contents": "read"}
    for job in (build, deploy):
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w./-]+@v\d+", step["uses"]), step["uses"]
            if "run" in step:  # every script is valid bash
                subprocess.run(["bash", "-n", "-c", step["run"]], check=True)


def test_the_readme_gitlab_example_publishes_a_verified_site() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("GitLab CI") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    example = yaml.safe_load(block.group(1))
    job = example["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    script = "\n".join(job["script"])
    assert "mkdocs build" in script and "ropa verify public" in script
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


def deploy_versions(tmp_path: Path) -> tuple[DatedRepo, Path]:
    """The dated repository with snapshots v1.0 (step 2), v1.1 (step 3, `latest`) and
    2026-01 (the last commit of January) deployed by mike as the workflow does, and
    the gh-pages tree unpacked as Pages would serve it."""
    dated = make_dated_repo(tmp_path / "repo")
    repo = dated.path
    site_config(repo, repo / "inventory")  # mkdocs.yml and docs/, left uncommitted
    git(repo, "tag", "v1.0", dated.commits[1])
    git(repo, "tag", "v1.1", dated.commits[2])
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        NO_MKDOCS_2_WARNING="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    env.pop("ROPA_AT", None)

    def mike(*args: str, **extra: str) -> None:
        done = subprocess.run(
            [sys.executable, "-c", "import sys, mike.driver; sys.exit(mike.driver.main())", *args],
            cwd=repo, env={**env, **extra}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    # As the workflow does: a tag's checkout, then the month's last commit by date.
    git(repo, "checkout", "-q", "v1.0")
    mike("deploy", "v1.0", "latest")
    v10_tree = git(repo, "rev-parse", "gh-pages:v1.0")
    git(repo, "checkout", "-q", "v1.1")
    mike("deploy", "--update-aliases", "v1.1", "latest")
    git(repo, "checkout", "-q", "main")
    mike("deploy", "2026-01", ROPA_AT="2026-01-31")
    mike("set-default", "v1.1")
    assert git(repo, "rev-parse", "gh-pages:v1.0") == v10_tree  # a snapshot is never rebuilt

    published = tmp_path / "published"
    published.mkdir()
    archive = subprocess.run(
        ["git", "archive", "gh-pages"], cwd=repo, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(published)], input=archive, check=True)
    return dated, published


def test_mike_keeps_one_verified_snapshot_per_release_and_month(tmp_path: Path, capsys) -> None:
    pytest.importorskip("mike")
    dated, published = deploy_versions(tmp_path)
    repo = dated.path
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert {v["version"]: v["aliases"] for v in versions} == {
        "v1.1": ["latest"],
        "v1.0": [],
        "2026-01": [],
    }
    for version, sha in (("v1.0", 1), ("v1.1", 2), ("2026-01", 0)):
        manifest = json.loads(git(repo, "show", f"gh-pages:{version}/{MANIFEST_NAME}"))
        assert manifest["commit"] == dated.commits[sha], version
        index = git(repo, "show", f"gh-pages:{version}/index.html")
        assert f"Register at commit {dated.commits[sha][:12]}" in index
        # Material's own version selector, reading mike's versions.json
        assert '"version": {"provider": "mike"}' in index
    assert json.loads(git(repo, "show", f"gh-pages:2026-01/{MANIFEST_NAME}"))["at"] == "2026-01-31"

    assert (published / "latest").resolve() == (published / "v1.1").resolve()
    assert main(["verify", str(published)]) == 0
    out = capsys.readouterr().out
    assert out.count("  match: ") == 4  # v1.0, v1.1, 2026-01 and latest (v1.1 again)
    page = published / "v1.0" / "register" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Biolab", b"Biol4b", 1))
    assert main(["verify", str(published)]) == 1
    assert "  changed: register/index.html" in capsys.readouterr().out


def _snapshot_outputs(repo: Path, event: str, ref: str, before: str) -> dict[str, str]:
    """Run the workflow's "Which snapshot" step as GitHub would, in ``repo``."""
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    (step,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "snapshot"]
    script = step["run"].replace("${{ github.event.before }}", before)
    out = repo / "github_output"
    out.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_EVENT_NAME": event,
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref.rsplit("/", 1)[-1],
        "GITHUB_OUTPUT": str(out),
    }
    subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, check=True)
    return dict(line.split("=", 1) for line in out.read_text().splitlines())


def test_the_site_workflow_compares_each_push_with_the_commit_before_it(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    git("init", "-q", "-b", "main")
    git("commit", "-q", "--allow-empty", "-m", "one")
    first = git("rev-parse", "HEAD")
    # The very first push of a branch: nothing before it, no comparison.
    zeros = "0" * 40
    assert _snapshot_outputs(tmp_path, "push", "refs/heads/main", zeros) == {"version": "main"}
    git("commit", "-q", "--allow-empty", "-m", "two")
    git("tag", "v1.0", first)
    push = _snapshot_outputs(tmp_path, "push", "refs/heads/main", first)
    assert push == {"version": "main", "diff_base": first}
    # A forced push whose "before" is gone: the previous commit instead.
    gone = "1" * 40
    assert _snapshot_outputs(tmp_path, "push", "refs/heads/main", gone)["diff_base"] == "HEAD~1"
    git("tag", "v1.1")
    release = _snapshot_outputs(tmp_path, "push", "refs/tags/v1.1", "")
    assert release == {"version": "v1.1", "alias": "latest", "diff_base": "v1.0"}
