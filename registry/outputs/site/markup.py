"""Markdown that cannot be hijacked by the text it carries.

Every string from the inventory goes through :func:`text` (or :func:`lines`)
before it reaches a page: HTML metacharacters become entities, and so does every
ASCII character that Markdown, its extensions or a template engine give meaning to
(``*_`[]()#|{}!:~^=$@%+\\``). What is left cannot open a tag, a link, an emphasis,
a table cell or a ``{{ }}`` expansion. Links are built only from ids and paths
that we compute, or from URLs the model has already restricted to http(s)/mailto.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from registry.outputs.urls import entity_path, flow_anchor, flow_home

if TYPE_CHECKING:
    from registry.core.inventory import Inventory

# Characters with a meaning to Markdown (core and extensions), HTML or Jinja.
_SPECIAL = re.compile(r"""[&<>"'\\`*_\[\](){}#+!|:~^=$@%]""")
_SPACES = re.compile(r"[ \t]+")


def text(value: object) -> str:
    """One line of inventory text, inert in Markdown and HTML."""
    flat = _SPACES.sub(" ", str(value).replace("\r", " ").replace("\n", " ")).strip()
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", flat)


def lines(value: object) -> str:
    """Multi-line inventory text kept on one Markdown line, its breaks as ``<br>``."""
    parts = [text(line) for line in str(value).splitlines()]
    return "<br>".join(p for p in parts if p) or ""


def title(value: object) -> str:
    """A page title for front matter: HTML-escaped exactly once.

    Material writes ``page.meta.title`` into ``<title>`` as is, and the theme's
    other places (header, search) treat it as HTML: one level of escaping shows
    the text verbatim everywhere and lets no markup through.
    """
    return html.escape(" ".join(str(value).split()), quote=True)


def relative(from_page: str, target: str) -> str:
    """Link from the Markdown source ``from_page`` to the source ``target``.

    Both are our own normalised paths (``systems/lis.md``), so plain string work is
    enough; ``posixpath.relpath`` was a third of a 10,000-flow build.
    """
    directory = from_page.rpartition("/")[0]
    if not directory:
        return target
    if target.startswith(directory + "/"):
        return target[len(directory) + 1 :]
    return "../" * (directory.count("/") + 1) + target


def source_of(kind: str, ident: str) -> str:
    """Markdown source path of an entity page (``systems/lis.md`` → ``systems/lis/``)."""
    return entity_path(kind, ident).rstrip("/") + ".md"


def place_of(inv: Inventory, kind: str, ident: str) -> tuple[str, str]:
    """Markdown source path and anchor ('' for the page itself) where an entity is shown:
    its own page, or for a flow its section of its activity's page (or of the flows'
    index when its activity is unknown)."""
    if kind != "Flow":
        return source_of(kind, ident), ""
    activity = flow_home(inv, ident)
    page = source_of("Activity", activity) if activity else FLOWS_INDEX
    return page, flow_anchor(ident)


def findings_place(inv: Inventory, kind: str, ident: str) -> tuple[str, str]:
    """Where an entity's findings are listed: its page's Findings, or its flow section."""
    page, anchor = place_of(inv, kind, ident)
    return page, anchor or "findings"


FLOWS_INDEX = "flows/index.md"


def link(label: str, from_page: str, target: str, anchor: str = "") -> str:
    """A Markdown link; ``label`` must already be escaped, ``target`` is our own path."""
    return f"[{label}]({relative(from_page, target)}{'#' + anchor if anchor else ''})"


def url(value: str) -> str:
    """An http(s)/mailto URL from the model (schemes already restricted), as a link target."""
    lowered = value.strip().lower()
    if not lowered.startswith(("http://", "https://", "mailto:")):
        return ""
    # Percent-encode what could end the Markdown link or the HTML attribute.
    return re.sub(r"""[\s()<>"'\\`\[\]|{}]""", lambda m: f"%{ord(m.group()):02X}", value.strip())


def breakable(value: object) -> str:
    """A path or address as :func:`text`, free to wrap after each ``/`` (and nowhere
    inside a word): a long file name or URL must not widen its table past the page."""
    return text(value).replace("/", "/<wbr>")


def external(value: str) -> str:
    """A link to an external document, shown as its (escaped) address; relative paths as text."""
    target = url(value)
    return f"[{breakable(value)}]({target})" if target else breakable(value)


_CODE_SPAN = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")


def prose(value: str) -> list[str]:
    """Documentation prose (a rule's docstring) as paragraphs of Markdown-safe text.

    Lines of a paragraph are joined (a docstring wraps at 90 columns, a page does not);
    paragraphs are split at blank lines; ```code``` becomes ``<code>`` and ``*word*``
    emphasis. Everything else is escaped like inventory text.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", value.strip()):
        joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if not joined:
            continue
        out = []
        for index, part in enumerate(_CODE_SPAN.split(joined)):
            if index % 2:
                out.append(f"<code>{text(part)}</code>")
                continue
            for number, piece in enumerate(_EMPHASIS.split(part)):
                out.append(f"<em>{text(piece)}</em>" if number % 2 else _spaced(piece))
        paragraphs.append("".join(out))
    return paragraphs


def inline(value: str) -> str:
    """:func:`prose` on one line (a rule's summary)."""
    return " ".join(prose(value))


def _spaced(value: str) -> str:
    """:func:`text` that keeps the spaces at either end (it sits between code spans)."""
    lead = " " if value[:1].isspace() else ""
    trail = " " if value[-1:].isspace() and value.strip() else ""
    return lead + text(value) + trail if value.strip() else (" " if value else "")


def table(headers: list[str], rows: list[list[str]], empty: str = "None.") -> str:
    """A Markdown table; cells must already be escaped (they cannot contain ``|``)."""
    if not rows:
        return f"*{empty}*\n"
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(out) + "\n"
