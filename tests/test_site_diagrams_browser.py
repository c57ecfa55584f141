"""The example's lineage diagrams in Chromium: they fit their frame, open on their
content, zoom and pan, keep a whole legend, read at 390 px, and no two texts overlap
with the browser's own fonts.

Shares the browser and the example site's build with tests/test_site_browser.py.
"""

from __future__ import annotations

import pytest

import tests.test_site_browser as shared
from registry.core.inventory import load_inventory
from tests.site_support import pages
from tests.test_site_browser import Visit, example_inventory

pytestmark = pytest.mark.browser

# the same session fixtures (pytest finds them in this module's namespace)
browser = shared.browser
example_site = shared.example_site
example_url = shared.example_url

# Boxes in the page, for every diagram: the frame, the SVG, the nodes that lie inside.
_GEOMETRY = """() => {
  const frame = document.querySelector('.ropa-diagram-frame');
  if (!frame) return null;
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                     width: r.width, height: r.height});
  const f = frame.getBoundingClientRect();
  const nodes = [...frame.querySelectorAll('svg g.node')].map(n => box(n.getBoundingClientRect()));
  const inside = nodes.filter(n => n.right > f.left && n.left < f.right
                                   && n.bottom > f.top && n.top < f.bottom);
  const focus = [...frame.querySelectorAll('svg g.node.focus')].map(
    n => box(n.getBoundingClientRect()));
  const texts = [...frame.querySelectorAll('svg g.node text')].map(
    t => t.getBoundingClientRect().height);
  return {frame: box(f), svg: box(frame.querySelector('svg').getBoundingClientRect()),
          scrollWidth: frame.scrollWidth, clientWidth: frame.clientWidth,
          nodes: nodes.length, inside: inside.length, focus,
          viewBox: frame.querySelector('svg').getAttribute('viewBox'),
          textHeight: texts.length ? Math.min(...texts) : 0,
          page: document.scrollingElement.scrollWidth, window: window.innerWidth};
}"""

# Every text of the diagram in the SVG's own units (getBBox, then the text's transform),
# with the label it belongs to: the node, flow, cluster or edge group's title.
_TEXTS = """() => {
  const svg = document.querySelector('.ropa-diagram-frame svg');
  const found = [];
  for (const text of svg.querySelectorAll('text')) {
    if (!text.textContent.trim()) continue;
    const group = text.closest('g.node, g.edge, g.cluster, g.graph');
    const title = group && group.querySelector(':scope > title');
    const b = text.getBBox();
    const m = svg.getScreenCTM().inverse().multiply(text.getScreenCTM());
    const p1 = new DOMPoint(b.x, b.y).matrixTransform(m);
    const p2 = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
    found.push({owner: title ? title.textContent : '', text: text.textContent,
                box: [p1.x, p1.y, p2.x, p2.y]});
  }
  return found;
}"""


def diagram_pages(site) -> list[str]:
    found = []
    for path in pages(site):
        html = site / path / "index.html" if path.endswith("/") or not path else site / path
        if html.is_file() and 'class="ropa-diagram-frame"' in html.read_text("utf-8"):
            found.append(path)
    return found


def test_every_diagram_fits_its_frame_and_opens_on_its_content(
    browser, example_site, example_url
) -> None:
    visit = Visit(browser, example_url)
    every = diagram_pages(example_site)
    inventory = load_inventory(example_inventory())
    assert len(every) >= len(inventory.systems) + len(inventory.organisations)
    for path in every:
        visit.open(path)
        shape = visit.page.evaluate(_GEOMETRY)
        assert shape["scrollWidth"] <= shape["clientWidth"], path  # nothing beyond the frame
        assert shape["svg"]["width"] <= shape["frame"]["width"] + 1, path
        assert shape["page"] <= shape["window"], path  # no sideways scroll of the page
        # opened whole: every node inside the frame, none cut off
        assert shape["nodes"] and shape["inside"] == shape["nodes"], (path, shape)
        assert shape["frame"]["height"] >= 120, path
        assert not visit.problems, f"{path}: {visit.problems}"
    visit.close()


def test_no_two_texts_overlap_in_the_browser(browser, example_site, example_url) -> None:
    visit = Visit(browser, example_url)
    overlaps = {}
    for path in diagram_pages(example_site):
        visit.open(path)
        texts = visit.page.evaluate(_TEXTS)
        assert texts, path
        found = []
        for i, one in enumerate(texts):
            for two in texts[i + 1 :]:
                if one["owner"] == two["owner"]:
                    continue
                a, b = one["box"], two["box"]
                # the boxes include the font's ascent and descent: allow one point each way
                if a[0] + 1 < b[2] and b[0] + 1 < a[2] and a[1] + 1 < b[3] and b[1] + 1 < a[3]:
                    found.append((one["text"], two["text"]))
        if found:
            overlaps[path] = found
    visit.close()
    assert overlaps == {}


def test_zoom_pan_and_fit(visit) -> None:
    inventory = load_inventory(example_inventory())
    system = "kalisto-lis" if "kalisto-lis" in inventory.systems else sorted(inventory.systems)[0]
    visit.open(f"systems/{system}/")
    page = visit.page

    def view() -> list[float]:
        return [
            float(n)
            for n in page.locator(".ropa-diagram-frame svg").get_attribute("viewBox").split()
        ]

    whole = view()
    page.get_by_role("button", name="Zoom in").click()
    zoomed = view()
    assert zoomed[2] < whole[2] / 1.3 and zoomed[3] < whole[3] / 1.3
    # a drag moves the picture and follows no link
    frame = page.locator(".ropa-diagram-frame").bounding_box()
    x, y = frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2
    before = page.url
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 40, steps=6)
    page.mouse.up()
    moved = view()
    assert moved[0] > zoomed[0] and page.url == before
    # Ctrl + wheel zooms where the pointer is; the wheel alone leaves the picture alone
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    assert view()[2] < moved[2]
    closer = view()
    page.mouse.wheel(0, 200)
    assert view() == closer
    page.get_by_role("button", name="Show the whole diagram").click()
    assert view() == whole
    # keys, once the frame has the focus
    page.locator(".ropa-diagram-frame").focus()
    page.keyboard.press("+")
    assert view()[2] < whole[2]
    page.keyboard.press("0")
    assert view() == whole
    # a plain click on a node still opens its page
    node = page.locator(".ropa-diagram-frame svg g.node:not(.focus) a").first
    href = node.get_attribute("xlink:href") or node.get_attribute("href")
    box = page.locator(".ropa-diagram-frame svg g.node:not(.focus)").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**/{href.strip('./').rstrip('/')}/")
    assert not visit.problems


def test_the_legend_is_whole_and_visible(visit) -> None:
    inventory = load_inventory(example_inventory())
    visit.open(f"organisations/{sorted(inventory.organisations)[0]}/")
    items = visit.page.locator(".ropa-legend li")
    assert items.count() >= 9
    content = visit.page.locator("article").bounding_box()
    for index in range(items.count()):
        box = items.nth(index).bounding_box()
        assert box and box["width"] > 50
        assert box["x"] >= content["x"] - 1
        assert box["x"] + box["width"] <= content["x"] + content["width"] + 1
    texts = items.all_inner_texts()
    assert any("special categories" in t for t in texts)
    assert any("outside the EEA" in t for t in texts)


@pytest.mark.parametrize("kind", ["systems", "organisations"])
def test_a_phone_opens_readable_on_what_the_page_is_about(browser, example_url, kind: str) -> None:
    inventory = load_inventory(example_inventory())
    ident = {"systems": "kalisto-lis", "organisations": "kalisto-sante"}[kind]
    if ident not in inventory.by_kind[{"systems": "System"}.get(kind, "Organisation")]:
        pytest.skip("not the example inventory")
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(example_url + f"{kind}/{ident}/", wait_until="load")
    shape = page.evaluate(_GEOMETRY)
    assert shape["page"] <= 390  # no sideways scroll of the page
    assert shape["frame"]["right"] <= 390 and shape["frame"]["height"] >= 300
    assert shape["textHeight"] >= 8  # labels at a readable size, not a 10 % thumbnail
    # what the page is about is in view (its centre inside the frame)
    frame = shape["frame"]
    assert shape["focus"]
    assert any(
        frame["left"] < (n["left"] + n["right"]) / 2 < frame["right"]
        and frame["top"] < (n["top"] + n["bottom"]) / 2 < frame["bottom"]
        for n in shape["focus"]
    )
    assert shape["inside"] > 0
    # and the whole diagram is one tap away
    page.get_by_role("button", name="Show the whole diagram").click()
    whole = page.evaluate(_GEOMETRY)
    assert whole["inside"] == whole["nodes"]
    page.close()


@pytest.fixture
def visit(browser, example_url):
    opened = Visit(browser, example_url)
    yield opened
    opened.close()
