"""Generate N realistic orders for the benchmarks: `python -m bench.generate --orders N --db URL`.

Orders are spread over the five years up to today (more recent years busier), with their
lines and search text, statuses by age (old ones finished, a few cancelled or in error).
Rows go straight through the DB-API in big transactions (SQLite: executemany with the
journal relaxed; PostgreSQL: COPY), the secondary indexes being rebuilt once at the end:
1,000,000 orders take well under a minute on SQLite.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.config import Config
from app.demo import FIRST_NAMES, LAST_NAMES, POSTCODES, PRODUCTS, SELLERS, SHOP_ID, SLOTS, STREETS
from app.intake import fold
from storage.db import is_sqlite, open_database
from storage.migrations import rebuild_search, search_triggers
from storage.models import Order, OrderLine, database

YEARS = 5
BATCH = 50_000
ORDER_COLUMNS = (
    "id", "number", "placed_at", "placed_day", "customer_name", "customer_email",
    "customer_address", "customer_mobile", "fulfilment_mode", "fulfilment_details",
    "shipping_fee", "total", "status", "payment", "version", "refund", "cancel_reason",
    "search_text", "created_at", "updated_at",
)  # fmt: skip
LINE_COLUMNS = (
    "order_id", "position", "product", "category", "seller", "unit_price", "quantity",
    "vat_rate", "total",
)  # fmt: skip
RECENT = ("registered", "confirming", "processing", "ready", "in_delivery", "finished")


def _customers(rng: random.Random, count: int) -> list[tuple[str, str, str, str | None, str]]:
    people = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = fold(f"{first}.{last}{i}@example.org").replace(" ", "")
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(POSTCODES)} Lyon"
        mobile = f"+3361{rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.7 else None
        folded = fold(f"{first} {last} {email} {mobile or ''}")
        people.append((f"{first} {last}", email, address, mobile, folded))
    return people


def _baskets(rng: random.Random, count: int) -> list[tuple[int, list[tuple[Any, ...]], str]]:
    """Ready-made baskets (goods in cents, lines without their order id, folded products)."""
    baskets = []
    for _ in range(count):
        goods, lines, text = 0, [], []
        for position, (product, category, price, rate) in enumerate(
            rng.sample(PRODUCTS, rng.choice((1, 1, 2, 2, 3, 4))), 1
        ):
            cents, quantity = round(float(price) * 100), rng.choice((1, 1, 1, 2, 3))
            goods += cents * quantity
            lines.append(
                (position, product, category, rng.choice(SELLERS), cents, quantity, rate,
                 cents * quantity)
            )  # fmt: skip
            text.append(fold(product))
        baskets.append((goods, lines, " ".join(text)))
    return baskets


def _offsets(config: Config, start: datetime, end: datetime) -> tuple[list[int], list[int]]:
    """UTC offsets of the shop's timezone by hour, so local days need no per-row tz maths."""
    tz = config.tz
    hours, offsets = [], []
    moment = start
    while moment <= end + timedelta(days=1):
        hours.append(int(moment.timestamp()))
        offsets.append(int(moment.astimezone(tz).utcoffset().total_seconds()))  # type: ignore[union-attr]
        moment += timedelta(hours=1)
    return hours, offsets


_CONTEXT: dict[tuple[Any, ...], Any] = {}


def _window(today: date) -> tuple[datetime, datetime]:
    end = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=20)
    return end - timedelta(days=365 * YEARS), end


def _context(timezone: str, today: date, seed: int, count: int) -> Any:
    """Customers, baskets and timezone offsets: the same in every process for one run."""
    key = (timezone, today, seed, count)
    if key not in _CONTEXT:
        rng = random.Random(seed)
        start, end = _window(today)
        hours, offsets = _offsets(Config(timezone=timezone), start, end)
        _CONTEXT.clear()
        _CONTEXT[key] = (
            _customers(rng, max(100, count // 20)),
            _baskets(rng, 4096),
            hours,
            offsets,
            int(end.timestamp()),
        )
    return _CONTEXT[key]


def _stamps(count: int, today: date, seed: int) -> list[int]:
    """When each order was placed (UTC seconds), sorted: busier lately."""
    rng = random.Random(seed + 1)
    start, end = _window(today)
    first, span = int(start.timestamp()), int((end - start).total_seconds())
    return sorted(first + int(span * rng.random() ** 0.5) for _ in range(count))


def _batch(job: tuple[Any, ...]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The order and line rows of one slice of `stamps`."""
    timezone, today, seed, count, number, stamps, first_id = job
    people, baskets, hours, offsets, today_stamp = _context(timezone, today, seed, count)
    rng = random.Random(seed * 1_000_003 + number)
    slots = [f"Retrait en boutique, {slot}" for slot in SLOTS]
    orders: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    random_ = rng.random
    n_people, n_baskets = len(people), len(baskets)
    for index, stamp in enumerate(stamps):
        order_id = first_id + index
        name, email, address, mobile, folded = people[int(random_() * n_people)]
        order_number = f"{stamp:08x}-{SHOP_ID}-{order_id:06x}-001"
        goods, basket_lines, basket_text = baskets[int(random_() * n_baskets)]
        lines.extend((order_id, *line) for line in basket_lines)
        delivery = random_() < 0.45
        fee = 490 if delivery and goods < 6000 else 0
        age_days = (today_stamp - stamp) // 86400
        roll = random_()
        if roll < 0.002:
            status, payment = "error", "failed"
        elif roll < 0.05:
            status, payment = "cancelled", "ok"
        elif age_days > 6:
            status, payment = "finished", "ok"
        else:
            status, payment = RECENT[int(random_() * len(RECENT))], "ok"
        offset = offsets[bisect.bisect_right(hours, stamp) - 1]
        placed_text = datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None).isoformat(" ")
        day = date.fromordinal(719163 + (stamp + offset) // 86400).isoformat()
        total = goods + fee
        orders.append(
            (
                order_id, order_number, placed_text, day, name, email, address, mobile,
                "delivery" if delivery else "pickup",
                address if delivery else slots[int(random_() * len(slots))],
                fee, total, status, payment, 1,
                total if status == "cancelled" else 0,
                "Demande du client" if status == "cancelled" else None,
                f"{order_number} {folded} {basket_text}", placed_text, placed_text,
            )
        )  # fmt: skip
    return orders, lines


def rows(
    count: int, *, config: Config, first_id: int, today: date, seed: int = 7, processes: int = 1
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Batches of (order rows, line rows), oldest first; made by `processes` helpers if > 0
    (so that making rows overlaps writing them), else here."""
    stamps = _stamps(count, today, seed)
    jobs = (
        (config.timezone, today, seed, count, n, stamps[start : start + BATCH], first_id + start)
        for n, start in enumerate(range(0, count, BATCH))
    )
    if processes <= 0:
        yield from map(_batch, jobs)
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        pending: deque[Future[Any]] = deque()
        for job in jobs:
            pending.append(pool.submit(_batch, job))
            if len(pending) > processes + 1:  # a few batches ahead, not the whole table
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
    db = open_database(url, timezone=config.timezone)
    today = today or datetime.now(config.tz).date()
    first_id = (Order.select(Order.id).order_by(Order.id.desc()).scalar() or 0) + 1
    indexes = _secondary_indexes(db)
    sqlite = is_sqlite(db)
    if sqlite:
        db.execute_sql("PRAGMA journal_mode = OFF")  # a throwaway load: no journal at all
        db.execute_sql("PRAGMA synchronous = OFF")
        db.execute_sql("PRAGMA cache_size = -200000")
    for name, _sql in indexes:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    search_triggers(db, on=False)  # the trigram index is rebuilt once at the end (SQLite)
    written = 0
    connection = db.connection()
    helpers = 1 if (os.cpu_count() or 1) > 1 else 0
    for orders, lines in rows(
        count, config=config, first_id=first_id, today=today, processes=helpers
    ):
        if sqlite:
            with db.atomic():
                cursor = connection.cursor()
                cursor.executemany(_insert("orders", ORDER_COLUMNS, "?"), orders)
                cursor.executemany(_insert(OrderLine._meta.table_name, LINE_COLUMNS, "?"), lines)
        else:
            with db.atomic():
                cursor = connection.cursor()
                _copy(cursor, "orders", ORDER_COLUMNS, orders)
                _copy(cursor, OrderLine._meta.table_name, LINE_COLUMNS, lines)
        written += len(orders)
        if not quiet:
            print(f"\r{written:,} orders", end="", file=sys.stderr, flush=True)
    if not quiet:
        print(f" written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for _name, sql in indexes:
        db.execute_sql(sql)
    if not quiet:
        print(f"indexes rebuilt at {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if sqlite:
        with db.atomic():
            rebuild_search(db)
            search_triggers(db, on=True)
        if not quiet:
            print(f"search index at {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db.execute_sql("PRAGMA synchronous = NORMAL")
        db.execute_sql("PRAGMA journal_mode = WAL")
        db.execute_sql("ANALYZE")
    else:
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))"
        )
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{OrderLine._meta.table_name}', 'id'), "
            f"(SELECT max(id) FROM {OrderLine._meta.table_name}))"
        )
        db.execute_sql("ANALYZE")
    database.close()
    return time.perf_counter() - started


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
