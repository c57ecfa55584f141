"""The controller record as cards: one per processing activity, readable on screen and paper.

Each card gives the Art. 30(1) items in the order of the CNIL's "fiche de registre"
(the order :mod:`registry.outputs.export.cnil` writes): description, actors (controller,
DPO, representative, joint controllers with their arrangement), purposes with their
lawful basis, data subjects, data categories each with its retention, the conditions
for special data, recipients and processors with their contracts, transfers with
their safeguards, security measures; then the DPIA, the rights, every document that
evidences the entry, its review and its findings. Activities come in the order of
their reference (RT-2 before RT-10). A compact table lists them first, one line each.

The cells are :func:`registry.outputs.site.register.controller_row`'s, the same the
exports are checked against; this module only arranges them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract
from registry.core.record import ActivityRecord, Record
from registry.core.vocabulary import ContractType
from registry.core.wording import BASIS_WORDS, DPIA_STATUS_WORDS, basis_text
from registry.outputs.site import facts, labels
from registry.outputs.site import register as reg
from registry.outputs.site.history import History
from registry.outputs.site.markup import external, lines, link, source_of, table, text
from registry.outputs.site.register import category_ref, country_anchor, joined, ref

_NUMBER = re.compile(r"(\d+)")


def order_key(activity: Activity) -> tuple:
    """By reference in natural order (RT-2 before RT-10), then name; unreferenced last."""
    reference = activity.reference or ""
    natural = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NUMBER.split(reference)
        if part
    )
    return (not reference, natural, activity.name.casefold(), activity.id)


def anchor(ident: str) -> str:
    """The anchor of an activity's card on the register page."""
    return "activity-" + ident


def card_title(activity: Activity) -> str:
    return text((f"{activity.reference} · " if activity.reference else "") + activity.label)


def arrangements(record: Record, entry: ActivityRecord) -> list[Contract]:
    """The joint-controller arrangements between the activity's controller and a joint one."""
    inv = record.inventory
    controller = entry.activity.controller
    found = []
    for contract in sorted(inv.contracts.values(), key=lambda c: c.id):
        if contract.type is not ContractType.joint_controller_arrangement:
            continue
        sides = {*contract.parties, *([contract.controller] if contract.controller else [])}
        if controller in sides and sides & set(entry.activity.joint_controllers):
            found.append(contract)
    return found


def _document(contract: Contract, page: str, inv: Inventory) -> str:
    linked = ref(inv, "Contract", contract.id, page)
    return linked + (f" · {external(contract.document)}" if contract.document else "")


def evidence(record: Record, entry: ActivityRecord, page: str) -> list[str]:
    """Every document behind the entry, each linked: contracts (with their files), the
    DPIA, the legitimate interests assessments, the procedures of its flows."""
    inv = record.inventory
    activity = entry.activity
    found: list[str] = []
    seen: set[str] = set()

    def contract_line(contract: Contract) -> None:
        if contract.id not in seen:
            seen.add(contract.id)
            found.append(
                text(labels.CONTRACT_TYPES[contract.type].capitalize())
                + ": "
                + _document(contract, page, inv)
            )

    for processor in entry.processors:
        for cover in processor.covers:
            contract_line(cover.contract)
            if cover.authorised_by is not None:
                contract_line(cover.authorised_by)
    for contract in arrangements(record, entry):
        contract_line(contract)
    for transfer in entry.transfers:
        if transfer.organisation:
            for contract in inv.contracts.values():
                sides = {contract.controller, contract.processor, *contract.parties}
                if (
                    contract.type is ContractType.sccs
                    and transfer.organisation in sides
                    and entry.controllers & sides
                ):
                    contract_line(contract)
    if activity.dpia is not None:
        dpia = activity.dpia
        what = text(dpia.reference or "DPIA")
        found.append(
            "DPIA (Art. 35): "
            + what
            + (" · " + external(dpia.link) if dpia.link else " (**no document linked**)")
        )
    for purpose in activity.purposes:
        if purpose.lia:
            found.append("Legitimate interests assessment: " + external(purpose.lia))
    for flow in entry.flows:
        if flow.procedure:
            found.append(
                f"Procedure of {ref(inv, 'Flow', flow.id, page)}: {external(flow.procedure)}"
            )
    return found


def _purposes(activity: Activity) -> str:
    out = []
    for purpose in activity.purposes:
        basis = (
            text(basis_text(purpose.legal_basis, purpose.law))
            if purpose.legal_basis
            else "**no lawful basis**"
        )
        line = lines(purpose.purpose) + " — *" + basis + "*"
        if purpose.legitimate_interests:
            line += ": " + text(purpose.legitimate_interests)
        out.append(line)
    return joined(out) or "**none stated**"


def _retention_rows(record: Record, activity: Activity, page: str) -> list[tuple[str, str]]:
    """Each data category with the retention that covers it (its own, or a parent's)."""
    inv = record.inventory
    rows = []
    for category in activity.data_categories:
        own = [r for r in activity.retention if r.category == category]
        covering = [r for r in activity.retention if inv.covers([r.category], category)]
        found = (own or covering or [None])[0]
        if found is None:
            value = "retention **not set**"
        else:
            value = labels.retention(found)
            if found.category != category:
                value += " (set for " + ref(inv, "DataCategory", found.category, page) + ")"
        rows.append((category_ref(inv, category, page), value))
    return rows


def card_rows(
    record: Record, entry: ActivityRecord, page: str, history: History | None = None
) -> list[tuple[str, str]]:
    """The card's (item, entry) rows, in the CNIL fiche's order."""
    inv = record.inventory
    activity = entry.activity
    cells = dict(zip(reg.CONTROLLER_COLUMNS, reg.controller_row(record, entry, page), strict=True))
    org = inv.organisations.get(activity.controller or "")
    rows: list[tuple[str, str]] = [
        ("Reference", text(activity.reference or "")),
        ("Business function", text(activity.business_function or "")),
        ("Description", lines(activity.description or "")),
        ("Created", str(activity.created or "")),
        (
            "Controller (a)",
            # its contacts head the controller's record, and its own page
            ref(inv, "Organisation", activity.controller, page)
            + (f" ({text(org.dpo.email or org.dpo.name or '')}, DPO)" if org.dpo else "")
            if activity.controller and org is not None
            else "**none named**",
        ),
    ]
    joint = [ref(inv, "Organisation", j, page) for j in activity.joint_controllers]
    if joint:
        made = arrangements(record, entry)
        rows.append(
            (
                "Joint controllers (Art. 26)",
                ", ".join(joint)
                + "<br>Arrangement: "
                + (", ".join(_document(c, page, inv) for c in made) or "**none recorded**"),
            )
        )
    rows += [
        ("Purposes and lawful bases (b)", _purposes(activity)),
        ("Data subjects (c)", cells["Data subjects (c)"] or "**none named**"),
    ]
    if activity.estimated_subjects is not None:
        rows.append(("Number of data subjects", f"about {activity.estimated_subjects:,}"))
    if activity.source:
        rows.append(("Source of the data", lines(activity.source)))
    category_rows = _retention_rows(record, activity, page)
    rows.append(
        (
            "Data categories (c) and their retention (f)",
            joined(f"{c}: {r}" for c, r in category_rows) or "**none named**",
        )
    )
    conditions = cells["Conditions (Art. 9, 10, 87)"]
    if conditions:
        rows.append(("Conditions for special data (Art. 9, 10, 87)", conditions))
    rows += [
        ("Recipients (d)", cells["Recipients (d)"] or "none derived from its flows"),
        ("Processors and contracts (Art. 28)", cells["Processors and contracts (Art. 28)"]),
        (
            "Transfers outside the EEA (e)",
            joined(
                reg.safeguard_cell(inv, t, page)
                + (
                    "<br>Evidence: " + evidence_text
                    if (evidence_text := reg.transfer_evidence(record, entry, t, page))
                    else ""
                )
                for t in entry.transfers
            )
            or "none",
        ),
        ("Security measures (g)", cells["Security measures (g)"] or "**no system described**"),
        ("DPIA (Art. 35)", cells["DPIA (Art. 35)"] or "none recorded"),
    ]
    if activity.automated_decisions:
        rows.append(("Automated decisions (Art. 22)", lines(activity.automated_decisions)))
    rows.append(("Rights of the data subjects", text("; ".join(entry.rights))))
    rows.append(("Evidence", joined(evidence(record, entry, page))))
    review = facts.review_text(activity, record)
    reviewed = facts.review_state(activity, record).last
    if history is not None and reviewed is not None:
        last = history.last_change(inv, activity)
        if last is not None and last.date > reviewed:
            review += f"; **changed since, on {last.date}**"
    rows.append(("Review", review))
    return [(label, value) for label, value in rows if value]


def card(
    record: Record,
    entry: ActivityRecord,
    page: str,
    findings: int = 0,
    *,
    heading: str = "###",
    history: History | None = None,
) -> str:
    """One activity's card: a heading (its anchor on the page), a line of links, the table."""
    activity = entry.activity
    target = source_of("Activity", activity.id)
    links = [link("its page", page, target)]
    links.append(
        link(f"{findings} open finding(s)", page, target, "findings") if findings else "no finding"
    )
    rows = [[label, value] for label, value in card_rows(record, entry, page, history)]
    body = table(["Item (Art. 30(1))", "Entry"], rows)
    return (
        f'<section class="ropa-card ropa-entry" markdown="1">\n\n'
        f"{heading} {card_title(activity)} {{#{anchor(activity.id)}}}\n\n"
        f"{' · '.join(links)}\n{{.ropa-card-links}}\n\n{body}\n</section>\n"
    )


def _short(value: str, limit: int = 90) -> str:
    """The first ``limit`` characters, cut at a word."""
    flat = " ".join(value.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def compact_table(
    record: Record, entries: Iterable[ActivityRecord], page: str, findings: dict[str, int]
) -> str:
    """One line per activity, each leading to its card."""
    inv = record.inventory
    rows = []
    for entry in entries:
        activity = entry.activity
        purposes = activity.purposes
        purpose = _short(purposes[0].purpose) if purposes else "**none**"
        if len(purposes) > 1:
            purpose += f" (+{len(purposes) - 1})"
        bases = sorted({BASIS_WORDS[p.legal_basis] for p in purposes if p.legal_basis})
        special = sorted(
            {
                labels.SPECIAL[kind]
                for c in activity.data_categories
                if (kind := inv.special_of(c)) is not None
            }
        )
        countries = sorted({t.country for t in entry.transfers})
        dpia = activity.dpia
        state = facts.review_state(activity, record)
        review = (
            "not recorded"
            if state.due is None
            else f"**overdue since {state.due}**"
            if state.overdue(record.as_of)
            else f"due {state.due}"
        )
        count = findings.get(activity.id, 0)
        rows.append(
            [
                link(card_title(activity), page, page, anchor(activity.id)),
                text(purpose),
                text(", ".join(bases)) or "**none**",
                text(", ".join(special)),
                ", ".join(ref(inv, "Organisation", p.organisation, page) for p in entry.processors),
                ", ".join(
                    link(text(c), page, "transfers.md", country_anchor(c)) for c in countries
                ),
                text(DPIA_STATUS_WORDS.get(dpia.status or "", "recorded")) if dpia else "",
                review,
                link(str(count), page, source_of("Activity", activity.id), "findings")
                if count
                else "0",
            ]
        )
    return table(
        [
            "Activity",
            "Main purpose (b)",
            "Lawful bases",
            "Special data",
            "Processors",
            "Outside the EEA",
            "DPIA",
            "Review",
            "Findings",
        ],
        rows,
    )


def controller_record(
    record: Record,
    page: str,
    findings: dict[str, int],
    *,
    heading: str = "##",
    history: History | None = None,
) -> str:
    """Art. 30(1): for each controller, its identity, the compact table, then the cards."""
    inv = record.inventory
    out = []
    for controller, entries in reg.controllers(record).items():
        entries = sorted(entries, key=lambda e: order_key(e.activity))
        org = inv.organisations.get(controller)
        if org is None:
            out.append(f"{heading} Activities with no controller\n")
        else:
            out.append(f"{heading} {text(org.name)}\n")
            details = [f"Controller: {ref(inv, 'Organisation', controller, page)}"]
            details += reg.contact_lines(org)
            out.append("<br>\n".join(details) + "\n")
        out.append('<div class="ropa-compact" markdown="1">\n')
        out.append(compact_table(record, entries, page, findings))
        out.append("</div>\n")
        sub = heading + "#"
        for entry in entries:
            out.append(
                card(
                    record,
                    entry,
                    page,
                    findings.get(entry.id, 0),
                    heading=sub,
                    history=history,
                )
            )
    return "\n".join(out) if out else "*No activity is recorded yet.*\n"
