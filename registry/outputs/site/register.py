"""The Article 30 record as tables: what each limb says, derived from the inventory.

The controller record (Art. 30(1)) has one row per activity; recipients, transfers
and security measures are not typed into the activity but derived from its flows
and systems, so the register cannot drift from the lineage. Each cell is Markdown
whose links point at the evidence (the entity pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from registry.core.inventory import Inventory
from registry.core.model import Activity, Flow, Organisation, System
from registry.core.vocabulary import countries
from registry.outputs.site.markup import lines, link, source_of, table, text

CONTROLLER_COLUMNS = [
    "Activity",
    "Purposes (b)",
    "Legal basis (Art. 6)",
    "Art. 9 condition",
    "Data subjects (c)",
    "Data categories (c)",
    "Recipients (d)",
    "Transfers outside the EEA (e)",
    "Retention (f)",
    "Security measures (g)",
    "DPIA (Art. 35)",
]


@lru_cache(maxsize=1 << 16)
def _label(label: str) -> str:
    return text(label)  # the same names are linked hundreds of thousands of times


def ref(inv: Inventory, kind: str, ident: str, page: str) -> str:
    """A link to an entity's page labelled with its name; plain text if it does not exist."""
    entity = inv.by_kind.get(kind, {}).get(ident)
    if entity is None:
        return text(ident) + " *(not in the inventory)*"
    return link(_label(entity.label), page, source_of(kind, ident))


def ref_end(inv: Inventory, ident: str, page: str) -> str:
    """A flow end: a system, an organisation or a data subject."""
    for kind in ("System", "Organisation", "DataSubject"):
        if ident in inv.by_kind[kind]:
            return ref(inv, kind, ident, page)
    return text(ident) + " *(not in the inventory)*"


def words(value: object) -> str:
    """An enumeration value as words: ``public_task`` → ``public task``."""
    return str(getattr(value, "value", value)).replace("_", " ")


def joined(items: Iterable[str], sep: str = "<br>") -> str:
    return sep.join(items)


def category_ref(inv: Inventory, ident: str, page: str) -> str:
    special = inv.special_of(ident)
    mark = f" **{text(special.article)}**" if special else ""
    return ref(inv, "DataCategory", ident, page) + mark


@dataclass
class Transfer:
    flow: Flow
    country: str | None  # None: the destination's country is not documented
    needs_mechanism: bool


def transfers(inv: Inventory, flows: Iterable[Flow]) -> list[Transfer]:
    """Flows whose destination lies outside the EEA (or whose country is unknown)."""
    lists = countries()
    found = []
    for flow in flows:
        country = (flow.transfer.country if flow.transfer else None) or inv.country_of(flow.to)
        if country is None:
            if flow.transfer is not None:
                found.append(Transfer(flow, None, True))
            continue
        if lists.is_third_country(country):
            found.append(Transfer(flow, country, lists.needs_mechanism(country)))
    return found


def recipients(inv: Inventory, activity: Activity) -> list[str]:
    """Organisations other than the controllers that receive the activity's data."""
    controllers = inv.controllers_of(activity)
    found: set[str] = set()
    for flow in inv.flows_by_activity.get(activity.id, ()):
        operator = inv.operator_of(flow.to)
        if operator and operator not in controllers:
            found.add(operator)
    return sorted(found)


def security_summary(system: System) -> str:
    """The Art. 32 measures of a system in a few words."""
    sec = system.security
    if sec is None:
        return "not documented"
    words = []
    for field, yes, no in (
        ("encryption_at_rest", "encrypted at rest", "not encrypted at rest"),
        ("mfa", "MFA", "no MFA"),
        ("monitoring", "monitored", "not monitored"),
        ("alert_escalation", "alert escalation", "no alert escalation"),
        ("internet_exposed", "internet-exposed", "internal"),
        ("backups", "backups", "no backups"),
        ("access_logging", "access logging", "no access logging"),
    ):
        value = getattr(sec, field)
        if value is not None:
            words.append(yes if value else no)
    if sec.authentication is not None:
        words.append(f"{sec.authentication.value} accounts")
    words += sec.measures
    return ", ".join(words) or "not documented"


def controller_row(inv: Inventory, activity: Activity, page: str) -> list[str]:
    flows = inv.flows_by_activity.get(activity.id, [])
    name = ref(inv, "Activity", activity.id, page)
    if activity.reference:
        name += f"<br>{text(activity.reference)}"
    purposes = joined(lines(p.purpose) for p in activity.purposes)
    bases = joined(
        text(f"{words(p.legal_basis)} ({p.legal_basis.article})") if p.legal_basis else "—"
        for p in activity.purposes
    )
    art9 = (
        text(f"{words(activity.art9_condition)} ({activity.art9_condition.article})")
        if activity.art9_condition
        else ""
    )
    subjects = joined(ref(inv, "DataSubject", s, page) for s in activity.data_subjects)
    categories = joined(category_ref(inv, c, page) for c in activity.data_categories)
    recips = joined(ref(inv, "Organisation", o, page) for o in recipients(inv, activity))
    moved = joined(
        ref(inv, "Flow", t.flow.id, page)
        + ": "
        + text(t.country or "country unknown")
        + ", "
        + (
            text(f"{words(t.flow.transfer.mechanism)} ({t.flow.transfer.mechanism.article})")
            if t.flow.transfer
            else ("**no mechanism**" if t.needs_mechanism else "adequacy")
        )
        for t in transfers(inv, flows)
    )
    retention = joined(
        ref(inv, "DataCategory", r.category, page) + ": " + text(str(r)) for r in activity.retention
    )
    security = joined(
        ref(inv, "System", s, page) + ": " + text(security_summary(inv.systems[s]))
        for s in sorted(inv.systems_of(activity))
        if s in inv.systems
    )
    dpia = ""
    if activity.dpia:
        parts = [activity.dpia.reference, activity.dpia.status, activity.dpia.date]
        dpia = text(", ".join(str(p) for p in parts if p))
    return [
        name,
        purposes,
        bases,
        art9,
        subjects,
        categories,
        recips,
        moved,
        retention,
        security,
        dpia,
    ]


def contact_lines(org: Organisation) -> list[str]:
    out = []
    for label, contact in (
        ("Contact", org.contact),
        ("Data protection officer", org.dpo),
        ("Representative (Art. 27)", org.representative),
    ):
        if contact is None:
            continue
        parts = [contact.name, contact.email, contact.phone, contact.address]
        out.append(f"{label}: " + text(", ".join(p for p in parts if p)))
    if org.address:
        out.insert(0, "Address: " + text(org.address))
    return out


def controllers(inv: Inventory) -> dict[str, list[Activity]]:
    """Controller id → the activities it is (joint) controller of; '' for none."""
    result: dict[str, list[Activity]] = {}
    for ident in sorted(inv.activities):
        activity = inv.activities[ident]
        result.setdefault(activity.controller or "", []).append(activity)
    return dict(sorted(result.items()))


def controller_record(inv: Inventory, page: str, heading: str = "##") -> str:
    """Art. 30(1): one table per controller, one row per activity."""
    out = []
    for controller, activities in controllers(inv).items():
        org = inv.organisations.get(controller)
        if org is None:
            out.append(f"{heading} Activities with no controller\n")
        else:
            out.append(f"{heading} {text(org.name)}\n")
            details = [f"Controller: {ref(inv, 'Organisation', controller, page)}"]
            details += contact_lines(org)
            out.append("<br>\n".join(details) + "\n")
        rows = [controller_row(inv, a, page) for a in activities]
        out.append(table(CONTROLLER_COLUMNS, rows))
        joint = sorted({j for a in activities for j in a.joint_controllers})
        if joint:
            out.append(
                "Joint controllers: "
                + ", ".join(ref(inv, "Organisation", j, page) for j in joint)
                + "\n"
            )
    return "\n".join(out) if out else "*No activity is recorded yet.*\n"


def processors(inv: Inventory) -> dict[str, dict[str, set[str]]]:
    """Processor id → controller id → activities it processes for that controller."""
    result: dict[str, dict[str, set[str]]] = {}

    def add(processor: str, activity: Activity) -> None:
        for controller in inv.controllers_of(activity) or {""}:
            result.setdefault(processor, {}).setdefault(controller, set()).add(activity.id)

    for flow in inv.flows.values():
        processor = inv.is_processor_end(flow)
        activity = inv.activities.get(flow.activity)
        if processor and activity:
            add(processor, activity)
    for system_id, activities in inv.activities_by_system.items():
        operator = inv.systems[system_id].operator if system_id in inv.systems else None
        for activity in activities:
            if operator and operator not in inv.controllers_of(activity):
                add(operator, activity)
    return dict(sorted(result.items()))


def processor_record(inv: Inventory, page: str, heading: str = "##") -> str:
    """Art. 30(2): for each organisation acting as processor, on whose behalf it processes."""
    out = []
    for processor, by_controller in processors(inv).items():
        org = inv.organisations.get(processor)
        out.append(f"{heading} {text(org.name if org else processor)}\n")
        details = [f"Processor: {ref(inv, 'Organisation', processor, page)}"]
        if org:
            details += contact_lines(org)
        out.append("<br>\n".join(details) + "\n")
        operated = sorted(s.id for s in inv.systems.values() if s.operator == processor)
        rows = []
        for controller, activity_ids in sorted(by_controller.items()):
            acts = [inv.activities[a] for a in sorted(activity_ids)]
            flows = [f for a in acts for f in inv.flows_by_activity.get(a.id, ())]
            contracts = sorted(
                c.id
                for c in inv.contracts.values()
                if c.processor == processor and c.controller == controller
            )
            moved = [t for t in transfers(inv, flows) if inv.operator_of(t.flow.to) == processor]
            rows.append(
                [
                    ref(inv, "Organisation", controller, page) if controller else "—",
                    joined(ref(inv, "Activity", a.id, page) for a in acts),
                    joined(ref(inv, "System", s, page) for s in operated),
                    joined(
                        ref(inv, "Flow", t.flow.id, page) + ": " + text(t.country or "unknown")
                        for t in moved
                    ),
                    joined(ref(inv, "Contract", c, page) for c in contracts) or "**none**",
                    joined(
                        ref(inv, "System", s, page) + ": " + text(security_summary(inv.systems[s]))
                        for s in operated
                    ),
                ]
            )
        out.append(
            table(
                [
                    "On behalf of (controller)",
                    "Categories of processing",
                    "Systems it runs",
                    "Transfers outside the EEA",
                    "Contract (Art. 28)",
                    "Security measures",
                ],
                rows,
            )
        )
    return "\n".join(out) if out else "*No organisation acts as a processor in this inventory.*\n"
