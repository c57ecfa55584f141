"""The most specific identifier claims an endpoint, whatever else is declared: a whole
namespace (as LIN-002 once suggested) never swallows the datasets other systems name."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.core.inventory import load_inventory
from registry.evidence.observed import Endpoint
from registry.evidence.reconcile import Matcher, Reconciliation, Ref, reconcile
from tests.conftest import write_inventory

LAB = Path(__file__).parent / "fixtures" / "lab"
NAMESPACE = "postgres://postgres:5432"
LIS = (NAMESPACE, "lis.public.patients")
BILLING = (NAMESPACE, "billing.invoices")
WAREHOUSE = (NAMESPACE, "dwh.marts.visits")

CATCH_ALL = f"""
---
kind: System
id: warehouse
name: Warehouse
owner: Lab IT
country: FR
identifiers: ["{NAMESPACE}"]
stores:
  - {{category: identity, retention: P1Y}}
last_reviewed: {{date: 2026-06-01, by: Claire Martin}}
review_every: P1Y
"""


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The lab fixture with LIS and billing named inside one dbt namespace."""
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    text = text.replace(
        "  - postgres://lis-db.biolab.internal:5432\n", f'  - "{NAMESPACE}/lis.public"\n'
    ).replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        f'identifiers: ["{NAMESPACE}/billing.*"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def event(inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-20T02:00:00Z",
        "run": {"runId": str(uuid.uuid4())},
        "producer": "https://github.com/dbt-labs/dbt-core/tree/1.8.0",
        "job": {"namespace": "dbt", "name": "run"},
        "inputs": [{"namespace": n, "name": m} for n, m in inputs],
        "outputs": [{"namespace": n, "name": m} for n, m in outputs],
    }


def reconcile_events(directory: Path, events: list[dict]) -> Reconciliation:
    path = directory / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return reconcile(load_inventory(directory / "inventory"), [(path, "events.jsonl")])


DBT_RUN = [event([LIS], [BILLING]), event([BILLING], [LIS])]


def test_declaring_the_whole_namespace_keeps_the_specific_systems_judged(shared):
    before = reconcile_events(shared, DBT_RUN)
    systems = shared / "inventory" / "systems.yaml"
    systems.write_text(systems.read_text(encoding="utf-8") + CATCH_ALL, encoding="utf-8")
    after = reconcile_events(shared, DBT_RUN)
    # lis → billing documented, billing → lis LIN-001 as before: neither is a movement
    # inside the warehouse that LIN-002 once suggested declaring with the bare namespace
    for result in (before, after):
        assert sorted((f.rule, f.entity) for f in result.findings) == [
            ("LIN-001", "Observed:billing->lis")
        ]
        assert (result.coverage.movements, result.coverage.documented) == (2, 1)
        assert result.coverage.internal == 0


def test_lin_002_suggests_the_dataset_not_its_namespace(shared):
    result = reconcile_events(shared, [event([LIS], [WAREHOUSE])])
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert unknown.message.startswith(
        f"observed dataset dwh.marts.visits in namespace {NAMESPACE} (in 1 event(s))"
    )
    assert f'identifiers: ["{NAMESPACE}/dwh.marts.visits"]' in unknown.message
    assert f'identifiers: ["{NAMESPACE}"]' not in unknown.message


# --- the property: a broader identifier never takes what a narrower one names ---------

SEGMENT = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
NAME = st.lists(SEGMENT, min_size=1, max_size=4).map(".".join)


def system(ident: str, identifiers: list[str]) -> str:
    return f"kind: System\nid: {ident}\nname: {ident}\nidentifiers: {json.dumps(identifiers)}\n"


def matcher(directory: Path, systems: list[tuple[str, list[str]]]) -> Matcher:
    shutil.rmtree(directory, ignore_errors=True)
    text = "---\n".join(system(ident, identifiers) for ident, identifiers in systems)
    return Matcher(load_inventory(write_inventory(directory, {"systems.yaml": text})))


@st.composite
def specific_and_broader(draw) -> tuple[str, str, str]:
    """A dataset name, an identifier naming it, and a broader one that also covers it."""
    name = draw(NAME)
    segments = name.split(".")
    cut = draw(st.integers(1, len(segments)))  # how much of the name the specific one keeps
    specific = f"{NAMESPACE}/{'.'.join(segments[:cut])}"
    if cut < len(segments) and draw(st.booleans()):
        specific += ".*"  # a glob over the rest
    broader = draw(
        st.sampled_from(
            [NAMESPACE, f"{NAMESPACE}/*", "postgres://*", f"{NAMESPACE}/{segments[0]}*"]
            + [f"{NAMESPACE}/{'.'.join(segments[:k])}" for k in range(1, cut)]
            + [f"{NAMESPACE}/{'.'.join(segments[:k])}.*" for k in range(1, cut)]
        )
    )
    return name, specific, broader


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=specific_and_broader(), ids=st.permutations(["aa", "mm", "zz"]))
def test_a_broader_identifier_never_takes_a_narrower_ones_dataset(tmp_path, case, ids):
    name, specific, broader = case
    if broader == specific:
        return  # the same identifier twice is LIN-005, not a question of specificity
    endpoint = Endpoint(f"{NAMESPACE}/{name}", NAMESPACE, name)
    owner, other, third = ids  # which system sorts first must not matter
    alone = matcher(tmp_path / "inv", [(owner, [specific])])
    assert alone.match(endpoint) == Ref("System", owner)
    both = matcher(tmp_path / "inv", [(owner, [specific]), (other, [broader, "unrelated"])])
    assert both.match(endpoint) == Ref("System", owner)
    # declared in another order, and with a third broad claimant: the same answer
    shuffled = matcher(
        tmp_path / "inv",
        [(third, [NAMESPACE + "/*"]), (other, [broader]), (owner, [specific])],
    )
    assert shuffled.match(endpoint) == Ref("System", owner)
