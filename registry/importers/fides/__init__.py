"""`ropa import fides`: Ethyca Fides manifests (fideslang 1.x, 2.x and 3.x) into our inventory.

fideslang is not a dependency: its YAML manifests are read with ropa's own safe
loader (positions for every value, no aliases or tags). Every field of every
document is accounted for in the import's ledger: mapped into an entity, or
reported with its file, line and path and the reason it is not in the inventory.

- ``organization`` → the controller, with its contact person, DPO and representative;
  a manifest set that names an organisation it does not ship gets a placeholder
  controller, listed as a to-do.
- ``system`` → System run by the organisation, or by a vendor (``system_type: Third
  Party``, 3.x ``vendor_id`` or a ``legal_name`` of another business): the vendor
  becomes the Organisation operating the system, our processor — with a draft DPA
  listed as a to-do — or an independent controller where the data use is the
  vendor's own (third-party sharing, third-party advertising).
- each ``privacy_declarations`` entry → an Activity named after the system and its
  purpose ("Stripe — payment processing"), its data use as the purpose, its lawful
  basis (3.x on the declaration, 1.x on the data use), Art. 9 condition, retention;
- ``dataset`` → what each system referencing it stores (every one of them);
- ``egress`` / ``ingress`` → Flows; where the manifest names no categories, the flow
  carries those both ends hold (else the activity's), and says it was inferred;
- ``third_country_transfers`` (2.x) and ``legal_basis_for_transfers`` (3.x) → the
  country and mechanism of the flows that leave for a vendor's system;
- fideslang categories map onto ropa's taxonomy (see :mod:`fideslang`), keeping their
  keys as aliases; ``system.*`` is not personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from registry.core.loader import LocatedList, LocatedMap
from registry.importers.draft import Draft
from registry.importers.fides.base import NO_PERSONAL_DATASET, NO_PERSONAL_SYSTEM, POLICY
from registry.importers.fides.datasets import Datasets
from registry.importers.fides.manifests import keys_in, load


class FidesImport(Datasets):
    """The whole import, in the order its steps need one another."""

    def run(self) -> None:
        for node in self.m.systems:  # systems keep their fides_key as id, before anything
            self.system_ids[node["fides_key"]] = ident = self.draft.new_id(
                "System", node["fides_key"]
            )
            self.draft.reserved.add(ident)
        for node in self.m.organizations:
            self.organisation(node)
        self.personal_datasets = {
            d["fides_key"] for d in self.m.datasets if any(self._personal(k) for k in keys_in(d))
        }
        for node in self.m.systems:
            if self._processes_personal_data(node):
                self.system(node)
            else:
                self.skipped[node["fides_key"]] = node
                self.skip(
                    node,
                    "fides_key",
                    "the system declares no personal data (system data only): not in the register",
                    quiet=True,
                )
                for key in node:
                    if key != "fides_key":
                        self.skip(node, key, NO_PERSONAL_SYSTEM, quiet=True)
        for node in self.m.systems:
            declarations = node.get("privacy_declarations")
            if node["fides_key"] in self.skipped:
                continue
            if isinstance(declarations, LocatedList):
                for index, declaration in enumerate(declarations):
                    if isinstance(declaration, LocatedMap):
                        self.declaration(node["fides_key"], index, declaration)
        for key in self.m.subjects:
            if any(key in (s for s, _ in self._declared_subjects(n)) for n in self.m.systems):
                self.subject_ids[key] = self.subject(key, "")
        for node in self.m.datasets:
            if self.holders.get(node["fides_key"]) or node["fides_key"] in self.personal_datasets:
                self.dataset(node)
            else:
                for key in node:
                    self.skip(node, key, NO_PERSONAL_DATASET, quiet=True)
        for key, held in self.holders.items():
            if not any(d["fides_key"] == key for d in self.m.datasets):
                for system in held:
                    self.draft.notes.append(
                        f"system {system} references dataset {key!r}, which the manifests do "
                        "not define"
                    )
        self.narrow_user()
        for node in self.m.systems:
            if node["fides_key"] in self.skipped:
                continue
            self.edges(node["fides_key"], node)
            for declaration in node.get("privacy_declarations") or []:
                if isinstance(declaration, LocatedMap):
                    self.edges(node["fides_key"], declaration)
        self.recipients()
        self.vendor_inflows()
        for node in self.m.systems:
            if node["fides_key"] in self.skipped:
                continue
            system = self.systems[node["fides_key"]]
            self.third_countries(node, system)
            self.transfer_bases(node, system)
        self.subjects_extras()
        self.taxonomy_extras()
        self.others()
        self.draft.sweep("a Fides field this importer does not know: not imported")

    def others(self) -> None:
        for body, key in self.m.other:
            reason = (
                POLICY
                if key == "policy"
                else (
                    f"{key!r} is not imported (only organization, system, dataset and the "
                    "taxonomy lists are)"
                )
            )
            self.skip(body, key, reason, quiet=key == "policy")

    def _declared_subjects(self, system_node: LocatedMap) -> Iterator[tuple[str, str]]:
        for declaration in system_node.get("privacy_declarations") or []:
            if isinstance(declaration, LocatedMap):
                value = declaration.get("data_subjects")
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            yield item, ""


def import_fides(source: Path, draft: Draft) -> None:
    manifests, bodies = load(source)
    FidesImport(manifests, bodies, draft).run()
