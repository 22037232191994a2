"""Read queries shared by the screens, the CLI and the benchmarks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from peewee import SQL, Case, SqliteDatabase, fn

from storage.db import tuples
from storage.migrations import SEARCH_TABLE
from storage.models import Order, database

# Below this many trigram matches a search reads its orders by id (and sorts them); above it
# the newest orders are read in order until a page is full (common words fill one at once).
FEW_MATCHES = 2000
# SQLite has json_each built in from 3.38 (before, only when compiled with JSON1).
JSON_EACH = sqlite3.sqlite_version_info >= (3, 38)


class _Slot:
    """Stands for a parameter while a statement is built once (see `_day_totals_sql`)."""

    def __init__(self, name: str) -> None:
        self.name = name


# per kind of database (the SQL dialect) and statuses that add no amount
_built: dict[tuple[type, tuple[str, ...]], tuple[str, list[Any]]] = {}


def _day_totals_sql(no_amount: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The calendar's statement for the open database, built by peewee once, not per month.

    Only `first` and `last` change from one month to the next; they are `_Slot`s in the
    parameters kept here (a DateField passes date objects to the driver as they are).
    """
    key = (type(database.obj), no_amount)
    if key not in _built:
        amount = fn.SUM(Case(None, [(Order.status.in_(list(no_amount)), 0)], Order.total))
        query = (
            Order.select(Order.placed_day, fn.COUNT(Order.id), amount)
            .where((Order.placed_day >= _Slot("first")) & (Order.placed_day <= _Slot("last")))
            .group_by(Order.placed_day)
        )
        _built[key] = query.sql()
    return _built[key]


def day_totals(first: date, last: date, *, no_amount: Iterable[str]) -> dict[date, tuple[int, int]]:
    """Per local day from `first` to `last` inclusive: (order count, amount in cents).

    Orders whose status is in `no_amount` (cancelled, error: the rules say which) are
    counted but add no amount. One range scan of the covering index (placed_day, status,
    total).
    """
    sql, params = _day_totals_sql(tuple(sorted(no_amount)))
    values = {"first": first, "last": last}
    bound = [values[p.name] if isinstance(p, _Slot) else p for p in params]
    result: dict[date, tuple[int, int]] = {}
    # The DB-API rows in one fetch (peewee's iteration fetches and converts row by row).
    for day, count, cents in database.obj.execute_sql(sql, bound).fetchall():
        if isinstance(day, str):
            day = date.fromisoformat(day)
        result[day] = (int(count), int(cents or 0))
    return result


@dataclass(frozen=True)
class OrderRow:
    """What the Commandes list shows of an order."""

    id: int
    number: str
    customer_name: str
    total: Decimal
    fulfilment_mode: str
    status: str
    placed_day: date | None = None  # the shop's local day it was placed
    since: datetime | None = None  # when it entered its status (naive UTC)


def list_orders(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    words: Sequence[str] = (),
    statuses: Iterable[str] | None = None,
    late_before: Mapping[str, datetime] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[OrderRow]:
    """One page of orders, newest first.

    `since`/`until` bound `placed_at` (naive UTC, half-open) so that a day or a month is a
    range of the `placed_at` index read backwards, with no sort. `words` are already folded
    (lower case, no accents): a single word that starts order numbers finds those orders;
    otherwise each word must appear in `search_text`. `statuses` keeps only those statuses
    (the (status, placed_at) index). `late_before` keeps only the orders that entered their
    status before the time given for it (the age timers' « En retard »).
    """
    conditions = []
    if since is not None:
        conditions.append(Order.placed_at >= since)
    if until is not None:
        conditions.append(Order.placed_at < until)
    wanted = sorted(set(statuses)) if statuses is not None else None
    if wanted is not None:
        conditions.append(Order.status.in_(wanted))
    if late_before is not None:
        entered = fn.COALESCE(Order.status_at, Order.created_at)
        late = [(Order.status == s) & (entered < t) for s, t in sorted(late_before.items())]
        condition = late[0] if late else Order.id < 0
        for term in late[1:]:
            condition = condition | term
        conditions.append(condition)
    words = [_escape_like(word) for word in words if _escape_like(word)]
    if len(words) == 1:
        # A number, or its start (what a scanner or a phone call gives): the unique index
        # answers at once, where a LIKE would read every order.
        prefix = Order.number.between(words[0], words[0] + "\U0010ffff")
        probe = Order.select(Order.id).where(prefix, *conditions).limit(1)  # no ORDER BY
        if probe.exists():
            return _page([*conditions, prefix], offset, limit)
    indexed = [word for word in words if len(word) >= 3]
    if indexed and isinstance(database.obj, SqliteDatabase):
        # The trigram index (storage.migrations, version 3) finds any part of a word of three
        # characters or more. When it finds few orders, they are read by id and sorted; when
        # it finds many, reading `placed_at` backwards with LIKE fills a page sooner.
        phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
        # The ids come back as one text (one row, not one per order) and go back as one
        # parameter: building an IN list of a thousand parameters took peewee longer than
        # SQLite took to read those orders.
        found, ids = database.obj.execute_sql(
            f"SELECT count(*), group_concat(rowid) FROM (SELECT rowid FROM {SEARCH_TABLE} "
            f"WHERE {SEARCH_TABLE} MATCH ? LIMIT ?)",
            (phrases, FEW_MATCHES),
        ).fetchone()
        if found < FEW_MATCHES:
            if not found:
                return []
            conditions.append(_id_in(ids))
            words = [word for word in words if len(word) < 3]
    for word in words:
        # On PostgreSQL the pg_trgm GIN index answers these LIKEs (three characters or more).
        conditions.append(Order.search_text.contains(word))
    return _page(conditions, offset, limit)


def _id_in(ids: str) -> Any:
    """`Order.id IN` the comma-separated `ids`."""
    if JSON_EACH:
        return Order.id.in_(SQL("(SELECT value FROM json_each(?))", ["[" + ids + "]"]))
    return Order.id.in_([int(key) for key in ids.split(",")])


def _page(conditions: list[Any], offset: int, limit: int) -> list[OrderRow]:
    query = Order.select(
        Order.id,
        Order.number,
        Order.customer_name,
        Order.total,
        Order.fulfilment_mode,
        Order.status,
        Order.placed_day,
        fn.COALESCE(Order.status_at, Order.created_at),
    )
    for condition in conditions:
        query = query.where(condition)
    query = query.order_by(Order.placed_at.desc(), Order.id.desc()).offset(offset).limit(limit)
    # The DB-API rows as they are: only the amount needs converting (peewee's row iteration
    # would convert each column of each row, one fetch at a time).
    cents = Order.total.python_value
    return [
        OrderRow(key, number, name, cents(total), mode, status, _day(day), _moment(since))
        for key, number, name, total, mode, status, day, since in database.obj.execute(
            query
        ).fetchall()
    ]


def _day(value: date | str | None) -> date | None:
    # SQLite hands dates back as text, PostgreSQL as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> datetime | None:
    """A naive UTC time as the driver gives it (SQLite: text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _escape_like(text: str) -> str:
    # Searched text never needs LIKE's wildcards; dropping them keeps a '%' from matching all.
    return text.replace("\\", "").replace("%", "").replace("_", "")


def order_exists(number: str) -> bool:
    """True when an order has this exact number."""
    return Order.select().where(Order.number == number.strip()).exists()


def numbers_starting(prefix: str, *, limit: int = 10) -> list[str]:
    """Up to `limit` order numbers that start with `prefix` (the unique index's range),
    the exact number first when there is one."""
    prefix = prefix.strip()
    if not prefix:
        return []
    found = [
        number
        for (number,) in tuples(
            Order.select(Order.number)
            .where(Order.number.between(prefix, prefix + "\U0010ffff"))
            .order_by(Order.number)
            .limit(limit)
        )
    ]
    if prefix in found:
        found.remove(prefix)
        found.insert(0, prefix)
    return found
