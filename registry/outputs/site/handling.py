"""Which systems and which processors handle which data categories.

Read off the record and the inventory once per build: a system handles a category it
declares in `stores:` (it keeps it) or that a flow carries in or out of it (it passes
through); a processor handles what the systems it runs for its controllers handle, and
what flows hand it directly (:attr:`registry.core.record.Record.processors`). The home
page's special categories and the matrices page read this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from registry.core.inventory import Inventory
from registry.core.record import Record
from registry.core.vocabulary import SpecialCategory

STORED, CARRIED = "stored", "carried"


@dataclass
class Handling:
    record: Record
    # system id → category id → STORED (declared in `stores:`) or CARRIED (by a flow only)
    systems: dict[str, dict[str, str]] = field(default_factory=dict)
    # processor id → category id → the systems (ids) through which, '' for a direct flow
    processors: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, record: Record) -> Handling:
        inv = record.inventory
        found = cls(record)
        for system in inv.systems.values():
            held = found.systems.setdefault(system.id, {})
            for stored in system.stores:
                held[stored.category] = STORED
        for flow in inv.flows.values():
            for end in (flow.source, flow.to):
                if end in inv.systems:
                    held = found.systems[end]
                    for category in flow.data_categories:
                        held.setdefault(category, CARRIED)
        for processor, entry in record.processors.items():
            held_by = found.processors.setdefault(processor, {})
            for served in entry.served:
                for system in served.systems:
                    for category in found.systems.get(system.id, {}):
                        held_by.setdefault(category, set()).add(system.id)
                for activity in served.activities:
                    for flow in inv.flows_by_activity.get(activity.id, ()):
                        if inv.is_processor_end(flow) == processor and flow.to not in inv.systems:
                            for category in flow.data_categories:
                                held_by.setdefault(category, set()).add("")
        return found

    @property
    def inventory(self) -> Inventory:
        return self.record.inventory

    @cached_property
    def categories(self) -> list[str]:
        """Every category an activity, a system or a processor handles, special first."""
        inv = self.inventory
        used = {c for a in inv.activities.values() for c in a.data_categories}
        used |= {c for held in self.systems.values() for c in held}
        used |= {c for held in self.processors.values() for c in held}
        return sorted((c for c in used if c in inv.categories), key=self.order)

    def order(self, category: str) -> tuple:
        """Special categories first, in the order of the GDPR's list, then by name."""
        inv = self.inventory
        special = inv.special_of(category)
        rank = list(SpecialCategory).index(special) if special is not None else len(SpecialCategory)
        return (rank, inv.categories[category].label.casefold(), category)

    def by_special(self) -> dict[SpecialCategory, tuple[set[str], set[str], set[str]]]:
        """Each special kind processed → (activities, systems, processors) handling it."""
        inv = self.inventory
        found: dict[SpecialCategory, tuple[set[str], set[str], set[str]]] = {}

        def add(category: str, slot: int, ident: str) -> None:
            kind = inv.special_of(category)
            if kind is not None:
                found.setdefault(kind, (set(), set(), set()))[slot].add(ident)

        for activity in inv.activities.values():
            for category in activity.data_categories:
                add(category, 0, activity.id)
        for system, held in self.systems.items():
            for category in held:
                add(category, 1, system)
        for processor, held_by in self.processors.items():
            for category in held_by:
                add(category, 2, processor)
        return dict(sorted(found.items(), key=lambda item: list(SpecialCategory).index(item[0])))
