"""The MkDocs adapter: load and check the inventory once per build, hand over the pages.

Everything about what the pages say lives in :mod:`registry.outputs.site.pages`; this
module only maps it onto MkDocs 1.x hooks (files, navigation, serve-time watching)
and adds what a browser needs around it: the site's stylesheet and script and a
Content-Security-Policy on every page. It also says where the register came from:
the commit in the footer, and ``ropa-manifest.json`` (:mod:`registry.outputs.manifest`)
beside the pages. ``at:`` builds the register as it stood on a date or at a revision.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import html as html_lib
import json
import logging
import os
import posixpath
import re
import subprocess
from dataclasses import replace
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from registry.core.git import output as git_output
from registry.outputs.manifest import Provenance, write_manifest
from registry.outputs.site.diagrams import DrawnLater
from registry.outputs.site.fastmd import to_html
from registry.outputs.site.fill import FilledTemplate
from registry.outputs.site.pages import CONTENT_END, CONTENT_START, FULL_TEXT, NAV

if TYPE_CHECKING:
    from registry.outputs.diff import RegisterDiff
    from registry.pipeline.revision import Snapshot

log = logging.getLogger("mkdocs.plugins.ropa")

ASSETS = (
    "assets/ropa/ropa.css",
    "assets/ropa/ropa.js",
    "assets/ropa/ropa-diagrams.css",
    "assets/ropa/ropa-diagrams.js",
)
ENTRY_TEMPLATE = "ropa-entry.html"  # registry/outputs/site/templates/
_MARKER = "<!-- ropa:diagram:"
_DIAGRAM = re.compile(r"<!-- ropa:diagram:\d+ -->")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)


class RopaConfig(Config):
    inventory = c.Type(str, default="inventory")
    as_of = c.Optional(c.Type((str, dt.date)))
    at = c.Optional(c.Type((str, dt.date)))  # a date or a git revision, as `--at`
    observed = c.ListOfItems(c.Type(str), default=[])
    site_name = c.Optional(c.Type(str))
    # A git revision to compare with (CI: the commit before the push): the home page
    # and changes.md then say what that change did, as `ropa diff BASE HEAD` would.
    diff_base = c.Optional(c.Type(str))
    # Diagrams kept by content hash between builds, relative to mkdocs.yml; "" for none.
    diagram_cache = c.Type(str, default=".cache/ropa/diagrams")


class RopaPlugin(BasePlugin[RopaConfig]):
    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this keeps one plugin instance across `mkdocs serve` rebuilds, so that
        # with --dirty the pages unchanged since the last build are not built again.
        self.dirty = dirty and command == "serve"

    def on_shutdown(self) -> None:
        # The instance outlives the command in this process (MkDocs keeps it): forget
        # the last build, so the next command starts clean.
        self.dirty = False
        self.digests = {}
        self.search_entries = {}

    def on_config(self, config: Any) -> Any:
        base = Path(config.config_file_path or ".").resolve().parent
        self.inventory_path = (base / self.config.inventory).resolve()
        # Read from git with `at:`: a folder since removed still has a past.
        if self.config.at == "":
            self.config.at = None  # `at: !ENV ROPA_AT` with ROPA_AT set but empty
        if self.config.diff_base == "":
            self.config.diff_base = None  # likewise `diff_base: !ENV ROPA_DIFF_BASE`
        if not self.inventory_path.exists() and self.config.at is None:
            raise PluginError(f"ropa: inventory path {self.config.inventory!r} does not exist")
        self.base = base
        try:
            raw = self.config.as_of
            if isinstance(raw, dt.date):
                self.as_of: dt.date | None = raw
            else:
                # None: today, or with `at:` the day the register is read as of
                self.as_of = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise PluginError(
                f"ropa: as_of {self.config.as_of!r} is not a date YYYY-MM-DD"
            ) from None
        # Extensions the generated Markdown relies on (tables, heading anchors, attributes,
        # Markdown inside the dashboard's tiles and the register's cards).
        for extension in ("tables", "attr_list", "toc", "md_in_html"):
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if asset not in [str(item) for item in target]:
                target.append(asset)
        if config.nav is None:
            config.nav = _mkdocs_nav(NAV)
        # The entry pages' lighter template (extends the theme's main.html): last in the
        # search path, so a project's own templates and the theme's come first.
        self.entry_template = None
        if config.theme.name == "material":
            folder = str(resources.files("registry.outputs.site").joinpath("templates"))
            if folder not in config.theme.dirs:
                config.theme.dirs.append(folder)
            self.entry_template = ENTRY_TEMPLATE
        if os.environ.get("MIKE_DOCS_VERSION"):
            _versioned(config)
        self.copyright = config.copyright  # the footer line is added to it per build
        self.content = None
        self.provenance: Provenance | None = None
        if not getattr(self, "dirty", False) or not hasattr(self, "digests"):
            self.dirty = getattr(self, "dirty", False)
            self.digests: dict[str, bytes] = {}  # each page's Markdown, last build
            self.search_entries: dict[str, dict[str, str]] = {}
        return config

    def _build_content(self, config: Any) -> Any:
        from registry.core.config import load_config
        from registry.core.errors import CannotRun
        from registry.outputs.site.pages import build_site
        from registry.pipeline import Request, run
        from registry.pipeline.revision import read_snapshot

        # The same pipeline as `ropa check`: ropa.yaml's settings and baseline, the
        # evidence (the plugin's own `observed` globs, else ropa.yaml's), waivers.
        try:
            settings = load_config(self.inventory_path.parent)
            observed = self._evidence(settings)
            snapshot = None
            if self.config.at is not None:
                snapshot = read_snapshot(
                    self.config.at, self.inventory_path, self.inventory_path.parent
                )
                log.info("ropa: read %s", snapshot.describe())
            result = run(
                Request(
                    path=self.inventory_path,
                    as_of=self.as_of,
                    observed=tuple(observed) if observed else None,
                    directory=settings.directory,
                    snapshot=snapshot,
                )
            ).result
            self.provenance = replace(
                _provenance(self.inventory_path, result.as_of, snapshot),
                built_with=_tools(config),
            )
        except CannotRun as error:
            raise PluginError(f"ropa: {error}") from None
        from registry.outputs.site.history import read_history

        if snapshot is not None:
            last_change = _at_last_change(snapshot)
        else:
            last_change = _last_change(self.inventory_path)
        self.stamp = last_change or result.as_of.isoformat()
        footer = self.provenance.footer()
        config.copyright = f"{self.copyright} · {footer}" if self.copyright else footer
        cache = self.config.diagram_cache
        return build_site(
            result,
            site_name=self.config.site_name or config.site_name,
            last_change=last_change,
            diagram_cache=(self.base / cache).resolve() if cache else None,
            # a dated register (`at:`): the history up to its commit, as a checkout shows it
            history=read_history(
                self.inventory_path, snapshot.commit.sha if snapshot is not None else None
            ),
            last_diff=self._last_diff(result.as_of, snapshot),
            embed=False,  # diagrams go in as each page is written (on_post_page)
        )

    def _last_diff(self, as_of: dt.date, snapshot: Snapshot | None) -> RegisterDiff | None:
        """`ropa diff diff_base HEAD` (or the dated snapshot's commit), or None when
        no base is set. Committed files only: the work tree's edits are not a change yet."""
        if self.config.diff_base is None:
            return None
        from registry.core.errors import CannotRun
        from registry.core.git import repository_root, resolve
        from registry.outputs.diff import compare

        base = self.config.diff_base
        if re.fullmatch(r"[0-9a-f]{40}", base):
            base = base[:12]  # CI passes full commit ids; the page shows them short
        try:
            if snapshot is not None:
                root, head, path = snapshot.repository, snapshot.commit.sha[:12], snapshot.path
            else:
                root = repository_root(self.base)
                head = resolve("HEAD", root)[:12]
                path = self.inventory_path.resolve().relative_to(root.resolve()).as_posix()
            change = compare(base, head, "" if path == "." else path, root, as_of)
        except (CannotRun, ValueError) as error:
            raise PluginError(f"ropa: diff_base {self.config.diff_base!r}: {error}") from None
        log.info("ropa: last change %s → %s", change.base, change.head)
        return change

    def _evidence(self, settings: Any) -> list[Path]:
        """Observed-flow files from the plugin's `observed` globs (relative to mkdocs.yml);
        none means ropa.yaml's evidence, when it describes this inventory."""
        found: list[Path] = []
        for pattern in self.config.observed:
            matches = sorted(p for p in self.base.glob(pattern) if p.is_file())
            if not matches:
                raise PluginError(f"ropa: observed pattern {pattern!r} matches no file")
            found += matches
        return list(dict.fromkeys(found))

    def on_files(self, files: Files, *, config: Any) -> Files:
        self.content = self._build_content(config)
        in_nav = set(_nav_paths(self.content.nav))
        for page in self.content.pages.values():
            inclusion = (
                InclusionLevel.UNDEFINED if page.path in in_nav else InclusionLevel.NOT_IN_NAV
            )
            # The source is handed over when MkDocs reads it (on_page_read_source), so
            # that a page's text is held once, not in the file and in the page besides.
            file = GeneratedFile.generated(config, page.path, content="", inclusion=inclusion)
            if self.dirty:  # `mkdocs serve --dirty`: only pages whose text changed are built
                text = page.markdown()
                drawn = [self.content.diagrams.get(m) for m in _DIAGRAM.findall(text)]
                digest = hashlib.blake2b(
                    "\0".join([text, *(d or "" for d in drawn)]).encode(), digest_size=16
                ).digest()
                file.changed = self.digests.get(page.path) != digest
                self.digests[page.path] = digest
            _replace(files, file)
        for path, data in self.content.downloads.items():
            _replace(files, File.generated(config, path, content=data))
        package = resources.files("registry.outputs.site")
        for asset in ASSETS:
            name = asset.rsplit("/", 1)[-1]
            data = package.joinpath("assets", name).read_bytes()
            _replace(files, File.generated(config, asset, content=data))
        return files

    def on_page_read_source(self, *, page: Any, config: Any) -> str | None:
        taken = self.take_source(page.file.src_uri)
        if taken is None:
            return None
        return "---\n" + json.dumps(taken[1]) + "\n---\n\n" + taken[0]  # JSON is YAML

    def take_source(self, path: str) -> tuple[str, dict[str, Any]] | None:
        """A page's Markdown and front matter, handed over to MkDocs once."""
        generated = self.content.pages.get(path) if self.content else None
        if generated is None:
            return None
        taken = generated.source(), generated.meta()
        generated.body = ""  # MkDocs's from now on (on_files makes them anew each build)
        return taken

    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        # Our pages are read by fastmd, not python-markdown (issue 14: most of a large
        # build's time). MkDocs makes a Page for each file in the navigation before any
        # plugin sees it, and for the others after this event unless one exists already:
        # the former change class (same fields, only `render` differs), the latter are
        # made here.
        if self.content is None:
            return nav
        urls = {file.src_uri: file.url for file in files}
        targets: dict[tuple[str, str], str | None] = {}
        for path in self.content.pages:
            file = files.get_file_from_path(path)
            if file is None:
                continue
            page = file.page
            if page is None:
                page = GeneratedPage(None, file, config)
            elif type(page) is MkDocsPage:
                page.__class__ = GeneratedPage
            if isinstance(page, GeneratedPage):
                page.site_urls, page.link_targets = urls, targets
                page.take_source = self.take_source
        return nav

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        # The entry pages' template is rendered once per kind of page and filled in
        # (.fill): Material's templates took ~1.5 ms for each of 14,000 pages at M.
        # MkDocs asks the environment for a page's template by the name in its front
        # matter; that name answers with the filled template, everything else as before.
        self.filled_template = None
        if self.entry_template is None:
            return env
        get_template = env.get_template
        filled: dict[int, FilledTemplate] = {}

        def entry_or_theirs(name: Any, *args: Any, **kwargs: Any) -> Any:
            template = get_template(name, *args, **kwargs)
            if name != self.entry_template or args or kwargs:
                return template
            key = id(template)  # Jinja's cache hands back the same template each time
            if key not in filled:
                filled.clear()
                filled[key] = self.filled_template = FilledTemplate(template)
            return filled[key]

        env.get_template = entry_or_theirs
        return env

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if self.content is None or page.file.src_uri not in self.content.pages:
            return markdown
        # Search: only pages whose size is fixed keep their full text in the index; for
        # the others the index gets a title and a summary (on_page_content).
        if self._summarised(page):
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        # An entry's page (outside the navigation): the lighter template.
        entry = page.file.inclusion.is_not_in_nav() and "template" not in page.meta
        if self.entry_template and entry:
            page.meta["template"] = self.entry_template
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if self.content is not None and self._summarised(page):
            self.search_entries[page.file.src_uri] = {
                "location": page.url,
                "title": str(page.meta.get("title") or page.title or ""),
                "text": _summary(html),
            }
        return html

    def _summarised(self, page: Any) -> bool:
        assert self.content is not None
        path = page.file.src_uri
        return path in self.content.pages and path not in FULL_TEXT

    def on_pre_page(self, page: Any, *, config: Any, files: Files) -> Any:
        # The sitemap's dates (and its .gz header) come from here: use the inventory's
        # date, not the day of the build, so the same inventory gives the same bytes.
        if self.content is not None:
            page.update_date = self.stamp
        return page

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        output = compact_theme(output)
        if self.content is not None and self.content.diagrams and _MARKER in output:
            diagrams = self.content.diagrams
            output = _DIAGRAM.sub(lambda m: diagrams.get(m.group(0), m.group(0)), output)
        return with_csp(output)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: Any) -> None:
        if self.content is not None and isinstance(self.content.diagrams, DrawnLater):
            self.content.diagrams.finish()  # the diagram cache completed and pruned
        if self.content is not None:
            _add_to_search_index(
                Path(config.site_dir),
                [self.search_entries[p] for p in self.content.pages if p in self.search_entries],
            )
        # After every page and file is written: the manifest hashes them as published.
        if self.content is not None and self.provenance is not None:
            write_manifest(Path(config.site_dir), self.provenance, list(self.content.downloads))

    def on_build_error(self, *, error: Exception) -> None:
        content = getattr(self, "content", None)  # None: the build failed before on_files
        if content is not None and isinstance(content.diagrams, DrawnLater):
            content.diagrams.abandon()  # Graphviz stops drawing for a failed build

    def on_template_context(self, context: Any, *, template_name: str, config: Any) -> Any:
        # MkDocs makes the error page's links root-absolute ("/assets/…") when `site_url`
        # is unset, which breaks a site published under a sub-path (a GitHub project
        # page). Without `site_url` the links are made relative to the site root, which
        # the page finds when it opens (see `on_post_template`).
        if template_name == "404.html" and not config.site_url:
            context["base_url"] = "."
            for key in ("extra_css", "extra_javascript"):
                context[key] = [_from_root(item) for item in context.get(key) or []]
        return context

    def on_post_template(self, output: str, *, template_name: str, config: Any) -> str:
        if template_name != "404.html":
            return output
        if config.site_url or self.content is None:
            return with_csp(output)
        # The site's top-level folders: the error page is served at a missing URL, at any
        # depth; the site root is what comes before the first of these in its path.
        top = sorted(
            {path.split("/", 1)[0].removesuffix(".md") for path in self.content.pages} - {"index"}
            | {path.split("/", 1)[0] for path in self.content.downloads}
            | {"assets", "search"}
        )
        script = _ROOT_SCRIPT.replace("TOP", json.dumps(top))
        # After the charset (which must come within the first 1024 bytes), before any link.
        charset = output.find('<meta charset="utf-8">')
        head = output.find("<head>")
        if head < 0:
            return output
        at = charset + len('<meta charset="utf-8">') if charset > head else head + len("<head>")
        return with_csp(output[:at] + f"<script>{script}</script>" + output[at:], base="'self'")

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.inventory_path.exists():  # with `at:` it may be gone from the work tree
            server.watch(str(self.inventory_path))
        return server


class GeneratedFile(File):
    """One of our pages' source files; `changed` says whether its text differs from the
    last build's (only consulted by a dirty build)."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class GeneratedPage(MkDocsPage):
    """A page of the register: its Markdown turned into HTML by :mod:`.fastmd`, with
    MkDocs's link rewriting; python-markdown only for what fastmd declines."""

    site_urls: dict[str, str]  # every file's source path → its URL, set by the plugin
    link_targets: dict[tuple[str, str], str | None]  # (folder, link) → URL, shared
    take_source: Any  # the plugin's: the page's Markdown and front matter

    def read_source(self, config: Any) -> None:
        # Our front matter as a dict: reading 14,000 of them back as YAML took seconds.
        if len(config.plugins.events["page_read_source"]) > 1:
            super().read_source(config)  # another plugin reads sources too: its turn
            return
        taken = self.take_source(self.file.src_uri)
        if taken is None:
            super().read_source(config)
            return
        self.markdown, self.meta = taken

    def render(self, config: Any, files: Files) -> None:
        rendered = to_html(self.markdown, self._resolve) if self.markdown is not None else None
        if rendered is None:
            super().render(config, files)
            return
        self.content = rendered.content
        # The Markdown was only a step on the way: 14,000 of them kept until the build
        # ends were a third of its peak memory at 10,000 flows.
        self.markdown = ""
        self.toc = get_toc(rendered.toc_tokens)
        self._title_from_render = rendered.title
        self.present_anchor_ids = None  # anchors are ours: not validated again
        self.links_to_anchors = None

    def _resolve(self, href: str) -> str | None:
        """A link as MkDocs writes it: a file's source path becomes its URL relative to
        this page; None (python-markdown and MkDocs's own warning) when it names no file."""
        if _SCHEME.match(href) or href.startswith("//"):
            return href
        path, hash_, anchor = href.partition("#")
        if not path:
            return href
        if "?" in path or "%" in path or path.startswith(("/", "\\")):
            return None
        key = (self.file.src_uri.rpartition("/")[0], path)
        url = self.link_targets.get(key, "\0")
        if url == "\0":  # not seen from this folder yet
            target = posixpath.normpath(posixpath.join(key[0], path))
            url = self.link_targets[key] = self.site_urls.get(target)
        if url is None:
            return None
        return relative_url(url, self.url) + (hash_ + anchor if anchor else "")


def relative_url(url: str, other: str) -> str:
    """MkDocs's ``get_relative_url`` for plain site paths (no ``.`` segments), without
    its path normalisation: a tenth of a page's reading time at 10,000 flows."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    if "/." in "/" + url or "/." in "/" + other or "//" in url or "//" in other:
        return get_relative_url(url, other)
    other_parts = other.strip("/").split("/") if other.strip("/") else []
    dest_parts = url.strip("/").split("/") if url.strip("/") else []
    common = 0
    for a, b in zip(other_parts, dest_parts, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return relative + "/" if url.endswith("/") else relative


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]*>")


def _summary(content: str, limit: int = 300) -> str:
    """A page's first paragraph as search text: an entity page's kind, id and origin."""
    found = _FIRST_PARAGRAPH.search(content)
    if not found:
        return ""
    plain = " ".join(html_lib.unescape(_TAG.sub(" ", found.group(1))).split())
    if len(plain) > limit:
        plain = plain[:limit].rsplit(" ", 1)[0] + " …"
    return html_lib.escape(plain, quote=False)


def _add_to_search_index(site: Path, entries: list[dict[str, str]]) -> None:
    """Append our pages' entries to the theme's search index (when there is one)."""
    index = site / "search" / "search_index.json"
    if not entries or not index.is_file():
        return
    data = json.loads(index.read_text("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        return
    locations = {entry["location"] for entry in entries}
    data["docs"] = [
        d for d in data["docs"] if d.get("location", "").split("#")[0] not in locations
    ] + entries
    index.write_text(json.dumps(data, separators=(",", ":")), "utf-8")


def _versioned(config: Any) -> None:
    """Built by `mike deploy`: Material's version selector in the header (other themes
    get mike's own). Only then: a plain build must not fetch a versions.json that is
    not there."""
    if config.theme.name == "material":
        config.extra.setdefault("version", {"provider": "mike"})


def _provenance(inventory: Path, as_of: dt.date, snapshot: Snapshot | None) -> Provenance:
    """The commit the register was read from: ``at:``'s, else the one checked out
    (noting uncommitted changes to the inventory); none outside git."""
    from registry.core.git import GitError, commit_info, modified, repository_root

    if snapshot is not None:
        return Provenance(
            commit=snapshot.commit.sha,
            commit_date=snapshot.commit.date,
            inventory=snapshot.path,
            as_of=as_of,
            at=snapshot.asked,
        )
    try:
        root = repository_root(inventory if inventory.is_dir() else inventory.parent)
        head = commit_info("HEAD", root)
        changed = modified(inventory, root)
        where = inventory.relative_to(root).as_posix()
    except (GitError, ValueError):
        return Provenance(None, None, inventory.name, as_of)
    return Provenance(head.sha, head.date, where, as_of, inventory_modified=changed)


def _tools(config: Any) -> dict[str, str]:
    """The versions of what turns the register into these bytes besides ropa."""
    tools = {}
    for package in ("mkdocs", f"mkdocs-{config.theme.name}"):
        # a theme shipped inside MkDocs (mkdocs, readthedocs) has no package of its own
        with contextlib.suppress(metadata.PackageNotFoundError):
            tools[package] = metadata.version(package)
    try:
        from registry.outputs.render.engine import RenderError, find_engine

        engine = find_engine()
        done = subprocess.run(
            [*engine, "-V"], capture_output=True, text=True, timeout=10, check=False
        )
        said = (done.stderr or done.stdout).strip().splitlines()
        tools["diagrams"] = said[0] if said else Path(engine[0]).name
    except (RenderError, OSError, subprocess.SubprocessError):
        pass
    return tools


def _at_last_change(snapshot: Snapshot) -> str | None:
    from registry.core.git import GitError, last_change

    try:
        day = last_change(snapshot.commit.sha, snapshot.path, snapshot.repository)
    except GitError:
        return None
    return day.isoformat() if day else None


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def _nav_paths(nav: list) -> list[str]:
    paths = []
    for _, target in nav:
        paths += _nav_paths(target) if isinstance(target, list) else [target]
    return paths


def _mkdocs_nav(nav: list) -> list:
    return [{title: _mkdocs_nav(t) if isinstance(t, list) else t} for title, t in nav]


# Sets <base> to the site root, found in the error page's own address (see
# on_post_template), and points the theme's own base (its search index) there too: the
# theme reads its configuration when its script runs, after the parser's microtask
# checkpoint has let the observer rewrite it.
_ROOT_SCRIPT = (
    "(function(){var top=TOP,parts=location.pathname.split('/'),at=-1;"
    "for(var i=1;i<parts.length;i++){if(top.indexOf(parts[i])>=0){at=i;break;}}"
    "if(at<0){at=parts.length-1;if(!parts[at]&&at>1)at--;}"
    "var root=parts.slice(0,at).join('/')+'/';"
    "var base=document.createElement('base');base.href=root;document.head.appendChild(base);"
    "new MutationObserver(function(changes,observer){var c=document.getElementById('__config');"
    "if(!c)return;try{var data=JSON.parse(c.textContent);}catch(e){return;}"
    "data.base=root;c.textContent=JSON.stringify(data);observer.disconnect();})"
    ".observe(document.documentElement,{childList:true,subtree:true});})();"
)


def _from_root(item: Any) -> Any:
    """A root-absolute extra_css/extra_javascript entry made relative (kept as its type)."""
    if isinstance(item, str):
        return "./" + item.lstrip("/") if item.startswith("/") else item
    path = getattr(item, "path", None)
    if isinstance(path, str) and path.startswith("/"):
        item.path = "./" + path.lstrip("/")
    return item


def csp(inline_scripts: list[str], base: str = "'none'") -> str:
    """A policy allowing only this site's own files and the theme's own inline scripts."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in inline_scripts
        }
    )
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            f"base-uri {base}",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


_INDENT = re.compile(r"\n[ \t\r\n]+")


def compact_theme(output: str) -> str:
    """The theme's part of one of our pages without its indentation and blank lines.

    A sixth of an entry page's bytes at 10,000 flows (14,000 pages). A newline stays
    where there was whitespace, so the whitespace the browser renders is unchanged; the
    page's own content (between the markers) is left exactly as written.
    """
    start, end = output.find(CONTENT_START), output.rfind(CONTENT_END)
    if start < 0 or end < start:
        return output
    return _INDENT.sub("\n", output[:start]) + output[start:end] + _INDENT.sub("\n", output[end:])


def with_csp(output: str, base: str = "'none'") -> str:
    """Insert the policy as the first element of ``<head>``, before any script.

    Computed per page because the theme's inline scripts embed the page's relative
    base URL. Only the theme's scripts are hashed, i.e. those outside the content
    markers that :class:`~registry.outputs.site.pages.Page` writes: a script that reached the
    content (it cannot: inventory text is escaped) would still not run.
    """
    head = output.find("<head>")
    if head < 0:
        return output
    start, end = output.find(CONTENT_START), output.rfind(CONTENT_END)
    theme_part = output if start < 0 or end < start else output[:start] + output[end:]
    scripts = [
        body
        for attrs, body in _INLINE_SCRIPT.findall(theme_part)
        if "application/json" not in attrs
    ]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(scripts, base)}">'
    at = head + len("<head>")
    return output[:at] + meta + output[at:]


def _last_change(path: Path) -> str | None:
    """The date of the last commit touching the inventory, when it is in git."""
    printed = git_output(
        ["log", "-1", "--format=%cs", "--", "."],
        path if path.is_dir() else path.parent,
        timeout=10,
    )
    return (printed or "").strip() or None
