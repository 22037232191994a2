"""`python -m bench.generate` fills a migrated database that Comptoir searches as its own."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import fn

from app.intake.files import fold
from app.money.amounts import from_cents
from bench.generate import generate
from storage import migrations, queries
from storage.db import is_sqlite, open_database
from storage.models import Order, OrderLine, database

TODAY = date(2026, 11, 26)


def _check(url: str, count: int) -> None:
    open_database(url)
    assert Order.select().count() == count
    # Every order has lines, and its total is its lines plus the delivery fee.
    goods = {
        order_id: int(cents)
        for order_id, cents in OrderLine.select(OrderLine.order, fn.SUM(OrderLine.total))
        .group_by(OrderLine.order)
        .tuples()
    }
    fees = 0
    for order in Order.select():
        assert order.total == from_cents(goods[order.id]) + order.shipping_fee
        assert order.number in order.search_text and order.customer_email in order.search_text
        fees += order.shipping_fee > 0
    assert 0 < fees < count
    # Spread over the five years up to today, more of them lately.
    placed = [p for (p,) in Order.select(Order.placed_at).tuples()]
    assert min(placed) >= datetime(2021, 11, 20) and max(placed) <= datetime(2026, 11, 27)
    last_year = sum(p >= datetime(2025, 11, 26) for p in placed)
    first_year = sum(p < datetime(2022, 11, 26) for p in placed)
    assert last_year > 2 * first_year > 0
    old = Order.select().where(Order.placed_at < datetime(2026, 11, 1))
    assert {o.status for o in old} <= {"finished", "cancelled", "error"}
    # The search finds an order by any part of its customer, products or number.
    some = Order.get_by_id(count // 2)
    product = fold(OrderLine.get(OrderLine.order == some).product)[:5]
    for word in (some.customer_email[:-12], some.number[9:19], some.number[-10:], product):
        assert some.number in [row.number for row in queries.list_orders(words=[word], limit=10**6)]
    assert queries.list_orders(words=["introuvable"]) == []
    assert migrations.schema_version(database.obj) == migrations.LATEST
    if is_sqlite(database.obj):
        # The trigram index finds exactly what reading every search text finds.
        handle, table = database.obj, migrations.SEARCH_TABLE
        handle.execute_sql(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        texts = [t for (t,) in Order.select(Order.search_text).tuples()]
        for text in texts[:: count // 25]:
            for start in (0, 9, 31, len(text) // 2, len(text) - 6):
                part = text[start : start + 5]
                indexed = handle.execute_sql(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid",
                    ('"' + part.replace('"', '""') + '"',),
                ).fetchall()
                scanned = Order.select(Order.id).where(Order.search_text.contains(part))
                assert [r[0] for r in indexed] == [o.id for o in scanned.order_by(Order.id)]
        assert not Path(f"{database.obj.database}-search").exists()  # the helper's file
    database.close()


def test_generated_orders_are_searchable_on_both_engines(db_url: str) -> None:
    generate(db_url, 300, today=TODAY, quiet=True)
    _check(db_url, 300)
    generate(db_url, 200, today=TODAY - timedelta(days=2), quiet=True)  # into a full database
    _check(db_url, 500)
    open_database(db_url)
    if is_sqlite(database.obj):
        # The trigram index's triggers follow a change.
        Order.update(search_text="zzqx").where(Order.id == 7).execute()
        assert [r.id for r in queries.list_orders(words=["zzqx"])] == [7]
        path = db_url[len("sqlite:///") :]
        database.close()
        names = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")}
        assert set(migrations.SEARCH_TRIGGER_NAMES) <= names
        assert not any(name.startswith("generate_") for name in names)  # no helper table left
    database.close()
