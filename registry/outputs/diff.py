"""What a change does to the register, in plain words, for a pull request.

Compares two inventories (usually two git revisions): entities added, removed
and changed, grouped by kind; processors gained and lost; and above all the
changes that raise risk — special-category data reaching a new system or
organisation, a new country outside the EEA, a new processor, a contract removed
or expiring, a retention lengthened, a security measure switched off — and the
findings the change introduces or fixes. Rendered as Markdown (a PR comment) or
JSON; every text from the YAML is escaped for Markdown.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.core.contracts import concluded
from registry.core.errors import CannotRun
from registry.core.findings import Finding, Severity
from registry.core.git import read_inventory_files, resolve
from registry.core.inventory import Inventory
from registry.core.model import Entity, Retention, Security, duration_days
from registry.core.record import Record
from registry.core.vocabulary import FlowMedium, countries
from registry.outputs.report import finding_dict
from registry.pipeline import Request
from registry.pipeline import run as judge
from registry.pipeline.check import CheckResult

EXPIRY_WARNING_DAYS = 90
KIND_TITLES = {
    "Activity": "Activities",
    "Flow": "Flows",
    "System": "Systems",
    "Organisation": "Organisations",
    "Contract": "Contracts",
    "DataCategory": "Data categories",
    "DataSubject": "Data subjects",
    "Waiver": "Waivers",
}
# Security measures that protect when on (switching them off raises risk).
_PROTECTIONS = (
    "encryption_at_rest",
    "mfa",
    "monitoring",
    "alert_escalation",
    "backups",
    "access_logging",
)


@dataclass(frozen=True, order=True)
class Risk:
    """One change that raises risk, said in plain words."""

    category: str  # special-category, third-country, processor, contract, retention, security
    kind: str
    id: str
    message: str


@dataclass
class KindChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id → changed fields

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class RegisterDiff:
    base: str
    head: str
    changes: dict[str, KindChanges]
    labels: dict[tuple[str, str], str]  # (kind, id) → display name, from either side
    processors_added: list[str]
    processors_removed: list[str]
    risks: list[Risk]
    introduced: list[Finding]
    fixed: list[Finding]
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (any(self.changes.values()) or self.introduced or self.fixed)


# --- facts compared between the two sides ------------------------------------------


def _dump(entity: Entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _entity_changes(base: Inventory, head: Inventory) -> dict[str, KindChanges]:
    result: dict[str, KindChanges] = {}
    for kind in KIND_TITLES:
        old = {i: e for i, e in base.by_kind[kind].items() if (kind, i) not in base.builtin}
        new = {i: e for i, e in head.by_kind[kind].items() if (kind, i) not in head.builtin}
        changes = KindChanges(sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys()))
        for ident in sorted(old.keys() & new.keys()):
            before, after = _dump(old[ident]), _dump(new[ident])
            fields = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            if fields:
                changes.changed[ident] = fields
        result[kind] = changes
    return result


def _special_reach(inv: Inventory) -> dict[tuple[str, str, str], str]:
    """(category, endpoint kind, endpoint id) → how special data gets there."""
    reach: dict[tuple[str, str, str], str] = {}
    for flow in sorted(inv.flows.values(), key=lambda f: f.id):
        for category in flow.data_categories:
            if inv.special_of(category) is None:
                continue
            if flow.to in inv.systems:
                reach.setdefault((category, "System", flow.to), f"flow {flow.id}")
            operator = inv.operator_of(flow.to)
            if operator:
                reach.setdefault((category, "Organisation", operator), f"flow {flow.id}")
    for system in sorted(inv.systems.values(), key=lambda s: s.id):
        for stored in system.stores:
            if inv.special_of(stored.category) is not None:
                reach.setdefault((stored.category, "System", system.id), "stored there")
                if system.operator:
                    reach.setdefault(
                        (stored.category, "Organisation", system.operator),
                        f"system {system.id}",
                    )
    return reach


def _third_countries(record: Record) -> dict[str, str]:
    """Countries outside the EEA that the record's transfers reach → the first flow or
    system that takes data there."""
    inv = record.inventory
    via: dict[str, list[tuple[int, str, str]]] = {}
    for row in record.activities.values():
        for transfer in row.transfers:
            places = via.setdefault(transfer.country, [])
            places += [(0, f, f"flow {f} to {inv.flows[f].to}") for f in transfer.flows]
            places += [(1, s, f"system {s}") for s in transfer.systems]
    return {country: min(places)[2] for country, places in via.items() if places}


def _retentions(inv: Inventory) -> dict[tuple[str, str, str], Retention | None]:
    """(kind, id, category) → its retention; None where retention is missing."""
    found: dict[tuple[str, str, str], Retention | None] = {}
    for system in inv.systems.values():
        for stored in system.stores:
            found[("System", system.id, stored.category)] = stored.retention
    for activity in inv.activities.values():
        for retention in activity.retention:
            found[("Activity", activity.id, retention.category)] = retention
    return found


def _modes(security: Security | None) -> str:
    return ", ".join(a.value for a in security.authentications) if security else ""


def _days(retention: Retention) -> float | None:
    """Its length in days: infinite if indefinite, None for an event (no fixed length)."""
    if retention.indefinite:
        return float("inf")
    return duration_days(retention.period) if retention.period else None


def _retention_risk(before: Retention, after: Retention) -> str | None:
    """How the new retention may keep data longer than the old one, if it may."""
    old, new = _days(before), _days(after)
    if new is None:  # an event: longer unless the same event, or no end before
        same = before.until == after.until or old == float("inf")
        return None if same else "changed"
    if old is None:  # from an event to a period or indefinite: only indefinite is surely longer
        return "lengthened" if new == float("inf") else None
    return "lengthened" if new > old else None


# --- risks --------------------------------------------------------------------------


def _risks(old: Record, new: Record, as_of: dt.date) -> Iterator[Risk]:
    lists = countries()
    base, head = old.inventory, new.inventory

    old_reach, new_reach = _special_reach(base), _special_reach(head)
    for key in sorted(new_reach.keys() - old_reach.keys()):
        category, kind, ident = key
        special = head.special_of(category)
        what = special.value.replace("_", " ") if special else "special"
        where = "system" if kind == "System" else "organisation"
        yield Risk(
            "special-category",
            kind,
            ident,
            f"{what} data ({category}) now reaches {where} {ident} ({new_reach[key]})",
        )

    old_countries, new_countries = _third_countries(old), _third_countries(new)
    for country in sorted(new_countries.keys() - old_countries.keys()):
        adequacy = lists.adequacy_of(country)
        status = (
            "with an adequacy decision"
            if adequacy is not None and adequacy.value == "full"
            else "without a full adequacy decision"
        )
        yield Risk(
            "third-country",
            "Country",
            country,
            f"data now reaches {country}, outside the EEA, {status} ({new_countries[country]})",
        )

    for ident in sorted(new.processors.keys() - old.processors.keys()):
        yield Risk("processor", "Organisation", ident, f"{ident} now acts as a processor")

    for ident in sorted(base.contracts.keys() - head.contracts.keys()):
        yield Risk("contract", "Contract", ident, f"contract {ident} is removed")
    soon = as_of + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    for ident, contract in sorted(head.contracts.items()):
        before = base.contracts.get(ident)
        if contract.expires is None:
            continue
        old_expiry = before.expires if before else None
        if before is not None and old_expiry is not None and contract.expires < old_expiry:
            yield Risk(
                "contract",
                "Contract",
                ident,
                f"contract {ident} now expires on {contract.expires}, earlier than {old_expiry}",
            )
        elif contract.expires <= soon and (old_expiry is None or old_expiry > soon):
            when = "expired" if contract.expires < as_of else "expires"
            yield Risk(
                "contract",
                "Contract",
                ident,
                f"contract {ident} {when} on {contract.expires} "
                f"(within {EXPIRY_WARNING_DAYS} days of {as_of})",
            )
        if before is not None and concluded(before) is not None and concluded(contract) is None:
            yield Risk(
                "contract", "Contract", ident, f"contract {ident} is no longer signed or accepted"
            )

    old_keep, new_keep = _retentions(base), _retentions(head)
    for key in sorted(old_keep.keys() & new_keep.keys()):
        kind, ident, category = key
        before, after = old_keep[key], new_keep[key]
        subject = f"{kind.lower()} {ident}, {category}"
        if before is not None and after is None:
            yield Risk("retention", kind, ident, f"retention removed for {subject}")
        elif before is not None and after is not None:
            how = _retention_risk(before, after)
            if how is not None:
                note = " (no longer a fixed period)" if how == "changed" else ""
                yield Risk(
                    "retention",
                    kind,
                    ident,
                    f"retention {how} for {subject}: {before} → {after}{note}",
                )

    for ident in sorted(base.systems.keys() & head.systems.keys()):
        old_security, new_security = base.systems[ident].security, head.systems[ident].security
        for measure in _PROTECTIONS:
            was = getattr(old_security, measure, None) if old_security else None
            now = getattr(new_security, measure, None) if new_security else None
            if was is True and now is not True:
                state = "switched off" if now is False else "no longer documented"
                yield Risk(
                    "security",
                    "System",
                    ident,
                    f"system {ident}: {measure.replace('_', ' ')} {state}",
                )
        was_exposed = old_security.internet_exposed if old_security else None
        now_exposed = new_security.internet_exposed if new_security else None
        if now_exposed is True and was_exposed is not True:
            yield Risk(
                "security", "System", ident, f"system {ident} is now exposed to the internet"
            )
        # Judged by the weakest way in, as the SEC rules judge; said with every mode.
        old_auth = old_security.weakest_authentication if old_security else None
        new_auth = new_security.weakest_authentication if new_security else None
        if old_auth is not None and (new_auth is None or new_auth.strength < old_auth.strength):
            yield Risk(
                "security",
                "System",
                ident,
                f"system {ident}: authentication {_modes(old_security)} → "
                f"{_modes(new_security) or 'not documented'}",
            )
    for ident in sorted(base.flows.keys() & head.flows.keys()):
        before, after = base.flows[ident], head.flows[ident]
        # Moved to paper, the flow has nothing to encrypt in transit: not a weakening.
        if (
            before.encrypted_in_transit is True
            and after.encrypted_in_transit is not True
            and after.medium != FlowMedium.paper
        ):
            yield Risk("security", "Flow", ident, f"flow {ident}: encryption in transit off")
        if before.transfer is not None and after.transfer is None:
            names = ", ".join(before.transfer.mechanisms)
            what = "mechanisms" if len(before.transfer.mechanisms) > 1 else "mechanism"
            yield Risk(
                "third-country", "Flow", ident, f"flow {ident}: transfer {what} {names} removed"
            )


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.entity, finding.message)


def diff(old: CheckResult, new: CheckResult, base_label: str, head_label: str) -> RegisterDiff:
    """What changes from ``old`` to ``new``: both judged by the same pipeline, as of one date."""
    base, head = old.inventory, new.inventory
    as_of = new.as_of
    old_findings, new_findings = old.findings, new.findings
    old_keys = {_finding_key(f) for f in old_findings if not f.waived_by}
    new_keys = {_finding_key(f) for f in new_findings if not f.waived_by}
    labels = {}
    for inv in (base, head):
        for entity in inv.entities():
            labels[(entity.kind, entity.id)] = entity.label
    return RegisterDiff(
        base=base_label,
        head=head_label,
        changes=_entity_changes(base, head),
        labels=labels,
        processors_added=sorted(new.record.processors.keys() - old.record.processors.keys()),
        processors_removed=sorted(old.record.processors.keys() - new.record.processors.keys()),
        risks=list(dict.fromkeys(_risks(old.record, new.record, as_of))),
        introduced=[f for f in new_findings if not f.waived_by and _finding_key(f) not in old_keys],
        fixed=[f for f in old_findings if not f.waived_by and _finding_key(f) not in new_keys],
    )


def compare(
    base: str, head: str, path: str, root: Path, as_of: dt.date | None = None
) -> RegisterDiff:
    """What the change from revision ``base`` to ``head`` does to the inventory at
    ``path`` (relative to the repository ``root``), both read straight from git and
    judged by the pipeline of `ropa check` (ropa.yaml's settings, evidence, baseline)
    as of one date. `ropa diff` and the site's "last change" page say the same."""
    base_commit, head_commit = resolve(base, root), resolve(head, root)
    shown = path or "the repository root"
    head_files = read_inventory_files(head_commit, path, root)
    if not head_files:
        raise CannotRun(f"revision {head!r} has no inventory (YAML files) at {shown}")
    base_files = read_inventory_files(base_commit, path, root)
    old = judge(Request(as_of=as_of, files=tuple(base_files), root=path)).result
    new = judge(Request(as_of=old.as_of, files=tuple(head_files), root=path)).result
    result = diff(old, new, base, head)
    if not base_files:
        result.notes.append(f"{base} has no inventory at {shown}: everything in it is new.")
    return result


# --- rendering ----------------------------------------------------------------------

# Mid-line, these are the characters Markdown acts on (links, emphasis, code, tables).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: str) -> str:
    """Inert in Markdown and HTML: metacharacters escaped, on one line."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+", " ", str(text))
    text = "".join(_HTML.get(c, c) for c in text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code(text: str) -> str:
    """An id or a path as inline code (backticks cannot occur in ids; others are dropped)."""
    return "`" + re.sub(r"[`\x00-\x1f\x7f-\x9f]", "", str(text)) + "`"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def to_markdown(result: RegisterDiff) -> str:
    lines = [f"## Register changes: {code(result.base)} → {code(result.head)}", ""]
    lines += [f"> {md(note)}" for note in result.notes]
    if result.notes:
        lines.append("")
    if result.empty:
        lines.append("No change to the register.")
        return "\n".join(lines) + "\n"
    errors = sum(1 for f in result.introduced if f.severity is Severity.error)
    summary = [
        _plural(len(result.risks), "change") + " raising risk",
        f"{len(result.introduced)} finding(s) introduced ({errors} error(s))",
        f"{len(result.fixed)} fixed",
    ]
    lines += ["**" + ", ".join(summary) + "**", ""]
    if result.risks:
        lines += ["### Changes that raise risk", ""]
        lines += [f"- {md(risk.message)}" for risk in result.risks]
        lines.append("")
    if result.introduced or result.fixed:
        lines += ["### Findings", ""]
        for title, findings in (("Introduced", result.introduced), ("Fixed", result.fixed)):
            if not findings:
                continue
            lines.append(f"{title}:")
            lines.append("")
            for f in findings:
                where = f"{f.pos.file}:{f.pos.line}"
                lines.append(f"- {code(f.rule)} {f.severity.value} {code(where)} {md(f.message)}")
            lines.append("")
    if any(result.changes.values()) or result.processors_added or result.processors_removed:
        lines += ["### What changed", ""]
        for kind, title in KIND_TITLES.items():
            changes = result.changes.get(kind)
            if not changes:
                continue
            lines.append(f"**{title}**")
            lines.append("")
            for ident in changes.added:
                lines.append(f"- added {code(ident)} {md(result.labels.get((kind, ident), ''))}")
            for ident in changes.removed:
                lines.append(f"- removed {code(ident)} {md(result.labels.get((kind, ident), ''))}")
            for ident, fields in changes.changed.items():
                lines.append(f"- changed {code(ident)}: {', '.join(code(f) for f in fields)}")
            lines.append("")
        if result.processors_added or result.processors_removed:
            lines.append("**Processors**")
            lines.append("")
            lines += [f"- now a processor: {code(p)}" for p in result.processors_added]
            lines += [f"- no longer a processor: {code(p)}" for p in result.processors_removed]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(result: RegisterDiff) -> str:
    document = {
        "base": result.base,
        "head": result.head,
        "notes": result.notes,
        "risks": [
            {"type": r.category, "kind": r.kind, "id": r.id, "message": r.message}
            for r in result.risks
        ],
        "changes": {
            kind: {"added": c.added, "removed": c.removed, "changed": c.changed}
            for kind, c in result.changes.items()
            if c
        },
        "processors": {"added": result.processors_added, "removed": result.processors_removed},
        "findings": {
            "introduced": [finding_dict(f) for f in result.introduced],
            "fixed": [finding_dict(f) for f in result.fixed],
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"markdown": to_markdown, "json": to_json}
