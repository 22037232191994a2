"""The customer messages of the preparation (removed lines, pickup reminders) in the outbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from app.config import Config
from app.messages.states import NotificationState as N
from app.orders.rules import order_snapshot
from storage.db import insert_row
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
        insert_row(
            Notification,
            order=order,
            change=change,
            audience="customer",
            channel=channel,
            template=template,
            order_status=status or order.status,
            lang=config.lang,
            recipient=recipient,
            state=N.PENDING,
            due_at=due,
            created_at=now,
            created_by=by,
            detail=json.dumps(detail, ensure_ascii=False),
            snapshot=snapshot,
        )
        for channel, recipient in channels
    ]
