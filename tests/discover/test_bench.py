"""The discover benchmark's generator (bench/discover.py): its repositories are read as it
says they should be, in one process and in parallel."""

from __future__ import annotations

import importlib.util
import sys

from registry.core.inventory import load_inventory
from registry.discover.run import discover
from tests.conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_discover", ROOT / "bench/discover.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_generated_repositories_are_discovered_exactly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    truth, register = bench.generate(tmp_path, 14, seed=3)  # two of each ecosystem
    inventory = load_inventory(register)
    reconciliation, scans, _ = discover(inventory, [tmp_path / "repos"], jobs=2)
    assert len(scans) == 14
    report = {"discovery": reconciliation.discovery.as_dict()}
    assert bench.score(truth, report) == (1.0, 1.0)
    assert not any(f.rule == "DSC-007" for f in reconciliation.findings)
