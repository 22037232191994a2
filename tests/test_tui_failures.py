"""Failures nobody sees (issue 10 item 7): every worker failure becomes a one-line French
notice and a line in the log file; every screen shows the failed messages; doctor too."""

from __future__ import annotations

import os
import stat

import pytest

from app import locations
from app.cli import main
from app.config import Config
from app.logbook import close_log
from app.messages.states import NotificationState as N
from app.tui.factory import make_app
from screens.finances import FinancesScreen
from screens.order import OrderScreen
from storage.db import write_transaction
from storage.models import Notification, database
from tests import test_tui_commandes
from tests.tui import TODAY, settle, wait_until
from widgets.outbox_status import OutboxStatus

FIRST = "5fec417c-c1f882001c-318c84-001"  # a seed order


seeded = test_tui_commandes.seeded  # the seed on SQLite, as the Commandes tests have it


@pytest.fixture(autouse=True)
def fresh_log() -> object:
    close_log()  # each test's home has its own log file
    yield
    close_log()


def notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def log_text() -> str:
    path = locations.log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


async def test_a_failed_load_becomes_a_notice_and_a_log_line(seeded: Config) -> None:
    app = make_app(seeded, month="2021-01", today=TODAY, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The database loses its orders table under the screen: the next month's load fails.
        database.execute_sql('ALTER TABLE "orders" RENAME TO "orders_gone"')
        await pilot.press("pagedown")
        assert await wait_until(pilot, lambda: any("orders" in n for n in notices(app)))
        failed = [n for n in notices(app) if "orders" in n]
        # One line naming what failed (the worker's description), never a traceback.
        assert all(n.startswith(("Lecture du mois", "Chargement")) for n in failed), failed
        assert all("\n" not in n and "Traceback" not in n for n in failed)
        assert app.is_running  # the App goes on
    database.execute_sql('ALTER TABLE "orders_gone" RENAME TO "orders"')
    text = log_text()
    assert "ERROR comptoir.tui" in text and "failed" in text and "orders" in text
    assert "Traceback" in text  # the log keeps the details the notice leaves out
    assert stat.S_IMODE(os.stat(locations.log_file()).st_mode) == 0o600


async def test_the_sign_in_survives_a_database_error(seeded: Config) -> None:
    from app.shop import staff

    staff.add("Léa", "1234")
    app = make_app(seeded, month="2021-01", today=TODAY, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        database.execute_sql('ALTER TABLE "staff" RENAME TO "staff_gone"')
        await pilot.press(*"Léa", "enter", *"1234", "enter")
        message = app.screen.query_one("#signin-message")
        assert await wait_until(pilot, lambda: "Connexion impossible" in str(message.content))
        assert app.is_running and type(app.screen).__name__ == "SignInScreen"
    database.execute_sql('ALTER TABLE "staff_gone" RENAME TO "staff"')
    assert "worker signin" in log_text()


def _fail_one_message() -> None:
    with write_transaction():
        first = Notification.select().order_by(Notification.id).first()
        Notification.update(state=N.FAILED, last_error="554 refused").where(
            Notification.id == first.id
        ).execute()


def _warning(app: object) -> str:
    shown = [w for w in app.screen.query(OutboxStatus) if w.display]  # type: ignore[attr-defined]
    return str(shown[0].content) if shown else ""


async def test_failed_messages_are_shown_on_every_screen(seeded: Config) -> None:
    app = make_app(seeded, month="2021-01", today=TODAY, poll_seconds=0)
    app.outbox_seconds = 0.1
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert _warning(app) == ""  # nothing failed: nothing shown
        _fail_one_message()
        assert await wait_until(pilot, lambda: _warning(app) == "⚠ 1 message(s) en échec")
        app.open_order(FIRST)
        assert await wait_until(pilot, lambda: isinstance(app.screen, OrderScreen))
        assert await wait_until(pilot, lambda: _warning(app) == "⚠ 1 message(s) en échec")
        await pilot.press("2")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FinancesScreen))
        assert await wait_until(pilot, lambda: _warning(app) == "⚠ 1 message(s) en échec")
        with write_transaction():
            Notification.update(state=N.SENT).where(Notification.state == N.FAILED).execute()
        assert await wait_until(pilot, lambda: _warning(app) == "")


async def test_an_unreachable_mail_server_is_shown_too(seeded: Config) -> None:
    from app.messages.capture import free_port

    config = Config(
        database_url=seeded.database_url,
        undo_seconds=0,
        smtp_url=f"smtp://127.0.0.1:{free_port()}",  # nobody listens
        notify_retry_seconds=60,
    )
    app = make_app(config, month="2021-01", today=TODAY, poll_seconds=0, notifier=True)
    app.outbox_seconds = 0.1
    async with app.run_test(size=(100, 30)) as pilot:
        # The notifier's worker runs until the App ends: no settle (it waits for workers).
        for _ in range(300):
            if "serveur de mail injoignable" in _warning(app):
                break
            await pilot.pause(0.1)
        assert _warning(app) == "serveur de mail injoignable"


def test_doctor_reports_the_failed_messages(
    seeded: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", seeded.database_url)
    main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("✓ Messages : aucun en échec") for line in lines), lines
    _fail_one_message()
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("✗ Messages : ⚠ 1 message(s) en échec") for line in lines), lines
