"""Privacy declarations → activities: the data use as the purpose, its lawful basis and
Art. 9 condition, categories, subjects, retention, DPIA, joint controllers, and the
third parties it shares data with."""

from __future__ import annotations

import re
from typing import Any

from registry.core.loader import LocatedMap
from registry.core.vocabulary import Art9Condition
from registry.importers import fideslang
from registry.importers.fides.base import COOKIES, NO_PERSONAL_DECLARATION, contact_of
from registry.importers.fides.flows import Flows
from registry.importers.spreadsheet import parse_basis, parse_contact
from registry.importers.text import read_retention

ART9_MAP = {
    "explicit consent": Art9Condition.explicit_consent,
    "employment, social security and social protection": (
        Art9Condition.employment_social_protection
    ),
    "vital interests": Art9Condition.vital_interests,
    "not-for-profit bodies": Art9Condition.not_for_profit_body,
    "made public by the data subject": Art9Condition.made_public,
    "legal claims or judicial acts": Art9Condition.legal_claims,
    "reasons of substantial public interest (with a basis in law)": (
        Art9Condition.substantial_public_interest
    ),
    "health or social care (with a basis in law)": Art9Condition.health_or_social_care,
    "public health (with a basis in law)": Art9Condition.public_health,
    "archiving, research and statistics (with a basis in law)": (
        Art9Condition.archiving_research_statistics
    ),
} | {k: Art9Condition(v) for k, v in fideslang.ART9_V1.items()}
DPIA_PROGRESS = {"complete": "completed", "completed": "completed", "in progress": "in_progress"}


def _dpia_answers(node: LocatedMap, keys: tuple[str, str, str], dpia: dict[str, Any]) -> None:
    """Fides's answers on a DPIA — whether one is required, its progress, where it is
    (``keys`` name them: 2.x and 3.x spell them differently) — onto ``dpia``."""
    required, progress, link = keys
    if node.get(required) is False:
        dpia["status"] = "not_required"
    state = str(node.get(progress) or "").lower()
    if state in DPIA_PROGRESS:
        dpia["status"] = DPIA_PROGRESS[state]
    if isinstance(node.get(link), str):
        dpia["link"] = node[link]


class Purposes(Flows):
    """Activities from privacy declarations."""

    def declaration(self, system_key: str, index: int, node: LocatedMap) -> None:
        system_node = self.system_nodes[system_key]
        system_datasets = [k for k, _ in self.strings(system_node, "dataset_references")]
        if not self._declares_personal(node, system_datasets):
            for key in node:
                self.skip(node, key, NO_PERSONAL_DECLARATION, quiet=True)
            return
        system = self.systems[system_key]
        system_name = self.draft.entities[("System", system)]["name"]
        use = node.get("data_use") if isinstance(node.get("data_use"), str) else None
        label = self.use_name(use) if use else None
        own = node.get("name") if isinstance(node.get("name"), str) and node["name"] else None
        what = own or label or f"declaration {index + 1}"
        name = what if system_name.casefold() in what.casefold() else f"{system_name} — {what}"
        ident = self.draft.new_id("Activity", f"{system_key} {what}")
        target = f"Activity {ident}"
        purpose: dict[str, Any] = {"purpose": name}
        if use:
            text = f"{label[:1].upper()}{label[1:]} ({use})"
            declared = self.m.uses.get(use)
            if declared is not None and isinstance(declared.get("description"), str):
                text += f": {declared['description']}"
            purpose["purpose"] = text
        self.to(node, "name", f"{target}.name")
        self.to(node, "data_use", f"{target}.purposes")
        controller = self.owner[system]
        activity: dict[str, Any] = {
            "id": ident,
            "name": name[:300],
            "controller": controller,
            "purposes": [purpose],
            "data_subjects": [],
            "data_categories": [],
            "systems": [system],
        }
        self.to(system_node, "organization_fides_key", f"{target}.controller")
        self._basis(node, use, purpose, activity, target)
        for key, where in self.strings(node, "data_subjects"):
            subject = self.subject(key, where)
            if subject not in activity["data_subjects"]:
                activity["data_subjects"].append(subject)
            self.draft.mapped(where, f"{target}.data_subjects")
        self._categories(node, activity, target)
        self._retention(node, activity, target)
        dpia = self._dpia(system_node, node, target)
        if dpia:
            activity["dpia"] = dpia
        if system_node.get("uses_profiling") is False:
            self.skip(system_node, "uses_profiling", "no profiling: nothing to record", quiet=True)
        if system_node.get("uses_profiling") is True:
            bases = [b for b, _ in self.strings(system_node, "legal_basis_for_profiling")]
            activity["automated_decisions"] = "profiling" + (
                f" ({', '.join(bases)})" if bases else ""
            )
            self.to(system_node, "uses_profiling", f"{target}.automated_decisions")
            self.to(system_node, "legal_basis_for_profiling", f"{target}.automated_decisions")
        joint = self._joint(system_node, target)
        activity["joint_controllers"] = [j for j in joint if j != controller]
        ident = self.draft.add("Activity", activity, self.at(node, "data_use") if use else "")
        self.activities.setdefault(system, []).append(ident)
        if use:
            self.activity_use[ident] = use
        datasets = []
        for dataset, where in self.strings(node, "dataset_references"):
            datasets.append(dataset)
            self.holders.setdefault(dataset, [])
            if system not in self.holders[dataset]:
                self.holders[dataset].append(system)
            self.draft.mapped(where, f"System {system}.identifiers")
        if (
            fideslang.ANY_USER_DATA.id in activity["data_categories"]
            or not activity["data_categories"]
        ):
            self.wants_user[ident] = (datasets, self.at(node, "data_categories"))
        self._shared(node, ident, system, target)
        for key in ("cookies",):
            self.skip(node, key, COOKIES, quiet=True)
        for key in ("features", "flexible_legal_basis_for_processing"):
            self.skip(node, key, "IAB TCF detail: not part of the register", quiet=True)
        self._qualifier(node)

    def _qualifier(self, node: LocatedMap) -> None:
        qualifier = node.get("data_qualifier")
        if not isinstance(qualifier, str):
            return
        last = qualifier.rsplit(".", 1)[-1]
        if last in ("identified", "pseudonymized"):
            self.skip(
                node,
                "data_qualifier",
                f"fideslang 1.x data qualifier: {last} data is personal data (pseudonymised "
                "included, Recital 26), imported as such",
                quiet=True,
            )
        else:
            self.skip(
                node,
                "data_qualifier",
                f"fideslang 1.x data qualifier: {last} data; imported as personal data — "
                "remove it from the register if it is truly anonymous",
            )

    def _basis(
        self, node: LocatedMap, use: str | None, purpose: dict, activity: dict, target: str
    ) -> None:
        declared = self.m.uses.get(use) if use else None
        basis_node, basis_key = node, "legal_basis_for_processing"
        if not isinstance(node.get(basis_key), str) and declared is not None:
            basis_node, basis_key = declared, "legal_basis"  # 1.x: on the data use
        text = basis_node.get(basis_key)
        if isinstance(text, str) and text.strip():
            basis = parse_basis(text)
            if basis is None:
                self.skip(basis_node, basis_key, "not an Art. 6(1) lawful basis")
            else:
                purpose["legal_basis"] = basis.value
                self.to(basis_node, basis_key, f"{target}.purposes")
        if declared is not None and declared.get("legitimate_interest") is True:
            purpose.setdefault("legal_basis", "legitimate_interests")
            self.to(declared, "legitimate_interest", f"{target}.purposes")
        lia_node, lia_key = node, "impact_assessment_location"
        if not isinstance(node.get(lia_key), str) and declared is not None:
            lia_node, lia_key = declared, "legitimate_interest_impact_assessment"
        if isinstance(lia_node.get(lia_key), str) and lia_node[lia_key].strip():
            # 3.x: "where the legitimate interest impact assessment is stored"
            purpose["lia"] = lia_node[lia_key].strip()
            self.to(lia_node, lia_key, f"{target}.purposes")
        condition_node, condition_key = node, "special_category_legal_basis"
        if not isinstance(node.get(condition_key), str) and declared is not None:
            condition_node, condition_key = declared, "special_category"
        condition = condition_node.get(condition_key)
        if isinstance(condition, str) and condition.strip():
            found = ART9_MAP.get(condition.strip().lower())
            if found is None:
                self.skip(condition_node, condition_key, "not an Art. 9(2) condition")
            else:
                activity["art9_condition"] = found.value
                self.to(condition_node, condition_key, f"{target}.art9_condition")

    def _categories(self, node: LocatedMap, activity: dict, target: str) -> None:
        for key, where in self.strings(node, "data_categories"):
            ident = self.category(key, where)
            if ident is None:
                self.not_personal(key, where)
                continue
            if ident not in activity["data_categories"]:
                activity["data_categories"].append(ident)
            meaning = None
            if ident == fideslang.CHILDREN.id:
                if "children" not in activity["data_subjects"]:
                    activity["data_subjects"].append("children")
                meaning = "children's data: the activity's data subjects include children"
            self.draft.mapped(where, f"{target}.data_categories", meaning)
        flag = node.get("processes_special_category_data")
        if isinstance(flag, bool):
            special = any(self._special(c) for c in activity["data_categories"])
            if flag == special or (flag and activity.get("art9_condition")):
                self.to(node, "processes_special_category_data", f"{target}.data_categories")
            else:
                self.skip(
                    node,
                    "processes_special_category_data",
                    "says special categories are processed, but none of its categories is one"
                    if flag
                    else "says no special category is processed, but one of its categories is",
                )

    def _retention(self, node: LocatedMap, activity: dict, target: str) -> None:
        text = node.get("retention_period")
        if not isinstance(text, str) or not text.strip():
            return
        where = self.at(node, "retention_period")
        found = read_retention(text)
        if found is None:
            self.not_placed(where, "not a retention ropa can read (a period, until <event>…)")
            return
        retention, meaning = found
        fields = retention.model_dump(exclude_none=True)
        activity["retention"] = [{"category": c} | fields for c in activity["data_categories"]]
        self.draft.mapped(where, f"{target}.retention", meaning)

    def _dpia(self, system_node: LocatedMap, node: LocatedMap, target: str) -> dict[str, Any]:
        dpia: dict[str, Any] = {}
        block = system_node.get("data_protection_impact_assessment")  # 2.x
        if isinstance(block, LocatedMap):
            _dpia_answers(block, ("is_required", "progress", "link"), dpia)
            self.to(system_node, "data_protection_impact_assessment", f"{target}.dpia")
        keys = ("requires_data_protection_assessments", "dpa_progress", "dpa_location")  # 3.x
        _dpia_answers(system_node, keys, dpia)
        for key in keys:
            self.to(system_node, key, f"{target}.dpia")
        return dpia

    def _joint(self, system_node: LocatedMap, target: str) -> list[str]:
        joint: list[str] = []
        block = system_node.get("joint_controller")  # 2.x: a contact block
        contact = contact_of(block)
        if contact and contact.get("name"):
            joint.append(self._party(contact, self.at(system_node, "joint_controller")))
            self.to(system_node, "joint_controller", f"{target}.joint_controllers")
        info = system_node.get("joint_controller_info")  # 3.x: "name; address; email; phone"
        if isinstance(info, str) and info.strip():
            where = self.at(system_node, "joint_controller_info")
            joint.append(self._party(parse_contact(info), where))
            self.to(system_node, "joint_controller_info", f"{target}.joint_controllers")
        return joint

    def _shared(self, node: LocatedMap, activity: str, system: str, target: str) -> None:
        """3.x: data shared with named third parties → a flow to each."""
        shared = node.get("data_shared_with_third_parties")
        parties = node.get("third_parties")
        if shared is False and not parties:
            self.skip(
                node, "data_shared_with_third_parties", "not shared: nothing to record", quiet=True
            )
            self.skip(node, "shared_categories", "not shared: nothing to record", quiet=True)
            return
        if not (isinstance(parties, str) and parties.strip()):
            if shared is True:
                self.skip(
                    node,
                    "data_shared_with_third_parties",
                    "shared with third parties that are not named: add a flow to each",
                )
            return
        categories = self.categories_in(node, "shared_categories")
        names = [p.strip() for p in re.split(r"[;\n]", parties) if p.strip()]
        for name in names:
            org = self.draft.organisation(name, self.at(node, "third_parties"))
            flow = self.flow(
                activity, system, org, categories or None, self.at(node, "third_parties")
            )
            if flow:
                self.to(node, "third_parties", f"Flow {flow}")
                self.to(node, "shared_categories", f"Flow {flow}.data_categories")
                self.to(node, "data_shared_with_third_parties", f"Flow {flow}")
