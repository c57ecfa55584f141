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
import functools
import hashlib
import html as html_lib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2.bccache import Bucket, BytecodeCache
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
        trigger = getattr(self, "trigger", None)
        self._forget()  # a downloads thread still running finds its build superseded
        if trigger is not None:
            shutil.rmtree(trigger.parent, ignore_errors=True)
            self.trigger = None

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
        if not getattr(self, "dirty", False) or not hasattr(self, "previous"):
            self.dirty = getattr(self, "dirty", False)
            self._forget()
        return config

    def _forget(self) -> None:
        """No previous build: the next one makes every page."""
        from registry.outputs.site.incremental import Previous

        self.search_entries: dict[str, list[dict[str, str]]] = {}
        self.previous: Previous | None = None  # serve --dirty: the last build, for the next
        self.made: set[str] = set()  # pages made by this build (serve --dirty)
        self.removed: set[str] = set()  # pages of entries gone since the last build
        self.later: Any = None  # the check whose downloads are made after this build
        self.pending_downloads: Any = None  # those downloads, for the next build
        self.keep_downloads = False  # this build publishes no download
        self.published: dict[str, bytes] = {}  # each download published, by digest
        self.generation = 0  # builds so far (serve --dirty)
        self.file_hashes: dict[str, Any] = {}  # the manifest's digests, by file's stat
        self.site_templates: Any = None  # what the sitemap and error page showed last
        self.kept_files: dict[str, Any] = {}  # serve --dirty: entry pages' files, for reuse
        self.backlinks: Any = None  # serve --dirty: what refers to each entry, last build

    def _build_content(self, config: Any) -> Any:
        from registry.outputs.site.pages import build_site

        result, history, last_change, last_diff = self._check(config)
        if self.dirty:
            return self._rebuild(config, result, history, last_change, last_diff)
        return build_site(
            result,
            **self._site_options(config, history, last_change, last_diff),
            embed=False,  # diagrams go in as each page is written (on_post_page)
        )

    def _site_options(
        self, config: Any, history: Any, last_change: str | None, last_diff: Any
    ) -> dict[str, Any]:
        cache = self.config.diagram_cache
        return {
            "site_name": self.config.site_name or config.site_name,
            "last_change": last_change,
            "diagram_cache": (self.base / cache).resolve() if cache else None,
            "history": history,
            "last_diff": last_diff,
        }

    def _check(self, config: Any) -> tuple[Any, Any, str | None, Any]:
        """The checked inventory, its git history, the date of its last change and the
        last change's diff (``diff_base``); sets the footer and the provenance."""
        from registry.core.config import load_config
        from registry.core.errors import CannotRun
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
        # a dated register (`at:`): the history up to its commit, as a checkout shows it
        history = read_history(
            self.inventory_path, snapshot.commit.sha if snapshot is not None else None
        )
        return result, history, last_change, self._last_diff(result.as_of, snapshot)

    def _rebuild(
        self, config: Any, result: Any, history: Any, last_change: str | None, last_diff: Any
    ) -> Any:
        """`mkdocs serve --dirty`: only the pages an edit can change are made again
        (:mod:`registry.outputs.site.incremental`); the others keep their text and HTML.
        The downloads are made after the build (they read every entry): see
        :meth:`_downloads_later`."""
        from registry.outputs.site import incremental
        from registry.outputs.site.diagrams import DiagramBatch
        from registry.outputs.site.pages import build_site

        options = self._site_options(config, history, last_change, last_diff)
        footer = config.copyright
        before = self.previous
        root = self.inventory_path if self.inventory_path.is_dir() else self.inventory_path.parent
        # With `at:` the files are git's, not these: positions are compared everywhere.
        files = None if self.config.at else incremental.file_digests(result.inventory, root)
        if before is None:
            scope = incremental.Scope.everything("first build")
        else:
            scope = incremental.plan(before.built, result, history, footer, files)
            if scope.diagrams and not scope.full:

                def draw(jobs: list[tuple[str, str]]) -> list[str]:
                    batch = DiagramBatch(options["diagram_cache"], prune=False)
                    batch.jobs = list(jobs)
                    return batch.draw_all(result.inventory)

                scope.entities |= incremental.diagrams_changed(
                    before, result.inventory, scope, draw
                )
        log.info(
            "ropa: %s",
            scope.reason
            or f"{len(scope.entities)} entity page(s) made again"
            + (", and the site-wide pages" if scope.site_wide else ""),
        )
        pending = self.pending_downloads
        self.pending_downloads = None
        self.generation += 1
        use_pending = (
            pending is not None
            and pending[0] == self.generation - 1  # made for the build just before
            and not scope.full
            and not scope.entities
            and not scope.site_wide
        )
        partial = before is not None and not scope.full
        later = partial and not use_pending and bool(scope.entities or scope.site_wide)
        self.keep_downloads = partial and not use_pending  # the files published last stay
        from registry.outputs.site.pages.entities import backlinks_of, patch_backlinks

        # What refers to each entry: last build's, patched where entries changed.
        backlinks = None
        if before is not None and not scope.full and self.backlinks is not None:
            old = before.built.result.inventory
            backlinks = patch_backlinks(self.backlinks, old, result.inventory, scope.changed)
        self.backlinks = backlinks if backlinks is not None else backlinks_of(result.inventory)
        content = build_site(
            result,
            **options,
            embed=False,
            backlinks=self.backlinks,
            only=None if scope.full else scope.entities,
            site_wide=scope.site_wide,
            downloads=not later and not use_pending,
        )
        links = before.built.links if before is not None and not scope.full else {}
        made = set(content.pages)
        for path, page in content.pages.items():
            incremental.record_links(links, path, page.body)
        built = incremental.Built(result, history, footer, links, files)
        if before is None or scope.full:
            previous = incremental.Previous(built, dict(content.pages), content.nav)
            if before is not None:  # an unchanged page is not written again
                previous.digests = before.digests
                self.removed |= set(before.pages) - set(content.pages)
        else:
            previous = before
            previous.built = built
            for key in scope.entities:  # entries removed: their pages go
                if key[1] not in result.inventory.by_kind.get(key[0], {}):
                    path = incremental.source_of(*key)
                    previous.pages.pop(path, None)
                    previous.digests.pop(path, None)
                    self.removed.add(path)
            previous.pages = incremental.merged(previous.pages, content.pages)
            if scope.site_wide:
                previous.nav = content.nav
            content.pages, content.nav = previous.pages, previous.nav
            if use_pending:
                assert pending is not None
                content.pages["downloads.md"] = pending[1].pages["downloads.md"]
                made.add("downloads.md")
                content.downloads = pending[1].downloads
            elif self.keep_downloads:  # made after this build, or nothing changed
                content.downloads = dict.fromkeys(self.published, b"")
        self.made = made
        self.later = (result, options) if later else None
        self.previous = previous
        return content

    def _remember_diagrams(self) -> None:
        """serve --dirty: each diagram this build drew, by digest (once all are drawn):
        the next rebuild compares them."""
        from registry.outputs.site.incremental import page_digest

        if self.content is None or self.previous is None:
            return
        for marker, (view, page) in self.content.views.items():
            html = self.content.diagrams.get(marker, "")
            self.previous.drawn[(view, page)] = page_digest(html, ())

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
            kept = self.kept_files.get(page.path) if self.dirty else None
            if kept is not None and page.path not in self.made:
                # serve --dirty, a page not made again: last build's file and page, as
                # they were (MkDocs neither reads nor writes them): 14,000 new ones cost
                # a tenth of a rebuild.
                kept.changed = False
                _replace(files, kept)
                continue
            file = GeneratedFile.generated(config, page.path, content="", inclusion=inclusion)
            if self.dirty:  # `mkdocs serve --dirty`: only pages whose text changed are built
                file.changed = page.path in self.made and self._text_changed(page)
            if page.path not in in_nav:  # made here rather than by MkDocs: see GeneratedPage
                GeneratedPage(None, file, config)
                if self.dirty:
                    self.kept_files[page.path] = file
            _replace(files, file)
        for path, data in self.content.downloads.items():
            download = GeneratedFile.generated(config, path, content=data)
            if self.dirty and self.keep_downloads:
                download.changed = False  # made after this build: the last one's stays
            elif self.dirty:
                digest = hashlib.blake2b(data, digest_size=16).digest()
                download.changed = self.published.get(path) != digest
                self.published[path] = digest
            _replace(files, download)
        package = resources.files("registry.outputs.site")
        for asset in ASSETS:
            name = asset.rsplit("/", 1)[-1]
            data = package.joinpath("assets", name).read_bytes()
            _replace(files, File.generated(config, asset, content=data))
        return files

    def _text_changed(self, page: Any) -> bool:
        assert self.content is not None and self.previous is not None
        text = page.markdown()
        drawn = [self.content.diagrams.get(m) or "" for m in _DIAGRAM.findall(text)]
        from registry.outputs.site.incremental import page_digest

        digest = page_digest(text, drawn)
        digests = self.previous.digests
        changed = digests.get(page.path) != digest
        digests[page.path] = digest
        return changed

    def _serve_env(self, env: Any, config: Any) -> None:
        # MkDocs makes the theme's environment anew for each build; `serve` would then
        # compile the theme's templates again on every rebuild. Their compiled code is
        # kept by name and source checksum, for this process.
        if self.dirty and env.bytecode_cache is None:
            env.bytecode_cache = _COMPILED
        if self.dirty and self.content is not None:
            # The sitemap (every page's URL and date) and the error page (the navigation,
            # the footer) as the last build wrote them, when nothing they show changed.
            shown = (
                tuple(self.content.pages),
                self.stamp,
                config.site_url,
                repr(self.content.nav),
                config.copyright,
            )
            if shown == self.site_templates:
                for name in ("sitemap.xml", "404.html"):
                    config.theme.static_templates.discard(name)
            self.site_templates = shown

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
            # The sitemap's date (on_pre_page), also for a page a dirty build skips.
            page.update_date = self.stamp
        return nav

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        # The entry pages' template is rendered once per kind of page and filled in
        # (.fill): Material's templates took ~1.5 ms for each of 14,000 pages at M.
        # MkDocs asks the environment for a page's template by the name in its front
        # matter; that name answers with the filled template, everything else as before.
        self._serve_env(env, config)
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
            self.search_entries[page.file.src_uri] = [
                {
                    "location": page.url,
                    "title": str(page.meta.get("title") or page.title or ""),
                    "text": _summary(html),
                },
                *_section_entries(page.url, html),
            ]
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
        if self.dirty and isinstance(page, GeneratedPage):
            page.content = None  # written: its file and page are kept until the next edit
        output = compact_theme(output)
        if self.content is not None and self.content.diagrams and _MARKER in output:
            diagrams = self.content.diagrams
            output = _DIAGRAM.sub(lambda m: diagrams.get(m.group(0), m.group(0)), output)
        return with_csp(output)

    def _downloads_later(self) -> None:
        """serve --dirty: the downloads (every entry, in five layouts: seconds at 10,000
        flows) are made after the pages are served, in a thread; when they are ready a
        watched file is touched, and the rebuild it starts (nothing else changed)
        publishes them with the downloads page. Until then the last ones stay."""
        if self.later is None:
            return
        import threading

        from registry.outputs.site.pages.context import Context
        from registry.outputs.site.pages.downloads import add_downloads

        result, options = self.later
        self.later = None
        generation, trigger = self.generation, self._trigger()

        def make() -> None:
            ctx = Context(result, options["site_name"], options["last_change"], _no_drawing)
            add_downloads(ctx)
            if generation == self.generation:  # else a later build made them stale
                self.pending_downloads = (generation, ctx.site)
                trigger.write_text(str(generation))

        # Not a daemon: a server stopped meanwhile waits for it (seconds) rather than
        # killing it inside the exports' C code.
        threading.Thread(target=make, name="ropa-downloads").start()

    def _trigger(self) -> Path:
        """A file `mkdocs serve` watches (on_serve): touching it starts a rebuild."""
        if getattr(self, "trigger", None) is None:
            import tempfile

            self.trigger = Path(tempfile.mkdtemp(prefix="ropa-serve-")) / "downloads"
            self.trigger.write_text("")
        return self.trigger

    def _remove_gone(self, config: Any) -> None:
        """serve --dirty: the written pages of entries that are gone (MkDocs removes
        nothing in a dirty build)."""
        for path in self.removed:
            gone = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
            with contextlib.suppress(OSError):
                Path(gone.abs_dest_path).unlink()
        self.removed = set()

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: Any) -> None:
        if self.content is not None and isinstance(self.content.diagrams, DrawnLater):
            self.content.diagrams.finish()  # the diagram cache completed and pruned
        if self.dirty:
            self._remove_gone(config)
            self._remember_diagrams()
        if self.content is not None:
            _add_to_search_index(
                Path(config.site_dir),
                [e for p in self.content.pages for e in self.search_entries.get(p, ())],
            )
        # After every page and file is written: the manifest hashes them as published.
        # (serve --dirty, downloads made later: the rebuild that publishes them writes it.)
        deferred = self.dirty and self.later is not None
        if self.content is not None and self.provenance is not None and not deferred:
            known = self.file_hashes if self.dirty else None
            write_manifest(
                Path(config.site_dir), self.provenance, list(self.content.downloads), known
            )
        if self.dirty:
            self._downloads_later()  # after the manifest: the thread holds the GIL

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
        if self.dirty:
            server.watch(str(self._trigger().parent))
        return server


class _CompiledTemplates(BytecodeCache):
    """Compiled Jinja templates in memory (jinja2 checks each against its source)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _no_drawing(*_: Any) -> str:
    return ""  # the downloads draw nothing


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

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs's urljoin and urlsplit for each of 14,000 pages were a tenth of a
        # `serve --dirty` rebuild at 10,000 flows; a plain relative URL needs neither.
        url = self.url
        if not base or _SCHEME.match(url) or url.startswith(("/", ".")) or "/." in url:
            super()._set_canonical_url(base)
            return
        base = base if base.endswith("/") else base + "/"
        self.canonical_url = base + url
        self.abs_url = _site_path(base) + url

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
        self._relative: dict[str, str] = {}  # a target's URL → relative to this page
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
        relative = self._relative.get(url)
        if relative is None:  # a page links the same few pages many times (its flows')
            relative = self._relative[url] = relative_url(url, self.url)
        return relative + (hash_ + anchor if anchor else "")


@functools.lru_cache(maxsize=8)
def _site_path(base: str) -> str:
    return urlsplit(base).path


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


def _plain(fragment: str) -> str:
    """An HTML fragment's text, its whitespace collapsed."""
    return " ".join(html_lib.unescape(_TAG.sub(" ", fragment)).split())


def _summary(content: str, limit: int = 300) -> str:
    """A page's first paragraph as search text: an entity page's kind, id and origin."""
    found = _FIRST_PARAGRAPH.search(content)
    if not found:
        return ""
    plain = _plain(found.group(1))
    if len(plain) > limit:
        plain = plain[:limit].rsplit(" ", 1)[0] + " …"
    return html_lib.escape(plain, quote=False)


_FLOW_SECTION = re.compile(
    r'<h3\b[^>]*\sid="(flow-[^"]+)"[^>]*>(.*?)</h3>\s*(?:<p\b[^>]*>(.*?)</p>)?', re.S
)


def _section_entries(location: str, content: str) -> Iterator[dict[str, str]]:
    """A search entry for each flow's section of a page (a flow has no page of its own):
    its name, and its first line (its id and where it is defined)."""
    for anchor, heading, first in _FLOW_SECTION.findall(content):
        yield {
            "location": f"{location}#{anchor}",
            "title": html_lib.escape(_plain(heading), quote=False),
            "text": html_lib.escape(_plain(first), quote=False),
        }


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
