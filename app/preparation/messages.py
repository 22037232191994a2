"""The customer messages of the preparation (removed lines, pickup reminders) in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.config import Config
from app.orders.rules import order_snapshot, queue_notification
from app.orders.statuses import OrderStatus
from storage.models import Notification, Order, StatusChange


def queue_customer(
    order: Order,
    *,
    template: str,
    channels: Sequence[tuple[str, str]],
    due: datetime,
    config: Config,
    now: datetime,
    by: str,
    detail: dict[str, object],
    change: StatusChange | None = None,
    status: str | None = None,
) -> list[Notification]:
    """One pending message per (channel, recipient), due at `due`, telling `detail` (JSON)
    about the order as it is now in this transaction (the message's snapshot)."""
    snapshot = order_snapshot(order) if channels else None
    return [
        queue_notification(
            order,
            change,
            "customer",
            channel,
            template,
            OrderStatus(status or order.status),
            recipient,
            due,
            now,
            config,
            by,
            snapshot,
            detail,
        )
        for channel, recipient in channels
    ]
