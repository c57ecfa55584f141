"""The benchmark generator (bench/generate.py) writes inventories that check clean
except for its deliberate findings, and `ropa` imports heavy libraries lazily."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.pipeline.check import check
from tests.conftest import AS_OF, ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench/generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


generate = _generator()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "inventory"
    generate.main(["--flows", "100", "--seed", "7", "--out", str(out)])
    return out


def test_generated_inventory_has_only_the_deliberate_findings(small: Path) -> None:
    result = check(load_inventory(small), AS_OF)
    assert not [f for f in result.findings if f.rule.startswith("SCH-")]
    found = {(f.rule, f.entity_kind, f.entity_id, f.waived_by) for f in result.findings}
    assert found == generate.DELIBERATE
    assert str(AS_OF) == generate.AS_OF


def test_generated_inventory_has_the_requested_size_and_shape(small: Path) -> None:
    inventory = load_inventory(small)
    assert len(inventory.flows) == 100
    assert len(inventory.systems) >= 10 and len(inventory.activities) >= 5
    # Processors, a sub-processor, a transfer with SCCs and a recipient controller.
    assert {c.type for c in inventory.contracts.values()} == {"dpa", "sub_processing"}
    assert any(f.transfer and f.transfer.mechanism == "sccs" for f in inventory.flows.values())
    assert any(f.recipient_role == "controller" for f in inventory.flows.values())
    assert any(
        inventory.special_of(c) for a in inventory.activities.values() for c in a.data_categories
    )
    folders = {p.parent.name for p in small.rglob("*.yaml")}
    assert {"systems", "activities", "flows", "contracts", "organisations"} <= folders


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        generate.main(["--flows", "60", "--seed", "3", "--out", str(out)])
    files = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.yaml"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_fides_manifest_describes_the_same_systems(tmp_path: Path) -> None:
    import yaml

    organisation = generate.generate(60, 7, tmp_path / "inv", tmp_path / "fides")
    systems = []
    for path in (tmp_path / "fides").rglob("*.yml"):
        systems += yaml.safe_load(path.read_text("utf-8")).get("system", [])
    assert sorted(s["fides_key"] for s in systems) == sorted(organisation.systems)
    assert all(s["privacy_declarations"] for s in systems)


def _imported_after(*argv: str) -> set[str]:
    code = (
        "import json, sys\n"
        "from registry.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "print('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    ).stdout
    return set(json.loads(output.strip().splitlines()[-1]))


HEAVY = {"networkx", "graphviz", "openpyxl", "mkdocs", "material", "jsonschema"}


def test_check_does_not_import_heavy_libraries(small: Path) -> None:
    modules = _imported_after("check", str(small), "--as-of", str(AS_OF), "--out", "/dev/null")
    assert "registry.pipeline.check" in modules  # the command really ran
    # networkx is the one exception: the transitive lineage rules (registry/rules/lineage.py)
    # walk the flow graph with it, and they are part of every check.
    assert not {m.split(".")[0] for m in modules} & (HEAVY - {"networkx"})


def test_a_check_without_evidence_imports_no_evidence_reader(small: Path) -> None:
    # The reconciler, its readers (ijson) and the git revision reader load when used.
    modules = _imported_after("check", str(small), "--as-of", str(AS_OF), "--out", "/dev/null")
    assert "registry.pipeline.check" in modules  # the command really ran
    assert not {"registry.evidence.reconcile", "registry.pipeline.revision", "ijson"} & modules


@pytest.mark.parametrize("argv", [("rules",), ("explain", "DPA-001")])
def test_catalogue_commands_import_no_heavy_library(argv: tuple[str, ...]) -> None:
    modules = _imported_after(*argv)
    assert "registry.rules" in modules
    assert not {m.split(".")[0] for m in modules} & HEAVY


def test_version_imports_neither_the_model_nor_heavy_libraries() -> None:
    modules = _imported_after("--version")
    assert "registry.cli" in modules
    assert not {m.split(".")[0] for m in modules} & (HEAVY | {"pydantic", "yaml"})
