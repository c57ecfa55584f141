"""What an entity page says first, in words: an "at a glance" list per kind.

A system's operator, where it is hosted and reached from, who reviews it and when; a
contract's type, parties, dates, document and Art. 28(3) clauses; an organisation's
roles and contacts; a flow's ends, contract and transfer. Read from the
:class:`~registry.core.record.Record` and the inventory, never from the raw field table,
which stays at the bottom of each page as the YAML wrote it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registry.core.contracts import PROCESSING, concluded
from registry.core.inventory import Inventory
from registry.core.model import (
    Activity,
    Contract,
    DataCategory,
    DataSubject,
    Flow,
    Organisation,
    System,
    Waiver,
    add_duration,
)
from registry.core.record import Record
from registry.core.vocabulary import Art28Clause, FlowMedium, countries
from registry.core.wording import mechanism_text
from registry.outputs.site import labels
from registry.outputs.site.markup import external, lines, link, text
from registry.outputs.site.register import category_ref, ref, ref_end, roles

# Within this many days a contract's expiry is flagged (the DPA-007 warning's horizon).
EXPIRY_HORIZON = 90
# Within this many days a review falls due on the home page.
REVIEW_HORIZON = 30


def facts(items: list[tuple[str, str]]) -> str:
    """A list of ``**label**: value`` lines; empty values are left out."""
    shown = [f"- **{label}**: {value}" for label, value in items if value]
    return "\n".join(shown) + "\n" if shown else "*Nothing recorded.*\n"


@dataclass(frozen=True)
class ReviewState:
    """When an entry was last re-read and when it falls due (Art. 24(1))."""

    last: dt.date | None
    by: str
    every: str | None
    due: dt.date | None
    register_wide: bool = False  # the date is the whole register's review, not its own

    def overdue(self, as_of: dt.date) -> bool:
        # The same test as REV-001: due strictly before the day checked.
        return self.due is not None and self.due < as_of

    def due_soon(self, as_of: dt.date, days: int = REVIEW_HORIZON) -> bool:
        return self.due is not None and as_of <= self.due <= as_of + dt.timedelta(days=days)


def review_state(entity: Activity | System | Contract, record: Record) -> ReviewState:
    """The entry's own review dates, else the whole register's (ropa.yaml `review:`)."""
    terms = record.review_terms(entity)
    due = add_duration(terms.last, terms.every) if terms.last and terms.every else None
    return ReviewState(terms.last, terms.by, terms.every, due, not terms.own_date)


def review_text(entity: Activity | System | Contract, record: Record) -> str:
    state = review_state(entity, record)
    if state.last is None and state.every is None:
        return "**never recorded** (no `last_reviewed`, no `review_every`)"
    parts = []
    if state.last is not None:
        whole = " (the whole register, ropa.yaml `review:`)" if state.register_wide else ""
        parts.append(f"last on {state.last} by {text(state.by)}{whole}")
    else:
        parts.append("**no last review recorded**")
    if state.every is not None:
        parts.append("every " + labels.duration(state.every))
    else:
        parts.append("**no review period**")
    if state.due is not None:
        if state.overdue(record.as_of):
            parts.append(f"**overdue since {state.due}**")
        else:
            parts.append(f"next due {state.due}")
    return "; ".join(parts)


def expiry_text(contract: Contract, as_of: dt.date) -> str:
    """``2030-06-30`` with its state on the day checked: expired, expiring soon, in force."""
    if contract.expires is None:
        return "no expiry date"
    days = (contract.expires - as_of).days
    if days < 0:
        return f"{contract.expires} — **expired {-days} day(s) ago**"
    if days <= EXPIRY_HORIZON:
        return f"{contract.expires} — **expires in {days} day(s)**"
    return str(contract.expires)


def countries_text(codes: tuple[str, ...] | list[str]) -> str:
    lists = countries()
    return ", ".join(
        labels.country(c) + ("" if lists.in_eea(c) else " — outside the EEA") for c in codes
    )


def system_facts(record: Record, system: System, page: str) -> str:
    inv = record.inventory
    users = sorted(inv.activities_by_system.get(system.id, []), key=lambda a: a.id)
    operator = ""
    if system.operator:
        found = set()
        for activity in users:
            entry = record.activities[activity.id]
            if system.operator in entry.controllers:
                found.add("controller")
            elif any(p.organisation == system.operator for p in entry.processors):
                found.add("processor")
            else:
                found.add("independent controller")
        role = f" ({text(', '.join(sorted(found)))})" if found else ""
        operator = ref(inv, "Organisation", system.operator, page) + role
    hosted = system.countries or inv.countries_of(system.id)
    where = countries_text(hosted)
    if hosted and not system.countries:
        where += " (its operator's country)"
    if system.regions:
        where += " · regions: " + text(", ".join(system.regions))
    temporary = ", ".join(
        part
        for part in (
            "yes" if system.temporary else "",
            f"to be deleted by {system.delete_by}" if system.delete_by else "",
        )
        if part
    )
    used = ", ".join(ref(inv, "Activity", a.id, page) for a in users)
    return facts(
        [
            ("Operator", operator or "not recorded"),
            ("Hosted in", where or "not recorded"),
            ("Reached from", countries_text(inv.access_countries(system.id))),
            ("Owner", text(system.owner or "")),
            ("Used by", used or "no activity"),
            ("Temporary", temporary),
            ("Review", review_text(system, record)),
        ]
    )


def contract_facts(record: Record, contract: Contract, page: str) -> str:
    inv = record.inventory
    parties: list[tuple[str, str]] = []
    if contract.controller:
        parties.append(("Controller", ref(inv, "Organisation", contract.controller, page)))
    if contract.processor:
        parties.append(("Processor", ref(inv, "Organisation", contract.processor, page)))
    if contract.parties:
        parties.append(
            ("Parties", ", ".join(ref(inv, "Organisation", p, page) for p in contract.parties))
        )
    made = []
    if contract.signed:
        made.append(f"signed {contract.signed}")
    if contract.accepted:
        made.append(f"accepted online {contract.accepted}")
    authorised = contract.authorised_subprocessors
    general = contract.general_authorisation
    general_text = ""
    if general is not None:
        general_text = "the processor's published list: " + external(general.published_list)
        if general.notice:
            general_text += ", notice to object " + labels.duration(general.notice)
    return facts(
        [
            ("Type", labels.contract_type(contract.type)),
            *parties,
            ("Made", ", ".join(made) or "**not signed, not accepted**"),
            ("In force from", str(concluded(contract) or "")),
            ("Expires", expiry_text(contract, record.as_of)),
            ("Document", external(contract.document) if contract.document else "**none linked**"),
            (
                "Sub-processors authorised",
                ", ".join(ref(inv, "Organisation", o, page) for o in authorised),
            ),
            ("General authorisation of sub-processors (Art. 28(2))", general_text),
            ("Review", review_text(contract, record)),
        ]
    )


def clause_rows(contract: Contract) -> list[list[str]]:
    """The eight Art. 28(3) clauses as ✓/✗ rows (only for processing contracts)."""
    if contract.type not in PROCESSING:
        return []
    rows = []
    for clause in Art28Clause:
        value = contract.art28_clauses.get(clause)
        mark = labels.UNKNOWN if value is None else labels.YES if value else labels.NO
        rows.append([labels.mark(mark), text(labels.CLAUSES[clause]), text(clause.article)])
    return rows


def scope_facts(inv: Inventory, contract: Contract, page: str) -> str:
    scope = contract.scope
    if scope is None:
        return ""
    return facts(
        [
            ("Activities", ", ".join(ref(inv, "Activity", a, page) for a in scope.activities)),
            (
                "Data categories",
                ", ".join(category_ref(inv, c, page) for c in scope.data_categories),
            ),
            (
                "Data subjects",
                ", ".join(ref(inv, "DataSubject", s, page) for s in scope.data_subjects),
            ),
        ]
    )


_TARGETS_EU = {
    None: "",
    True: "yes: offers goods or services to, or monitors, people in the Union",
    False: "no: offers no goods or services to, and monitors no one in, the Union",
}


def organisation_facts(record: Record, org: Organisation, page: str) -> str:
    def contact(value: object) -> str:
        if value is None:
            return ""
        parts = [getattr(value, n) for n in ("name", "email", "phone", "address")]
        return text(", ".join(p for p in parts if p))

    played = roles(record).get(org.id, set())
    return facts(
        [
            ("Roles in this register", text(", ".join(sorted(played))) or "none"),
            ("Country", countries_text([org.country]) if org.country else "not recorded"),
            ("Address", lines(org.address or "")),
            ("Contact", contact(org.contact)),
            ("Data protection officer", contact(org.dpo)),
            ("Representative in the Union (Art. 27)", contact(org.representative)),
            ("Targets people in the Union (Art. 3(2))", text(_TARGETS_EU[org.targets_eu])),
            ("Website", external(org.website) if org.website else ""),
            ("Public authority", "yes" if org.public_authority else ""),
            ("Keeps this record (Art. 30)", "yes" if org.keeps_record else ""),
        ]
    )


def category_facts(record: Record, category: DataCategory, page: str) -> str:
    inv = record.inventory
    special = inv.special_of(category.id)
    special_text = ""
    if special is not None:
        special_text = labels.special(special)
        if category.special is None:
            marked = next(
                a for a in inv.category_ancestors[category.id] if inv.categories[a].special
            )
            special_text += " — from " + ref(inv, "DataCategory", marked, page)
    children = sorted(c.id for c in inv.categories.values() if c.parent == category.id)
    users = sorted(
        a.id
        for a in inv.activities.values()
        if any(inv.covers([category.id], c) or inv.covers([c], category.id)
               for c in a.data_categories)
    )  # fmt: skip
    return facts(
        [
            ("Special category", special_text or "no"),
            ("Part of", ref(inv, "DataCategory", category.parent, page) if category.parent else ""),
            ("Sub-categories", ", ".join(ref(inv, "DataCategory", c, page) for c in children)),
            ("Activities", ", ".join(ref(inv, "Activity", a, page) for a in users) or "none"),
        ]
    )


def subject_facts(record: Record, subject: DataSubject, page: str) -> str:
    inv = record.inventory
    users = sorted(a.id for a in inv.activities.values() if subject.id in a.data_subjects)
    return facts(
        [
            ("Vulnerable", "yes" if subject.vulnerable else "no"),
            ("Activities", ", ".join(ref(inv, "Activity", a, page) for a in users) or "none"),
        ]
    )


def flow_facts(record: Record, flow: Flow, page: str, *, activity: bool = True) -> str:
    """A flow's facts; ``activity``: with its activity (not on that activity's page)."""
    inv = record.inventory

    def end(ident: str) -> str:
        where = inv.countries_of(ident)
        return ref_end(inv, ident, page) + (f" ({countries_text(where)})" if where else "")

    transfer = ""
    if flow.transfer is not None:
        transfer = text(" and ".join(mechanism_text(m) for m in flow.transfer.mechanisms))
        if flow.transfer.country:
            transfer += " to " + labels.country(flow.transfer.country)
        if flow.transfer.reference:
            transfer += ": " + text(flow.transfer.reference)
    role = flow.recipient_role.value.replace("_", " ") if flow.recipient_role else ""
    paper = flow.medium == FlowMedium.paper
    return facts(
        [
            ("Activity", ref(inv, "Activity", flow.activity, page) if activity else ""),
            ("From", end(flow.source)),
            ("To", end(flow.to)),
            ("Receiver acts as", text(role)),
            (
                "Data categories",
                ", ".join(category_ref(inv, c, page) for c in flow.data_categories),
            ),
            (
                "Data subjects",
                ", ".join(ref(inv, "DataSubject", s, page) for s in flow.data_subjects),
            ),
            ("Kind", text(labels.FLOW_KINDS[flow.type])),
            ("Contract", ref(inv, "Contract", flow.contract, page) if flow.contract else ""),
            ("Transfer outside the EEA", transfer),
            ("Medium", text("paper (posted or handed in)") if paper else ""),
            (
                "Encrypted in transit",
                text("does not apply (on paper)")
                if paper
                else labels.yes_no(flow.encrypted_in_transit),
            ),
            ("Procedure", external(flow.procedure) if flow.procedure else ""),
        ]
    )


def waiver_facts(record: Record, waiver: Waiver, page: str, rule: str, entity: str) -> str:
    """``rule`` and ``entity``: the rule and the waived entity, already linked."""
    expires = ""
    if waiver.expires:
        expired = waiver.expires < record.as_of
        expires = str(waiver.expires) + (" — **expired**" if expired else "")
    return facts(
        [
            ("Rule", rule),
            ("Entity", entity),
            ("Reason", lines(waiver.reason or "") or "**none given**"),
            ("Approved by", text(waiver.approved_by or "") or "**nobody**"),
            ("Expires", expires or "**no expiry**"),
            ("Listed in", link("the accepted risks", page, "findings.md", "accepted-risks")),
        ]
    )
