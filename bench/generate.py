"""Generate N realistic orders for the benchmarks: `python -m bench.generate --orders N --db URL`.

Orders are spread over the five years up to today (more recent years busier), with their
lines and search text, statuses by age (old ones finished, a few cancelled or in error).
Rows go straight through the DB-API in big transactions (SQLite: executemany with the
journal off; PostgreSQL: COPY); each batch's lines are copied in SQL from a temporary table
of ready-made baskets; the secondary indexes are rebuilt once at the end. On SQLite the
trigram search index of a new database, the longest part of the work, is built meanwhile
by a helper process in a file of its own and copied in at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from math import sqrt
from typing import Any

from app.config import Config
from app.intake.files import fold
from app.tui.demo import (
    FIRST_NAMES,
    LAST_NAMES,
    POSTCODES,
    PRODUCTS,
    SELLERS,
    SHOP_ID,
    SLOTS,
    STREETS,
)
from storage.db import is_sqlite, open_database
from storage.migrations import SEARCH_TABLE, SEARCH_TABLE_SQL, rebuild_search, search_triggers
from storage.models import Order, OrderLine, database

YEARS = 5
BATCH = 50_000
SEED = 7
BASKETS = 4096
# An order's basket is (id % BASKETS) * SPREAD % BASKETS: SPREAD being odd, every run of BASKETS
# consecutive orders takes each basket once, in a shuffled order. Python (for the total) and
# SQL (for the lines) compute it alike.
SPREAD = 40_503
ORDER_COLUMNS = (
    "id", "number", "placed_at", "placed_day", "customer_name", "customer_email",
    "customer_address", "customer_mobile", "fulfilment_mode", "fulfilment_details",
    "shipping_fee", "total", "status", "payment", "version", "refund", "cancel_reason",
    "search_text", "created_at", "updated_at",
)  # fmt: skip
SEARCH_TEXT = ORDER_COLUMNS.index("search_text")
LINE_COLUMNS = (
    "order_id", "position", "product", "category", "seller", "unit_price", "quantity",
    "vat_rate", "total",
)  # fmt: skip
SHADOW_TABLES = ("data", "idx", "docsize", "config")  # of the FTS5 table SEARCH_TABLE
BASKET_TABLE = "generate_basket"  # a temporary table of the baskets' lines
RECENT = ("registered", "confirming", "processing", "ready", "in_delivery", "finished")


def _customers(rng: random.Random, count: int) -> list[tuple[str, str, str, str | None, str]]:
    people = []
    folds = {name: fold(name) for name in (*FIRST_NAMES, *LAST_NAMES)}  # fold() is slow
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{folds[first]}.{folds[last]}{i}@example.org".replace(" ", "")
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(POSTCODES)} Lyon"
        mobile = f"+3361{rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.7 else None
        folded = f"{folds[first]} {folds[last]} {email} {mobile or ''}"
        people.append((f"{first} {last}", email, address, mobile, folded))
    return people


def _baskets(seed: int) -> list[tuple[int, list[tuple[Any, ...]], str]]:
    """Ready-made baskets: (goods in cents, lines (basket, position, …), folded products)."""
    rng = random.Random(seed * 31 + 2)
    baskets = []
    for basket in range(BASKETS):
        goods, lines, text = 0, [], []
        for position, (product, category, price, rate) in enumerate(
            rng.sample(PRODUCTS, rng.choice((1, 1, 2, 2, 3, 4))), 1
        ):
            cents, quantity = round(float(price) * 100), rng.choice((1, 1, 1, 2, 3))
            goods += cents * quantity
            lines.append(
                (basket, position, product, category, rng.choice(SELLERS), cents, quantity,
                 rate, cents * quantity)
            )  # fmt: skip
            text.append(fold(product))
        baskets.append((goods, lines, " ".join(text)))
    return baskets


def _offsets(config: Config, start: datetime, end: datetime) -> list[int]:
    """UTC offsets of the shop's timezone for each hour from `start` (on the hour) to `end`."""
    tz = config.tz

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds())  # type: ignore[union-attr]

    offsets: list[int] = []
    day = start
    while day <= end + timedelta(days=1):
        first = offset(day)
        if offset(day + timedelta(hours=23)) == first:  # no change of time that day
            offsets += [first] * 24
        else:
            offsets += [offset(day + timedelta(hours=hour)) for hour in range(24)]
        day += timedelta(days=1)
    return offsets


_CONTEXT: dict[tuple[Any, ...], Any] = {}


def _window(today: date) -> tuple[datetime, datetime]:
    end = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=20)
    return end - timedelta(days=365 * YEARS), end


def _context(timezone: str, today: date, seed: int, count: int) -> Any:
    """Customers, baskets, offsets and date texts: the same in every process for one run."""
    key = (timezone, today, seed, count)
    if key not in _CONTEXT:
        start, end = _window(today)
        first_day = int(start.timestamp()) // 86400 - 1
        days = [
            date.fromordinal(719163 + day).isoformat()
            for day in range(first_day, int(end.timestamp()) // 86400 + 2)
        ]
        clock = [
            f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]
        _CONTEXT.clear()
        _CONTEXT[key] = (
            _customers(random.Random(seed), max(100, count // 20)),
            [(goods, text) for goods, _lines, text in _baskets(seed)],
            _offsets(Config(timezone=timezone), start, end),
            first_day,
            days,
            clock,
            int(start.timestamp()),
            int((end - start).total_seconds()),
        )
    return _CONTEXT[key]


def _batch(job: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The order rows from the `first`-th to the `first + size`-th of `count`, oldest first.

    Orders are placed at `start + span * sqrt(u)` (busier lately), u drawn within each
    order's own 1/count of [0, 1) so that they come out sorted.
    """
    timezone, today, seed, count, number, first, size, first_id = job
    people, baskets, offsets, first_day, days, clock, start, span = _context(
        timezone, today, seed, count
    )
    rng = random.Random(seed * 1_000_003 + number)
    slots = [f"Retrait en boutique, {slot}" for slot in SLOTS]
    today_stamp = start + span
    orders: list[tuple[Any, ...]] = []
    append = orders.append
    random_ = rng.random
    n_people, n_slots, n_recent = len(people), len(slots), len(RECENT)
    for rank in range(first, first + size):
        stamp = start + int(span * sqrt((rank + random_()) / count))
        order_id = first_id + rank
        name, email, address, mobile, folded = people[int(random_() * n_people)]
        order_number = f"{stamp:08x}-{SHOP_ID}-{order_id:06x}-001"
        goods, basket_text = baskets[(order_id % BASKETS) * SPREAD % BASKETS]
        delivery = random_() < 0.45
        fee = 490 if delivery and goods < 6000 else 0
        roll = random_()
        if roll < 0.002:
            status, payment = "error", "failed"
        elif roll < 0.05:
            status, payment = "cancelled", "ok"
        elif today_stamp - stamp >= 7 * 86400:
            status, payment = "finished", "ok"
        else:
            status, payment = RECENT[int(random_() * n_recent)], "ok"
        placed_text = days[stamp // 86400 - first_day] + clock[stamp % 86400]
        offset = offsets[(stamp - start) // 3600]
        day = days[(stamp + offset) // 86400 - first_day]
        total = goods + fee
        append(
            (
                order_id, order_number, placed_text, day, name, email, address, mobile,
                "delivery" if delivery else "pickup",
                address if delivery else slots[int(random_() * n_slots)],
                fee, total, status, payment, 1,
                total if status == "cancelled" else 0,
                "Demande du client" if status == "cancelled" else None,
                f"{order_number} {folded} {basket_text}", placed_text, placed_text,
            )
        )  # fmt: skip
    return orders


def rows(
    count: int, *, config: Config, first_id: int, today: date, seed: int = SEED
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of order rows, oldest first; their lines come from `BASKET_TABLE`.

    Made here: handing a batch over from another process (pickling it) costs as much as
    making it.
    """
    for n, start in enumerate(range(0, count, BATCH)):
        yield _batch(
            (config.timezone, today, seed, count, n, start, min(BATCH, count - start), first_id)
        )


_INDEX: list[sqlite3.Connection] = []


def _index_open(path: str) -> None:
    """In the search helper: a database of its own holding only the trigram table."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -100000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(SEARCH_TABLE_SQL)
    # Hardly any merging along the way (a segment is written each MB of text): one 'optimize'
    # at the end merges them all at once. For 1,000,000 orders: 31.5 s of CPU, against 48.5 s
    # with crisismerge at its default (16) and more with automerge on.
    for setting, value in (("automerge", 0), ("crisismerge", 1000)):
        connection.execute(
            f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rank) VALUES ('{setting}', {value})"
        )
    _INDEX.append(connection)


def _index_add(texts: list[tuple[int, str]]) -> None:
    connection = _INDEX[0]
    connection.execute("BEGIN")
    connection.executemany(f"INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (?, ?)", texts)
    connection.execute("COMMIT")


def _index_close() -> None:
    connection = _INDEX.pop()
    connection.execute(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')")
    connection.close()


class _SearchAside:
    """The trigram index of a new orders table, built by a helper process in a file of its
    own while the orders are written, then copied in (its shadow tables) at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._remove()
        self.pool = ProcessPoolExecutor(max_workers=1)  # one process: its jobs run in turn
        self.pending: deque[Future[Any]] = deque([self.pool.submit(_index_open, path)])

    def add(self, orders: list[tuple[Any, ...]]) -> None:
        texts = [(row[0], row[SEARCH_TEXT]) for row in orders]
        self.pending.append(self.pool.submit(_index_add, texts))
        while len(self.pending) > 4:  # a few batches ahead, not every search text in memory
            self.pending.popleft().result()

    def wait(self) -> None:
        self.pending.append(self.pool.submit(_index_close))
        while self.pending:
            self.pending.popleft().result()
        self.pool.shutdown()

    def copy_into(self, db: Any) -> None:
        # A fresh connection: this one may have cached the (empty) index's structure.
        db.close()
        db.connect()
        _relax(db)
        db.execute_sql("ATTACH DATABASE ? AS generate_search", (self.path,))
        with db.atomic():
            for shadow in SHADOW_TABLES[:-1]:  # not its settings: the helper's are its own
                table = f"{SEARCH_TABLE}_{shadow}"
                db.execute_sql(f"DELETE FROM main.{table}")
                db.execute_sql(f"INSERT INTO main.{table} SELECT * FROM generate_search.{table}")
        db.execute_sql("DETACH DATABASE generate_search")
        self._remove()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        self._remove()

    def _remove(self) -> None:
        for suffix in ("", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path + suffix)


def _secondary_indexes(db: Any) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the orders' and lines' non-unique indexes."""
    found = []
    for model in (Order, OrderLine):
        for index in db.get_indexes(model._meta.table_name):
            if (
                index.sql
                and not index.name.startswith("sqlite_autoindex")
                and not index.name.endswith("_pkey")
            ):
                found.append((index.name, index.sql))
    return found


def generate(url: str, count: int, *, today: date | None = None, quiet: bool = False) -> float:
    """Add `count` orders to the database at `url`; the seconds it took."""
    config = Config(database_url=url)
    started = time.perf_counter()

    def progress(text: str, end: str = "\n") -> None:
        if not quiet:
            print(text, end=end, file=sys.stderr, flush=True)

    db = open_database(url, timezone=config.timezone)
    today = today or datetime.now(config.tz).date()
    first_id = (Order.select(Order.id).order_by(Order.id.desc()).scalar() or 0) + 1
    indexes = _secondary_indexes(db)
    sqlite = is_sqlite(db)
    if sqlite:
        _relax(db)
    for name, _sql in indexes:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    search_triggers(db, on=False)  # the trigram index is built aside, or rebuilt at the end
    aside = None
    if sqlite and first_id == 1 and db.database != ":memory:":
        aside = _SearchAside(f"{db.database}-search")
    connection = db.connection()
    _basket_table(db, connection.cursor(), sqlite)
    written = 0
    try:
        for orders in rows(count, config=config, first_id=first_id, today=today):
            if aside:
                aside.add(orders)
            with db.atomic():
                cursor = connection.cursor()
                if sqlite:
                    cursor.executemany(_insert("orders", ORDER_COLUMNS, "?"), orders)
                else:
                    _copy(cursor, "orders", ORDER_COLUMNS, orders)
                cursor.execute(_lines_sql(orders[0][0], orders[-1][0]))
            written += len(orders)
            progress(f"\r{written:,} orders", end="")
        progress(f" written in {time.perf_counter() - started:.1f} s")
        db.execute_sql(f"DROP TABLE {BASKET_TABLE}")
        for _name, sql in indexes:
            db.execute_sql(sql)
        if not sqlite:
            db.execute_sql(
                "SELECT setval(pg_get_serial_sequence('orders', 'id'), "
                "(SELECT max(id) FROM orders))"
            )
        db.execute_sql("ANALYZE")  # while the search index is still being built aside
        progress(f"indexes rebuilt at {time.perf_counter() - started:.1f} s")
        if aside:
            aside.wait()
            progress(f"search index built aside at {time.perf_counter() - started:.1f} s")
            aside.copy_into(db)
            aside = None
        elif sqlite:
            with db.atomic():
                rebuild_search(db)
        if sqlite:
            search_triggers(db, on=True)
            for shadow in SHADOW_TABLES:
                db.execute_sql(f"ANALYZE {SEARCH_TABLE}_{shadow}")
            db.execute_sql("PRAGMA synchronous = NORMAL")
            db.execute_sql("PRAGMA journal_mode = WAL")
            progress(f"search index at {time.perf_counter() - started:.1f} s")
    finally:
        if aside:
            aside.close()
    database.close()
    return time.perf_counter() - started


def _relax(db: Any) -> None:
    """SQLite settings for a throwaway bulk load: no journal, no syncing, a big cache."""
    db.execute_sql("PRAGMA journal_mode = OFF")
    db.execute_sql("PRAGMA synchronous = OFF")
    db.execute_sql("PRAGMA cache_size = -200000")


def _basket_table(db: Any, cursor: Any, sqlite: bool) -> None:
    """The baskets' lines in a temporary table, from which each batch's lines are copied."""
    db.execute_sql(
        f"CREATE TEMPORARY TABLE {BASKET_TABLE} (basket INTEGER, position INTEGER, "
        "product TEXT, category TEXT, seller TEXT, unit_price INTEGER, quantity INTEGER, "
        "vat_rate TEXT, total INTEGER, PRIMARY KEY (basket, position))"
    )
    lines = [line for _goods, basket, _text in _baskets(SEED) for line in basket]
    columns = ("basket", *LINE_COLUMNS[1:])
    if sqlite:
        cursor.executemany(_insert(BASKET_TABLE, columns, "?"), lines)
    else:
        _copy(cursor, BASKET_TABLE, columns, lines)


def _lines_sql(first: int, last: int) -> str:
    """Copy the lines of the orders `first` to `last` (ids) from their baskets."""
    names = ", ".join(f'"{c}"' for c in LINE_COLUMNS)
    basket = f"(o.id % {BASKETS}) * {SPREAD} % {BASKETS}"
    # No parameters: psycopg would read the modulo signs as placeholders.
    return (
        f'INSERT INTO "{OrderLine._meta.table_name}" ({names}) '
        f"SELECT o.id, {', '.join(f'b.{c}' for c in LINE_COLUMNS[1:])} "
        f"FROM orders o JOIN {BASKET_TABLE} b ON b.basket = {basket} "
        f"WHERE o.id BETWEEN {int(first)} AND {int(last)} ORDER BY o.id, b.position"
    )


def _insert(table: str, columns: Sequence[str], mark: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(mark for _ in columns)})'


def _copy(cursor: Any, table: str, columns: Sequence[str], data: list[tuple[Any, ...]]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in data:
            copy.write_row(row)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--orders", type=int, required=True, metavar="N")
    parser.add_argument("--db", required=True, metavar="URL")
    args = parser.parse_args(argv)
    if args.orders <= 0:
        parser.error("--orders must be positive")
    seconds = generate(args.db, args.orders)
    print(f"{args.orders:,} orders in {seconds:.1f} s ({args.orders / seconds:,.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
