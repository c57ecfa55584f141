"""Organisations and systems: the controller (or a placeholder for it), each system,
and the vendor that runs a third party's system."""

from __future__ import annotations

import re
from typing import Any

from registry.core.loader import LocatedMap
from registry.importers.draft import match_key, organisation_key
from registry.importers.fides.base import COOKIES, TAGS, TOOLING, contact_of
from registry.importers.fides.taxonomy import Taxonomy

_THIRD_PARTY = re.compile(r"third[\s_-]*party|vendor|saas", re.I)
DEFAULT_ORGANIZATION = "default_organization"  # what fideslang assumes when none is named


class Systems(Taxonomy):
    """Organisations, systems and the vendors running them."""

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
            "dpo": contact_of(node.get("data_protection_officer")),
            "representative": contact_of(node.get("representative")),
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

    def _party(self, fields: dict[str, Any], where: str) -> str:
        contact = {k: fields[k] for k in ("email", "phone") if fields.get(k)}
        return self.draft.organisation(
            fields["name"], where, address=fields.get("address"), contact=contact or None
        )
