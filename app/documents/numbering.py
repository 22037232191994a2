"""Gap-free numbers for invoices (F2021-000001) and credit notes (A2021-000001) that follow
their issue dates.

The number is taken inside the caller's write transaction: if that transaction rolls back,
the number is not used, so the sequence never has a gap. Every issue of a series first
locks the series' row of year 0 (SQLite: the IMMEDIATE transaction; PostgreSQL: the row
lock of UPDATE), then dates the document no earlier than the last one it records: within a
series numbers and issue dates never go backwards, whatever the order in which concurrent
intakes reach the lock. The year of the number is the issue date's, in the shop's time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from storage.db import insert_row
from storage.models import Document, DocumentSequence, Order, database

PREFIXES = {"invoice": "F", "credit": "A"}
_LOCK_YEAR = 0  # the row of each series that serialises its issues and holds its last moment


def _take(prefix: str, year: int, column: str) -> Any:
    """Lock the row (`prefix`, `year`) of the series, made if absent, by adding one to its
    `last`; return its `column` as stored. Two statements written once (not built by peewee
    each time: an intake takes a number and a moment per order); UPDATE … RETURNING needs
    SQLite 3.35, as the trigram search does."""
    table = DocumentSequence._meta.table_name
    p = database.param
    database.execute_sql(
        f'INSERT INTO "{table}" ("kind", "year", "last") VALUES ({p}, {p}, 0) '
        "ON CONFLICT DO NOTHING",
        (prefix, year),
    )
    (value,) = database.execute_sql(
        f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "kind" = {p} AND "year" = {p} '
        f'RETURNING "{column}"',
        (prefix, year),
    ).fetchone()
    return value


def next_number(kind: str, year: int) -> str:
    """Reserve the next number of `kind` for `year`; call inside a write transaction."""
    prefix = PREFIXES[kind]
    return f"{prefix}{year}-{_take(prefix, year, 'last'):06d}"


def _issue_moment(prefix: str, now: datetime) -> datetime:
    """Lock the series and return its issue moment: `now`, or the last one if later."""
    last_at = DocumentSequence.last_at.python_value(_take(prefix, _LOCK_YEAR, "last_at"))
    moment = max(now, last_at) if last_at is not None else now
    table = DocumentSequence._meta.table_name
    p = database.param
    database.execute_sql(
        f'UPDATE "{table}" SET "last_at" = {p} WHERE "kind" = {p} AND "year" = {p}',
        (DocumentSequence.last_at.db_value(moment), prefix, _LOCK_YEAR),
    )
    return moment


def issue(
    kind: str,
    order: Order,
    amount: Decimal,
    now: datetime,
    tz: ZoneInfo,
    record: Callable[[str, datetime], str],
    refers_to: Document | None = None,
) -> Document:
    """Create an invoice or credit note for `order` (`now` naive UTC), frozen with the record
    `record(number, issue moment)` gives; call inside a write transaction."""
    moment = _issue_moment(PREFIXES[kind], now)
    year = moment.replace(tzinfo=UTC).astimezone(tz).year
    number = next_number(kind, year)
    return insert_row(
        Document,
        number=number,
        kind=kind,
        order=order,
        issued_at=moment,
        amount=amount,
        refers_to=refers_to,
        record=record(number, moment),
    )
