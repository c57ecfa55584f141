"""What keeps a large site small and fast, checked on the fixture site (speed is measured
in bench/site_scale.py only): the search index, the entry pages' template, links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.site_support import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("scale-site")
    completed = build_site(workdir, FIXTURE)
    assert completed.returncode == 0, completed.stderr
    return workdir / "site"


def test_growing_pages_are_indexed_by_title_and_summary_only(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    by_location = {}
    for doc in docs:
        by_location.setdefault(doc["location"].split("#")[0], []).append(doc)
    lis = by_location["systems/lis/"]
    assert len(lis) == 1  # one entry per page, not one per section
    assert "lis" in lis[0]["text"] and len(lis[0]["text"]) <= 310
    # the rule catalogue keeps its full text, section by section
    assert len(by_location["rules/"]) > 1


def test_each_flow_is_found_by_search_at_its_section(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    found = {d["location"]: d for d in docs}
    flow = found["activities/quality-stats/#flow-lis-to-analytics"]
    assert flow["title"] == "Nightly export to the warehouse"
    assert flow["text"].startswith("Flow lis-to-analytics · defined in ")
    assert "activities/quality-stats/" in found  # and the activity's page itself
    assert not [
        d
        for d in docs
        if d["location"].startswith("flows/")
        and "#" not in d["location"]
        and d["location"] != "flows/"
    ]


def test_entry_pages_carry_a_short_navigation_and_no_contents(site: Path) -> None:
    entry = (site / "systems" / "lis" / "index.html").read_text("utf-8")
    home = (site / "index.html").read_text("utf-8")
    assert "md-nav__toggle" not in entry and "md-nav--secondary" not in entry
    assert "md-nav__toggle" in home  # the theme's own navigation elsewhere
    links = re.findall(r'class="md-nav__link"', entry)
    assert 0 < len(links) <= 10
    assert len(_theme(entry)) < len(_theme(home)) - 5000


def _theme(page: str) -> str:
    """What the theme wrote around the page's own content."""
    start, end = page.find("<!-- ropa:content -->"), page.rfind("<!-- ropa:end -->")
    return page[:start] + page[end:]


def test_links_from_entry_pages_reach_their_targets(site: Path) -> None:
    entry = (site / "systems" / "lis" / "index.html").read_text("utf-8")
    content = entry.split("<!-- ropa:content -->", 1)[1].split("<!-- ropa:end -->", 1)[0]
    targets = re.findall(r'href="([^"#:]+)/?(?:#[^"]*)?"', content)
    assert targets
    for target in targets:
        resolved = (site / "systems" / "lis" / target).resolve()
        assert (resolved / "index.html").is_file() or resolved.is_file(), target


def test_a_dirty_rebuild_knows_which_pages_changed(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from tests.site_support import site_config

    config = load_config(str(site_config(tmp_path, FIXTURE)))
    from mkdocs.structure.files import Files

    ropa = config.plugins["ropa"]  # only ours: the search plugin would keep its dirty state
    ropa.on_startup(command="serve", dirty=True)
    try:
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(Files([]), config=config)
        assert all(f.is_modified() for f in files.documentation_pages())
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(Files([]), config=config)
        assert not any(f.is_modified() for f in files.documentation_pages())
    finally:
        ropa.on_shutdown()  # the plugin outlives the test in this process
