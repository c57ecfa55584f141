"""`ropa import fides`: Ethyca Fides (fideslang 2.x and 3.x) manifests into our inventory.

fideslang is not a dependency: its YAML manifests are read with ropa's own safe
loader (positions for every value, no aliases or tags). Mapping:

- ``organization`` → Organisation (controller contact, DPO, representative);
- ``system`` → System (operated by its organisation, or by the vendor named in
  3.x ``legal_name``), storing the categories of the ``dataset`` s it references;
- each ``privacy_declarations`` entry → an Activity of that system, its
  ``data_use`` as the purpose, ``legal_basis_for_processing`` /
  ``special_category_legal_basis`` as Art. 6 / Art. 9 grounds, its retention;
- ``egress`` / ``ingress`` (system-level, and 2.x declaration-level) → Flows;
  3.x ingress from ``user`` → a Flow from the declaration's data subjects; third
  parties a declaration shares data with → Flows to that organisation;
- joint controllers (2.x ``joint_controller`` block, 3.x ``joint_controller_info``)
  → Organisations named on the system's activities; 3.x
  ``impact_assessment_location`` (the legitimate interests assessment) → ``lia``;
- fideslang data categories map onto ropa's taxonomy and their fideslang names
  are kept as ``aliases`` of our entries (fideslang's taxonomy is CC BY 4.0,
  © Ethyca); categories with no counterpart are created, alias included.

Fides silently drops unknown fields; we report them, and every field we do not
map, with its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.core.loader import LoadResult, LocatedList, LocatedMap, discover, load_text
from registry.core.vocabulary import Art9Condition
from registry.importers.draft import Draft, ImportFailure
from registry.importers.spreadsheet import parse_basis, parse_contact, parse_retention

# fideslang category (after 1.x → 2.x renaming) → our taxonomy; longest prefix wins.
CATEGORY_MAP: dict[str, str] = {
    "user.name": "identity",
    "user.demographic.date_of_birth": "identity",
    "user.demographic.gender": "identity",
    "user.demographic.age_range": "identity",
    "user.contact": "contact",
    "user.government_id": "national-id",
    "user.financial.bank_account": "bank-details",
    "user.financial": "financial",
    "user.payment": "financial",
    "user.employment": "employment",
    "user.workplace": "employment",
    "user.job_title": "employment",
    "user.location": "location",
    "user.device": "online-identifiers",
    "user.authorization.credentials": "credentials",
    "user.account.password": "credentials",
    "user.health_and_medical.genetic": "genetic",
    "user.health_and_medical": "health",
    "user.biometric": "biometric",
    "user.demographic.race_ethnicity": "racial-ethnic-origin",
    "user.demographic.political_opinion": "political-opinions",
    "user.demographic.religious_belief": "religious-beliefs",
    "user.demographic.sexual_orientation": "sex-life-orientation",
    "user.criminal_history": "criminal",
    "user.union_membership": "trade-union",
}
SUBJECT_MAP = {
    "customer": "customers",
    "employee": "employees",
    "job_applicant": "job-applicants",
    "patient": "patients",
    "prospect": "prospects",
    "supplier_vendor": "suppliers",
}
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
}
DPIA_PROGRESS = {"complete": "completed", "completed": "completed", "in progress": "in_progress"}
_V1_SEGMENTS = re.compile(r"\.(provided|derived)\.(non)?identifiable(?=\.|$)")
# Fields we read; anything else on these objects is reported, never dropped silently.
_KNOWN = {
    "organization": {
        "fides_key",
        "name",
        "description",
        "controller",
        "data_protection_officer",
        "representative",
        "organization_fides_key",
        "tags",
    },
    "system": {
        "fides_key",
        "name",
        "description",
        "organization_fides_key",
        "system_type",
        "administrating_department",
        "data_responsibility_title",
        "responsibility",
        "egress",
        "ingress",
        "privacy_declarations",
        "data_protection_impact_assessment",
        "legal_name",
        "legal_address",
        "dpo",
        "data_security_practices",
        "uses_profiling",
        "legal_basis_for_profiling",
        "requires_data_protection_assessments",
        "dpa_location",
        "dpa_progress",
        "joint_controller",
        "tags",
        "third_country_transfers",
        "joint_controller_info",
        "dataset_references",
        "processes_personal_data",
    },
    "privacy_declarations": {
        "name",
        "data_categories",
        "data_use",
        "data_subjects",
        "dataset_references",
        "egress",
        "ingress",
        "legal_basis_for_processing",
        "special_category_legal_basis",
        "processes_special_category_data",
        "retention_period",
        "impact_assessment_location",
        "data_shared_with_third_parties",
        "third_parties",
        "shared_categories",
    },
    "dataset": {
        "fides_key",
        "name",
        "description",
        "collections",
        "retention",
        "data_categories",
        "organization_fides_key",
        "tags",
    },
}
_TOP = {"organization", "system", "dataset", "data_category", "data_use", "data_subject"}


@dataclass
class Manifests:
    organizations: list[LocatedMap] = field(default_factory=list)
    systems: list[LocatedMap] = field(default_factory=list)
    datasets: list[LocatedMap] = field(default_factory=list)
    categories: dict[str, LocatedMap] = field(default_factory=dict)
    uses: dict[str, LocatedMap] = field(default_factory=dict)
    subjects: dict[str, LocatedMap] = field(default_factory=dict)


def _where(node: LocatedMap, key: str | None = None) -> str:
    pos = node.value_positions.get(key, node.pos) if key else node.pos
    return f"{pos.file}:{pos.line}"


def _load(directory: Path, draft: Draft) -> Manifests:
    if not directory.is_dir():
        raise ImportFailure(f"{directory} is not a directory of Fides manifests")
    result = LoadResult()
    for path in discover(directory):
        name = path.relative_to(directory).as_posix()
        try:
            load_text(path.read_text("utf-8"), name, result)
        except (OSError, UnicodeDecodeError) as error:
            raise ImportFailure(f"{name}: cannot read ({error})") from None
    if result.problems:
        problem = result.problems[0]
        raise ImportFailure(f"{problem.pos}: {problem.message}")
    manifests = Manifests()
    for document in result.documents:
        body = document.body
        if not isinstance(body, LocatedMap):
            raise ImportFailure(f"{document.pos}: a Fides manifest is a mapping of lists")
        for key, items in body.items():
            where = _where(body, key)
            if key not in _TOP:
                draft.report(
                    where,
                    key,
                    "not imported (only organization, system, dataset and the taxonomy lists are)",
                )
                continue
            if not isinstance(items, LocatedList) or not all(
                isinstance(i, LocatedMap) for i in items
            ):
                raise ImportFailure(f"{where}: {key} must be a list of mappings")
            for item in items:
                if not isinstance(item.get("fides_key"), str):
                    raise ImportFailure(f"{_where(item)}: {key} entry without a fides_key")
            if key == "organization":
                manifests.organizations += items
            elif key == "system":
                manifests.systems += items
            elif key == "dataset":
                manifests.datasets += items
            else:
                target = {
                    "data_category": manifests.categories,
                    "data_use": manifests.uses,
                    "data_subject": manifests.subjects,
                }[key]
                target.update({i["fides_key"]: i for i in items})
    if not (manifests.organizations or manifests.systems or manifests.datasets):
        raise ImportFailure(f"no Fides organization, system or dataset under {directory}")
    return manifests


def _strings(node: Any, key: str, where: str, draft: Draft) -> list[str]:
    value = node.get(key) if isinstance(node, LocatedMap) else None
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    draft.report(where, value, f"{key} should be a list of strings")
    return []


def _humanise(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _contact(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    result = {k: str(value[k]) for k in ("name", "email", "phone", "address") if value.get(k)}
    return result or None


class FidesImport:
    def __init__(self, manifests: Manifests, draft: Draft) -> None:
        self.m = manifests
        self.draft = draft
        self.orgs: dict[str, str] = {}  # fides_key → our id
        self.systems: dict[str, str] = {}
        self.activities: dict[str, list[tuple[str, list[str]]]] = {}  # system → [(id, cats)]
        self.dataset_system: dict[str, str] = {}
        self.joint: dict[str, list[str]] = {}  # system fides_key → joint controllers
        self._keys: dict[str, str] = {}  # our system id → fides_key
        self.flows: set[tuple[str, str, str]] = set()

    # -- taxonomy ---------------------------------------------------------------------
    def category(self, key: str, where: str) -> str:
        normal = _V1_SEGMENTS.sub("", key)
        for prefix in sorted(CATEGORY_MAP, key=len, reverse=True):
            if normal == prefix or normal.startswith(prefix + "."):
                ident = CATEGORY_MAP[prefix]
                break
        else:
            declared = self.m.categories.get(key) or self.m.categories.get(normal)
            parent = None
            if declared is not None and isinstance(declared.get("parent_key"), str):
                parent = self.category(declared["parent_key"], where)
            name = declared.get("name") if declared is not None else None
            ident = self.draft.category(str(name or _humanise(normal)), where, parent)
            # A custom fideslang category with a mapped parent becomes a child of it.
        self.draft.alias_category(ident, key)
        return ident

    def declared_category(self, key: str, where: str) -> str:
        """A category the manifests declare under a mapped parent: its own entry, as a child."""
        declared = self.m.categories.get(key)
        if declared is not None and isinstance(declared.get("parent_key"), str):
            parent = self.category(declared["parent_key"], where)
            ident = self.draft.category(str(declared.get("name") or _humanise(key)), where, parent)
            self.draft.alias_category(ident, key)
            return ident
        return self.category(key, where)

    def categories(self, node: LocatedMap, key: str) -> list[str]:
        where = _where(node, key)
        result: list[str] = []
        for item in _strings(node, key, where, self.draft):
            ident = self.declared_category(item, where)
            if ident not in result:
                result.append(ident)
        return result

    def subject(self, key: str, where: str) -> str:
        if key in SUBJECT_MAP:
            return SUBJECT_MAP[key]
        declared = self.m.subjects.get(key)
        name = declared.get("name") if declared is not None else None
        return self.draft.subject(str(name or _humanise(key)), where)

    # -- entities -----------------------------------------------------------------------
    def organisation(self, node: LocatedMap) -> None:
        controller = _contact(node.get("controller")) or {}
        fields: dict[str, Any] = {
            "description": node.get("description"),
            "address": controller.get("address"),
            "contact": {k: v for k, v in controller.items() if k in ("email", "phone")} or None,
            "dpo": _contact(node.get("data_protection_officer")),
            "representative": _contact(node.get("representative")),
        }
        name = str(node.get("name") or controller.get("name") or node["fides_key"])
        self.orgs[node["fides_key"]] = self.draft.organisation(name, _where(node), **fields)
        self.unknown("organization", node)

    def unknown(self, kind: str, node: LocatedMap) -> None:
        for key in node:
            if key not in _KNOWN[kind]:
                self.draft.report(
                    _where(node, key), node[key], f"{kind} field {key!r} is not imported"
                )

    def owner_of(self, node: LocatedMap) -> str | None:
        key = node.get("organization_fides_key")
        if isinstance(key, str) and key in self.orgs:
            return self.orgs[key]
        if len(self.orgs) == 1:
            return next(iter(self.orgs.values()))
        return None

    def system(self, node: LocatedMap) -> None:
        where = _where(node)
        owner = self.owner_of(node)
        operator = owner
        if isinstance(node.get("legal_name"), str):  # 3.x: the vendor's legal entity
            dpo = node.get("dpo")
            dpo_contact = None
            if isinstance(dpo, str):
                dpo_contact = {"email": dpo} if "@" in dpo else {"name": dpo}
            operator = self.draft.organisation(
                node["legal_name"],
                _where(node, "legal_name"),
                address=node.get("legal_address"),
                dpo=dpo_contact,
            )
        data: dict[str, Any] = {"name": str(node.get("name") or node["fides_key"])}
        data["id"] = self.draft.new_id("System", node["fides_key"])
        if node.get("description"):
            data["description"] = node["description"]
        if operator:
            data["operator"] = operator
        if isinstance(node.get("administrating_department"), str):
            data["owner"] = node["administrating_department"]
        if isinstance(node.get("data_security_practices"), str):
            data["security"] = {"measures": [node["data_security_practices"]]}
        data["identifiers"] = [node["fides_key"]]
        self.systems[node["fides_key"]] = self.draft.add("System", data, where)
        for dataset in _strings(node, "dataset_references", where, self.draft):  # 3.x
            self.dataset_system.setdefault(dataset, self.systems[node["fides_key"]])
        for country in _strings(node, "third_country_transfers", where, self.draft):
            self.draft.report(
                _where(node, "third_country_transfers"),
                country,
                "a transfer with no recipient: declare the flow that goes there, with its "
                "transfer mechanism",
            )
        joint: list[str] = []
        block = _contact(node.get("joint_controller"))  # 2.x: a contact block
        if block and block.get("name"):
            joint.append(self._party(block, _where(node, "joint_controller")))
        info = node.get("joint_controller_info")  # 3.x: "name; address; email; phone"
        if isinstance(info, str) and info.strip():
            joint.append(self._party(parse_contact(info), _where(node, "joint_controller_info")))
        self.joint[node["fides_key"]] = joint
        roles = _strings(node, "responsibility", where, self.draft) + _strings(
            node, "data_responsibility_title", where, self.draft
        )
        if roles and all(r.lower().replace("-", "_") != "controller" for r in roles):
            self.draft.notes.append(
                f"{where}: system {node['fides_key']} is declared {', '.join(roles)}: its "
                "activities are imported with the organisation as controller; correct them "
                "where it processes on another controller's behalf"
            )

    def _party(self, fields: dict[str, Any], where: str) -> str:
        contact = {k: fields[k] for k in ("email", "phone") if fields.get(k)}
        return self.draft.organisation(
            fields["name"], where, address=fields.get("address"), contact=contact or None
        )

    def dataset(self, node: LocatedMap, system: str | None) -> None:
        where = _where(node)
        if system is None:  # a dataset no declaration references: a store of its own
            system = self.draft.add(
                "System",
                {
                    "id": self.draft.new_id("System", node["fides_key"]),
                    "name": str(node.get("name") or node["fides_key"]),
                    "identifiers": [node["fides_key"]],
                },
                where,
            )
            owner = self.owner_of(node)
            if owner:
                self.draft.entities[("System", system)]["operator"] = owner
        self.dataset_system[node["fides_key"]] = system
        entry = self.draft.entities[("System", system)]
        if node["fides_key"] not in entry.setdefault("identifiers", []):
            entry["identifiers"].append(node["fides_key"])
        retention = None
        if isinstance(node.get("retention"), str):
            retention = parse_retention(node["retention"])
            if retention is None:
                self.draft.report(
                    _where(node, "retention"),
                    node["retention"],
                    "not a retention ropa can read (P10Y, until <event>, indefinite)",
                )
        stores = entry.setdefault("stores", [])
        for category in self._dataset_categories(node):
            if all(s["category"] != category for s in stores):
                item: dict[str, Any] = {"category": category}
                if retention is not None:
                    item["retention"] = retention.model_dump(exclude_none=True)
                stores.append(item)
        self.unknown("dataset", node)

    def _dataset_categories(self, node: Any) -> Iterator[str]:
        if isinstance(node, LocatedMap):
            if "data_categories" in node:
                yield from self.categories(node, "data_categories")
            for key in ("collections", "fields"):
                for child in node.get(key) or []:
                    yield from self._dataset_categories(child)

    def declaration(
        self, system_key: str, system_node: LocatedMap, index: int, node: LocatedMap
    ) -> None:
        where = _where(node)
        system = self.systems[system_key]
        use = node.get("data_use")
        use_name = None
        if isinstance(use, str):
            declared = self.m.uses.get(use)
            use_name = (
                str(declared.get("name"))
                if declared is not None and declared.get("name")
                else _humanise(use)
            )
        name = str(node.get("name") or use_name or f"{system_key} declaration {index + 1}")
        purpose: dict[str, Any] = {"purpose": f"{use_name} ({use})" if use else name}
        basis_text = node.get("legal_basis_for_processing")
        if basis_text is None and isinstance(use, str) and use in self.m.uses:
            basis_text = self.m.uses[use].get("legal_basis")  # 1.x/2.x: on the data use
        if isinstance(basis_text, str):
            basis = parse_basis(basis_text)
            if basis is None:
                self.draft.report(
                    _where(node, "legal_basis_for_processing"),
                    basis_text,
                    "not an Art. 6(1) lawful basis",
                )
            else:
                purpose["legal_basis"] = basis.value
        categories = self.categories(node, "data_categories")
        activity: dict[str, Any] = {
            "id": self.draft.new_id("Activity", f"{system_key} {name}"),
            "name": name,
            "purposes": [purpose],
            "data_subjects": [
                self.subject(s, where) for s in _strings(node, "data_subjects", where, self.draft)
            ],
            "data_categories": categories,
            "systems": [system],
        }
        owner = self.owner_of(system_node)
        if owner:
            activity["controller"] = owner
        joint = [j for j in self.joint.get(system_key, []) if j != owner]
        if joint:
            activity["joint_controllers"] = joint
        if isinstance(node.get("impact_assessment_location"), str):
            # 3.x: "where the legitimate interest impact assessment is stored"
            purpose["lia"] = node["impact_assessment_location"]
        condition = node.get("special_category_legal_basis")
        if isinstance(condition, str):
            if condition.lower() in ART9_MAP:
                activity["art9_condition"] = ART9_MAP[condition.lower()].value
            else:
                self.draft.report(
                    _where(node, "special_category_legal_basis"),
                    condition,
                    "not an Art. 9(2) condition",
                )
        if isinstance(node.get("retention_period"), str):
            retention = parse_retention(node["retention_period"])
            if retention is None:
                self.draft.report(
                    _where(node, "retention_period"),
                    node["retention_period"],
                    "not a retention ropa can read (P10Y, until <event>, indefinite)",
                )
            else:
                activity["retention"] = [
                    {"category": c} | retention.model_dump(exclude_none=True) for c in categories
                ]
        dpia = self._dpia(system_node, node)
        if dpia:
            activity["dpia"] = dpia
        if system_node.get("uses_profiling") is True:
            basis = system_node.get("legal_basis_for_profiling")
            activity["automated_decisions"] = "profiling" + (
                f" ({', '.join(basis)})" if isinstance(basis, list) and basis else ""
            )
        ident = self.draft.add("Activity", activity, where)
        self.activities.setdefault(system_key, []).append((ident, categories))
        for dataset in _strings(node, "dataset_references", where, self.draft):
            self.dataset_system.setdefault(dataset, system)
        if node.get("data_shared_with_third_parties") is True or node.get("third_parties"):
            parties = node.get("third_parties")
            if isinstance(parties, str) and parties.strip():
                org = self.draft.organisation(parties.strip(), _where(node, "third_parties"))
                self.flow(ident, system, org, self.categories(node, "shared_categories"), where)
            else:
                self.draft.report(
                    where,
                    "data_shared_with_third_parties",
                    "shared with third parties that are not named",
                )
        self.unknown("privacy_declarations", node)

    def _dpia(self, system_node: LocatedMap, node: LocatedMap) -> dict[str, Any]:
        dpia: dict[str, Any] = {}
        block = system_node.get("data_protection_impact_assessment")  # 2.x
        if isinstance(block, dict):
            if block.get("is_required") is False:
                dpia["status"] = "not_required"
            progress = str(block.get("progress") or "").lower()
            if progress in DPIA_PROGRESS:
                dpia["status"] = DPIA_PROGRESS[progress]
            if isinstance(block.get("link"), str):
                dpia["link"] = block["link"]
        if system_node.get("requires_data_protection_assessments") is False:  # 3.x
            dpia["status"] = "not_required"
        progress = str(system_node.get("dpa_progress") or "").lower()
        if progress in DPIA_PROGRESS:
            dpia["status"] = DPIA_PROGRESS[progress]
        if isinstance(system_node.get("dpa_location"), str):
            dpia["link"] = system_node["dpa_location"]
        return dpia

    def flow(
        self, activity: str, source: str, target: str, categories: list[str], where: str
    ) -> None:
        key = (activity, source, target)
        if key in self.flows or source == target:
            return
        self.flows.add(key)
        data: dict[str, Any] = {
            "id": self.draft.new_id("Flow", f"{source}-to-{target}"),
            "activity": activity,
            "from": source,
            "to": target,
            "data_categories": categories,
        }
        self.draft.add("Flow", data, where)

    def edges(self, system_key: str, node: LocatedMap) -> None:
        """System-level (and 2.x declaration-level) egress and ingress → flows."""
        here = self.systems[system_key]
        for direction in ("egress", "ingress"):
            for edge in node.get(direction) or []:
                where = _where(node, direction)
                if isinstance(edge, str):  # 2.x declaration-level: bare keys
                    other_key, kind, categories = edge, "system", []
                elif isinstance(edge, LocatedMap) and isinstance(edge.get("fides_key"), str):
                    other_key = edge["fides_key"]
                    kind = edge.get("type", "system")
                    categories = self.categories(edge, "data_categories")
                    where = _where(edge)
                else:
                    self.draft.report(where, edge, f"{direction} entry without a fides_key")
                    continue
                if kind == "user" or other_key == "user":
                    self._user_edge(system_key, direction, categories, where)
                    continue
                other = (self.systems if kind == "system" else self.dataset_system).get(other_key)
                if other is None:
                    other = self.systems.get(other_key) or self.dataset_system.get(other_key)
                if other is None:
                    self.draft.report(
                        where, other_key, f"{direction}: no system or dataset with this fides_key"
                    )
                    continue
                source, target = (here, other) if direction == "egress" else (other, here)
                activity = self._activity_for(source, target, categories)
                if activity is None:
                    self.draft.report(
                        where,
                        other_key,
                        f"{direction}: neither system has a "
                        "privacy declaration to attach the flow to",
                    )
                    continue
                self.flow(activity, source, target, categories, where)

    def _user_edge(self, system_key: str, direction: str, categories: list[str], where: str):
        """3.x ``type: user``: data collected from the system's users (its data subjects)."""
        here = self.systems[system_key]
        if direction == "egress":
            self.draft.report(
                where,
                "user",
                "data sent back to the users themselves: not a recipient in the register",
            )
            return
        for ident, _ in self.activities.get(system_key, []):
            subjects = self.draft.entities[("Activity", ident)].get("data_subjects") or []
            if subjects:
                self.flow(ident, subjects[0], here, categories, where)
                return
        self.draft.report(where, "user", "ingress from users, but no declaration names them")

    def _activity_for(self, source: str, target: str, categories: list[str]) -> str | None:
        if len(self._keys) != len(self.systems):
            self._keys = {v: k for k, v in self.systems.items()}
        for system in (source, target):
            candidates = self.activities.get(self._keys.get(system, ""), [])
            for ident, covered in candidates:
                if categories and all(self._covered(c, covered) for c in categories):
                    return ident
            if candidates:
                return candidates[0][0]
        return None

    def _covered(self, category: str, covered: list[str]) -> bool:
        chain = [category]
        entry = self.draft.get("DataCategory", category)
        while entry is not None and entry.get("parent"):
            chain.append(entry["parent"])
            entry = self.draft.get("DataCategory", entry["parent"])
        return any(c in covered for c in chain)

    def run(self) -> None:
        for node in self.m.organizations:
            self.organisation(node)
        for node in self.m.systems:
            self.system(node)
        for node in self.m.systems:
            for index, declaration in enumerate(node.get("privacy_declarations") or []):
                if isinstance(declaration, LocatedMap):
                    self.declaration(node["fides_key"], node, index, declaration)
            self.unknown("system", node)
        for node in self.m.datasets:
            self.dataset(node, self.dataset_system.get(node["fides_key"]))
        for node in self.m.systems:
            self.edges(node["fides_key"], node)
            for declaration in node.get("privacy_declarations") or []:
                if isinstance(declaration, LocatedMap) and (
                    declaration.get("egress") or declaration.get("ingress")
                ):
                    self.edges(node["fides_key"], declaration)


def import_fides(directory: Path, draft: Draft) -> None:
    FidesImport(_load(directory, draft), draft).run()
