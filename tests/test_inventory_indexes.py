"""The inventory's per-end and per-entity answers (operator, countries, controllers,
processor end) are worked out for every entity at once: the same answers as asking
each entity on its own, and an entity that is not the inventory's own (a duplicate
id, another inventory's) is answered from itself."""

from __future__ import annotations

from pathlib import Path

from registry.core.inventory import Inventory, load_inventory
from registry.core.model import Activity, Flow
from registry.core.vocabulary import RecipientRole, countries

BASELINE = Path(__file__).resolve().parent / "rules" / "baseline"
EXAMPLE = Path(__file__).resolve().parents[1] / "inventory"


def _operator(inv: Inventory, ident: str) -> str | None:
    if ident in inv.systems:
        return inv.systems[ident].operator
    return ident if ident in inv.organisations else None


def _countries(inv: Inventory, ident: str) -> tuple[str, ...]:
    if ident in inv.systems:
        system = inv.systems[ident]
        if system.country:
            return system.countries
        operator = inv.organisations.get(system.operator or "")
        return (operator.country,) if operator and operator.country else ()
    if ident in inv.organisations:
        country = inv.organisations[ident].country
        return (country,) if country else ()
    return ()


def test_every_end_is_answered_as_on_its_own() -> None:
    for path in (BASELINE, EXAMPLE):
        inv = load_inventory(path)
        ends = {*inv.systems, *inv.organisations, *inv.subjects, "nowhere"}
        ends |= {end for f in inv.flows.values() for end in (f.source, f.to)}
        for ident in sorted(ends):
            assert inv.operator_of(ident) == _operator(inv, ident), ident
            assert inv.countries_of(ident) == _countries(inv, ident), ident


def test_a_system_and_an_organisation_of_one_id_answer_as_the_system() -> None:
    inv = load_inventory(BASELINE)
    system = next(s for s in inv.systems.values() if s.operator)
    organisation = next(iter(inv.organisations.values()))
    inv.organisations[system.id] = organisation.model_copy(update={"id": system.id})
    assert inv.operator_of(system.id) == system.operator
    assert inv.countries_of(system.id) == _countries(inv, system.id)


def test_an_entity_not_the_inventorys_own_is_answered_from_itself() -> None:
    inv = load_inventory(BASELINE)
    activity: Activity = next(iter(inv.activities.values()))
    assert activity.controller in inv.controllers_of(activity)
    other = activity.model_copy(update={"controller": "someone-else", "joint_controllers": []})
    assert inv.controllers_of(other) == {"someone-else"}
    assert activity.controller in inv.controllers_of(activity)  # the own one is unchanged

    flow: Flow = next(f for f in inv.flows.values() if inv.is_processor_end(f))
    as_controller = flow.model_copy(update={"recipient_role": RecipientRole.controller})
    assert inv.is_processor_end(as_controller) is None
    assert inv.is_processor_end(flow) is not None


def test_needs_mechanism_follows_the_adequacy_decisions() -> None:
    lists = countries()
    for country in sorted({*lists.eea, *lists.adequacy, "US", "IN", "CN", "XX"}):
        expected = country not in lists.eea and (
            lists.adequacy_of(country) is None or lists.adequacy_of(country).value != "full"
        )
        assert lists.needs_mechanism(country) is expected, country


def test_the_stored_categories_are_each_systems_own() -> None:
    from registry.rules.security import special_stored

    for path in (BASELINE, EXAMPLE):
        inv = load_inventory(path)
        for system in inv.systems.values():
            stored = {s.category for s in system.stores}
            assert inv.stored_categories[system.id] == stored
            expected = sorted(c for c in stored if inv.special_of(c))
            assert special_stored(inv, system) == expected, system.id
            # a system not the inventory's own is judged from itself
            other = system.model_copy(update={"stores": []})
            assert special_stored(inv, other) == []
    assert any(inv.stored_special.values())  # the example stores special categories
