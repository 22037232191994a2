"""An amount for a table cell: formatted for the current language, right-aligned."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from app.i18n import format_money


def money_text(amount: Decimal) -> Text:
    """'1,00 €' aligned right, so that a column of amounts lines up on the cents."""
    return Text(format_money(amount), justify="right")
