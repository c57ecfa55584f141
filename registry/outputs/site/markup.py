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

from registry.outputs.urls import entity_path

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


def external(value: str) -> str:
    """A link to an external document, shown as its (escaped) address; relative paths as text."""
    target = url(value)
    return f"[{text(value)}]({target})" if target else text(value)


def table(headers: list[str], rows: list[list[str]], empty: str = "None.") -> str:
    """A Markdown table; cells must already be escaped (they cannot contain ``|``)."""
    if not rows:
        return f"*{empty}*\n"
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(out) + "\n"
