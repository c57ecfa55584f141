"""One page per inventory entry, and one index page per kind.

Every activity, system, organisation, contract, data category, data subject and waiver
gets <section>/<id>.md: its findings, what its kind adds (an activity's register entry,
a system's stores and security measures, the flows through it...), its lineage diagram
where it has one, every field as written, and what refers to it. A flow is a section of
its activity's page (anchor ``flow-<id>``, see :mod:`registry.outputs.urls`), or of the
flows' index when its activity is unknown. Each kind gets <section>/index.md listing its
entries. These pages stay out of the navigation; the index pages link to them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import KINDS, Entity, Flow
from registry.core.wording import dpf_text, mechanism_text
from registry.outputs.site import cards, facts, labels
from registry.outputs.site.markup import (
    breakable,
    external,
    findings_place,
    lines,
    link,
    source_of,
    table,
    text,
)
from registry.outputs.site.pages.context import PLURAL, SINGULAR, Context
from registry.outputs.site.pages.findings import about, findings_table, rule_link, waived_entity
from registry.outputs.site.register import category_ref, joined, ref, ref_end
from registry.outputs.urls import SECTIONS, flow_anchor, flow_home

# Fields that hold a link to a document rather than text.
_URL_FIELDS = {"document", "procedure", "lia", "website", "link", "list"}  # list: sub-processors
_URL_PATHS = {"dpf.reference"}  # a `reference` elsewhere is free text


def add_entity_pages(
    ctx: Context, only: set[tuple[str, str]] | None = None, indexes: bool = True
) -> None:
    """Every entity's page, then its kind's index page, kind by kind; ``only``: just
    these entities' pages (a rebuild, :mod:`registry.outputs.site.incremental`), and
    the index pages only if ``indexes``."""
    _EntityPages(ctx).add_all(only, indexes)


class _EntityPages:
    """The entity pages, with the lookups they share (findings, flows, backlinks) made once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.inv: Inventory = ctx.inv
        self.by_entity: dict[tuple[str, str], list[Finding]] = {}
        for finding in ctx.result.findings:
            self.by_entity.setdefault((finding.entity_kind, finding.entity_id), []).append(finding)
        self.backlinks = ctx.backlinks if ctx.backlinks is not None else backlinks_of(self.inv)
        self.flows_by_end: dict[str, list[Flow]] = {}
        self.flows_by_contract: dict[str, list[Flow]] = {}
        # A category's page lists the flows carrying it or one of its sub-categories.
        self.flows_carrying: dict[str, list[Flow]] = {}
        ancestors = self.inv.category_ancestors
        for flow in self.inv.flows.values():
            for end in {flow.source, flow.to}:
                self.flows_by_end.setdefault(end, []).append(flow)
            if flow.contract:
                self.flows_by_contract.setdefault(flow.contract, []).append(flow)
            carried = {a for c in flow.data_categories for a in ancestors.get(c, (c,))}
            for category in carried:
                self.flows_carrying.setdefault(category, []).append(flow)

    def add_all(self, only: set[tuple[str, str]] | None = None, indexes: bool = True) -> None:
        inv = self.inv
        for kind in KINDS:
            index = f"{SECTIONS[kind]}/index.md"
            entities = [inv.by_kind[kind][i] for i in sorted(inv.by_kind[kind])]
            rows = []
            for entity in entities:
                if kind == "Flow" or (only is not None and (kind, entity.id) not in only):
                    if indexes:  # a flow is a section of its activity's page
                        rows.append(self.index_row(entity, index))
                    continue
                page = source_of(kind, entity.id)
                # pages with a lineage diagram get the whole window: graphs are wide
                wide = kind in ("Activity", "System", "Organisation", "DataCategory")
                self.ctx.site.add(
                    page, entity.label, self.entity_page(entity, page), wide=wide, toc=False
                )
                if indexes:
                    rows.append(self.index_row(entity, index))
            if indexes:
                body = f"# {PLURAL[kind]}\n\n" + table(self.index_headers(kind), rows)
                if kind == "Flow":
                    body += self.homeless_flows(entities, index)
                self.ctx.site.add(index, PLURAL[kind], body)

    def index_headers(self, kind: str) -> list[str]:
        return {
            "Organisation": ["Organisation", "Country", "Findings"],
            "DataCategory": ["Data category", "Parent", "Special", "Findings"],
            "DataSubject": ["Data subject", "Vulnerable", "Findings"],
            "System": ["System", "Operator", "Country", "Stores", "Findings"],
            "Activity": ["Activity", "Controller", "Purposes", "Findings"],
            "Flow": ["Flow", "Activity", "From", "To", "Findings"],
            "Contract": ["Contract", "Type", "Parties", "Expires", "Findings"],
            "Waiver": ["Waiver", "Rule", "Entity", "Approved by", "Expires"],
        }[kind]

    def _count(self, entity: Entity) -> str:
        found = [f for f in self.by_entity.get((entity.kind, entity.id), []) if not f.waived_by]
        errors = sum(1 for f in found if f.severity is Severity.error)
        return f"{errors} error(s), {len(found) - errors} warning(s)" if found else "0"

    def index_row(self, e: Any, page: str) -> list[str]:
        inv = self.inv
        name = ref(inv, e.kind, e.id, page)
        match e.kind:
            case "Organisation":
                return [name, labels.country(e.country) if e.country else "", self._count(e)]
            case "DataCategory":
                special = inv.special_of(e.id)
                parent = ref(inv, "DataCategory", e.parent, page) if e.parent else ""
                label = labels.special(special) if special else ""
                return [name, parent, label, self._count(e)]
            case "DataSubject":
                return [name, "yes" if e.vulnerable else "no", self._count(e)]
            case "System":
                operator = ref(inv, "Organisation", e.operator, page) if e.operator else ""
                stores = ", ".join(category_ref(inv, s.category, page) for s in e.stores)
                country = ", ".join(labels.country(c) for c in inv.countries_of(e.id))
                return [name, operator, country, stores, self._count(e)]
            case "Activity":
                controller = ref(inv, "Organisation", e.controller, page) if e.controller else ""
                purposes = "<br>".join(lines(p.purpose) for p in e.purposes)
                return [name, controller, purposes, self._count(e)]
            case "Flow":
                return [
                    name,
                    ref(inv, "Activity", e.activity, page),
                    ref_end(inv, e.source, page),
                    ref_end(inv, e.to, page),
                    self._count(e),
                ]
            case "Contract":
                return [
                    name,
                    labels.contract_type(e.type),
                    ", ".join(
                        ref(inv, "Organisation", o, page)
                        for o in (e.controller, e.processor, *e.parties)
                        if o
                    ),
                    facts.expiry_text(e, self.ctx.record.as_of),
                    self._count(e),
                ]
            case _:  # Waiver
                return [
                    name,
                    rule_link(e.rule, page),
                    waived_entity(self.inv, e, page),
                    text(e.approved_by or ""),
                    text(e.expires or ""),
                ]

    def entity_page(self, entity: Any, page: str) -> str:
        inv = self.inv
        kind = entity.kind
        out = [f"# {text(entity.label)}\n"]
        where = inv.nodes.get((kind, entity.id))
        origin = (
            "the default taxonomy shipped with ropa"
            if (kind, entity.id) in inv.builtin
            else (text(str(where.pos)) if where else "")
        )
        out.append(
            f"{text(SINGULAR[kind])} `{entity.id}` · "
            f"{link('all ' + PLURAL[kind].lower(), page, f'{SECTIONS[kind]}/index.md')}"
            + (f" · defined in {origin}" if origin else "")
            + "\n"
        )
        if inv.is_invalid(kind, entity.id):
            out.append(self.invalid_note(entity, page))
        flag = self.changed_flag(entity)
        if flag:
            out.append(flag)
        findings = self.by_entity.get((kind, entity.id), [])
        out.append("## Findings\n")
        out.append(findings_table(self.inv, findings, page))
        sections = self.kind_sections(entity, page)
        view = {
            "Activity": "activity",
            "System": "system",
            "Organisation": "organisation",
            "DataCategory": "category",
        }.get(kind)
        if view:
            # The picture early: after the register entry of an activity, else first.
            at = {"Activity": 1, "System": 3}.get(kind, 0)
            lineage = "## Lineage\n\n" + self.ctx.draw(inv, f"{view}:{entity.id}", page)
            sections.insert(at, lineage)
        out += sections
        history = self.history(entity)
        if history:
            out.append("## History\n")
            out.append(history)
        out.append("## Every field, as written\n")
        out.append(self.fields(entity, page))
        out.append("## Referenced by\n")
        out.append(self.referenced_by(kind, entity.id, page))
        if kind == "Activity":  # each of its flows, after the activity's own sections
            flows = sorted(inv.flows_by_activity.get(entity.id, []), key=lambda f: f.id)
            if flows:
                out.append("## Its flows, one by one\n")
                out += [self.flow_section(f, page) for f in flows]
        return "\n".join(out)

    def kind_sections(self, e: Any, page: str) -> list[str]:
        inv = self.inv
        record = self.ctx.record
        out: list[str] = []  # one string per section, heading first
        if e.kind == "Activity":
            out.append("## In the register (Art. 30(1))\n")
            rows = cards.card_rows(record, record.activities[e.id], page, self.ctx.history)
            entry = table(["Item (Art. 30(1))", "Entry"], [[k, v] for k, v in rows])
            out.append(f'<div class="ropa-entry" markdown="1">\n\n{entry}\n</div>\n')
            out.append("## Flows\n")
            out.append(self.flows_table(inv.flows_by_activity.get(e.id, []), page, activity=False))
        elif e.kind == "System":
            out.append("## At a glance\n")
            out.append(facts.system_facts(record, e, page))
            out.append("## Security measures (Art. 32)\n")
            out.append(
                (
                    f"{labels.mark(labels.YES)} It keeps nothing (transient): `stores: []`.\n\n"
                    if e.transient
                    else ""
                )
                + table(
                    ["Met", "Measure", "Art. 32 item it answers"],
                    labels.checklist_table(e.security),
                )
            )
            out.append("## Stores\n")
            out.append(
                table(
                    ["Data category", "Retention", "Data subjects"],
                    [
                        [
                            category_ref(inv, s.category, page),
                            labels.retention(s.retention) if s.retention else "**not set**",
                            ", ".join(ref(inv, "DataSubject", x, page) for x in s.subjects),
                        ]
                        for s in e.stores
                    ],
                    empty=(
                        "It keeps nothing (transient): data passes through it without being "
                        "stored (`stores: []`)."
                        if e.transient
                        else "Not documented yet (no `stores:`)."
                    ),
                )
            )
            out.append("## Flows in and out\n")
            out.append(self.flows_table(self.flows_by_end.get(e.id, []), page))
        elif e.kind == "Organisation":
            out.append("## At a glance\n")
            out.append(facts.organisation_facts(record, e, page))
            out.append("## Systems it runs\n")
            systems = sorted(s.id for s in inv.systems.values() if s.operator == e.id)
            out.append(
                (", ".join(ref(inv, "System", s, page) for s in systems) or "*None.*") + "\n"
            )
            out.append("## Contracts\n")
            out.append(self.contracts_of(e.id, page))
            if e.dpf is not None:
                as_of = record.as_of
                state = "on" if e.dpf.in_force(as_of) else "**not on**"
                out.append("## EU-US Data Privacy Framework (Art. 45)\n")
                out.append(
                    f"{text(dpf_text(e.dpf))}: {state} the DPF List on {as_of} · "
                    f"{external(e.dpf.reference)}\n"
                )
        elif e.kind == "DataCategory":
            out.append("## At a glance\n")
            out.append(facts.category_facts(record, e, page))
            out.append("## Flows carrying it\n")
            out.append(self.flows_table(self.flows_carrying.get(e.id, []), page))
        elif e.kind == "DataSubject":
            out.append("## At a glance\n")
            out.append(facts.subject_facts(record, e, page))
        elif e.kind == "Contract":
            out.append("## At a glance\n")
            out.append(facts.contract_facts(record, e, page))
            clauses = facts.clause_rows(e)
            if clauses:
                out.append("## Art. 28(3) clauses\n")
                out.append(table(["Met", "The processor…", "Article"], clauses))
            scope = facts.scope_facts(inv, e, page)
            if scope:
                out.append("## Scope\n")
                out.append(scope)
            out.append("## Flows under this contract\n")
            out.append(self.flows_table(self.flows_by_contract.get(e.id, []), page))
        elif e.kind == "Waiver":
            out.append("## At a glance\n")
            out.append(
                facts.waiver_facts(
                    record, e, page, rule_link(e.rule, page), waived_entity(inv, e, page)
                )
            )
            out.append("## Findings it accepts\n")
            covered = [f for f in self.ctx.result.findings if f.waived_by == e.id]
            out.append(findings_table(self.inv, covered, page, entity=True))
        # every heading above is followed by exactly one body
        return [f"{out[i]}\n{out[i + 1]}" for i in range(0, len(out), 2)]

    def flow_section(self, flow: Flow, page: str) -> str:
        """A flow as a section of the page that holds it (its activity's): what an entry
        page says, under one heading whose anchor is the flow's address."""
        where = self.inv.nodes.get(("Flow", flow.id))
        origin = f" · defined in {text(str(where.pos))}" if where else ""
        out = [
            f"### {text(flow.label)} {{#{flow_anchor(flow.id)} .ropa-flow}}\n",
            f"Flow `{flow.id}`{origin}\n",
        ]
        if self.inv.is_invalid("Flow", flow.id):
            out.append(self.invalid_note(flow, page))
        findings = self.by_entity.get(("Flow", flow.id), [])
        out.append("**Findings**\n")
        out.append(findings_table(self.inv, findings, page))
        home = flow_home(self.inv, flow.id)  # its activity, whose page this is
        out.append(facts.flow_facts(self.ctx.record, flow, page, activity=home is None))
        history = self.history(flow, shown=3)
        if history:
            out.append(_folded("History", history))
        out.append(_folded("Every field, as written", self.fields(flow, page)))
        backlinks = self.backlinks.get(("Flow", flow.id))
        if backlinks:
            out.append("**Referenced by**\n")
            out.append(self.referenced_by("Flow", flow.id, page))
        return "\n".join(out)

    def homeless_flows(self, flows: list[Any], page: str) -> str:
        """The sections of flows whose activity is not in the inventory (their findings
        say so): on the flows' index, since no activity page can hold them."""
        homeless = [f for f in flows if flow_home(self.inv, f.id) is None]
        if not homeless:
            return ""
        return (
            "\n## Flows of no known activity\n\n"
            "Their activity is not in the inventory, so no activity's page shows them.\n\n"
            + "\n".join(self.flow_section(f, page) for f in homeless)
        )

    def invalid_note(self, entity: Entity, page: str) -> str:
        """What the page of an entity with a schema error says first: that it is invalid,
        that what did not validate is set aside (the rules judge it once fixed), and where
        its findings are."""
        errors = len(self.inv.schema_errors[(entity.kind, entity.id)])
        kept = self.inv.set_aside.get((entity.kind, entity.id))
        if kept is None:  # it validated; a reference of it dangles, or its id is doubled
            shown = "Every field is shown as written"
        else:
            shown = (
                "This page shows every field that validated; set aside: "
                + ", ".join(text(p) for p in kept.paths)
                + (". Its id stands in for its name" if kept.name_is_id else "")
                + ". The rules judge it once it validates"
            )
        return (
            f"**Invalid entry**: {errors} schema error(s), listed under "
            f"{link('Findings', page, *findings_place(self.inv, entity.kind, entity.id))}. "
            f"{shown}.\n{{.ropa-invalid-entry}}\n"
        )

    def changed_flag(self, entity: Any) -> str:
        """ "Changed since its last review", when git shows a later change of its file
        (its own review date, else the whole register's, as the dashboard counts it)."""
        history = self.ctx.history
        if history is None or not hasattr(entity, "last_reviewed"):
            return ""
        review = facts.review_state(entity, self.ctx.record)
        if review.last is None:
            return ""
        last = history.last_change(self.inv, entity)
        if last is None or last.date <= review.last:
            return ""
        whole = " (the whole register)" if review.register_wide else ""
        return (
            f"**Changed since its last review**: reviewed {review.last} by "
            f"{text(review.by)}{whole}; its file changed on {last.date} ({text(last.author)}, "
            f"`{last.short}`). See its history below.\n{{.ropa-changed}}\n"
        )

    def history(self, entity: Entity, shown: int = 10) -> str:
        """The commits that changed the entity's file, newest first; '' without git."""
        history = self.ctx.history
        if history is None:
            return ""
        file = history.file_of(self.inv, entity)
        if file is None:
            return ""
        changes = history.of(self.inv, entity)
        out = []
        if file in history.uncommitted:
            out.append(f"{breakable(file)} has changes not committed yet.\n")
        if not changes:
            out.append(f"No commit has changed {breakable(file)} yet.\n")
            return "\n".join(out)
        out.append(
            f"The commits that changed {breakable(file)}, the file that defines it "
            "(with anything else the file defines), newest first.\n"
        )
        rows = [
            [str(c.date), text(c.author), f"`{c.short}`", text(c.subject)] for c in changes[:shown]
        ]
        out.append(table(["When", "Who", "Commit", "What"], rows))
        if len(changes) > shown:
            out.append(f"And {len(changes) - shown} earlier commit(s).\n")
        return "\n".join(out)

    def fields(self, entity: Entity, page: str) -> str:
        """Every field the YAML gave, nothing dropped (what did not validate is named)."""
        data = entity.model_dump(mode="json", by_alias=True, exclude_none=True)
        kept = self.inv.set_aside.get((entity.kind, entity.id))
        rows = []
        for key, value in data.items():
            if key == "kind" or value in ([], {}) or (key == "name" and kept and kept.name_is_id):
                continue
            rows.append([text(key), self.value(entity, key, value, page)])
        for path in kept.paths if kept else ():
            rows.append([text(path), "**invalid, set aside** (see its findings)"])
        return table(["Field", "Value"], rows)

    def value(self, entity: Entity, path: str, value: Any, page: str) -> str:
        """One field value as Markdown: references become links, URLs links, the rest text."""
        targets = entity.references.get(path)
        if isinstance(value, list):
            if value and all(isinstance(v, dict) for v in value):
                return "<br>".join(self.value(entity, path, v, page) for v in value)
            return ", ".join(self.value(entity, path, v, page) for v in value) or "—"
        if isinstance(value, dict):
            return "; ".join(
                f"{text(k)}: {self.value(entity, f'{path}.{k}', v, page)}"
                for k, v in value.items()
                if v not in (None, [], {})
            )
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if targets and isinstance(value, str):
            kind = next((t for t in targets if value in self.inv.by_kind[t]), targets[0])
            return ref(self.inv, kind, value, page)
        if (path.rsplit(".", 1)[-1] in _URL_FIELDS or path in _URL_PATHS) and isinstance(
            value, str
        ):
            return external(value)
        return lines(value)

    def referenced_by(self, kind: str, ident: str, page: str) -> str:
        rows = [
            [
                text(SINGULAR[source.kind]),
                ref(self.inv, source.kind, source.id, page),
                text(path),
            ]
            for source, path in sorted(
                self.backlinks.get((kind, ident), []), key=lambda s: (s[0].kind, s[0].id, s[1])
            )
        ]
        if kind == "Waiver":
            # The findings it accepts cite it (findings.md lists it among the accepted risks).
            rows += [
                [
                    "Finding",
                    rule_link(f.rule, page) + " " + about(self.inv, f, page),
                    "accepted risk",
                ]
                for f in self.ctx.result.findings
                if f.waived_by == ident
            ]
            listed = link("Findings: accepted risks", page, "findings.md", "accepted-risks")
            rows.append(["Page", listed, ""])
        return table(["Kind", "Entity", "Through field"], rows, empty="Nothing refers to it.")

    def flows_table(self, flows: list[Flow], page: str, *, activity: bool = True) -> str:
        """Flows in five columns, so that the table fits its page."""
        headers = ["Flow", "From → to", "Data categories", "Kind, contract, transfer"]
        if activity:
            headers.insert(1, "Activity")
        rows = []
        for flow in sorted(flows, key=lambda f: f.id):
            how = [text(labels.FLOW_KINDS[flow.type])]
            if flow.contract:
                how.append(ref(self.inv, "Contract", flow.contract, page))
            if flow.transfer:
                how.append(text(" and ".join(mechanism_text(m) for m in flow.transfer.mechanisms)))
            row = [
                ref(self.inv, "Flow", flow.id, page),
                ref_end(self.inv, flow.source, page) + " → " + ref_end(self.inv, flow.to, page),
                joined((category_ref(self.inv, c, page) for c in flow.data_categories), ", "),
                "<br>".join(how),
            ]
            if activity:
                row.insert(1, ref(self.inv, "Activity", flow.activity, page))
            rows.append(row)
        return table(headers, rows, empty="No flow.")

    def contracts_of(self, organisation: str, page: str) -> str:
        """The contracts an organisation is party to, with their type and expiry."""
        found = [
            c
            for c in self.inv.contracts.values()
            if organisation in (c.controller, c.processor) or organisation in c.parties
        ]
        rows = [
            [
                ref(self.inv, "Contract", c.id, page),
                labels.contract_type(c.type),
                facts.expiry_text(c, self.ctx.record.as_of),
            ]
            for c in sorted(found, key=lambda c: c.id)
        ]
        return table(["Contract", "Type", "Expires"], rows, empty="No contract.")


Backlinks = dict[tuple[str, str], list[tuple[Entity, str]]]


def _folded(summary: str, body: str) -> str:
    """A block the reader opens when they need it (a flow's history and raw fields)."""
    opening = f'<details class="ropa-more" markdown="1">\n<summary>{summary}</summary>'
    return f"{opening}\n\n{body}\n</details>\n"


def references_of(inv: Inventory, entity: Entity) -> Iterator[tuple[tuple[str, str], str]]:
    """((kind, id), field path) for every reference an entity makes, waivers' included."""
    for path, targets in entity.references.items():
        for ident in reference_values(entity, path):
            kind = next((t for t in targets if ident in inv.by_kind[t]), targets[0])
            yield (kind, ident), path
    if entity.kind == "Waiver":
        kind, _, ident = entity.entity.partition(":")  # type: ignore[attr-defined]
        if kind in KINDS:
            yield (kind, ident), "entity"


def backlinks_of(inv: Inventory) -> Backlinks:
    """(kind, id) -> every (entity, field path) that refers to it, waivers included."""
    found: Backlinks = {}
    for entity in inv.entities(include_builtin=True):
        for target, path in references_of(inv, entity):
            found.setdefault(target, []).append((entity, path))
    return found


def patch_backlinks(
    found: Backlinks, old: Inventory, new: Inventory, changed: set[tuple[str, str]]
) -> Backlinks | None:
    """``found`` (``old``'s backlinks) made ``new``'s, in place, where only the entries
    ``changed`` differ; None when an entry was added or removed (a reference's kind is
    read from which kinds hold its id: every one is resolved again)."""
    for kind, ident in changed:
        if ident not in old.by_kind.get(kind, {}) or ident not in new.by_kind.get(kind, {}):
            return None
    for kind, ident in changed:
        for target, _ in references_of(old, old.by_kind[kind][ident]):
            kept = [(e, p) for e, p in found.get(target, []) if (e.kind, e.id) != (kind, ident)]
            found[target] = kept
        entity = new.by_kind[kind][ident]
        for target, path in references_of(new, entity):
            found.setdefault(target, []).append((entity, path))
    return found


def reference_values(entity: Entity, path: str) -> Iterator[str]:
    """The ids at a dotted field path of an entity (as its YAML names them), through any
    lists on the way: what its dump would hold there, read without dumping it (a
    dump of each of 14,000 entries per build took a tenth of a serve rebuild)."""
    yield from _read(entity, path.split("."))


def _read(value: Any, path: list[str]) -> Iterator[str]:
    if isinstance(value, list | tuple):
        if not path:
            yield from (v for v in value if isinstance(v, str))
            return
        for item in value:
            yield from _read(item, path)
        return
    if not path:
        if isinstance(value, str):
            yield str(value)
        return
    if isinstance(value, BaseModel):
        name = _field_names(type(value)).get(path[0])
        if name is not None:
            yield from _read(getattr(value, name), path[1:])
    elif isinstance(value, dict) and path[0] in value:
        yield from _read(value[path[0]], path[1:])


@functools.cache
def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """A model's fields by the name its dump gives them (the alias, else the name)."""
    return {(f.alias or name): name for name, f in model.model_fields.items()}


def _values(data: Any, path: list[str]) -> Iterator[str]:
    """The strings at a dotted field path of dumped data, through any lists on the way."""
    if isinstance(data, list):
        for item in data:
            yield from _values(item, path)
        return
    if not path or not isinstance(data, dict) or path[0] not in data:
        return
    value = data[path[0]]
    if len(path) > 1:
        yield from _values(value, path[1:])
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))
    elif isinstance(value, str):
        yield value
