"""The notifier: claims due messages of the outbox under a lease and sends them.

The outbox's data layer (claims, renewals, outcomes) is app.messages.store; this is the
send loop. A message is never sent twice while its sender is alive:

- while a batch is being sent, a renewal task extends the lease of the rows still held
  every quarter of the lease, however long one SMTP exchange takes, so no other notifier
  takes them over;
- every SMTP command (and every Vonage request) is bounded by a timeout shorter than the
  lease, so a server that hangs ends in a retry rather than in a message held for ever;
- should the renewals fail (the database away), a mail still on the wire is abandoned —
  its connection closed — a quarter of a lease before the lease can run out; a mail whose
  lease another notifier took over meanwhile is abandoned at once and never marked.

A notifier killed between the server's acceptance and the mark `sent` leaves one row that
another notifier sends again after the lease: it carries the same Message-ID, so the copy
can be recognised.

Database work runs in one dedicated thread (peewee is synchronous; a busy SQLite must not
freeze a screen); SMTP is asyncio; the vonage SDK runs in a thread of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from typing import Any, TypeVar

from app.clock import utcnow
from app.config import Config
from app.i18n import _
from app.messages import store
from app.messages.delivery import DeliveryError, NotConfigured
from app.messages.marketplace import CHANNEL as MARKETPLACE
from app.messages.marketplace import TIMEOUT_SECONDS as MARKETPLACE_TIMEOUT
from app.messages.marketplace import MarketplaceSender, Outgoing
from app.messages.render import (
    Job,
    ShopView,
    build_mail,
    message_id,
    sms_text,
)
from app.messages.senders import MailSender, SmsSender
from app.messages.states import WAITING
from app.messages.states import NotificationState as N

log = logging.getLogger("comptoir.notifier")
T = TypeVar("T")

COMMAND_TIMEOUT = 30.0  # seconds for one SMTP command or Vonage request, at most


@dataclass
class DrainResult:
    """What a drain did, and what the outbox holds when it ends."""

    sent: int = 0
    retried: int = 0
    failed: int = 0  # failed in this drain
    skipped: int = 0  # not sent in this drain: their channel is not configured
    pending: int = 0  # still pending or sending when the drain ends
    failed_before: int = 0  # failed rows of earlier runs still in the outbox
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing is left to send and nothing failed in this drain.

        Skipped messages and the failures of earlier runs (shown on their order, sent again
        by hand) do not count: a cron job reports each failure once, not at every run."""
        return self.failed == 0 and self.pending == 0

    def summary(self) -> str:
        """One line for the terminal."""
        line = _(
            "Envoyés : {sent}, nouvelles tentatives : {retried}, en échec : {failed}, "
            "non envoyés (canal non configuré) : {skipped}, en attente : {pending}.",
            sent=self.sent,
            retried=self.retried,
            failed=self.failed,
            skipped=self.skipped,
            pending=self.pending,
        )
        if self.failed_before:
            line += " " + _(
                "{count} message(s) en échec d'avant restent à renvoyer (comptoir --order).",
                count=self.failed_before,
            )
        return line


@dataclass(frozen=True)
class Prepared:
    """A message ready to go: its recipient and the mail or the SMS text."""

    recipient: str
    payload: Message | str | Outgoing


class LeaseLost(Exception):
    """The row is no longer safely this notifier's: the send was abandoned."""


class Lease:
    """The lease of one claimed batch as this notifier knows it (monotonic time)."""

    def __init__(self, ids: list[int], seconds: float, started: float) -> None:
        self.held = set(ids)  # claimed, not yet settled
        self.lost: set[int] = set()  # taken over by another notifier
        self.seconds = seconds
        self.ends = started + seconds  # no earlier than the lease_until in the database

    def safe(self) -> bool:
        """True while the lease has more than a quarter of its length to run."""
        return time.monotonic() < self.ends - self.seconds / 4

    def settled(self, job_id: int) -> None:
        self.held.discard(job_id)


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
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.owner = (owner_id or default_owner())[:64]
        self.lease = timedelta(
            seconds=config.notify_lease_seconds if lease_seconds is None else lease_seconds
        )
        self.retry_seconds = config.notify_retry_seconds if retry_seconds is None else retry_seconds
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.store = store.Store(
            self.owner, lease=self.lease, batch_size=batch_size, clock=clock, config=config
        )
        # One exchange with a server always ends well within the lease.
        self.command_timeout = min(COMMAND_TIMEOUT, self.lease.total_seconds() / 2)
        self.mail = MailSender(config, timeout=self.command_timeout)
        self.sms = SmsSender(config, timeout=max(1, int(self.command_timeout)))
        self.marketplace = MarketplaceSender(
            config, timeout=min(self.command_timeout, MARKETPLACE_TIMEOUT)
        )
        self._executor: ThreadPoolExecutor | None = None
        self._wake = asyncio.Event()
        self._result = DrainResult()
        self.last_error: str | None = None  # why the last round failed (database lost…)
        self.mail_unreachable: str | None = None  # why the mail server could not be reached

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
                await self._db(store.close_connection)
            self._executor.shutdown(wait=False)
            self._executor = None

    # -- public loop -------------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the outbox now rather than at the next poll (after a change, say)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send due messages until `stop` is set.

        Never raises for a message that fails, nor when the database or a server is away
        for a while: the problem is kept in `last_error` (for the footer), written to the
        log, and the loop tries again at the next poll.
        """
        try:
            while not stop.is_set():
                delay = self.poll_seconds
                try:
                    if await self.run_once():
                        self.last_error = None
                        continue
                    next_due = await self._db(self.store.next_due)
                    if next_due is not None:
                        delay = min(delay, max((next_due - self.clock()).total_seconds(), 0.05))
                    self.last_error = None
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    if error != self.last_error:  # once per problem, not once per poll
                        log.warning("notifier: %s", error)
                    self.last_error = error
                    with contextlib.suppress(Exception):
                        await self._db(store.close_connection)  # reconnect at the next round
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
            while True:
                if await self.run_once():
                    continue
                wait_until = await self._db(self.store.drain_horizon, retry_wait)
                if wait_until is None:
                    break
                delay = min(max((wait_until - self.clock()).total_seconds(), 0.02), 1.0)
                await self._sleep(never, delay)
            counts = await self._db(store.state_counts)
        finally:
            await self.aclose()
        result = self._result
        result.failed_before = max(counts.get(N.FAILED, 0) - result.failed, 0)
        scheduled = await self._db(
            store.scheduled_later, self.clock() + timedelta(seconds=retry_wait)
        )
        result.pending = sum(counts.get(state, 0) for state in WAITING) - scheduled
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
        leaves at most one message sent and not marked. The batch's lease is renewed by a
        task of its own while the batch is sent.
        """
        started = time.monotonic()
        jobs, shop, _until = await self._db(self.store.claim)
        if not jobs:
            return 0
        lease = Lease([job.id for job in jobs], self.lease.total_seconds(), started)
        renewer = asyncio.ensure_future(self._keep_leased(lease))
        handled = 0
        upcoming: asyncio.Future[Prepared] | None = None
        try:
            for index, job in enumerate(jobs):
                if not lease.safe():
                    break  # renewals fail: leave the rest before their lease can run out
                current = upcoming or asyncio.ensure_future(self._prepare(job, shop))
                upcoming = (
                    asyncio.ensure_future(self._prepare(jobs[index + 1], shop))
                    if index + 1 < len(jobs)
                    else None
                )
                if job.id in lease.lost:
                    current.cancel()  # another notifier holds it now: its business
                    continue
                await self._handle(job, current, lease)
                lease.settled(job.id)
                handled += 1
        finally:
            renewer.cancel()
            if upcoming is not None:
                upcoming.cancel()
            await self.mail.close()
        return handled

    async def _keep_leased(self, lease: Lease) -> None:
        """Renew the batch's lease every quarter of it until cancelled."""
        while True:
            await asyncio.sleep(lease.seconds / 4)
            ids = sorted(lease.held)
            if not ids:
                continue
            started = time.monotonic()
            try:
                _until, kept = await self._db(self.store.renew, ids)
            except Exception as exc:  # the database is away: `lease.safe()` turns false
                log.warning("notifier: lease not renewed: %s: %s", type(exc).__name__, exc)
                continue
            lease.ends = started + lease.seconds
            lost = set(ids) - kept
            if lost:
                lease.lost |= lost
                lease.held -= lost
                log.warning("notifier: lease of message(s) %s taken over", sorted(lost))

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

    async def _handle(self, job: Job, preparing: asyncio.Future[Prepared], lease: Lease) -> None:
        recipient: str | None = None
        try:
            prepared = await preparing
            recipient = prepared.recipient
            await self._transmit(job, prepared, lease)
        except LeaseLost:
            # Taken over: the other notifier sends it. Renewals failing: the lease runs out
            # and whoever claims it next sends it; no mark either way.
            return
        except NotConfigured as exc:
            await self._db(self.store.mark, job.id, N.SKIPPED, str(exc), None)
            self._result.skipped += 1
            return
        except DeliveryError as exc:
            if job.channel == "mail" and exc.unreachable:
                self.mail_unreachable = str(exc)
            if exc.temporary and job.attempts < self.max_attempts:
                await self._db(self.store.retry, job, str(exc), self.retry_seconds)
                self._result.retried += 1
            else:
                words = str(exc)
                if exc.temporary:
                    words = _(
                        "Abandon après {attempts} tentatives : {error}",
                        attempts=job.attempts,
                        error=words,
                    )
                log.warning("notifier: message %s failed: %s", job.id, words)
                await self._fail(job, words)
            return
        except Exception as exc:  # a bug or a broken template: fail loudly, stay alive
            log.exception("notifier: message %s", job.id)
            await self._fail(job, f"{type(exc).__name__}: {exc}")
            return
        if job.channel == "mail":
            self.mail_unreachable = None
        if await self._db(self.store.mark, job.id, N.SENT, None, recipient):
            self._result.sent += 1

    async def _fail(self, job: Job, words: str) -> None:
        if await self._db(self.store.mark, job.id, N.FAILED, words, None):
            self._result.failed += 1
            if len(self._result.errors) < 20:
                self._result.errors.append(words)

    async def _transmit(self, job: Job, prepared: Prepared, lease: Lease) -> None:
        """Hand the message to its channel's server; DeliveryError, NotConfigured, LeaseLost."""
        if isinstance(prepared.payload, Message):
            sending = self.mail.send(prepared.payload, prepared.recipient)
            await self._guarded(sending, job, lease, self.mail.drop)
        elif isinstance(prepared.payload, Outgoing):
            await self._guarded(self.marketplace.send(prepared.payload), job, lease)
        else:
            # The SDK's thread cannot be stopped: its requests are bounded by the timeout
            # instead, and the lease is renewed while it runs.
            await self.sms.send(prepared.recipient, prepared.payload, reference=f"notif-{job.id}")

    async def _guarded(
        self,
        sending: Coroutine[Any, Any, None],
        job: Job,
        lease: Lease,
        drop: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        """Await `sending` (a message on the wire), abandoning it if the lease is in danger;
        `drop` then forgets the connection it left half-used."""
        task = asyncio.ensure_future(sending)
        check = min(lease.seconds / 20, 0.5)
        while True:
            done, _pending = await asyncio.wait({task}, timeout=check)
            if done:
                return task.result()
            if job.id in lease.lost or not lease.safe():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                if drop is not None:
                    await drop()
                log.warning("notifier: message %s abandoned on the wire (lease)", job.id)
                raise LeaseLost

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
            return await asyncio.to_thread(render_order_pdf, job.order.number, job.order)
        except Exception as exc:
            raise DeliveryError(
                _("PDF de la commande impossible à produire : {reason}", reason=exc),
                temporary=True,
            ) from exc


__all__ = ["DrainResult", "Notifier", "default_owner", "message_id"]
