"""Regressions found while building the example inventory and the Dedalus fixture.

RET-002 on migration chains: the staging hop needs a deadline, the new home does
not. The new LIS, target of a migration flow, was taken for a staging store
because it sends data on (backups, reports) — which every production system does.
"""

from __future__ import annotations

CHAIN = """
kind: Organisation
id: lab
name: Laboratory
address: 1 rue de la Paix, Nantes
---
kind: Activity
id: migration
name: Migration
controller: lab
data_subjects: [patients]
data_categories: [lab-results]
---
kind: System
id: old-lis
name: Old LIS
operator: lab
stores: [{category: lab-results, retention: P20Y}]
---
kind: System
id: staging
name: Staging
operator: lab
stores: [{category: lab-results, retention: P6M}]
---
kind: System
id: new-lis
name: New LIS
operator: lab
stores: [{category: lab-results, retention: P20Y}]
---
kind: System
id: backup
name: Backup
operator: lab
stores: [{category: lab-results, retention: P35D}]
---
kind: Flow
id: extract
activity: migration
from: old-lis
to: staging
data_categories: [lab-results]
type: migration
procedure: https://intranet.example/mig.pdf
---
kind: Flow
id: load
activity: migration
from: staging
to: new-lis
data_categories: [lab-results]
type: migration
procedure: https://intranet.example/mig.pdf
---
kind: Flow
id: nightly-backup
activity: migration
from: new-lis
to: backup
data_categories: [lab-results]
type: batch
"""


def ret002(result) -> list[str]:
    return sorted(f.entity for f in result.findings if f.rule == "RET-002")


def test_staging_hop_without_deadline_is_reported_and_new_home_is_not(check_yaml):
    assert ret002(check_yaml(CHAIN)) == ["System:staging"]


def test_staging_hop_with_deadline_passes(check_yaml):
    text = CHAIN.replace("name: Staging\n", "name: Staging\ndelete_by: 2027-03-31\n")
    assert ret002(check_yaml(text)) == []


def test_activity_listing_a_missing_system_is_a_finding_not_a_crash(check_yaml):
    """Found by fuzzing the example: DPA-002 indexed the systems with a dangling id."""
    result = check_yaml(
        """
        kind: Organisation
        id: lab
        name: Laboratory
        address: 1 rue de la Paix, Nantes
        ---
        kind: Activity
        id: analyses
        name: Analyses
        controller: lab
        systems: [analyser-middleware]
        """
    )
    dangling = [f for f in result.findings if f.rule == "SCH-012"]
    assert [(f.entity, f.pos.line) for f in dangling] == [("Activity:analyses", 10)]
