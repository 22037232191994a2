"""Invoice numbers stay gap-free and unique under concurrent intakes (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from app.clock import utcnow
from app.config import Config
from app.intake.files import OrderDraft, import_drafts, parse_order, record_order
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from storage.db import write_transaction
from storage.models import Document, Order, database
from tests.factories import order_doc

PER_THREAD = 15


def _draft(number: str, placed_at: str = "2021-01-18T16:05:12+01:00") -> OrderDraft:
    return parse_order(order_doc(number=number, placed_at=placed_at))


def test_two_concurrent_intakes_give_gap_free_invoice_numbers(db: str, config: Config) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def intake(prefix: str) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                import_drafts([_draft(f"{prefix}-{i:03d}")], config=config)
        except BaseException as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=intake, args=(p,)) for p in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    invoices = list(Document.select().where(Document.kind == "invoice"))
    numbers = sorted(d.number for d in invoices)
    assert numbers == [f"F2021-{n:06d}" for n in range(1, 2 * PER_THREAD + 1)]
    # one invoice per order, each for the order's total
    assert len({d.order_id for d in invoices}) == 2 * PER_THREAD == Order.select().count()


def test_a_rolled_back_intake_leaves_no_gap(db: str, config: Config) -> None:
    import_drafts([_draft("R-1")], config=config)
    with pytest.raises(RuntimeError), write_transaction():
        record_order(_draft("R-2"), config=config, now=utcnow())
        raise RuntimeError("the rest of the file failed")
    import_drafts([_draft("R-3")], config=config)
    assert Order.get_or_none(Order.number == "R-2") is None
    numbers = sorted(d.number for d in Document.select())
    assert numbers == ["F2021-000001", "F2021-000002"]


def test_years_follow_the_local_date_and_credit_notes_their_own_sequence(
    db: str, config: Config
) -> None:
    # 31/12/2020 23:30 UTC is 01/01/2021 in Paris: the invoice belongs to 2021
    import_drafts([_draft("Y-1", "2020-12-31T23:30:00+00:00")], config=config)
    import_drafts([_draft("Y-0", "2020-12-30T10:00:00+01:00")], config=config)
    change_status("Y-1", OrderStatus.CANCELLED, config=config, reason="rupture")
    by_order = {d.order.number + d.kind: d for d in Document.select()}
    assert by_order["Y-1invoice"].number == "F2021-000001"
    assert by_order["Y-0invoice"].number == "F2020-000001"
    credit = by_order["Y-1credit"]
    assert credit.number.startswith("A") and credit.number.endswith("-000001")
    assert credit.refers_to_id == by_order["Y-1invoice"].id
