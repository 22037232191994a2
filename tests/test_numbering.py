"""Invoice numbers stay gap-free, unique and follow their issue dates under concurrent intakes
(SQLite and PostgreSQL); an invoice is issued the day its order reaches Comptoir."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from app.clock import utcnow
from app.config import Config
from app.documents.render import render_document_pdf
from app.intake.files import OrderDraft, import_drafts, parse_order, record_order
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from storage.db import write_transaction
from storage.models import Document, Order, database
from tests.docs_fixtures import PROFILE, pdf_text
from tests.factories import order_doc

PER_THREAD = 15


@pytest.fixture(autouse=True)
def seller(request: pytest.FixtureRequest) -> None:
    """A complete seller on the test's database: invoices are issued at intake."""
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        save_profile(**PROFILE)


def _draft(number: str, placed_at: str = "2021-01-18T16:05:12+01:00") -> OrderDraft:
    return parse_order(order_doc(number=number, placed_at=placed_at))


def _by_number(kind: str = "invoice") -> list[Document]:
    return sorted(Document.select().where(Document.kind == kind), key=lambda d: d.number)


def test_two_concurrent_intakes_give_gap_free_numbers_that_follow_their_dates(
    db: str, config: Config
) -> None:
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
    invoices = _by_number()
    year = utcnow().year
    assert [d.number for d in invoices] == [
        f"F{year}-{n:06d}" for n in range(1, 2 * PER_THREAD + 1)
    ]
    moments = [d.issued_at for d in invoices]
    assert moments == sorted(moments)  # numbers and issue moments never go backwards
    assert len({d.order_id for d in invoices}) == 2 * PER_THREAD == Order.select().count()


def test_a_late_clock_never_dates_a_number_before_the_previous_one(db: str, config: Config) -> None:
    import_drafts([_draft("C-1")], config=config, now=datetime(2021, 1, 6, 9))
    # another terminal whose clock is behind (or whose intake waited on the lock)
    import_drafts([_draft("C-2")], config=config, now=datetime(2021, 1, 5, 23))
    first, second = _by_number()
    assert (first.number, second.number) == ("F2021-000001", "F2021-000002")
    assert second.issued_at >= first.issued_at


def test_an_order_imported_late_gets_the_next_number_and_its_import_date(
    db: str, config: Config, tmp_path: Path
) -> None:
    import_drafts([_draft("L-2", "2021-01-02T10:00:00+01:00")], config=config,
                  now=datetime(2021, 1, 3, 9))  # fmt: skip
    import_drafts([_draft("L-1", "2020-12-30T10:00:00+01:00")], config=config,
                  now=datetime(2021, 1, 5, 9))  # fmt: skip
    by_order = {d.order.number: d for d in Document.select()}
    assert by_order["L-2"].number == "F2021-000001"
    assert by_order["L-1"].number == "F2021-000002"
    text = " ".join(pdf_text(render_document_pdf("F2021-000002"), tmp_path).split())
    assert "Date d'émission : 05/01/2021" in text and "Date de la vente : 30/12/2020" in text


def test_a_rolled_back_intake_leaves_no_gap(db: str, config: Config) -> None:
    now = datetime(2021, 1, 20, 9)
    import_drafts([_draft("R-1")], config=config, now=now)
    with pytest.raises(RuntimeError), write_transaction():
        record_order(_draft("R-2"), config=config, now=now)
        raise RuntimeError("the rest of the file failed")
    import_drafts([_draft("R-3")], config=config, now=now)
    assert Order.get_or_none(Order.number == "R-2") is None
    numbers = sorted(d.number for d in Document.select())
    assert numbers == ["F2021-000001", "F2021-000002"]


def test_years_follow_the_local_issue_date_and_credit_notes_their_own(
    db: str, config: Config
) -> None:
    # 31/12/2020 23:30 UTC is 01/01/2021 in Paris: issued then, the invoice belongs to 2021
    import_drafts([_draft("Y-0", "2020-12-30T10:00:00+01:00")], config=config,
                  now=datetime(2020, 12, 31, 22, 30))  # fmt: skip
    import_drafts([_draft("Y-1", "2020-12-31T23:00:00+00:00")], config=config,
                  now=datetime(2020, 12, 31, 23, 30))  # fmt: skip
    change_status("Y-0", OrderStatus.CANCELLED, config=config, reason="rupture",
                  now=datetime(2021, 2, 1, 9))  # fmt: skip
    by_order = {d.order.number + d.kind: d for d in Document.select()}
    assert by_order["Y-0invoice"].number == "F2020-000001"
    assert by_order["Y-1invoice"].number == "F2021-000001"
    credit = by_order["Y-0credit"]
    assert credit.number == "A2021-000001"  # the year it is issued in, not the invoice's
    assert credit.refers_to_id == by_order["Y-0invoice"].id
