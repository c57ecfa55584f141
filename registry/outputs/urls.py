"""Where each entity's page lives on the site, relative to the site root.

Built from kinds and ids only (ids are kebab-case, so URL-safe): never from YAML
text, so no `javascript:` link can reach a diagram or a page.

A flow has no page of its own: it is a section of its activity's page (the activity is
the processing it serves, and the register's entry for that activity lists it), or of
the flows' index when its activity is not in the inventory. At 10,000 flows, pages of
their own were 70 % of the site's pages and a third of its size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.core.inventory import Inventory

SECTIONS = {
    "Organisation": "organisations",
    "DataCategory": "categories",
    "DataSubject": "subjects",
    "System": "systems",
    "Activity": "activities",
    "Flow": "flows",
    "Contract": "contracts",
    "Waiver": "waivers",
}


def entity_path(kind: str, ident: str) -> str:
    """Site-relative directory URL of an entity page, e.g. ``systems/lis-prod/``."""
    return f"{SECTIONS[kind]}/{ident}/"


def flow_anchor(ident: str) -> str:
    """The id of a flow's section on the page that holds it."""
    return f"flow-{ident}"


def flow_home(inv: Inventory, ident: str) -> str | None:
    """The activity whose page holds flow ``ident``'s section; None when the activity
    is not in the inventory (the flows' index holds it)."""
    activity = getattr(inv.flows.get(ident), "activity", None)
    return activity if activity is not None and activity in inv.activities else None


def entity_url(inv: Inventory, kind: str, ident: str) -> str:
    """Site-relative URL of an entity: its page, or for a flow its section's anchor."""
    if kind != "Flow":
        return entity_path(kind, ident)
    activity = flow_home(inv, ident)
    page = entity_path("Activity", activity) if activity else f"{SECTIONS['Flow']}/"
    return f"{page}#{flow_anchor(ident)}"


def url_maker(inv: Inventory, prefix: str = "") -> Callable[[str, str], str]:
    """``url_for(kind, ident)`` for a drawing of ``inv``, each URL after ``prefix``."""
    return lambda kind, ident: prefix + entity_url(inv, kind, ident)
