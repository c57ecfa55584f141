"""What every page family shares: the site being filled and the checked inventory behind it.

:func:`~registry.outputs.site.pages.build_site` makes one :class:`Context` and hands it to
each page family in turn; each adds its pages to ``ctx.site``. The page types and the
reader's names for the kinds live here, not in the package, so that the families can use
them without importing the package that assembles them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.core.inventory import Inventory
from registry.core.record import Record
from registry.outputs.diff import RegisterDiff
from registry.outputs.site.diagrams import DiagramFunction
from registry.outputs.site.history import History
from registry.outputs.site.markup import title
from registry.pipeline.check import CheckResult

PLURAL = {
    "Organisation": "Organisations",
    "DataCategory": "Data categories",
    "DataSubject": "Data subjects",
    "System": "Systems",
    "Activity": "Activities",
    "Flow": "Flows",
    "Contract": "Contracts",
    "Waiver": "Waivers (accepted risks)",
}
SINGULAR = {
    "Organisation": "Organisation",
    "DataCategory": "Data category",
    "DataSubject": "Data subject",
    "System": "System",
    "Activity": "Processing activity",
    "Flow": "Flow",
    "Contract": "Contract",
    "Waiver": "Waiver",
}
# Around each page's content, so the HTML around it (the theme's) can be told apart.
CONTENT_START = "<!-- ropa:content -->"
CONTENT_END = "<!-- ropa:end -->"


@dataclass
class Page:
    path: str  # Markdown source path, e.g. "systems/lis.md"
    title: str  # plain text
    body: str  # Markdown, every inventory string already escaped
    wide: bool = False  # wide tables: ask the theme to hide its side columns
    toc: bool = True  # False: hide the table of contents (its column goes to the tables)

    def meta(self) -> dict[str, object]:
        """The front matter, as MkDocs reads it from :meth:`markdown`."""
        hidden = ["navigation", "toc"] if self.wide else [] if self.toc else ["toc"]
        return {"title": title(self.title), **({"hide": hidden} if hidden else {})}

    def source(self) -> str:
        """The Markdown after the front matter."""
        # The marker lets the stylesheet give wide pages the whole window.
        wide = '<div class="ropa-wide"></div>\n\n' if self.wide else ""
        return f"{CONTENT_START}\n\n{wide}{self.body}\n\n{CONTENT_END}\n"

    def markdown(self) -> str:
        meta = self.meta()
        # JSON is YAML: the front matter's title survives any character.
        hidden = meta.get("hide")
        hide = f"hide: [{', '.join(hidden)}]\n" if isinstance(hidden, list) else ""
        return f"---\ntitle: {json.dumps(meta['title'])}\n{hide}---\n\n{self.source()}"


NavItem = tuple[str, "str | list[NavItem]"]


@dataclass
class SiteContent:
    pages: dict[str, Page] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    # With build_site(embed=False): each diagram's marker in its page → the diagram, put
    # in when the page is written (a site's pictures held once, as ASCII, not in pages).
    # Drawn while the pages are made (DrawnLater): finish() once the pages are written.
    diagrams: Mapping[str, str] = field(default_factory=dict)
    views: dict[str, tuple[str, str]] = field(default_factory=dict)  # marker → (view, page)

    def add(
        self, path: str, page_title: str, body: str, *, wide: bool = False, toc: bool = True
    ) -> None:
        self.pages[path] = Page(path, page_title, body, wide, toc)


@dataclass
class Context:
    """The checked inventory, how the site is named and drawn, and the site being filled."""

    result: CheckResult
    site_name: str
    last_change: str | None
    draw: DiagramFunction  # a lineage diagram as Markdown, or a placeholder for the batch
    history: History | None = None  # from git; None outside a repository
    last_diff: RegisterDiff | None = None  # the last change (`diff_base:`), else None
    site: SiteContent = field(default_factory=SiteContent)
    # The downloads' files when already being made (downloads.start_downloads), else None
    downloads_made: Callable[[], Any] | None = None
    # What refers to each entry (pages.entities.backlinks_of), when the caller has it.
    backlinks: dict | None = None

    @property
    def inv(self) -> Inventory:
        return self.result.inventory

    @property
    def record(self) -> Record:
        """The Art. 30 record every register page reads (the exports read the same)."""
        return self.result.record
