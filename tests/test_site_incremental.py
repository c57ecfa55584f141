"""`mkdocs serve --dirty` makes again only the pages an edit can change
(registry/outputs/site/incremental.py): after each edit below, every file of the
served site is byte for byte what a full build of the edited inventory writes.

One serve session (the plugin kept across rebuilds, as `mkdocs serve` keeps it) goes
through the edits in turn; after each, a fresh full build of the same inventory is
the reference. The downloads are made after a dirty build, in a thread, and published
by the rebuild it then starts: the test waits for it and builds once more, as the
server would.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.site_support import ROOT, site_config

pytest.importorskip("mkdocs")

SERVE_URL = "http://127.0.0.1:8765/"
# MkDocs's own files that a dirty build does not keep whole (its search index holds
# only the pages it built; the manifest hashes it): not ours to compare.
NOT_COMPARED = {"search/search_index.json", "ropa-manifest.json"}


def _serve(config_file: Path, site: Path, plugins: object = None) -> object:
    """One build of a `mkdocs serve --dirty` session, in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site), strict=False)
    if plugins is not None:
        config.plugins = plugins  # the serve session's plugins, kept across rebuilds
    else:
        config.plugins.on_startup(command="serve", dirty=True)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL, dirty=True)
    return config.plugins


def _full_build(config_file: Path, site: Path) -> None:
    """`mkdocs build`, in a process of its own (MkDocs keeps a plugin instance across
    builds in one process: the session's must not be touched)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)]
    subprocess.run([*command, "-d", str(site)], check=True, env=env, timeout=600)


def _ropa(plugins: object) -> object:
    return plugins["ropa"]  # type: ignore[index]


def _files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).as_posix() not in NOT_COMPARED
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


FLOW = "flows/account-provisioning.yaml"
NEW_FLOW = "flows/zz-new-flow.yaml"
CONTRACT = "contracts/dpa-paie-horizon.yaml"
# (what, file, text replaced, by): None adds the file (a copy of FLOW), "" removes it.
EDITS: list[tuple[str, str, str, str | None]] = [
    ("a flow's description", FLOW, "type: continuous", "type: continuous\ndescription: Sync."),
    ("a system's description", "systems/staff-directory.yaml", "description: ", "description: E. "),
    ("rename a system", "systems/staff-directory.yaml", "name: ", "name: Renamed "),
    ("a flow's categories", FLOW, "[identity, contact, employment]", "[identity, contact]"),
    ("add a flow", NEW_FLOW, "", None),
    ("remove a flow", NEW_FLOW, "", ""),
    ("a contract's expiry (a finding)", CONTRACT, "expires: 2029-01-14", "expires: 2026-12-15"),
    ("the finding fixed", CONTRACT, "expires: 2026-12-15", "expires: 2029-01-14"),
    ("a flow unencrypted (a finding)", FLOW, "in_transit: true", "in_transit: false"),
    ("rename an organisation", "organisations/cirrus-mail.yaml", "name: ", "name: Renamed "),
    # A flow is a section of its activity's page: both pages change when it moves, and
    # the flows' index holds it while its activity is unknown.
    ("rename a flow", FLOW, "name: ", "name: Renamed "),
    ("move a flow", FLOW, "activity: personnel-administration", "activity: staff-email"),
    ("a flow's activity unknown", FLOW, "activity: staff-email", "activity: gone"),
    ("its activity back", FLOW, "activity: gone", "activity: personnel-administration"),
]


def _apply(inv: Path, edit: tuple[str, str, str, str | None]) -> None:
    _, file, old, new = edit
    path = inv / file
    if new is None:
        text = (inv / FLOW).read_text("utf-8")
        text = text.replace("id: account-provisioning", "id: zz-new-flow")
        path.write_text(text.replace("to: staff-directory", "to: staff-mailbox"), "utf-8")
    elif new == "":
        path.unlink()
    else:
        _edit(path, old, new)


def _wait_for_downloads() -> None:
    for thread in threading.enumerate():
        if thread.name == "ropa-downloads":
            thread.join(timeout=120)


def test_serve_dirty_pages_equal_a_full_build(tmp_path: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # as `serve -q`
    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv)
    config = site_config(tmp_path, inv)
    served, full = tmp_path / "served", tmp_path / "full"
    text = config.read_text("utf-8")
    config.write_text(f"site_url: {SERVE_URL}\n" + text, "utf-8")  # as serve sets it
    plugins = _serve(config, served)
    try:
        for edit in EDITS:
            _apply(inv, edit)
            what = edit[0]
            _serve(config, served, plugins)
            _wait_for_downloads()
            pending = _ropa(plugins).pending_downloads  # type: ignore[attr-defined]
            if pending is not None:  # what the watched file's rebuild does
                _serve(config, served, plugins)
            shutil.rmtree(full, ignore_errors=True)
            _full_build(config, full)
            expected, got = _files(full), _files(served)
            differ = sorted(p for p in expected if got.get(p) != expected[p])
            extra = sorted(set(got) - set(expected))
            assert not differ and not extra, (what, differ[:10], extra[:10])
    finally:
        plugins.on_shutdown()  # type: ignore[attr-defined]


def test_an_own_page_edit_makes_one_page(tmp_path: Path) -> None:
    """A flow's description: the page of its activity (its section) only, no site-wide
    page, no diagram checked."""
    from registry.outputs.site import incremental
    from registry.pipeline import Request, run

    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv)
    before = run(Request(path=inv)).result
    built = incremental.Built(before, None, "footer")
    _apply(inv, EDITS[0])
    scope = incremental.plan(built, run(Request(path=inv)).result, None, "footer")
    assert not scope.full and not scope.site_wide and not scope.diagrams
    assert scope.entities == {("Activity", "personnel-administration")}
    assert scope.changed == {("Flow", "account-provisioning")}


def test_a_hub_edit_makes_every_page(tmp_path: Path) -> None:
    from registry.outputs.site import incremental
    from registry.pipeline import Request, run

    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv)
    built = incremental.Built(run(Request(path=inv)).result, None, "footer")
    _apply(inv, next(e for e in EDITS if e[0] == "rename an organisation"))
    scope = incremental.plan(built, run(Request(path=inv)).result, None, "footer")
    assert scope.full and "Organisation" in scope.reason
