"""A status as the lists show it: a dot in the status's colour, then its translated label."""

from __future__ import annotations

from rich.text import Text

from app.orders import status_label
from app.statuses import STATUS_COLOURS, OrderStatus


def status_text(status: str | OrderStatus) -> Text:
    """'● Commande prête' with the dot coloured (named colours: fine in 16 colours)."""
    key = OrderStatus(status)
    text = Text("● ", style=STATUS_COLOURS[key])
    text.append(status_label(key))
    return text
