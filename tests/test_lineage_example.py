"""Lineage on the example inventory and the Dedalus fixture: trace, impact, diagrams.

Expected values were read off inventory/ and tests/fixtures/dedalus/ by hand.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from xml.etree import ElementTree as ET

from registry.core.inventory import Inventory, load_inventory
from registry.core.record import Record
from registry.lineage.impact import impact
from registry.lineage.trace import trace
from registry.outputs import render
from registry.outputs.lineage_text import impact_markdown
from tests.conftest import AS_OF, EXAMPLE, ROOT
from tests.diagram_support import flow_text

DEDALUS = ROOT / "tests" / "fixtures" / "dedalus"
LEAK_REPORTED = dt.date(2021, 2, 23)
SVG = "{http://www.w3.org/2000/svg}"


@cache
def example() -> Inventory:
    return load_inventory(EXAMPLE)


@cache
def dedalus() -> Inventory:
    return load_inventory(DEDALUS)


def laboratories() -> list[str]:
    return sorted(path.stem for path in (DEDALUS / "labs").glob("lbm-*.yaml"))


# --- the example inventory ------------------------------------------------------------


def test_example_trace_of_hiv_status() -> None:
    result = trace(example(), "hiv-status")
    routes = [[s["id"] for s in r["steps"]] for r in result["routes"]]
    assert routes == [
        ["analyser-middleware", "kalisto-lis", "sante-publique-france"],
        ["analyser-middleware", "kalisto-lis", "lis-backup"],
    ]
    lis = result["routes"][0]["steps"][1]
    assert lis["operator"]["id"] == "kalisto-sante" and lis["country"] == "FR"
    assert lis["retention"][0].startswith("hiv-status: P20Y after the patient's last examination")
    backup_hop = result["routes"][1]["steps"][2]["via"][0]
    assert backup_hop["flow"] == "lis-nightly-backup"
    assert backup_hop["contract"] == "subprocessing-kalisto-hexanet"
    assert result["routes"][1]["steps"][2]["retention"] == [
        "health: P35D (Backup rotation, DPA Kalisto annex 3)"
    ]


def test_example_impact_of_the_migration_staging_database() -> None:
    result = impact(Record(example(), AS_OF), "migration-staging")
    assert result["special_categories"] == [
        "clinical-information",
        "examination-orders",
        "lab-results",
        "nir",
    ]
    assert [c["id"] for c in result["categories"][4:]] == [
        "contact",
        "identity",
        "professional-identifiers",
    ]
    assert [(c["id"], c["role"]) for c in result["controllers_to_notify"]] == [
        ("ocealis-biologie", "controller"),
        ("ocealis-vendee", "joint controller"),
    ]
    assert result["controllers_to_notify"][0]["dpo"]["email"] == "dpo@ocealis-bio.fr"
    assert result["controllers_to_notify"][0]["contract_with_operator"] == ["dpa-kalisto"]
    assert result["estimated_subjects"]["total_at_most"] == 455_000
    copies = {c["id"]: c for c in result["downstream"]}
    assert copies["cnam"]["route"] == [
        "migration-staging",
        "kalisto-lis",
        "results-gateway",
        "cnam",
    ]
    assert "Cirrus" not in str(copies)  # staff e-mail never receives patient data
    assert result["system"]["encrypted_at_rest"] is True
    assert "may waive" in result["notify_subjects"]


def test_example_overview_diagram() -> None:
    svg = render.dot_to_svg(render.view_dot(example(), "overview"))
    root = ET.fromstring(svg)
    clusters = {
        g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"
    }
    assert {
        "cluster_data_subjects",
        "cluster_ocealis-biologie",
        "cluster_kalisto-sante",
        "cluster_hexanet-sante",
        "cluster_cirrus-mail",
    } <= clusters
    dot = render.view_dot(example(), "overview")
    to_cirrus = flow_text(dot, "System/staff-directory", "System/staff-mailbox")
    assert "transfer to US: standard\\ncontractual clauses" in to_cirrus
    assert "style=dashed" in to_cirrus
    inv = example()
    special = sum(
        1 for f in inv.flows.values() if any(inv.special_of(c) for c in f.data_categories)
    )
    assert (
        f"{len(inv.systems)} systems, 5 receiving organisations, 2 groups of data subjects; "
        f"{len(inv.flows)} flows, {special} carrying special categories, 1 leaving the EEA"
    ) in dot  # the one transfer: staff e-mail to Cirrus Mail (US)
    assert render.view_dot(load_inventory(EXAMPLE), "overview") == dot  # deterministic


# --- the Dedalus fixture -----------------------------------------------------------------


def test_dedalus_impact_names_all_28_laboratories_and_the_special_categories() -> None:
    result = impact(Record(dedalus(), LEAK_REPORTED), "dedalus-migration-server")
    labs = laboratories()
    assert len(labs) == 28
    assert [c["id"] for c in result["controllers_to_notify"]] == labs
    assert all(c["contract_with_operator"] is None for c in result["controllers_to_notify"])
    assert result["special_categories"] == [
        "cancer",
        "genetic",
        "hiv-status",
        "lab-results",
        "national-id",
        "pregnancy",
    ]
    assert result["estimated_subjects"]["total_at_most"] == 491_939
    assert [s["id"] for s in result["data_subjects"]] == ["patients", "prescribing-doctors"]
    assert result["system"]["operator_is_processor"] is True
    assert result["system"]["encrypted_at_rest"] is False
    assert [c["id"] for c in result["downstream"]] == ["dedalus-public-area"]
    assert result["downstream"][0]["encrypted_at_rest"] is False

    text = impact_markdown(result)
    for lab in labs:
        organisation = dedalus().organisations[lab]
        assert f"| {organisation.name} (`{lab}`) | FR | no DPO recorded; contact: " in text
    assert "28 controller(s) to notify." in text
    assert "**up to 491,939**" in text
    for kind in ("**health** (Art. 9(1))", "**genetic** (Art. 9(1))", "**national id** (Art. 87)"):
        assert kind in text
    assert "Art. 34(3)(a) does not apply" in text


def test_dedalus_trace_of_hiv_status_leads_to_the_public_area_from_each_lab() -> None:
    result = trace(dedalus(), "hiv-status")
    routes = [[s["id"] for s in r["steps"]] for r in result["routes"]]
    assert routes == [
        [f"{lab}-lis", "dedalus-migration-server", "dedalus-public-area"] for lab in laboratories()
    ]


def test_dedalus_overview_bundles_the_28_copies_to_the_public_area() -> None:
    dot = render.view_dot(dedalus(), "overview")
    for lab in laboratories():
        assert f"cluster_{lab}" in dot  # one frame per laboratory (controller)
        assert flow_text(dot, f"System/{lab}-lis", "System/dedalus-migration-server")
    copies = flow_text(dot, "System/dedalus-migration-server", "System/dedalus-public-area")
    assert copies.count(" -> ") == 2  # one edge (in two halves through its label)
    names = "Cancer diagnoses\\nGenetic data\\nHIV status\\n+4 more"
    assert f'label="28 flows:\\n{names}"' in copies
    extract = flow_text(dot, "System/lbm-brest-lis", "System/dedalus-migration-server")
    names = "Laboratory test results\\nHIV status\\nCancer diagnoses\\n+4 more"
    assert f'label="{names}"' in extract  # Art. 9 first
    assert f'color="{render.SPECIAL_COLOUR}"' in extract
