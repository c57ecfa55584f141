"""Art. 35 DPIA screening, periodic review, and waivers (rules and their effect)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registry.core.config import ConfigError, RegisterReview, parse_config
from registry.core.inventory import load_inventory
from registry.pipeline import Request, run
from registry.pipeline.check import check
from registry.rules.base import Settings
from tests.builder import AS_OF, Edit, Put, assert_finding, near_miss, of_rule, perturb, trigger
from tests.conftest import write_inventory

ACT = "activities/lab-testing.yaml"
LIS = "systems/lis.yaml"
ORG = "organisations/labs.yaml"
# The register is the LIS vendor's own: the lab's activity is one it processes for a client.
VENDOR_KEEPS_RECORD = Edit(
    "organisations/lis-vendor.yaml",
    "kind: Organisation\n",
    "kind: Organisation\nkeeps_record: true\n",
)
NO_DPO = Edit(ORG, "dpo:\n  name: Claire Martin\n  email: dpo@biolab.example\n", "")
PUBLIC = Edit(ORG, "country: FR\n", "country: FR\npublic_authority: true\n")
# Tracking where customers go: systematic monitoring (Art. 37(1)(b)), no special data.
MONITORING = [
    Edit(ACT, "art9_condition: health_or_social_care\n", "systematic_monitoring: true\n"),
    Edit(ACT, "data_subjects: [patients]", "data_subjects: [customers]"),
    Edit(ACT, "[identity, lab-results]", "[identity, location]"),
]
DPIA = "dpia: {reference: DPIA-2025-01, date: 2025-03-01}\n"
REVIEWED = "last_reviewed: {date: 2026-06-01, by: Claire Martin}"
# A finding to waive: the portal does not require MFA (SEC-007, a warning), and
# the LIS stores health data unencrypted (SEC-001, an error).
NO_ENCRYPTION = Edit(LIS, "encryption_at_rest: true", "encryption_at_rest: false")
WAIVER = """
    kind: Waiver
    id: lis-encryption
    rule: SEC-001
    entity: System:lis
    reason: Disk encryption lands with the LIS upgrade in January
    approved_by: Claire Martin
    expires: 2027-01-31
"""


def waiver(text: str = WAIVER) -> Put:
    return Put("waivers/lis-encryption.yaml", text)


TRIGGERS = [
    trigger(
        "DPIA-001",
        "large-scale-health-data-without-dpia",
        Edit(ACT, DPIA, ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",  # `estimated_subjects: 50000`
    ),
    trigger(
        "DPIA-001",
        "large-scale-vulnerable-subjects-without-dpia",  # children, no special category
        Edit(ACT, DPIA, ""),
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [children]"),
        Edit(ACT, "[identity, lab-results]", "[identity]"),
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:17:21",
    ),
    trigger(
        "DPIA-002",
        "special-categories-scale-unknown",
        Edit(ACT, DPIA, ""),
        Edit(ACT, "estimated_subjects: 50000\n", ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "DPO-001",
        "public-authority-without-dpo",
        PUBLIC,
        NO_DPO,
        entity="Organisation:labs",
        at=f"{ORG}:5:19",  # `public_authority: true`
    ),
    trigger(
        "DPO-001",
        "public-authority-with-an-empty-dpo",
        PUBLIC,
        Edit(ORG, "dpo:\n  name: Claire Martin\n  email: dpo@biolab.example\n", "dpo: {}\n"),
        entity="Organisation:labs",
        at=f"{ORG}:5:19",
    ),
    trigger(
        "DPO-001",
        "public-body-processor-keeping-its-record-here-without-dpo",
        Put(
            "organisations/shared-service.yaml",
            """
            kind: Organisation
            id: shared-service
            name: Syndicat informatique intercommunal
            country: FR
            address: 1 place de la Mairie, 44000 Nantes
            public_authority: true
            keeps_record: true
            """,
        ),
        entity="Organisation:shared-service",
        at="organisations/shared-service.yaml:6:19",  # `public_authority: true`
    ),
    trigger(
        "DPO-002",
        "large-scale-health-data-without-dpo",
        NO_DPO,
        entity="Organisation:labs",
        at=f"{ORG}:1:1",
    ),
    trigger(
        "DPO-002",
        "large-scale-systematic-monitoring-without-dpo",
        NO_DPO,
        *MONITORING,
        entity="Organisation:labs",
        at=f"{ORG}:1:1",
    ),
    trigger(
        "REV-001",
        "activity-review-overdue",
        Edit(ACT, "date: 2026-06-01", "date: 2025-11-28"),
        entity="Activity:lab-testing",
        at=f"{ACT}:20:16",  # the last_reviewed mapping
    ),
    trigger(
        "REV-001",
        "contract-review-overdue",
        Edit("contracts/lis-dpa.yaml", "review_every: P1Y", "review_every: P3M"),
        entity="Contract:lis-dpa",
        at="contracts/lis-dpa.yaml:21:16",
    ),
    trigger(
        "REV-002",
        "system-without-review-period",
        Edit(LIS, "review_every: P1Y\n", ""),
        entity="System:lis",
        at=f"{LIS}:1:1",
    ),
    trigger(
        "REV-002",
        "activity-never-reviewed",
        Edit(ACT, REVIEWED + "\n", ""),
        entity="Activity:lab-testing",
        at=f"{ACT}:1:1",
    ),
    trigger(
        "WAV-001",
        "waiver-without-approver",
        NO_ENCRYPTION,
        waiver(WAIVER.replace("    approved_by: Claire Martin\n", "")),
        entity="Waiver:lis-encryption",
        at="waivers/lis-encryption.yaml:1:1",
    ),
    trigger(
        "WAV-002",
        "waiver-expired-yesterday",
        NO_ENCRYPTION,
        waiver(WAIVER.replace("2027-01-31", "2026-11-28")),
        entity="Waiver:lis-encryption",
        at="waivers/lis-encryption.yaml:7:10",
    ),
    trigger(
        "WAV-003",
        "waiver-for-unknown-rule",
        waiver(WAIVER.replace("rule: SEC-001", "rule: SEC-999")),
        entity="Waiver:lis-encryption",
        at="waivers/lis-encryption.yaml:3:7",
    ),
    trigger(
        "WAV-003",
        "waiver-for-unknown-entity",
        waiver(WAIVER.replace("entity: System:lis", "entity: lis")),  # not Kind:id
        entity="Waiver:lis-encryption",
        at="waivers/lis-encryption.yaml:4:9",
    ),
    trigger(
        "DPIA-001",
        "keeps-record-marked-on-the-controller-itself",  # its own activity is still judged
        Edit(ACT, DPIA, ""),
        Edit(ORG, "kind: Organisation\n", "kind: Organisation\nkeeps_record: true\n"),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",
    ),
]

NEAR_MISSES = [
    near_miss(
        "DPIA-001",
        "just-below-the-large-scale-threshold",
        Edit(ACT, DPIA, ""),
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: 9999"),
    ),
    near_miss(
        "DPIA-001",
        "large-scale-but-ordinary-data-and-subjects",
        Edit(ACT, DPIA, ""),
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [customers]"),
        Edit(ACT, "[identity, lab-results]", "[identity]"),
    ),
    near_miss("DPO-001", "public-authority-with-dpo", PUBLIC),
    near_miss(
        "DPO-001",
        "private-company-without-dpo",  # no Art. 37(1)(a) duty; DPO-002 judges the scale
        NO_DPO,
    ),
    near_miss(
        "DPO-001",
        "public-authority-only-a-joint-controller",  # its DPO is in its own record
        Put(
            "organisations/university.yaml",
            """
            kind: Organisation
            id: university
            name: Université de Lyon
            country: FR
            address: 92 rue Pasteur, 69007 Lyon
            public_authority: true
            """,
        ),
        Edit(ACT, "controller: labs\n", "controller: labs\njoint_controllers: [university]\n"),
    ),
    near_miss(
        "DPO-002",
        "small-scale-health-data-without-dpo",
        NO_DPO,
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: 9999"),
    ),
    near_miss(
        "DPO-002",
        "large-scale-health-data-dpo-by-email-alone",  # a DPO reachable is a DPO named
        Edit(
            ORG,
            "dpo:\n  name: Claire Martin\n  email: dpo@biolab.example\n",
            "dpo: {email: dpo@biolab.example}\n",
        ),
    ),
    near_miss(
        "DPO-002",
        "large-scale-ordinary-data-without-monitoring",
        NO_DPO,
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [customers]"),
        Edit(ACT, "[identity, lab-results]", "[identity, national-id]"),  # not Art. 37(1)(c)
        Edit(
            ACT,
            "estimated_subjects:",
            "national_id_law: Décret n° 2019-341\nestimated_subjects:",
        ),
    ),
    near_miss(
        "DPO-002",
        "small-scale-systematic-monitoring",
        NO_DPO,
        *MONITORING,
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: 800"),
    ),
    near_miss(
        "DPO-002",
        "public-authority-without-dpo-is-dpo-001-alone",  # one gap, one finding
        PUBLIC,
        NO_DPO,
        also=lambda result: assert_finding(result, "DPO-001", "Organisation:labs", f"{ORG}:5:19"),
    ),
    near_miss(
        "DPIA-002",
        "scale-unknown-but-dpia-done",
        Edit(ACT, "estimated_subjects: 50000\n", ""),
    ),
    near_miss(
        "REV-001",
        "review-due-today",  # 2025-11-29 + P1Y = 2026-11-29, the day checked
        Edit(ACT, "date: 2026-06-01", "date: 2025-11-29"),
    ),
    near_miss(
        "REV-002",
        "organisations-and-flows-need-no-review-dates",
        Put(
            "organisations/cloud-host.yaml",
            """
            kind: Organisation
            id: cloud-host
            name: Hexacloud
            country: FR
            address: 2 quai du Port, 13002 Marseille
            """,
        ),
    ),
    near_miss("WAV-001", "complete-waiver", NO_ENCRYPTION, waiver()),
    near_miss(
        "WAV-002",
        "waiver-expires-today",
        NO_ENCRYPTION,
        waiver(WAIVER.replace("2027-01-31", "2026-11-29")),
    ),
    near_miss("WAV-003", "waiver-names-existing-rule-and-entity", NO_ENCRYPTION, waiver()),
    near_miss(
        "DPIA-001",
        "large-scale-national-ids-alone",  # Art. 87 data: not in Art. 35(3)(b)
        Edit(ACT, DPIA, ""),
        Edit(ACT, "art9_condition: health_or_social_care\n", ""),
        Edit(ACT, "data_subjects: [patients]", "data_subjects: [customers]"),
        Edit(ACT, "[identity, lab-results]", "[identity, national-id]"),
        Edit(
            ACT,
            "estimated_subjects:",
            "national_id_law: Décret n° 2019-341\nestimated_subjects:",
        ),
    ),
    near_miss(
        "DPIA-001",
        "processor-recording-a-clients-activity",  # the DPIA is the client's (Art. 35(1))
        Edit(ACT, DPIA, ""),
        VENDOR_KEEPS_RECORD,
    ),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


def test_large_scale_threshold_is_configurable(tmp_path):
    root = write_inventory(tmp_path / "inv", perturb(Edit(ACT, DPIA, "")))
    strict = check(load_inventory(root), AS_OF, Settings(large_scale_subjects=50_000))
    lenient = check(load_inventory(root), AS_OF, Settings(large_scale_subjects=50_001))
    assert [f.entity for f in of_rule(strict, "DPIA-001")] == ["Activity:lab-testing"]
    assert of_rule(lenient, "DPIA-001") == []


# --- what a waiver does to the finding it covers ----------------------------------


def test_baseline_fails_without_waiver(check_yaml):
    result = check_yaml(perturb(NO_ENCRYPTION))
    finding = assert_finding(result, "SEC-001", "System:lis", "systems/lis.yaml:13")
    assert finding.fails and result.failed


def test_complete_waiver_turns_finding_into_accepted_risk(check_yaml):
    result = check_yaml(perturb(NO_ENCRYPTION, waiver()))
    finding = assert_finding(result, "SEC-001", "System:lis", "systems/lis.yaml:13")
    assert finding.waived_by == "lis-encryption"
    assert finding.waiver_reason == "Disk encryption lands with the LIS upgrade in January"
    assert not finding.fails
    assert result.failed is False  # still reported, no longer failing
    assert result.waived == 1


def test_waiver_covers_only_its_rule_and_entity(check_yaml):
    result = check_yaml(
        perturb(
            NO_ENCRYPTION,
            Edit("systems/portal.yaml", "encryption_at_rest: true", "encryption_at_rest: false"),
            waiver(),
        )
    )
    portal = assert_finding(result, "SEC-001", "System:portal", "systems/portal.yaml:11")
    assert portal.waived_by is None and portal.fails and result.failed


def test_expired_waiver_fails_again(check_yaml):
    result = check_yaml(perturb(NO_ENCRYPTION, waiver(WAIVER.replace("2027-01-31", "2026-11-28"))))
    original = assert_finding(result, "SEC-001", "System:lis", "systems/lis.yaml:13")
    assert original.waived_by is None and original.fails
    assert_finding(result, "WAV-002", "Waiver:lis-encryption", "waivers/lis-encryption.yaml:7")
    assert result.failed


def test_waiver_judged_as_of_the_given_date(check_yaml):
    files = perturb(NO_ENCRYPTION, waiver(WAIVER.replace("2027-01-31", "2026-12-31")))
    assert check_yaml(files, dt.date(2026, 12, 31)).failed is False
    later = check_yaml(files, dt.date(2027, 1, 1))
    assert later.failed
    assert [f.rule for f in later.findings if f.fails] == ["SEC-001", "WAV-002"]


@pytest.mark.parametrize("missing", ["reason", "approved_by", "expires"])
def test_incomplete_waiver_waives_nothing(check_yaml, missing):
    text = "".join(line + "\n" for line in WAIVER.splitlines() if f"{missing}:" not in line)
    result = check_yaml(perturb(NO_ENCRYPTION, waiver(text)))
    original = assert_finding(result, "SEC-001", "System:lis", "systems/lis.yaml:13")
    assert original.waived_by is None and original.fails
    incomplete = assert_finding(
        result, "WAV-001", "Waiver:lis-encryption", "waivers/lis-encryption.yaml:1"
    )
    assert missing in incomplete.message


def test_waiver_cannot_waive_schema_or_waiver_findings(check_yaml):
    text = WAIVER.replace("rule: SEC-001", "rule: SCH-012").replace(
        "entity: System:lis", "entity: Flow:sample-intake"
    )
    result = check_yaml(
        perturb(
            Edit("flows/sample-intake.yaml", "contract: lis-dpa", "contract: lis-dap"), waiver(text)
        )
    )
    dangling = assert_finding(result, "SCH-012", "Flow:sample-intake", "flows/sample-intake.yaml:8")
    assert dangling.waived_by is None and result.failed


def test_dpo_002_names_each_large_scale_activity_and_why(check_yaml):
    result = check_yaml(perturb(NO_DPO))
    [finding] = of_rule(result, "DPO-002")
    assert finding.message == (
        "labs names no data protection officer although lab-testing processes special or "
        "criminal data for 50000 people"
    )


def test_dpo_002_follows_the_large_scale_threshold(tmp_path):
    root = write_inventory(tmp_path / "inv", perturb(NO_DPO))
    strict = check(load_inventory(root), AS_OF, Settings(large_scale_subjects=50_000))
    lenient = check(load_inventory(root), AS_OF, Settings(large_scale_subjects=50_001))
    assert [f.entity for f in of_rule(strict, "DPO-002")] == ["Organisation:labs"]
    assert of_rule(lenient, "DPO-002") == []


# --- a register reviewed as a whole (`review:` in ropa.yaml) ----------------------

# The baseline with no review metadata of its own on the activity and the LIS; the
# portal and the DPA keep theirs (2026-06-01, every P1Y).
UNREVIEWED = [
    Edit(ACT, REVIEWED + "\nreview_every: P1Y\n", ""),
    Edit(LIS, "last_reviewed: {date: 2026-06-01, by: Claire Martin}\nreview_every: P1Y\n", ""),
]


def _review(last: str, every: str = "P1Y") -> Settings:
    return Settings(review=RegisterReview(last=dt.date.fromisoformat(last), by="DPO", every=every))


def _judged(tmp_path, settings: Settings | None, *changes) -> list:
    root = write_inventory(tmp_path / "inv", perturb(*UNREVIEWED, *changes))
    findings = check(load_inventory(root), AS_OF, settings).findings
    return sorted((f.rule, f.entity) for f in findings if f.rule.startswith("REV-"))


def test_entries_without_review_metadata_are_undeclared_without_a_register_review(tmp_path):
    assert _judged(tmp_path, None) == [
        ("REV-002", "Activity:lab-testing"),
        ("REV-002", "System:lis"),
    ]


def test_register_wide_review_stands_in_for_missing_review_metadata(tmp_path):
    """Near miss for REV-002 and REV-001: reviewed with the register on 2026-05-01."""
    assert _judged(tmp_path, _review("2026-05-01")) == []


def test_register_wide_review_due_today_is_not_overdue(tmp_path):
    """2025-11-29 + P1Y = 2026-11-29, the day checked."""
    assert _judged(tmp_path, _review("2025-11-29")) == []


def test_overdue_register_wide_review_makes_each_entry_without_its_own_overdue(tmp_path):
    root = write_inventory(tmp_path / "inv", perturb(*UNREVIEWED))
    result = check(load_inventory(root), AS_OF, _review("2025-11-28"))
    # The portal and the DPA were reviewed on their own on 2026-06-01: not overdue.
    assert [f.entity for f in of_rule(result, "REV-001")] == ["Activity:lab-testing", "System:lis"]
    assert of_rule(result, "REV-002") == []
    activity = of_rule(result, "REV-001")[0]
    assert activity.message == (
        "Activity lab-testing was last reviewed on 2025-11-28 with the whole register "
        "(ropa.yaml `review:`); due every P1Y (the register's period)"
    )
    assert f"{activity.pos.file}:{activity.pos.line}" == f"inv/{ACT}:1"


def test_an_entrys_own_review_wins_over_the_register_wide_one(tmp_path):
    """The activity's own review (2025-11-28, every P1Y) is overdue although the
    register was reviewed as a whole later; the register's date does not hide it."""
    own = Edit(
        ACT,
        "kind: Activity\n",
        "kind: Activity\n" + REVIEWED.replace("2026-06-01", "2025-11-28") + "\nreview_every: P1Y\n",
    )
    assert _judged(tmp_path, _review("2026-05-01"), own) == [("REV-001", "Activity:lab-testing")]


def test_an_entrys_own_period_applies_to_the_register_wide_date(tmp_path):
    """The LIS is re-read every three months: 2026-05-01 + P3M is before the date checked."""
    quarterly = Edit(LIS, "kind: System\n", "kind: System\nreview_every: P3M\n")
    root = write_inventory(tmp_path / "inv", perturb(*UNREVIEWED, quarterly))
    result = check(load_inventory(root), AS_OF, _review("2026-05-01"))
    assert [f.message for f in of_rule(result, "REV-001")] == [
        "System lis was last reviewed on 2026-05-01 with the whole register "
        "(ropa.yaml `review:`); due every P3M"
    ]


def test_an_entrys_own_date_runs_with_the_register_wide_period(tmp_path):
    """The activity says when it was reviewed (2025-11-28) but not how often: the
    register's P1Y applies to its own date, so it is overdue though the register is not."""
    dated = Edit(
        ACT,
        "kind: Activity\n",
        "kind: Activity\n" + REVIEWED.replace("2026-06-01", "2025-11-28") + "\n",
    )
    root = write_inventory(tmp_path / "inv", perturb(*UNREVIEWED, dated))
    result = check(load_inventory(root), AS_OF, _review("2026-05-01"))
    assert [f.message for f in of_rule(result, "REV-001")] == [
        "Activity lab-testing was last reviewed on 2025-11-28; "
        "due every P1Y (the register's period)"
    ]
    assert of_rule(result, "REV-002") == []


def test_ropa_yaml_review_reaches_the_rules(tmp_path):
    """`ropa check` reads `review:` from ropa.yaml (the pipeline, not only Settings)."""
    root = write_inventory(tmp_path / "inventory", perturb(*UNREVIEWED))
    request = Request(path=root, as_of=AS_OF, directory=tmp_path, use_baseline=False)
    before = [f.entity for f in run(request).result.findings if f.rule == "REV-002"]
    assert before == ["Activity:lab-testing", "System:lis"]
    (tmp_path / "ropa.yaml").write_text("review: {last: 2026-05-01, by: DPO, every: P1Y}\n")
    assert [f for f in run(request).result.findings if f.rule.startswith("REV-")] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("review: 2026-05-01", "review must be a mapping {last, by, every}"),
        ("review: {last: 2026-05-01, every: P1Y}", "review.by: Field required"),
        ("review: {last: 1 May 2026, by: DPO, every: P1Y}", "review.last: '1 May 2026' is not"),
        ("review: {last: 2026-05-01, by: DPO, every: yearly}", "review.every: 'yearly' is not"),
        ("review: {last: 2026-05-01, by: DPO, every: P1Y, who: x}", "review.who: Extra inputs"),
    ],
)
def test_a_malformed_register_review_is_a_config_error(text, message):
    with pytest.raises(ConfigError) as error:
        parse_config(text + "\n", Path("."))
    assert str(error.value).startswith(f"ropa.yaml: {message}")
