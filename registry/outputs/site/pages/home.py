"""The home page (index.md): a dashboard answering an auditor's first questions.

Tiles, each entry a link: the findings by severity; the reviews overdue and due within
30 days; the contracts expiring within 90 days (the DPA-007 warning's horizon) or
expired; what the last change did (when the build compared with a base revision, as
CI does); what changed since its last review (from git, when the build has it); the
transfers outside the EEA by country and safeguard; the special categories with the
activities, systems and processors handling each. Then every organisation with the roles
it plays, the number of entries of each kind, and where to start.

calendar.md lists every review and every contract expiry by date, for the tiles' "all".
"""

from __future__ import annotations

from typing import Any

from registry.core.findings import Severity
from registry.core.model import KINDS
from registry.outputs.report import summary_counts
from registry.outputs.site import facts, labels
from registry.outputs.site import register as reg
from registry.outputs.site.handling import Handling
from registry.outputs.site.markup import link, table, text
from registry.outputs.site.pages.changes import summary as last_change_summary
from registry.outputs.site.pages.context import PLURAL, SINGULAR, Context
from registry.outputs.site.pages.matrices import special_anchor
from registry.outputs.site.pages.record import transfer_summary
from registry.outputs.site.register import country_anchor, ref
from registry.outputs.urls import SECTIONS

SHOWN = 8  # names shown in a dashboard cell before "and N more"


def tile(title: str, anchor: str, body: str) -> str:
    """One dashboard tile: a titled box (Markdown inside HTML, see md_in_html)."""
    return (
        f'<section class="ropa-tile" markdown="1">\n\n## {title} {{#{anchor}}}\n\n'
        f"{body}\n\n</section>\n"
    )


def some(links: list[str], more: str = "") -> str:
    """At most :data:`SHOWN` links, then how many more (linked to ``more`` if given)."""
    shown = ", ".join(links[:SHOWN])
    rest = len(links) - SHOWN
    if rest > 0:
        shown += f" and {more.format(n=rest) if more else f'{rest} more'}"
    return shown


def add_home(ctx: Context) -> None:
    page = "index.md"
    result = ctx.result
    out = [f"# {text(ctx.site_name)}\n"]
    out.append(
        "The record of processing activities kept under Article 30 GDPR, generated from "
        "the inventory kept in version control"
        + (f"; last changed **{text(ctx.last_change)}**" if ctx.last_change else "")
        + f". Dates are judged as of **{result.as_of.isoformat()}**.\n"
    )
    handling = Handling.of(ctx.record)
    out.append('<div class="ropa-tiles" markdown="1">\n')
    out.append(tile("Findings", "findings", _findings(ctx, page)))
    out.append(tile("Reviews", "reviews", _reviews(ctx, page)))
    out.append(tile("Contracts", "contracts", _contracts(ctx, page)))
    if ctx.last_diff is not None:
        out.append(tile("Last change", "last-change", last_change_summary(ctx, page)))
    if ctx.history is not None:
        out.append(tile("Changed since last review", "changed", _changed(ctx, page)))
    out.append(tile("Transfers outside the EEA", "transfers", _transfers(ctx, page)))
    out.append(tile("Special categories", "special", _special(ctx, handling, page)))
    out.append("</div>\n")
    out.append(_organisations(ctx, page))
    out.append(_numbers(ctx, page))
    out.append("## Where to start\n")
    out.append(
        f"- {link('The controller record (Art. 30(1))', page, 'register.md')}: one card per "
        "processing activity in the order of the CNIL's record, each entry linked to its "
        "evidence.\n"
        f"- {link('Data categories by processor and by system', page, 'matrices.md')}: who "
        "handles which data, special categories first.\n"
        f"- {link('Findings', page, 'findings.md')}: what fails, the article, and how to fix "
        "it.\n"
        f"- {link('Reviews and contract expiries', page, 'calendar.md')}, "
        f"{link('downloads', page, 'downloads.md')} and "
        f"{link('a printable register', page, 'print.md')}.\n"
    )
    ctx.site.add(page, "Home", "\n".join(out), wide=True)
    add_calendar(ctx)


def _findings(ctx: Context, page: str) -> str:
    result = ctx.result
    counts = summary_counts(result)
    status = (
        "**The register fails its checks.**"
        if result.failed
        else "The register passes its checks (no error-level finding)."
    )
    rows = [
        ["Errors", link(str(counts["error"]), page, "findings.md", "errors")],
        ["Warnings", link(str(counts["warning"]), page, "findings.md", "warnings")],
        ["Accepted risks", link(str(counts["waived"]), page, "findings.md", "accepted-risks")],
    ]
    if counts["baselined"]:
        rows.append(["Known (baseline)", link(str(counts["baselined"]), page, "findings.md")])
    by_rule: dict[str, int] = {}
    for finding in result.findings:
        if not finding.waived_by and finding.severity is Severity.error:
            by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    top = sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    most = ""
    if top:
        most = "Most frequent errors: " + some(
            [
                link(text(code), page, "findings.md", "rule-" + code.lower()) + f" ({n})"
                for code, n in top
            ]
        )
        most += ".\n"
    return status + "\n\n" + table(["Severity", "Findings"], rows) + "\n" + most


def _entry_row(ctx: Context, entity: Any, page: str, date: str) -> list[str]:
    return [ref(ctx.inv, entity.kind, entity.id, page), text(SINGULAR[entity.kind]), date]


def reviewed_entities(ctx: Context) -> list[Any]:
    """Activities, systems and contracts: the entries with a review date and period."""
    inv = ctx.inv
    return [*inv.activities.values(), *inv.systems.values(), *inv.contracts.values()]


def _reviews(ctx: Context, page: str) -> str:
    as_of = ctx.result.as_of
    overdue, soon, never = [], [], 0
    for entity in reviewed_entities(ctx):
        state = facts.review_state(entity, ctx.record)
        if state.due is None:
            never += 1
        elif state.overdue(as_of):
            overdue.append((state.due, entity))
        elif state.due_soon(as_of):
            soon.append((state.due, entity))
    out = []
    for title, anchor, found, word in (
        ("Overdue", "overdue", overdue, "due since"),
        (f"Due within {facts.REVIEW_HORIZON} days", "due-soon", soon, "due on"),
    ):
        found.sort(key=lambda item: (item[0], item[1].kind, item[1].id))
        heading = link(f"{title}: {len(found)}", page, "calendar.md", anchor)
        rows = [_entry_row(ctx, e, page, f"{word} {due}") for due, e in found[:SHOWN]]
        out.append(f"**{heading}**\n")
        if rows:
            out.append(table(["Entry", "Kind", "Review"], rows))
        if len(found) > SHOWN:
            out.append(link(f"All {len(found)}", page, "calendar.md", anchor) + "\n")
    if never:
        out.append(
            f"{link(str(never), page, 'calendar.md', 'never-reviewed')} "
            "activities, systems or contracts record no review date or period.\n"
        )
    return "\n".join(out)


def _contracts(ctx: Context, page: str) -> str:
    as_of = ctx.result.as_of
    expiring, expired, later = [], [], []
    for contract in ctx.inv.contracts.values():
        if contract.expires is None:
            continue
        days = (contract.expires - as_of).days
        target = expired if days < 0 else expiring if days <= facts.EXPIRY_HORIZON else later
        target.append(contract)
    out = []
    for title, anchor, found in (
        (f"Expiring within {facts.EXPIRY_HORIZON} days", "expiring", expiring),
        ("Expired", "expired", expired),
    ):
        found.sort(key=lambda c: (c.expires, c.id))
        heading = link(f"{title}: {len(found)}", page, "calendar.md", anchor)
        out.append(f"**{heading}**\n")
        rows = [
            [
                ref(ctx.inv, "Contract", c.id, page),
                labels.contract_type(c.type),
                facts.expiry_text(c, as_of),
            ]
            for c in found[:SHOWN]
        ]
        if rows:
            out.append(table(["Contract", "Type", "Expires"], rows))
    if later and not expiring:
        first = min(later, key=lambda c: (c.expires, c.id))
        out.append(
            f"Next to expire: {ref(ctx.inv, 'Contract', first.id, page)} on {first.expires}.\n"
        )
    return "\n".join(out)


def _changed(ctx: Context, page: str) -> str:
    history = ctx.history
    assert history is not None
    changed = []
    for entity in reviewed_entities(ctx):
        state = facts.review_state(entity, ctx.record)
        last = history.last_change(ctx.inv, entity)
        if state.last is not None and last is not None and last.date > state.last:
            changed.append((last.date, entity, state.last))
    changed.sort(key=lambda item: (item[0], item[1].kind, item[1].id), reverse=True)
    heading = link(
        f"Changed after their last review: {len(changed)}", page, "calendar.md", "changed"
    )
    rows = [
        _entry_row(ctx, e, page, f"changed {day}, reviewed {reviewed}")
        for day, e, reviewed in changed[:SHOWN]
    ]
    return f"**{heading}**\n\n" + (table(["Entry", "Kind", "When"], rows) if rows else "")


def _transfers(ctx: Context, page: str) -> str:
    summary = transfer_summary(reg.transfers(ctx.record))
    rows = [
        [
            link(labels.country(c), page, "transfers.md", country_anchor(c)),
            text(m),
            link(str(n), page, "transfers.md", country_anchor(c)),
        ]
        for (c, m), n in summary.items()
    ]
    return table(["Country", "Safeguard", "Transfers"], rows, empty="No data leaves the EEA.")


def _special(ctx: Context, handling: Handling, page: str) -> str:
    """Each special kind: how many activities and systems (linked to the full lists), and
    the processors by name (the question an auditor asks first)."""
    inv = ctx.inv
    rows = []
    for kind, (activities, systems, processors) in handling.by_special().items():
        anchor = special_anchor(kind.value)
        named = sorted(processors, key=lambda i: (inv.organisations[i].label.casefold(), i))
        rows.append(
            [
                link(labels.special(kind), page, "matrices.md", anchor),
                link(str(len(activities)), page, "matrices.md", anchor),
                link(str(len(systems)), page, "matrices.md", anchor),
                some(
                    [ref(inv, "Organisation", p, page) for p in named],
                )
                or "none",
            ]
        )
    return (
        table(
            ["Special category", "Activities", "Systems", "Processors"],
            rows,
            empty="No special category (Art. 9, 10, 87) is processed.",
        )
        + "\n"
        + link("Every category by processor and by system", page, "matrices.md")
        + "\n"
    )


def _organisations(ctx: Context, page: str) -> str:
    inv = ctx.inv
    roles = reg.roles(ctx.record)
    rank = {"controller": 0, "joint controller": 1, "processor": 2, "recipient": 3}

    def order(org: Any) -> tuple:
        return (min((rank[r] for r in roles.get(org.id, ())), default=9), org.name, org.id)

    rows = []
    for org in sorted(inv.organisations.values(), key=order):
        dpo = org.dpo
        rows.append(
            [
                ref(inv, "Organisation", org.id, page),
                text(", ".join(sorted(roles.get(org.id, ())))),
                labels.country(org.country) if org.country else "",
                text(", ".join(p for p in (dpo.name, dpo.email) if p)) if dpo else "",
            ]
        )
    return "## Organisations\n\n" + table(
        ["Organisation", "Role", "Country", "Data protection officer"], rows
    )


def _numbers(ctx: Context, page: str) -> str:
    inv = ctx.inv
    rows = []
    for kind in KINDS:
        total = len(inv.by_kind[kind])
        builtin = sum(1 for e in inv.by_kind[kind] if (kind, e) in inv.builtin)
        count = str(total) + (f" ({builtin} from the default taxonomy)" if builtin else "")
        rows.append([link(PLURAL[kind], page, f"{SECTIONS[kind]}/index.md"), count])
    return "## The register in numbers\n\n" + table(["Entries", "Count"], rows)


def add_calendar(ctx: Context) -> None:
    """calendar.md: every review and every contract expiry, by date."""
    page = "calendar.md"
    as_of = ctx.result.as_of
    out = ["# Reviews and contract expiries\n"]
    out.append(
        f"As of {as_of}. An entry is due for review `review_every` after its `last_reviewed` "
        "date, or, where it records neither, after the whole register's review (`review:` in "
        "ropa.yaml) (Art. 24(1): measures are reviewed and updated where necessary); a contract "
        f"is flagged {facts.EXPIRY_HORIZON} days before it expires (DPA-007).\n"
    )
    groups: dict[str, list[tuple[Any, Any]]] = {
        "overdue": [],
        "due-soon": [],
        "later": [],
        "never-reviewed": [],
    }
    for entity in reviewed_entities(ctx):
        state = facts.review_state(entity, ctx.record)
        key = (
            "never-reviewed"
            if state.due is None
            else "overdue"
            if state.overdue(as_of)
            else "due-soon"
            if state.due_soon(as_of)
            else "later"
        )
        groups[key].append((state, entity))
    titles = {
        "overdue": "Reviews overdue",
        "due-soon": f"Reviews due within {facts.REVIEW_HORIZON} days",
        "later": "Reviews due later",
        "never-reviewed": "No review date or period recorded",
    }
    for key, found in groups.items():
        found.sort(key=lambda item: (item[0].due or as_of, item[1].kind, item[1].id))
        out.append(f"## {titles[key]} {{#{key}}}\n")
        rows = [
            [
                ref(ctx.inv, e.kind, e.id, page),
                text(SINGULAR[e.kind]),
                facts.review_text(e, ctx.record),
            ]
            for state, e in found
        ]
        out.append(table(["Entry", "Kind", "Review"], rows))
    if ctx.history is not None:
        out.append("## Changed after their last review {#changed}\n")
        rows = []
        for entity in reviewed_entities(ctx):
            state = facts.review_state(entity, ctx.record)
            last = ctx.history.last_change(ctx.inv, entity)
            if state.last is not None and last is not None and last.date > state.last:
                rows.append(
                    [
                        ref(ctx.inv, entity.kind, entity.id, page),
                        text(SINGULAR[entity.kind]),
                        f"reviewed {state.last}; changed {last.date} by {text(last.author)} "
                        f"({text(last.short)})",
                    ]
                )
        out.append(table(["Entry", "Kind", "Review and change"], rows))
    contracts = sorted(
        (c for c in ctx.inv.contracts.values() if c.expires is not None),
        key=lambda c: (c.expires, c.id),
    )
    buckets: dict[str, list[list[str]]] = {"expired": [], "expiring": [], "in-force": []}
    for contract in contracts:
        days = (contract.expires - as_of).days  # type: ignore[operator]
        key = "expired" if days < 0 else "expiring" if days <= facts.EXPIRY_HORIZON else "in-force"
        buckets[key].append(
            [
                ref(ctx.inv, "Contract", contract.id, page),
                labels.contract_type(contract.type),
                facts.expiry_text(contract, as_of),
            ]
        )
    for key, title in (
        ("expired", "Contracts expired"),
        ("expiring", f"Contracts expiring within {facts.EXPIRY_HORIZON} days"),
        ("in-force", "Contracts expiring later"),
    ):
        out.append(f"## {title} {{#{key}}}\n")
        out.append(table(["Contract", "Type", "Expires"], buckets[key]))
    ctx.site.add(page, "Reviews and contract expiries", "\n".join(out))
