"""The intake endpoint: the marketplace POSTs orders, signed per Standard Webhooks 1.0.

`POST /orders` takes one order of SPEC §8 or a list, as `comptoir import` does, and answers:

- 401 when a `webhook-*` header is missing, malformed, its timestamp more than five minutes
  from our clock, or no `v1` signature matches a secret of COMPTOIR_INTAKE_SECRET;
- 413 as soon as the body is larger than COMPTOIR_INTAKE_MAX_BYTES (a declared length is
  refused before a byte of the body is read; a chunked one when the limit is crossed);
- 422 when the body is not JSON or an order is invalid: an RFC 9457 problem naming the order
  and the field in the words of `comptoir import`; nothing of the delivery is written;
- 201 once the orders, their invoices, history and messages are committed, together with
  the webhook-id; 200 « déjà connue », with no write, for a webhook-id already accepted
  (after a restart too) or orders whose numbers are all known;
- 503 when the database is away (the marketplace retries), 404/405 elsewhere.

`GET /health` says whether the service and its database answer.

Deliveries are written by group commit: those that wait for the database thread while it
writes are written together next, in one transaction with a savepoint each, and each is
answered once that transaction is committed (`record_deliveries`).

The signature is checked here with `hmac.compare_digest` (app.webhooks) rather than with the
reference `standardwebhooks` package: that one wants the whole body as text and raises on a
malformed header or non-UTF-8 bytes, while here the body is read under a size limit and any
bad header is a 401. The tests sign every delivery with the reference package.

One log line per request (`comptoir.intake`): method, path, webhook-id, order number,
outcome, status and milliseconds. Never a secret, a body or a customer's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from http import HTTPStatus
from typing import Any, TypeVar

from aiohttp import ClientError, web
from aiohttp.http_exceptions import HttpProcessingError
from peewee import IntegrityError

from app import money, webhooks
from app.clock import utcnow
from app.config import Config
from app.documents import issuing
from app.i18n import _
from app.intake.files import InvalidDocument, OrderDraft, decode_document, write_drafts
from storage.db import write_transaction
from storage.models import WebhookDelivery, database

log = logging.getLogger("comptoir.intake")
T = TypeVar("T")

BODY_TIMEOUT = 30.0  # seconds to receive a whole body
PARSE_INLINE = 64 * 1024  # bodies larger than this are validated in a thread
GROUP_ORDERS = 200  # orders written in one group commit at most
KNOWN = "déjà connue"
IMPORTED = "importée"
_NOTE = "comptoir.intake.note"  # the request's Note, for its log line


class _TooLarge(Exception):
    pass


class _NothingNew(Exception):
    def __init__(self, known: list[str]) -> None:
        super().__init__("nothing new")
        self.known = known


@dataclass(frozen=True)
class _Waiting:
    """A delivery validated and waiting for its group's commit."""

    webhook_id: str
    drafts: list[OrderDraft]
    outcome: asyncio.Future[Outcome]


@dataclass
class Note:
    """What the request's log line says."""

    webhook_id: str = "-"
    order: str = "-"
    outcome: str = "-"


@dataclass(frozen=True)
class Recorded:
    """What a delivery wrote: the numbers imported and those already known."""

    imported: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)


def problem(status: int, detail: str, **members: Any) -> web.Response:
    """An RFC 9457 problem document (`application/problem+json`)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in members.items() if v is not None})
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/problem+json",
        charset="utf-8",
    )


def answer(code: int, **members: Any) -> web.Response:
    """A JSON answer."""
    return web.json_response(
        members, status=code, dumps=lambda v: json.dumps(v, ensure_ascii=False)
    )


def _deliver(
    webhook_id: str, drafts: list[OrderDraft], *, config: Config, now: datetime
) -> Recorded | None:
    """Write one delivery's new orders with its webhook-id; call inside a transaction (or a
    savepoint). None when the webhook-id is known; _NothingNew when every number is."""
    # First, so that two deliveries of one id queue on its key (PostgreSQL) and the second
    # finds it; on SQLite the IMMEDIATE transaction already queues them.
    table, p = WebhookDelivery._meta.table_name, database.param
    inserted = database.execute_sql(
        f'INSERT INTO "{table}" ("webhook_id", "received_at", "orders") '
        f"VALUES ({p}, {p}, {p}) ON CONFLICT DO NOTHING",
        (
            webhook_id,
            WebhookDelivery.received_at.db_value(now),
            " ".join(draft.number for draft in drafts)[:10_000],
        ),
    ).rowcount
    if inserted == 0:
        return None
    result = write_drafts(drafts, config=config, now=now)
    if not result.imported:
        raise _NothingNew(result.skipped)  # rolls the delivery's row back too
    return Recorded(imported=result.imported, known=result.skipped)


def record_delivery(
    webhook_id: str,
    drafts: list[OrderDraft],
    *,
    config: Config,
    now: datetime,
    scope: Callable[[], AbstractContextManager[Any]] = write_transaction,
) -> Recorded | None:
    """Write the delivery's new orders with its webhook-id, in one transaction (`scope`; a
    savepoint inside a group's transaction).

    None when the webhook-id was already accepted (nothing written); a Recorded without
    imports when every number was known (nothing written either). Runs in the database thread.
    """
    for attempt in range(2):
        try:
            with scope():
                if scope is write_transaction:  # alone; a group does it once, first
                    issuing.issue_waiting_invoices(now)
                return _deliver(webhook_id, drafts, config=config, now=now)
        except _NothingNew as nothing:
            return Recorded(known=nothing.known)
        except IntegrityError:
            # Another process imported one of these numbers meanwhile: read again, once.
            if attempt:
                raise
    raise AssertionError("unreachable")


Delivery = tuple[str, list[OrderDraft]]
Outcome = Recorded | Exception | None


def record_deliveries(
    deliveries: Sequence[Delivery], *, config: Config, now: datetime
) -> list[Outcome]:
    """Group commit: write the deliveries in one transaction, each in a savepoint of its own,
    so that the commit's fixed cost is shared; each delivery's outcome, in order.

    Each delivery stays all or nothing: one whose orders another process took meanwhile is
    read again in its savepoint and the others are unaffected. Any other failure, the commit's
    included, rolls the whole transaction back and each delivery is then written alone, so
    one bad delivery never sinks the others. Runs in the database thread.
    """
    if len(deliveries) > 1:
        try:
            with write_transaction():
                # Invoices waiting for the profile go first: numbers follow arrival.
                issuing.issue_waiting_invoices(now)
                return [
                    record_delivery(*delivery, config=config, now=now, scope=database.atomic)
                    for delivery in deliveries
                ]
        except Exception:
            log.info("group of %s deliveries rolled back: each written alone", len(deliveries))
    outcomes: list[Outcome] = []
    for webhook_id, drafts in deliveries:
        try:
            outcomes.append(record_delivery(webhook_id, drafts, config=config, now=now))
        except Exception as exc:  # this one's answer says it (503 for the database)
            outcomes.append(exc)
    return outcomes


def database_answers() -> bool:
    database.execute_sql("SELECT 1").fetchall()
    return True


def _describe(numbers: list[str]) -> str:
    if not numbers:
        return "-"
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]}(+{len(numbers) - 1})"


class Intake:
    """The endpoint: its configuration, the database thread it writes through, and a call
    made after each commit (the service wakes its notifier there)."""

    def __init__(
        self,
        config: Config,
        run_db: Callable[..., Awaitable[Any]],
        *,
        on_commit: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.config = config
        self.keys = webhooks.decode_secrets(config.intake_secret)
        self.max_bytes = int(config.intake_max_bytes)
        self.rates = money.regional_vat_rates(config.holiday_region)  # the shop's region's
        self.run_db = run_db
        self.on_commit = on_commit
        self.clock = clock
        self.body_timeout = body_timeout
        self.stopping = False
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Future[None] | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drain(self, timeout: float) -> None:
        """Refuse new requests (503), and wait for those in flight to be answered.

        aiohttp's own shutdown drops the rest of a body still arriving; this lets it come.
        """
        self.stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=self.max_bytes)
        app.router.add_post("/orders", self.post_orders)
        app.router.add_get("/health", self.health)
        return app

    # -- the log line and the last net -----------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        began = time.perf_counter()
        note = Note()
        request[_NOTE] = note
        status = 500
        self._in_flight += 1
        self._idle.clear()
        try:
            if self.stopping:
                note.outcome = "stopping"
                status = 503
                refusal = problem(503, _("Service en cours d'arrêt : réessayez plus tard."))
                refusal.headers["Retry-After"] = "5"
                refusal.force_close()
                return refusal
            answered = await handler(request)
            status = answered.status
            return answered
        except web.HTTPException as exc:  # the router's 404 and 405
            status = exc.status
            note.outcome = {404: "not-found", 405: "method-not-allowed"}.get(status, "http-error")
            words = _("Rien ici : POST /orders ou GET /health.")
            response = problem(status, words)
            if exc.status == 405:
                response.headers["Allow"] = exc.headers.get("Allow", "")
            return response
        except asyncio.CancelledError:
            note.outcome = "client-gone"
            status = 499
            raise
        except Exception as exc:
            if _is_database_error(exc):
                note.outcome = "database-unavailable"
                status = 503
                response = problem(503, _("Base de données injoignable : réessayez plus tard."))
                response.headers["Retry-After"] = "5"
                return response
            note.outcome = "bug"
            log.exception("intake: unexpected error")
            return problem(500, _("Erreur interne ; rien n'a été enregistré."))
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()
            log.info(
                "%s %s id=%s order=%s outcome=%s status=%s ms=%.1f",
                request.method,
                request.path if request.path in ("/orders", "/health") else "(other)",
                note.webhook_id,
                note.order,
                note.outcome,
                status,
                (time.perf_counter() - began) * 1000,
            )

    # -- GET /health -----------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        note: Note = request[_NOTE]
        try:
            await asyncio.wait_for(self.run_db(database_answers), 5.0)
        except Exception:
            note.outcome = "database-unavailable"
            return answer(503, status="database-unavailable")
        note.outcome = "ok"
        return answer(200, status="ok")

    # -- POST /orders ----------------------------------------------------------------------

    async def post_orders(self, request: web.Request) -> web.Response:
        note: Note = request[_NOTE]
        headers = request.headers
        try:
            webhook_id = webhooks.check_id(headers.get("webhook-id"))
            note.webhook_id = webhook_id
            timestamp = webhooks.check_timestamp(headers.get("webhook-timestamp"), self.clock())
        except webhooks.Refused as refused:
            return self._unauthorized(note, refused.reason)
        if request.content_length is not None and request.content_length > self.max_bytes:
            return self._too_large(note)
        try:
            body = await asyncio.wait_for(self._read(request), self.body_timeout)
        except _TooLarge:
            return self._too_large(note)
        except TimeoutError:
            note.outcome = "body-timeout"
            return problem(408, _("Le corps de la requête n'est pas arrivé à temps."))
        except (ConnectionError, ClientError, HttpProcessingError):
            note.outcome = "truncated"  # the sender closed before the end of its body
            return problem(400, _("Corps tronqué : la connexion s'est fermée avant sa fin."))
        try:
            webhooks.check_signature(
                self.keys, webhook_id, timestamp, headers.get("webhook-signature"), body
            )
        except webhooks.Refused as refused:
            return self._unauthorized(note, refused.reason)
        # A webhook-id already accepted is found by `record_delivery`, first thing in its
        # transaction (one trip to the database thread per delivery, not two).
        try:
            if len(body) > PARSE_INLINE:
                drafts = await asyncio.to_thread(decode_document, body, self.rates)
            else:
                drafts = decode_document(body, self.rates)
        except InvalidDocument as invalid:
            note.order = invalid.order or "-"
            note.outcome = "invalid"
            return problem(
                422,
                str(invalid),
                order=invalid.order,
                field=invalid.field,
                reason=invalid.reason,
            )
        numbers = [draft.number for draft in drafts]
        note.order = _describe(numbers)
        recorded = await self._record(webhook_id, drafts)
        if recorded is None:
            note.outcome = "known-id"
            return answer(200, result=KNOWN, webhook_id=webhook_id)
        if not recorded.imported:
            note.outcome = "known-order"
            return answer(200, result=KNOWN, known=recorded.known)
        note.outcome = "imported"
        return answer(201, result=IMPORTED, imported=recorded.imported, known=recorded.known)

    # -- group commit ----------------------------------------------------------------------

    async def _record(self, webhook_id: str, drafts: list[OrderDraft]) -> Recorded | None:
        """Queue the delivery for the next group commit; its outcome once that is committed.

        While the database thread writes one group, the deliveries that arrive wait and are
        written together next: under load a transaction's fixed cost (BEGIN, COMMIT, the trip
        to the thread) is shared by all of them, and alone a delivery is written at once.
        """
        waiting = _Waiting(webhook_id, drafts, asyncio.get_running_loop().create_future())
        self._waiting.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_groups())
        # Shielded: a sender that hangs up does not take its delivery out of a group.
        outcome = await asyncio.shield(waiting.outcome)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _write_groups(self) -> None:
        while self._waiting:
            group: list[_Waiting] = []
            orders = 0
            while self._waiting and (
                not group or orders + len(self._waiting[0].drafts) <= GROUP_ORDERS
            ):
                group.append(self._waiting.pop(0))
                orders += len(group[-1].drafts)
            deliveries = [(w.webhook_id, w.drafts) for w in group]
            try:
                outcomes = await self.run_db(
                    partial(record_deliveries, deliveries, config=self.config, now=utcnow())
                )
            except asyncio.CancelledError:  # the loop is closing: nobody waits any more
                for waiting in group + self._waiting:
                    waiting.outcome.cancel()
                raise
            except Exception as exc:  # the database thread itself is gone
                outcomes = [exc] * len(group)
            if any(isinstance(o, Recorded) and o.imported for o in outcomes):
                self.on_commit()
            for waiting, outcome in zip(group, outcomes, strict=True):
                if not waiting.outcome.done():
                    waiting.outcome.set_result(outcome)

    async def _read(self, request: web.Request) -> bytes:
        """The body, never more than the limit in memory."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_any():
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _unauthorized(self, note: Note, reason: str) -> web.Response:
        note.outcome = reason
        return problem(
            401,
            _(
                "Livraison refusée : en-têtes webhook-id, webhook-timestamp (à cinq minutes "
                "près) et webhook-signature v1 attendus, signés avec le secret partagé."
            ),
            reason=reason,
        )

    def _too_large(self, note: Note) -> web.Response:
        note.outcome = "too-large"
        return problem(
            413,
            _("Corps trop grand : {limit} octets au plus.", limit=self.max_bytes),
            limit=self.max_bytes,
        )


def _is_database_error(exc: BaseException) -> bool:
    from peewee import DatabaseError, InterfaceError

    from app.errors import SHOWN

    if isinstance(exc, (DatabaseError, InterfaceError, *SHOWN)):
        return True
    return type(exc).__module__.startswith(("psycopg", "sqlite3"))


def database_runner(executor: Executor) -> Callable[..., Awaitable[Any]]:
    """Run a call in `executor` (the service's one database thread) from the event loop."""

    async def run(call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, call, *args)

    return run
