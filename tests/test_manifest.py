"""ropa-manifest.json, the commit in the footer, `at:` in the site, and `ropa verify`."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from registry import __version__
from registry.cli import main
from registry.outputs.manifest import MANIFEST_NAME
from tests.dated_repo import DatedRepo, edit, make_dated_repo
from tests.site_support import build_site

LAB = Path(__file__).parent / "fixtures" / "lab" / "inventory"


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> DatedRepo:
    return make_dated_repo(tmp_path_factory.mktemp("manifest") / "repo")


@pytest.fixture(scope="module")
def site(dated: DatedRepo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the repository's last commit (as of 2026-11-29, as site_support says)."""
    workdir = tmp_path_factory.mktemp("site")
    completed = build_site(workdir, dated.path / "inventory")
    assert completed.returncode == 0, completed.stderr
    return workdir / "site"


def copy_of(site: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(site, target)
    return target


def verify(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_manifest_lists_every_published_file_with_its_sha256(
    dated: DatedRepo, site: Path
) -> None:
    document = json.loads((site / MANIFEST_NAME).read_text("utf-8"))
    on_disk = {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in site.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }
    assert document["files"] == on_disk
    assert len(on_disk) > 50 and "index.html" in on_disk and "sitemap.xml" in on_disk
    assert {
        "format": "ropa-manifest",
        "version": 1,
        "ropa_version": __version__,
        "commit": dated.commits[2],
        "commit_date": "2026-03-10",
        "inventory": "inventory",
        "inventory_modified": False,
        "at": None,
        "as_of": "2026-11-29",
    }.items() <= document.items()
    exports = document["exports"]
    assert {
        "downloads/register-ico.xlsx",
        "downloads/registre-cnil.xlsx",
        "downloads/processor-record.xlsx",
        "downloads/register-full.json",
        "downloads/biolab-ico.csv",
    } <= set(exports)
    assert all(on_disk[name] == digest for name, digest in exports.items())


def test_every_page_footer_shows_the_commit_and_its_date(dated: DatedRepo, site: Path) -> None:
    line = (
        f"Register at commit {dated.commits[2][:12]} of 2026-03-10 · "
        f"dates judged as of 2026-11-29 · ropa {__version__}"
    )
    for page in ("index.html", "register/index.html", "systems/lis/index.html"):
        assert line in (site / page).read_text("utf-8"), page


def test_the_same_commit_builds_the_same_bytes(
    dated: DatedRepo, site: Path, tmp_path: Path
) -> None:
    completed = build_site(tmp_path, dated.path / "inventory")
    assert completed.returncode == 0, completed.stderr
    again = tmp_path / "site"
    assert (again / MANIFEST_NAME).read_bytes() == (site / MANIFEST_NAME).read_bytes()


def test_verify_accepts_the_site_as_built(site: Path, capsys) -> None:
    code, out, _ = verify(capsys, str(site))
    assert code == 0
    files = len(json.loads((site / MANIFEST_NAME).read_text("utf-8"))["files"])
    assert out.splitlines()[-1] == f"  match: {files} file(s) as published"
    assert verify(capsys, str(site / MANIFEST_NAME))[0] == 0
    code, out, _ = verify(capsys, str(site / "downloads" / "register-ico.xlsx"))
    assert (code, out.splitlines()[-1]) == (0, "  match: downloads/register-ico.xlsx, as published")


def test_verify_detects_one_changed_byte(site: Path, tmp_path: Path, capsys) -> None:
    copy = copy_of(site, tmp_path)
    target = copy / "downloads" / "register-ico.xlsx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    code, out, _ = verify(capsys, str(copy))
    assert code == 1
    assert "  changed: downloads/register-ico.xlsx\n" in out and "MISMATCH: 1 problem(s)" in out
    code, out, _ = verify(capsys, str(target))
    assert code == 1 and "changed: downloads/register-ico.xlsx" in out


def test_verify_detects_a_missing_and_an_added_file(site: Path, tmp_path: Path, capsys) -> None:
    copy = copy_of(site, tmp_path)
    (copy / "findings" / "index.html").unlink()
    (copy / "downloads" / "extra.csv").write_text("a,b\n", "utf-8")
    code, out, _ = verify(capsys, str(copy))
    assert code == 1
    assert "  missing: findings/index.html\n" in out
    assert "  not in the manifest: downloads/extra.csv\n" in out


def test_an_export_received_alone_is_checked_against_the_manifest(
    dated: DatedRepo, site: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """`ropa export` of that commit on that date is the file the site published."""
    monkeypatch.chdir(dated.path)
    exported = tmp_path / "from-ci.xlsx"
    export = ["export", "--format", "xlsx", "--as-of", "2026-11-29", "--out", str(exported)]
    assert main(export) == 0
    manifest = str(site / MANIFEST_NAME)
    code, out, _ = verify(capsys, str(exported), "--manifest", manifest)
    assert code == 0 and "from-ci.xlsx = downloads/register-ico.xlsx" in out
    renamed = tmp_path / "register-ico.xlsx"
    renamed.write_bytes(exported.read_bytes() + b"\0")
    code, out, _ = verify(capsys, str(renamed), "--manifest", manifest)
    assert code == 1
    assert "changed: register-ico.xlsx differs from downloads/register-ico.xlsx" in out
    code, _, err = verify(capsys, str(exported))
    assert code == 2 and err.startswith("ropa: error: no ropa-manifest.json beside")


def test_verify_cannot_run_without_a_manifest(tmp_path: Path, capsys) -> None:
    (tmp_path / "index.html").write_text("<p>hello</p>", "utf-8")
    code, _, err = verify(capsys, str(tmp_path))
    assert code == 2 and err.startswith("ropa: error: no ropa-manifest.json in")
    (tmp_path / MANIFEST_NAME).write_text('{"files": {}}', "utf-8")
    code, _, err = verify(capsys, str(tmp_path))
    assert code == 2 and "is not a ropa manifest" in err
    (tmp_path / MANIFEST_NAME).write_text("not json", "utf-8")
    code, _, err = verify(capsys, str(tmp_path))
    assert code == 2 and "is not JSON" in err
    code, _, err = verify(capsys, str(tmp_path / "nothing"))
    assert (code, err) == (2, f"ropa: error: {str(tmp_path / 'nothing')!r} does not exist\n")


def test_the_site_at_a_date_is_that_days_register(
    dated: DatedRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    """`at:` (here through mkdocs.yml's `at: !ENV ROPA_AT`) reads the last commit on or
    before the date; its downloads are `ropa export --at` of that date."""
    monkeypatch.setenv("ROPA_AT", "2026-01-31")
    completed = build_site(tmp_path, dated.path / "inventory")
    assert completed.returncode == 0, completed.stderr
    site = tmp_path / "site"
    document = json.loads((site / MANIFEST_NAME).read_text("utf-8"))
    assert (document["commit"], document["commit_date"], document["at"], document["as_of"]) == (
        dated.commits[0],
        "2026-01-10",
        "2026-01-31",
        "2026-11-29",
    )
    assert f"Register at commit {dated.commits[0][:12]} of 2026-01-10" in (
        site / "index.html"
    ).read_text("utf-8")
    monkeypatch.chdir(dated.path)
    main(["export", "--format", "json", "--at", "2026-01-31", "--as-of", "2026-11-29"])
    out, _ = capsys.readouterr()
    assert (site / "downloads" / "register-full.json").read_text("utf-8") == out
    assert "Billing (SAP)" not in out


def test_the_site_before_the_first_commit_stops_with_one_line(
    dated: DatedRepo, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ROPA_AT", "2025-12-31")
    completed = build_site(tmp_path, dated.path / "inventory")
    assert completed.returncode != 0
    assert "ropa: 2025-12-31 is before the repository's first commit" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_uncommitted_changes_and_files_outside_git_are_said_so(
    dated: DatedRepo, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(dated.path, repo)
    edit(repo, "systems.yaml", "name: Billing (SAP)\n", "name: Billing (draft)\n")
    completed = build_site(tmp_path / "a", repo / "inventory")
    assert completed.returncode == 0, completed.stderr
    document = json.loads((tmp_path / "a" / "site" / MANIFEST_NAME).read_text("utf-8"))
    assert document["commit"] == dated.commits[2] and document["inventory_modified"] is True
    index = (tmp_path / "a" / "site" / "index.html").read_text("utf-8")
    assert "of 2026-03-10, with uncommitted changes ·" in index
    plain = tmp_path / "plain"  # pytest's temporary folders are outside any repository
    shutil.copytree(LAB, plain)
    completed = build_site(tmp_path / "b", plain)
    assert completed.returncode == 0, completed.stderr
    site = tmp_path / "b" / "site"
    document = json.loads((site / MANIFEST_NAME).read_text("utf-8"))
    assert (document["commit"], document["commit_date"]) == (None, None)
    assert "Register built from files outside git ·" in (site / "index.html").read_text()


def test_a_rebuild_at_the_manifests_commit_gives_the_same_files(
    dated: DatedRepo, site: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The README's rebuild: `ROPA_AT=<commit>` (and the manifest's as_of) from anywhere
    gives the files the work-tree build published."""
    commit = json.loads((site / MANIFEST_NAME).read_text("utf-8"))["commit"]
    monkeypatch.setenv("ROPA_AT", commit)
    completed = build_site(tmp_path, dated.path / "inventory")
    assert completed.returncode == 0, completed.stderr
    rebuilt = tmp_path / "site" / MANIFEST_NAME
    assert json.loads(rebuilt.read_text("utf-8"))["at"] == commit
    code, out, _ = verify(capsys, str(site), "--manifest", str(rebuilt))
    assert code == 0, out
