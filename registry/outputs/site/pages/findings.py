"""Findings and the rules behind them: findings.md, rules.md, and the findings table.

findings.md lists every open finding by severity (errors fail CI, warnings do not), the
accepted risks (waivers) with what each covers, and tallies by entity and by rule.
rules.md is the rule catalogue: every check with its article, how to fix it and when it
does not fire (each rule's whole documentation, as `ropa explain` prints it). Entity
pages show their own findings with :func:`findings_table` and link rules with
:func:`rule_link`, both from here.
"""

from __future__ import annotations

from typing import Any

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import KINDS
from registry.outputs.report import summary_counts
from registry.outputs.site.markup import breakable, inline, lines, link, prose, table, text
from registry.outputs.site.pages.context import SINGULAR, Context
from registry.outputs.site.register import ref
from registry.rules import catalogue


def add_findings(ctx: Context) -> None:
    page = "findings.md"
    result = ctx.result
    rules = catalogue()
    out = ["# Findings\n"]
    counts = summary_counts(result)
    out.append(
        f"As of {result.as_of.isoformat()}: **{counts['error']}** error(s), "
        f"**{counts['warning']}** warning(s), **{counts['waived']}** accepted risk(s). "
        "Errors fail the check in CI; warnings do not; an accepted risk is a finding "
        "covered by an approved, unexpired waiver.\n"
    )
    open_findings = [f for f in result.findings if not f.waived_by]
    for severity, anchor in ((Severity.error, "errors"), (Severity.warning, "warnings")):
        chosen = [f for f in open_findings if f.severity is severity]
        out.append(f"## {anchor.capitalize()} {{#{anchor}}}\n")
        out.append(findings_table(ctx.inv, chosen, page, entity=True))
    out.append("## Accepted risks {#accepted-risks}\n")
    rows = []
    for waiver in sorted(ctx.inv.waivers.values(), key=lambda w: w.id):
        covered = sum(1 for f in result.findings if f.waived_by == waiver.id)
        expired = waiver.expires is not None and waiver.expires < result.as_of
        rows.append(
            [
                ref(ctx.inv, "Waiver", waiver.id, page),
                rule_link(waiver.rule, page),
                waived_entity(ctx.inv, waiver, page),
                lines(waiver.reason or ""),
                text(waiver.approved_by or "") or "**nobody**",
                text(waiver.expires or "") + (" **expired**" if expired else ""),
                str(covered),
            ]
        )
    out.append(
        table(
            ["Waiver", "Rule", "Entity", "Reason", "Approved by", "Expires", "Findings"],
            rows,
            empty="No risk has been accepted.",
        )
    )
    out.append("## By entity {#by-entity}\n")
    tally: dict[tuple[str, str], list[int]] = {}
    for f in result.findings:
        counts_of = tally.setdefault((f.entity_kind, f.entity_id), [0, 0, 0])
        counts_of[2 if f.waived_by else 0 if f.severity is Severity.error else 1] += 1
    out.append(
        table(
            ["Entity", "Kind", "Errors", "Warnings", "Accepted risks"],
            [
                [
                    _about_entity(ctx.inv, kind, ident, page),
                    text(SINGULAR.get(kind, kind)),
                    *(str(n) for n in numbers),
                ]
                for (kind, ident), numbers in sorted(tally.items())
            ],
            empty="No finding.",
        )
    )
    out.append("## By rule {#by-rule}\n")
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    for code in sorted(by_rule):
        rule = rules.get(code)
        name = f"{code} {rule.name}" if rule else code
        out.append(f"### {text(name)} {{#rule-{code.lower()}}}\n")
        if rule:
            out.append(
                f"{text(rule.article)} · {rule.severity.value} · {inline(rule.summary)} "
                f"· {link('how to fix', page, 'rules.md', code.lower())}\n"
            )
        out.append(findings_table(ctx.inv, by_rule[code], page, entity=True))
    ctx.site.add(page, "Findings", "\n".join(out), wide=True)


def add_rule_catalogue(ctx: Context) -> None:
    page = "rules.md"
    rules = catalogue()
    out = ["# Rule catalogue\n"]
    out.append(
        "Every check ropa runs, with the article it enforces. Errors fail CI; warnings do not.\n"
    )
    counts: dict[str, int] = {}
    for f in ctx.result.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    out.append(
        table(
            ["Rule", "Name", "Severity", "Article", "What fails", "Findings"],
            [
                [
                    link(text(code), page, page, code.lower()),
                    text(r.name),
                    r.severity.value,
                    text(r.article),
                    inline(r.summary),
                    str(counts.get(code, 0)),
                ]
                for code, r in rules.items()
            ],
        )
    )
    for code, r in rules.items():
        out.append(f"## {text(code)} {text(r.name)} {{#{code.lower()}}}\n")
        out.append(f"**{r.severity.value}** · {text(r.article)}\n")
        out.append(inline(r.summary) + "\n")
        out += _rule_paragraphs(r.help)
    ctx.site.add(page, "Rule catalogue", "\n".join(out))


NOT_FIRING = "Does not fire"


def _rule_paragraphs(doc: str) -> list[str]:
    """A rule's documentation after its summary, one Markdown paragraph per paragraph
    (wrapped lines joined, `code` shown as code): how to fix it first, when it does not
    fire set off."""
    out = []
    for index, paragraph in enumerate(prose(doc)):
        if paragraph.startswith(NOT_FIRING):
            out.append(f"**{NOT_FIRING}** {paragraph[len(NOT_FIRING) :].lstrip()}\n")
        elif index == 0:
            out.append(f"**How to fix:** {paragraph}\n")
        else:
            out.append(f"{paragraph}\n")
    return out


def findings_table(
    inv: Inventory, findings: list[Finding], page: str, *, entity: bool = False
) -> str:
    """Findings as a table; ``entity`` adds a column saying what each one is about."""
    headers = ["Rule", "Status", "Article", "Finding", "Where (file:line)"]
    if entity:
        headers.insert(0, "About")
    rows = []
    for f in findings:
        row = [
            rule_link(f.rule, page),
            _status(f) + (f" ({ref(inv, 'Waiver', f.waived_by, page)})" if f.waived_by else ""),
            text(f.article),
            text(f.message),
            breakable(f.pos),
        ]
        if entity:
            row.insert(0, about(inv, f, page))
        rows.append(row)
    return table(headers, rows, empty="No finding.")


def _about_entity(inv: Inventory, kind: str, ident: str, page: str) -> str:
    if kind in KINDS and ident in inv.by_kind[kind]:
        return ref(inv, kind, ident, page)
    return text(f"{kind}:{ident}" if ident else kind)


def about(inv: Inventory, finding: Finding, page: str) -> str:
    if finding.entity_kind in KINDS and finding.entity_id in inv.by_kind.get(
        finding.entity_kind, {}
    ):
        return (
            text(SINGULAR[finding.entity_kind])
            + " "
            + ref(inv, finding.entity_kind, finding.entity_id, page)
        )
    return text(finding.entity)


def rule_link(code: str, page: str) -> str:
    """A link to a rule's entry in the catalogue; a waiver may name a rule that does not exist."""
    if code in catalogue():
        return link(text(code), page, "rules.md", code.lower())
    return text(code) + " *(no such rule)*"


def waived_entity(inv: Inventory, waiver: Any, page: str) -> str:
    """The entity a waiver names, linked if it exists."""
    kind, _, ident = waiver.entity.partition(":")
    if kind in KINDS and ident in inv.by_kind[kind]:
        return ref(inv, kind, ident, page)
    return text(waiver.entity)


def _status(finding: Finding) -> str:
    if finding.waived_by:
        return "accepted risk"
    if finding.baselined:
        return f"{finding.severity.value} (baseline)"
    return f"**{finding.severity.value}**" if finding.fails else finding.severity.value
