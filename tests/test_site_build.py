"""`mkdocs build` with the ropa plugin, without a browser: themes, options, bad input."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from tests.site_support import build_site, pages

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def test_the_plain_mkdocs_theme_builds_too(tmp_path: Path) -> None:
    completed = build_site(tmp_path, FIXTURE, theme="mkdocs")
    assert completed.returncode == 0, completed.stderr
    site = tmp_path / "site"
    built = pages(site)
    assert {"", "register/", "systems/lis/", "findings/", "rules/", "format/"} <= set(built)
    for path in built:
        html = site / path / "index.html" if path.endswith("/") or not path else site / path
        text = html.read_text("utf-8")
        assert text.count('http-equiv="Content-Security-Policy"') == 1, path
        # nothing is loaded from another host (links to documents are fine)
        assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", text)
    assert (site / "downloads" / "register.json").is_file()


def test_material_pages_load_nothing_from_the_internet(tmp_path: Path) -> None:
    completed = build_site(tmp_path, FIXTURE)
    assert completed.returncode == 0, completed.stderr
    text = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text
    assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", text)


def test_an_inventory_with_errors_still_builds_and_shows_them(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "bad.yaml").write_text(
        "kind: System\nid: crm\nname: CRM\noperator: nobody\ncolour: blue\n", "utf-8"
    )
    completed = build_site(tmp_path, inventory)
    assert completed.returncode == 0, completed.stderr
    findings = html.unescape((tmp_path / "site" / "findings" / "index.html").read_text("utf-8"))
    assert "unknown field" in findings and "bad.yaml:5" in findings
    # Issue 16: the system is on the site with what validated, marked invalid, and the
    # mark leads to its findings (an anchor the page has).
    page = (tmp_path / "site" / "systems" / "crm" / "index.html").read_text("utf-8")
    assert '<p class="ropa-invalid-entry"><strong>Invalid entry</strong>: 2 schema error' in page
    assert 'id="findings"' in page and 'href="./#findings"' in page
    assert "colour" in page and "invalid, set aside" in page
    listing = (tmp_path / "site" / "systems" / "index.html").read_text("utf-8")
    assert '<a class="ropa-invalid" href="crm/#findings">invalid</a>' in listing


def test_bad_plugin_options_stop_the_build_with_one_clear_line(tmp_path: Path) -> None:
    completed = build_site(tmp_path, tmp_path / "missing")
    assert completed.returncode != 0
    assert "ropa: inventory path" in completed.stderr and "does not exist" in completed.stderr
    assert "Traceback" not in completed.stderr
    completed = build_site(tmp_path, FIXTURE, options="\n      observed: [lineage.jsonl]")
    assert completed.returncode != 0
    assert "ropa: observed pattern 'lineage.jsonl' matches no file" in completed.stderr


def test_observed_evidence_reaches_the_findings_page(tmp_path: Path) -> None:
    (tmp_path / "evidence.csv").write_text(
        "source,target\nrogue-host.example,exfil.example\n", "utf-8"
    )
    completed = build_site(tmp_path, FIXTURE, options="\n      observed: [evidence.csv]")
    assert completed.returncode == 0, completed.stderr
    findings = html.unescape((tmp_path / "site" / "findings" / "index.html").read_text("utf-8"))
    assert "LIN-002" in findings and "rogue-host.example" in findings
    assert "evidence.csv:2" in findings


def test_mkdocs_serve_watches_the_inventory(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from tests.site_support import site_config

    config = load_config(str(site_config(tmp_path, FIXTURE)))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = config.plugins.on_serve(Server(), config=config, builder=lambda: None)
    assert str(FIXTURE.resolve()) in server.watched


def test_the_site_applies_ropa_yaml_baseline_like_ropa_check(tmp_path: Path) -> None:
    """The plugin runs the same pipeline as `ropa check`: a baselined finding is shown as
    known debt, not as a failing error."""
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "crm.yaml").write_text(
        "kind: System\nid: crm\nname: CRM\noperator: nobody\n", "utf-8"
    )
    (tmp_path / "ropa.yaml").write_text("baseline: known.json\n", "utf-8")
    written = subprocess.run(
        [sys.executable, "-m", "registry.cli", "baseline", "write", "known.json"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    completed = build_site(tmp_path, inventory)
    assert completed.returncode == 0, completed.stderr
    findings = html.unescape((tmp_path / "site" / "findings" / "index.html").read_text("utf-8"))
    assert "SCH-012" in findings and "error (baseline)" in findings


def _build_with(tmp_path: Path, extra: str) -> Path:
    """Build the fixture's site with top-level mkdocs.yml settings added."""
    import os

    from tests.site_support import site_config

    config = site_config(tmp_path, FIXTURE)
    config.write_text(config.read_text("utf-8") + extra, "utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)]
    completed = subprocess.run(
        [*command, "-d", str(tmp_path / "site")],
        capture_output=True, text=True, check=False, timeout=600,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return tmp_path / "site"


def test_the_error_page_links_relative_to_the_site_root_without_site_url(tmp_path: Path) -> None:
    """MkDocs makes 404.html's links root-absolute ("/assets/…") when site_url is unset,
    which breaks a site under a sub-path; ropa makes them relative to the site root, which
    the page finds from its own address (a <base>, allowed by its policy)."""
    site = _build_with(tmp_path, "")
    page = (site / "404.html").read_text("utf-8")
    links = re.findall(r"""(?:href|src)="([^"]*)\"""", page)
    assert links and not [link for link in links if link.startswith("/")]
    assert "./assets/ropa/ropa.css" in links
    assert page.count('http-equiv="Content-Security-Policy"') == 1
    assert "base-uri 'self'" in page and "document.head.appendChild(base)" in page
    assert page.index('<meta charset="utf-8">') < 1024  # still found by the encoding sniffer


def test_the_error_page_keeps_site_url_s_path_when_given(tmp_path: Path) -> None:
    site = _build_with(tmp_path, "site_url: https://example.org/ropa/\n")
    page = (site / "404.html").read_text("utf-8")
    assert 'href="/ropa/assets/ropa/ropa.css"' in page
    assert "base-uri 'none'" in page and "appendChild(base)" not in page
