"""The Markdown this package writes, turned into HTML without python-markdown.

The generated pages use a small, regular part of Markdown: ATX headings (with an
optional ``{#id}``), paragraphs, ``- `` lists, pipe tables, ``**strong**``, ``*em*``,
`` `code` ``, links (optionally ``{: download }``), inline HTML, raw HTML blocks and
``markdown="1"`` blocks (md_in_html). Every inventory string reaching them is already
escaped by :mod:`.markup`, so none of it can look like syntax. At 10,000 flows
python-markdown spent minutes on that text (issue 14); this reads it line by line.

It produces what python-markdown with ``tables``, ``attr_list``, ``toc`` and
``md_in_html`` produces for the same text (up to whitespace between tags: a test
compares every page of the example both ways), with MkDocs's link rewriting: a link
to a source path (``systems/lis.md``) becomes the relative URL of that page. Anything
outside that subset makes :func:`to_html` return None, and the page goes through
MkDocs's own Markdown instead: slower, never wrong.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import slugify, strip_tags, unique
from markdown.util import BLOCK_LEVEL_ELEMENTS

# A link target resolved to the URL to write, or None when it names no file.
Resolver = Callable[[str], "str | None"]


class Unsupported(Exception):
    """The text uses Markdown this module does not handle: let python-markdown do it."""


@dataclass
class Rendered:
    content: str
    toc_tokens: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None  # the first <h1>'s text, as MkDocs extracts it


_HEADING = re.compile(r"(#{1,6}) +(.*?)(?: +\{:? ?((?:[#.][A-Za-z0-9_-]+ ?)+)\})? *$")
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b([^>]*)>")
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)
_MARKDOWN_ATTR = re.compile(r"""\s+markdown=(["'])1\1""")
_ATTR = re.compile(r"""\s*([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""")
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}

# Inline: code spans, links and raw tags are put aside first (as python-markdown
# stashes them), then emphasis is read from what is left.
_CODE = re.compile(r"`([^`]+)`")
# (\x04 separates a table row's cells while the row is read in one go: see `cells`)
_LINK = re.compile(r"(?<!!)\[([^\[\]\x04]*)\]\(([^()\s\x04]*)\)(\{: ?download ?\})?")
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\x04]*)?/?>|<!--.*?-->")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*")
_BLOCK_CLASS = re.compile(r"\{:? ?((?:\.[A-Za-z][\w-]* ?)+)\}")
_SYNTAX = re.compile(r"[&<>*_`\[\]{}\\!]|^[ \t]|  $")
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_HOLD = re.compile("\x02(\\d+)\x03")
# Characters python-markdown would read as syntax this module does not implement.
_UNHANDLED = re.compile(r"[_\\\[\]*`{]|!\[|<(?![A-Za-z/!])|^ {4}|^\t")


def to_html(source: str, resolve: Resolver) -> Rendered | None:
    """The page's HTML, or None when it needs python-markdown."""
    try:
        return _Converter(resolve).convert(source)
    except Unsupported:
        return None


class _Converter:
    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.held: list[str] = []
        self.headings: list[tuple[int, str, str, bool]] = []  # level, html, id, id given
        self.element_ids: set[str] = set()  # ids of markdown="1" elements (toc avoids them)

    def convert(self, source: str) -> Rendered:
        lines = source.replace("\r\n", "\n").split("\n")
        blocks = self.blocks(lines)
        parts = [self.block(block, kind) for kind, block in blocks]
        content = "\n".join(p for p in parts if p is not None)
        return self.finish(content)

    # -- blocks ------------------------------------------------------------------

    def blocks(self, lines: list[str]) -> list[tuple[str, list[str]]]:
        """Split into (kind, lines): raw, markdown-in-html (open, inner, close), heading,
        table, list, paragraph."""
        out: list[tuple[str, list[str]]] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if line.startswith("<"):
                tag = _OPEN_TAG.match(line)
                if line.startswith("<!--"):
                    end = i
                    while "-->" not in lines[end]:
                        end += 1
                        if end >= n:
                            raise Unsupported
                    if not lines[end].rstrip().endswith("-->"):
                        raise Unsupported
                    out.append(("raw", lines[i : end + 1]))
                    i = end + 1
                    continue
                if tag and tag.group(1).lower() in BLOCK_LEVEL_ELEMENTS:
                    end = self.element_end(lines, i, tag.group(1).lower())
                    if _MARKDOWN_ATTR.search(tag.group(0)):
                        out.append(("md_in_html", lines[i : end + 1]))
                    else:
                        out.append(("raw", lines[i : end + 1]))
                    i = end + 1
                    continue
            end = i
            while end + 1 < n and lines[end + 1].strip():
                end += 1
            block = lines[i : end + 1]
            i = end + 1
            first = block[0]
            if first.startswith("#"):
                if len(block) != 1:
                    raise Unsupported
                out.append(("heading", block))
            elif first.startswith("|"):
                out.append(("table", block))
            elif first.startswith("- "):
                if out and out[-1][0] == "list":
                    raise Unsupported  # python-markdown would join them into a loose list
                out.append(("list", block))
            else:
                out.append(("paragraph", block))
        return out

    def element_end(self, lines: list[str], start: int, name: str) -> int:
        """The line where the element opened on ``lines[start]`` closes (at its end)."""
        depth = 0
        for index in range(start, len(lines)):
            if name not in lines[index]:
                continue  # most lines of an inline SVG say nothing of the element's end
            for match in _ANY_TAG.finditer(lines[index]):
                if match.group(0).startswith("<!--") or match.group(2).lower() != name:
                    continue
                if match.group(1):
                    depth -= 1
                elif not match.group(3) and name not in _VOID:
                    depth += 1
                if depth == 0:
                    if lines[index][match.end() :].strip():
                        raise Unsupported  # text after the closing tag
                    if index + 1 < len(lines) and lines[index + 1].strip():
                        raise Unsupported  # the block runs on without a blank line
                    return index
            if depth == 0 and index == start:  # a void or self-closed element
                return index
        raise Unsupported

    def block(self, block: list[str], kind: str) -> str | None:
        if kind == "raw":
            return "\n".join(block) + "\n"
        if kind == "md_in_html":
            return self.md_in_html(block)
        if kind == "heading":
            return self.heading(block[0])
        if kind == "table":
            return self.table(block)
        if kind == "list":
            return self.list(block)
        return self.paragraph(block)

    def md_in_html(self, block: list[str]) -> str:
        opening = _OPEN_TAG.match(block[0])
        closing = block[-1].strip()
        assert opening is not None
        name = opening.group(1).lower()
        if block[0][opening.end() :].strip() or closing != f"</{name}>" or len(block) < 2:
            raise Unsupported
        attrs = _MARKDOWN_ATTR.sub("", opening.group(2))
        given = re.search(r"""\sid=["']([^"']*)["']""", attrs)
        if given:
            self.element_ids.add(given.group(1))
        inner = self.blocks(block[1:-1])
        parts = [self.block(b, k) for k, b in inner]
        body = "\n".join(p for p in parts if p is not None)
        return f"<{name}{_attributes(attrs)}>\n{body}\n</{name}>"

    def heading(self, line: str) -> str:
        match = _HEADING.match(line)
        if not match:
            raise Unsupported
        level = len(match.group(1))
        inner = self.inline(match.group(2))
        ident, attrs = "", ""
        for token in (match.group(3) or "").split():
            if token.startswith("#"):
                ident = token[1:]  # toc writes the id last, wherever attr_list read it
            else:
                attrs += f' class="{token[1:]}"' if "class=" not in attrs else ""
                if attrs.count("class=") > 1:
                    raise Unsupported
        if match.group(3) and match.group(3).count(".") > 1:
            raise Unsupported  # several classes: not needed yet
        self.headings.append((level, inner, ident, bool(ident)))
        index = len(self.headings) - 1
        # the id is written at the end, when every given id is known (as toc does)
        attrs += f"\x01{index}\x01"
        return f"<h{level}{attrs}>{inner}</h{level}>"

    def table(self, block: list[str]) -> str:
        if len(block) < 2 or not re.fullmatch(r"\|(?:-{3,}\|)+", block[1].strip()):
            raise Unsupported
        width = block[1].strip().count("|") - 1
        rows = [self.cells(line, width) for line in [block[0], *block[2:]]]
        out = ["<table>", "<thead>", "<tr>"]
        out += [f"<th>{cell}</th>" for cell in rows[0]]
        out += ["</tr>", "</thead>"]
        if len(rows) > 1:
            out.append("<tbody>")
            for row in rows[1:]:
                out.append("<tr>")
                out += [f"<td>{cell}</td>" for cell in row]
                out.append("</tr>")
            out.append("</tbody>")
        out.append("</table>")
        return "\n".join(out)

    def cells(self, line: str, width: int) -> list[str]:
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            raise Unsupported
        line = self.code_spans(line)  # a code span may hold a "|"
        cells = [c.strip() for c in line[1:-1].split("|")]
        if len(cells) != width:
            raise Unsupported
        if "*" in line or "\x04" in line:  # emphasis is read cell by cell
            return [self.inline(c) for c in cells]
        # Otherwise the row in one go (a third of the time at 10,000 flows): nothing
        # else can run from one cell into the next.
        return self.inline("\x04".join(cells)).split("\x04")

    def list(self, block: list[str]) -> str:
        if not all(line.startswith("- ") for line in block):
            raise Unsupported
        items = [f"<li>{self.inline(line[2:].strip())}</li>" for line in block]
        return "<ul>\n" + "\n".join(items) + "\n</ul>"

    def paragraph(self, block: list[str]) -> str:
        for line in block[1:]:
            if line.startswith(("#", "|", "- ", "<", "    ", "\t", ">", "1.")):
                raise Unsupported
        if block[0].startswith((">", "    ", "\t", "=", "1.", "+ ", "* ")):
            raise Unsupported
        attrs = ""
        classes = _BLOCK_CLASS.fullmatch(block[-1].strip())
        if classes and len(block) > 1:  # attr_list's "{.name}" under a paragraph
            names = " ".join(c.lstrip(".") for c in classes.group(1).split())
            attrs = f' class="{names}"'
            block = block[:-1]
        if any(line.endswith("  ") for line in block[:-1]):
            raise Unsupported  # a hard line break
        text = "\n".join(self.inline(line.rstrip()) for line in block)
        return f"<p{attrs}>" + text.strip() + "</p>"

    # -- inline ------------------------------------------------------------------

    def hold(self, value: str) -> str:
        self.held.append(value)
        return f"\x02{len(self.held) - 1}\x03"

    def code_spans(self, value: str) -> str:
        return _CODE.sub(lambda m: self.hold(f"<code>{_code(m.group(1).strip())}</code>"), value)

    def inline(self, value: str) -> str:
        if not _SYNTAX.search(value):
            return value  # plain text: nothing to read, nothing to escape
        if "`" in value:
            value = self.code_spans(value)
        if "](" in value:
            value = _LINK.sub(self.link, value)
        return self.spans(value)

    def link(self, match: re.Match[str]) -> str:
        target = self.resolve(match.group(2))
        if target is None:
            raise Unsupported
        label = self.spans(match.group(1))
        download = "download " if match.group(3) else ""
        return self.hold(f'<a {download}href="{_attribute(target)}">{label}</a>')

    def spans(self, value: str) -> str:
        """Inline HTML, emphasis and text (code spans and links are held already)."""
        if "<" in value:
            value = _INLINE_TAG.sub(lambda m: self.hold(m.group(0)), value)
        if "*" in value:
            strong, end_strong = self.hold("<strong>"), self.hold("</strong>")
            value = _STRONG.sub(lambda m: f"{strong}{m.group(1)}{end_strong}", value)
            em, end_em = self.hold("<em>"), self.hold("</em>")
            value = _EM.sub(lambda m: f"{em}{m.group(1)}{end_em}", value)
        # what is left is text: anything still looking like syntax is not ours to read
        if _UNHANDLED.search(value):
            raise Unsupported
        if "&" in value:  # entities stay as written, a bare "&" is escaped
            value = _BARE_AMPERSAND.sub("&amp;", value)
        if "<" in value or ">" in value:
            value = value.replace("<", "&lt;").replace(">", "&gt;")
        return value

    # -- the end: restore what was held, number the headings ------------------------

    def restore(self, value: str) -> str:
        while "\x02" in value:
            value = _HOLD.sub(lambda m: self.held[int(m.group(1))], value)
        return value

    def finish(self, content: str) -> Rendered:
        used = {ident for _, _, ident, given in self.headings if given}
        used |= self.element_ids
        counters: dict[str, int] = {}
        tokens: list[dict[str, Any]] = []
        ids = []
        title = None
        for level, inner, ident, given in self.headings:
            inner_html = self.restore(inner)
            name = strip_tags(inner_html)
            if not given:
                ident = unique(slugify(html.unescape(name), "-"), used, counters)
            ids.append(ident)
            if level == 1 and title is None:
                title = html.unescape(name)
            tokens.append(
                {
                    "level": level,
                    "id": ident,
                    "name": name,
                    "html": inner_html,
                    "data-toc-label": "",
                }
            )
        content = re.sub(
            "\x01(\\d+)\x01", lambda m: f' id="{_attribute(ids[int(m.group(1))])}"', content
        )
        return Rendered(self.restore(content), _nest(tokens), title)


def _nest(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from markdown.extensions.toc import nest_toc_tokens

    return nest_toc_tokens(tokens)


def _code(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _attributes(raw: str) -> str:
    """An opening tag's attributes as python-markdown re-writes them."""
    out = []
    rest = raw.strip()
    for match in _ATTR.finditer(rest):
        if not match.group(0).strip():
            continue
        name = match.group(1)
        value = match.group(2) if match.group(2) is not None else match.group(3)
        out.append(f' {name}="{_attribute(html.unescape(value or name))}"')
    return "".join(out)
