"""month_title and weekday_abbreviations write, without Babel, what Babel writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from babel.dates import format_date, get_day_names

from app import i18n


@pytest.fixture(params=["fr", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(previous)


def test_month_titles_are_babels(lang: str) -> None:
    for year in (2000, 2021, 2026, 2099, 9999):
        for month in range(1, 13):
            text = format_date(date(year, month, 1), "LLLL y", locale=i18n.locale())
            assert i18n.month_title(year, month) == text[:1].upper() + text[1:]


def test_weekday_abbreviations_are_babels(lang: str) -> None:
    names = get_day_names("abbreviated", locale=i18n.locale())
    expected = [names[i][:1].upper() + names[i][1:] for i in range(7)]
    assert i18n.weekday_abbreviations() == expected


def test_a_month_that_does_not_exist_is_refused(lang: str) -> None:
    with pytest.raises(ValueError):
        i18n.month_title(2021, 13)
