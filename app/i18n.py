"""Translation and French/English formatting of amounts and dates.

One catalogue (`app.catalogue`) maps the French text, which is the source language, to
English. Formatting goes through Babel. The language is process-wide: a terminal shows one
language at a time, chosen at start (`--lang`, `COMPTOIR_LANG`).

Babel is imported by the functions that need it, not here: what the first screen shows
(month names, weekday abbreviations, amounts in whole cents) is written without it, the
same text Babel writes (checked by tests/test_i18n_money.py and tests/test_i18n_dates.py),
which keeps a tenth of a second and 5 MB off the start.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# Babel's stand-alone wide month names and abbreviated day names (Monday first) of fr_FR
# and en_GB, as written by `month_title` and `weekday_abbreviations`.
_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip
_WEEKDAYS = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_language = "fr"


def set_language(lang: str) -> None:
    """Choose the language of everything shown from now on (fr or en)."""
    global _language
    if lang not in _LOCALES:
        raise ValueError(f"unsupported language {lang!r}")
    _language = lang


def language() -> str:
    """The current language code."""
    return _language


@cache
def _english() -> dict[str, str]:
    # Imported on first use: a counter in French (the default) never reads it.
    from app.catalogue import EN

    return EN


def _(text: str, **values: object) -> str:
    """Translate French `text` into the current language, then fill `{placeholders}`."""
    translated = _english().get(text, text) if _language == "en" else text
    return translated.format(**values) if values else translated


def translate(text: str, lang: str) -> str:
    """French `text` in `lang` (placeholders left unfilled), whatever the current language."""
    return _english().get(text, text) if lang == "en" else text


def locale() -> str:
    """The Babel locale of the current language."""
    return _LOCALES[_language]


def _plain_spaces(text: str) -> str:
    # Babel uses no-break spaces; terminals, CSV and tests read plain ones more reliably.
    return text.replace("\u202f", " ").replace("\xa0", " ")


_CENT = Decimal("0.01")


def format_money(amount: Decimal) -> str:
    """'1,00 €' in French, '€1.00' in English."""
    if isinstance(amount, Decimal) and amount.is_finite() and amount >= 0:
        cents = amount.quantize(_CENT)
        if cents == amount:
            # Babel's result for whole cents, a hundred times faster (checked equal by
            # tests/test_i18n_money.py): lists and calendars show hundreds of amounts.
            grouped = f"{cents:,.2f}"  # '1,234.56'
            if _language == "fr":
                return grouped.replace(",", " ").replace(".", ",") + " €"
            return "€" + grouped
    from babel.numbers import format_currency

    return _plain_spaces(format_currency(amount, "EUR", locale=locale()))


def format_number(amount: Decimal) -> str:
    """An amount without currency: '1 234,50' (French decimal comma) or '1,234.50'."""
    if isinstance(amount, Decimal) and amount.is_finite() and amount >= 0:
        cents = amount.quantize(_CENT)
        if cents == amount:  # as format_money: Babel's result, without Babel
            grouped = f"{cents:,.2f}"
            return grouped.replace(",", " ").replace(".", ",") if _language == "fr" else grouped
    from babel.numbers import format_decimal

    return _plain_spaces(format_decimal(amount, format="#,##0.00", locale=locale()))


def format_rate(rate: Decimal) -> str:
    """A VAT rate: '20,00 %' or '20.00%'."""
    from babel.numbers import format_decimal

    number = format_decimal(rate, format="0.00", locale=locale())
    return f"{number} %" if _language == "fr" else f"{number}%"


def format_day(day: date) -> str:
    """'30/12/2020' in both languages (the shops' habit)."""
    return day.strftime("%d/%m/%Y")


def format_short_day(day: date) -> str:
    """'30/12' (the year is the list's or the order's): narrow columns."""
    return day.strftime("%d/%m")


def format_short_datetime(moment: datetime) -> str:
    """'30/12 09:39', for narrow columns."""
    return moment.strftime("%d/%m %H:%M")


def format_local_datetime(moment: datetime) -> str:
    """A timezone-aware moment as '30/12/2020 09:39'."""
    from babel.dates import format_datetime

    return _plain_spaces(format_datetime(moment, "dd/MM/y HH:mm", locale=locale()))


def month_title(year: int, month: int) -> str:
    """'Janvier 2021' / 'January 2021'."""
    date(year, month, 1)  # the same ValueError as Babel's for a month that does not exist
    text = f"{_MONTHS[_language][month - 1]} {year}"
    return text[:1].upper() + text[1:]


def weekday_abbreviations() -> list[str]:
    """Monday first: 'Lun.', 'Mar.', … in French; 'Mon', 'Tue', … in English."""
    return [name[:1].upper() + name[1:] for name in _WEEKDAYS[_language]]
