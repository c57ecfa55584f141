"""The versioned site in Chromium: Material's version selector over mike's snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_support import serve
from tests.test_publishing import deploy_versions
from tests.test_site_browser import Visit, browser  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser


def test_the_version_selector_opens_a_release_side_by_side_with_today(
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    pytest.importorskip("mike")
    dated, published = deploy_versions(tmp_path)
    with serve(published) as url:
        visit = Visit(browser, url)
        try:
            visit.open("")  # mike's default page sends the reader to v1.1
            visit.page.wait_for_url(f"{url}v1.1/")
            current = visit.page.locator(".md-version__current")
            current.wait_for()
            assert current.inner_text() == "v1.1"
            titles = visit.page.locator(".md-version__link").all_inner_texts()
            assert [t.strip() for t in titles] == ["2026-01", "v1.1", "v1.0"]
            visit.page.locator(".md-version").hover()  # the list opens on hover
            visit.page.locator(".md-version__link", has_text="v1.0").click()
            visit.page.wait_for_url(f"{url}v1.0/**")
            footer = visit.page.locator("footer").inner_text()
            assert f"Register at commit {dated.commits[1][:12]} of 2026-02-10" in footer
            assert visit.problems == []
        finally:
            visit.close()
