"""An amount for a list cell: formatted for the current language, remembered."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from app.i18n import format_money, language


def money(amount: Decimal) -> str:
    """format_money, remembered: lists and calendars repeat the same few hundred amounts."""
    return _money(amount, language())


@lru_cache(maxsize=4096)
def _money(amount: Decimal, lang: str) -> str:
    return format_money(amount)
