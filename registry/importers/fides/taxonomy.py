"""Categories, data subjects and data uses: fideslang's taxonomy onto ropa's, and
whether data is personal at all."""

from __future__ import annotations

from typing import Any

from registry.core.loader import LocatedList, LocatedMap
from registry.core.vocabulary import SpecialCategory
from registry.importers import fideslang
from registry.importers.fides.base import NON_IDENTIFIABLE, NOT_PERSONAL, Ledger, humanise


class Taxonomy(Ledger):
    """Our category, subject and purpose name for each fideslang key."""

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
            name = str(declared.get("name") or humanise(normal))
            ident = self.draft.category(name, where, parent)
            entry = self.draft.get("DataCategory", ident)
            if entry is not None and isinstance(declared.get("description"), str):
                entry.setdefault("description", declared["description"])
            self.draft.alias_category(ident, key)
            return ident
        if found is None:  # under `user` but unknown to every fideslang version
            ident = self.draft.category(humanise(normal), where)
        elif isinstance(found, str):
            ident = found
        else:
            ident = self._new_category(found, where)
        self.draft.alias_category(ident, key)
        return ident

    def categories_in(self, node: LocatedMap, key: str) -> list[str]:
        """Our categories for the fideslang keys ``node[key]`` lists, each once; a key
        that is not personal data is reported as such."""
        found: list[str] = []
        for category_key, where in self.strings(node, key):
            ident = self.category(category_key, where)
            if ident is None:
                self.not_personal(category_key, where)
            elif ident not in found:
                found.append(ident)
        return found

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
        name = name or fideslang.SUBJECT_NAMES.get(key) or humanise(key)
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

    def chain(self, category: str) -> list[str]:
        found = [category]
        while True:
            entry = self.draft.get("DataCategory", found[-1])
            builtin = self.draft.builtin.categories.get(found[-1])
            parent = (entry or {}).get("parent") or (builtin.parent if builtin else None)
            if not parent or parent in found:
                return found
            found.append(parent)

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
