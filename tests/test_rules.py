"""SPEC §3 on a real database (SQLite and PostgreSQL): transitions, history, lock, undo."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.clock import utcnow
from app.config import Config
from app.errors import ConcurrentChangeError, NotFoundError, TransitionError
from app.intake.files import import_files
from app.messages.states import NotificationState as N
from app.orders.rules import can_undo, change_status, history, undo_change
from app.orders.statuses import TRANSITIONS, allowed_targets, next_in_flow
from app.orders.statuses import OrderStatus as S
from app.shop.profile import save_profile
from storage.models import Document, Notification, Order, StatusChange, database
from tests.docs_fixtures import PROFILE
from tests.factories import order_doc, write_json

FIRST = "5fec417c-c1f882001c-318c84-001"


@pytest.fixture
def seeded(db: str, config: Config, seed_path: Path) -> str:
    save_profile(**PROFILE)  # a complete seller: invoices are issued at intake
    import_files([seed_path], config=config)
    return db


def _order_in(status: S, config: Config, tmp_path: Path, number: str = "T-0001") -> Order:
    """An order brought to `status` along the normal flow by the rules themselves."""
    import_files([write_json(tmp_path / f"{number}.json", order_doc(number=number))], config=config)
    path = {
        S.REGISTERED: [],
        S.CONFIRMING: [S.CONFIRMING],
        S.PROCESSING: [S.PROCESSING],
        S.READY: [S.PROCESSING, S.READY],
        S.IN_DELIVERY: [S.PROCESSING, S.READY, S.IN_DELIVERY],
        S.FINISHED: [S.FINISHED],
        S.CANCELLED: [S.CANCELLED],
    }[status]
    for step in path:
        change_status(number, step, config=config, reason="test")
    return Order.get(Order.number == number)


ALL_PAIRS = [(a, b) for a in S for b in S if a is not S.ERROR and a is not b]


@pytest.mark.parametrize(("start", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_each_transition_is_allowed_exactly_as_the_spec_says(
    db: str, config: Config, tmp_path: Path, start: S, target: S
) -> None:
    order = _order_in(start, config, tmp_path)
    if target in TRANSITIONS[start]:
        result = change_status(order.number, target, config=config, by="Léa", reason="motif")
        assert result.order.status == target
        assert result.order.version == order.version + 1
    else:
        with pytest.raises(TransitionError) as err:
            change_status(order.number, target, config=config, reason="motif")
        for allowed in TRANSITIONS[start]:
            assert allowed.value in str(err.value)
        assert Order.get_by_id(order.id).status == start


def test_the_dropdown_table_matches_the_spec() -> None:
    assert allowed_targets(S.REGISTERED) == (S.CONFIRMING, S.PROCESSING, S.FINISHED, S.CANCELLED)
    assert allowed_targets(S.CONFIRMING) == (S.PROCESSING, S.FINISHED, S.CANCELLED)
    assert allowed_targets(S.PROCESSING) == (S.READY, S.FINISHED, S.CANCELLED)
    assert allowed_targets(S.READY) == (S.IN_DELIVERY, S.FINISHED, S.CANCELLED)
    assert allowed_targets(S.IN_DELIVERY) == (S.FINISHED, S.CANCELLED)
    for final in (S.FINISHED, S.CANCELLED, S.ERROR):
        assert allowed_targets(final) == ()
    assert next_in_flow(S.REGISTERED) is S.CONFIRMING
    assert next_in_flow(S.IN_DELIVERY) is S.FINISHED
    assert next_in_flow(S.FINISHED) is None


def test_error_is_set_by_intake_and_staff_cannot_leave_it(seeded: str, config: Config) -> None:
    failed = Order.get(Order.number == "601127e4-c1f882001c-63cc24-001")
    assert failed.status == S.ERROR
    for target in S:
        with pytest.raises(TransitionError):
            change_status(failed.number, target, config=config, reason="x")


def test_staff_cannot_set_error(seeded: str, config: Config) -> None:
    with pytest.raises(TransitionError):
        change_status(FIRST, S.ERROR, config=config)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_cancellation_needs_a_reason(seeded: str, config: Config, reason: str | None) -> None:
    with pytest.raises(TransitionError, match="motif"):
        change_status(FIRST, S.CANCELLED, config=config, reason=reason)
    assert Order.get(Order.number == FIRST).status == S.REGISTERED


def test_a_reason_longer_than_the_limit_is_refused_and_nothing_changes(
    seeded: str, config: Config
) -> None:
    """The reason goes into the customer's mail and SMS and onto the credit note."""
    from app.errors import ValidationError

    with pytest.raises(ValidationError, match=r"Motif trop long \(500 caractères au plus\)"):
        change_status(FIRST, S.CANCELLED, config=config, reason="x" * 501)
    assert Order.get(Order.number == FIRST).status == S.REGISTERED
    change_status(FIRST, S.CANCELLED, config=config, reason="x" * 500)


def test_cancellation_records_refund_reason_and_credit_note(seeded: str, config: Config) -> None:
    result = change_status(FIRST, S.CANCELLED, config=config, by="Léa", reason="Rupture de stock")
    order = result.order
    assert order.refund == Decimal("1.00") == order.total
    assert order.cancel_reason == "Rupture de stock"
    credit = Document.get((Document.order == order) & (Document.kind == "credit"))
    invoice = Document.get((Document.order == order) & (Document.kind == "invoice"))
    assert credit.refers_to_id == invoice.id
    assert credit.amount == Decimal("1.00")
    assert credit.number.startswith("A")
    # "mail to customer: no" for Annulée
    assert not [n for n in result.notifications if n.order_status == "cancelled"]


def test_every_change_is_in_the_history(seeded: str, config: Config) -> None:
    change_status(FIRST, S.CONFIRMING, config=config, by="Léa")
    change_status(FIRST, S.CANCELLED, config=config, by="Marc", reason="Client absent")
    rows = [
        (h.by, h.from_status, h.to_status, h.reason, h.kind)
        for h in history(Order.get(Order.number == FIRST))
    ]
    assert rows == [
        ("", None, "registered", None, "intake"),
        ("Léa", "registered", "confirming", None, "change"),
        ("Marc", "confirming", "cancelled", "Client absent", "change"),
    ]
    assert all(h.at is not None for h in history(Order.get(Order.number == FIRST)))


def test_stale_version_loses_with_a_plain_message(seeded: str, config: Config) -> None:
    order = Order.get(Order.number == FIRST)
    change_status(FIRST, S.CONFIRMING, config=config, expected_version=order.version)
    with pytest.raises(ConcurrentChangeError, match="modifiée entre-temps"):
        change_status(FIRST, S.PROCESSING, config=config, expected_version=order.version)
    assert Order.get(Order.number == FIRST).status == S.CONFIRMING


def test_two_connections_change_one_order_at_once_exactly_one_wins(
    seeded: str, config: Config
) -> None:
    version = Order.get(Order.number == FIRST).version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(target: S) -> None:
        barrier.wait()
        try:
            change_status(FIRST, target, config=config, expected_version=version, by=target.value)
            outcomes.append("won")
        except ConcurrentChangeError:
            outcomes.append("lost")
        finally:
            database.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in (S.CONFIRMING, S.PROCESSING)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["lost", "won"]
    order = Order.get(Order.number == FIRST)
    assert order.version == version + 1
    changes = StatusChange.select().where(
        (StatusChange.order == order) & (StatusChange.kind == "change")
    )
    assert [c.to_status for c in changes] == [order.status]


def test_unknown_order_is_a_clear_error(db: str, config: Config) -> None:
    with pytest.raises(NotFoundError, match="NOPE"):
        change_status("NOPE", S.READY, config=config)


def test_a_change_queues_the_customer_messages_after_the_grace_period(
    seeded: str, config: Config
) -> None:
    now = utcnow()
    result = change_status(FIRST, S.CONFIRMING, config=config, now=now)
    assert {(n.channel, n.recipient) for n in result.notifications} == {
        ("mail", "camille.martin@example.org"),
        ("sms", "+33612345678"),
    }
    assert all(n.due_at == now + timedelta(seconds=20) for n in result.notifications)
    assert all(
        n.state == N.PENDING and n.change_id == result.change.id for n in result.notifications
    )


def test_undo_within_the_grace_period_restores_and_withdraws(seeded: str, config: Config) -> None:
    now = utcnow()
    result = change_status(FIRST, S.CONFIRMING, config=config, now=now, by="Léa")
    undo = undo_change(result.change.id, config=config, by="Léa", now=now + timedelta(seconds=5))
    order = Order.get(Order.number == FIRST)
    assert order.status == S.REGISTERED
    assert (undo.from_status, undo.to_status, undo.kind) == ("confirming", "registered", "undo")
    states = {n.state for n in Notification.select().where(Notification.change == result.change.id)}
    assert states == {N.WITHDRAWN}
    assert StatusChange.get_by_id(result.change.id).undone


def test_a_change_in_the_grace_period_supersedes_the_previous_customer_messages(
    seeded: str, config: Config
) -> None:
    now = utcnow()
    first = change_status(FIRST, S.CONFIRMING, config=config, now=now)
    second = change_status(FIRST, S.FINISHED, config=config, now=now + timedelta(seconds=5))
    earlier = {n.channel: Notification.get_by_id(n.id) for n in first.notifications}
    later = {n.channel: n for n in second.notifications}
    for channel in ("mail", "sms"):
        assert earlier[channel].state == N.SUPERSEDED
        assert earlier[channel].superseded_by == later[channel].id
        assert later[channel].state == N.PENDING
    # Each message keeps the order as it was at its change.
    snapshots = {n.order_status: json.loads(n.snapshot)["status"] for n in Notification.select()}
    assert snapshots["confirming"] == "confirming" and snapshots["finished"] == "finished"
    # Undone, the later change gives the earlier messages back: the order is back there.
    undo_change(second.change.id, config=config, now=now + timedelta(seconds=6))
    assert {Notification.get_by_id(n.id).state for n in first.notifications} == {N.PENDING}
    assert {Notification.get_by_id(n.id).state for n in second.notifications} == {N.WITHDRAWN}


def test_a_message_past_its_grace_period_is_not_superseded(seeded: str, config: Config) -> None:
    now = utcnow()
    first = change_status(FIRST, S.CONFIRMING, config=config, now=now)
    change_status(FIRST, S.PROCESSING, config=config, now=now + timedelta(seconds=21))
    assert {Notification.get_by_id(n.id).state for n in first.notifications} == {N.PENDING}


def test_undo_is_refused_after_the_grace_period_or_once_sent(seeded: str, config: Config) -> None:
    now = utcnow()
    result = change_status(FIRST, S.CONFIRMING, config=config, now=now)
    assert not can_undo(result.change, config=config, now=now + timedelta(seconds=21))
    with pytest.raises(TransitionError):
        undo_change(result.change.id, config=config, now=now + timedelta(seconds=21))
    Notification.update(state=N.SENT).where(Notification.change == result.change.id).execute()
    with pytest.raises(TransitionError):
        undo_change(result.change.id, config=config, now=now + timedelta(seconds=1))
    assert Order.get(Order.number == FIRST).status == S.CONFIRMING


def test_undo_is_off_when_the_grace_period_is_zero(seeded: str) -> None:
    config = Config(undo_seconds=0)
    result = change_status(FIRST, S.CONFIRMING, config=config)
    assert not can_undo(result.change, config=config)
    assert all(n.due_at <= utcnow() for n in result.notifications)


def test_a_cancellation_cannot_be_undone(seeded: str, config: Config) -> None:
    result = change_status(FIRST, S.CANCELLED, config=config, reason="Client absent")
    assert not can_undo(result.change, config=config)
