"""Group commit of the webhook's deliveries (SQLite and PostgreSQL): the deliveries waiting
for the database are written in one transaction, each still all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from app.clock import utcnow
from app.config import Config
from app.intake.files import OrderDraft, import_drafts, parse_order
from app.intake.webhook import Recorded, record_deliveries
from app.shop.profile import save_profile
from storage.db import open_database
from storage.models import Document, Notification, Order, WebhookDelivery, database
from tests.docs_fixtures import PROFILE
from tests.factories import order_doc


def _draft(number: str) -> OrderDraft:
    return parse_order(order_doc(number=number))


@pytest.fixture(autouse=True)
def seller(request: pytest.FixtureRequest) -> None:
    """A complete seller on the test's database: invoices are issued at intake."""
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        save_profile(**PROFILE)


def _invoices() -> list[str]:
    """The invoices' sequence numbers (their year is the issue date's)."""
    numbers = Document.select(Document.number).where(Document.kind == "invoice")
    return sorted(number[-6:] for (number,) in numbers.tuples())


def test_one_group_answers_each_delivery_as_alone(db: str, config: Config) -> None:
    outcomes = record_deliveries(
        [
            ("msg_1", [_draft("G-1")]),
            ("msg_2", [_draft("G-2"), _draft("G-3")]),
            ("msg_1", [_draft("G-1")]),  # the same webhook-id in the same group: known
            ("msg_3", [_draft("G-2")]),  # another id, its order already in the group: known
            ("msg_4", [_draft("G-4"), _draft("G-3")]),  # one new, one known
        ],
        config=config,
        now=utcnow(),
    )
    assert outcomes == [
        Recorded(imported=["G-1"]),
        Recorded(imported=["G-2", "G-3"]),
        None,
        Recorded(known=["G-2"]),
        Recorded(imported=["G-4"], known=["G-3"]),
    ]
    assert sorted(n for (n,) in Order.select(Order.number).tuples()) == [
        "G-1",
        "G-2",
        "G-3",
        "G-4",
    ]
    assert _invoices() == [f"{n:06d}" for n in range(1, 5)]
    # msg_3 wrote nothing, its row included: a retry of it is answered « déjà connue » again
    assert sorted(w.webhook_id for w in WebhookDelivery.select()) == ["msg_1", "msg_2", "msg_4"]


def test_a_delivery_that_fails_in_the_database_does_not_sink_its_group(
    db: str, config: Config
) -> None:
    # Below the cent: validation never lets it through, the money column refuses it.
    broken = dataclasses.replace(_draft("B-2"), total=Decimal("1.001"))
    outcomes = record_deliveries(
        [("msg_a", [_draft("B-1")]), ("msg_b", [broken]), ("msg_c", [_draft("B-3")])],
        config=config,
        now=utcnow(),
    )
    assert outcomes[0] == Recorded(imported=["B-1"])
    assert isinstance(outcomes[1], ValueError)
    assert outcomes[2] == Recorded(imported=["B-3"])
    assert sorted(n for (n,) in Order.select(Order.number).tuples()) == ["B-1", "B-3"]
    assert _invoices() == ["000001", "000002"]  # no gap where B-2 failed
    assert sorted(w.webhook_id for w in WebhookDelivery.select()) == ["msg_a", "msg_c"]


def _steps(action: Callable[[], object]) -> int:
    """SQLite's virtual-machine steps while `action` runs: what a query reads, whatever the
    machine's load (sqlite3's progress handler, called at each step)."""
    connection = database.connection()
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    connection.set_progress_handler(tick, 1)
    try:
        action()
    finally:
        connection.set_progress_handler(None, 1)
    return count[0]


def test_an_order_costs_the_same_however_many_messages_wait(sqlite_url: str) -> None:
    """The intake of one order must not read the messages of every other order still waiting
    (SQLite without statistics walked the whole state index for each order: the burst's
    orders slowed the intake down as they queued their mails)."""
    handle = open_database(sqlite_url)
    config = Config(undo_seconds=20)  # the customers' mails wait: thousands pending
    import_drafts([_draft("W-0")], config=config)
    alone = _steps(lambda: import_drafts([_draft("W-1")], config=config))
    import_drafts([_draft(f"P-{i}") for i in range(1500)], config=config)
    assert Notification.select().where(Notification.state == "pending").count() >= 1500
    crowded = _steps(lambda: import_drafts([_draft("W-2")], config=config))
    handle.close()
    assert crowded < 2 * alone, (alone, crowded)


def test_an_order_costs_the_same_however_many_orders_the_shop_has(sqlite_url: str) -> None:
    """The intake looks for invoices waiting for the profile only when one may wait: it
    must not read every order of the shop (24,957 steps at 1,500 orders, about 16 million
    at a million, before the mark of app/documents/issuing.py)."""
    handle = open_database(sqlite_url)
    save_profile(name=PROFILE["name"], address=PROFILE["address"], siret=PROFILE["siret"])
    config = Config(undo_seconds=0)
    import_drafts([_draft("S-0")], config=config)
    alone = _steps(lambda: import_drafts([_draft("S-1")], config=config))
    import_drafts([_draft(f"Q-{i}") for i in range(1500)], config=config)
    crowded = _steps(lambda: import_drafts([_draft("S-2")], config=config))
    assert Document.select().where(Document.kind == "invoice").count() == 1503
    handle.close()
    assert crowded < 2 * alone, (alone, crowded)


def test_orders_taken_without_a_seller_get_their_invoices_once_the_profile_is_complete(
    db_url: str, config: Config
) -> None:
    """The mark is set by an intake without a seller and cleared by the issuing that follows;
    a second complete intake issues nothing twice."""
    handle = open_database(db_url)  # no seller yet (the `db` fixture would save one)
    import_drafts([_draft("N-1"), _draft("N-2")], config=config)
    assert Document.select().count() == 0
    save_profile(name=PROFILE["name"], address=PROFILE["address"], siret=PROFILE["siret"])
    numbers = [d.number for d in Document.select().order_by(Document.id)]
    assert len(numbers) == 2 and numbers[0].startswith("F")
    import_drafts([_draft("N-3")], config=config)
    assert Document.select().where(Document.kind == "invoice").count() == 3
    handle.close()
