"""Real inputs (tests/imports/): nothing lost, provably, and only the gaps the source has.

For every vendored input, every field of every document is walked here on its own
(PyYAML's composer, not the importer's loader) and must appear exactly once in
IMPORT-REPORT.txt's field-by-field ledger: mapped into an entity that the written
inventory really holds, or not placed with its reason. Then `ropa check` on the
import must report exactly the errors listed in tests/imports/expected/.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
import yaml

from registry.core.inventory import load_inventory
from registry.importers import import_register
from registry.pipeline.check import check
from tests.conftest import ROOT
from tests.import_ledger import check_targets, ledger, yaml_fields

IMPORTS = ROOT / "tests" / "imports"
FIDES = sorted(p.name for p in (IMPORTS / "fides").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    cache: dict[str, tuple[Path, str]] = {}

    def get(source: str, name: str) -> tuple[Path, str]:
        if (source, name) not in cache:
            out = tmp_path_factory.mktemp(name) / "inventory"
            result = import_register(source, IMPORTS / source / name, out)
            cache[(source, name)] = (out, result.report)
        return cache[(source, name)]

    return get


def test_the_fides_inputs_are_vendored_with_source_and_licence():
    assert {"demo-resources", "sample-project", "dot-fides", "fidesdemo", "fidesdemo-1.0"} <= set(
        FIDES
    )
    readme = (IMPORTS / "README.md").read_text("utf-8")
    for name in FIDES:
        assert f"`fides/{name}/`" in readme, f"{name}: no source in tests/imports/README.md"
    assert (IMPORTS / "fides" / "LICENSE-Apache-2.0.txt").is_file()


@pytest.mark.parametrize("name", FIDES)
def test_every_field_of_every_document_is_accounted_for(imported, name: str):
    out, report = imported("fides", name)
    entries = ledger(report)
    listed = Counter(e.where for e in entries)
    fields = Counter(yaml_fields(IMPORTS / "fides" / name))
    assert listed == fields, (
        f"missing from the report: {sorted((fields - listed).elements())[:10]}; "
        f"listed but not in the input: {sorted((listed - fields).elements())[:10]}"
    )
    for entry in entries:
        assert entry.outcomes and "not read" not in entry.outcomes, entry
        # The importer knows every field of Ethyca's own manifests: none fell to the net.
        assert "does not know" not in entry.outcomes, entry
    inventory = load_inventory(out)
    assert inventory.problems == []
    assert check_targets(entries, inventory) == []


def _expected(name: str) -> dict:
    return yaml.safe_load((IMPORTS / "expected" / f"{name}.yaml").read_text("utf-8"))


@pytest.mark.parametrize("name", FIDES)
def test_check_reports_exactly_the_gaps_the_manifests_have(imported, name: str):
    out, _ = imported("fides", name)
    expected = _expected(f"fides-{name}")
    result = check(load_inventory(out), dt.date.fromisoformat(str(expected["as_of"])))
    found: dict[str, Counter] = {}
    for finding in result.findings:
        if finding.severity.value == "error":
            found.setdefault(finding.rule, Counter())[finding.entity] += 1
    wanted = {code: Counter(body["entities"]) for code, body in expected["errors"].items()}
    assert found == wanted
    assert not any(code.startswith("SCH-") for code in found)
