"""One register: the site, the ICO/CNIL/JSON exports and `ropa diff` say the same thing
about every activity, because they all read :mod:`registry.core.record`.

Checked field by field (recipients, processors with their contracts, transfers) on
the example, the Dedalus fixture and generated inventories of several seeds; and
"no contract" is shown exactly where `ropa check` reports the Art. 28 error.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.core.inventory import Inventory, inventory_from_files, load_inventory
from registry.core.record import Record
from registry.core.wording import NO_CONTRACT
from registry.layouts import ico as ico_layout
from registry.layouts.cnil import ART87_LINE
from registry.outputs.diff import diff
from registry.outputs.export import cnil, derive, full, ico
from registry.outputs.site import register
from registry.pipeline.check import CheckResult, check
from tests.conftest import AS_OF, ROOT

PAGE = "register.md"
SEEDS = (1, 2, 3)


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_GENERATOR = _generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    generate = _GENERATOR
    found = {}
    for seed in SEEDS:
        out = tmp_path_factory.mktemp(f"seed-{seed}") / "inventory"
        generate.main(["--flows", "100", "--seed", str(seed), "--out", str(out)])
        found[seed] = out
    return found


def _inventories(generated: dict[int, Path]) -> list[tuple[str, Inventory]]:
    found = [
        ("example", load_inventory(ROOT / "inventory")),
        ("dedalus", load_inventory(ROOT / "tests/fixtures/dedalus")),
        ("lab", load_inventory(ROOT / "tests/fixtures/lab/inventory")),
    ]
    return found + [(f"seed {s}", load_inventory(p)) for s, p in generated.items()]


def _linked(cell: str, section: str) -> list[str]:
    """Ids of the entity pages of one section linked from a site cell, in order."""
    return re.findall(rf"{section}/([a-z0-9-]+)\.md", cell)


def _flows_linked(cell: str) -> list[str]:
    """Ids of the flows linked from a site cell (each a section of its activity's page)."""
    return re.findall(r"\.md#flow-([a-z0-9-]+)\)", cell)


def _site_row(record: Record, ident: str) -> dict[str, str]:
    row = register.controller_row(record, record.activities[ident], PAGE)
    return dict(zip(register.CONTROLLER_COLUMNS, row, strict=True))


def _agree(record: Record) -> None:
    inv = record.inventory
    for ident, entry in record.activities.items():
        if entry.controller not in inv.organisations:
            continue
        org = entry.controller
        columns = dict(zip(ico_layout.KEYS, ico.row(record, entry, org), strict=True))
        fiche = {line.label: line for line in cnil.fiche(record, entry.activity, org)}
        derived = full._activity(inv, entry)
        site = _site_row(record, ident)
        where = f"activity {ident}"

        # Recipients (Art. 30(1)(d)): names and roles, in every output.
        expected = [(r.organisation, r.name, r.role) for r in entry.recipients]
        assert columns["recipients"] == [f"{n} ({r})" for _, n, r in expected], where
        assert [(r["organisation"], r["name"], r["role"]) for r in derived["recipients"]] == (
            expected
        ), where
        assert _linked(site["Recipients (d)"], "organisations") == [o for o, _, _ in expected]
        cnil_names = sorted(
            n
            for label in ("Sous-traitants", "Responsables conjoints", "Autres destinataires")
            for n in fiche[label].content
        )
        assert cnil_names == sorted(n for _, n, _ in expected), where

        # Processors and the contracts behind each; "no contract" in the same places.
        lines = columns["contracts"]
        assert sorted(lines) == lines == derived["processor_contracts"], where
        site_cell = site["Processors and contracts (Art. 28)"]
        for processor in entry.processors:
            text = derive.covers_text(processor.covers)
            assert f"{processor.name}: {text}" in lines, where
            french = "aucun contrat" if text == NO_CONTRACT else f"contrat {text}"
            assert f"{processor.name} : {french}" in fiche["Contrôle des sous-traitants"].content
            (shown,) = [
                p for p in derived["processors"] if p["organisation"] == processor.organisation
            ]
            assert [c["contract"] for c in shown["contracts"]] == [
                c.contract.id for c in processor.covers
            ], where
            assert (text == NO_CONTRACT) == (not processor.covers), where
        assert _linked(site_cell, "organisations") == [p.organisation for p in entry.processors]
        assert site_cell.count("**none**") == sum(1 for p in entry.processors if not p.covers)
        assert set(_linked(site_cell, "contracts")) == {
            c.contract.id for p in entry.processors for c in p.covers
        } | {c.authorised_by.id for p in entry.processors for c in p.covers if c.authorised_by}

        # Transfers outside the EEA (Art. 30(1)(e)), with their safeguard.
        transfers = entry.transfers
        assert columns["transfer_countries"] == [t.country_text for t in transfers], where
        assert columns["transfer_safeguards"] == [t.safeguard_text for t in transfers], where
        assert [(t["country"], t["recipient"], t["safeguard"]) for t in derived["transfers"]] == [
            (t.country, t.recipient, t.safeguard) for t in transfers
        ], where
        moved = fiche["Destinataires et pays"].content
        assert [line.split(" — ")[0] for line in moved] == [t.recipient for t in transfers]
        cell = html.unescape(site["Transfers outside the EEA (e)"])
        assert re.findall(r"\(([A-Z]{2})\): ", cell) == [t.country for t in transfers], where
        for t in transfers:
            assert set(t.flows) <= set(_flows_linked(cell)), where

        # Security and location: the systems the activity uses, in both layouts.
        assert columns["security"] == [derive.security_line(s) for s in entry.systems], where
        assert _linked(site["Security measures (g)"], "systems") == [s.id for s in entry.systems]

        # The law behind each legal obligation or public task (Art. 6(3)), and the one
        # allowing a national identification number (Art. 87), wherever a basis is shown.
        purposes = entry.activity.purposes
        bases = fiche["Finalité(s)"].extra
        site_bases = html.unescape(site["Legal basis (Art. 6)"]).split("<br>")
        for index, purpose in enumerate(purposes):
            if purpose.law and purpose.legal_basis:
                assert columns["legal_basis"][index].endswith(" under " + purpose.law), where
                assert bases[index].endswith(" — " + purpose.law), where
                assert site_bases[index].endswith(" under " + purpose.law), where
        law = entry.activity.national_id_law
        assert (("Art. 87: " + law) in columns["schedule1"]) if law else True, where
        assert fiche[ART87_LINE].content == (law or ""), where
        conditions = html.unescape(site["Conditions (Art. 9, 10, 87)"])
        assert (("Art. 87: " + law) in conditions) if law else ("Art. 87" not in conditions)


def _diff_from_nothing(result: CheckResult) -> tuple[set[str], set[str]]:
    """What `ropa diff` reports when the whole register is new: processors, countries."""
    empty = check(inventory_from_files([], ""), AS_OF)
    report = diff(empty, result, "base", "head")
    countries = {r.id for r in report.risks if (r.category, r.kind) == ("third-country", "Country")}
    return set(report.processors_added), countries


def test_every_output_says_the_same_of_every_activity(generated) -> None:
    for name, inv in _inventories(generated):
        record = Record(inv, AS_OF)
        assert record.activities, name
        _agree(record)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_any_generated_register_says_the_same_everywhere(seed: int) -> None:
    """The same property on generated organisations of any seed (size S)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "inventory"
        _GENERATOR.main(["--flows", "100", "--seed", str(seed), "--out", str(out)])
        result = check(load_inventory(out), AS_OF)
    _agree(result.record)
    processors, countries = _diff_from_nothing(result)
    assert processors == set(result.record.processors)
    assert countries == {t.country for e in result.record.activities.values() for t in e.transfers}


def test_diff_reads_the_same_processors_and_transfers(generated) -> None:
    for name, inv in _inventories(generated):
        result = check(inv, AS_OF)
        processors, countries = _diff_from_nothing(result)
        assert processors == set(result.record.processors), name
        expected = {t.country for e in result.record.activities.values() for t in e.transfers}
        assert countries == expected, name


def _art28_errors(result: CheckResult) -> set[tuple[str, str]]:
    """(kind, id) of entities with an error-level finding about a missing contract."""
    return {
        (f.entity_kind, f.entity_id)
        for f in result.findings
        if f.rule in ("DPA-001", "DPA-002", "DPA-005", "SCH-012") and not f.waived_by
    }


def test_no_contract_is_shown_only_where_check_reports_the_art28_error(generated) -> None:
    shown_without = 0
    for name, inv in _inventories(generated):
        result = check(inv, AS_OF)
        errors = _art28_errors(result)
        for entry in result.record.activities.values():
            for processor in entry.processors:
                if processor.covers:
                    continue
                shown_without += 1
                # The flows handing it data, or the systems it runs for this activity.
                ident = processor.organisation
                culprits = {("Flow", f.id) for f in entry.flows if inv.is_processor_end(f) == ident}
                culprits |= {("System", s.id) for s in entry.systems if s.operator == ident}
                culprits.add(("Organisation", ident))  # DPA-002 sits on the organisation
                assert culprits & errors, (name, entry.id, processor.organisation)
    assert shown_without > 0  # the generator's courier and the Dedalus vendor have none


def test_a_processor_the_check_finds_uncovered_is_never_shown_as_covered(generated) -> None:
    for name, inv in _inventories(generated):
        result = check(inv, AS_OF)
        for f in result.findings:
            if f.rule != "DPA-002" or f.waived_by:
                continue
            # On the organisation, once per controller it runs systems for.
            controller = f.message.split(" for ")[1].split()[0]
            for entry in result.record.activities.values():
                if entry.controller != controller:
                    continue
                for processor in entry.processors:
                    if processor.organisation == f.entity_id:
                        assert not any(c.in_force for c in processor.covers), (name, f.message)


def test_a_sub_processor_shows_its_contract_and_the_one_that_authorises_it() -> None:
    record = Record(load_inventory(ROOT / "inventory"), AS_OF)
    for entry in record.activities.values():
        for processor in entry.processors:
            if processor.organisation != "hexanet-sante":
                continue
            (cover,) = processor.covers
            assert cover.contract.id == "subprocessing-kalisto-hexanet"
            assert cover.authorised_by is not None
            assert cover.authorised_by.processor == "kalisto-sante"
            assert processor.engaged_by == "kalisto-sante"
    served = {s.controller: s for s in record.processors["hexanet-sante"].served}
    assert served  # Hexanet acts for the group's controllers, through Kalisto
    for item in served.values():
        assert [c.contract.id for c in item.covers] == ["subprocessing-kalisto-hexanet"]
