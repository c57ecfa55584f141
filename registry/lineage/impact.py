"""Breach impact of one system, for Art. 33 and 34: what it held, whose data it is,
whom to notify, and where copies went.

:func:`impact` returns plain data (what `--format json` prints);
:func:`impact_markdown` writes it for the incident ticket or the DPO.
"""

from __future__ import annotations

from typing import Any

from registry.core.inventory import Inventory
from registry.core.record import Record
from registry.core.wording import TRANSIENT
from registry.lineage.trace import invalid, require


def _special(inv: Inventory, category: str) -> dict[str, str] | None:
    special = inv.special_of(category)
    return {"kind": special.value, "article": special.article} if special else None


def _category_entry(inv: Inventory, category: str) -> dict[str, Any]:
    entity = inv.categories.get(category)
    return {
        "id": category,
        "name": entity.name if entity else category,
        "special": _special(inv, category),
    } | invalid(inv, "DataCategory", category)


def _contact(inv: Inventory, organisation: Any) -> dict[str, Any]:
    dpo = organisation.dpo
    contact = organisation.contact
    return {
        "id": organisation.id,
        "name": organisation.name,
        "country": organisation.country,
        "dpo": ({"name": dpo.name, "email": dpo.email, "phone": dpo.phone} if dpo else None),
        "contact": (
            {"name": contact.name, "email": contact.email, "phone": contact.phone}
            if contact
            else None
        ),
        "address": organisation.address,
    } | invalid(inv, "Organisation", organisation.id)


def impact(record: Record, system_id: str) -> dict[str, Any]:
    """What a breach of ``system_id`` exposes, as of the record's date."""
    import networkx as nx

    from registry.lineage.graph import SYSTEM, category_graph, lineage_graph, node_key

    inv, as_of = record.inventory, record.as_of
    require(inv, "System", system_id)
    graph = lineage_graph(inv)
    system = inv.systems[system_id]
    key = node_key(SYSTEM, system_id)

    # What it holds: what it declares, and what flows bring to it.
    held: dict[str, dict[str, Any]] = {}
    for stored in system.stores:
        entry = held.setdefault(stored.category, {"stored": False, "flows": []})
        entry["stored"] = True
        entry["retention"] = str(stored.retention) if stored.retention else None
    for _, _, flow_id, categories in graph.in_edges(key, keys=True, data="categories"):
        for category in categories:
            held.setdefault(category, {"stored": False, "flows": []})["flows"].append(flow_id)
    categories = []
    for category, entry in held.items():
        item = _category_entry(inv, category)
        item.update(
            declared_in_stores=entry["stored"],
            # A transient system says what happens to what passes through: nothing is kept.
            retention=TRANSIENT if system.transient else entry.get("retention"),
            arrives_by=sorted(set(entry["flows"])),
        )
        categories.append(item)
    categories.sort(key=lambda c: (c["special"] is None, c["id"]))

    # Whose data: the activities using the system, their subjects and controllers.
    activities = sorted(inv.activities_by_system.get(system_id, []), key=lambda a: a.id)
    subjects: set[str] = {s for stored in system.stores for s in stored.subjects}
    for _, _, flow_subjects in graph.in_edges(key, data="subjects"):
        subjects.update(flow_subjects)
    for activity in activities:
        subjects.update(activity.data_subjects)
    estimates = [
        {"activity": a.id, "name": a.name, "estimated_subjects": a.estimated_subjects}
        | invalid(inv, "Activity", a.id)
        for a in activities
    ]
    known = [e["estimated_subjects"] for e in estimates if e["estimated_subjects"] is not None]
    controllers: dict[str, set[str]] = {}
    leading: set[str] = set()  # controllers named as `controller` (not only joint)
    for activity in activities:
        for controller in inv.controllers_of(activity):
            controllers.setdefault(controller, set()).add(activity.id)
        if activity.controller:
            leading.add(activity.controller)
    operator = system.operator
    to_notify = []
    for ident in sorted(controllers):
        organisation = inv.organisations.get(ident)
        if organisation is None:
            continue
        entry = _contact(inv, organisation)
        entry["activities"] = sorted(controllers[ident])
        entry["role"] = "controller" if ident in leading else "joint controller"
        if operator and operator != ident and ident in leading:
            # The record's processors of these activities: the contracts in force with the
            # operator, as the register and the Art. 28 rules see them.
            contracts = {
                cover.contract.id
                for a in controllers[ident]
                for processor in record.activities[a].processors
                if processor.organisation == operator
                for cover in processor.covers
                if cover.in_force
            }
            entry["contract_with_operator"] = sorted(contracts) or None
        to_notify.append(entry)

    # Where copies went: every node each held category reaches along flows carrying it.
    downstream: dict[str, dict[str, Any]] = {}
    for category in sorted(held):
        sub = category_graph(graph, inv, category)
        if key not in sub:
            continue
        paths = nx.single_source_shortest_path(sub, key)
        for target in sorted(paths):
            if target == key:
                continue
            node = graph.nodes[target]
            entry = downstream.setdefault(
                target,
                {
                    "kind": node["kind"],
                    "id": node["id"],
                    "name": node["name"],
                    "operator": node["operator"],
                    "country": node["country"],
                    "third_country": node["third_country"],
                    "encrypted_at_rest": (node["security"] or {}).get("encryption_at_rest"),
                    "categories": [],
                    "route": [graph.nodes[n]["id"] for n in paths[target]],
                }
                | invalid(inv, node["kind"], node["id"]),
            )
            entry["categories"].append(category)
    copies = sorted(downstream.values(), key=lambda d: (len(d["route"]), d["kind"], d["id"]))

    security = system.security
    encrypted = security.encryption_at_rest if security else None
    operator_entity = inv.organisations.get(operator or "")
    return {
        "system": {
            "id": system.id,
            "name": system.name,
            "operator": _contact(inv, operator_entity) if operator_entity else None,
            "operator_is_processor": bool(operator and operator not in controllers),
            "country": inv.country_of(system.id),
            "temporary": system.temporary,
            "delete_by": system.delete_by.isoformat() if system.delete_by else None,
            "deletion_overdue": bool(system.delete_by and system.delete_by < as_of),
            "encrypted_at_rest": encrypted,
            "internet_exposed": security.internet_exposed if security else None,
        }
        | invalid(inv, "System", system.id),
        "as_of": as_of.isoformat(),
        "categories": categories,
        "special_categories": [c["id"] for c in categories if c["special"]],
        "data_subjects": [
            {
                "id": s,
                "name": inv.subjects[s].name if s in inv.subjects else s,
                "vulnerable": bool(inv.subjects[s].vulnerable) if s in inv.subjects else False,
            }
            | invalid(inv, "DataSubject", s)
            for s in sorted(subjects)
        ],
        "estimated_subjects": {
            "by_activity": estimates,
            "total_at_most": sum(known) if known else None,
            "activities_without_estimate": [
                e["activity"] for e in estimates if e["estimated_subjects"] is None
            ],
        },
        "controllers_to_notify": to_notify,
        "downstream": copies,
        "notify_subjects": _subjects_notice(encrypted, categories),
    }


def _subjects_notice(encrypted: bool | None, categories: list[dict[str, Any]]) -> str:
    if encrypted:
        return (
            "The data was encrypted at rest: if the keys were not compromised, Art. 34(3)(a) "
            "may waive telling the data subjects. Record the reasoning in the breach register "
            "(Art. 33(5))."
        )
    special = any(c["special"] for c in categories)
    state = "not encrypted at rest" if encrypted is False else "not recorded as encrypted at rest"
    return f"The data was {state}, so Art. 34(3)(a) does not apply" + (
        ": with special categories exposed, a high risk to the data subjects is likely and "
        "they must be told without undue delay (Art. 34(1))."
        if special
        else "; tell the data subjects without undue delay if the breach is likely to "
        "result in a high risk to them (Art. 34(1))."
    )


# --- Markdown ----------------------------------------------------------------------------
