"""The loader's and the model's findings (SCH-*), end to end through `check`.

Each case perturbs the baseline inventory of tests/rules/baseline/ and names
the finding's rule, entity and file:line[:col] as read off the YAML. Loader
problems (syntax, duplicate keys, aliases, tags…) belong to the file, so their
entity is ``File:<path>``.
"""

from __future__ import annotations

import pytest

from tests.builder import Edit, Put, assert_finding, assert_no_finding, near_miss, perturb, trigger

LIS = "systems/lis.yaml"
PORTAL = "systems/portal.yaml"
ACT = "activities/lab-testing.yaml"
DPA = "contracts/lis-dpa.yaml"
INTAKE = "flows/sample-intake.yaml"
TO_PORTAL = "flows/results-to-portal.yaml"


def file_entity(name: str) -> str:
    return f"File:inv/{name}"


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


TRIGGERS = [
    trigger(
        "SCH-001",
        "syntax-error",
        Put("systems/broken.yaml", "kind: System\nid: broken\nname: a: b\n"),
        entity=file_entity("systems/broken.yaml"),
        at="systems/broken.yaml:3:8",  # the second `:`
    ),
    trigger(
        "SCH-001",
        "tab-indentation",
        Put("systems/tabbed.yaml", "kind: System\nid: tabbed\nstores:\n\t- category: identity\n"),
        entity=file_entity("systems/tabbed.yaml"),
        at="systems/tabbed.yaml:4:1",
    ),
    trigger(
        "SCH-002",
        "list-as-key",
        Put("systems/odd.yaml", "kind: System\n? [a, b]\n: x\n"),
        entity=file_entity("systems/odd.yaml"),
        at="systems/odd.yaml:2:3",
    ),
    trigger(
        "SCH-003",
        "duplicate-top-level-key",
        Edit(LIS, "country: FR\n", "country: FR\ncountry: DE\n"),
        entity=file_entity(LIS),
        at=f"{LIS}:7:1",
    ),
    trigger(
        "SCH-003",
        "duplicate-key-in-nested-mapping",
        Edit(LIS, "  mfa: true\n", "  mfa: true\n  mfa: false\n"),
        entity=file_entity(LIS),
        at=f"{LIS}:16:3",
    ),
    trigger(
        "SCH-003",
        "duplicate-key-in-list-item",
        Edit(LIS, "    retention: P10Y\n", "    retention: P10Y\n    retention: P5Y\n"),
        entity=file_entity(LIS),
        at=f"{LIS}:10:5",
    ),
    trigger(
        "SCH-003",
        "duplicate-key-in-flow-mapping",
        Edit(
            ACT, "dpia: {reference: DPIA-2025-01,", "dpia: {reference: DPIA-2025-01, reference: X,"
        ),
        entity=file_entity(ACT),
        at=f"{ACT}:19:33",
    ),
    trigger(
        "SCH-004",
        "anchor",
        Edit(LIS, "security:\n", "security: &sec\n"),
        entity=file_entity(LIS),
        at=f"{LIS}:12:11",
    ),
    trigger(
        "SCH-004",
        "alias",
        Edit(LIS, "country: FR", "country: *fr"),
        entity=file_entity(LIS),
        at=f"{LIS}:6:10",
    ),
    trigger(
        "SCH-004",
        "merge-key",
        Edit(LIS, "owner: Lab IT\n", "<<: {owner: Lab IT}\n"),
        entity=file_entity(LIS),
        at=f"{LIS}:4:1",
    ),
    trigger(
        "SCH-005",
        "python-object-tag",
        Edit(
            LIS,
            "name: Laboratory information system",
            'name: !!python/object/apply:os.system ["true"]',
        ),
        entity=file_entity(LIS),
        at=f"{LIS}:3:7",
    ),
    trigger(
        "SCH-006",
        "nesting-too-deep",
        Edit(LIS, "owner: Lab IT", "owner: " + deep(70)),
        entity=file_entity(LIS),
        at=f"{LIS}:4:71",  # the 64th `[` (column 8 + 63) opens level 65
    ),
    trigger(
        "SCH-007",
        "misspelled-kind",
        Put("systems/typo.yaml", "kind: Sytem\nid: typo\nname: Typo\n"),
        entity=file_entity("systems/typo.yaml"),
        at="systems/typo.yaml:1:7",
        also=lambda r: _message_has(r, "SCH-007", "did you mean 'System'?"),
    ),
    trigger(
        "SCH-007",
        "kind-is-a-list",  # used to crash the builder (unhashable)
        Put("systems/listkind.yaml", "kind: [System]\nid: listkind\nname: Listed\n"),
        entity=file_entity("systems/listkind.yaml"),
        at="systems/listkind.yaml:1:7",
    ),
    trigger(
        "SCH-007",
        "no-kind",
        Put("systems/nokind.yaml", "id: nokind\nname: No kind\n"),
        entity=file_entity("systems/nokind.yaml"),
        at="systems/nokind.yaml:1:1",
    ),
    trigger(
        "SCH-008",
        "misspelled-field-in-list-item",
        Edit(LIS, "    retention: P10Y\n", "    retension: P10Y\n"),
        entity="System:lis",
        at=f"{LIS}:9:5",  # the key
        also=lambda r: _message_has(r, "SCH-008", "'stores.0.retension'"),
    ),
    trigger(
        "SCH-008",
        "unknown-top-level-field",
        Edit(PORTAL, "owner: Digital team\n", "owner: Digital team\nsla: 99.9\n"),
        entity="System:portal",
        at=f"{PORTAL}:5:1",
    ),
    trigger(
        "SCH-009",
        "wrong-type",
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: many"),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",
    ),
    trigger(
        "SCH-009",
        "number-as-string-not-coerced",
        Edit(ACT, "estimated_subjects: 50000", 'estimated_subjects: "50000"'),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",
    ),
    trigger(
        "SCH-009",
        "february-30th",
        Edit(DPA, "signed: 2024-01-15", "signed: 2026-02-30"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:6:9",
        also=lambda r: _message_has(r, "SCH-009", "not a real calendar date"),
    ),
    trigger(
        "SCH-009",
        "date-written-day-first",
        Edit(DPA, "signed: 2024-01-15", "signed: 15/01/2024"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:6:9",
    ),
    trigger(
        "SCH-009",
        "bad-duration",
        Edit(LIS, "review_every: P1Y", "review_every: 1 year"),
        entity="System:lis",
        at=f"{LIS}:20:15",
    ),
    trigger(
        "SCH-009",
        "bad-retention-period",
        Edit(LIS, "    retention: P10Y\n", "    retention: P10X\n"),
        entity="System:lis",
        at=f"{LIS}:9:16",
    ),
    trigger(
        "SCH-009",
        "country-zz",
        Edit(LIS, "country: FR", "country: ZZ"),
        entity="System:lis",
        at=f"{LIS}:6:10",
        also=lambda r: _message_has(r, "SCH-009", "ISO 3166-1 alpha-2"),
    ),
    trigger(
        "SCH-009",
        "country-in-lower-case",
        Edit(LIS, "country: FR", "country: fr"),
        entity="System:lis",
        at=f"{LIS}:6:10",
    ),
    trigger(
        "SCH-009",
        "id-not-kebab-case",
        Put("subjects/staff.yaml", "kind: DataSubject\nid: Lab_Staff\nname: Lab staff\n"),
        entity="DataSubject:Lab_Staff",
        at="subjects/staff.yaml:2:5",
        also=lambda r: _message_has(r, "SCH-009", "kebab-case"),
    ),
    trigger(
        "SCH-009",
        "5000-digit-count",  # past Python's int-string limit: a finding, not a traceback
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: " + "9" * 5000),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",
        also=lambda r: _message_has(r, "SCH-009", "(5000 digits) is out of range"),
    ),
    trigger(
        "SCH-009",
        "decimal-count",
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: 50000.5"),
        entity="Activity:lab-testing",
        at=f"{ACT}:18:21",
        also=lambda r: _message_has(r, "SCH-009", "50000.5 is not a whole number"),
    ),
    trigger(
        "SCH-009",
        "bidi-override-in-name",
        Edit(PORTAL, "name: Patient portal", 'name: "Patient \\u202eportal"'),
        entity="System:portal",
        at=f"{PORTAL}:3:7",
    ),
    trigger(
        "SCH-009",
        "yes-is-not-a-boolean",  # YAML 1.2: `yes` is a string, and booleans are strict
        Edit(LIS, "mfa: true", "mfa: yes"),
        entity="System:lis",
        at=f"{LIS}:15:8",
    ),
    trigger(
        "SCH-009",
        "unknown-enum-value",
        Edit(LIS, "authentication: individual", "authentication: password"),
        entity="System:lis",
        at=f"{LIS}:14:19",
    ),
    trigger(
        "SCH-009",
        "javascript-link",
        Edit(DPA, "type: dpa\n", "type: dpa\ndocument: javascript:alert(1)\n"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:4:11",
    ),
    trigger(
        "SCH-010",
        "flow-without-destination",
        Edit(TO_PORTAL, "to: portal\n", ""),
        entity="Flow:results-to-portal",
        at=f"{TO_PORTAL}:1:1",
        also=lambda r: _message_has(r, "SCH-010", "'to'"),
    ),
    trigger(
        "SCH-010",
        "no-id",
        Put("subjects/staff.yaml", "kind: DataSubject\nname: Lab staff\n"),
        entity="DataSubject:inv/subjects/staff.yaml",  # no id: named by its file
        at="subjects/staff.yaml:1:1",
    ),
    trigger(
        "SCH-011",
        "duplicate-id-across-files",
        Put("systems/z-lis.yaml", "kind: System\nid: lis\nname: Another LIS\n"),
        entity="System:lis",
        at="systems/z-lis.yaml:2:5",  # the second definition, in file order
        also=lambda r: _message_has(r, "SCH-011", "first defined at inv/systems/lis.yaml:2:5"),
    ),
    trigger(
        "SCH-012",
        "dangling-reference-with-suggestion",
        Edit(INTAKE, "contract: lis-dpa", "contract: lis-dap"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:8:11",
        also=lambda r: _message_has(r, "SCH-012", "did you mean 'lis-dpa'?"),
    ),
    trigger(
        "SCH-012",
        "dangling-reference-in-a-list",
        Edit(INTAKE, "[identity, lab-results]", "[identity, lab-result]"),
        entity="Flow:sample-intake",
        at=f"{INTAKE}:6:29",
        also=lambda r: _message_has(r, "SCH-012", "did you mean 'lab-results'?"),
    ),
    # Fields two steps down (a list of mappings, or one mapping): checked in bulk first.
    trigger(
        "SCH-012",
        "dangling-reference-in-stores",
        Edit(LIS, "  - category: lab-results\n", "  - category: lab-result\n"),
        entity="System:lis",
        at=f"{LIS}:10:15",
        also=lambda r: _message_has(r, "SCH-012", "stores.category: no DataCategory"),
    ),
    trigger(
        "SCH-012",
        "dangling-reference-in-retention",
        Edit(ACT, "{category: identity, period: P10Y}", "{category: identy, period: P10Y}"),
        entity="Activity:lab-testing",
        at=f"{ACT}:13:16",
        also=lambda r: _message_has(r, "SCH-012", "retention.category: no DataCategory"),
    ),
    trigger(
        "SCH-012",
        "dangling-reference-in-scope",
        Edit(DPA, "activities: [lab-testing]", "activities: [lab-tests]"),
        entity="Contract:lis-dpa",
        at=f"{DPA}:9:16",
        also=lambda r: _message_has(r, "SCH-012", "scope.activities: no Activity"),
    ),
    trigger(
        "SCH-013",
        "document-is-a-list",
        Put("systems/list.yaml", "- kind: System\n  id: listed\n"),
        entity=file_entity("systems/list.yaml"),
        at="systems/list.yaml:1:1",
    ),
    trigger(
        "SCH-013",
        "empty-file",
        Put("systems/empty.yaml", ""),
        entity=file_entity("systems/empty.yaml"),
        at="systems/empty.yaml:1:1",
    ),
]

NEAR_MISSES = [
    near_miss("SCH-001", "utf8-byte-order-mark", Edit(LIS, "kind: System", "\ufeffkind: System")),
    near_miss(
        "SCH-001", "tab-in-a-comment", Edit(LIS, "review_every: P1Y", "review_every: P1Y\t# yearly")
    ),
    near_miss(
        "SCH-002",
        "bracketed-key-quoted",  # an unknown field (SCH-008), not a complex key
        Edit(LIS, "owner: Lab IT\n", "owner: Lab IT\n'[a, b]': x\n"),
    ),
    near_miss(
        "SCH-003",
        "same-key-in-two-documents-of-one-file",
        Put(
            "subjects/staff.yaml",
            "kind: DataSubject\nid: staff\nname: Staff\n"
            "---\nkind: DataSubject\nid: temps\nname: Temps\n",
        ),
    ),
    near_miss(
        "SCH-004",
        "ampersand-and-star-inside-text",
        Edit(LIS, "owner: Lab IT", "owner: R&D *core* team"),
    ),
    near_miss("SCH-005", "standard-str-tag", Edit(LIS, "owner: Lab IT", "owner: !!str 42")),
    near_miss("SCH-005", "tag-text-quoted", Edit(LIS, "owner: Lab IT", "owner: '!!python/object'")),
    near_miss("SCH-006", "nested-64-levels", Edit(LIS, "owner: Lab IT", "owner: " + deep(63))),
    near_miss("SCH-007", "kind-quoted", Edit(LIS, "kind: System", 'kind: "System"')),
    near_miss(
        "SCH-008",
        "known-optional-field",
        Edit(LIS, "owner: Lab IT\n", "owner: Lab IT\ndescription: LIS\n"),
    ),
    near_miss("SCH-009", "leap-day", Edit(DPA, "signed: 2024-01-15", "signed: 2024-02-29")),
    near_miss("SCH-009", "norway-stays-a-string", Edit(LIS, "country: FR", "country: NO")),
    near_miss(
        "SCH-009", "composite-duration", Edit(LIS, "review_every: P1Y", "review_every: P1Y6M")
    ),
    near_miss(
        "SCH-009",
        "markup-in-name",  # issue 16: a name is any printable text, escaped by every output
        Edit(PORTAL, "name: Patient portal", 'name: "Portal <script>alert(1)</script> -> R&D"'),
    ),
    near_miss(
        "SCH-009",
        "count-of-2-53-minus-1",  # the largest integer a double holds exactly
        Edit(ACT, "estimated_subjects: 50000", "estimated_subjects: 9007199254740991"),
    ),
    near_miss(
        "SCH-009",
        "name-with-ampersand-and-quotes",
        Edit(PORTAL, "name: Patient portal", 'name: Patients\' portal & "results"'),
    ),
    near_miss(
        "SCH-010", "optional-field-missing", Edit(TO_PORTAL, "data_subjects: [patients]\n", "")
    ),
    near_miss(
        "SCH-011",
        "same-id-different-kinds",
        Put("organisations/lis.yaml", "kind: Organisation\nid: lis\nname: Lis SA\ncountry: FR\n"),
    ),
    near_miss(
        "SCH-012",
        "reference-to-default-taxonomy",
        Edit(INTAKE, "[identity, lab-results]", "[identity, lab-results, hiv-status]"),
        Edit(
            ACT,
            "data_categories: [identity, lab-results]",
            "data_categories: [identity, lab-results, hiv-status]",
        ),
    ),
    near_miss(
        "SCH-013",
        "comment-then-document",
        Edit(LIS, "kind: System", "# The LIS, run by LabSoft\n---\nkind: System"),
    ),
]


def _message_has(result, code: str, text: str) -> None:
    messages = [f.message for f in result.findings if f.rule == code]
    assert any(text in m for m in messages), messages


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)


# --- what a broken entity does to the rest ----------------------------------------


def test_invalid_entity_is_not_also_a_dangling_reference(check_yaml):
    """A contract that fails validation still exists: flows naming it get no SCH-012."""
    result = check_yaml(perturb(Edit(DPA, "signed: 2024-01-15", "signed: 2026-02-30")))
    assert_finding(result, "SCH-009", "Contract:lis-dpa", f"{DPA}:6:9")
    assert_no_finding(result, "SCH-012")


def test_references_kept_in_an_invalid_entity_are_resolved(check_yaml):
    """An entity kept in part (issue 16) is shown by every output with what validated:
    a reference it keeps is resolved like any other, and a dangling one is SCH-012."""
    result = check_yaml(
        perturb(
            Edit(INTAKE, "to: lis\n", "to: lsi\nfrequency: daily\n"),
        )
    )
    assert_finding(result, "SCH-008", "Flow:sample-intake", f"{INTAKE}:6:1")
    rules = sorted(f.rule for f in result.findings if f.entity == "Flow:sample-intake")
    assert rules == ["SCH-008", "SCH-012"]
    assert "did you mean 'lis'?" in next(f.message for f in result.findings if f.rule == "SCH-012")


def test_a_reference_set_aside_is_reported_once(check_yaml):
    """A reference that is itself invalid is SCH-009, never also a dangling SCH-012."""
    result = check_yaml(perturb(Edit(ACT, "data_subjects: [patients]", "data_subjects: [Pat]")))
    rules = [f.rule for f in result.findings if f.entity == "Activity:lab-testing"]
    assert rules == ["SCH-009"]


def test_rules_do_not_judge_an_entity_that_failed_validation(check_yaml):
    """No rule crashes or invents findings about an entity the model refused."""
    result = check_yaml(perturb(Edit(LIS, "country: FR", "country: ZZ")))
    lis = [f.rule for f in result.findings if f.entity == "System:lis"]
    assert lis == ["SCH-009"]
    assert result.failed


def test_every_error_of_one_entity_is_reported(check_yaml):
    result = check_yaml(
        perturb(
            Edit(LIS, "country: FR", "country: ZZ"),
            Edit(LIS, "review_every: P1Y", "review_every: yearly"),
        )
    )
    lines = sorted(f.pos.line for f in result.findings if f.rule == "SCH-009")
    assert lines == [6, 20]


def _only_schema_findings(result) -> list[str]:
    return sorted({f.rule for f in result.findings})


def test_invalid_flows_do_not_cascade_into_missing_flows_or_security(check_yaml):
    """Both flows of the activity fail validation: no R30-006 / R30-008 about it."""
    result = check_yaml(
        perturb(
            Edit(INTAKE, "encrypted_in_transit: true", "encrypted_in_transit: maybe"),
            Edit(TO_PORTAL, "encrypted_in_transit: true", "encrypted_in_transit: maybe"),
        )
    )
    assert_finding(result, "SCH-009", "Flow:sample-intake", f"{INTAKE}:9:23")
    assert_finding(result, "SCH-009", "Flow:results-to-portal", f"{TO_PORTAL}:8:23")
    assert _only_schema_findings(result) == ["SCH-009"]


def test_invalid_system_does_not_cascade_into_missing_security(check_yaml):
    result = check_yaml(
        perturb(
            Edit(ACT, "dpia:", "systems: [lis]\ndpia:"),
            Edit(INTAKE, "encrypted_in_transit: true", "encrypted_in_transit: maybe"),
            Edit(TO_PORTAL, "encrypted_in_transit: true", "encrypted_in_transit: maybe"),
            Edit(LIS, "country: FR", "country: ZZ"),
        )
    )
    assert _only_schema_findings(result) == ["SCH-009"]


def test_invalid_contract_is_not_also_a_missing_contract(check_yaml):
    """The DPA has a bad date: DPA-002 does not claim that no contract exists."""
    result = check_yaml(perturb(Edit(DPA, "signed: 2024-01-15", "signed: 2024-13-01")))
    assert_finding(result, "SCH-009", "Contract:lis-dpa", f"{DPA}:6:9")
    assert _only_schema_findings(result) == ["SCH-009"]


def test_waiver_naming_an_invalid_entity_is_not_unused(check_yaml):
    waiver = (
        "kind: Waiver\nid: w\nrule: SEC-001\nentity: System:lis\nreason: Upgrade due\n"
        "approved_by: Claire Martin\nexpires: 2027-01-01\n"
    )
    result = check_yaml(
        perturb(Edit(LIS, "country: FR", "country: ZZ"), Put("waivers/w.yaml", waiver))
    )
    assert_no_finding(result, "WAV-003")
    assert_finding(result, "SCH-009", "System:lis", f"{LIS}:6:10")


def test_activity_listing_an_unknown_system_does_not_crash(check_yaml):
    """It used to raise KeyError in DPA-002 (a traceback from `ropa check`)."""
    result = check_yaml(perturb(Edit(ACT, "dpia:", "systems: [lis, lsi]\ndpia:")))
    finding = assert_finding(result, "SCH-012", "Activity:lab-testing", f"{ACT}:19:16")
    assert "did you mean 'lis'?" in finding.message
    assert _only_schema_findings(result) == ["SCH-012"]


def test_invalid_systems_at_the_ends_of_flows_do_not_cascade(check_yaml):
    """Both systems fail validation; the activity's flows are fine: no R30-008."""
    result = check_yaml(
        perturb(
            Edit(LIS, "country: FR", "country: ZZ"),
            Edit(PORTAL, "country: FR", "country: ZZ"),
        )
    )
    assert_finding(result, "SCH-009", "System:lis", f"{LIS}:6:10")
    assert_finding(result, "SCH-009", "System:portal", f"{PORTAL}:6:10")
    assert _only_schema_findings(result) == ["SCH-009"]
