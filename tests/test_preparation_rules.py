"""The preparation day's rules on SQLite and PostgreSQL, with an injected clock: pick list,
ticks, notes, out-of-stock removals (partial credit note, undo), pickup reminders (timing,
opening hours, holidays, exactly once, withdrawn when collected), bulk batches and undo."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.config import Config
from app.errors import ComptoirError, TransitionError, ValidationError
from app.intake.files import import_drafts, parse_document
from app.messages.notifier import Notifier
from app.money.books import month_finances
from app.orders.rules import change_status, undo_change
from app.orders.statuses import OrderStatus as S
from app.preparation.bulk import apply_batch, preview_batch, undo_batch
from app.preparation.checklist import all_prepared, toggle_line
from app.preparation.notes import add_note
from app.preparation.picklist import PickQuery, as_csv, as_text, pick_list
from app.preparation.pickup import next_opening, pickup_board, reminder_due, send_reminder_now
from app.preparation.removal import remove_line, undo_removal
from app.preparation.timers import age_sentence, is_late, since
from storage.db import write_transaction
from storage.models import Document, Notification, Order, OrderEvent, OrderLine
from storage.queries import list_orders, numbers_starting
from tests.factories import order_doc
from tests.notifier_servers import SmtpServer

# Monday 18 January 2021, 10:00 in Paris (09:00 UTC): the clock of these tests.
T0 = datetime(2021, 1, 18, 9, 0)
LINES = [
    {
        "product": "Thé vert Sencha",
        "category": "Thé",
        "seller": "P",
        "unit_price": "4.50",
        "quantity": 3,
        "vat_rate": "5.50",
    },
    {
        "product": "Infusion verveine",
        "category": "Infusion",
        "seller": "P",
        "unit_price": "3.00",
        "quantity": 1,
        "vat_rate": "5.50",
    },
]


@pytest.fixture(autouse=True)
def seller(request: pytest.FixtureRequest) -> None:
    """A complete seller, so that each order gets its invoice (and a removal its credit
    note): no invoice is issued without one."""
    if "db" in request.fixturenames:
        from app.shop.profile import save_profile

        request.getfixturevalue("db")  # the database first
        save_profile(name="Épicerie", address="1 rue du Marché, 69001 Lyon", siret="73282932000074")


def _import(
    config: Config,
    number: str,
    *,
    lines: list[dict] | None = None,
    mode: str = "pickup",
    at: datetime = T0,
) -> Order:
    lines = lines if lines is not None else LINES
    total = sum(Decimal(ln["unit_price"]) * ln["quantity"] for ln in lines)
    doc = order_doc(
        number=number,
        placed_at="2021-01-18T09:30:00+01:00",
        lines=lines,
        total=f"{total:.2f}",
        fulfilment={"mode": mode, "details": "samedi 10h-12h", "shipping_fee": "0.00"},
    )
    import_drafts(parse_document([doc]), config=config, now=at)
    return Order.get(Order.number == number)


def test_the_pick_list_sums_products_over_the_orders_to_prepare_by_category(
    db: str, config: Config
) -> None:
    _import(config, "P-1")
    _import(config, "P-2", lines=[LINES[0]])
    _import(config, "P-3", lines=[LINES[0]])
    change_status("P-3", S.PROCESSING, config=config, now=T0)
    change_status("P-3", S.READY, config=config, now=T0)  # ready: nothing left to pick
    picks = pick_list(PickQuery(first=date(2021, 1, 18)), config=config)
    assert picks.order_count == 2
    assert [c for c, _p in picks.categories] == ["Infusion", "Thé"]
    tea = picks.categories[1][1][0]
    assert (tea.product, tea.quantity) == ("Thé vert Sencha", 6)
    assert [(o.number, o.quantity, o.slot) for o in tea.orders] == [
        ("P-1", 3, "samedi 10h-12h"),
        ("P-2", 3, "samedi 10h-12h"),
    ]
    assert "6 × Thé vert Sencha" in as_text(picks)
    assert "Thé;Thé vert Sencha;6;P-1;3;Retrait;samedi 10h-12h;non" in as_csv(picks)
    # The selected orders only; and another day has nothing.
    chosen = pick_list(PickQuery(numbers=("P-2",)), config=config)
    assert [(p.product, p.quantity) for p in chosen.products] == [("Thé vert Sencha", 3)]
    assert pick_list(PickQuery(first=date(2021, 1, 19)), config=config).order_count == 0
    # The statuses are the configuration's.
    only_ready = replace(config, picklist_statuses=(S.READY,))
    assert pick_list(PickQuery(first=date(2021, 1, 18)), config=only_ready).order_count == 1


def test_ticking_lines_records_who_and_when_and_leaves_the_version(db: str, config: Config) -> None:
    order = _import(config, "P-1")
    line = toggle_line("P-1", 1, by="Léa", now=T0)
    assert (line.prepared_by, line.prepared_at) == ("Léa", T0)
    assert not all_prepared("P-1")
    toggle_line("P-1", 2, by="Léa", now=T0)
    assert all_prepared("P-1")
    fresh = Order.get_by_id(order.id)
    assert fresh.version == order.version and fresh.updated_at == T0
    toggle_line("P-1", 2, by="Max", now=T0 + timedelta(minutes=1))
    assert not all_prepared("P-1")
    kinds = [(e.kind, e.by) for e in OrderEvent.select().order_by(OrderEvent.id)]
    assert kinds == [("prepared", "Léa"), ("prepared", "Léa"), ("unprepared", "Max")]
    change_status("P-1", S.PROCESSING, config=config)
    change_status("P-1", S.READY, config=config)
    with pytest.raises(TransitionError):
        toggle_line("P-1", 1, by="Léa")


def test_a_note_is_in_the_history_found_by_search_and_never_mailed(db: str, config: Config) -> None:
    _import(config, "P-1")
    before = Notification.select().count()
    with pytest.raises(ValidationError, match="caractère de contrôle refusé"):
        add_note("P-1", "Client passe après 18h\x1b[31m", by="Léa", now=T0)
    add_note("P-1", "Client passe après 18h,\n\temballage cadeau", by="Léa", now=T0)
    event = OrderEvent.get(OrderEvent.kind == "note")
    assert event.text == "Client passe après 18h, emballage cadeau"
    assert Notification.select().count() == before
    assert [r.number for r in list_orders(words=("emballage",))] == ["P-1"]
    with pytest.raises(ComptoirError):
        add_note("P-1", "  \n ", by="Léa")


def test_g_finds_orders_by_the_start_of_their_number(db: str, config: Config) -> None:
    for number in ("AB-1", "AB-2", "AC-1"):
        _import(config, number, lines=[LINES[1]])
    assert numbers_starting("AB") == ["AB-1", "AB-2"]
    assert numbers_starting("AC") == ["AC-1"]
    assert numbers_starting("AB-1") == ["AB-1"]
    assert numbers_starting("Z") == []


def test_removing_part_of_a_line_refunds_it_with_a_partial_credit_note(
    db: str, config: Config
) -> None:
    order = _import(config, "P-1")
    assert order.total == Decimal("16.50")
    result = remove_line(
        "P-1", "thé vert", quantity=2, reason="Rupture de stock", config=config, by="Léa", now=T0
    )
    assert (result.quantity, result.amount, result.cancelled) == (2, Decimal("9.00"), False)
    fresh = Order.get_by_id(order.id)
    assert (fresh.total, fresh.refund, fresh.version) == (Decimal("7.50"), Decimal("9.00"), 2)
    line = OrderLine.get((OrderLine.order == order) & (OrderLine.position == 1))
    assert (line.quantity, line.total) == (1, Decimal("4.50"))
    credit = Document.get(Document.kind == "credit")
    assert (credit.number, credit.amount) == (result.credit_number, Decimal("9.00"))
    assert credit.number.startswith("A2021-")
    notes = list(Notification.select().where(Notification.template == "line_removed"))
    assert {n.channel for n in notes} == {"mail", "sms"}
    assert all(n.due_at == T0 + timedelta(seconds=config.undo_seconds) for n in notes)
    # Fees and payout follow the amount kept (Finances).
    row = next(r for r in month_finances(2021, 1, config=config).rows if r.order_number == "P-1")
    assert (row.gross, row.fees, row.net, row.refund) == (
        Decimal("7.50"),
        Decimal("0.47"),
        Decimal("7.03"),
        Decimal("9.00"),
    )
    with pytest.raises(TransitionError):
        remove_line("P-1", 1, quantity=5, reason="x", config=config)
    with pytest.raises(TransitionError):
        remove_line("P-1", 1, reason="  ", config=config)
    with pytest.raises(ComptoirError, match="Motif trop long"):
        remove_line("P-1", 1, reason="x" * 501, config=config)


def test_a_removal_is_undone_within_the_grace_period_only(db: str, config: Config) -> None:
    order = _import(config, "P-1")
    remove_line("P-1", 2, reason="Rupture", config=config, now=T0)
    assert OrderLine.select().where(OrderLine.order == order).count() == 1
    undo_removal("P-1", config=config, now=T0 + timedelta(seconds=5))
    fresh = Order.get_by_id(order.id)
    assert (fresh.total, fresh.refund) == (Decimal("16.50"), Decimal("0.00"))
    assert [
        ln.product
        for ln in OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position)
    ] == ["Thé vert Sencha", "Infusion verveine"]
    states = {n.state for n in Notification.select().where(Notification.template == "line_removed")}
    assert states == {"withdrawn"}
    # The credit note stays; a rectifying invoice of the same amount refers to it.
    credit = Document.get(Document.kind == "credit")
    rectifying = Document.get(Document.refers_to == credit)
    assert (rectifying.kind, rectifying.amount) == ("invoice", Decimal("3.00"))
    remove_line("P-1", 2, reason="Rupture", config=config, now=T0)
    with pytest.raises(TransitionError):
        undo_removal("P-1", config=config, now=T0 + timedelta(seconds=config.undo_seconds))


def test_removing_the_last_line_cancels_the_order(db: str, config: Config) -> None:
    order = _import(config, "P-1", lines=[LINES[0]])
    remove_line("P-1", 1, quantity=1, reason="Rupture", config=config, now=T0)
    result = remove_line("P-1", 1, reason="Rupture", config=config, now=T0)
    assert result.cancelled
    fresh = Order.get_by_id(order.id)
    assert fresh.status == "cancelled"
    assert fresh.refund == Decimal("13.50")  # the partial refund, then what was kept
    credits = [
        d.amount for d in Document.select().where(Document.kind == "credit").order_by(Document.id)
    ]
    assert credits == [Decimal("4.50"), Decimal("9.00")]


def test_status_age_and_late_orders(db: str, config: Config) -> None:
    order = _import(config, "P-1")
    assert since(order) == T0
    assert not is_late("registered", T0, T0 + timedelta(minutes=15), config.timers)
    assert is_late("registered", T0, T0 + timedelta(minutes=16), config.timers)
    change_status("P-1", S.PROCESSING, config=config, now=T0 + timedelta(hours=1))
    fresh = Order.get_by_id(order.id)
    assert fresh.status_at == T0 + timedelta(hours=1)
    assert (
        age_sentence(
            "processing", fresh.status_at, T0 + timedelta(hours=3, minutes=5), config.timers
        )
        == "2 h 05 dans ce statut (objectif 4 h 00)"
    )
    late = {"processing": T0}  # entered before T0: late
    assert list_orders(late_before=late) == []
    assert [r.number for r in list_orders(late_before={"processing": T0 + timedelta(hours=2)})] == [
        "P-1"
    ]


def test_opening_hours_and_holidays_decide_when_a_reminder_goes(config: Config) -> None:
    # Thursday 31 December 2020, 18:30 Paris: still open.
    assert next_opening(datetime(2020, 12, 31, 17, 30), config) == datetime(2020, 12, 31, 17, 30)
    # 19:30 Paris: closed; 1 January is a holiday: Saturday 2 January at 9:00 Paris.
    assert next_opening(datetime(2020, 12, 31, 18, 30), config) == datetime(2021, 1, 2, 8, 0)
    # Sunday: closed, Monday 9:00.
    assert next_opening(datetime(2021, 1, 17, 12, 0), config) == datetime(2021, 1, 18, 8, 0)
    # Ready on Wednesday 30 December 2020 at 20:00 Paris: 2 days later is 1 January 20:00, a
    # holiday → Saturday 2 January 9:00; ready on Thursday at 20:00 → Saturday 20:00, closed,
    # Sunday closed → Monday 4 January 9:00.
    assert reminder_due(datetime(2020, 12, 30, 19, 0), config) == datetime(2021, 1, 2, 8, 0)
    assert reminder_due(datetime(2020, 12, 31, 19, 0), config) == datetime(2021, 1, 4, 8, 0)
    evening = replace(config, opening_hours={0: (time(14), time(20))})
    assert next_opening(datetime(2021, 1, 18, 8, 0), evening) == datetime(2021, 1, 18, 13, 0)


def test_a_pickup_reminder_is_queued_once_and_withdrawn_when_collected(
    db: str, config: Config
) -> None:
    _import(config, "P-1")
    _import(config, "D-1", mode="delivery")
    for number in ("P-1", "D-1"):
        change_status(number, S.PROCESSING, config=config, now=T0)
        change_status(number, S.READY, config=config, now=T0)
    reminders = list(Notification.select().where(Notification.template == "pickup_reminder"))
    assert [(n.order.number, n.channel) for n in reminders] == [("P-1", "mail"), ("P-1", "sms")]
    # Ready Monday 10:00 Paris: Wednesday 10:00 Paris, inside the hours.
    assert {n.due_at for n in reminders} == {T0 + timedelta(days=2)}
    board = pickup_board(config=config, now=T0 + timedelta(days=8))
    assert [(r.number, r.reminders_waiting, r.overdue) for r in board] == [("P-1", 2, True)]
    assert not pickup_board(config=config, now=T0 + timedelta(days=1))[0].overdue
    sent = send_reminder_now("P-1", config=config, now=T0 + timedelta(days=1))
    assert {n.due_at for n in sent} == {T0 + timedelta(days=1)}
    with pytest.raises(TransitionError):
        send_reminder_now("D-1", config=config)
    change_status("P-1", S.IN_DELIVERY, config=config, now=T0 + timedelta(days=1, hours=1))
    states = [
        n.state for n in Notification.select().where(Notification.template == "pickup_reminder")
    ]
    assert states == ["withdrawn"] * 4
    assert pickup_board(config=config) == []


def _reminders() -> list[tuple[str, datetime]]:
    rows = Notification.select().where(Notification.template == "pickup_reminder")
    return [(n.state, n.due_at) for n in rows.order_by(Notification.id)]


def test_undoing_a_move_out_of_ready_puts_its_reminders_back(db: str, config: Config) -> None:
    _import(config, "P-1")
    change_status("P-1", S.PROCESSING, config=config, now=T0)
    change_status("P-1", S.READY, config=config, now=T0)
    send_reminder_now("P-1", config=config, now=T0 + timedelta(minutes=30))
    with write_transaction():  # the manual reminder went; the automatic ones wait
        Notification.update(state="sent").where(
            Notification.due_at < T0 + timedelta(days=1)
        ).execute()
    collected = change_status("P-1", S.IN_DELIVERY, config=config, now=T0 + timedelta(hours=1))
    assert [state for state, _due in _reminders()] == ["withdrawn", "withdrawn", "sent", "sent"]
    undo_change(collected.change.id, config=config, now=T0 + timedelta(hours=1, seconds=5))
    wednesday = T0 + timedelta(days=2)
    assert _reminders()[:2] == [("pending", wednesday), ("pending", wednesday)]
    assert [state for state, _due in _reminders()[2:]] == ["sent", "sent"]
    assert pickup_board(config=config, now=T0 + timedelta(days=1))[0].reminders_waiting == 2
    # Collected again: withdrawn again, and a later undo of another change restores nothing.
    change_status("P-1", S.IN_DELIVERY, config=config, now=T0 + timedelta(hours=2))
    assert [state for state, _due in _reminders()[:2]] == ["withdrawn", "withdrawn"]


def _ready_with_mail(server: SmtpServer) -> Config:
    """P-1 ready for pickup at T0, its mails going to `server` with no grace period."""
    config = Config(
        undo_seconds=0,
        mail_from="boutique@example.org",
        smtp_url=server.url,
        sms_enabled=False,
        notify_retry_seconds=0.01,
    )
    _import(config, "P-1")
    change_status("P-1", S.PROCESSING, config=config, now=T0)
    change_status("P-1", S.READY, config=config, now=T0)
    return config


async def test_a_reminder_found_due_after_closing_waits_for_the_next_opening(db: str) -> None:
    with SmtpServer() as server:
        config = _ready_with_mail(server)
        assert _reminders() == [("pending", T0 + timedelta(days=2))]  # Wednesday 10:00 Paris
        # The notifier was down from before Wednesday 10:00 until 20:00 Paris, after closing.
        evening = T0 + timedelta(days=2, hours=10)
        await Notifier(config, "test-notifier", clock=lambda: evening).drain(retry_wait=5)
        sent = len(server.recorder.received)
        thursday = datetime(2021, 1, 21, 8, 0)  # 9:00 Paris, the next opening
        assert _reminders() == [("pending", thursday)]
        morning = thursday + timedelta(minutes=30)
        result = await Notifier(config, "test-notifier", clock=lambda: morning).drain(retry_wait=5)
        assert result.sent == 1 and len(server.recorder.received) == sent + 1
        assert _reminders() == [("sent", thursday)]


def test_a_bulk_change_changes_each_order_alone_and_is_undone_whole(
    db: str, config: Config
) -> None:
    for number in ("B-1", "B-2", "B-3"):
        _import(config, number, lines=[LINES[1]], mode="delivery")
    change_status("B-3", S.FINISHED, config=config, now=T0)
    preview = preview_batch(["B-1", "B-2", "B-3", "NOPE"], S.CONFIRMING, config=config)
    assert preview.changing == ("B-1", "B-2")
    assert [n for n, _why in preview.refused] == ["B-3", "NOPE"]
    assert (preview.mails, preview.texts) == (2, 2)
    batch = apply_batch(["B-1", "B-2", "B-3"], S.CONFIRMING, config=config, by="Léa", now=T0)
    assert [n for n, _id in batch.changed] == ["B-1", "B-2"]
    assert [n for n, _why in batch.refused] == ["B-3"]
    assert batch.messages == 4
    assert {o.status for o in Order.select().where(Order.number.in_(["B-1", "B-2"]))} == {
        "confirming"
    }
    undone, failed = undo_batch(batch, config=config, now=T0 + timedelta(seconds=5))
    assert (undone, failed) == (2, [])
    assert {o.status for o in Order.select().where(Order.number.in_(["B-1", "B-2"]))} == {
        "registered"
    }
    # To « Commande prête »: the pickup orders' reminders are owed too, and said.
    for number in ("R-1", "R-2"):
        _import(config, number, lines=[LINES[1]])
        change_status(number, S.PROCESSING, config=config, now=T0)
    ready = preview_batch(["R-1", "R-2", "B-1"], S.READY, config=config)
    assert ready.changing == ("R-1", "R-2") and ready.reminders == 4  # mail and SMS each
    assert "Et 4 relance(s) de retrait programmée(s)" in ready.sentence()
    done = apply_batch(["R-1", "R-2"], S.READY, config=config, now=T0)
    queued = Notification.select().where(
        (Notification.template == "pickup_reminder") & (Notification.state == "pending")
    )
    assert queued.count() == ready.reminders and done.messages == ready.mails + ready.texts + 4
    late = apply_batch(["B-1"], S.CONFIRMING, config=config, now=T0)
    undone, failed = undo_batch(late, config=config, now=T0 + timedelta(seconds=30))
    assert undone == 0 and len(failed) == 1


def test_a_v3_database_migrates_to_the_preparation_schema(tmp_path: Path) -> None:
    import sqlite3

    from storage import migrations
    from storage.db import open_database
    from storage.models import database

    url = f"sqlite:///{tmp_path / 'v3.sqlite3'}"
    open_database(url)
    database.close()
    raw = sqlite3.connect(tmp_path / "v3.sqlite3")
    raw.execute("DROP TABLE order_event")
    for table, column in (
        ("orders", "status_at"),
        ("order_line", "prepared_at"),
        ("order_line", "prepared_by"),
        ("notification", "detail"),
    ):
        raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    handle = open_database(url)
    assert migrations.schema_version(handle) == migrations.LATEST
    assert OrderEvent.select().count() == 0
    handle.close()


async def test_two_notifiers_send_a_due_reminder_exactly_once(db: str) -> None:
    with SmtpServer() as server:
        config = _ready_with_mail(server)
        before = len(server.recorder.received)  # the « ready » mail, due at once
        wednesday = T0 + timedelta(days=2, minutes=1)  # 10:01 Paris: due, shop open
        first = Notifier(config, "counter", clock=lambda: wednesday)
        second = Notifier(config, "back-office", clock=lambda: wednesday)
        results = await asyncio.gather(first.drain(retry_wait=5), second.drain(retry_wait=5))
        assert _reminders() == [("sent", T0 + timedelta(days=2))]
        # Every mail owed (the status mails, then the reminder) arrived once between the two:
        # as many mails as rows sent, no Message-ID twice.
        arrived = server.recorder.received[before:]
        sent = Notification.select().where(Notification.state == "sent").count()
        assert len(arrived) == sum(r.sent for r in results) == sent
        assert len({str(m["Message-ID"]) for m in arrived}) == len(arrived)
        assert sum("P-1" in str(m["Subject"]) for m in arrived) == len(arrived)
        sent_reminders = Notification.select().where(
            (Notification.template == "pickup_reminder") & (Notification.state == "sent")
        )
        assert sent_reminders.count() == 1 and sent_reminders.get().attempts == 1
        # A later drain by either finds nothing more to send.
        again = await Notifier(config, "counter", clock=lambda: wednesday).drain(retry_wait=5)
        assert again.sent == 0


def test_a_removal_credit_note_keeps_its_number_and_record(db: str, config: Config) -> None:
    from app.documents.render import document_html
    from app.shop.profile import save_profile

    _import(config, "P-1")
    invoice = Document.get(Document.kind == "invoice")
    result = remove_line("P-1", 2, reason="Rupture", config=config, by="Léa", now=T0)
    credit = Document.get(Document.number == result.credit_number)
    assert credit.kind == "credit" and credit.refers_to_id == invoice.id
    assert credit.number != invoice.number and credit.number.startswith("A2021-")
    record, page = credit.record, document_html(credit)
    assert "Infusion verveine" in page and "Thé vert Sencha" not in page
    # The shop's name, its address and the order's lines change afterwards: the credit
    # note issued reads the same, from its own record.
    save_profile(name="Autre Nom SAS", address="2 quai Saint-Antoine, 69002 Lyon")
    with write_transaction():
        OrderLine.update(product="Thé renommé").execute()
    later = Document.get_by_id(credit.id)
    assert (later.number, later.amount, later.record) == (credit.number, Decimal("3.00"), record)
    assert document_html(later) == page
    # A second removal gets the next number of the series; the first is untouched.
    other = remove_line("P-1", 1, quantity=1, reason="Rupture", config=config, now=T0)
    assert other.credit_number != credit.number
    assert Document.get_by_id(credit.id).record == record
