"""format_money's and format_number's quick paths write exactly what Babel writes."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal

from app import i18n


def _amounts() -> list[Decimal]:
    rng = random.Random(7)
    amounts = [Decimal(0), Decimal("0.00"), Decimal("0.01"), Decimal("1"), Decimal("1.5")]
    amounts += [
        Decimal(rng.randint(0, 10**digits)) / 100 for digits in range(1, 15) for _ in range(50)
    ]
    amounts += [Decimal("-1.00"), Decimal("-1234.56"), Decimal("1.005"), Decimal("999999.999")]
    return amounts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_amounts_are_formatted_as_babel_formats_them(lang: str) -> None:
    amounts = _amounts()
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        for amount in amounts:
            expected = format_currency(amount, "EUR", locale=i18n.locale())
            expected = expected.replace("\u202f", " ").replace("\xa0", " ")
            assert i18n.format_money(amount) == expected, amount
    finally:
        i18n.set_language(previous)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numbers_are_formatted_as_babel_formats_them(lang: str) -> None:
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        for amount in _amounts():
            expected = format_decimal(amount, format="#,##0.00", locale=i18n.locale())
            expected = expected.replace("\u202f", " ").replace("\xa0", " ")
            assert i18n.format_number(amount) == expected, amount
    finally:
        i18n.set_language(previous)
