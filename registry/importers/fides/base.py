"""The import's ledger and state: every field of every manifest is expected, and each
step says where it went (`to`) or why it was not carried over (`skip`, `not_placed`).

The import is one object built in layers, each module adding a responsibility to the
one below (base → taxonomy → systems → flows → purposes → datasets → the import):
the steps share what earlier steps found (ids, owners, vendors, holders, flows).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from registry.core.loader import LocatedList, LocatedMap
from registry.importers.draft import Draft
from registry.importers.fides.manifests import Manifests

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


def empty(value: Any) -> bool:
    """Whether a field holds nothing to import (reported as empty, quietly)."""
    return value is None or value == "" or value == [] or value == {}


def humanise(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def contact_of(value: Any) -> dict[str, str] | None:
    """A Fides contact block (name, email, phone, address), None when it names nothing."""
    if not isinstance(value, dict):
        return None
    result = {k: str(value[k]) for k in ("name", "email", "phone", "address") if value.get(k)}
    return result or None


class Ledger:
    """The manifests being imported, what the import has made of them so far, and the
    ledger of their fields."""

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
        self.subject_ids: dict[str, str] = {}  # data subject fides_key → our id
        for body in bodies:
            self._register(body, "")

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
        if empty(value):
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
        if key in node and not empty(node[key]):
            for where in self.leaves(node, key):
                self.draft.mapped(where, target, meaning)

    def skip(self, node: LocatedMap, key: str, reason: str, *, quiet: bool = False) -> None:
        if key in node and not empty(node[key]):
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

    def _defaults(self, node: LocatedMap) -> None:
        for key in ("is_default", "version_added", "version_deprecated", "replaced_by", "meta"):
            self.skip(node, key, TOOLING, quiet=True)
        self.skip(node, "tags", TAGS, quiet=True)
