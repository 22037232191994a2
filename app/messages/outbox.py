"""The outbox as staff see it: the notifications of an order, the counts every screen
shows, and sending one again.

The sending itself is the notifier's (app.messages.notifier) over its data layer
(app.messages.store); these are the reads and small writes that screens and commands make.
The states are app.messages.states.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from app.clock import utcnow
from app.errors import ComptoirError
from app.i18n import _
from app.messages.states import RESENDABLE, WAITING
from app.messages.states import NotificationState as N
from storage.db import tuples, write_transaction
from storage.models import Notification, Order


@dataclass(frozen=True)
class OutboxCounts:
    """How many messages wait to be sent and how many failed (every screen, doctor)."""

    waiting: int
    failed: int


def outbox_counts() -> OutboxCounts:
    """Waiting (pending or sending) and failed messages of all orders: one count on the
    (state, due_at) index, cheap enough for every TUI to run every few seconds."""
    rows: dict[str, int] = dict(
        tuples(
            Notification.select(Notification.state, fn.COUNT(Notification.id))
            .where(Notification.state.in_([*WAITING, N.FAILED]))
            .group_by(Notification.state)
        )
    )
    waiting = sum(int(rows.get(state.value, 0)) for state in WAITING)
    return OutboxCounts(waiting=waiting, failed=int(rows.get(N.FAILED.value, 0)))


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
            raise ComptoirError(_("Seul un message en échec ou non envoyé peut être renvoyé."))
        return Notification.get_by_id(notification_id)
