"""The marketplace hears back: status changes queued in their transaction, then posted by the
notifier, signed per Standard Webhooks, to a local receiver that verifies each with the
reference `standardwebhooks` package."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks import Webhook

from app.clock import utcnow
from app.config import Config
from app.intake.files import import_drafts, parse_document
from app.messages.capture import free_port
from app.messages.notifier import Notifier
from app.orders.rules import change_status, undo_change
from app.orders.statuses import OrderStatus
from storage.models import MarketplaceMessage, Notification
from tests.factories import order_doc
from tests.intake_support import new_secret

SECRET = new_secret(3)


class Receiver:
    """The marketplace's endpoint: verifies every delivery with the reference package,
    keeps what it accepted, and answers from `script` (then 200)."""

    def __init__(self, secret: str, port: int | None = None, script: Iterable[int] = ()) -> None:
        self.webhook = Webhook(secret)
        self.port = port or free_port()
        self.script = list(script)
        self.accepted: list[tuple[str, dict[str, Any]]] = []
        self.attempts: list[str] = []
        self.refused_signatures = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/comptoir"

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            payload = self.webhook.verify(body, dict(request.headers))
        except Exception:
            self.refused_signatures += 1
            return web.Response(status=401)
        webhook_id = request.headers["webhook-id"]
        self.attempts.append(webhook_id)
        status = self.script.pop(0) if self.script else 200
        if status == 200:
            self.accepted.append((webhook_id, payload))
        return web.Response(status=status, text="non" if status != 200 else "ok")

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hooks/comptoir", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def market_config(url: str, secret: str = SECRET, undo: float = 0) -> Config:
    return Config(undo_seconds=undo, marketplace_url=url, marketplace_secret=secret)


def placed(config: Config, count: int = 1) -> list[str]:
    docs = [order_doc(number=f"M-{i:03d}") for i in range(count)]
    import_drafts(parse_document(docs), config=config)
    return [d["number"] for d in docs]


def bodies() -> list[dict[str, Any]]:
    return [
        json.loads(row.body)
        for row in MarketplaceMessage.select().join(Notification).order_by(Notification.id)
    ]


def test_each_change_and_cancellation_queues_one_message_in_its_transaction(db: str) -> None:
    config = market_config("https://market.example/hooks")
    (number,) = placed(config)
    assert bodies() == []  # an order arriving from the marketplace is not told back
    change_status(number, OrderStatus.CONFIRMING, config=config, by="Léa")
    change_status(number, OrderStatus.CANCELLED, config=config, reason="Rupture de stock")
    first, second = bodies()
    assert first["type"] == "order.status_changed"
    assert {k: first["data"][k] for k in ("number", "status", "previous", "reason", "refund")} == {
        "number": number,
        "status": "confirming",
        "previous": "registered",
        "reason": None,
        "refund": None,
    }
    assert first["data"]["at"].endswith("Z") and first["timestamp"] == first["data"]["at"]
    assert second["data"] | {"at": None} == {
        "number": number,
        "status": "cancelled",
        "previous": "confirming",
        "reason": "Rupture de stock",
        "refund": "1.00",
        "at": None,
    }
    rows = list(Notification.select().where(Notification.channel == "webhook"))
    assert [r.state for r in rows] == ["pending", "pending"]
    ids = [m.webhook_id for m in MarketplaceMessage.select()]
    assert len(set(ids)) == 2 and all(i.startswith("msg_") for i in ids)


def test_not_configured_nothing_is_queued(db: str) -> None:
    config = Config(undo_seconds=0)
    (number,) = placed(config)
    change_status(number, OrderStatus.CONFIRMING, config=config)
    assert Notification.select().where(Notification.channel == "webhook").count() == 0
    assert MarketplaceMessage.select().count() == 0


def test_an_undo_in_the_grace_period_withdraws_the_message_with_the_customers(db: str) -> None:
    config = market_config("https://market.example/hooks", undo=20)
    (number,) = placed(config)
    result = change_status(number, OrderStatus.CONFIRMING, config=config)
    told = Notification.get(Notification.channel == "webhook")
    assert told.due_at == result.change.at + timedelta(seconds=20)  # the grace period
    undo_change(result.change.id, config=config)
    assert Notification.get_by_id(told.id).state == "withdrawn"
    # The marketplace never heard of the change: it hears of no undo either.
    assert len(bodies()) == 1


def test_an_undo_after_the_message_left_tells_the_marketplace_at_once(db: str) -> None:
    config = market_config("https://market.example/hooks", undo=20)
    (number,) = placed(config)
    result = change_status(number, OrderStatus.CONFIRMING, config=config)
    # The message went out at the very end of the grace period (the notifier's claim won):
    # the undo is still allowed, and owes the marketplace the way back.
    Notification.update(state="sent").where(Notification.channel == "webhook").execute()
    undo_change(result.change.id, config=config)
    told, back = bodies()
    assert told["data"]["status"] == "confirming"
    assert (back["data"]["status"], back["data"]["previous"]) == ("registered", "confirming")
    undo_row = (
        Notification.select()
        .where(Notification.channel == "webhook")
        .order_by(Notification.id.desc())[0]
    )
    assert undo_row.state == "pending" and undo_row.due_at <= utcnow()


async def _until(condition: Any, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await asyncio.to_thread(condition):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_sent_signed_once_each_while_the_receiver_is_down_then_up(db: str) -> None:
    receiver = Receiver(SECRET)
    config = market_config(receiver.url)
    numbers = placed(config, 3)
    for number in numbers:
        change_status(number, OrderStatus.CONFIRMING, config=config)
    change_status(numbers[0], OrderStatus.CANCELLED, config=config, reason="Client absent")
    notifier = Notifier(config, retry_seconds=0.05, poll_seconds=0.1)
    stop = asyncio.Event()
    running = asyncio.ensure_future(notifier.run(stop))
    try:
        # The receiver is down: each message is tried, kept, tried again.
        def tried() -> bool:
            rows = Notification.select().where(Notification.channel == "webhook")
            return all(r.attempts >= 2 and r.state in ("pending", "sending") for r in rows)

        await _until(tried)
        error = Notification.get(Notification.channel == "webhook").last_error
        assert error.startswith("Place de marché injoignable")
        await receiver.start()

        def all_sent() -> bool:
            rows = Notification.select().where(Notification.channel == "webhook")
            return all(r.state == "sent" for r in rows)

        await _until(all_sent)
    finally:
        stop.set()
        await running
        await receiver.stop()
    stored = {m.webhook_id: json.loads(m.body) for m in MarketplaceMessage.select()}
    assert Counter(i for i, _ in receiver.accepted) == Counter(dict.fromkeys(stored, 1))
    assert {i: p for i, p in receiver.accepted} == stored  # verified by the package
    assert receiver.refused_signatures == 0
    sent = Notification.select().where(Notification.channel == "webhook")
    assert {r.recipient for r in sent} == {receiver.url}


@pytest.mark.parametrize(
    ("script", "state", "attempts"),
    [
        ([503, 500], "sent", 3),
        ([429, 408], "sent", 3),
        ([400], "failed", 1),
        ([410], "failed", 1),
    ],
)
async def test_5xx_408_429_are_retried_under_the_same_id_other_4xx_are_final(
    sqlite_url: str, script: list[int], state: str, attempts: int
) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    receiver = await Receiver(SECRET, script=script).start()
    config = market_config(receiver.url)
    (number,) = placed(config)
    change_status(number, OrderStatus.CONFIRMING, config=config)
    try:
        result = await Notifier(config, retry_seconds=0.05).drain(retry_wait=5)
    finally:
        await receiver.stop()
    row = Notification.get(Notification.channel == "webhook")
    assert (row.state, row.attempts) == (state, attempts)
    (message,) = MarketplaceMessage.select()
    assert receiver.attempts == [message.webhook_id] * attempts  # one id, every attempt
    if state == "failed":
        assert row.last_error == f"La place de marché répond HTTP {script[0]} : non"
        assert not result.ok


async def test_two_notifiers_and_a_rotated_secret_each_message_once(sqlite_url: str) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    new, old = new_secret(4), SECRET
    receiver = await Receiver(old).start()  # the marketplace still checks with the old one
    config = market_config(receiver.url, secret=f"{new} {old}")
    for number in placed(config, 20):
        change_status(number, OrderStatus.CONFIRMING, config=config)
    try:
        await asyncio.gather(
            Notifier(config, owner_id="a", batch_size=3).drain(),
            Notifier(config, owner_id="b", batch_size=3).drain(),
        )
    finally:
        await receiver.stop()
    ids = Counter(i for i, _ in receiver.accepted)
    assert len(ids) == 20 and set(ids.values()) == {1}
    assert receiver.refused_signatures == 0
