"""The notifier: claims due messages of the outbox under a lease and sends them.

Several notifiers may run on one database (terminals, `comptoir worker`). Each claims a
batch in a write transaction, moving the rows from `pending` (due) — or from `sending`
whose lease ran out, left by a notifier that died — to `sending` with its own name and a
lease, on the condition that the rows are still as it read them; so no two notifiers hold
the same row. A row is marked `sent` right after the server accepted it, and only while
the lease is still this notifier's. A notifier killed between the server's acceptance and
that mark leaves one row that another notifier sends again after the lease: it carries the
same Message-ID, so the copy can be recognised.

Database work runs in one dedicated thread (peewee is synchronous; a busy SQLite must not
freeze a screen); SMTP is asyncio; the vonage SDK runs in a thread of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from typing import Any, TypeVar

from peewee import fn

from app.clock import utcnow
from app.config import Config
from app.i18n import _
from app.messages.marketplace import AUDIENCE, MarketplaceSender, Outgoing
from app.messages.marketplace import CHANNEL as MARKETPLACE
from app.messages.render import (
    Job,
    ShopView,
    build_mail,
    message_id,
    sms_text,
)
from app.messages.senders import DeliveryError, MailSender, NotConfigured, SmsSender
from app.orders.view import order_views
from storage.db import is_sqlite, tuples, write_transaction
from storage.models import Notification, Profile, database

log = logging.getLogger("comptoir.notifier")
T = TypeVar("T")

MAX_RETRY_SECONDS = 3600.0


@dataclass
class DrainResult:
    """What a drain did, and what the outbox holds when it ends."""

    sent: int = 0
    retried: int = 0
    failed: int = 0  # failed rows in the outbox (not only this run's)
    not_configured: int = 0
    pending: int = 0  # still pending or sending (temporary failures waiting)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the outbox holds nothing left to send and nothing failed."""
        return self.failed == 0 and self.not_configured == 0 and self.pending == 0

    def summary(self) -> str:
        """One line for the terminal."""
        return _(
            "Envoyés : {sent}, nouvelles tentatives : {retried}, en échec : {failed}, "
            "non configurés : {not_configured}, en attente : {pending}.",
            sent=self.sent,
            retried=self.retried,
            failed=self.failed,
            not_configured=self.not_configured,
            pending=self.pending,
        )


@dataclass(frozen=True)
class Prepared:
    """A message ready to go: its recipient and the mail or the SMS text."""

    recipient: str
    payload: Message | str | Outgoing


def default_owner() -> str:
    """A name unique to this notifier: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Notifier:
    """Sends the outbox's due messages; see the module's docstring for the guarantees."""

    def __init__(
        self,
        config: Config,
        owner_id: str | None = None,
        *,
        batch_size: int = 100,
        lease_seconds: float | None = None,
        retry_seconds: float | None = None,
        max_attempts: int = 10,
        poll_seconds: float = 2.0,
        recheck_seconds: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.owner = (owner_id or default_owner())[:64]
        self.batch_size = batch_size
        self.lease = timedelta(
            seconds=config.notify_lease_seconds if lease_seconds is None else lease_seconds
        )
        self.retry_seconds = config.notify_retry_seconds if retry_seconds is None else retry_seconds
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.recheck_seconds = recheck_seconds
        self.clock = clock
        self.mail = MailSender(config)
        self.sms = SmsSender(config)
        self.marketplace = MarketplaceSender(config)
        self._executor: ThreadPoolExecutor | None = None
        self._wake = asyncio.Event()
        self._result = DrainResult()
        self.last_error: str | None = None  # why the last round failed (database lost…)

    # -- the database thread ---------------------------------------------------------------

    async def _db(self, call: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notifier-db")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, call, *args)

    async def aclose(self) -> None:
        """Close the SMTP connection and the database thread's connection."""
        await self.mail.close()
        await self.marketplace.close()
        if self._executor is not None:
            with contextlib.suppress(Exception):
                await self._db(_close_connection)
            self._executor.shutdown(wait=False)
            self._executor = None

    # -- public loop -------------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll (after a change, say)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send due messages until `stop` is set.

        Never raises for a message that fails, nor when the database or a server is away
        for a while: the problem is kept in `last_error` (for the footer) and the loop tries
        again at the next poll.
        """
        last_recheck: datetime | None = None
        try:
            while not stop.is_set():
                delay = self.poll_seconds
                try:
                    now = self.clock()
                    if last_recheck is None or (now - last_recheck).total_seconds() >= (
                        self.recheck_seconds
                    ):
                        await self._db(self.requeue_configured)
                        last_recheck = now
                    if await self.run_once():
                        self.last_error = None
                        continue
                    next_due = await self._db(self._next_due)
                    if next_due is not None:
                        delay = min(delay, max((next_due - self.clock()).total_seconds(), 0.05))
                    self.last_error = None
                except Exception as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    log.warning("notifier: %s", self.last_error)
                    with contextlib.suppress(Exception):
                        await self._db(_close_connection)  # reconnect at the next round
                await self._sleep(stop, delay)
        finally:
            await self.aclose()

    async def drain(self, *, retry_wait: float = 300.0) -> DrainResult:
        """Send all that is pending, waiting out grace periods and short retries.

        Waits for messages still in their grace period, for retries due within
        `retry_wait` seconds and for messages leased by another notifier (taking them over
        if its lease runs out). Returns the tally and what the outbox still holds.
        """
        self._result = DrainResult()
        never = asyncio.Event()
        try:
            await self._db(self.requeue_configured)
            while True:
                if await self.run_once():
                    continue
                wait_until = await self._db(self._drain_horizon, retry_wait)
                if wait_until is None:
                    break
                delay = min(max((wait_until - self.clock()).total_seconds(), 0.02), 1.0)
                await self._sleep(never, delay)
            counts = await self._db(_state_counts)
        finally:
            await self.aclose()
        result = self._result
        result.failed = counts.get("failed", 0)
        result.not_configured = counts.get("not_configured", 0)
        scheduled = await self._db(_scheduled_later, self.clock() + timedelta(seconds=retry_wait))
        result.pending = counts.get("pending", 0) + counts.get("sending", 0) - scheduled
        return result

    async def _sleep(self, stop: asyncio.Event, delay: float) -> None:
        self._wake.clear()
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()

    # -- one batch ---------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch of due messages and send it; returns how many were handled.

        The next message is prepared (templates, MIME) while the current one is on the
        wire, but sent only once the current one is marked: a notifier killed at any point
        leaves at most one message sent and not marked.
        """
        jobs, shop, lease_until = await self._db(self.claim)
        if not jobs:
            return 0
        handled = 0
        upcoming: asyncio.Future[Prepared] | None = None
        try:
            index = 0
            while index < len(jobs):
                if self.clock() >= lease_until - self.lease / 2:
                    lease_until, kept = await self._db(self.renew, [j.id for j in jobs[index:]])
                    if jobs[index].id not in kept and upcoming is not None:
                        upcoming.cancel()
                        upcoming = None
                    # Rows whose lease ran out may be another notifier's now: leave them.
                    jobs = jobs[:index] + [j for j in jobs[index:] if j.id in kept]
                    if index >= len(jobs):
                        break
                job = jobs[index]
                current = (
                    upcoming
                    if upcoming is not None
                    else asyncio.ensure_future(self._prepare(job, shop))
                )
                upcoming = (
                    asyncio.ensure_future(self._prepare(jobs[index + 1], shop))
                    if index + 1 < len(jobs)
                    else None
                )
                await self._handle(job, current)
                handled += 1
                index += 1
        finally:
            if upcoming is not None:
                upcoming.cancel()
            await self.mail.close()
        return handled

    async def _prepare(self, job: Job, shop: ShopView) -> Prepared:
        """The recipient and the ready message; raises NotConfigured or DeliveryError."""
        if job.channel == MARKETPLACE:
            outgoing = await self._db(self.marketplace.load, job.id)
            return Prepared(self.marketplace.url, outgoing)
        recipient = self._recipient(job, shop)
        if job.channel == "mail":
            if not self.mail.configured:
                raise NotConfigured(_("Aucun serveur de mail configuré (COMPTOIR_SMTP_URL)."))
            attachment = await self._attachment(job)
            message = build_mail(
                job,
                shop,
                recipient=recipient,
                mail_from=self.config.mail_from,
                timezone=self.config.timezone,
                attachment=attachment,
            )
            return Prepared(recipient, message)
        return Prepared(recipient, sms_text(job, shop, self.config.timezone))

    async def _handle(self, job: Job, preparing: asyncio.Future[Prepared]) -> None:
        recipient: str | None = None
        try:
            prepared = await preparing
            recipient = prepared.recipient
            if isinstance(prepared.payload, Message):
                await self.mail.send(prepared.payload, recipient)
            elif isinstance(prepared.payload, Outgoing):
                await self.marketplace.send(prepared.payload)
            else:
                await self.sms.send(recipient, prepared.payload, reference=f"notif-{job.id}")
        except NotConfigured as exc:
            await self._db(self.mark, job.id, "not_configured", str(exc), None)
            return
        except DeliveryError as exc:
            if exc.temporary and job.attempts < self.max_attempts:
                await self._db(self.mark_retry, job, str(exc))
                self._result.retried += 1
            else:
                words = str(exc)
                if exc.temporary:
                    words = _(
                        "Abandon après {attempts} tentatives : {error}",
                        attempts=job.attempts,
                        error=words,
                    )
                await self._db(self.mark, job.id, "failed", words, None)
                if len(self._result.errors) < 20:
                    self._result.errors.append(words)
            return
        except Exception as exc:  # a bug or a broken template: fail loudly, stay alive
            log.exception("notifier: message %s", job.id)
            await self._db(self.mark, job.id, "failed", f"{type(exc).__name__}: {exc}", None)
            return
        if await self._db(self.mark, job.id, "sent", None, recipient):
            self._result.sent += 1

    def _recipient(self, job: Job, shop: ShopView) -> str:
        if job.audience == "seller":
            if job.channel == "mail":
                if not shop.email:
                    raise NotConfigured(
                        _("Le profil n'a pas d'adresse mail pour les alertes (Profil → Courriel).")
                    )
                return shop.email
            if not shop.mobile:
                raise NotConfigured(
                    _("Le profil n'a pas de mobile pour les alertes SMS (Profil → Mobile).")
                )
            return shop.mobile
        if not job.recipient:
            raise DeliveryError(_("Aucun destinataire."), temporary=False)
        return job.recipient

    async def _attachment(self, job: Job) -> bytes | None:
        """The order's PDF for the seller's new-order mail; a `document` mail's own PDF."""
        if job.template == "document" and job.attachment:
            from app.messages.documents import attachment_pdf

            try:
                return await asyncio.to_thread(attachment_pdf, job.attachment, job.order.number)
            except Exception as exc:
                raise DeliveryError(
                    _("PDF du document impossible à produire : {reason}", reason=exc),
                    temporary=True,
                ) from exc
        if job.template != "new_order":
            return None
        # Imported here: Jinja2 and the document templates load only when a seller mail goes.
        from app.documents.render import render_order_pdf

        try:
            return await asyncio.to_thread(render_order_pdf, job.order.number)
        except Exception as exc:
            raise DeliveryError(
                _("PDF de la commande impossible à produire : {reason}", reason=exc),
                temporary=True,
            ) from exc

    # -- database work (runs in the database thread) -----------------------------------------

    def claim(self) -> tuple[list[Job], ShopView, datetime]:
        """Lease up to `batch_size` due messages to this notifier; read what they need."""
        now = self.clock()
        lease_until = now + self.lease
        due = ((Notification.state == "pending") & (Notification.due_at <= now)) | (
            (Notification.state == "sending") & (Notification.lease_until < now)
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
            if ids:  # an automatic pickup reminder goes inside the opening hours only
                from app.preparation.pickup import hold_until_open

                ids = hold_until_open(ids, now, self.config)
            if not ids:
                return [], ShopView("", "", ""), lease_until
            (
                Notification.update(
                    state="sending",
                    lease_owner=self.owner,
                    lease_until=lease_until,
                    attempts=Notification.attempts + 1,
                )
                .where(Notification.id.in_(ids) & due)
                .execute()
            )
            rows = list(
                Notification.select()
                .where(
                    Notification.id.in_(ids)
                    & (Notification.state == "sending")
                    & (Notification.lease_owner == self.owner)
                    & (Notification.lease_until == lease_until)
                )
                .order_by(Notification.due_at, Notification.id)
            )
        orders = order_views(row.order_id for row in rows)
        profile = Profile.get_or_none(Profile.id == 1)
        shop = ShopView(
            name=profile.name if profile else "",
            email=profile.email if profile else "",
            mobile=profile.mobile if profile else "",
        )
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
                order=orders[row.order_id],
                detail=json.loads(row.detail) if row.detail else {},
                attachment=row.attachment,
            )
            for row in rows
        ]
        return jobs, shop, lease_until

    def renew(self, ids: list[int]) -> tuple[datetime, set[int]]:
        """Extend the lease of the rows still held; returns the new end and those rows."""
        lease_until = self.clock() + self.lease
        with write_transaction():
            (
                Notification.update(lease_until=lease_until)
                .where(
                    Notification.id.in_(ids)
                    & (Notification.state == "sending")
                    & (Notification.lease_owner == self.owner)
                )
                .execute()
            )
            kept = {
                row_id
                for (row_id,) in tuples(
                    Notification.select(Notification.id).where(
                        Notification.id.in_(ids)
                        & (Notification.state == "sending")
                        & (Notification.lease_owner == self.owner)
                    )
                )
            }
        return lease_until, kept

    def _held(self, notification_id: int) -> Any:
        return (
            (Notification.id == notification_id)
            & (Notification.state == "sending")
            & (Notification.lease_owner == self.owner)
        )

    def mark(
        self, notification_id: int, state: str, error: str | None, recipient: str | None
    ) -> bool:
        """Record the outcome, only if this notifier still holds the row.

        Runs once per message, so it is one prepared statement rather than a query built
        by peewee each time (which costs three times the UPDATE itself on SQLite).
        """
        sent_at = self.clock() if state == "sent" else None
        params = (
            state,
            error,
            Notification.sent_at.db_value(sent_at),
            recipient if state == "sent" else None,
            notification_id,
            self.owner,
        )
        with write_transaction():
            cursor = database.execute_sql(_mark_sql(), params)
        changed: int = cursor.rowcount
        return changed == 1

    def mark_retry(self, job: Job, error: str) -> bool:
        """Back to pending, due after an exponential delay with jitter."""
        delay = min(self.retry_seconds * 2 ** max(job.attempts - 1, 0), MAX_RETRY_SECONDS)
        delay = delay / 2 + random.uniform(0, delay / 2)
        with write_transaction():
            updated: int = (
                Notification.update(
                    state="pending",
                    due_at=self.clock() + timedelta(seconds=delay),
                    last_error=error,
                    lease_until=None,
                    lease_owner=None,
                )
                .where(self._held(job.id))
                .execute()
            )
        return updated == 1

    def requeue_configured(self) -> int:
        """Put back in the queue the `not_configured` messages whose channel now works."""
        profile = Profile.get_or_none(Profile.id == 1)
        audiences: dict[str, list[str]] = {"mail": [], "sms": [], MARKETPLACE: []}
        if self.marketplace.configured:
            audiences[MARKETPLACE].append(AUDIENCE)
        if self.mail.configured:
            audiences["mail"].append("customer")
            if profile is not None and profile.email:
                audiences["mail"].append("seller")
        if self.sms.configured:
            audiences["sms"].append("customer")
            if profile is not None and profile.mobile:
                audiences["sms"].append("seller")
        condition = None
        for channel, who in audiences.items():
            if who:
                part = (Notification.channel == channel) & Notification.audience.in_(who)
                condition = part if condition is None else condition | part
        if condition is None:
            return 0
        with write_transaction():
            requeued: int = (
                Notification.update(
                    state="pending", due_at=self.clock(), last_error=None, attempts=0
                )
                .where((Notification.state == "not_configured") & condition)
                .execute()
            )
        return requeued

    def _next_due(self) -> datetime | None:
        pending = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(Notification.state == "pending")
            .scalar()
        )
        leased = (
            Notification.select(fn.MIN(Notification.lease_until))
            .where(Notification.state == "sending")
            .scalar()
        )
        times = [t for t in (pending, leased) if t is not None]
        return min(times) if times else None

    def _drain_horizon(self, retry_wait: float) -> datetime | None:
        """When a drain should look again, or None when nothing is worth waiting for."""
        limit = self.clock() + timedelta(seconds=retry_wait)
        grace = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(
                (Notification.state == "pending")
                & (Notification.attempts == 0)
                # A pickup reminder is due days later, on purpose: not a grace period.
                & ((Notification.template != SCHEDULED) | (Notification.due_at <= limit))
            )
            .scalar()
        )
        retry = (
            Notification.select(fn.MIN(Notification.due_at))
            .where(
                (Notification.state == "pending")
                & (Notification.attempts > 0)
                & (Notification.due_at <= limit)
            )
            .scalar()
        )
        leased = (
            Notification.select(fn.MIN(Notification.lease_until))
            .where(Notification.state == "sending")
            .scalar()
        )
        times = [t for t in (grace, retry, leased) if t is not None]
        return min(times) if times else None


# Messages written ahead of their time (the pickup reminders, issue 13): a drain neither
# waits for them nor counts them as left to send.
SCHEDULED = "pickup_reminder"


def _scheduled_later(after: datetime) -> int:
    return int(
        Notification.select()
        .where(
            (Notification.state == "pending")
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
        f'WHERE "id" = {p} AND "state" = \'sending\' AND "lease_owner" = {p}'
    )


def _close_connection() -> None:
    if not database.is_closed():
        database.close()


def _state_counts() -> dict[str, int]:
    return {
        state: int(count)
        for state, count in tuples(
            Notification.select(Notification.state, fn.COUNT(Notification.id)).group_by(
                Notification.state
            )
        )
    }


__all__ = ["DrainResult", "Notifier", "default_owner", "message_id"]
