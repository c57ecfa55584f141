"""How the site embeds a diagram: a responsive SVG in a frame, its caption and legend as
HTML, the zoom script local and inside the CSP. (In a browser: test_site_browser.py.)"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

from registry.core.inventory import load_inventory
from registry.outputs import render
from registry.outputs.site.diagrams import diagram, embed, figure, legend
from registry.outputs.site.plugin import ASSETS, csp
from tests.conftest import EXAMPLE
from tests.lineage_inventory import base, write

SVG = "{http://www.w3.org/2000/svg}"
LINEAGE = Path(__file__).parent / "fixtures" / "lineage"
# what Graphviz draws with: an element outside these would be injected markup
SVG_TAGS = {"svg", "g", "title", "a", "text", "path", "polygon", "ellipse", "polyline"}


def test_embed_keeps_the_view_box_and_sizes_in_pixels() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!-- made by -->\n<svg width="300pt" height="150.5pt"\n'
        ' viewBox="0.00 0.00 300.00 150.50" xmlns="http://www.w3.org/2000/svg">\n\n<g/>\n</svg>\n'
    )
    assert embed(svg) == (
        '<svg width="400" height="201" viewBox="0.00 0.00 300.00 150.50" '
        'xmlns="http://www.w3.org/2000/svg"><g/></svg>'
    )


# Graphviz's SVG of one flow (label node and the two halves of its line), as it writes it.
_FLOW_SVG = """<svg width="10" height="10"
 viewBox="0.00 0.00 10.00 10.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 487)">
<title>lineage</title>
<g id="node16" class="node flow">
<title>Flow/f&#45;1</title>
<g id="a_node16"><a xlink:href="../flows/f-1/" xlink:title="f&#45;1 x=&quot;1.25&quot;&#10;a  b">
<text xml:space="preserve" x="186.72" y="-371.06" _FONT_>Identity 1.25 x=&quot;2.25&quot;</text>
<text xml:space="preserve" x="186.72" y="-360.3" _FONT_>two  spaces</text>
</a>
</g>
</g>
<g id="edge3" class="edge">
<title>DataSubject/c&#45;&gt;Flow/f&#45;1</title>
<g id="a_edge3"><a xlink:href="../flows/f-1/" xlink:title="f&#45;1 x=&quot;1.25&quot;&#10;a  b">
<path fill="none" stroke="#5d6d7e" d="M89.81,-413.57C107.82,-404.07 131.57,-391.55 150.93,-381.35"/>
</a>
</g>
</g>
<g id="edge4" class="edge">
<title>Flow/f&#45;1&#45;&gt;System/s</title>
<g id="a_edge4"><a xlink:href="../flows/other/" xlink:title="other">
<path fill="none" stroke="#5d6d7e" d="M0.04,-0.04"/>
</a>
</g>
</g>
</g>
</svg>
""".replace("_FONT_", 'font-family="Helvetica,sans-Serif" font-size="9.00"')


def test_embed_writes_a_flows_tooltip_once_and_rounds_only_geometry() -> None:
    svg = embed(_FLOW_SVG)
    ET.fromstring(svg)  # still one well-formed SVG
    assert "\n" not in svg and "font-family" not in svg
    assert re.findall(r' id="[^"]*"', svg) == [' id="graph0"']
    tooltip = 'xlink:title="f&#45;1 x=&quot;1.25&quot;&#10;a  b"'
    assert svg.count(tooltip) == 1  # on the label; the script gives it to the line
    assert '<g class="node flow"><title>Flow/f&#45;1</title><a xlink:href="../flows/f-1/" ' in svg
    assert '<g class="edge"><a xlink:href="../flows/f-1/"><path ' in svg  # no ids' title
    assert 'd="M89.8,-413.6C107.8,-404.1 131.6,-391.6 150.9,-381.4"' in svg
    # a line whose link is not a label's keeps its tooltip; -0.04 is 0
    assert '<g class="edge"><a xlink:href="../flows/other/" xlink:title="other"><path ' in svg
    assert 'd="M0,-0"/>' in svg and "&gt;" not in svg
    # the texts as written; the space-keeping mark only where it keeps spaces
    assert 'x="186.7" y="-371.1" font-size="9">Identity 1.25 x=&quot;2.25&quot;</text>' in svg
    assert '<text x="186.7" y="-371.1" font-size="9">Identity' in svg
    assert '<text xml:space="preserve" x="186.7" y="-360.3" font-size="9">two  sp' in svg
    assert svg.count("<g") == svg.count("</g>") and svg.count("<a ") == svg.count("</a>")


def test_a_diagram_is_one_html_block_of_frame_caption_and_legend() -> None:
    inv = load_inventory(EXAMPLE)
    html = diagram(inv, "system:kalisto-lis", "systems/kalisto-lis.md")
    assert "\n\n" not in html.strip()  # a blank line would end the HTML block in Markdown
    assert html.startswith('<div class="ropa-diagram">\n<div class="ropa-diagram-frame" ')
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    width, height = int(root.get("width")), int(root.get("height"))
    box = [float(n) for n in root.get("viewBox").split()]
    assert (width, height) == (round(box[2] * 4 / 3 + 0.49), round(box[3] * 4 / 3 + 0.49))
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Legend" not in texts and "Lineage of" not in texts  # the caption is HTML
    focus = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node focus"]
    assert [g.find(f"{SVG}title").text for g in focus] == ["System/kalisto-lis"]
    caption = html[html.index('<div class="ropa-diagram-caption">') :]
    assert "<strong>Lineage of Kalisto LIS (production)</strong><br>" in caption
    keys = render.legend_keys(collapsed=False, focused=True)
    assert caption.count("<li>") == len(keys)
    assert all(key.text in caption for key in keys)
    # every link stays relative to the page
    hrefs = re.findall(r'xlink:href="([^"]*)"', svg)
    assert hrefs and all(h.startswith("../../") for h in hrefs)


def test_titles_and_notes_are_escaped_in_the_caption() -> None:
    # '<', '>' and '&' may appear in names: escaping is the defence (set here past the
    # model, which may still refuse them)
    inv = load_inventory(LINEAGE)
    hostile = 'Lab <script>alert(1)</script> & "Co" <b>'
    inv.systems["lis"].name = hostile
    html = diagram(inv, "system:lis", "systems/lis.md")
    assert "<script" not in html and "<b>" not in html
    assert "Lineage of Lab &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;" in html
    frame = re.search(r'<div class="ropa-diagram-frame"[^>]*>', html).group(0)
    assert 'aria-label="Lineage of Lab &lt;script&gt;' in frame
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert {e.tag.split("}")[1] for e in root.iter()} <= SVG_TAGS


def test_an_empty_view_is_a_caption_without_a_frame(tmp_path: Path) -> None:
    docs = base()
    for key in [k for k in docs if k.startswith(("Flow:", "System:"))]:
        del docs[key]
    inv = load_inventory(write(tmp_path / "inv", docs))
    drawing = render.view_drawing(inv, "overview", captioned=False)
    html = figure(drawing, "")
    assert "ropa-diagram-frame" not in html and "ropa-legend" not in html
    assert "Nothing to draw: no system and no flow in this view." in html


def test_legend_samples_are_our_markup_only() -> None:
    html = legend(render.legend_keys(collapsed=False, focused=True))
    for sample in re.findall(r"<svg.*?</svg>", html):
        root = ET.fromstring(sample.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        shapes = {e.tag.split("}")[1] for e in root.iter()}
        assert shapes <= {"svg", "line", "rect", "path", "ellipse"}
        assert not [k for e in root.iter() for k in e.attrib if k.startswith("on")]


def test_the_zoom_script_is_local_and_allowed_by_the_csp() -> None:
    assert "assets/ropa/ropa-diagrams.js" in ASSETS and "assets/ropa/ropa-diagrams.css" in ASSETS
    package = resources.files("registry.outputs.site")
    script = package.joinpath("assets", "ropa-diagrams.js").read_text("utf-8")
    style = package.joinpath("assets", "ropa-diagrams.css").read_text("utf-8")
    policy = csp([])
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    # nothing the policy forbids or that would load from elsewhere
    for forbidden in ("eval(", "new Function", "innerHTML", "http://", "https://", "import("):
        assert forbidden not in script
    assert "@import" not in style and "url(" not in style
    assert len(script) < 12_000  # small on purpose
