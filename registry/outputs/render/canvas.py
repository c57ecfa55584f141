"""What every part of one drawing reads: the inventory, its lineage graph, how to link
an entity's page, and the role each organisation plays in the register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from registry.core.inventory import Inventory
from registry.core.vocabulary import ContractType
from registry.outputs.render.labels import dot_text

if TYPE_CHECKING:
    import networkx as nx

UrlFor = Callable[[str, str], str]
_ROLES = "_ropa_organisation_roles"  # where an inventory keeps its organisations' roles


def organisation_roles(inv: Inventory) -> dict[str, str]:
    """Each organisation's role in the register: controller, processor, both, recipient."""
    controllers = {c for a in inv.activities.values() for c in inv.controllers_of(a)}
    processors = {
        c.processor
        for c in inv.contracts.values()
        if c.processor and c.type in (ContractType.dpa, ContractType.sub_processing)
    }
    processors |= {p for f in inv.flows.values() if (p := inv.is_processor_end(f))}
    receives_as: dict[str, set[str]] = {}
    for flow in inv.flows.values():
        if flow.to in inv.organisations and flow.recipient_role:
            receives_as.setdefault(flow.to, set()).add(flow.recipient_role.value)
    roles = {}
    for ident in inv.organisations:
        if ident in controllers and ident in processors:
            roles[ident] = "controller and processor"
        elif ident in controllers:
            roles[ident] = "controller"
        elif ident in processors:
            roles[ident] = "processor"
        elif receives_as.get(ident) == {"joint_controller"}:
            roles[ident] = "recipient (joint controller)"
        elif receives_as.get(ident) == {"controller"}:
            roles[ident] = "recipient (independent controller)"
        else:
            roles[ident] = "recipient"
    return roles


@dataclass
class Canvas:
    """One drawing's inventory and graph; ``url_for(kind, id)`` links an entity's page."""

    inv: Inventory
    graph: nx.MultiDiGraph
    url_for: UrlFor
    roles: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        # Shared by every drawing of this inventory: a site draws thousands of views.
        self.roles = vars(self.inv).get(_ROLES)
        if self.roles is None:
            self.roles = vars(self.inv)[_ROLES] = organisation_roles(self.inv)

    def url(self, kind: str, ident: str) -> str:
        """The link of an entity's page, as a quoted DOT string."""
        return dot_text(self.url_for(kind, ident))

    def role(self, ident: str) -> str:
        """An organisation's role; one the register does not name only receives data."""
        return self.roles.get(ident, "recipient")
