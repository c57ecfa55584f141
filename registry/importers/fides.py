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

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.core.loader import LoadResult, LocatedList, LocatedMap, discover, load_text
from registry.core.vocabulary import Art9Condition, SpecialCategory
from registry.importers import fideslang
from registry.importers.draft import (
    Draft,
    ImportFailure,
    Interpretation,
    match_key,
    organisation_key,
)
from registry.importers.spreadsheet import country_code, parse_basis, parse_contact
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
_TOP = ("organization", "system", "dataset", "data_category", "data_use", "data_subject")
_THIRD_PARTY = re.compile(r"third[\s_-]*party|vendor|saas", re.I)
DEFAULT_ORGANIZATION = "default_organization"  # what fideslang assumes when none is named

# Reasons shared by many fields (the report groups by reason).
EMPTY = "empty: nothing to import"
TAGS = "Fides tags: not part of the register"
TOOLING = (
    "a Fides setting (versioning, scanner, privacy-request configuration): not register content"
)
SCHEMA = (
    "a table or column of the dataset: the register records the categories the system "
    "holds, not its schema"
)
NOT_PERSONAL = "system.* describes the system (operations, authentication), not a person"
NON_IDENTIFIABLE = (
    "labelled non-identifiable (fideslang 1.0): not imported as personal data — add it "
    "back if it can single someone out (Recital 26)"
)
NO_PERSONAL_DECLARATION = (
    "a declaration of system data only: not a processing of personal data (Art. 30)"
)
NO_PERSONAL_SYSTEM = "part of a system that declares no personal data: not in the register"
NO_PERSONAL_DATASET = (
    "part of a dataset holding no personal data that no system of the register references"
)
COOKIES = "cookie and device-storage disclosure (ePrivacy, TCF): not part of the Art. 30 register"
POLICY = "a Fides policy is a check Fides runs, not an entry of the register"


@dataclass
class Manifests:
    organizations: list[LocatedMap] = field(default_factory=list)
    systems: list[LocatedMap] = field(default_factory=list)
    datasets: list[LocatedMap] = field(default_factory=list)
    categories: dict[str, LocatedMap] = field(default_factory=dict)
    uses: dict[str, LocatedMap] = field(default_factory=dict)
    subjects: dict[str, LocatedMap] = field(default_factory=dict)
    other: list[tuple[LocatedMap, str]] = field(default_factory=list)  # (document, key)


def _files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise ImportFailure(f"{source} is not a Fides manifest or a directory of them")
    if (source / ".fides").is_dir():  # a project: its manifests' usual home
        return discover(source / ".fides")
    return discover(source)


def _load(source: Path) -> tuple[Manifests, list[LocatedMap]]:
    result = LoadResult()
    root = source.parent if source.is_file() else source
    for path in _files(source):
        name = path.relative_to(root).as_posix()
        try:
            load_text(path.read_text("utf-8"), name, result)
        except (OSError, UnicodeDecodeError) as error:
            raise ImportFailure(f"{name}: cannot read ({error})") from None
    if result.problems:
        problem = result.problems[0]
        raise ImportFailure(f"{problem.pos}: {problem.message}")
    manifests = Manifests()
    bodies: list[LocatedMap] = []
    for document in result.documents:
        body = document.body
        if body is None:
            continue
        if not isinstance(body, LocatedMap):
            raise ImportFailure(f"{document.pos}: a Fides manifest is a mapping of lists")
        bodies.append(body)
        for key, items in body.items():
            where = f"{body.file}:{body.key_positions[key].line}"
            if key not in _TOP:
                manifests.other.append((body, key))
                continue
            if items is None:
                continue
            if not isinstance(items, LocatedList) or not all(
                isinstance(i, LocatedMap) for i in items
            ):
                raise ImportFailure(f"{where}: {key} must be a list of mappings")
            for index, item in enumerate(items):
                if not isinstance(item.get("fides_key"), str):
                    line = items.item_positions[index].line
                    raise ImportFailure(f"{body.file}:{line}: {key} entry without a fides_key")
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
        raise ImportFailure(f"no Fides organization, system or dataset in {source}")
    return manifests, bodies


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class FidesImport:
    def __init__(self, manifests: Manifests, bodies: list[LocatedMap], draft: Draft) -> None:
        self.m = manifests
        self.draft = draft
        self.paths: dict[int, str] = {}
        self.orgs: dict[str, str] = {}  # organization fides_key → our id
        self.placeholders: dict[str, str] = {}  # missing organisation key → placeholder id
        self.systems: dict[str, str] = {}  # system fides_key → our id
        self.system_ids: dict[str, str] = {}  # reserved before the organisations take theirs
        self.system_nodes: dict[str, LocatedMap] = {}
        self.owner: dict[str, str] = {}  # our system id → the controller (our organisation)
        self.vendor: dict[str, str] = {}  # our system id → the vendor running it
        self.activities: dict[str, list[str]] = {}  # our system id → its activities
        self.activity_use: dict[str, str] = {}  # activity → data use key
        self.holders: dict[str, list[str]] = {}  # dataset fides_key → systems holding it
        self.wants_user: dict[str, tuple[list[str], str]] = {}  # activity → (datasets, where)
        self.flows: dict[tuple[str, str, str], str] = {}  # (activity, from, to) → flow id
        self.contracts: dict[tuple[str, str], str] = {}  # (controller, vendor) → draft DPA
        self.used_recipients: set[str] = set()
        self._named_by: str | None = None  # the data use recipient naming a vendor
        self.skipped: dict[str, LocatedMap] = {}  # systems with no personal data
        self.personal_datasets: set[str] = set()
        self.dataset_categories: dict[str, list[str]] = {}  # dataset key → our categories
        self._dataset_key = ""  # the dataset being walked
        for body in bodies:
            self._register(body, "")

    # -- the ledger ---------------------------------------------------------------------
    def _register(self, node: Any, path: str) -> None:
        self.paths[id(node)] = path
        if isinstance(node, LocatedMap):
            for key, value in node.items():
                sub = f"{path}.{key}" if path else str(key)
                if isinstance(value, LocatedMap | LocatedList) and value:
                    self._register(value, sub)
                else:
                    self._leaf(self.at(node, key), value)
        elif isinstance(node, LocatedList):
            for index, item in enumerate(node):
                if isinstance(item, LocatedMap | LocatedList) and item:
                    self._register(item, f"{path}[{index}]")
                else:
                    self._leaf(self.at_item(node, index), item)

    def _leaf(self, where: str, value: Any) -> None:
        self.draft.expect(where, value)
        if _empty(value):
            self.draft.report(where, value, EMPTY, quiet=True)

    def at(self, node: LocatedMap, key: Any) -> str:
        """The field ``key`` of ``node``: file, line and path, e.g.
        ``systems.yml:12 system[0].privacy_declarations[1].data_use``."""
        path = self.paths[id(node)]
        return f"{node.file}:{node.key_positions[key].line} {f'{path}.' if path else ''}{key}"

    def at_item(self, items: LocatedList, index: int) -> str:
        return f"{items.file}:{items.item_positions[index].line} {self.paths[id(items)]}[{index}]"

    def leaves(self, node: Any, key: Any = None) -> Iterator[str]:
        """Every field under ``node[key]`` (or under ``node``)."""
        if key is not None:
            value = node[key]
            if isinstance(value, LocatedMap | LocatedList) and value:
                yield from self.leaves(value)
            else:
                yield self.at(node, key)
            return
        if isinstance(node, LocatedMap):
            for k in node:
                yield from self.leaves(node, k)
        elif isinstance(node, LocatedList):
            for index, item in enumerate(node):
                if isinstance(item, LocatedMap | LocatedList) and item:
                    yield from self.leaves(item)
                else:
                    yield self.at_item(node, index)

    def to(self, node: LocatedMap, key: str, target: str, meaning: str | None = None) -> None:
        """Every field under ``node[key]`` went to ``target``."""
        if key in node and not _empty(node[key]):
            for where in self.leaves(node, key):
                self.draft.mapped(where, target, meaning)

    def skip(self, node: LocatedMap, key: str, reason: str, *, quiet: bool = False) -> None:
        if key in node and not _empty(node[key]):
            for where in self.leaves(node, key):
                self.draft.report(where, self.draft.ledger[where].value, reason, quiet=quiet)

    def not_placed(self, where: str, reason: str, *, quiet: bool = False) -> None:
        account = self.draft.ledger.get(where)
        self.draft.report(where, account.value if account else "", reason, quiet=quiet)

    def strings(self, node: LocatedMap, key: str) -> list[tuple[str, str]]:
        """A string or list-of-strings field: (value, where) for each string in it."""
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return [(value.strip(), self.at(node, key))]
        if isinstance(value, LocatedList):
            found = []
            for index, item in enumerate(value):
                if isinstance(item, str) and item.strip():
                    found.append((item.strip(), self.at_item(value, index)))
                elif not isinstance(item, LocatedMap | LocatedList):
                    self.not_placed(self.at_item(value, index), f"{key} should list strings")
            return found
        return []

    # -- personal data or not -------------------------------------------------------------
    @staticmethod
    def _personal(key: str) -> bool:
        return not (
            fideslang.not_personal(fideslang.normalise(key)) or fideslang.non_identifiable(key)
        )

    def _declares_personal(self, declaration: LocatedMap, system_datasets: list[str]) -> bool:
        categories = [k for k, _ in self.strings(declaration, "data_categories")]
        if any(self._personal(k) for k in categories):
            return True
        datasets = [k for k, _ in self.strings(declaration, "dataset_references")]
        if not categories:  # no categories: those of its datasets (or the system's)
            datasets += system_datasets
        return any(d in self.personal_datasets for d in datasets)

    def _processes_personal_data(self, node: LocatedMap) -> bool:
        """A system whose declarations and datasets name only system data is not in the
        register: it processes no personal data."""
        system_datasets = [k for k, _ in self.strings(node, "dataset_references")]
        if any(d in self.personal_datasets for d in system_datasets):
            return True
        declarations = node.get("privacy_declarations")
        if not isinstance(declarations, LocatedList) or not declarations:
            return True  # nothing declared: kept, so that its gaps show
        return any(
            self._declares_personal(d, system_datasets)
            for d in declarations
            if isinstance(d, LocatedMap)
        )

    # -- taxonomy ---------------------------------------------------------------------
    def category(self, key: str, where: str) -> str | None:
        """Our category for a fideslang key (None for ``system.*`` and data labelled
        non-identifiable: not personal data; the caller reports which)."""
        normal = fideslang.normalise(key)
        if fideslang.not_personal(normal) or fideslang.non_identifiable(key):
            return None
        declared = self.m.categories.get(key) or self.m.categories.get(normal)
        found = fideslang.category_of(normal)
        if normal == "user":
            found = fideslang.ANY_USER_DATA
        elif declared is not None and (found is None or normal not in fideslang.CATEGORIES):
            # A category the manifests declare: its own entry, under its declared parent.
            parent_key = declared.get("parent_key")
            parent = self.category(parent_key, where) if isinstance(parent_key, str) else None
            name = str(declared.get("name") or _humanise(normal))
            ident = self.draft.category(name, where, parent)
            entry = self.draft.get("DataCategory", ident)
            if entry is not None and isinstance(declared.get("description"), str):
                entry.setdefault("description", declared["description"])
            self.draft.alias_category(ident, key)
            return ident
        if found is None:  # under `user` but unknown to every fideslang version
            ident = self.draft.category(_humanise(normal), where)
        elif isinstance(found, str):
            ident = found
        else:
            ident = self._new_category(found, where)
        self.draft.alias_category(ident, key)
        return ident

    def not_personal(self, key: str, where: str) -> None:
        if fideslang.non_identifiable(key):
            self.not_placed(where, NON_IDENTIFIABLE)
        else:
            self.not_placed(where, NOT_PERSONAL, quiet=True)

    def _new_category(self, new: fideslang.NewCategory, where: str) -> str:
        if self.draft.get("DataCategory", new.id) is None:
            data: dict[str, Any] = {"id": new.id, "name": new.name}
            if new.parent:
                data["parent"] = new.parent
            if new.description:
                data["description"] = new.description
            self.draft.add("DataCategory", data, where)
            self.draft.name_category(new.id, new.name)
        return new.id

    def subject(self, key: str, where: str) -> str:
        if key in fideslang.SUBJECTS:
            return fideslang.SUBJECTS[key]
        declared = self.m.subjects.get(key)
        name = declared.get("name") if declared is not None else None
        name = name or fideslang.SUBJECT_NAMES.get(key) or _humanise(key)
        ident = self.draft.subject(str(name), where)
        if declared is not None:
            entry = self.draft.get("DataSubject", ident)
            if entry is not None and isinstance(declared.get("description"), str):
                entry.setdefault("description", declared["description"])
        return ident

    def use_name(self, use: str) -> str:
        declared = self.m.uses.get(use)
        if declared is not None and isinstance(declared.get("name"), str):
            return declared["name"]
        return fideslang.use_label(use)

    # -- organisations ------------------------------------------------------------------
    def organisation(self, node: LocatedMap) -> None:
        controller = node.get("controller") if isinstance(node.get("controller"), dict) else {}
        name = node.get("name") or controller.get("name") or node["fides_key"]
        contact = {k: str(controller[k]) for k in ("email", "phone") if controller.get(k)}
        person = controller.get("name")
        if person and organisation_key(str(person)) != organisation_key(str(name)):
            contact = {"name": str(person)} | contact
        fields: dict[str, Any] = {
            "description": node.get("description"),
            "address": controller.get("address"),
            "contact": contact or None,
            "dpo": _contact(node.get("data_protection_officer")),
            "representative": _contact(node.get("representative")),
        }
        ident = self.draft.organisation(str(name), self.at(node, "fides_key"), **fields)
        self.orgs[node["fides_key"]] = ident
        target = f"Organisation {ident}"
        self.to(node, "fides_key", target)
        self.to(node, "name", f"{target}.name")
        self.to(node, "description", f"{target}.description")
        if isinstance(node.get("controller"), LocatedMap):
            block = node["controller"]
            for key in block:
                part = {"name": "contact", "address": "address"}.get(key, "contact")
                if key == "name" and "name" not in node:
                    part = "name"
                if key in ("name", "address", "email", "phone"):
                    self.to(block, key, f"{target}.{part}")
        for key, part in (("data_protection_officer", "dpo"), ("representative", "representative")):
            if isinstance(node.get(key), LocatedMap):
                for sub in ("name", "address", "email", "phone"):
                    self.to(node[key], sub, f"{target}.{part}")
        self.skip(
            node,
            "security_policy",
            "an organisation-wide policy link: ropa describes measures per system "
            "(`security:`); cite it there once checked",
        )
        self.skip(node, "tags", TAGS, quiet=True)
        for key in ("fidesctl_meta", "organization_parent_key", "organization_fides_key"):
            self.skip(node, key, TOOLING, quiet=True)
        self._defaults(node)

    def _defaults(self, node: LocatedMap) -> None:
        for key in ("is_default", "version_added", "version_deprecated", "replaced_by", "meta"):
            self.skip(node, key, TOOLING, quiet=True)
        self.skip(node, "tags", TAGS, quiet=True)

    def owner_of(self, node: LocatedMap) -> str:
        """The organisation a system or dataset belongs to: a placeholder when the
        manifests name one they do not define (or define none)."""
        key = node.get("organization_fides_key")
        explicit = isinstance(key, str) and bool(key.strip())
        if explicit and key in self.orgs:
            ident = self.orgs[key]
        elif not explicit and len(self.orgs) == 1:
            ident = next(iter(self.orgs.values()))
        elif not explicit and DEFAULT_ORGANIZATION in self.orgs:
            ident = self.orgs[DEFAULT_ORGANIZATION]
        else:
            ident = self._placeholder(key if explicit else DEFAULT_ORGANIZATION)
        if explicit:
            self.to(node, "organization_fides_key", f"Organisation {ident}")
        return ident

    def _placeholder(self, key: str) -> str:
        if key in self.placeholders:
            return self.placeholders[key]
        ident = self.draft.add(
            "Organisation",
            {
                "id": self.draft.new_id("Organisation", key),
                "name": f"Controller to be named (Fides organization {key})",
                "description": "Placeholder written by `ropa import fides`: the manifests "
                "name this organisation but do not define it.",
            },
            "the manifests",
        )
        self.placeholders[key] = ident
        self.draft.todo.append(
            f"organisations/{ident}.yaml is a placeholder: the manifests name the organisation "
            f"{key!r} (the controller of their systems) but do not define it. Give its legal "
            "name, address and contact (and DPO)."
        )
        return ident

    # -- systems ------------------------------------------------------------------------
    def system(self, node: LocatedMap) -> None:
        key = node["fides_key"]
        owner = self.owner_of(node)
        ident = self.system_ids[key]
        target = f"System {ident}"
        data: dict[str, Any] = {"id": ident, "name": str(node.get("name") or key)}
        self.to(node, "fides_key", f"{target}.identifiers")
        self.to(node, "name", f"{target}.name")
        if isinstance(node.get("description"), str) and node["description"].strip():
            data["description"] = node["description"]
            self.to(node, "description", f"{target}.description")
        department = node.get("administrating_department")
        if isinstance(department, str) and department.strip():
            if department.strip().casefold() == "not defined":
                self.skip(
                    node, "administrating_department", "Fides's default: no team named", quiet=True
                )
            else:
                data["owner"] = department.strip()
                self.to(node, "administrating_department", f"{target}.owner")
        if isinstance(node.get("data_security_practices"), str):
            data["security"] = {"measures": [node["data_security_practices"]]}
            self.to(node, "data_security_practices", f"{target}.security")
        data["identifiers"] = [key]
        vendor = self._vendor(node, owner, target)
        data["operator"] = vendor or owner
        self.draft.add("System", data, self.at(node, "fides_key"))
        self.systems[key] = ident
        self.system_nodes[key] = node
        self.owner[ident] = owner
        if vendor:
            self.vendor[ident] = vendor
        for dataset, where in self.strings(node, "dataset_references"):  # 3.x
            self.holders.setdefault(dataset, [])
            if ident not in self.holders[dataset]:
                self.holders[dataset].append(ident)
            self.draft.mapped(where, f"{target}.identifiers")
        roles = self.strings(node, "responsibility") + self.strings(
            node, "data_responsibility_title"
        )
        for role, where in roles:
            if role.lower().replace("-", "_") == "controller":
                self.draft.mapped(where, f"Organisation {owner}")  # the activities' controller
            else:
                self.not_placed(
                    where,
                    f"declared {role}: the activities are imported with {owner} as controller; "
                    "where it processes on another controller's behalf, name that controller",
                )
        for key_ in ("system_type", "vendor_id"):
            if key_ in node and not vendor:
                self.skip(node, key_, "a kind of system, not part of the register", quiet=True)
        self._exemptions(node, target)
        for key_ in ("privacy_policy", "legitimate_interest_disclosure_url"):
            self.skip(node, key_, "the vendor's notice to the public: not part of the register")
        for key_ in ("cookie_max_age_seconds", "uses_cookies", "cookie_refresh"):
            self.skip(node, key_, COOKIES, quiet=True)
        self.skip(node, "uses_non_cookie_access", COOKIES, quiet=True)
        for key_ in ("previous_vendor_id", "vendor_deleted_date", "fidesctl_meta", "meta"):
            self.skip(node, key_, TOOLING, quiet=True)
        self.skip(
            node,
            "system_dependencies",
            "a dependency is not a data flow: declare the flow where personal data moves",
        )
        self._defaults(node)

    def _exemptions(self, node: LocatedMap, target: str) -> None:
        if node.get("processes_personal_data") is False:
            self.skip(
                node,
                "processes_personal_data",
                "the system says it processes no personal data: its declarations are imported "
                "as written; remove them if that is so",
            )
        else:
            self.to(node, "processes_personal_data", target)
        if node.get("exempt_from_privacy_regulations") is True:
            reason = node.get("reason_for_exemption")
            self.skip(
                node,
                "exempt_from_privacy_regulations",
                "declared exempt from privacy regulation"
                + (f" ({reason})" if isinstance(reason, str) else "")
                + ": the GDPR has no such exemption for a register entry; check it",
            )
            self.skip(node, "reason_for_exemption", "the reason for the exemption above")
        else:
            self.skip(
                node, "exempt_from_privacy_regulations", "not exempt: as expected", quiet=True
            )
            self.skip(node, "reason_for_exemption", "no exemption claimed", quiet=True)

    def _vendor(self, node: LocatedMap, owner: str, target: str) -> str | None:
        """The organisation running a third party's system (None when it is in-house)."""
        legal_name = node.get("legal_name")
        owner_name = self.draft.entities[("Organisation", owner)]["name"]
        if isinstance(legal_name, str) and legal_name.strip():
            if organisation_key(legal_name) == organisation_key(owner_name):
                self.to(node, "legal_name", f"Organisation {owner}.name")
                self.skip(node, "legal_address", "the organisation's own address", quiet=True)
                return None
            dpo = node.get("dpo")
            dpo_contact = None
            if isinstance(dpo, str) and dpo.strip():
                dpo_contact = {"email": dpo} if "@" in dpo else {"name": dpo}
            vendor = self.draft.organisation(
                legal_name,
                self.at(node, "legal_name"),
                address=node.get("legal_address"),
                dpo=dpo_contact,
            )
            for key in ("legal_name", "legal_address", "dpo"):
                part = {"legal_name": "name", "legal_address": "address"}.get(key, key)
                self.to(node, key, f"Organisation {vendor}.{part}")
            for key in ("system_type", "vendor_id"):
                self.to(node, key, f"{target}.operator")
            return vendor
        system_type = node.get("system_type")
        third = isinstance(system_type, str) and bool(_THIRD_PARTY.search(system_type))
        if not third and not (isinstance(node.get("vendor_id"), str) and node["vendor_id"]):
            self.skip(node, "legal_address", "no legal name to attach it to")
            self.skip(node, "dpo", "no vendor named (legal_name) to attach it to")
            return None
        self._named_by = None
        name = self._vendor_name(node)
        vendor = self.draft.organisation(name, self.at(node, "fides_key"))
        if self._named_by is not None:
            self.draft.mapped(self._named_by, f"Organisation {vendor}.name")
        meaning = (
            f"a third party's system: run by {name}, our processor unless the data use says "
            "otherwise"
        )
        for key in ("system_type", "vendor_id"):
            self.to(node, key, f"{target}.operator", meaning if key == "system_type" else None)
        if name == str(node.get("name") or node["fides_key"]):
            self.draft.todo.append(
                f"organisations/{vendor}.yaml: the vendor running system {node['fides_key']} is "
                f"named after it ({name!r}); give the vendor's legal name, country and contact."
            )
        return vendor

    def _vendor_name(self, node: LocatedMap) -> str:
        """A data use's recipient whose name starts the system's ("Google" for Google
        Analytics), else the system's own name."""
        system_words = match_key(str(node.get("name") or node["fides_key"])).split()
        for declaration in node.get("privacy_declarations") or []:
            use = (
                self.m.uses.get(str(declaration.get("data_use")))
                if isinstance(declaration, LocatedMap)
                else None
            )
            if use is None:
                continue
            for recipient, where in self.strings(use, "recipients"):
                words = organisation_key(recipient).split()
                if words and system_words[: len(words)] == words:
                    self.used_recipients.add(where)
                    self._named_by = where
                    return recipient
        return str(node.get("name") or node["fides_key"])

    # -- declarations → activities --------------------------------------------------------------
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

    def _special(self, category: str) -> bool:
        seen: set[str] = set()
        while category and category not in seen:
            seen.add(category)
            entry = self.draft.get("DataCategory", category)
            builtin = self.draft.builtin.categories.get(category)
            special = (entry or {}).get("special") or (builtin.special if builtin else None)
            if special and special != SpecialCategory.national_id:
                return True
            category = (entry or {}).get("parent") or (builtin.parent if builtin else None)
        return False

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
            if block.get("is_required") is False:
                dpia["status"] = "not_required"
            progress = str(block.get("progress") or "").lower()
            if progress in DPIA_PROGRESS:
                dpia["status"] = DPIA_PROGRESS[progress]
            if isinstance(block.get("link"), str):
                dpia["link"] = block["link"]
            self.to(system_node, "data_protection_impact_assessment", f"{target}.dpia")
        if system_node.get("requires_data_protection_assessments") is False:  # 3.x
            dpia["status"] = "not_required"
        progress = str(system_node.get("dpa_progress") or "").lower()
        if progress in DPIA_PROGRESS:
            dpia["status"] = DPIA_PROGRESS[progress]
        if isinstance(system_node.get("dpa_location"), str):
            dpia["link"] = system_node["dpa_location"]
        for key in ("requires_data_protection_assessments", "dpa_progress", "dpa_location"):
            self.to(system_node, key, f"{target}.dpia")
        return dpia

    def _joint(self, system_node: LocatedMap, target: str) -> list[str]:
        joint: list[str] = []
        block = system_node.get("joint_controller")  # 2.x: a contact block
        contact = _contact(block)
        if contact and contact.get("name"):
            joint.append(self._party(contact, self.at(system_node, "joint_controller")))
            self.to(system_node, "joint_controller", f"{target}.joint_controllers")
        info = system_node.get("joint_controller_info")  # 3.x: "name; address; email; phone"
        if isinstance(info, str) and info.strip():
            where = self.at(system_node, "joint_controller_info")
            joint.append(self._party(parse_contact(info), where))
            self.to(system_node, "joint_controller_info", f"{target}.joint_controllers")
        return joint

    def _party(self, fields: dict[str, Any], where: str) -> str:
        contact = {k: fields[k] for k in ("email", "phone") if fields.get(k)}
        return self.draft.organisation(
            fields["name"], where, address=fields.get("address"), contact=contact or None
        )

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
        categories = []
        for key, where in self.strings(node, "shared_categories"):
            ident = self.category(key, where)
            if ident is None:
                self.not_personal(key, where)
            elif ident not in categories:
                categories.append(ident)
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

    # -- datasets → what systems store ---------------------------------------------------
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
        contact = _contact(node.get("joint_controller"))
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

    # -- flows ---------------------------------------------------------------------------------
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

    def chain(self, category: str) -> list[str]:
        found = [category]
        while True:
            entry = self.draft.get("DataCategory", found[-1])
            builtin = self.draft.builtin.categories.get(found[-1])
            parent = (entry or {}).get("parent") or (builtin.parent if builtin else None)
            if not parent or parent in found:
                return found
            found.append(parent)

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
                        given = []
                        for key, cwhere in self.strings(edge, "data_categories"):
                            ident = self.category(key, cwhere)
                            if ident is None:
                                self.not_personal(key, cwhere)
                            elif ident not in given:
                                given.append(ident)
                        given = given or None
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

    def subjects_extras(self) -> None:
        for key, node in self.m.subjects.items():
            users = [
                ident
                for ident, entry in self.draft.of_kind("Activity").items()
                if self.subject_ids.get(key) in entry["data_subjects"]
            ]
            target = self.subject_ids.get(key)
            if target is None or not users:
                for k in node:
                    self.skip(node, k, "a data subject no declaration names", quiet=True)
                continue
            for k in ("fides_key", "name", "description"):
                self.to(node, k, f"DataSubject {target}")
            self.skip(
                node,
                "rights",
                "ropa derives the data subjects' rights from each purpose's lawful basis "
                "(Art. 15-22); this list is not kept",
            )
            flag = node.get("automated_decisions_or_profiling")
            if flag is True:
                for ident in users:
                    entry = self.draft.entities[("Activity", ident)]
                    entry.setdefault(
                        "automated_decisions",
                        f"automated decisions or profiling (Fides: data subject {key})",
                    )
                    self.to(
                        node,
                        "automated_decisions_or_profiling",
                        f"Activity {ident}.automated_decisions",
                    )
            elif flag is False:
                self.skip(
                    node, "automated_decisions_or_profiling", "none: nothing to record", quiet=True
                )
            self._defaults(node)

    def taxonomy_extras(self) -> None:
        for key, node in self.m.categories.items():
            ident = self.draft.known_category(key)
            if ident is None:
                for k in node:
                    self.skip(
                        node, k, "a category no system, dataset or declaration uses", quiet=True
                    )
                continue
            for k in ("fides_key", "name", "description", "parent_key"):
                self.to(node, k, f"DataCategory {ident}")
            self._defaults(node)
        for key, node in self.m.uses.items():
            users = [a for a, u in self.activity_use.items() if u == key]
            if not users:
                for where in self.leaves(node):
                    if not self.draft.ledger[where].outcomes:
                        self.not_placed(where, "a data use no declaration names", quiet=True)
                continue
            for k in ("fides_key", "name", "description"):
                self.to(node, k, f"Activity {users[0]}.purposes")
            self.skip(node, "parent_key", "the data use's place in fideslang's tree", quiet=True)
            self._defaults(node)

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

    def run(self) -> None:
        for node in self.m.systems:  # systems keep their fides_key as id, before anything
            self.system_ids[node["fides_key"]] = ident = self.draft.new_id(
                "System", node["fides_key"]
            )
            self.draft.reserved.add(ident)
        for node in self.m.organizations:
            self.organisation(node)
        self.personal_datasets = {
            d["fides_key"] for d in self.m.datasets if any(self._personal(k) for k in _keys_in(d))
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
        self.subject_ids: dict[str, str] = {}
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

    def _declared_subjects(self, system_node: LocatedMap) -> Iterator[tuple[str, str]]:
        for declaration in system_node.get("privacy_declarations") or []:
            if isinstance(declaration, LocatedMap):
                value = declaration.get("data_subjects")
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            yield item, ""


def _keys_in(node: Any) -> Iterator[str]:
    """Every data category key named anywhere in a dataset."""
    if isinstance(node, LocatedMap):
        value = node.get("data_categories")
        if isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        for key in ("collections", "fields"):
            for child in node.get(key) or []:
                yield from _keys_in(child)


def _humanise(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _contact(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    result = {k: str(value[k]) for k in ("name", "email", "phone", "address") if value.get(k)}
    return result or None


def import_fides(source: Path, draft: Draft) -> None:
    manifests, bodies = _load(source)
    FidesImport(manifests, bodies, draft).run()
