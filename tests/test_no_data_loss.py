"""No data loss: every value written in the YAML reaches the resolved model.

Walks every document of an inventory and compares its YAML values with the
model's dump. The only rewrite allowed is the short form of a retention
(`P3Y after end of contract` → {period, after}).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from registry.core.inventory import load_inventory
from registry.core.loader import load_path
from tests.conftest import EXAMPLE, write_inventory

SAMPLE = {
    "org.yaml": """
        kind: Organisation
        id: biolab
        name: Biolab
        country: FR
        contact: {email: dpo@biolab.fr, phone: "+33 1 23 45 67 89"}
        aliases: [Biolab SAS]
    """,
    "system.yaml": """
        kind: System
        id: lis
        name: LIS
        operator: biolab
        country: FR
        stores:
          - category: lab-results
            retention: P10Y after last visit
          - category: identity
            retention: {period: P10Y, source: CSP R.1112-7}
        security: {encryption_at_rest: true, authentication: individual, measures: [backups]}
        identifiers: ["lis.biolab.internal", "postgres://lis/*"]
        last_reviewed: {date: 2026-10-01, by: DPO}
        review_every: P1Y
    """,
    "flow.yaml": """
        kind: Flow
        id: results
        activity: care
        from: lis
        to: biolab
        type: batch
        recipient_role: controller
        data_categories: [lab-results]
        encrypted_in_transit: true
    """,
}


def _same(yaml_value: Any, dumped: Any, path: str) -> None:
    if isinstance(yaml_value, dict):
        assert isinstance(dumped, dict), path
        for key, value in yaml_value.items():
            assert key in dumped, f"{path}.{key} was dropped"
            _same(value, dumped[key], f"{path}.{key}")
    elif isinstance(yaml_value, list):
        assert isinstance(dumped, list) and len(dumped) == len(yaml_value), path
        for index, (a, b) in enumerate(zip(yaml_value, dumped, strict=True)):
            _same(a, b, f"{path}[{index}]")
    elif isinstance(yaml_value, str) and isinstance(dumped, dict) and "period" in dumped:
        after = f" after {dumped['after']}" if dumped.get("after") else ""
        assert yaml_value == dumped["period"] + after, path
    else:
        assert yaml_value == dumped, f"{path}: {yaml_value!r} became {dumped!r}"


def assert_nothing_lost(directory: Path) -> int:
    inventory = load_inventory(directory)
    compared = 0
    for document in load_path(directory).documents:
        body = document.body
        entity = inventory.by_kind[body["kind"]][body["id"]]
        dumped = entity.model_dump(mode="json", by_alias=True, exclude_unset=True)
        _same(_plain(body), dumped, f"{body['kind']}:{body['id']}")
        compared += 1
    return compared


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def test_every_value_of_a_sample_reaches_the_model(tmp_path: Path) -> None:
    assert assert_nothing_lost(write_inventory(tmp_path, SAMPLE)) == 3


def test_the_comparison_notices_a_dropped_value(tmp_path: Path) -> None:
    directory = write_inventory(tmp_path, SAMPLE)
    inventory = load_inventory(directory)
    documents = load_path(directory).documents
    body = _plain(next(d.body for d in documents if d.body["kind"] == "Organisation"))
    dumped = inventory.organisations["biolab"].model_dump(mode="json", exclude_unset=True)
    dumped.pop("aliases")
    with pytest.raises(AssertionError, match="aliases was dropped"):
        _same(body, dumped, "Organisation:biolab")


@pytest.mark.skipif(not any(EXAMPLE.rglob("*.yaml")), reason="example inventory not present")
def test_every_value_of_the_example_inventory_reaches_the_model() -> None:
    assert assert_nothing_lost(EXAMPLE) > 50
