"""Gap-free numbers for invoices (F2021-000001) and credit notes (A2021-000001).

The number is taken inside the caller's write transaction: if that transaction rolls back,
the number is not used, so the sequence never has a gap, and two intakes at once queue on
the sequence row (SQLite: the IMMEDIATE transaction; PostgreSQL: the row lock of UPDATE).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from storage.models import Document, DocumentSequence, Order

PREFIXES = {"invoice": "F", "credit": "A"}


def next_number(kind: str, year: int) -> str:
    """Reserve the next number of `kind` for `year`; call inside a write transaction."""
    prefix = PREFIXES[kind]
    DocumentSequence.insert(kind=prefix, year=year, last=0).on_conflict_ignore().execute()
    DocumentSequence.update(last=DocumentSequence.last + 1).where(
        (DocumentSequence.kind == prefix) & (DocumentSequence.year == year)
    ).execute()
    last = (
        DocumentSequence.select(DocumentSequence.last)
        .where((DocumentSequence.kind == prefix) & (DocumentSequence.year == year))
        .scalar()
    )
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
    return Document.create(
        number=next_number(kind, year),
        kind=kind,
        order=order,
        issued_at=now,
        amount=amount,
        refers_to=refers_to,
    )
