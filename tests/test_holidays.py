"""French public holidays computed by app.money are the `holidays` package's, year by year."""

from __future__ import annotations

from datetime import date

import holidays

from app.money import COMPUTED_YEARS, _french_holidays, is_french_holiday


def test_computed_holidays_are_the_holidays_package_ones() -> None:
    for year in COMPUTED_YEARS:
        expected = frozenset(holidays.country_holidays("FR", years=year).keys())
        assert _french_holidays(year) == expected, year


def test_years_outside_the_computed_range_still_have_their_holidays() -> None:
    year = COMPUTED_YEARS.stop + 1
    assert is_french_holiday(date(year, 7, 14))
    assert _french_holidays(year) == frozenset(holidays.country_holidays("FR", years=year))
