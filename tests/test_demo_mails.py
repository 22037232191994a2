"""The demo and the mails look finished (issue 10 item 16): histories in time order, the
registration mail first, mails from the shop with a Reply-To, no "Point d'activité"."""

from __future__ import annotations

import asyncio
import mailbox
from datetime import date
from email.header import decode_header, make_header
from pathlib import Path

from app.config import Config
from app.documents.render import order_html
from app.intake.files import import_files
from app.messages.notifier import Notifier
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from app.tui.demo import demo_environment, demo_maildir, seed_demo
from storage.db import open_database
from storage.models import Notification, Order, StatusChange, database

SEED_ORDER = "5fec417c-c1f882001c-318c84-001"


def _header(message: mailbox.MaildirMessage, name: str) -> str:
    return str(make_header(decode_header(message[name] or "")))


def test_demo_histories_begin_with_the_registration(sqlite_url: str) -> None:
    config = Config(database_url=sqlite_url, undo_seconds=20)
    open_database(sqlite_url)
    seed_demo(config, months=1, today=date(2026, 11, 26))
    changes: dict[int, list[StatusChange]] = {}
    for change in StatusChange.select().order_by(StatusChange.at, StatusChange.id):
        changes.setdefault(change.order_id, []).append(change)
    assert len(changes) > 50
    for history in changes.values():
        assert history[0].kind == "intake", [(c.at, c.to_status) for c in history]
    # A customer's registration mail is due before any status mail of the same order.
    for order in Order.select().where(Order.status != OrderStatus.ERROR.value):
        mails = list(
            Notification.select()
            .where(
                (Notification.order == order)
                & (Notification.audience == "customer")
                & (Notification.channel == "mail")
            )
            .order_by(Notification.due_at, Notification.id)
        )
        if mails:
            assert mails[0].order_status == OrderStatus.REGISTERED.value, order.number


def test_demo_mails_come_from_the_shop_registration_first(tmp_path: Path) -> None:
    config = Config(database_url=f"sqlite:///{tmp_path / 'real.sqlite3'}")
    with demo_environment(config, today=date(2026, 11, 26), months=1) as demo:
        maildir = demo_maildir(demo)
        asyncio.run(Notifier(demo).run_once())
        box = mailbox.Maildir(maildir, create=False)
        # Python's Maildir numbers the messages it adds (…Q<n>.host): the order of arrival.
        keys = sorted(box.keys(), key=lambda key: int(key.split("Q")[1].split(".")[0]))
        messages = [box[key] for key in keys]
        database.close()
    assert messages
    customer = [m for m in messages if "Nouvelle commande" not in _header(m, "Subject")]
    assert customer
    for message in messages:
        assert _header(message, "From").startswith("Thés & Merveilles <")
        assert "comptoir@localhost" not in message["From"]
        assert message["Reply-To"] == "boutique@thes-merveilles.example.org"
    sent: dict[str, list[str]] = {}
    for message in customer:
        subject = _header(message, "Subject")  # « Shop : commande NUMBER — Status »
        number, status = subject.split(" : commande ", 1)[1].split(" — ", 1)
        sent.setdefault(number, []).append(status)
    # Orders whose registration mail was still to send: it left before their status mails.
    registered = {n: s for n, s in sent.items() if "Commande Enregistrée" in s}
    assert any(len(statuses) > 1 for statuses in registered.values()), registered
    assert all(s[0] == "Commande Enregistrée" for s in registered.values()), registered


def test_the_placeholder_seller_is_the_shops_own(sqlite_url: str, seed_path: Path) -> None:
    config = Config(database_url=sqlite_url)
    open_database(sqlite_url)
    import_files([seed_path], config=config)
    # The seed's lines are sold by "Point d'activité", and a profile may hold it too.
    save_profile(name="Thés & Merveilles", point_of_sale="Point d'activité")
    html = order_html(SEED_ORDER)
    assert "Point d" not in html and "vendu par" not in html
    assert "Thés &amp; Merveilles" in html
    save_profile(point_of_sale="Boutique de la Presqu'île")
    assert "Boutique de la Presqu" in order_html(SEED_ORDER)
