"""Flows: egress and ingress, data uses' recipients, what vendors receive (with draft
DPAs), and the transfers out of the EEA."""

from __future__ import annotations

from typing import Any

from registry.core.loader import LocatedList, LocatedMap
from registry.importers import fideslang
from registry.importers.draft import Interpretation
from registry.importers.fides.systems import Systems
from registry.importers.spreadsheet import country_code


class Flows(Systems):
    """Flows between systems, vendors and recipients, and their transfers."""

    def flow(
        self,
        activity: str,
        source: str,
        target: str,
        categories: list[str] | None,
        where: str,
        inferred: str | None = None,
    ) -> str | None:
        key = (activity, source, target)
        if source == target:
            return None
        if key in self.flows:
            return self.flows[key]
        if categories is None:
            categories = self.draft.entities[("Activity", activity)]["data_categories"]
            inferred = (inferred + "; " if inferred else "") + "its categories are the activity's"
        data: dict[str, Any] = {
            "id": self.draft.new_id("Flow", f"{source}-to-{target}"),
            "activity": activity,
            "from": source,
            "to": target,
            "data_categories": list(categories),
        }
        if inferred:
            data["description"] = f"Inferred by `ropa import fides`: {inferred}."
        ident = self.draft.add("Flow", data, where)
        self.flows[key] = ident
        if inferred:
            self.draft.interpretations.append(
                Interpretation(where, "", f"flow {ident} ({source} → {target}): {inferred}")
            )
        return ident

    def holds(self, system: str) -> list[str]:
        """Every category a system stores or its activities process."""
        found: list[str] = [
            s["category"] for s in self.draft.entities[("System", system)].get("stores", [])
        ]
        for activity in self.activities.get(system, []):
            for category in self.draft.entities[("Activity", activity)]["data_categories"]:
                if category not in found:
                    found.append(category)
        return found

    def shared(self, left: list[str], right: list[str]) -> list[str]:
        """Categories both ends hold: the more specific of two related ones."""
        result: list[str] = []
        for a in left:
            for b in right:
                if a in self.chain(b):
                    pick = b
                elif b in self.chain(a):
                    pick = a
                else:
                    continue
                if pick not in result:
                    result.append(pick)
        # A category whose parent moves too adds nothing (the parent covers it).
        return [c for c in result if not any(p in result for p in self.chain(c)[1:])]

    def covered(self, category: str, by: list[str]) -> bool:
        return any(c in by for c in self.chain(category))

    def edges(self, system_key: str, node: LocatedMap) -> None:
        """System-level (and 2.x declaration-level) egress and ingress → flows."""
        here = self.systems[system_key]
        for direction in ("egress", "ingress"):
            items = node.get(direction)
            if not isinstance(items, LocatedList):
                continue
            for index, edge in enumerate(items):
                if isinstance(edge, str):  # 2.x declaration-level: bare keys
                    other_key, kind, given, where = edge, "system", None, self.at_item(items, index)
                    wheres = [where]
                elif isinstance(edge, LocatedMap) and isinstance(edge.get("fides_key"), str):
                    other_key = edge["fides_key"]
                    kind = str(edge.get("type", "system"))
                    where = self.at(edge, "fides_key")
                    wheres = list(self.leaves(edge))
                    given = None
                    if isinstance(edge.get("data_categories"), LocatedList):
                        given = self.categories_in(edge, "data_categories") or None
                else:
                    bad = [self.at_item(items, index)] if not edge else list(self.leaves(edge))
                    for w in bad:
                        self.not_placed(w, f"{direction} entry without a fides_key")
                    continue
                if kind == "user" or other_key == "user":
                    self._user_edge(system_key, direction, given, wheres)
                    continue
                other = self.systems.get(other_key) or (self.holders.get(other_key) or [None])[0]
                if other is None and other_key in self.skipped:
                    for w in wheres:
                        self.not_placed(
                            w, f"{other_key} declares no personal data: no flow", quiet=True
                        )
                    continue
                if other is None:
                    for w in wheres:
                        self.not_placed(w, f"{direction}: no system or dataset {other_key!r}")
                    continue
                source, target = (here, other) if direction == "egress" else (other, here)
                self._edge_flow(source, target, given, wheres, direction)

    def _edge_flow(
        self, source: str, target: str, given: list[str] | None, wheres: list[str], direction: str
    ) -> None:
        ends = [target, source] if target in self.vendor else [source, target]
        candidates = [a for end in ends for a in self.activities.get(end, [])]
        if not candidates:
            for w in wheres:
                self.not_placed(
                    w, f"{direction}: neither system has a privacy declaration to attach it to"
                )
            return
        inferred = None
        wanted = given if given is not None else self.shared(self.holds(source), self.holds(target))

        # The activity declaring most of what moves (SCP-001 judges the flow against it).
        def score(activity: str) -> int:
            declared = self.draft.entities[("Activity", activity)]["data_categories"]
            return sum(self.covered(c, declared) for c in wanted)

        activity = max(candidates, key=lambda a: (score(a), -candidates.index(a)))
        declared = self.draft.entities[("Activity", activity)]["data_categories"]
        if given is None:
            categories = [c for c in wanted if self.covered(c, declared)]
            if categories:
                inferred = "the manifest names no categories: it carries those both ends hold"
            else:
                categories = None  # the activity's, flagged by flow()
                inferred = "the manifest names no categories and the ends share none"
        else:
            categories = given
        flow = self.flow(activity, source, target, categories, wheres[0], inferred)
        for w in wheres:
            if flow:
                self.draft.mapped(w, f"Flow {flow}")

    def _user_edge(
        self, system_key: str, direction: str, given: list[str] | None, wheres: list[str]
    ) -> None:
        """3.x ``type: user``: data collected from the system's users (its data subjects)."""
        here = self.systems[system_key]
        if direction == "egress":
            for w in wheres:
                self.not_placed(
                    w, "data sent back to the users themselves: not a recipient in the register"
                )
            return
        for ident in self.activities.get(here, []):
            subjects = self.draft.entities[("Activity", ident)].get("data_subjects") or []
            if subjects:
                flow = self.flow(ident, subjects[0], here, given, wheres[0])
                for w in wheres:
                    self.draft.mapped(w, f"Flow {flow}")
                return
        for w in wheres:
            self.not_placed(w, "ingress from users, but no declaration names them")

    def vendor_inflows(self) -> None:
        """Each activity on a vendor's system needs a flow into it (what the vendor
        receives, and where transfers and contracts are judged)."""
        for system in self.vendor:
            for activity in self.activities.get(system, []):
                if any(a == activity and t == system for (a, s, t) in self.flows):
                    continue
                senders = [
                    s for (a, s, t) in self.flows if t == system and s in self.systems.values()
                ]
                use = self.activity_use.get(activity)
                if not senders and use:
                    senders = [
                        s
                        for s, acts in self.activities.items()
                        if s != system
                        and s not in self.vendor
                        and any(self.activity_use.get(a) == use for a in acts)
                    ]
                entry = self.draft.entities[("Activity", activity)]
                if senders:
                    source = senders[0]
                    why = (
                        "nothing in the manifests sends data to this vendor's system for this "
                        f"activity; taken from {source}"
                    )
                elif entry["data_subjects"]:
                    source = entry["data_subjects"][0]
                    why = (
                        "nothing in the manifests sends data to this vendor's system: taken as "
                        "collected from the data subjects directly (a tag, a form); correct "
                        "`from` if one of your systems sends it"
                    )
                else:
                    continue
                self.flow(activity, source, system, None, f"system {system}", why)
        for (activity, _, target), flow in self.flows.items():
            vendor = self.vendor.get(target)
            if vendor is None:
                continue
            entry = self.draft.entities[("Activity", activity)]
            own = self._own_ends(target)
            data = self.draft.entities[("Flow", flow)]
            if own:
                data["recipient_role"] = "controller"
                continue
            controller = entry.get("controller")
            if (
                controller is None
                or vendor == controller
                or vendor in entry.get("joint_controllers", [])
            ):
                continue
            data["contract"] = self._draft_contract(controller, vendor)

    def _own_ends(self, system: str) -> bool:
        uses = [self.activity_use.get(a) for a in self.activities.get(system, [])]
        return bool(uses) and all(u and fideslang.for_own_ends(u) for u in uses)

    def _draft_contract(self, controller: str, vendor: str) -> str:
        key = (controller, vendor)
        if key in self.contracts:
            return self.contracts[key]
        name = self.draft.entities[("Organisation", vendor)]["name"]
        ident = self.draft.add(
            "Contract",
            {
                "id": self.draft.new_id("Contract", f"dpa-{vendor}-draft"),
                "name": f"Data processing agreement with {name} (draft)",
                "type": "dpa",
                "controller": controller,
                "processor": vendor,
            },
            "the manifests",
        )
        self.contracts[key] = ident
        self.draft.todo.append(
            f"contracts/{ident}.yaml is a draft: Fides does not record contracts. {name} runs a "
            f"system for {controller} as its processor (Art. 28): give the DPA's signature or "
            "online acceptance date, its document and its Art. 28(3) clauses — or say the "
            "vendor acts as a controller (`recipient_role: controller` on its flows)."
        )
        return ident

    def recipients(self) -> None:
        """1.x data uses name their recipients: a flow to each from the in-house systems
        that use the data use."""
        for use, node in self.m.uses.items():
            for name, where in self.strings(node, "recipients"):
                if where in self.used_recipients:
                    continue  # it named a vendor (mapped there)
                users = [
                    (a, s)
                    for s, acts in self.activities.items()
                    if s not in self.vendor
                    for a in acts
                    if self.activity_use.get(a) == use
                ]
                if not users:
                    self.not_placed(
                        where,
                        f"no in-house system's declaration uses data use {use}: add the flow to "
                        "this recipient",
                    )
                    continue
                org = self.draft.organisation(name, where)
                for activity, system in users:
                    flow = self.flow(
                        activity,
                        system,
                        org,
                        None,
                        where,
                        f"data use {use} names {name} among its recipients",
                    )
                    if flow:
                        self.draft.mapped(where, f"Flow {flow}")

    def third_countries(self, node: LocatedMap, system: str) -> None:
        """2.x (and 1.x datasets) ``third_country_transfers``: where the data goes."""
        codes = []
        for text, where in self.strings(node, "third_country_transfers"):
            code = country_code(text)
            if code is None:
                self.not_placed(where, "not a country ropa recognises (ISO 3166-1)")
                continue
            codes.append((code, where))
        if not codes:
            return
        entry = self.draft.entities[("System", system)]
        if system in self.vendor:
            values = [c for c, _ in codes]
            if not entry.get("country"):
                entry["country"] = values[0] if len(values) == 1 else values
            for code, where in codes:
                self.draft.mapped(
                    where,
                    f"System {system}.country",
                    f"data reaches {code}: recorded as where the vendor's system processes it; "
                    "the flows into it need a transfer mechanism",
                )
            return
        for code, where in codes:
            self.not_placed(
                where,
                f"{system} sends data to {code}, but no flow from it reaches a recipient there: "
                "add that flow, with its transfer mechanism",
            )

    def transfer_bases(self, node: LocatedMap, system: str) -> None:
        """3.x ``does_international_transfers`` and ``legal_basis_for_transfers``."""
        if node.get("does_international_transfers") is False:
            self.skip(
                node,
                "does_international_transfers",
                "no international transfer: nothing to record",
                quiet=True,
            )
            self.skip(node, "legal_basis_for_transfers", "no international transfer", quiet=True)
            return
        mechanisms = []
        for text, where in self.strings(node, "legal_basis_for_transfers"):
            mechanism = fideslang.TRANSFER_BASES.get(text.casefold())
            if mechanism is None:
                self.not_placed(
                    where, "not a transfer mechanism (SCCs, BCRs, an adequacy decision…)"
                )
            elif mechanism not in mechanisms:
                mechanisms.append((mechanism, where))
        leaving = [
            f
            for (a, s, t), f in self.flows.items()
            if (t == system and system in self.vendor)
            or (s == system and self._other_organisation(system, t))
        ]
        if not leaving:
            for key in ("does_international_transfers", "legal_basis_for_transfers"):
                self.skip(
                    node,
                    key,
                    f"{system} transfers data abroad, but no flow leaves the organisation from "
                    "or into it: add the flow to the recipient, with its transfer mechanism",
                )
            return
        found = [m for m, _ in mechanisms]
        for flow in leaving:
            if found:
                self.draft.entities[("Flow", flow)]["transfer"] = {
                    "mechanism": found[0] if len(found) == 1 else found
                }
            for _, where in mechanisms:
                self.draft.mapped(where, f"Flow {flow}.transfer")
            self.to(node, "does_international_transfers", f"Flow {flow}")

    def _other_organisation(self, system: str, end: str) -> bool:
        operator = self.draft.entities[("System", system)].get("operator")
        other = self.draft.get("System", end)
        if other is not None:
            return other.get("operator") != operator
        return self.draft.get("Organisation", end) is not None and end != operator
