"""Breach impact of one system, for Art. 33 and 34: what it held, whose data it is,
whom to notify, and where copies went.

:func:`impact` returns plain data (what `--format json` prints);
:func:`impact_markdown` writes it for the incident ticket or the DPO.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from registry.core.inventory import Inventory
from registry.lineage.trace import require


def _special(inv: Inventory, category: str) -> dict[str, str] | None:
    special = inv.special_of(category)
    return {"kind": special.value, "article": special.article} if special else None


def _category_entry(inv: Inventory, category: str) -> dict[str, Any]:
    entity = inv.categories.get(category)
    return {
        "id": category,
        "name": entity.name if entity else category,
        "special": _special(inv, category),
    }


def _contact(organisation: Any) -> dict[str, Any]:
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
    }


def impact(inv: Inventory, system_id: str, as_of: dt.date) -> dict[str, Any]:
    """What a breach of ``system_id`` exposes, as of ``as_of``."""
    import networkx as nx

    from registry.lineage.graph import SYSTEM, category_graph, lineage_graph, node_key
    from registry.rules.processors import valid_contracts

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
            retention=entry.get("retention"),
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
        entry = _contact(organisation)
        entry["activities"] = sorted(controllers[ident])
        entry["role"] = "controller" if ident in leading else "joint controller"
        if operator and operator != ident and ident in leading:
            contracts = valid_contracts(inv, ident, operator, as_of)
            entry["contract_with_operator"] = sorted(c.id for c in contracts) or None
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
                },
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
            "operator": _contact(operator_entity) if operator_entity else None,
            "operator_is_processor": bool(operator and operator not in controllers),
            "country": inv.country_of(system.id),
            "temporary": system.temporary,
            "delete_by": system.delete_by.isoformat() if system.delete_by else None,
            "deletion_overdue": bool(system.delete_by and system.delete_by < as_of),
            "encrypted_at_rest": encrypted,
            "internet_exposed": security.internet_exposed if security else None,
        },
        "as_of": as_of.isoformat(),
        "categories": categories,
        "special_categories": [c["id"] for c in categories if c["special"]],
        "data_subjects": [
            {
                "id": s,
                "name": inv.subjects[s].name if s in inv.subjects else s,
                "vulnerable": bool(inv.subjects[s].vulnerable) if s in inv.subjects else False,
            }
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

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: object) -> str:
    """Text from the YAML made inert in Markdown (and the HTML it becomes)."""
    flat = " ".join(str(text).split())
    escaped = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def _who(entry: dict[str, Any]) -> str:
    dpo = entry["dpo"]
    if dpo and (dpo.get("email") or dpo.get("name")):
        parts = [p for p in (dpo.get("name"), dpo.get("email"), dpo.get("phone")) if p]
        return "DPO: " + ", ".join(md(p) for p in parts)
    contact = entry["contact"]
    if contact and (contact.get("email") or contact.get("phone")):
        parts = [p for p in (contact.get("name"), contact.get("email"), contact.get("phone")) if p]
        return "no DPO recorded; contact: " + ", ".join(md(p) for p in parts)
    if entry["address"]:
        return "no DPO or contact recorded; address: " + md(entry["address"])
    return "**no DPO or contact recorded**"


def impact_markdown(result: dict[str, Any]) -> str:
    system = result["system"]
    out = [f"# Breach impact: {md(system['name'])} (`{system['id']}`)", ""]
    facts = []
    operator = system["operator"]
    if operator:
        role = "processor" if system["operator_is_processor"] else "controller"
        facts.append(f"run by {md(operator['name'])} ({role})")
    if system["country"]:
        facts.append(f"hosted in {system['country']}")
    if system["internet_exposed"]:
        facts.append("reachable from the internet")
    if system["temporary"]:
        facts.append(
            f"temporary store, to be deleted by {system['delete_by']}"
            if system["delete_by"]
            else "temporary store with no deletion date"
        )
    out.append("System " + ", ".join(facts) + f". Assessed as of {result['as_of']}.")
    if system["deletion_overdue"]:
        out.append("")
        out.append(
            f"**The data should have been deleted by {system['delete_by']}**: everything it "
            "still held is part of the breach (Art. 5(1)(e))."
        )
    encrypted = {True: "yes", False: "**no**", None: "**not recorded**"}[
        system["encrypted_at_rest"]
    ]
    out += ["", f"Encrypted at rest: {encrypted}.", ""]

    special = [c for c in result["categories"] if c["special"]]
    other = [c for c in result["categories"] if not c["special"]]
    out += ["## Categories of personal data held", ""]
    if not result["categories"]:
        out.append("None declared, and no flow brings any.")
    else:
        out += [
            "| category | special category | how it is here | retention here |",
            "|---|---|---|---|",
        ]
        for category in special + other:
            mark = (
                f"**{category['special']['kind'].replace('_', ' ')}** "
                f"({category['special']['article']})"
                if category["special"]
                else ""
            )
            how = ["declared in stores"] if category["declared_in_stores"] else []
            flows = category["arrives_by"]
            if len(flows) > 3:  # the JSON output lists them all
                how.append(f"{len(flows)} flows (`{flows[0]}`, `{flows[1]}`, …)")
            elif flows:
                how.append("flows " + ", ".join(f"`{f}`" for f in flows))
            out.append(
                f"| {md(category['name'])} (`{category['id']}`) | {mark} | {'; '.join(how)} | "
                f"{md(category['retention']) if category['retention'] else 'not declared'} |"
            )
    out.append("")

    out += ["## Data subjects", ""]
    if result["data_subjects"]:
        out.append(
            ", ".join(
                md(s["name"]) + (" (vulnerable)" if s["vulnerable"] else "")
                for s in result["data_subjects"]
            )
            + "."
        )
    else:
        out.append("None recorded.")
    estimate = result["estimated_subjects"]
    out.append("")
    if estimate["by_activity"]:
        out += ["| activity | estimated data subjects |", "|---|---:|"]
        for entry in estimate["by_activity"]:
            number = entry["estimated_subjects"]
            out.append(
                f"| {md(entry['name'])} (`{entry['activity']}`) | "
                f"{f'{number:,}' if number is not None else 'not estimated'} |"
            )
        out.append("")
    if estimate["total_at_most"] is not None:
        out.append(
            f"Estimated number of people affected: **up to {estimate['total_at_most']:,}** "
            "(the sum of the activities' estimates; one person may be counted in several)."
        )
    if estimate["activities_without_estimate"]:
        out.append(
            "No estimate for: "
            + ", ".join(f"`{a}`" for a in estimate["activities_without_estimate"])
            + "."
        )
    out.append("")

    controllers = result["controllers_to_notify"]
    out += [
        "## Controllers to notify",
        "",
        "Each controller notifies its supervisory authority within 72 hours of becoming aware "
        "of the breach (Art. 33(1)).",
    ]
    if system["operator_is_processor"] and operator:
        out.append(
            f"{md(operator['name'])} runs the system as processor: it must tell each controller "
            "without undue delay (Art. 33(2))."
        )
    out.append("")
    if controllers:
        out += [
            "| controller | country | whom to reach | activities | contract with operator |",
            "|---|---|---|---|---|",
        ]
        for entry in controllers:
            if entry["role"] == "joint controller":
                contract = "joint controller"
            elif "contract_with_operator" not in entry:
                contract = "runs it itself"
            elif entry["contract_with_operator"]:
                contract = ", ".join(f"`{c}`" for c in entry["contract_with_operator"])
            else:
                contract = "**none in force**"
            out.append(
                f"| {md(entry['name'])} (`{entry['id']}`) | {entry['country'] or ''} | "
                f"{_who(entry)} | {', '.join(f'`{a}`' for a in entry['activities'])} | "
                f"{contract} |"
            )
        out.append("")
        out.append(f"{len(controllers)} controller(s) to notify.")
    else:
        out.append("No activity using this system names a controller.")
    out.append("")

    out += ["## Copies downstream", ""]
    if result["downstream"]:
        out += [
            "| recipient | country | categories received | route | encrypted at rest |",
            "|---|---|---|---|---|",
        ]
        for copy in result["downstream"]:
            where = (copy["country"] or "") + (
                " (outside the EEA)" if copy["third_country"] else ""
            )
            encrypted_copy = {True: "yes", False: "**no**", None: "not recorded"}[
                copy["encrypted_at_rest"]
            ]
            if copy["kind"] != "System":
                encrypted_copy = "held by the recipient"
            out.append(
                f"| {md(copy['name'])} (`{copy['id']}`) | {where} | "
                f"{', '.join(copy['categories'])} | {' → '.join(copy['route'])} | "
                f"{encrypted_copy} |"
            )
    else:
        out.append("No declared flow takes its data further.")
    out += ["", "## Telling the data subjects", "", result["notify_subjects"], ""]
    return "\n".join(out)
