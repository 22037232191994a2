"""The outbox as staff see it: the notifications of an order, and sending one again.

The sending itself is the notifier's (app.messages.notifier) over its data layer
(app.messages.store); these are the reads and small writes that screens and commands make.
The states are app.messages.states.
"""

from __future__ import annotations

from app.clock import utcnow
from app.errors import ComptoirError
from app.messages.states import RESENDABLE
from app.messages.states import NotificationState as N
from storage.db import write_transaction
from storage.models import Notification, Order


def for_order(order: Order) -> list[Notification]:
    """The order's notifications, oldest first."""
    return list(
        Notification.select()
        .where(Notification.order == order)
        .order_by(Notification.created_at, Notification.id)
    )


def resend(notification_id: int) -> Notification:
    """Put a failed (or skipped) notification back in the queue, due now."""
    with write_transaction():
        updated = (
            Notification.update(
                state=N.PENDING, due_at=utcnow(), attempts=0, lease_owner=None, lease_until=None
            )
            .where((Notification.id == notification_id) & (Notification.state.in_(RESENDABLE)))
            .execute()
        )
        if updated != 1:
            raise ComptoirError("only a failed or skipped message can be sent again")
        return Notification.get_by_id(notification_id)
