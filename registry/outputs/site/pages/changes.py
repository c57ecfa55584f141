"""The last change to the register (changes.md) and its tile on the home page.

Built only when the build was given a base revision (``diff_base:``, set by CI to the
commit before the push): the same comparison as ``ropa diff BASE HEAD`` (see
:func:`registry.outputs.diff.compare`), so the published site says what the pull
request comment said. Entries still in the register link to their pages; removed ones
are named as text.
"""

from __future__ import annotations

from registry.core.findings import Finding, Severity
from registry.outputs.diff import KIND_TITLES, RegisterDiff
from registry.outputs.site.markup import link, table, text
from registry.outputs.site.pages.context import SINGULAR, Context
from registry.outputs.site.pages.findings import rule_link
from registry.outputs.site.register import ref

PAGE = "changes.md"
TITLE = "Last change to the register"


def _revisions(change: RegisterDiff) -> str:
    return f"<code>{text(change.base)}</code> → <code>{text(change.head)}</code>"


def _errors(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.severity is Severity.error)


def _changed_entries(change: RegisterDiff) -> int:
    return sum(len(c.added) + len(c.removed) + len(c.changed) for c in change.changes.values())


def summary(ctx: Context, page: str) -> str:
    """The home page's tile: how many risks, findings and entries the last change touched,
    each linked to its section of changes.md."""
    change = ctx.last_diff
    assert change is not None
    out = [f"From {_revisions(change)}.\n"]
    if change.empty:
        out.append("No change to the register.\n")
        return "\n".join(out)
    rows = [
        ["Changes raising risk", link(str(len(change.risks)), page, PAGE, "risks")],
        [
            "Findings introduced",
            link(
                f"{len(change.introduced)} ({_errors(change.introduced)} errors)",
                page,
                PAGE,
                "introduced",
            ),
        ],
        ["Findings fixed", link(str(len(change.fixed)), page, PAGE, "fixed")],
        [
            "Entries added, removed or changed",
            link(str(_changed_entries(change)), page, PAGE, "entries"),
        ],
    ]
    out.append(table(["", "Count"], rows))
    return "\n".join(out)


def _entry(ctx: Context, kind: str, ident: str, change: RegisterDiff) -> str:
    if ident in ctx.inv.by_kind.get(kind, {}):
        return ref(ctx.inv, kind, ident, PAGE)
    label = change.labels.get((kind, ident)) or ident
    return f"{text(label)} (<code>{text(ident)}</code>)"


def _finding_rows(ctx: Context, findings: list[Finding], change: RegisterDiff) -> list[list[str]]:
    rows = []
    for finding in findings:
        entity = (
            _entry(ctx, finding.entity_kind, finding.entity_id, change)
            if finding.entity_kind in SINGULAR and finding.entity_id
            else text(finding.entity)
        )
        rows.append(
            [
                rule_link(finding.rule, PAGE),
                text(finding.severity.value),
                entity,
                text(finding.message),
                f"<code>{text(f'{finding.pos.file}:{finding.pos.line}')}</code>",
            ]
        )
    return rows


def add_changes(ctx: Context) -> bool:
    """Add changes.md when the build compared against a base revision; whether it did."""
    change = ctx.last_diff
    if change is None:
        return False
    out = [f"# {TITLE}\n"]
    out.append(
        f"What the change from {_revisions(change)} does to the register: the same "
        "comparison as `ropa diff`, both revisions judged by the same checks as of "
        f"**{ctx.result.as_of.isoformat()}**.\n"
    )
    out += [f"> {text(note)}\n" for note in change.notes]
    if change.empty:
        out.append("No change to the register.\n")
    out.append("## Changes that raise risk {#risks}\n")
    if change.risks:
        out += [
            f"- {text(risk.message)} ({_entry(ctx, risk.kind, risk.id, change)})"
            for risk in change.risks
        ]
        out.append("")
    else:
        out.append("*None.*\n")
    headers = ["Rule", "Severity", "Entry", "Finding", "At"]
    out.append("## Findings introduced {#introduced}\n")
    out.append(table(headers, _finding_rows(ctx, change.introduced, change)))
    out.append("## Findings fixed {#fixed}\n")
    out.append(table(headers, _finding_rows(ctx, change.fixed, change)))
    out.append("## Entries added, removed or changed {#entries}\n")
    rows = []
    for kind, kind_title in KIND_TITLES.items():
        changes = change.changes.get(kind)
        if not changes:
            continue
        for ident in changes.added:
            rows.append([text(kind_title), "added", _entry(ctx, kind, ident, change), ""])
        for ident in changes.removed:
            rows.append([text(kind_title), "removed", _entry(ctx, kind, ident, change), ""])
        for ident, fields in changes.changed.items():
            changed = ", ".join(f"<code>{text(name)}</code>" for name in fields)
            rows.append([text(kind_title), "changed", _entry(ctx, kind, ident, change), changed])
    out.append(table(["Kind", "Change", "Entry", "Fields"], rows))
    if change.processors_added or change.processors_removed:
        out.append("## Processors\n")
        out += [
            f"- now a processor: {_entry(ctx, 'Organisation', ident, change)}"
            for ident in change.processors_added
        ]
        out += [
            f"- no longer a processor: {_entry(ctx, 'Organisation', ident, change)}"
            for ident in change.processors_removed
        ]
        out.append("")
    ctx.site.add(PAGE, TITLE, "\n".join(out), wide=True)
    return True
