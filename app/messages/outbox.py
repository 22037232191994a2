"""The outbox as staff see it: the notifications of an order, re-sending.

The sending itself is the notifier's; these are the reads and small writes that screens
and commands make.
"""

from __future__ import annotations

from app.clock import utcnow
from app.errors import ComptoirError
from app.i18n import _
from storage.db import write_transaction
from storage.models import Notification, Order

# pending: waits for its due time; sending: leased by a notifier; sent; failed (permanent,
# with the server's words); withdrawn (undone in the grace period); not_configured (the
# channel has no configuration: it waits and goes once configured).
STATE_LABELS = {
    "pending": "En attente",
    "sending": "Envoi en cours",
    "sent": "Envoyé",
    "failed": "Échec",
    "withdrawn": "Retiré",
    "not_configured": "Non configuré",
}


def for_order(order: Order) -> list[Notification]:
    """The order's notifications, oldest first."""
    return list(
        Notification.select()
        .where(Notification.order == order)
        .order_by(Notification.created_at, Notification.id)
    )


def resend(notification_id: int) -> Notification:
    """Put a failed (or not configured) notification back in the queue, due now."""
    with write_transaction():
        updated = (
            Notification.update(
                state="pending", due_at=utcnow(), attempts=0, lease_owner=None, lease_until=None
            )
            .where(
                (Notification.id == notification_id)
                & (Notification.state.in_(["failed", "not_configured"]))
            )
            .execute()
        )
        if updated != 1:
            raise ComptoirError(_("Seul un message en échec ou non configuré peut être renvoyé."))
        return Notification.get_by_id(notification_id)
