"""A status as the lists show it: a dot in the status's colour, then its translated label."""

from __future__ import annotations

from rich.text import Text

from app.i18n import _
from app.orders.rules import status_label
from app.orders.statuses import STATUS_COLOURS, OrderStatus

# Labels that fit a narrow column (80-column terminals); French source, as everywhere.
SHORT_LABELS: dict[OrderStatus, str] = {
    OrderStatus.REGISTERED: "Enregistrée",
    OrderStatus.CONFIRMING: "À confirmer",
    OrderStatus.PROCESSING: "Traitement",
    OrderStatus.READY: "Prête",
    OrderStatus.IN_DELIVERY: "Livr./retr.",
    OrderStatus.FINISHED: "Terminé",
    OrderStatus.CANCELLED: "Annulée",
    OrderStatus.ERROR: "Erreur",
}


def status_text(status: str | OrderStatus, *, short: bool = False) -> Text:
    """'● Commande prête' in the status's colour (named colours: fine in 16 colours)."""
    return Text(*status_parts(status, short=short))


def status_parts(status: str | OrderStatus, *, short: bool = False) -> tuple[str, str]:
    """The text of `status_text` and its colour."""
    key = OrderStatus(status)
    return "● " + (_(SHORT_LABELS[key]) if short else status_label(key)), STATUS_COLOURS[key]
