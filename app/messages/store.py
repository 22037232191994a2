"""The outbox's data layer for the notifiers: claims under a lease, renewals, outcomes.

Several notifiers may run on one database (terminals, `comptoir worker`). Each claims a
batch in a write transaction, moving the rows from `pending` (due) — or from `sending`
whose lease ran out, left by a notifier that died — to `sending` with its own name and a
lease, on the condition that the rows are still as it read them; so no two notifiers hold
the same row. The holder renews the lease of the rows it still holds while it sends
(app.messages.notifier), and records an outcome only while the row is still its own.

Everything here is synchronous peewee, run in the notifier's database thread.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from app.config import Config
from app.messages.render import Job, ShopView
from app.messages.states import NotificationState as N
from app.orders.view import OrderView, order_views
from storage.db import is_sqlite, tuples, write_transaction
from storage.models import Notification, Profile, database

MAX_RETRY_SECONDS = 3600.0


def state_counts() -> dict[str, int]:
    """Every state's number of rows."""
    return {
        state: int(count)
        for state, count in tuples(
            Notification.select(Notification.state, fn.COUNT(Notification.id)).group_by(
                Notification.state
            )
        )
    }


def close_connection() -> None:
    """Close this thread's connection (the next query opens a fresh one)."""
    if not database.is_closed():
        database.close()


def shop_view() -> ShopView:
    """The seller's name and addresses, read at sending time."""
    profile = Profile.get_or_none(Profile.id == 1)
    return ShopView(
        name=profile.name if profile else "",
        email=profile.email if profile else "",
        mobile=profile.mobile if profile else "",
    )


def _views(rows: list[Notification]) -> dict[int, OrderView]:
    """Each row's order as it was when it was queued; the current one for older rows."""
    views: dict[int, OrderView] = {}
    parsed: dict[str, OrderView] = {}  # mail and SMS of one change share a snapshot
    for row in rows:
        if row.snapshot:
            if row.snapshot not in parsed:
                parsed[row.snapshot] = OrderView.from_dict(json.loads(row.snapshot))
            views[row.id] = parsed[row.snapshot]
    missing = [row for row in rows if row.id not in views]
    if missing:  # queued before snapshots were kept: the order now, at the message's status
        current = order_views(row.order_id for row in missing)
        for row in missing:
            views[row.id] = dataclasses.replace(current[row.order_id], status=row.order_status)
    return views


class Store:
    """The outbox as one notifier (`owner`) claims and settles it."""

    def __init__(
        self,
        owner: str,
        *,
        lease: timedelta,
        batch_size: int,
        clock: Callable[[], datetime],
        config: Config | None = None,
    ) -> None:
        self.config = config  # the opening hours that hold an automatic pickup reminder
        self.owner = owner
        self.lease = lease
        self.batch_size = batch_size
        self.clock = clock

    def _held(self, ids: Iterable[int]) -> Any:
        return (
            Notification.id.in_(list(ids))
            & (Notification.state == N.SENDING)
            & (Notification.lease_owner == self.owner)
        )

    def claim(self) -> tuple[list[Job], ShopView, datetime]:
        """Lease up to `batch_size` due messages to this notifier; read what they need."""
        now = self.clock()
        lease_until = now + self.lease
        due = ((Notification.state == N.PENDING) & (Notification.due_at <= now)) | (
            (Notification.state == N.SENDING) & (Notification.lease_until < now)
        )
        with write_transaction():
            query = (
                Notification.select(Notification.id)
                .where(due)
                .order_by(Notification.due_at, Notification.id)
                .limit(self.batch_size)
            )
            if not is_sqlite():
                # Two notifiers on PostgreSQL take different rows instead of queueing.
                query = query.for_update(skip_locked=True)
            ids = [row_id for (row_id,) in tuples(query)]
            if ids and self.config is not None:
                # An automatic pickup reminder goes inside the opening hours only.
                from app.preparation.pickup import hold_until_open

                ids = hold_until_open(ids, now, self.config)
            if not ids:
                return [], ShopView("", "", ""), lease_until
            (
                Notification.update(
                    state=N.SENDING,
                    lease_owner=self.owner,
                    lease_until=lease_until,
                    attempts=Notification.attempts + 1,
                )
                .where(Notification.id.in_(ids) & due)
                .execute()
            )
            rows = list(
                Notification.select()
                .where(self._held(ids) & (Notification.lease_until == lease_until))
                .order_by(Notification.due_at, Notification.id)
            )
        views = _views(rows)
        jobs = [
            Job(
                id=row.id,
                audience=row.audience,
                channel=row.channel,
                template=row.template,
                order_status=row.order_status,
                lang=row.lang,
                recipient=row.recipient,
                attempts=row.attempts,
                order=views[row.id],
                attachment=row.attachment,
                detail=json.loads(row.detail) if row.detail else {},
            )
            for row in rows
        ]
        return jobs, shop_view(), lease_until

    def renew(self, ids: list[int]) -> tuple[datetime, set[int]]:
        """Extend the lease of the rows still held; returns the new end and those rows."""
        lease_until = self.clock() + self.lease
        with write_transaction():
            Notification.update(lease_until=lease_until).where(self._held(ids)).execute()
            kept = {
                row_id
                for (row_id,) in tuples(Notification.select(Notification.id).where(self._held(ids)))
            }
        return lease_until, kept

    def mark(
        self, notification_id: int, state: N, error: str | None, recipient: str | None
    ) -> bool:
        """Record the outcome, only if this notifier still holds the row.

        Runs once per message, so it is one prepared statement rather than a query built
        by peewee each time (which costs three times the UPDATE itself on SQLite).
        """
        sent = state is N.SENT
        params = (
            state.value,
            error,
            Notification.sent_at.db_value(self.clock() if sent else None),
            recipient if sent else None,
            notification_id,
            self.owner,
        )
        with write_transaction():
            cursor = database.execute_sql(_mark_sql(), params)
        return bool(cursor.rowcount == 1)

    def retry(self, job: Job, error: str, retry_seconds: float) -> bool:
        """Back to pending, due after an exponential delay with jitter."""
        delay = min(retry_seconds * 2 ** max(job.attempts - 1, 0), MAX_RETRY_SECONDS)
        delay = delay / 2 + random.uniform(0, delay / 2)
        with write_transaction():
            updated = (
                Notification.update(
                    state=N.PENDING,
                    due_at=self.clock() + timedelta(seconds=delay),
                    last_error=error,
                    lease_until=None,
                    lease_owner=None,
                )
                .where(self._held([job.id]))
                .execute()
            )
        return bool(updated == 1)

    def next_due(self) -> datetime | None:
        """When the next message becomes due, or a lease runs out."""
        pending = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(Notification.state == N.PENDING)
            .scalar()
        )
        times = [t for t in (pending, self._next_lease_end()) if t is not None]
        return min(times) if times else None

    def _next_lease_end(self) -> datetime | None:
        return (  # type: ignore[no-any-return]
            Notification.select(fn.MIN(Notification.lease_until))
            .where(Notification.state == N.SENDING)
            .scalar()
        )

    def drain_horizon(self, retry_wait: float) -> datetime | None:
        """When a drain should look again, or None when nothing is worth waiting for."""
        limit = self.clock() + timedelta(seconds=retry_wait)
        grace = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(
                (Notification.state == N.PENDING)
                & (Notification.attempts == 0)
                # A pickup reminder is due days later, on purpose: not a grace period.
                & ((Notification.template != SCHEDULED) | (Notification.due_at <= limit))
            )
            .scalar()
        )
        retry = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(
                (Notification.state == N.PENDING)
                & (Notification.attempts > 0)
                & (Notification.due_at <= limit)
            )
            .scalar()
        )
        times = [t for t in (grace, retry, self._next_lease_end()) if t is not None]
        return min(times) if times else None


# Messages written ahead of their time (the pickup reminders, issue 13): a drain neither
# waits for them nor counts them as left to send.
SCHEDULED = "pickup_reminder"


def scheduled_later(after: datetime) -> int:
    """The pickup reminders still pending and due after `after`."""
    return int(
        Notification.select()
        .where(
            (Notification.state == N.PENDING)
            & (Notification.template == SCHEDULED)
            & (Notification.due_at > after)
        )
        .count()
    )


def _mark_sql() -> str:
    p = database.param
    return (
        f'UPDATE "{Notification._meta.table_name}" SET "state" = {p}, "last_error" = {p}, '
        f'"lease_until" = NULL, "sent_at" = COALESCE({p}, "sent_at"), '
        f'"recipient" = COALESCE({p}, "recipient") '
        f'WHERE "id" = {p} AND "state" = \'{N.SENDING.value}\' AND "lease_owner" = {p}'
    )


__all__ = [
    "MAX_RETRY_SECONDS",
    "Store",
    "close_connection",
    "shop_view",
    "state_counts",
]
