"""Gap-free numbers for invoices (F2021-000001) and credit notes (A2021-000001).

The number is taken inside the caller's write transaction: if that transaction rolls back,
the number is not used, so the sequence never has a gap, and two intakes at once queue on
the sequence row (SQLite: the IMMEDIATE transaction; PostgreSQL: the row lock of UPDATE).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from storage.db import insert_row
from storage.models import Document, DocumentSequence, Order, database

PREFIXES = {"invoice": "F", "credit": "A"}


def next_number(kind: str, year: int) -> str:
    """Reserve the next number of `kind` for `year`; call inside a write transaction.

    Two statements written once (not built by peewee each time: an intake takes one number
    per order); UPDATE … RETURNING needs SQLite 3.35, as the trigram search does.
    """
    prefix = PREFIXES[kind]
    table = DocumentSequence._meta.table_name
    p = database.param
    database.execute_sql(
        f'INSERT INTO "{table}" ("kind", "year", "last") VALUES ({p}, {p}, 0) '
        "ON CONFLICT DO NOTHING",
        (prefix, year),
    )
    (last,) = database.execute_sql(
        f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "kind" = {p} AND "year" = {p} '
        'RETURNING "last"',
        (prefix, year),
    ).fetchone()
    return f"{prefix}{year}-{last:06d}"


def issue(
    kind: str,
    order: Order,
    amount: Decimal,
    now: datetime,
    year: int,
    refers_to: Document | None = None,
) -> Document:
    """Create an invoice or credit note for `order` (`now` UTC; `year` in the shop's time)."""
    return insert_row(
        Document,
        number=next_number(kind, year),
        kind=kind,
        order=order,
        issued_at=now,
        amount=amount,
        refers_to=refers_to,
    )
