"""A diagram's SVG as the site's pages embed it: Graphviz's output made smaller.

Pure text work (regular expressions, no inventory, no Graphviz), so that the process
that draws the site's diagrams (:mod:`.drawer`) starts without the rest of ropa.
"""

from __future__ import annotations

import html
import math
import re

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Graphviz states the picture's size in points; the site wants pixels (1 pt = 4/3 px).
_SIZE = re.compile(r'\A<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def embed(svg: str) -> str:
    """The SVG element alone, as small as it can be drawn the same: with no XML prolog,
    comments or line breaks (a blank line would end the HTML block in Markdown), sized
    in pixels so that it can shrink (:func:`compact` says what else goes)."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))

    def pixels(match: re.Match[str]) -> str:
        width, height = (math.ceil(float(n) * 4 / 3) for n in match.groups())
        return f'<svg width="{width}" height="{height}"'

    return compact(_SIZE.sub(pixels, body.strip(), count=1))


# What :func:`compact` rewrites: tags as Graphviz writes them (one element a line, a
# link always in a group of its own). Inventory text is escaped in them ('<' and '"'
# never appear raw in a text or an attribute value), so these only match Graphviz's.
_GROUP_ID = re.compile(r'<g id="[^"]*" class="([^"]*)">')
_LINK_GROUP = '<g id="a_'
_LINK_GROUP_ID = re.compile(r'<g id="a_[^"]*">(?=<a )')
_LINK_END = "</a>\n</g>"
_FLOW_LABEL = re.compile(
    r'<g id="[^"]*" class="node flow">\n<title>[^<]*</title>\n'
    r'<g id="a_[^"]*"><a xlink:href="([^"]*)"( xlink:title="[^"]*")?>'
)
# A linked line (half a flow's, or a merged one): its title ("System/a->Flow/b") and link.
_LINE = re.compile(
    r'<g id="[^"]*" class="edge">\n<title>[^<]*</title>\n'
    r'<g id="a_[^"]*"><a xlink:href="([^"]*)"( xlink:title="[^"]*")?>'
)
_SHAPE = re.compile(r"<(?:path|polygon|ellipse|polyline) [^>]*>")
_TEXT = re.compile(r'<text( xml:space="preserve")?( [^>]*>)([^<]*)</text>')
# Graphviz's two decimals (one is kept as it is); matched from the '.': far faster
_FRACTION = re.compile(r"(\.\d\d+)")
_WHOLE_END = re.compile(r"\d+\Z")
_FONT = ' font-family="Helvetica,sans-Serif"'  # ropa-diagrams.css sets it for every text
_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")  # not a text's own spaces: they have no break
_SVG_TAG = re.compile(r"\A<svg\b[^>]*>")  # Graphviz's own attributes only


def compact(svg: str) -> str:
    """Graphviz's SVG (as :func:`embed` has it) with the same picture and behaviour in
    fewer bytes; only what Graphviz writes itself is rewritten, never inventory text:

    - a flow's tooltip once, on its label: the two halves of its line (which link to
      the same page with the same tooltip) lose theirs, and ropa-diagrams.js gives it
      back to them from the label when the page loads;
    - no ``<title>`` on a linked line ("System/a->Flow/b", ids): its link's tooltip is
      what shows;
    - no ``id`` on groups and no group around each link (nothing refers to them; many
      diagrams on one page would repeat them);
    - the font family in the site's stylesheet; ``xml:space="preserve"`` only on a
      text whose spaces it keeps (a leading, trailing or doubled space, a tab or break);
    - coordinates to one decimal (a tenth of a point), ``11.00`` as ``11``;
    - no line breaks between elements.

    The nodes' and frames' ``<title>`` elements stay: they name the node or flow a
    text belongs to (the tests check the layout with them). Regular expressions over
    the whole text, not a loop over its lines: this runs on every diagram drawn.
    """
    # The tooltip of each flow's label, by the label's link: a line with the same link
    # and tooltip needs no copy of it (when no other label has that link: the script
    # finds the label by its link).
    titles: dict[str, set[str]] = {}
    for href, title in _FLOW_LABEL.findall(svg):
        titles.setdefault(href, set()).add(title)
    labels = {(href, *found) for href, found in titles.items() if len(found) == 1 and found}

    def line(match: re.Match[str]) -> str:
        href, title = match.group(1, 2)
        keep = title if title and (href, title) not in labels else ""
        return f'<g class="edge">\n<g id="a_"><a xlink:href="{href}"{keep}>'

    svg = _LINE.sub(line, svg)
    svg = _GROUP_ID.sub(r'<g class="\1">', svg)
    if svg.count(_LINK_GROUP) == svg.count(_LINK_END):  # as Graphviz writes every link
        svg = _LINK_GROUP_ID.sub("", svg).replace(_LINK_END, "</a>")
    svg = _SHAPE.sub(_rounded, svg.replace(_FONT, ""))
    svg = _TEXT.sub(_text, svg)
    svg = _SVG_TAG.sub(lambda tag: " ".join(tag.group(0).split()), svg, count=1)
    return _BETWEEN_TAGS.sub("><", svg)


def _rounded(match: re.Match[str]) -> str:
    return _round(match.group(0))


def _round(tag: str) -> str:
    """``tag`` with each number of two decimals or more to one, half up (on the digits:
    ``-391.55`` → ``-391.6``, ``9.96`` → ``10``)."""
    parts = _FRACTION.split(tag)  # text, fraction, text, … (the pattern has one group)
    rounded = list(map(_TENTHS.__getitem__, parts[1::2]))  # in C, each new one once
    parts[1::2] = rounded
    if _CARRY in rounded:  # x.95 and up: the whole part goes up by one
        for index in range(1, len(parts), 2):
            if parts[index] == _CARRY:
                before = parts[index - 1]
                whole = _WHOLE_END.search(before)
                start = whole.start() if whole else len(before)
                parts[index - 1] = before[:start] + str(int(before[start:] or 0) + 1)
                parts[index] = ""
    return "".join(parts)


def _text(match: re.Match[str]) -> str:
    """A text with its place and size rounded (never what it says), and the mark that
    keeps its spaces only where it keeps some."""
    preserve, attributes, text = match.group(1, 2, 3)
    if preserve and _collapses_nothing(html.unescape(text)):
        preserve = ""
    return f"<text{preserve or ''}{_round(attributes)}{text}</text>"


def _collapses_nothing(text: str) -> bool:
    """Whether a text is drawn the same without ``xml:space="preserve"`` (which keeps
    leading, trailing and doubled spaces, tabs and line breaks)."""
    return not (
        text.startswith(" ") or text.endswith(" ") or "  " in text
        or any(c in text for c in "\t\n\r")
    )


_CARRY = "+1"  # a fraction that rounds up to a whole one


class _Tenths(dict[str, str]):
    """A fraction as Graphviz writes it (``.57``) → to one decimal, half up (``.6``;
    ``.04`` → nothing; ``.96`` → :data:`_CARRY`). A few hundred of them at most."""

    def __missing__(self, fraction: str) -> str:
        tenths = int(fraction[1]) + (fraction[2] >= "5")
        rounded = _CARRY if tenths == 10 else f".{tenths}" if tenths else ""
        self[fraction] = rounded
        return rounded


_TENTHS = _Tenths()
