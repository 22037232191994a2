"""Live: an order POSTed to `comptoir service` shows on an open TUI within 2 s with the
new-order notice and the bell, and its mails leave from the service without anyone pressing
a key (its notifier is woken by the commit, not by its 2 s poll)."""

from __future__ import annotations

import time

import aiohttp

from app.config import Config
from app.shop.profile import save_profile
from storage.models import Notification
from tests.factories import order_doc
from tests.intake_support import Marketplace, Service, body_of, new_secret
from tests.notifier_servers import SmtpServer
from tests.tui import app_for, notifications, settle
from widgets.order_list import OrderList


async def test_a_posted_order_reaches_the_open_tui_and_its_mails_leave(sqlite_url: str) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    save_profile(name="Épicerie Fine", email="vendeur@example.org")
    secret = new_secret()
    with SmtpServer() as smtp:
        env = {
            "COMPTOIR_INTAKE_SECRET": secret,
            "COMPTOIR_SMTP_URL": smtp.url,
            "COMPTOIR_UNDO_SECONDS": "0",
        }
        with Service(sqlite_url, env) as service:
            app = app_for(Config(database_url=sqlite_url), poll_seconds=1.0)
            bells: list[float] = []
            app.bell = lambda: bells.append(time.monotonic())  # type: ignore[method-assign]
            async with app.run_test(size=(100, 32)) as pilot:
                await settle(pilot)
                body = body_of(order_doc(number="LIVE-1", placed_at="2021-01-18T10:00:00+01:00"))
                async with aiohttp.ClientSession() as session:
                    began = time.monotonic()
                    async with session.post(
                        service.url + "/orders",
                        data=body,
                        headers=Marketplace(secret).headers(body),
                    ) as response:
                        assert response.status == 201
                    answered = time.monotonic()
                notice = "Nouvelle commande n° LIVE-1"
                while not any(notice in message for message in notifications(app)):
                    assert time.monotonic() - began < 2.0, "no notice within 2 s"
                    await pilot.pause(0.02)
                shown = time.monotonic()
                await settle(pilot)
                assert "LIVE-1" in " ".join(app.screen.query_one(OrderList).row_cells(0))
                assert bells and bells[0] - began < 2.0
                # The service's notifier, woken by the commit, claims the order's messages
                # at once rather than at its next poll (2 s); they leave once rendered (the
                # seller's with the order's PDF).
                while Notification.select().where(Notification.state == "pending").exists():
                    assert time.monotonic() - answered < 1.0, "the notifier waited for a poll"
                    await pilot.pause(0.01)
                while smtp.recorder.count() < 2:
                    assert time.monotonic() - answered < 15
                    await pilot.pause(0.05)
    subjects = sorted(str(m["To"]) for m in smtp.recorder.received)
    assert subjects == ["hugo.bernard@example.org", "vendeur@example.org"]
    print(f"POST → notice {1000 * (shown - began):.0f} ms")
