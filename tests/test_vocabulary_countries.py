"""The country codes a register may write: ropa's own list, held to pycountry's."""

from __future__ import annotations

import pycountry

from registry.core.vocabulary import ISO_ALPHA_2, countries, is_iso_country


def test_the_list_is_pycountrys() -> None:
    """Kept in ropa so that a check need not load pycountry's database (~25 ms); should
    a pycountry release add or retire a code, this says to update the list."""
    assert {country.alpha_2 for country in pycountry.countries} == ISO_ALPHA_2


def test_every_country_the_transfer_rules_name_is_a_code() -> None:
    lists = countries()
    assert lists.eea <= ISO_ALPHA_2
    assert set(lists.adequacy) <= ISO_ALPHA_2


def test_only_upper_case_codes() -> None:
    assert is_iso_country("FR") and is_iso_country("NO")
    assert not is_iso_country("fr") and not is_iso_country("XX") and not is_iso_country("")
