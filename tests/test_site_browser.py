"""The auditors' site in a real browser: Debian's Chromium driven by Playwright
(and the lineage diagrams: fit, zoom and pan, legend, 390 px, no text overlap).

One site build per session for the example inventory (tests/fixtures/site while
inventory/ is absent) and one for an inventory with hostile text in every field.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from registry.core.inventory import load_inventory
from tests.dated_repo import git_as_dpo
from tests.hostile import hostile_inventory as shared_hostile_inventory
from tests.site_support import ROOT, build_site, pages, serve

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE = ROOT / "inventory"
FIXTURE = Path(__file__).parent / "fixtures" / "site"


def example_inventory() -> Path:
    return EXAMPLE if EXAMPLE.is_dir() and any(EXAMPLE.rglob("*.yaml")) else FIXTURE


# --- fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (part of `make test`)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _built(tmp_path_factory, name: str, inventory: Path) -> Path:
    workdir = tmp_path_factory.mktemp(name)
    completed = build_site(workdir, inventory)
    assert completed.returncode == 0, completed.stderr
    return workdir / "site"


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    return _built(tmp_path_factory, "example-site", example_inventory())


@pytest.fixture(scope="session")
def example_url(example_site):
    with serve(example_site) as url:
        yield url


class Visit:
    """A page opened in the browser, with every problem it caused."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request) -> None:
        # ERR_ABORTED: cancelled because the test moved on to the next page (e.g. the
        # favicon). A missing file shows as an HTTP 404 and a blocked one as a console error.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _request(self, request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.problems.append(f"request outside the site: {request.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, example_url):
    opened = Visit(browser, example_url)
    yield opened
    opened.close()


# --- the example site -----------------------------------------------------------------


def test_every_page_loads_without_error(browser, example_site, example_url) -> None:
    visit = Visit(browser, example_url)
    every = pages(example_site)
    assert len(every) > 20
    for path in every:
        visit.open(path)
        assert not visit.problems, f"{path}: {visit.problems}"
        assert visit.page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1
    visit.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "xlink:href"):
                self.links.append(value)
            if name in ("id", "name"):
                self.ids.add(value)


def test_every_internal_link_resolves(example_site) -> None:
    parsed: dict[str, _Links] = {}

    def parse(path: Path) -> _Links:
        key = path.as_posix()
        if key not in parsed:
            parser = _Links()
            parser.feed(path.read_text("utf-8"))
            parsed[key] = parser
        return parsed[key]

    broken = []
    checked = 0
    for html_file in sorted(example_site.rglob("*.html")):
        base = "http://site/" + html_file.relative_to(example_site).as_posix()
        for link in parse(html_file).links:
            target = urlsplit(urljoin(base, link))
            if target.scheme in ("mailto", "data") or target.netloc != "site":
                continue
            file = example_site / unquote(target.path.lstrip("/"))
            if file.is_dir():
                file = file / "index.html"
            checked += 1
            if not file.is_file():
                broken.append(f"{html_file.relative_to(example_site)}: {link}")
            elif (
                target.fragment
                and file.suffix == ".html"
                and target.fragment not in parse(file).ids
            ):
                broken.append(f"{html_file.relative_to(example_site)}: {link} (no anchor)")
    assert checked > 100
    assert not broken, broken[:20]


def test_register_shows_every_activity_as_a_card(visit) -> None:
    inventory = load_inventory(example_inventory())
    visit.open("register/")
    ids = visit.page.locator("article .ropa-card :is(h2, h3, h4)").evaluate_all(
        "headings => headings.map(h => h.id)"
    )
    assert {i.removeprefix("activity-") for i in ids} == set(inventory.activities)
    # the compact table's first column leads to the cards, in the same order
    links = visit.page.locator(".ropa-compact table tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert [href.split("#")[-1] for href in links] == ids
    first = ids[0].removeprefix("activity-")
    visit.page.locator(f".ropa-compact a[href$='#activity-{first}']").click()
    visit.page.wait_for_url(f"**/register/#activity-{first}")
    # a card's links lead to the evidence: its page, with the activity's findings
    visit.page.locator(f"#activity-{first} ~ p a[href$='activities/{first}/']").click()
    visit.page.wait_for_url(f"**/activities/{first}/")
    assert visit.page.locator("h1").inner_text() == inventory.activities[first].name
    assert not visit.problems


def test_a_flow_s_link_opens_its_section_in_view_under_the_header(visit) -> None:
    visit.open("systems/staff-mailbox/")
    visit.page.locator("article a:text-is('Mailbox provisioning and staff e-mail')").first.click()
    visit.page.wait_for_function("() => location.hash === '#flow-mailbox-provisioning'")
    assert visit.page.url.split("#")[0].endswith("/activities/staff-email/")
    heading = visit.page.locator("#flow-mailbox-provisioning").bounding_box()
    header = visit.page.locator("header.md-header").bounding_box()
    assert heading is not None and header is not None
    # the section's heading shows below the theme's sticky header, not behind it
    assert header["y"] + header["height"] <= heading["y"] < 400, (heading, header)
    assert not visit.problems, visit.problems


def test_register_columns_sort(visit) -> None:
    visit.open("activities/")
    header = visit.page.locator("article table th").first
    header.click()
    first = visit.page.locator("article table tbody tr td:first-child").all_inner_texts()
    header.click()
    second = visit.page.locator("article table tbody tr td:first-child").all_inner_texts()
    assert first == sorted(first, key=str.lower)
    assert second == list(reversed(first))


def test_search_finds_a_system_by_name(visit) -> None:
    inventory = load_inventory(example_inventory())
    system = inventory.systems[sorted(inventory.systems)[0]]
    visit.open("")
    visit.page.locator("input.md-search__input").click()
    # typed key by key, as a user does (Material searches on key events)
    visit.page.locator("input.md-search__input").press_sequentially(system.name, delay=10)
    result = visit.page.locator(f".md-search-result__item a[href*='systems/{system.id}/']")
    result.first.wait_for(timeout=15_000)
    result.first.click()
    visit.page.wait_for_url(f"**/systems/{system.id}/**")
    assert visit.page.locator("h1").inner_text() == system.name
    assert not visit.problems


def test_clicking_a_diagram_node_opens_its_page(visit) -> None:
    inventory = load_inventory(example_inventory())
    activity = sorted(inventory.activities)[0]
    visit.open(f"activities/{activity}/")
    nodes = visit.page.locator(".ropa-diagram svg g.node a")  # nodes, not cluster frames
    hrefs = nodes.evaluate_all(
        "links => links.map(a => a.getAttribute('xlink:href') || a.getAttribute('href') || '')"
    )
    # the first link to another entity's page (a caption may carry a tooltip only)
    index = next(i for i, h in enumerate(hrefs) if h.endswith("/") and activity not in h)
    target = urljoin(visit.page.url, hrefs[index])
    # dispatched on the link itself: in some layouts a neighbouring cluster's box lies
    # over the node and would take a pointer click (a layout matter, not a link one)
    nodes.nth(index).dispatch_event("click")
    visit.page.wait_for_url(target)
    assert visit.page.locator("h1").count() == 1
    assert not visit.problems


# --- diagrams: they fit their frame, open on their content, zoom and pan, keep a whole
# legend, read at 390 px, and no two texts overlap with the browser's own fonts -------

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


# Each flow's line and its label: the tooltips a reader sees on hovering them, and the
# font of the diagram's texts (the embedded SVG leaves both to the site's assets).
_TOOLTIPS = """() => {
  const X = 'http://www.w3.org/1999/xlink';
  const svg = document.querySelector('.ropa-diagram-frame svg');
  const tip = a => a.getAttributeNS(X, 'title');
  const labels = {};
  for (const a of svg.querySelectorAll('g.node.flow a')) {
    labels[a.getAttributeNS(X, 'href')] = tip(a);
  }
  const lines = [...svg.querySelectorAll('g.edge a')].map(
    a => [tip(a), labels[a.getAttributeNS(X, 'href')]]);
  const fonts = new Set([...svg.querySelectorAll('text')].map(t => getComputedStyle(t).fontFamily));
  return {lines, labels: Object.keys(labels).length, fonts: [...fonts]};
}"""


def test_a_flow_s_line_shows_the_tooltip_of_its_label(visit) -> None:
    inventory = load_inventory(example_inventory())
    visit.open(f"organisations/{sorted(inventory.organisations)[0]}/")
    found = visit.page.evaluate(_TOOLTIPS)
    assert found["labels"] and len(found["lines"]) >= 2 * found["labels"]
    assert all(tip and tip == label for tip, label in found["lines"]), found["lines"][:3]
    assert all("\n" in tip for tip, _ in found["lines"])  # the flow's lines of detail
    assert [f.replace('"', "").replace(" ", "") for f in found["fonts"]] == ["Helvetica,sans-serif"]


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


# --- hostile text ------------------------------------------------------------------------

# What the model admits in names (anything printable on one line) and in free text
# (line breaks too).
HOSTILE_NAME = (
    "Evil [x](javascript:alert(2)) {{ 7*7 }} {% raw %} | a | *b* `c`"
    " &lt;script&gt;alert(3)&lt;/script&gt; &#60;b&#62; :smile: $x$"
    " <img src=x onerror=alert(5)> <script>alert(6)</script> <a href=javascript:alert(7)>a</a>"
    ' <!-- c --> Evil" ]; x -> y; "z <b>&amp; {} \\ <TABLE> </title>'
)
HOSTILE_TEXT = (
    HOSTILE_NAME + " ](javascript:alert(1)) {% macro m() %}x{% endmacro %} _i_ ~~s~~"
    " &lt;/title&gt;&lt;img src=x onerror=alert(4)&gt;"
    " <iframe src=https://evil.example/> ![p](https://evil.example/p.png)\n"
    "# heading\n    code\n- item\n\n<svg onload=alert(8)>\n" + "long text " * 300
)
HOSTILE_URL = 'https://evil.example/"onmouseover=alert(9) x=(y)[z]'


def hostile_inventory(directory: Path) -> Path:
    n, t = HOSTILE_NAME, HOSTILE_TEXT
    contact = {"name": n, "email": "x@evil.example", "phone": t, "address": t}
    documents = [
        {
            "kind": "Organisation",
            "id": "evil-controller",
            "name": "Controller " + n,
            "country": "FR",
            "address": t,
            "contact": contact,
            "dpo": contact,
            "description": t,
            "website": HOSTILE_URL,
            "aliases": [n],
        },
        {
            "kind": "Organisation",
            "id": "evil-processor",
            "name": "Processor " + n,
            "country": "US",
            "contact": contact,
            "representative": contact,
        },
        {
            "kind": "DataCategory",
            "id": "evil-category",
            "name": "Category " + n,
            "parent": "health",
            "description": t,
            "aliases": [t],
        },
        {
            "kind": "DataSubject",
            "id": "evil-subjects",
            "name": "Subjects " + n,
            "vulnerable": True,
            "description": t,
        },
        {
            "kind": "System",
            "id": "evil-system",
            "name": "System " + n,
            "description": t,
            "owner": n,
            "operator": "evil-processor",
            "country": "US",
            "stores": [
                {
                    "category": "evil-category",
                    "retention": {"period": "P1Y", "after": t, "source": t},
                }
            ],
            "security": {"encryption_at_rest": False, "measures": [t]},
            "identifiers": [t],
            "last_reviewed": {"date": "2026-01-01", "by": n},
            "review_every": "P1Y",
        },
        {
            "kind": "Activity",
            "id": "evil-activity",
            "name": "Activity " + n,
            "description": t,
            "reference": t,
            "business_function": n,
            "controller": "evil-controller",
            "purposes": [
                {
                    "purpose": t,
                    "legal_basis": "legitimate_interests",
                    "legitimate_interests": t,
                    "lia": HOSTILE_URL,
                }
            ],
            "art9_condition": "explicit_consent",
            "art10_authority": t,
            "data_subjects": ["evil-subjects"],
            "data_categories": ["evil-category"],
            "systems": ["evil-system"],
            "retention": [{"category": "evil-category", "period": "P1Y", "after": t, "source": t}],
            "dpia": {"reference": t, "link": HOSTILE_URL},
            "automated_decisions": t,
            "source": t,
        },
        {
            "kind": "Flow",
            "id": "evil-flow",
            "name": "Flow " + n,
            "description": t,
            "activity": "evil-activity",
            "from": "evil-subjects",
            "to": "evil-system",
            "data_categories": ["evil-category"],
            "type": "migration",
            "contract": "evil-contract",
            "transfer": {"mechanism": "sccs", "reference": t},
            "procedure": HOSTILE_URL,
        },
        {
            "kind": "Contract",
            "id": "evil-contract",
            "name": "Contract " + n,
            "type": "dpa",
            "controller": "evil-controller",
            "processor": "evil-processor",
            "signed": "2026-01-01",
            "document": HOSTILE_URL,
        },
        {
            # Issue 16: an entry with schema errors is shown with what validated; what
            # was set aside (a hostile key among it) is named on its page, inert.
            "kind": "System",
            "id": "evil-invalid",
            "name": "Invalid " + n,
            "operator": "evil-processor",
            "country": "France",
            "description": t,
            "<script>alert(11)</script>": n,
            "security": {"mfa": "yes <img src=x onerror=alert(12)>"},
        },
        {
            "kind": "Waiver",
            "id": "evil-waiver",
            "rule": n,
            "entity": "System:" + n,
            "reason": t,
            "approved_by": n,
            "expires": "2030-01-01",
        },
    ]
    directory.mkdir(parents=True, exist_ok=True)
    # JSON is YAML; the file name is hostile too (it is shown as file:line).
    name = "evil [x](javascript:alert(10)) {{ 7*7 }} &lt;b&gt;.yaml"
    (directory / name).write_text("\n---\n".join(json.dumps(d) for d in documents), "utf-8")
    return directory


# Injected markup would show up as one of these.
_INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(el.tagName + ' ' + attr.name);
      if (/^\\s*javascript:/i.test(attr.value)) bad.push(el.tagName + ' ' + attr.value);
    }
    if (['IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)) bad.push(el.tagName);
    if (el.tagName === 'IMG' && /(^x$|evil)/.test(el.getAttribute('src') || '')) bad.push('IMG x');
    if (el.tagName === 'SCRIPT' && /alert/.test(el.textContent)) bad.push('SCRIPT alert');
    const href = el.getAttribute('href') || '';
    if (el.tagName === 'A' && /evil\\.example\\/"/.test(href)) bad.push('A quote');
  }
  return bad;
}"""


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    inventory = hostile_inventory(tmp_path_factory.mktemp("hostile-inventory") / "inventory")
    # and the project's shared hostile inventory, with the DOT-breaking name (index 3)
    shared_hostile_inventory(inventory / "shared", index=3)
    problems = load_inventory(inventory).problems
    assert {p.entity for p in problems} == {"System:evil-invalid"}, problems
    return _built(tmp_path_factory, "hostile-site", inventory)


def test_hostile_text_opens_no_dialog_and_injects_no_element(browser, hostile_site) -> None:
    with serve(hostile_site) as url:
        visit = Visit(browser, url)
        for path in pages(hostile_site):
            visit.open(path)
            assert visit.page.evaluate(_INJECTED) == [], path
            assert not visit.dialogs, f"{path}: {visit.dialogs}"
            assert not visit.problems, f"{path}: {visit.problems}"
        # The text is shown as written, not interpreted.
        visit.open("systems/evil-system/")
        title = visit.page.title()
        assert title.startswith("System " + re.sub(r"\s+", " ", HOSTILE_NAME))
        heading = visit.page.locator("h1").inner_text()
        assert heading == "System " + HOSTILE_NAME
        body = visit.page.locator("article").inner_text()
        assert "{{ 7*7 }}" in body and "<img src=x onerror=alert(5)>" in body
        # Search results show the hostile text without running it.
        visit.page.locator("input.md-search__input").click()
        visit.page.locator("input.md-search__input").press_sequentially("onerror", delay=10)
        visit.page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        assert visit.page.evaluate(_INJECTED) == []
        assert not visit.dialogs and not visit.problems, visit.problems
        visit.close()


# --- the error page under a sub-path --------------------------------------------------------


class _ErrorPageHandler(SimpleHTTPRequestHandler):
    """Serves the site's 404.html for a missing file, as GitHub Pages and most hosts do."""

    site: Path

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def test_the_error_page_works_under_a_sub_path(browser, example_site, tmp_path) -> None:
    (tmp_path / "ropa").symlink_to(example_site, target_is_directory=True)
    handler = type("Handler", (_ErrorPageHandler,), {"site": example_site})
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        visit = Visit(browser, host)
        for missing in ("ropa/systems/no-such-system/", "ropa/no-such-page", "ropa/404.html"):
            visit.problems.clear()
            visit.open(missing)
            # the missing page is the one 404; its stylesheets, scripts and search index load
            expected = [
                f"HTTP 404: {host}{missing}",
                "console error: Failed to load resource: the server responded with a status "
                "of 404 (Not Found)",
            ]
            assert visit.problems == ([] if missing.endswith("404.html") else expected), missing
            assert visit.page.evaluate("document.baseURI") == host + "ropa/"
            home = visit.page.locator("a.md-header__button.md-logo")
            assert home.evaluate("a => a.href") == host + "ropa/"
        visit.close()
    finally:
        server.shutdown()
        server.server_close()


# --- layout: widths and paper --------------------------------------------------------------

# Page-wide overflow, and boxes (a table's scroller) whose content is wider than the box:
# what a reader would have to scroll sideways to see. Diagrams pan and zoom on their own.
_OVERFLOW = """(selector) => {
  const bad = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) bad.push(`page ${root.scrollWidth}px`);
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.ropa-diagram')) continue;
    const style = getComputedStyle(el);
    if (!['auto', 'scroll', 'hidden'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const head = el.querySelector('th');
      const what = head ? head.textContent : '';
      bad.push(`${el.className}: ${el.scrollWidth}>${el.clientWidth} (${what})`);
    }
  }
  return bad;
}"""


def test_the_register_fits_1400_px_and_stacks_its_cards_at_390(browser, example_url) -> None:
    wide = browser.new_page(viewport={"width": 1400, "height": 1000})
    wide.goto(example_url + "register/")
    assert wide.evaluate(_OVERFLOW, "article *") == []
    wide.close()
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(example_url + "register/")
    # the page never scrolls sideways; a card's rows stack, item above entry
    assert phone.evaluate(_OVERFLOW, ".ropa-entry *") == []
    cell = phone.locator(".ropa-card td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    phone.close()


def test_the_register_prints_one_activity_per_page_without_splitting_words(
    browser, example_url
) -> None:
    import re as regex

    inventory = load_inventory(example_inventory())
    # the printable width of A4 with 12 mm margins, at 96 px per inch
    paper = browser.new_page(viewport={"width": 703, "height": 1000})
    paper.emulate_media(media="print")
    for path in ("register/", "print/"):
        paper.goto(example_url + path)
        breaks = paper.locator(".ropa-card").evaluate_all(
            "cards => cards.map(c => getComputedStyle(c).breakBefore)"
        )
        assert breaks == ["page"] * len(inventory.activities), path
        # no word is split: every word fits its column without breaking it...
        split = paper.evaluate(
            """() => {
              const out = [];
              for (const cell of document.querySelectorAll('article td, article th')) {
                const style = getComputedStyle(cell);
                if (style.wordBreak !== 'normal' || style.overflowWrap === 'anywhere'
                    || style.hyphens === 'auto') out.push('style: ' + cell.textContent);
                cell.style.overflowWrap = 'normal';
                if (cell.scrollWidth > cell.clientWidth + 1) out.push(cell.textContent);
                cell.style.overflowWrap = '';
              }
              return out;
            }"""
        )
        assert split == [], (path, split[:5])
        # ...and the chrome (navigation, search, diagrams) is not printed
        assert paper.locator(".md-header").evaluate("e => getComputedStyle(e).display") == "none"
    # The printed register: the summary, then each activity from a new sheet (a long
    # one runs onto a second): not the 30 pages of the one wide table it replaces.
    paper.goto(example_url + "register/")
    pdf = paper.pdf(format="A4", prefer_css_page_size=True)
    pages = len(regex.findall(rb"/Type\s*/Page[^s]", pdf))
    activities = len(inventory.activities)
    assert activities + 1 <= pages <= 2 * activities, pages
    paper.close()


def test_no_page_of_the_example_scrolls_sideways_at_1400_px(browser, example_site, example_url):
    """Every table fits its page (wrapping, not cut off); only diagrams pan on their own."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    wide = {}
    for path in pages(example_site):
        page.goto(example_url + path)
        found = page.evaluate(_OVERFLOW, "article *")
        if found:
            wide[path] = found
    page.close()
    assert not wide, wide


# --- an auditor's questions, each answered within two clicks of the home page ---------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture(scope="session")
def dated_url(tmp_path_factory):
    """The example in a git repository of its own, as of 2026-11-29: Paie Horizon's DPA
    expires in 46 days, the ERP's review is overdue, the directory's due in 11 days, and
    the Kalisto LIS changed (2026-11-20) after its last review (2026-10-20)."""
    import shutil

    repo = tmp_path_factory.mktemp("dated")
    inventory = repo / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    _edit(
        inventory / "contracts/dpa-paie-horizon.yaml", "expires: 2029-01-14", "expires: 2027-01-14"
    )
    _edit(inventory / "systems/finance-erp.yaml", "date: 2026-03-31", "date: 2025-10-31")
    _edit(inventory / "systems/staff-directory.yaml", "date: 2026-04-15", "date: 2025-12-10")
    git_as_dpo(repo, "init", "-q", date="2026-01-01T09:00:00")
    git_as_dpo(repo, "add", ".", date="2026-01-01T09:00:00")
    git_as_dpo(repo, "commit", "-q", "-m", "The register", date="2026-01-01T09:00:00")
    _edit(
        inventory / "systems/kalisto-lis.yaml",
        "description: >\n",
        "description: >\n  Upgraded to v12.\n",
    )
    git_as_dpo(repo, "commit", "-qam", "Kalisto LIS upgraded to v12", date="2026-11-20T09:00:00")
    site = _built(tmp_path_factory, "dated-site", inventory)
    with serve(site) as url:
        yield url


QUESTIONS = [
    (
        "which processors handle health data",
        ["#special ~ * a:text-is('health data (Art. 9(1))')"],
        "#special-health + ul",
        ["Kalisto Santé SAS", "Hexanet Santé SAS"],
    ),
    (
        "which contracts expire soon",
        ["#contracts + p + * a:has-text('Paie Horizon payroll service')"],
        "article",
        ["expires in 46 day(s)", "paie-horizon-dpa.pdf", "DPA-007"],
    ),
    (
        "what changed since the last review",
        ["#changed ~ * a:text-is('Kalisto LIS (production)')"],
        "article",
        ["Changed since its last review", "Kalisto LIS upgraded to v12"],
    ),
    (
        "which reviews are overdue",
        ["#reviews ~ * a:text-is('Group accounting ERP')"],
        "article",
        ["overdue since 2026-10-31"],
    ),
    (
        "where is the evidence of an activity's processing contract",
        [
            "a:text-is('The controller record (Art. 30(1))')",
            "#activity-payroll ~ * a:has-text('Paie Horizon payroll service')",
        ],
        "article",
        ["Document", "paie-horizon-dpa.pdf", "Art. 28(3) clauses"],
    ),
    (
        "where data leaves the EEA and on which safeguard",
        ["#transfers ~ * a:text-is('United States (US)')"],
        "#country-us ~ *",
        ["standard contractual clauses", "Standard Contractual Clauses with Cirrus Mail"],
    ),
    (
        "which flow takes data to the US, under which contract and safeguard",
        [
            "#transfers ~ * a:text-is('United States (US)')",
            "a:text-is('Mailbox provisioning and staff e-mail')",
        ],
        "#flow-mailbox-provisioning ~ *",  # its section of its activity's page
        ["Cirrus Mail business terms", "standard contractual clauses", "Encrypted in transit"],
    ),
    (
        "which systems keep special data",
        ["#special ~ * a:text-is('national identification number (Art. 87)')"],
        "#special-national-id + ul",
        ["Kalisto LIS (production)", "HR information system (SIRH)"],
    ),
]


@pytest.mark.parametrize(
    ("question", "clicks", "where", "answers"), QUESTIONS, ids=[q[0] for q in QUESTIONS]
)
def test_an_auditor_s_question_is_answered_within_two_clicks_of_home(
    browser, dated_url, question, clicks, where, answers
) -> None:
    visit = Visit(browser, dated_url)
    visit.open("")
    assert len(clicks) <= 2
    for selector in clicks:
        before = visit.page.url
        visit.page.locator(selector).first.click()
        visit.page.wait_for_function("before => location.href !== before", arg=before)
        visit.page.wait_for_load_state()
    shown = " ".join(visit.page.locator(where).all_inner_texts())
    for answer in answers:
        assert answer in shown, f"{question}: {answer!r} not on {visit.page.url}"
    assert not visit.problems, visit.problems
    visit.close()


# --- the versioned site: Material's version selector over mike's snapshots (issue 18) ---
# (here, not in a module of its own: a second module's session fixture would start a
# second sync Playwright, which fails when both run)


def test_the_version_selector_opens_a_release_side_by_side_with_today(
    browser,
    tmp_path: Path,
) -> None:
    pytest.importorskip("mike")
    from tests.test_publishing import deploy_versions

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
