"""Parts written identically are validated once and shared (registry.core.model._shared):
the same values as validating each, and a part that fails is reported every time."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from registry.core.model import Retention, Stored, System


def _system(ident: str, **fields: object) -> System:
    return System.model_validate({"kind": "System", "id": ident, "name": ident, **fields})


def test_identical_parts_are_one_part() -> None:
    stores = [{"category": "identity", "retention": "P10Y", "subjects": ["patients"]}]
    security = {"encryption_at_rest": True, "authentication": "individual"}
    first = _system("a", stores=stores, security=security)
    second = _system("b", stores=[dict(stores[0])], security=dict(security))
    assert first.stores[0] is second.stores[0]
    assert first.security is second.security
    assert first.stores[0].retention == Retention(period="P10Y")
    assert first.stores[0].model_fields_set == {"category", "retention", "subjects"}


def test_a_short_form_and_its_mapping_stay_apart() -> None:
    short = _system("a", stores=[{"category": "identity", "retention": "P10Y"}])
    written = _system("b", stores=[{"category": "identity", "retention": {"period": "P10Y"}}])
    assert short.stores[0] is not written.stores[0]
    assert short.stores[0] == written.stores[0]


@pytest.mark.parametrize("wrong", [1, 1.0, "true"])
def test_a_value_equal_to_a_valid_one_is_not_taken_for_it(wrong: object) -> None:
    """`1 == True` and `hash(1) == hash(True)` in Python: the written form keeps types."""
    assert _system("a", security={"mfa": True}).security.mfa is True
    with pytest.raises(ValidationError) as error:
        _system("b", security={"mfa": wrong})
    assert error.value.errors()[0]["loc"] == ("security", "mfa")


def test_a_part_that_fails_is_reported_each_time() -> None:
    for ident in ("a", "b"):
        with pytest.raises(ValidationError) as error:
            _system(ident, stores=[{"category": "Identity", "retention": "P10Y"}])
        assert error.value.errors()[0]["loc"] == ("stores", 0, "category")


def test_a_part_made_directly_is_its_own() -> None:
    """Only fields share: constructing a part validates it anew."""
    assert Stored(category="identity") is not Stored(category="identity")
