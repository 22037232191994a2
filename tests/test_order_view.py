"""The order screen's rules without a terminal: preview sentence, undo refusals, fingerprint."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.config import Config, NotifyRule
from app.errors import TransitionError
from app.intake.files import import_files
from app.messages.outbox import resend
from app.messages.states import NotificationState as N
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus as S
from app.orders.view import change_preview, fingerprint, load_order_detail, undo_latest
from storage.models import Notification, Order, StatusChange
from tests.factories import order_doc, write_json

NUMBER = "T-0001"
NOW = datetime(2021, 1, 18, 15, 0)


@pytest.fixture
def order(db: str, config: Config, tmp_path: Path) -> Order:
    import_files([write_json(tmp_path / "o.json", order_doc())], config=config, now=NOW)
    return Order.get(Order.number == NUMBER)


def test_the_preview_names_who_is_mailed_and_texted(order: Order, config: Config) -> None:
    assert change_preview(order, S.READY, config) == (
        "Commande prête : courriel à hugo.bernard@example.org, SMS au +33612345678."
    )


def test_the_preview_follows_the_notify_configuration(order: Order, config: Config) -> None:
    rules = dict(config.notify)
    rules[S.READY] = NotifyRule(mail=True, sms=False)
    rules[S.PROCESSING] = NotifyRule(mail=False, sms=False)
    custom = replace(config, notify=rules)
    assert change_preview(order, S.READY, custom) == (
        "Commande prête : courriel à hugo.bernard@example.org."
    )
    assert change_preview(order, S.PROCESSING, custom) == (
        "En cours de traitement : aucun message au client."
    )
    no_sms = replace(config, sms_enabled=False)
    assert "SMS" not in change_preview(order, S.READY, no_sms)
    order.customer_mobile = None
    assert "SMS" not in change_preview(order, S.READY, config)


def test_the_cancellation_preview_announces_the_refund(order: Order, config: Config) -> None:
    assert change_preview(order, S.CANCELLED, config) == (
        "Annulée : remboursement intégral de 1,00 €."
    )


def test_undo_says_why_it_cannot(order: Order, config: Config) -> None:
    with pytest.raises(TransitionError, match="Aucune modification à annuler"):
        undo_latest(NUMBER, config=config, by="Léa", now=NOW)
    change_status(NUMBER, S.CONFIRMING, config=config, by="Léa", now=NOW)
    with pytest.raises(TransitionError, match="Trop tard pour annuler : le délai de 20 s"):
        undo_latest(NUMBER, config=config, by="Léa", now=NOW + timedelta(seconds=21))
    with pytest.raises(TransitionError, match="désactivée"):
        undo_latest(NUMBER, config=replace(config, undo_seconds=0), by="Léa", now=NOW)
    undone = undo_latest(NUMBER, config=config, by="Léa", now=NOW + timedelta(seconds=5))
    assert (undone.kind, undone.to_status, undone.by) == ("undo", "registered", "Léa")
    with pytest.raises(TransitionError, match="Aucune modification à annuler"):
        undo_latest(NUMBER, config=config, by="Léa", now=NOW + timedelta(seconds=6))
    change_status(NUMBER, S.CANCELLED, config=config, reason="Rupture de stock", now=NOW)
    with pytest.raises(TransitionError, match="Une annulation ne se défait pas"):
        undo_latest(NUMBER, config=config, by="Léa", now=NOW + timedelta(seconds=1))
    assert Order.get(Order.number == NUMBER).status == S.CANCELLED


def test_the_fingerprint_moves_only_when_something_changed(order: Order, config: Config) -> None:
    first = fingerprint(NUMBER)
    assert fingerprint(NUMBER) == first
    load_order_detail(NUMBER)  # reading changes nothing
    assert fingerprint(NUMBER) == first
    note = Notification.get((Notification.order == order) & (Notification.channel == "sms"))
    Notification.update(state=N.FAILED).where(Notification.id == note.id).execute()
    failed = fingerprint(NUMBER)
    assert failed != first
    resend(note.id)
    assert fingerprint(NUMBER) != failed
    before = fingerprint(NUMBER)
    change_status(NUMBER, S.PROCESSING, config=config)
    assert fingerprint(NUMBER) != before
    assert fingerprint("NOPE") is None


def test_the_view_holds_lines_history_and_notifications_in_order(
    order: Order, config: Config
) -> None:
    change_status(NUMBER, S.PROCESSING, config=config, by="Léa", now=NOW)
    view = load_order_detail(NUMBER)
    assert [line.product for line in view.view.lines] == ["Thé vert Sencha"]
    assert [(c.kind, c.to_status) for c in view.history] == [
        ("intake", "registered"),
        ("change", "processing"),
    ]
    assert [n.id for n in view.notifications] == sorted(n.id for n in view.notifications)
    assert view.status is S.PROCESSING
    assert StatusChange.select().count() == 2


def test_the_one_view_keeps_as_json_and_comes_back_the_same(order: Order) -> None:
    """A message or an issued document keeps the view as JSON and reads back the same view."""
    import json

    from app.orders.view import OrderView, read_order_view

    view = read_order_view(NUMBER)
    kept = json.loads(json.dumps(view.to_dict()))
    assert OrderView.from_dict(kept) == view
    assert kept["lines"][0]["product"] == "Thé vert Sencha"
    assert kept["total"] == str(view.total)


def test_the_screen_the_mails_and_the_documents_share_one_view() -> None:
    """One OrderView class: the mails' jobs and the documents carry app.orders.view's."""
    import typing

    from app.documents.views import DocumentView
    from app.messages.render import Job
    from app.orders.view import OrderDetail, OrderView

    for holder in (Job, DocumentView, OrderDetail):
        hints = typing.get_type_hints(holder)
        field = "view" if holder is OrderDetail else "order"
        assert hints[field] is OrderView, holder
