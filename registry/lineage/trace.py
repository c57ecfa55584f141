"""Where a data category goes: every route from where it is collected to its last
recipient, with the country, operator, contract and retention at each step.

:func:`trace` returns plain data (what `--format json` prints); :func:`trace_text`
writes it for a terminal. The walking is done by :func:`registry.lineage.graph.routes`.
"""

from __future__ import annotations

from typing import Any

from registry.core.errors import CannotRun
from registry.core.inventory import Inventory
from registry.core.wording import TRANSIENT

ROUTE_LIMIT = 1_000


class UnknownEntity(CannotRun, LookupError):
    """An id that names nothing in the inventory (the message says what was meant)."""


def require(inv: Inventory, kind: str, ident: str) -> None:
    import difflib

    if ident in inv.by_kind[kind]:
        return
    hint = difflib.get_close_matches(ident, list(inv.by_kind[kind]), n=1)
    noun = {"DataCategory": "data category", "System": "system"}.get(kind, kind)
    raise UnknownEntity(
        f"no {noun} {ident!r} in the inventory" + (f"; did you mean {hint[0]!r}?" if hint else "")
    )


def _retention_here(inv: Inventory, node: dict[str, Any], category: str) -> list[str] | None:
    """The retention a system declares for the category (or its relatives) as
    ``["lab-results: P10Y", …]``; None where the step is not a system."""
    from registry.lineage.graph import related_categories

    if node["kind"] != "System":
        return None
    if node.get("transient"):
        return [TRANSIENT]  # data passes through: no retention is owed
    related = related_categories(inv, category)
    return [
        f"{stored}: {retention or 'no retention'}"
        for stored, retention in sorted(node["stores"].items())
        if stored in related
    ]


def invalid(inv: Inventory, kind: str, ident: str) -> dict[str, Any]:
    """``{"schema_errors": [...]}`` for an entity with schema errors, else nothing: it is
    shown with what validated, and its errors say where to fix it."""
    refs = inv.schema_error_refs(kind, ident)
    return {"schema_errors": refs} if refs else {}


def _step(inv: Inventory, node: dict[str, Any], category: str) -> dict[str, Any]:
    operator = inv.organisations.get(node["operator"] or "")
    return {
        "kind": node["kind"],
        "id": node["id"],
        "name": node["name"],
        "country": node["country"],
        "third_country": node["third_country"],
        "operator": {"id": operator.id, "name": operator.name} if operator else None,
        "retention": _retention_here(inv, node, category),
    } | invalid(inv, node["kind"], node["id"])


def _hop(inv: Inventory, graph: Any, u: str, v: str, flows: tuple[str, ...], category: str):
    from registry.lineage.graph import carried

    result = []
    for flow_id in flows:
        data = graph.edges[u, v, flow_id]
        result.append(
            {
                "flow": flow_id,
                "activity": data["activity"],
                "type": data["type"],
                "categories": carried(inv, data["categories"], category),
                "contract": data["contract"],
                "transfer": data["transfer"],
            }
            | invalid(inv, "Flow", flow_id)
        )
    return result


def trace(inv: Inventory, category: str, *, limit: int = ROUTE_LIMIT) -> dict[str, Any]:
    """Every route ``category`` (with its sub-categories, and flows declaring a parent of
    it) takes through the declared flows."""
    from registry.lineage.graph import (
        SYSTEM,
        lineage_graph,
        node_key,
        related_categories,
        routes,
        sub_categories,
    )

    require(inv, "DataCategory", category)
    graph = lineage_graph(inv)
    entity = inv.categories[category]
    special = inv.special_of(category)
    found, truncated = routes(graph, inv, category, limit=limit)
    related = related_categories(inv, category)
    holders = sorted(
        s.id for s in inv.systems.values() if any(x.category in related for x in s.stores)
    )
    result_routes = []
    for route in found:
        steps = []
        for index, key in enumerate(route.nodes):
            step = _step(inv, graph.nodes[key], category)
            if index:
                step["via"] = _hop(
                    inv, graph, route.nodes[index - 1], key, route.hops[index - 1], category
                )
            steps.append(step)
        result_routes.append({"steps": steps})
    on_routes = {k for r in found for k in r.nodes}
    return {
        "category": {
            "id": entity.id,
            "name": entity.name,
            "special": special.value if special else None,
            "article": special.article if special else None,
        }
        | invalid(inv, "DataCategory", entity.id),
        "sub_categories": sorted(sub_categories(inv, category) - {category}),
        "parents": list(inv.category_ancestors.get(category, ())[1:]),
        "routes": result_routes,
        "truncated": truncated,
        "stored_in": holders,
        "stored_without_flows": [h for h in holders if node_key(SYSTEM, h) not in on_routes],
    }
