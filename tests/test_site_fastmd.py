"""fastmd, the site's own reader of the Markdown it writes: the same HTML as python-markdown.

Every page of the example and of the hostile inventory is read both ways (links left as
written: MkDocs's rewriting is the plugin's, tested through the built site) and must
give the same HTML up to whitespace between tags, the same table of contents, and no
page may fall back to python-markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest

from registry.core.inventory import load_inventory
from registry.outputs.site.fastmd import to_html
from registry.outputs.site.pages import build_site
from registry.pipeline.check import check
from tests.hostile import hostile_inventory

EXAMPLE = Path(__file__).resolve().parents[1] / "inventory"
EXTENSIONS = ["tables", "attr_list", "toc", "md_in_html"]


def _same(value: str) -> str:
    return re.sub(r">\s+<", "><", value.strip())


def _python_markdown(source: str) -> tuple[str, list]:
    md = markdown.Markdown(extensions=EXTENSIONS)
    return md.convert(source), md.toc_tokens


def _sources(inventory: Path) -> dict[str, str]:
    result = check(load_inventory(inventory), dt.date(2026, 11, 29))
    draw = _diagram_stand_in
    site = build_site(result, last_change="2026-11-28", draw=draw)
    return {path: page.markdown().split("\n---\n", 1)[1] for path, page in site.pages.items()}


def _diagram_stand_in(inventory: object, view: str, page: str) -> str:
    # the shape of a drawn diagram: a raw HTML block around an inline SVG
    return (
        '<div class="ropa-diagram">\n<div class="ropa-diagram-frame">\n'
        '<svg width="10" height="10"><!-- x -->\n<g id="a">\n<text>A &amp; B</text>\n</g>\n'
        "</svg>\n</div>\n</div>\n"
    )


@pytest.fixture(scope="module", params=["example", "hostile"])
def sources(request, tmp_path_factory) -> dict[str, str]:
    if request.param == "example":
        return _sources(EXAMPLE)
    return _sources(hostile_inventory(tmp_path_factory.mktemp("hostile")))


def test_every_page_reads_as_python_markdown_reads_it(sources: dict[str, str]) -> None:
    declined, differ = [], []
    for path, source in sources.items():
        ours = to_html(source, lambda href: href)
        if ours is None:
            declined.append(path)
            continue
        html, toc = _python_markdown(source)
        if _same(ours.content) != _same(html) or ours.toc_tokens != toc:
            differ.append(path)
    assert not declined, declined
    assert not differ, differ


def test_links_are_resolved_and_unknown_targets_declined() -> None:
    source = "See [the LIS](systems/lis.md#x) and [out](https://example.org/a)."
    targets = {"systems/lis.md#x": "../systems/lis/#x", "https://example.org/a": None}
    rendered = to_html(source, lambda href: targets[href] or href)
    assert rendered is not None
    assert rendered.content == (
        '<p>See <a href="../systems/lis/#x">the LIS</a> and '
        '<a href="https://example.org/a">out</a>.</p>'
    )
    assert to_html("[gone](nowhere.md)", lambda href: None) is None


@pytest.mark.parametrize(
    "source",
    [
        "_under_ score",
        "![image](x.png)",
        "a\\*b",
        "> quote",
        "    indented code",
        "text {: .cls }",
        "- one\n\n- two",
        "para\n# heading inside",
        "<div>\nunclosed",
    ],
)
def test_syntax_fastmd_does_not_read_is_left_to_python_markdown(source: str) -> None:
    assert to_html(source, lambda href: href) is None


def test_text_is_escaped_as_python_markdown_escapes_it() -> None:
    source = "# A &#60;b&#62; &amp; c\n\nx > y & z `a < b`"
    ours = to_html(source, lambda href: href)
    html, toc = _python_markdown(source)
    assert ours is not None and _same(ours.content) == _same(html)
    assert ours.toc_tokens == toc
    assert ours.title == "A <b> & c"


@pytest.mark.parametrize(
    "source", ["### A {#flow-a .ropa-flow}", "### A {.ropa-flow #flow-a}", "## B {.x}", "# C {#c}"]
)
def test_heading_attributes_in_python_markdown_s_order(source: str) -> None:
    # toc writes a heading's id after its class, whichever attr_list read first
    ours = to_html(source, lambda href: href)
    html, toc = _python_markdown(source)
    assert ours is not None and ours.content.strip() == html.strip()
    assert ours.toc_tokens == toc


def test_relative_urls_are_mkdocs_s() -> None:
    from itertools import product

    from mkdocs.utils import get_relative_url

    from registry.outputs.site.plugin import relative_url

    urls = [
        "",
        "index.html",
        "systems/",
        "systems/lis/",
        "flows/a/",
        "register/",
        "downloads/register.csv",
        "assets/ropa/ropa.css",
        "systems/index.html",
        "a/b/c/",
        "404.html",
        "systems/lis.html",
        "./x/",
        "../y/",
        "a//b/",
    ]
    for url, other in product(urls, urls):
        assert relative_url(url, other) == get_relative_url(url, other), (url, other)
