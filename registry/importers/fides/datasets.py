"""Datasets → what the systems referencing them store (their categories and retention),
and the `user` placeholder narrowed to what those datasets hold."""

from __future__ import annotations

from typing import Any

from registry.core.loader import LocatedMap
from registry.importers import fideslang
from registry.importers.draft import Interpretation
from registry.importers.fides.base import SCHEMA, contact_of
from registry.importers.fides.purposes import Purposes
from registry.importers.text import read_retention


class Datasets(Purposes):
    """What systems store, from the datasets they reference."""

    def dataset(self, node: LocatedMap) -> None:
        key = node["fides_key"]
        holders = self.holders.get(key) or []
        if not holders:  # referenced by no system: a store of its own
            ident = self.draft.add(
                "System",
                {
                    "id": self.draft.new_id("System", key),
                    "name": str(node.get("name") or key),
                    "identifiers": [key],
                    "operator": self.owner_of(node),
                },
                self.at(node, "fides_key"),
            )
            self.owner[ident] = self.draft.entities[("System", ident)]["operator"]
            holders = [ident]
            self.holders[key] = holders
            self.to(node, "name", f"System {ident}.name")
            if isinstance(node.get("description"), str) and node["description"].strip():
                self.draft.entities[("System", ident)]["description"] = node["description"]
                self.to(node, "description", f"System {ident}.description")
        else:
            names = ", ".join(holders)
            for k in ("name", "description"):
                self.skip(
                    node,
                    k,
                    f"the dataset is recorded as what {names} store"
                    f"{'s' if len(holders) == 1 else ''} (its key among the identifiers)",
                    quiet=True,
                )
            if "organization_fides_key" in node:
                self.to(node, "organization_fides_key", f"System {holders[0]}.operator")
        for system in holders:
            entry = self.draft.entities[("System", system)]
            if key not in entry.setdefault("identifiers", []):
                entry["identifiers"].append(key)
            self.to(node, "fides_key", f"System {system}.identifiers")
        retention = self._dataset_retention(node, holders)
        self._dataset_key = key
        self._walk_dataset(node, holders, retention, "dataset")
        self._dataset_extras(node, holders)
        self._defaults(node)

    def _dataset_retention(self, node: LocatedMap, holders: list[str]) -> dict | None:
        text = node.get("retention")
        if not isinstance(text, str) or not text.strip():
            return None
        where = self.at(node, "retention")
        found = read_retention(text)
        if found is None:
            self.not_placed(where, "not a retention ropa can read (a period, until <event>…)")
            return None
        retention, meaning = found
        for system in holders:
            self.draft.mapped(where, f"System {system}.stores", meaning)
        return retention.model_dump(exclude_none=True)

    def _walk_dataset(
        self, node: LocatedMap, holders: list[str], retention: dict | None, level: str
    ) -> None:
        for key, where in self.strings(node, "data_categories"):
            ident = self.category(key, where)
            if ident is None:
                self.not_personal(key, where)
                continue
            found = self.dataset_categories.setdefault(self._dataset_key, [])
            if ident not in found:
                found.append(ident)
            for system in holders:
                stores = self.draft.entities[("System", system)].setdefault("stores", [])
                if all(s["category"] != ident for s in stores):
                    item: dict[str, Any] = {"category": ident}
                    if retention is not None:
                        item["retention"] = retention
                    stores.append(item)
                self.draft.mapped(where, f"System {system}.stores")
        for key in ("name", "description"):
            if level != "dataset":
                self.skip(node, key, SCHEMA, quiet=True)
        for key in ("fidesops_meta", "fides_meta"):
            self.skip(
                node,
                key,
                "Fides privacy-request settings (how to find and erase the data)",
                quiet=True,
            )
        self._qualifier(node)
        if level != "dataset" and "retention" in node:
            self.skip(
                node,
                "retention",
                "a retention on one table or column: give it on the system's stores",
            )
        for key in ("collections", "fields"):
            for child in node.get(key) or []:
                if isinstance(child, LocatedMap):
                    self._walk_dataset(child, holders, retention, key)

    def _dataset_extras(self, node: LocatedMap, holders: list[str]) -> None:
        """1.x datasets carried a joint controller and third-country transfers too."""
        contact = contact_of(node.get("joint_controller"))
        if contact and contact.get("name"):
            party = self._party(contact, self.at(node, "joint_controller"))
            for system in holders:
                for activity in self.activities.get(system, []):
                    entry = self.draft.entities[("Activity", activity)]
                    if party != entry.get("controller") and party not in entry["joint_controllers"]:
                        entry["joint_controllers"].append(party)
                    self.to(node, "joint_controller", f"Activity {activity}.joint_controllers")
        self.skip(node, "joint_controller", "no activity uses the systems holding this dataset")
        for system in holders:
            self.third_countries(node, system)

    def narrow_user(self) -> None:
        """`user` (any data about the user), or no category at all → what the
        declaration's datasets (else the system's) hold."""
        for activity, (datasets, where) in self.wants_user.items():
            entry = self.draft.entities[("Activity", activity)]
            system = entry["systems"][0]
            pool = set(datasets) or {k for k, held in self.holders.items() if system in held}
            held: list[str] = []
            for key in pool:
                for category in self.dataset_categories.get(key, []):
                    if category != fideslang.ANY_USER_DATA.id and category not in held:
                        held.append(category)
            categories = entry["data_categories"]
            placeholder = fideslang.ANY_USER_DATA.id in categories
            if not held:
                if placeholder:
                    self.draft.todo.append(
                        f"activities/{activity}.yaml names `user` (any data about the user): "
                        f"replace the category {fideslang.ANY_USER_DATA.id} with the data it "
                        "really processes."
                    )
                continue
            if placeholder:
                index = categories.index(fideslang.ANY_USER_DATA.id)
                categories[index : index + 1] = [c for c in held if c not in categories]
                why = "`user` narrowed to what its datasets hold"
            else:
                categories.extend(held)
                why = "the declaration names no category: those its datasets hold"
            self.draft.interpretations.append(
                Interpretation(where, "", f"activity {activity}: {why}: {', '.join(held)}")
            )
