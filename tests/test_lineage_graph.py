"""The lineage graph (registry/lineage/graph.py) on the small lab-group fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.core.inventory import Inventory, load_inventory
from registry.lineage import graph as lineage

FIXTURE = Path(__file__).parent / "fixtures" / "lineage"


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return load_inventory(FIXTURE)


def test_nodes_are_systems_recipients_and_subject_sources(inv: Inventory) -> None:
    graph = lineage.build_graph(inv)
    assert sorted(graph.nodes) == [
        "DataSubject:patients",
        "Organisation:health-insurer",
        "System:analytics",
        "System:cloud-backup",
        "System:lis",
        "System:migration-server",
        "System:portal",
        "System:us-crm",
    ]
    lis = graph.nodes["System:lis"]
    assert lis["operator"] == "biolab" and lis["country"] == "FR"
    assert lis["special"] == ["lab-results", "national-id"]
    assert lis["stores"]["lab-results"] == "P10Y"
    assert lis["security"]["encryption_at_rest"] is True
    analytics = graph.nodes["System:analytics"]
    assert analytics["third_country"] and analytics["needs_mechanism"]


def test_one_edge_per_flow_with_its_attributes(inv: Inventory) -> None:
    graph = lineage.build_graph(inv)
    assert graph.number_of_edges() == len(inv.flows) == 7
    crm = graph.edges["System:portal", "System:us-crm", "crm-sync"]
    assert crm["categories"] == ("identity", "contact")
    assert crm["contract"] == "dpa-usco" and crm["transfer"] == "sccs"
    assert crm["activity"] == "lab-testing" and crm["controller"] == "biolab"
    extract = graph.edges["System:lis", "System:migration-server", "migration-extract"]
    assert extract["special"] == ("lab-results", "national-id") and extract["type"] == "migration"


def test_the_graph_is_built_once_per_inventory(inv: Inventory) -> None:
    assert lineage.lineage_graph(inv) is lineage.lineage_graph(inv)


def test_related_categories_are_parents_and_children(inv: Inventory) -> None:
    assert {"health", "lab-results"} <= lineage.related_categories(inv, "lab-results")
    assert "diagnoses" not in lineage.related_categories(inv, "lab-results")
    assert {"health", "lab-results", "diagnoses", "hiv-status"} <= lineage.related_categories(
        inv, "health"
    )


def test_downstream_and_category_reach(inv: Inventory) -> None:
    graph = lineage.lineage_graph(inv)
    assert lineage.downstream(graph, "System:portal") == {"System:us-crm", "System:analytics"}
    # Lab results stop at the portal: only identity and contact go on to the US.
    assert lineage.category_reach(graph, inv, "lab-results", "System:lis") == {
        "Organisation:health-insurer",
        "System:cloud-backup",
        "System:migration-server",
        "System:portal",
    }
    assert lineage.category_reach(graph, inv, "health", "System:portal") == set()


def test_routes_of_a_category_from_collection_to_last_recipient(inv: Inventory) -> None:
    graph = lineage.lineage_graph(inv)
    found, truncated = lineage.routes(graph, inv, "contact")
    assert not truncated
    assert [r.nodes for r in found] == [
        ("DataSubject:patients", "System:lis"),
        ("System:portal", "System:us-crm", "System:analytics"),
    ]
    assert found[1].hops == (("crm-sync",), ("crm-to-analytics",))


def test_routes_are_cut_at_the_limit_and_say_so(inv: Inventory) -> None:
    graph = lineage.lineage_graph(inv)
    found, truncated = lineage.routes(graph, inv, "identity", limit=2)
    assert len(found) == 2 and truncated


def test_routes_through_a_cycle_terminate(tmp_path: Path) -> None:
    from tests.lineage_inventory import base, flow, with_docs, write

    docs = with_docs(base(), flow("back", "lab-testing", "cloud-store", "lis"))
    inv = load_inventory(write(tmp_path / "inv", docs))
    graph = lineage.lineage_graph(inv)
    found, _ = lineage.routes(graph, inv, "lab-results")
    assert [r.nodes for r in found] == [
        ("DataSubject:patients", "System:lis", "System:cloud-store")
    ]
    starts, ends = lineage.origins_and_ends(lineage.category_graph(graph, inv, "lab-results"))
    assert starts == ["DataSubject:patients"]
    assert ends == ["System:cloud-store", "System:lis"]


def test_networkx_stays_out_of_registry_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, registry.cli, registry.pipeline.check, registry.rules, "
        "registry.outputs.render, registry.lineage.trace, registry.lineage.impact; "
        "registry.rules.catalogue(); "
        "print('networkx' in sys.modules, 'graphviz' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
