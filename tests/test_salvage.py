"""An entity with schema errors is kept with what validated (issue 16), or left out
when it has no identity or has lost what it is about (registry/core/salvage.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.pipeline.check import check
from tests.conftest import AS_OF, write_inventory

SYSTEM = """\
kind: System
id: lis
name: Laboratory information system
operator: lab
country: FR
stores:
  - category: identity
    retention: P10Y
  - category: lab-results
    retention: P10Y
security: {encryption_at_rest: true, mfa: true}
---
kind: Organisation
id: lab
name: Lab
"""


def load(tmp_path: Path, text: str):
    return load_inventory(write_inventory(tmp_path, {"inv.yaml": text}))


def test_a_valid_entity_has_nothing_set_aside(tmp_path: Path) -> None:
    inventory = load(tmp_path, SYSTEM)
    assert inventory.problems == [] and inventory.set_aside == {}
    assert inventory.judged() is inventory
    assert not inventory.is_invalid("System", "lis")


def test_a_wrong_field_is_set_aside_and_the_rest_kept(tmp_path: Path) -> None:
    inventory = load(tmp_path, SYSTEM.replace("country: FR", "country: France"))
    lis = inventory.systems["lis"]
    assert lis.country is None
    assert (lis.name, lis.operator, [s.category for s in lis.stores]) == (
        "Laboratory information system",
        "lab",
        ["identity", "lab-results"],
    )
    assert lis.security is not None and lis.security.mfa is True
    assert inventory.set_aside[("System", "lis")].paths == ("country",)
    assert inventory.is_invalid("System", "lis")
    assert [f.rule for f in inventory.schema_errors[("System", "lis")]] == ["SCH-009"]
    # the rules judge what validated whole, as before; the outputs read the whole
    assert "lis" not in inventory.judged().systems
    assert "lab" in inventory.judged().organisations


def test_list_items_and_nested_parts_that_fail_go_alone(tmp_path: Path) -> None:
    text = SYSTEM.replace(
        "  - category: lab-results\n    retention: P10Y\n",
        "  - category: Lab Results\n"  # not an id: the item goes
        "  - retention: P1Y\n"  # no category: the item goes
        "  - category: lab-results\n    retention: P10X\n"  # the retention goes
        "  - category: contact\n",
    ).replace("mfa: true}", "mfa: yes}\nlast_reviewed: {date: 2026-01-01}")
    inventory = load(tmp_path, text)
    lis = inventory.systems["lis"]
    assert [(s.category, str(s.retention) if s.retention else None) for s in lis.stores] == [
        ("identity", "P10Y"),
        ("lab-results", None),
        ("contact", None),
    ]
    assert lis.security is not None
    assert (lis.security.encryption_at_rest, lis.security.mfa) == (True, None)
    assert lis.last_reviewed is None  # a review without its reviewer is not a review
    assert inventory.set_aside[("System", "lis")].paths == (
        "last_reviewed",
        "security.mfa",
        "stores.1",
        "stores.2",
        "stores.3.retention",
    )


def test_a_part_left_empty_goes_with_what_it_held(tmp_path: Path) -> None:
    inventory = load(
        tmp_path, SYSTEM.replace("{encryption_at_rest: true, mfa: true}", "{mfa: yes}")
    )
    assert inventory.systems["lis"].security is None  # not an empty, "documented" one
    assert inventory.set_aside[("System", "lis")].paths == ("security",)


def test_a_name_that_fails_is_replaced_by_the_id(tmp_path: Path) -> None:
    bad = 'name: "\\e[31mLaboratory information system"'
    inventory = load(tmp_path, SYSTEM.replace("name: Laboratory information system", bad))
    lis = inventory.systems["lis"]
    assert lis.name == "lis" and lis.country == "FR"
    assert inventory.set_aside[("System", "lis")].name_is_id
    missing = load(tmp_path / "b", SYSTEM.replace("name: Laboratory information system\n", ""))
    assert missing.systems["lis"].name == "lis"
    assert [f.rule for f in missing.problems] == ["SCH-010"]


def test_unknown_fields_are_set_aside(tmp_path: Path) -> None:
    inventory = load(tmp_path, SYSTEM.replace("country: FR", "country: FR\ncolour: blue"))
    assert inventory.systems["lis"].country == "FR"
    assert inventory.set_aside[("System", "lis")].paths == ("colour",)


def test_a_mapping_key_that_fails_goes_with_its_value(tmp_path: Path) -> None:
    inventory = load(
        tmp_path,
        "kind: Contract\nid: dpa\ntype: dpa\n"
        "art28_clauses: {confidentiality: true, audit: true, security: maybe}\n",
    )
    assert inventory.contracts["dpa"].art28_clauses == {"confidentiality": True}
    assert inventory.set_aside[("Contract", "dpa")].paths == (
        "art28_clauses.audit",
        "art28_clauses.security",
    )


@pytest.mark.parametrize(
    "text",
    [
        "kind: System\nid: LIS\nname: LIS\n",  # no usable id: nothing can name it
        "kind: System\nname: LIS\n",
        "kind: System\nid: [lis]\nname: LIS\n",
        "kind: Flow\nid: f\nactivity: care\nfrom: Bad Source\nto: lis\n",  # lost its end
        "kind: Flow\nid: f\nactivity: care\nfrom: lis\n",
        "kind: Contract\nid: c\ntype: handshake\n",  # lost what it is
        "kind: Waiver\nid: w\nentity: System:lis\n",
    ],
)
def test_without_identity_or_what_it_is_about_it_stays_out(tmp_path: Path, text: str) -> None:
    inventory = load(tmp_path, text)
    assert not list(inventory.entities()), text
    assert inventory.problems and inventory.set_aside == {}


def test_an_invalid_entity_counts_as_known_for_references(tmp_path: Path) -> None:
    """A flow to a system kept in part is an edge to it, not a dangling reference."""
    text = SYSTEM.replace("country: FR", "country: France") + (
        "---\nkind: Activity\nid: care\nname: Care\ncontroller: lab\n"
        "---\nkind: Flow\nid: f\nactivity: care\nfrom: patients\nto: lis\n"
    )
    result = check(load(tmp_path, text), AS_OF)
    assert [f.message for f in result.findings if f.rule.startswith("SCH")] == [
        "country: 'France' is not an ISO 3166-1 alpha-2 country code (e.g. FR, DE, US)"
    ]
    assert "lis" in result.inventory.systems  # the outputs' inventory keeps it


def test_one_item_of_a_field_written_as_a_list_goes_alone(tmp_path: Path) -> None:
    """`country` is one code or a list of them: a bad code in the list goes, not the list."""
    inventory = load(tmp_path, SYSTEM.replace("country: FR", "country: [FR, France, DE]"))
    assert inventory.systems["lis"].country == ["FR", "DE"]
    assert inventory.set_aside[("System", "lis")].paths == ("country.1",)
