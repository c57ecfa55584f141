"""Every page of the auditors' site, as Markdown, from a checked inventory.

Nothing here knows MkDocs: :func:`build_site` returns pages (source path, title,
Markdown) and downloads (path, bytes) and a navigation outline, which any static
site generator that reads Markdown can publish. Entity pages stay out of the
navigation (index pages link to them): a navigation listing every page makes a
build quadratic in the number of pages.

The pages are built by family, one module each:

- :mod:`.home`: the home page (a dashboard of the auditor's first questions) and the
  calendar of reviews and contract expiries;
- :mod:`.record`: the controller record, the processor record, the transfers;
- :mod:`.matrices`: processor × data category and system × data category;
- :mod:`.entities`: one page per inventory entry and one index page per kind;
- :mod:`.findings`: the findings, the accepted risks, the rule catalogue;
- :mod:`.reference`: the inventory format;
- :mod:`.downloads`: the downloads page and its files;
- :mod:`.printing`: the printable register;
- :mod:`.changes`: the last change (``ropa diff`` against a base revision), when asked;
- :mod:`.discovered`: what ``ropa discover`` found, when it ran.

Each reads and fills the :class:`~.context.Context` it is given; none imports another,
except that :mod:`.entities` reuses the findings table of :mod:`.findings` and
:mod:`.home` the transfer summary of :mod:`.record`, the anchors of :mod:`.matrices` and
the last change's summary of :mod:`.changes` (which links findings through :mod:`.findings`).
"""

from __future__ import annotations

from pathlib import Path

from registry.core.model import KINDS
from registry.outputs.diff import RegisterDiff
from registry.outputs.site.diagrams import DiagramBatch, DiagramFunction
from registry.outputs.site.history import History
from registry.outputs.site.pages.changes import add_changes
from registry.outputs.site.pages.context import (
    CONTENT_END,
    CONTENT_START,
    PLURAL,
    SINGULAR,
    Context,
    NavItem,
    Page,
    SiteContent,
)
from registry.outputs.site.pages.discovered import add_discovered
from registry.outputs.site.pages.downloads import DOWNLOAD_JSON, add_downloads, start_downloads
from registry.outputs.site.pages.entities import add_entity_pages
from registry.outputs.site.pages.findings import add_findings, add_rule_catalogue, rule_link
from registry.outputs.site.pages.home import add_home
from registry.outputs.site.pages.matrices import add_matrices
from registry.outputs.site.pages.printing import add_print_page
from registry.outputs.site.pages.record import add_records, add_transfers
from registry.outputs.site.pages.reference import add_format_reference
from registry.outputs.urls import SECTIONS
from registry.pipeline.check import CheckResult

__all__ = [
    "CONTENT_END",
    "CONTENT_START",
    "DOWNLOAD_JSON",
    "FULL_TEXT",
    "NAV",
    "PLURAL",
    "SINGULAR",
    "NavItem",
    "Page",
    "SiteContent",
    "build_site",
    "rule_link",
]

NAV: list[NavItem] = [
    ("Home", "index.md"),
    (
        "Register",
        [
            ("Controller record (Art. 30(1))", "register.md"),
            ("Processor record (Art. 30(2))", "processors.md"),
            ("Transfers outside the EEA", "transfers.md"),
            ("Data categories by processor and system", "matrices.md"),
            ("Reviews and contract expiries", "calendar.md"),
            ("Print the register", "print.md"),
            ("Downloads", "downloads.md"),
        ],
    ),
    (
        "Inventory",
        [(PLURAL[kind], f"{SECTIONS[kind]}/index.md") for kind in KINDS],
    ),
    ("Findings", "findings.md"),
    (
        "Reference",
        [("Rule catalogue", "rules.md"), ("Inventory format", "format.md")],
    ),
]

# Pages whose size does not grow with the inventory: the site's search indexes their whole
# text. Every other page is indexed by its title and first paragraph (its kind and id):
# full text at 10,000 flows made a 100 MB index that a browser has to download and parse.
FULL_TEXT = frozenset({"rules.md", "format.md", "downloads.md"})


def build_site(
    result: CheckResult,
    *,
    site_name: str = "Register of processing activities",
    last_change: str | None = None,
    draw: DiagramFunction | None = None,
    diagram_cache: Path | None = None,
    history: History | None = None,
    last_diff: RegisterDiff | None = None,
    embed: bool = True,
    only: set[tuple[str, str]] | None = None,
    site_wide: bool = True,
    downloads: bool = True,
    backlinks: dict | None = None,
) -> SiteContent:
    """Every page; ``draw`` replaces the lineage diagrams (tests), else they are drawn
    (those drawn before taken from ``diagram_cache``, a folder, when given);
    ``history`` (from git, see :func:`~registry.outputs.site.history.read_history`) adds
    each entity's changes and flags those changed since their last review;
    ``last_diff`` (:func:`~registry.outputs.diff.compare`) adds the last change's page
    and its tile on the home page. ``embed=False`` leaves each drawn diagram's marker in
    its page and the diagram in ``diagrams`` (the MkDocs plugin puts it in as it writes the
    page: a page's text with a non-ASCII character takes 2 bytes a character, so 300 MB of
    pictures at 10,000 flows took 600 MB inside the pages).

    A rebuild (:mod:`registry.outputs.site.incremental`) asks for part of the site:
    ``only`` these entities' pages, the site-wide pages (home, registers, findings,
    index pages…) only if ``site_wide``, the downloads only if ``downloads``."""
    scope = {"only": only, "site_wide": site_wide, "downloads": downloads}
    if draw is not None:
        ctx = Context(result, site_name, last_change, draw, history, last_diff)
        ctx.backlinks = backlinks
        return _fill(ctx, **scope)
    # A partial build asks for some diagrams only: the cache keeps the others.
    batch = DiagramBatch(diagram_cache, prune=only is None)
    if not embed:
        # Graphviz draws while the pages are made (and, in MkDocs, read and written):
        # each picture is waited for only when its page is written.
        # The downloads are made in a child process beside them (before the pool's
        # threads start: a process with threads is not forked).
        made = start_downloads(result) if downloads else None
        batch.start(result.inventory)
        context = Context(result, site_name, last_change, batch.placeholder, history, last_diff)
        context.downloads_made = made
        context.backlinks = backlinks
        site = _fill(context, **scope)
        site.diagrams = batch.later()
        for index, (view, path) in enumerate(batch.jobs):
            site.views[f"<!-- ropa:diagram:{index} -->"] = (view, path)
        return site
    ctx = Context(result, site_name, last_change, batch.placeholder, history, last_diff)
    ctx.backlinks = backlinks
    site = _fill(ctx, **scope)
    drawn = batch.draw_all(result.inventory)
    for index, (view, path) in enumerate(batch.jobs):
        marker = f"<!-- ropa:diagram:{index} -->"
        site.views[marker] = (view, path)
        page = site.pages[path]
        page.body = page.body.replace(marker, drawn[index], 1)
        drawn[index] = ""  # each picture held once, in its page
    return site


def _fill(
    ctx: Context,
    only: set[tuple[str, str]] | None = None,
    site_wide: bool = True,
    downloads: bool = True,
) -> SiteContent:
    # This order is the order of site.pages and of the diagram batch's jobs: keep it stable.
    if site_wide:
        add_home(ctx)
        add_records(ctx)
        add_matrices(ctx)
    add_entity_pages(ctx, only, indexes=site_wide)
    if site_wide:
        add_transfers(ctx)
        add_findings(ctx)
        add_rule_catalogue(ctx)
        add_format_reference(ctx)
    if downloads:
        add_downloads(ctx, ctx.downloads_made)
    if site_wide:
        add_print_page(ctx)
    ctx.site.nav = NAV
    if not site_wide:
        return ctx.site  # the navigation below is the previous build's (the plugin's)
    if add_changes(ctx):  # only when the build compared with a base revision
        ctx.site.nav = [*ctx.site.nav, ("Last change", "changes.md")]
    if add_discovered(ctx):  # only when the check discovered repositories
        ctx.site.nav = [*ctx.site.nav, ("Discovered in code", "discovered.md")]
    return ctx.site
