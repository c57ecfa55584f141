"""The format's common facts (issue 12): retention as a period, an event or indefinite;
several authentication modes on one system; a transient system that keeps nothing.

Every short and mapping form loads; a retention giving none or several of `period`,
`until` and `indefinite` is a schema finding at the file:line to edit, saying what to
write; the record, the exports and the importers say and read each form.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from registry.core.inventory import load_inventory
from registry.core.model import Retention, Security, System
from registry.core.record import Record
from registry.core.vocabulary import Authentication, vague_retention
from registry.core.wording import security_text
from registry.importers import import_register
from registry.importers.spreadsheet import parse_retention
from registry.layouts import ico
from registry.outputs.export import derive, export_register
from registry.outputs.export.cnil import retention_fr
from registry.pipeline.check import check
from tests.builder import Edit, assert_finding, describe, perturb
from tests.conftest import AS_OF, EXAMPLE, ROOT, write_inventory

LIS = "systems/lis.yaml"
ACT = "activities/lab-testing.yaml"
LIS_IDENTITY = "    retention: P10Y\n"  # line 9
ACT_IDENTITY = "  - {category: identity, period: P10Y}\n"  # line 13

# (as written, as loaded)
FORMS: list[tuple[Any, dict[str, Any]]] = [
    ("P10Y", {"period": "P10Y"}),
    ("P3Y after end of contract", {"period": "P3Y", "after": "end of contract"}),
    ("until account deletion", {"until": "account deletion"}),
    ("Until unsubscribe", {"until": "unsubscribe"}),
    ("indefinite", {"indefinite": True}),
    ("indefinitely", {"indefinite": True}),
    (
        "indefinite: archives in the public interest",
        {"indefinite": True, "justification": "archives in the public interest"},
    ),
    ("provider default", {"until": "provider default"}),  # vague: RET-005 says so
    ("as long as necessary", {"until": "as long as necessary"}),
    ({"period": "P10Y", "after": "end of care", "source": "CSP R.1112-7"}, {}),
    ({"until": "account deletion", "source": "Terms of service §4"}, {}),
    ({"indefinite": True, "justification": "public archives", "source": "Code du patrimoine"}, {}),
]


@pytest.mark.parametrize(("written", "loaded"), FORMS, ids=str)
def test_each_form_loads(written: Any, loaded: dict[str, Any]) -> None:
    retention = Retention.model_validate(written)
    assert retention.model_dump(exclude_none=True) == (loaded or written)


def _yaml(value: Any) -> str:
    """A form as a YAML flow value."""
    if isinstance(value, str):
        return f'"{value}"' if ": " in value else value  # YAML would read a mapping
    return "{" + ", ".join(f"{k}: {'true' if v is True else v}" for k, v in value.items()) + "}"


@pytest.mark.parametrize(("written", "loaded"), FORMS, ids=str)
def test_each_form_loads_in_a_register(written: Any, loaded: dict[str, Any], check_yaml) -> None:
    """As a system's `stores:` retention, and (as a mapping) as an activity's."""
    entry = _yaml(loaded or written).strip("{}")
    result = check_yaml(
        perturb(
            Edit(LIS, LIS_IDENTITY, f"    retention: {_yaml(written)}\n"),
            Edit(ACT, "  - {category: identity, period: P10Y}\n",
                 f"  - {{category: identity, {entry}}}\n"),
        )
    )  # fmt: skip
    schema = [f for f in result.findings if f.rule.startswith("SCH")]
    assert schema == [], describe(schema)


@pytest.mark.parametrize(
    "retention",
    [Retention.model_validate(w) for w, _ in FORMS],
    ids=[str(w) for w, _ in FORMS],
)
def test_the_record_words_read_back(retention: Retention) -> None:
    """What the exports write (`str`) the spreadsheet importer parses back."""
    assert parse_retention(str(retention)) == retention


def test_the_record_words() -> None:
    def said(value: Any) -> str:
        return str(Retention.model_validate(value))

    assert said("P3Y after end of contract") == "P3Y after end of contract"
    assert said({"until": "account deletion", "source": "ToS"}) == "until account deletion (ToS)"
    assert said({"indefinite": True, "justification": "archives"}) == "indefinite: archives"
    assert said("indefinite") == "indefinite"
    assert said("provider default") == "provider default"  # not "until provider default"
    assert retention_fr(Retention.model_validate("until account deletion")) == (
        "jusqu'à : account deletion"
    )
    assert retention_fr(Retention.model_validate("P1Y6M after x")) == (
        "1 an et 6 mois à compter de : x"
    )
    assert retention_fr(Retention.model_validate({"indefinite": True, "justification": "j"})) == (
        "durée illimitée : j"
    )


# --- what a retention must say: one of the three, at the line to edit ----------------------

SCHEMA_CASES = [
    # (why, changes, rule, at, words the message must contain)
    (
        "nothing-but-a-source",
        Edit(LIS, LIS_IDENTITY, "    retention: {source: CSP R.1112-7}\n"),
        "SCH-010",
        f"{LIS}:9:16",
        ["period: P10Y", "until:", "indefinite: true", "justification"],
    ),
    (
        "activity-category-without-any",
        Edit(ACT, ACT_IDENTITY, "  - {category: identity}\n"),
        "SCH-010",
        f"{ACT}:13:5",
        ["period: P10Y", "until:", "indefinite: true"],
    ),
    (
        "period-and-until",
        Edit(LIS, LIS_IDENTITY, "    retention: {period: P3Y, until: account deletion}\n"),
        "SCH-009",
        f"{LIS}:9:16",
        ["`period` and `until`", "after: account deletion"],
    ),
    (
        "period-and-indefinite",
        Edit(ACT, ACT_IDENTITY, "  - {category: identity, period: P10Y, indefinite: true}\n"),
        "SCH-009",
        f"{ACT}:13:5",
        ["`period` and `indefinite`", "one of"],
    ),
    (
        "words-instead-of-a-period",
        Edit(LIS, LIS_IDENTITY, "    retention: 10 years\n"),
        "SCH-009",
        f"{LIS}:9:16",
        ["'10 years'", "P10Y", "until account deletion", "indefinite"],
    ),
    (
        "after-without-a-period",
        Edit(LIS, LIS_IDENTITY, "    retention: {until: end of contract, after: signature}\n"),
        "SCH-009",
        f"{LIS}:9:16",
        ["`after`"],
    ),
    (
        "justification-of-a-period",
        Edit(LIS, LIS_IDENTITY, "    retention: {period: P1Y, justification: needed}\n"),
        "SCH-009",
        f"{LIS}:9:16",
        ["`justification`", "`source`"],
    ),
    (
        "empty-authentication-list",
        Edit(LIS, "authentication: individual", "authentication: []"),
        "SCH-009",
        f"{LIS}:14:19",
        ["authentication"],
    ),
]


@pytest.mark.parametrize(
    ("why", "change", "rule", "at", "words"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES]
)
def test_a_retention_says_exactly_one_thing(why, change, rule, at, words, check_yaml) -> None:
    result = check_yaml(perturb(change))
    entity = "Activity:lab-testing" if at.startswith(ACT) else "System:lis"
    finding = assert_finding(result, rule, entity, at)
    for word in words:
        assert word in finding.message, finding.message


def test_old_registers_still_load() -> None:
    """The example and the fixtures predate the new forms: no schema finding."""
    fixtures = ROOT / "tests" / "fixtures"
    for folder in (EXAMPLE, fixtures / "dedalus", fixtures / "lab" / "inventory"):
        assert load_inventory(folder).problems == [], folder


def test_vagueness() -> None:
    for text in [
        "provider default",
        "the provider's default",
        "Vendor default settings",
        "as long as necessary",
        "as long as needed for the purpose",
        "until no longer needed",
        "unknown",
        "TBD",
        "to be defined",
        "n/a",
        "?",
        "tant que nécessaire",
        "à définir",
        "No retention or erasure policy",  # what Fides writes on a dataset by default
    ]:
        assert vague_retention(text), text
    for text in [
        "account deletion",
        "unsubscribe",
        "the payment default is settled",
        "as long as required by CSP R.1112-7",
        "end of the contract",
        "the patient's death",
    ]:
        assert not vague_retention(text), text


# --- several authentication modes ---------------------------------------------------------


def test_several_authentication_modes() -> None:
    security = Security.model_validate({"authentication": ["none", "shared"]})
    assert security.authentications == (Authentication.none, Authentication.shared)
    assert security.weakest_authentication is Authentication.none
    assert security_text(security) == "no authentication; shared accounts"  # shown as both
    one = Security.model_validate({"authentication": "shared"})
    assert one.authentications == (Authentication.shared,)
    assert one.weakest_authentication is Authentication.shared
    assert Security().weakest_authentication is None


# --- a transient system ---------------------------------------------------------------------

PROXY = {
    "org.yaml": """
        kind: Organisation
        id: shop
        name: Shop
        country: FR
    """,
    "proxy.yaml": """
        kind: System
        id: edge-proxy
        name: Edge proxy
        operator: shop
        country: FR
        stores: []
        security: {authentication: [none, shared], internet_exposed: true}
    """,
    "activity.yaml": """
        kind: Activity
        id: orders
        name: Orders
        controller: shop
        purposes: [{purpose: Take orders, legal_basis: contract}]
        data_categories: [identity]
        retention: [{category: identity, until: account deletion}]
        systems: [edge-proxy]
    """,
}


def test_a_transient_system_keeps_nothing_in_the_record(tmp_path: Path) -> None:
    inv = load_inventory(write_inventory(tmp_path, PROXY))
    assert inv.problems == []
    proxy = inv.systems["edge-proxy"]
    assert proxy.transient
    line = derive.security_line(proxy)
    assert line == (
        "Edge proxy: keeps nothing (transient); no authentication; shared accounts; "
        "exposed to the internet"
    )
    assert not System.model_validate({"kind": "System", "id": "s", "name": "S"}).transient
    result = check(inv, AS_OF)
    assert not [f for f in result.findings if f.rule.startswith("RET")]
    assert {"SEC-002"} <= {f.rule for f in result.findings}


def test_the_ico_export_round_trips_the_new_forms(tmp_path: Path) -> None:
    files = PROXY | {
        "activity.yaml": """
            kind: Activity
            id: orders
            name: Orders
            controller: shop
            purposes: [{purpose: Take orders, legal_basis: contract}]
            art9_condition: health_or_social_care
            data_categories: [identity, contact, health]
            retention:
              - {category: identity, until: account deletion}
              - {category: contact, until: as long as necessary}
              - {category: health, indefinite: true, justification: research cohort}
            systems: [edge-proxy]
        """
    }
    inv = load_inventory(write_inventory(tmp_path / "a", files))
    assert inv.problems == [], [p.message for p in inv.problems]
    first = export_register(Record(inv, AS_OF), fmt="xlsx", template="ico")
    (tmp_path / "reg.xlsx").write_bytes(first)
    result = import_register("spreadsheet", tmp_path / "reg.xlsx", tmp_path / "out")
    assert result.unplaced == 0, result.report
    imported = load_inventory(tmp_path / "out")
    assert imported.problems == []
    [activity] = imported.activities.values()
    assert [str(r) for r in activity.retention] == [
        "until account deletion",
        "as long as necessary",
        "indefinite: research cohort",
    ]
    [proxy] = imported.systems.values()
    assert proxy.transient
    assert proxy.security.authentications == (Authentication.none, Authentication.shared)
    again = export_register(Record(imported, AS_OF), fmt="xlsx", template="ico")
    assert again == first


def test_a_spreadsheet_cell_with_an_event_or_indefinite_is_not_dropped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["", "Name", "Address", "Email", "Telephone"])
    ws.append(["Controller", "Acme", "1 High Street, Leeds", "info@acme.example", "0113 000"])
    ws.append([])
    ws.append(list(ico.COLUMNS))
    row = {
        "purposes": "Customer accounts",
        "data_categories": "Identity\nContact details\nHealth data",
        "retention": "Identity: until account deletion\nContact details: indefinite\n"
        "Health data: the provider's default",
    }
    ws.append([row.get(k) for k in ico.KEYS])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "reg.xlsx").write_bytes(buffer.getvalue())
    result = import_register("spreadsheet", tmp_path / "reg.xlsx", tmp_path / "out")
    assert result.unplaced == 0, result.report
    inv = load_inventory(tmp_path / "out")
    [activity] = inv.activities.values()
    assert [r.model_dump(exclude_none=True) for r in activity.retention] == [
        {"category": "identity", "until": "account deletion"},
        {"category": "contact", "indefinite": True},
        {"category": "health", "until": "the provider's default"},
    ]
    codes = {(f.rule, f.entity) for f in check(inv, AS_OF).findings}
    assert ("RET-004", f"Activity:{activity.id}") in codes  # indefinite, not justified
    assert ("RET-005", f"Activity:{activity.id}") in codes  # the provider's default
    assert not any(rule == "R30-007" for rule, _ in codes)  # none is missing


def test_french_retention_words() -> None:
    assert parse_retention("jusqu'à : la suppression du compte") == Retention(
        until="la suppression du compte"
    )
    assert parse_retention("jusqu'à la suppression du compte") == Retention(
        until="la suppression du compte"
    )
    assert parse_retention("durée illimitée") == Retention(indefinite=True)
    assert parse_retention("durée illimitée : archives publiques (Code du patrimoine)") == (
        Retention(indefinite=True, justification="archives publiques", source="Code du patrimoine")
    )
    assert parse_retention("forever") is None
    assert parse_retention("No retention or erasure policy") == Retention(
        until="No retention or erasure policy"
    )  # Fides's default: imported, and RET-005 warns


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_cnil_export_round_trips_the_new_forms(tmp_path: Path, fmt: str) -> None:
    files = PROXY | {
        "activity.yaml": """
            kind: Activity
            id: orders
            name: Orders
            controller: shop
            purposes: [{purpose: Take orders, legal_basis: contract}]
            data_categories: [identity, contact]
            retention:
              - {category: identity, until: account deletion, source: CGV art. 4}
              - {category: contact, indefinite: true, justification: litiges}
            systems: [edge-proxy]
        """
    }
    inv = load_inventory(write_inventory(tmp_path / "a", files))
    first = export_register(Record(inv, AS_OF), fmt=fmt, template="cnil")
    text = export_register(Record(inv, AS_OF), fmt="csv", template="cnil").decode()
    assert "jusqu'à : account deletion (CGV art. 4)" in text
    assert "durée illimitée : litiges" in text
    assert "aucune authentification, comptes partagés" in text
    assert "Edge proxy : ne conserve aucune donnée (transitoire)" in text
    (tmp_path / f"reg.{fmt}").write_bytes(first)
    import_register("spreadsheet", tmp_path / f"reg.{fmt}", tmp_path / "out", template="cnil")
    imported = load_inventory(tmp_path / "out")
    assert imported.problems == []
    [activity] = imported.activities.values()
    assert {str(r) for r in activity.retention} == {
        "until account deletion (CGV art. 4)",
        "indefinite: litiges",
    }
    [proxy] = imported.systems.values()
    assert proxy.transient
    assert proxy.security.authentications == (Authentication.none, Authentication.shared)
    assert export_register(Record(imported, AS_OF), fmt=fmt, template="cnil") == first


def test_the_site_says_a_transient_system_keeps_nothing(tmp_path: Path) -> None:
    from registry.outputs.site.pages import build_site

    inv = load_inventory(write_inventory(tmp_path, PROXY))
    site = build_site(check(inv, AS_OF), draw=lambda inv, view, page: "")
    page = site.pages["systems/edge-proxy.md"].body
    from registry.outputs.site import labels

    assert "It keeps nothing (transient)" in page
    # every way in, as written, in the security checklist (a public area: not met)
    assert labels.mark(labels.NO) + " | no authentication, shared accounts |" in page
    register = "\n".join(p.body for name, p in site.pages.items() if "register" in name)
    assert (
        "keeps nothing &#40;transient&#41; · "
        + labels.mark(labels.NO)
        + " no authentication, shared accounts"
    ) in register


def test_trace_and_impact_say_a_transient_system_keeps_nothing(tmp_path: Path) -> None:
    from registry.lineage.impact import impact
    from registry.lineage.trace import trace

    files = PROXY | {
        "flow.yaml": """
            kind: Flow
            id: sign-up
            activity: orders
            from: customers
            to: edge-proxy
            data_categories: [identity]
            encrypted_in_transit: true
        """
    }
    inv = load_inventory(write_inventory(tmp_path, files))
    assert inv.problems == []
    [category] = impact(Record(inv, AS_OF), "edge-proxy")["categories"]
    assert category["retention"] == "keeps nothing (transient)"
    steps = [step for route in trace(inv, "identity")["routes"] for step in route["steps"]]
    proxy = [s for s in steps if s["id"] == "edge-proxy"]
    assert proxy and all(s["retention"] == ["keeps nothing (transient)"] for s in proxy)
