"""The demo shop: real intake and real status changes, every status, a living history."""

from __future__ import annotations

import asyncio
from datetime import UTC, date
from pathlib import Path

from peewee import fn

from app.config import Config
from app.messages.notifier import Notifier
from app.orders.statuses import OrderStatus
from app.tui.demo import demo_environment, seed_demo
from storage.db import open_database
from storage.models import Document, Order, StatusChange, database


def test_seed_demo_holds_a_living_shop(sqlite_url: str) -> None:
    config = Config(database_url=sqlite_url, undo_seconds=20)
    open_database(sqlite_url)
    written = seed_demo(config, months=2, today=date(2026, 11, 26))
    assert written > 60 * 3 // 2
    statuses = {status for (status,) in Order.select(Order.status).distinct().tuples()}
    assert statuses == {s.value for s in OrderStatus}
    modes = {mode for (mode,) in Order.select(Order.fulfilment_mode).distinct().tuples()}
    assert modes == {"pickup", "delivery"}
    cancelled = Order.select().where(Order.status == "cancelled")
    assert cancelled.count() > 0
    assert all(order.cancel_reason for order in cancelled)
    assert Order.select().where(Order.payment == "failed").count() == 2  # the demo's + the seed's
    # The user's own January 2021 orders are there too.
    assert Order.get_or_none(Order.number == "5fec417c-c1f882001c-318c84-001") is not None
    # History is real: every finished order went through staff changes, by name.
    finished = Order.select().where(Order.status == "finished").first()
    changes = list(StatusChange.select().where(StatusChange.order == finished))
    assert changes[0].kind == "intake" and changes[-1].to_status == "finished"
    assert all(change.by for change in changes[1:])
    # Cancellations issued credit notes.
    assert Document.select().where(Document.kind == "credit").count() == cancelled.count()
    assert Order.select(fn.MAX(Order.placed_day)).scalar() <= date(2026, 11, 26)
    # The seller is complete, so that Finances shows payouts rather than "blocked".
    from app.shop.profile import load_profile

    assert load_profile().iban and load_profile().siret
    # Each invoice was issued the day its order was placed (not all at start, which put six
    # months of sales into the last month's VAT); the January 2021 seed arrives today.
    days = [
        (issued, placed)
        for issued, placed in Document.select(Document.issued_at, Order.placed_day)
        .join(Order)
        .where((Document.kind == "invoice") & (Order.placed_day > date(2021, 12, 31)))
        .tuples()
    ]
    assert len(days) > 60
    late = [(i, p) for i, p in days if i.replace(tzinfo=UTC).astimezone(config.tz).date() != p]
    assert not late, late[:3]


def test_demo_environment_is_throwaway(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = Config(database_url=f"sqlite:///{tmp_path / 'real.sqlite3'}")
    with demo_environment(config, today=date(2026, 11, 26), months=1) as demo:
        path = Path(demo.database_url.removeprefix("sqlite:///"))
        assert path.exists() and path.parent != tmp_path
        assert Order.select().count() > 50
        # The demo's mails go to a local capture, a Maildir beside the database.
        assert demo.smtp_url.startswith("smtp://127.0.0.1:")
        sent = asyncio.run(Notifier(demo).run_once())
        assert sent > 0
        assert len(list((path.parent / "Maildir" / "new").iterdir())) > 0
        database.close()
    assert not path.parent.exists()
    assert str(path.parent) in capsys.readouterr().err
    assert not (tmp_path / "real.sqlite3").exists()
