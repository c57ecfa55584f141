"""`ropa trace` and `ropa impact` on the small lab-group fixture."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.inventory import Inventory, load_inventory
from registry.core.record import Record
from registry.lineage.impact import impact
from registry.lineage.trace import UnknownEntity, trace
from registry.outputs.lineage_text import impact_markdown, md, trace_text
from tests.diagram_support import flow_text
from tests.hostile import HOSTILE_NAMES, HOSTILE_TEXTS, hostile_inventory

FIXTURE = Path(__file__).parent / "fixtures" / "lineage"
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return load_inventory(FIXTURE)


# --- trace --------------------------------------------------------------------------


def test_trace_follows_the_category_to_the_last_recipient(inv: Inventory) -> None:
    result = trace(inv, "contact")
    routes = [[s["id"] for s in r["steps"]] for r in result["routes"]]
    assert routes == [["patients", "lis"], ["portal", "us-crm", "analytics"]]
    onward = result["routes"][1]["steps"]
    assert [s["country"] for s in onward] == ["FR", "US", "IN"]
    assert [s["operator"]["id"] for s in onward] == ["biolab", "usco", "indco"]
    assert onward[1]["via"] == [
        {
            "flow": "crm-sync",
            "activity": "lab-testing",
            "type": "continuous",
            "categories": ["contact"],
            "contract": "dpa-usco",
            "transfer": "sccs",
        }
    ]
    assert onward[1]["retention"] == ["contact: P2Y"]
    assert onward[2]["retention"] == []  # analytics keeps contact data with no retention


def test_trace_of_a_parent_includes_its_sub_categories(inv: Inventory) -> None:
    result = trace(inv, "health")
    assert "lab-results" in result["sub_categories"]
    assert result["category"]["special"] == "health"
    ends = sorted(r["steps"][-1]["id"] for r in result["routes"])
    assert ends == ["cloud-backup", "health-insurer", "migration-server", "portal"]
    assert all(
        hop["categories"] == ["lab-results"]
        for r in result["routes"]
        for s in r["steps"][1:]
        for hop in s["via"]
    )


def test_trace_text_names_each_step(inv: Inventory) -> None:
    text = trace_text(trace(inv, "contact"))
    assert "2 routes from where it is collected to its last recipient:" in text
    assert "2. portal → us-crm → analytics" in text
    assert (
        "↓ flow crm-to-analytics (activity crm-analytics; contact; no transfer mechanism)" in text
    )
    assert "Analytics warehouse (system analytics) · IN (outside the EEA)" in text


def test_trace_unknown_category_suggests_the_right_one(inv: Inventory) -> None:
    with pytest.raises(UnknownEntity, match="did you mean 'lab-results'"):
        trace(inv, "lab-result")


def test_trace_cli_formats(capsys) -> None:
    assert main(["trace", "contact", str(FIXTURE), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["routes"]) == 2
    assert main(["trace", "contact", str(FIXTURE), "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert flow_text(dot, "System/portal", "System/us-crm") and "System/cloud-backup" not in dot
    assert main(["trace", "nope", str(FIXTURE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no data category 'nope'" in err


# --- impact -------------------------------------------------------------------------


def test_impact_of_the_migration_server(inv: Inventory) -> None:
    result = impact(Record(inv, AS_OF), "migration-server")
    assert [c["id"] for c in result["categories"]] == ["lab-results", "national-id", "identity"]
    assert result["special_categories"] == ["lab-results", "national-id"]
    assert result["categories"][0]["arrives_by"] == ["migration-extract"]
    assert [s["id"] for s in result["data_subjects"]] == ["patients"]
    assert result["estimated_subjects"]["total_at_most"] == 120_000
    [controller] = result["controllers_to_notify"]
    assert controller["id"] == "biolab"
    assert controller["dpo"]["email"] == "dpo@biolab.example"
    assert controller["contract_with_operator"] == ["dpa-vendor"]
    assert result["system"]["operator_is_processor"] is True
    assert result["system"]["encrypted_at_rest"] is False
    assert result["downstream"] == []
    assert "Art. 34(3)(a) does not apply" in result["notify_subjects"]


def test_impact_lists_downstream_copies_by_category(inv: Inventory) -> None:
    result = impact(Record(inv, AS_OF), "lis")
    copies = {c["id"]: c for c in result["downstream"]}
    assert set(copies) == {
        "health-insurer",
        "cloud-backup",
        "migration-server",
        "portal",
        "us-crm",
        "analytics",
    }
    # Only identity travels on past the portal (lab results stop there).
    assert copies["analytics"]["categories"] == ["identity"]
    assert copies["analytics"]["route"] == ["lis", "portal", "us-crm", "analytics"]
    assert copies["migration-server"]["encrypted_at_rest"] is False
    assert "Art. 34(3)(a)" in result["notify_subjects"] and "may waive" in result["notify_subjects"]


def test_impact_markdown_puts_special_categories_first_and_names_the_dpo(inv: Inventory) -> None:
    text = impact_markdown(impact(Record(inv, AS_OF), "migration-server"))
    table = text.split("## Categories of personal data held")[1].split("##")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`" in line]
    assert [row.split("`")[1] for row in rows] == ["lab-results", "national-id", "identity"]
    assert "**health** (Art. 9(1))" in rows[0]
    assert "DPO: Claire Martin, dpo@biolab.example" in text
    assert "**up to 120,000**" in text
    assert "within 72 hours" in text and "Art. 33(2)" in text


def test_impact_deletion_overdue(tmp_path: Path) -> None:
    from tests.lineage_inventory import base, write

    docs = base()
    docs["System:cloud-store"].update(temporary=True, delete_by="2026-01-01")
    inv = load_inventory(write(tmp_path / "inv", docs))
    result = impact(Record(inv, AS_OF), "cloud-store")
    assert result["system"]["deletion_overdue"] is True
    assert "should have been deleted by 2026-01-01" in impact_markdown(result)


def test_markdown_escaping_makes_yaml_text_inert() -> None:
    assert md("a|b *c* [x](javascript:y) <script>") == (
        r"a\|b \*c\* \[x\](javascript:y) &lt;script&gt;"
    )
    assert md("two\nlines") == "two lines"


def test_impact_cli(capsys) -> None:
    assert main(["impact", "lis", str(FIXTURE), "--format", "json", "--as-of", "2026-11-29"]) == 0
    assert json.loads(capsys.readouterr().out)["system"]["id"] == "lis"
    assert main(["impact", "lsi", str(FIXTURE)]) == 2
    assert "did you mean 'lis'" in capsys.readouterr().err


@pytest.mark.parametrize("index", range(len(HOSTILE_TEXTS)))
def test_shared_hostile_inventory_stays_inert_in_impact_and_trace(
    tmp_path: Path, index: int
) -> None:
    inv = load_inventory(hostile_inventory(tmp_path / "inv", index))
    text = impact_markdown(impact(Record(inv, AS_OF), "lis"))
    name = HOSTILE_NAMES[index % len(HOSTILE_NAMES)]
    assert "<script" not in text and "<img" not in text and "<svg" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no live Markdown link
    assert re.search(r"(?<!\\)\|", md(name).replace("\\|", "")) is None  # no table break
    assert md(name) in text
    routes = trace_text(trace(inv, "special-results"))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", routes)


def test_trace_of_a_category_no_flow_carries(inv: Inventory) -> None:
    result = trace(inv, "genetic")
    assert result["routes"] == [] and result["stored_in"] == []
    assert "No declared flow carries it." in trace_text(result)


def test_impact_of_a_system_nothing_uses(tmp_path: Path) -> None:
    from tests.lineage_inventory import base, system, with_docs, write

    docs = with_docs(base(), system("spare", "lab", "FR", []))
    result = impact(Record(load_inventory(write(tmp_path / "inv", docs)), AS_OF), "spare")
    assert result["categories"] == [] and result["controllers_to_notify"] == []
    assert result["estimated_subjects"]["total_at_most"] is None
    text = impact_markdown(result)
    assert "None declared, and no flow brings any." in text
    assert "No activity using this system names a controller." in text
    assert "No declared flow takes its data further." in text
