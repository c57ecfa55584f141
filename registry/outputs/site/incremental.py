"""Which pages an edit can change: `mkdocs serve --dirty` regenerates only those.

A rebuild compares the inventory just checked with the previous build's and makes
again only the pages whose inputs differ; every other page keeps the text (and the
HTML) it had. The rule below is derived from what the page modules read; anything it
does not cover makes every page again (``Scope.full``), so it can only err towards
work, never towards a stale page. tests/test_site_incremental.py checks it against a
full build, page by page, for a set of edits.

Every page again (as a full build) when any of these differ: the day dates are judged
on, ropa.yaml's register review, the evidence or discovery reconciled, the git
history's commits, any organisation, data category or data subject (they are hubs:
countries, roles, special categories and the category tree reach pages several
references away), the organisations' roles in the record (organisation pages and
every diagram), or the set of entries with schema errors; or an entry changed whose
kind has no rule below.

Otherwise, for each entry that changed (added, removed, a field, its position):

- its own page (a flow's: its activity's page, which holds its section; the flows'
  index, a site-wide page, for a flow of no known activity);
- when only an entry's ``description`` (not an activity's: its register card shows it)
  or its position changed, nothing else (no other page, no diagram shows them; the
  downloads are made anew regardless);
- otherwise: the pages of every entry it refers to and of every entry referring to
  it (before and after the edit: a flow's activity, ends, contract, categories and
  subjects; a contract's parties; a waiver's entry; the flows of a system…), the
  ancestors of a flow's categories (their pages list the flows of sub-categories), the
  ancestors and descendants of an activity's categories and the systems it uses (their
  "at a glance" lists), every page linking to it when its name or validity changed
  (read from the pages' links: exact), and every site-wide page (home, registers,
  matrices, findings, index pages…);
- an activity whose Art. 30 record entry changed: its page and those of the systems it
  uses (their operator's role is read from it);
- an entry whose findings changed (or which of them a waiver accepts): its page, the
  waivers' pages, and the site-wide pages;
- an entry whose file became (or stopped being) uncommitted: its page (its history);
- a page whose lineage diagram changed (every view is keyed again, when the change is
  not one of the two above): its page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from registry.core.inventory import Inventory
from registry.core.model import Entity
from registry.outputs.site.history import History
from registry.outputs.site.markup import place_of, source_of
from registry.outputs.urls import flow_home
from registry.pipeline.check import CheckResult

Key = tuple[str, str]  # (kind, id)

# Kinds whose change reaches pages several references away: every page again.
HUBS = frozenset({"Organisation", "DataCategory", "DataSubject"})
# Fields no page but the entry's own shows (nor any diagram, nor the record's pages).
# (An activity's description is in its register card: not one of these.)
OWN_PAGE_ONLY = dict.fromkeys(
    ("Organisation", "DataCategory", "DataSubject", "System", "Flow"), frozenset({"description"})
)

_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#([^)\s]*))?\)")


@dataclass
class Scope:
    """What a rebuild makes again; ``full``: everything."""

    full: bool = False
    entities: set[Key] = field(default_factory=set)
    site_wide: bool = False  # home, registers, matrices, findings, index pages…
    diagrams: bool = False  # key every view again (a change a diagram may show)
    changed: set[Key] = field(default_factory=set)  # the entries that differ themselves
    reason: str = ""

    @classmethod
    def everything(cls, reason: str) -> Scope:
        return cls(full=True, site_wide=True, diagrams=True, reason=reason)


@dataclass
class Built:
    """What a build keeps for the next: its check, history and each page's links."""

    result: CheckResult
    history: History | None
    footer: str
    links: dict[str, set[str]] = field(default_factory=dict)  # target page → linking pages
    files: dict[str, bytes] | None = None  # each inventory file's digest (None: unknown)


def file_digests(inv: Inventory, root: Path) -> dict[str, bytes]:
    """A digest of each file the inventory's entries come from (positions are only
    compared in the files that changed: finding them means reading the file again)."""
    import hashlib

    found: dict[str, bytes] = {}
    for file in {node.file for node in inv.nodes.values()}:
        try:
            data = (root / file).read_bytes()
        except OSError:
            data = b"\0missing"
        found[file] = hashlib.blake2b(data, digest_size=16).digest()
    return found


def links_of(page: str, markdown: str) -> Iterator[str]:
    """The source paths of the pages a page's Markdown links to."""
    folder = page.rpartition("/")[0]
    for target, anchor in _LINK.findall(markdown):
        parts = (folder.split("/") if folder else []) + target.split("/")
        out: list[str] = []
        for part in parts:
            if part == "..":
                if out:
                    out.pop()
            elif part not in ("", "."):
                out.append(part)
        yield "/".join(out)
        if anchor.startswith("flow-"):  # a flow's section: its own address too
            yield "/".join(out) + "#" + anchor


def record_links(links: dict[str, set[str]], page: str, markdown: str) -> None:
    for target in links_of(page, markdown):
        links.setdefault(target, set()).add(page)


def plan(
    before: Built,
    result: CheckResult,
    history: History | None,
    footer: str,
    files: dict[str, bytes] | None = None,
) -> Scope:
    """The pages to make again after ``before``'s build, for ``result`` (``files``: its
    :func:`file_digests`)."""
    old, new = before.result, result
    if footer != before.footer:
        return Scope.everything("the footer (commit, uncommitted changes) changed")
    if old.as_of != new.as_of or old.review != new.review:
        return Scope.everything("the day judged or the register's review changed")
    if old.coverage != new.coverage or old.discovery != new.discovery:
        return Scope.everything("the evidence or the discovery changed")
    old_history = before.history.by_file if before.history else None
    new_history = history.by_file if history else None
    if old_history != new_history:
        return Scope.everything("the git history changed")
    oinv, ninv = old.inventory, new.inventory
    if _schema_keys(oinv) != _schema_keys(ninv):
        return Scope.everything("the entries with schema errors changed")
    scope = Scope()
    moved_in = None  # the files whose entries may have moved (None: any)
    if files is not None and before.files is not None:
        moved_in = {
            f for f in files.keys() | before.files.keys() if files.get(f) != before.files.get(f)
        }
    changed = list(_changed(oinv, ninv, moved_in))
    scope.changed = {key for key, _ in changed}
    for key, own_only in changed:
        scope.entities.add(key)
        if own_only:
            continue
        if key[0] in HUBS:
            return Scope.everything(f"{key[0]} {key[1]} changed")
        scope.site_wide = scope.diagrams = True
        for inv in (oinv, ninv):
            scope.entities |= _neighbours(inv, key)
        for inv, other in ((oinv, ninv), (ninv, oinv)):
            if _shown(inv, key) != _shown(other, key):
                page, anchor = place_of(inv, *key)
                address = f"{page}#{anchor}" if anchor else page
                scope.entities |= {_key_of(p) for p in before.links.get(address, ())} - {None}  # type: ignore[operator]
    # The record: activities whose entry changed, and the systems they use.
    if _roles(old) != _roles(new):
        return Scope.everything("an organisation's role in the register changed")
    for ident in set(oinv.activities) | set(ninv.activities):
        before_entry = old.record.activities.get(ident)
        after_entry = new.record.activities.get(ident)
        if _entry(before_entry) != _entry(after_entry):
            scope.entities.add(("Activity", ident))
            for entry in (before_entry, after_entry):
                if entry is not None:
                    scope.entities |= {("System", s.id) for s in entry.systems}
    # Findings, by entry (and the waivers that accept them).
    old_findings, new_findings = _findings(old), _findings(new)
    for key in set(old_findings) | set(new_findings):
        was, now = old_findings.get(key, []), new_findings.get(key, [])
        if was != now:
            scope.entities.add(key)
            scope.site_wide = True
            scope.entities |= {("Waiver", w) for _, w, *_ in (*was, *now) if w}
    # History: files that became uncommitted (or were committed) show it.
    if history is not None and before.history is not None:
        for file in history.uncommitted ^ before.history.uncommitted:
            for inv in (oinv, ninv):
                scope.entities |= {k for k, n in inv.nodes.items() if n.pos.file == file}
    scope.entities = {k for k in scope.entities if k[0] in _KINDS}
    # A flow has no page: the page that holds its section is made again (the flows'
    # index, one of the site-wide pages, for a flow of no known activity).
    for key in [k for k in scope.entities if k[0] == "Flow"]:
        scope.entities.discard(key)
        for inv in (oinv, ninv):
            if key[1] in inv.flows:
                activity = flow_home(inv, key[1])
                if activity is not None:
                    scope.entities.add(("Activity", activity))
                else:
                    scope.site_wide = True
    return scope


_KINDS = frozenset(
    {"Organisation", "DataCategory", "DataSubject", "System", "Activity", "Flow", "Contract",
     "Waiver"}
)  # fmt: skip


def _key_of(page: str) -> Key | None:
    from registry.outputs.urls import SECTIONS

    section, _, rest = page.partition("/")
    if not rest or rest == "index.md":
        return None
    for kind, name in SECTIONS.items():
        if name == section:
            return (kind, rest.removesuffix(".md"))
    return None


def _entry(entry: Any) -> Any:
    """An activity's record entry as its pages read it: its flows and systems without
    what only their own pages show (no record page or card shows their description)."""
    if entry is None:
        return None
    flows = tuple(_without(f, OWN_PAGE_ONLY["Flow"]) for f in entry.flows)
    systems = tuple(_without(s, OWN_PAGE_ONLY["System"]) for s in entry.systems)
    return replace(entry, flows=flows, systems=systems)  # type: ignore[arg-type]


def _schema_keys(inv: Inventory) -> dict[Key, int]:
    return {k: len(v) for k, v in inv.schema_errors.items()}


def _roles(result: CheckResult) -> Any:
    from registry.outputs.site.register import roles

    kept = _ROLES.get(id(result))
    if kept is None or kept[0] is not result:  # each build's asked twice: once as new
        if len(_ROLES) > 2:
            _ROLES.clear()
        kept = _ROLES[id(result)] = (
            result,
            {k: sorted(v) for k, v in roles(result.record).items()},
        )
    return kept[1]


_ROLES: dict[int, tuple[CheckResult, Any]] = {}


def _findings(result: CheckResult) -> dict[Key, list[tuple[Any, ...]]]:
    found: dict[Key, list[tuple[Any, ...]]] = {}
    for f in result.findings:
        entry = (f, f.waived_by, f.waiver_reason, f.baselined)
        found.setdefault((f.entity_kind, f.entity_id), []).append(entry)
    return found


def _changed(
    old: Inventory, new: Inventory, moved_in: set[str] | None
) -> Iterator[tuple[Key, bool]]:
    """Each entry added, removed or changed, and whether only what its own page shows
    (a flow's description, its position) changed; positions are compared in the files
    ``moved_in`` only (None: every file)."""
    for kind in _KINDS:
        before, after = old.by_kind.get(kind, {}), new.by_kind.get(kind, {})
        for ident in before.keys() | after.keys():
            a, b = before.get(ident), after.get(ident)
            key = (kind, ident)
            if a is None or b is None:
                yield key, False
                continue
            moved = _moved(old, new, key, moved_in)
            set_aside = old.set_aside.get(key) != new.set_aside.get(key)
            if a == b and not set_aside and (key in old.builtin) == (key in new.builtin):
                if moved:
                    yield key, True
                continue
            own = OWN_PAGE_ONLY.get(kind)
            if own and not set_aside and _without(a, own) == _without(b, own):
                yield key, True
            else:
                yield key, False


def _moved(old: Inventory, new: Inventory, key: Key, files: set[str] | None) -> bool:
    a, b = old.nodes.get(key), new.nodes.get(key)
    if a is None or b is None:
        return a is not b
    if a.file != b.file:
        return True
    if files is not None and a.file not in files:
        return False  # an unchanged file: its entries stand where they stood
    return bool(a.pos != b.pos)


def _without(entity: Entity, fields: Iterable[str]) -> dict[str, Any]:
    data = dict(entity.__dict__)
    for name in fields:
        data.pop(name, None)
    return data


def _shown(inv: Inventory, key: Key) -> tuple[Any, ...]:
    """What a link to an entry shows: whether it exists, its name, whether it is valid."""
    entity = inv.by_kind.get(key[0], {}).get(key[1])
    if entity is None:
        return (False,)
    return (True, entity.label, inv.is_invalid(*key))


def _neighbours(inv: Inventory, key: Key) -> set[Key]:
    """The entries whose pages show ``key``'s data: those it refers to, those referring
    to it, and what a flow's or an activity's data reaches beyond them."""
    kind, ident = key
    found: set[Key] = set()
    entity = inv.by_kind.get(kind, {}).get(ident)
    if entity is not None:
        found |= set(_references(inv, entity))
        if kind == "Flow":
            for category in entity.data_categories:  # type: ignore[attr-defined]
                found |= {("DataCategory", c) for c in inv.category_ancestors.get(category, ())}
        if kind == "Activity":
            categories = set(entity.data_categories)  # type: ignore[attr-defined]
            for c in inv.categories:
                if categories & set(inv.category_ancestors.get(c, ())) or any(
                    inv.covers([c], mine) for mine in categories
                ):
                    found.add(("DataCategory", c))
            found |= {("System", s) for s in inv.systems_of(entity)}  # type: ignore[arg-type]
    found |= _referring(inv, key)
    return found


def _references(inv: Inventory, entity: Entity) -> Iterator[Key]:
    """Every entry ``entity`` may refer to (each kind a reference may name), and a
    waiver's entry."""
    from registry.outputs.site.pages.entities import reference_values

    for path, targets in entity.references.items():
        for ident in reference_values(entity, path):
            for kind in targets:
                yield (kind, ident)
    if entity.kind == "Waiver":
        target_kind, _, target = entity.entity.partition(":")  # type: ignore[attr-defined]
        yield (target_kind, target)


def _referring(inv: Inventory, key: Key) -> set[Key]:
    """Entries that refer to ``key`` (a backlink index, made once per inventory)."""
    index = _BACKLINKS.get(id(inv))
    if index is None or index[0] is not inv:
        found: dict[Key, set[Key]] = {}
        for entity in inv.entities(include_builtin=True):
            for target in _references(inv, entity):
                found.setdefault(target, set()).add((entity.kind, entity.id))
        _BACKLINKS.clear() if len(_BACKLINKS) > 2 else None
        index = _BACKLINKS[id(inv)] = (inv, found)
    return index[1].get(key, set())


_BACKLINKS: dict[int, tuple[Inventory, dict[Key, set[Key]]]] = {}


@dataclass
class Previous:
    """A build as the next one needs it: its check, the pages' links and digests (their
    text and diagrams), each entity page's diagrams, and the pages themselves (their text
    handed over to MkDocs: only their paths, titles and layout are kept)."""

    built: Built
    pages: dict[str, Any]  # source path → Page
    nav: list[Any]
    digests: dict[str, bytes] = field(default_factory=dict)
    drawn: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (view, page) → digest


def page_digest(text: str, diagrams: Iterable[str]) -> bytes:
    import hashlib

    return hashlib.blake2b("\0".join([text, *diagrams]).encode(), digest_size=16).digest()


def entity_pages_of(keys: Iterable[Key]) -> set[str]:
    return {source_of(*k) for k in keys}


def diagrams_changed(previous: Previous, inv: Inventory, scope: Scope, draw: Any) -> set[Key]:
    """The entities whose page's diagram would differ now (pages not made again anyway):
    every such view drawn again (from the cache, mostly) and compared. ``draw`` takes
    (view, page) pairs and returns their HTML."""
    pages = entity_pages_of(scope.entities)
    jobs = [
        (view, page)
        for (view, page) in previous.drawn
        if page not in pages and (key := _key_of(page)) and key[1] in inv.by_kind.get(key[0], {})
    ]
    found: set[Key] = set()
    for (view, page), html in zip(jobs, draw(jobs), strict=True):
        if page_digest(html, ()) != previous.drawn[(view, page)]:
            found.add(_key_of(page))  # type: ignore[arg-type]
    return found


def merged(pages: dict[str, Any], made: dict[str, Any]) -> dict[str, Any]:
    """``pages`` with ``made`` put in, in the order a full build makes them (that order
    is the sitemap's): an entry's page among its kind's, by id, before the index."""
    added = [p for p in made if p not in pages and _key_of(p) is not None]
    pages.update(made)
    if not added:
        return pages
    sections = {p.partition("/")[0] for p in added}
    out: dict[str, Any] = {}
    done: set[str] = set()
    for path in pages:
        section = path.partition("/")[0]
        if section not in sections or (_key_of(path) is None and path != f"{section}/index.md"):
            out[path] = pages[path]
            continue
        if section not in done:  # the section's entry pages, by id, then its index
            done.add(section)
            entries = [p for p in pages if p.partition("/")[0] == section and _key_of(p)]
            for entry in sorted(entries, key=lambda p: p.partition("/")[2].removesuffix(".md")):
                out[entry] = pages[entry]
        index = f"{section}/index.md"
        if path == index:
            out[index] = pages[index]
    return out
