"""Flows implied by the inventory itself: LIN-010 and LIN-012."""

from __future__ import annotations

BASE = """
kind: Organisation
id: lab
name: Lab
address: 1 rue X, Lyon
---
kind: Activity
id: testing
name: Testing
controller: lab
data_subjects: [patients]
data_categories: [identity, lab-results]
{activity_extra}
---
kind: System
id: lis
name: LIS
stores:
  - {{category: identity, retention: P5Y}}
  - {{category: lab-results, retention: P10Y}}
---
kind: System
id: archive
name: Archive
stores:
  - {{category: health, retention: P10Y}}
{archive_extra}
---
kind: Flow
id: in
activity: testing
from: patients
to: lis
data_categories: [identity, lab-results]
---
kind: Flow
id: archiving
activity: testing
from: lis
to: archive
data_categories: {archived}
"""


def lineage(result, prefix="LIN-01"):
    return sorted(
        (f.rule, f.entity, f.pos.line, f.message)
        for f in result.findings
        if f.rule.startswith(prefix)
    )


def line_of(text: str, needle: str) -> int:
    """The line where ``needle`` last appears, as check_yaml writes the file."""
    text = text.lstrip()
    return text[: text.rindex(needle)].count("\n") + 1


def inventory(archived="[lab-results]", archive_extra="", activity_extra=""):
    return BASE.format(
        archived=archived, archive_extra=archive_extra, activity_extra=activity_extra
    )


def test_consistent_inventory_has_no_lineage_findings(check_yaml):
    # archive stores `health`; the flow brings `lab-results`, a sub-category: both ways count
    assert lineage(check_yaml(inventory())) == []


def test_stored_category_that_no_flow_brings(check_yaml):
    text = inventory(archive_extra="  - {category: identity, retention: P1Y}")
    assert lineage(check_yaml(text)) == [
        (
            "LIN-010",
            "System:archive",
            line_of(text, "identity, retention: P1Y"),
            "system archive stores identity but no declared flow brings it there or takes it "
            "further: add the Flow that brings it (from a system, or from the data subjects) "
            "with `to: archive`",
        )
    ]


def test_a_system_that_passes_a_category_on_is_its_origin(check_yaml):
    # archive produces identity itself and sends it on: no flow needs to bring it
    text = inventory(archive_extra="  - {category: identity, retention: P1Y}")
    text += (
        "---\nkind: Flow\nid: export\nactivity: testing\nfrom: archive\nto: lis\n"
        "data_categories: [identity]\n"
    )
    assert lineage(check_yaml(text)) == []


def test_system_no_activity_uses(check_yaml):
    extra = "---\nkind: System\nid: old-lis\nname: Old LIS\n"
    text = inventory() + extra
    assert lineage(check_yaml(text)) == [
        (
            "LIN-012",
            "System:old-lis",
            line_of(text, "kind: System\nid: old-lis"),
            "system old-lis is used by no activity",
        )
    ]
    # listing it in the activity's systems is a use
    assert lineage(check_yaml(inventory(activity_extra="systems: [old-lis]") + extra)) == []
