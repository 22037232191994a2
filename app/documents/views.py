"""What the order, invoice and credit note documents show, read from the database.

Plain values (Decimal amounts, local dates) ready for the templates; no formatting here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.documents.issuing import invoice_record, shop_timezone
from app.documents.records import RecordView, read_record
from app.errors import NotFoundError
from app.i18n import _
from app.orders.rules import get_order, history, reason_label, status_label
from app.orders.view import OrderView, order_lines, order_view
from storage.models import Document, Order

# The documents' view of an issued invoice or credit note is its record.
DocumentView = RecordView

__all__ = [
    "DocumentView",
    "OrderSheet",
    "document_view",
    "get_document",
    "local",
    "order_documents",
    "order_sheet",
    "shop_timezone",
]


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """A naive UTC datetime from the database in the shop's timezone."""
    return moment.replace(tzinfo=UTC).astimezone(tz)


@dataclass(frozen=True)
class OrderSheet:
    """What the order document shows around the order's view: its local time, its invoice and
    credit notes, its history."""

    placed_at: datetime  # shop time
    invoice_number: str
    credit_numbers: tuple[str, ...]
    history: tuple[tuple[datetime, str, str, str], ...]  # when, who, to-label, reason


def order_sheet(order: Order, tz: ZoneInfo | None = None) -> tuple[OrderView, OrderSheet]:
    """The view of `order` and its document's surroundings (times in `tz`, default the
    shop's timezone)."""
    tz = tz or shop_timezone()
    documents = list(Document.select().where(Document.order == order).order_by(Document.id))
    sheet = OrderSheet(
        placed_at=local(order.placed_at, tz),
        invoice_number=next((d.number for d in documents if d.kind == "invoice"), ""),
        credit_numbers=tuple(d.number for d in documents if d.kind == "credit"),
        history=tuple(
            (
                local(change.at, tz),
                change.by or _("système"),
                status_label(change.to_status),
                reason_label(change.reason),
            )
            for change in history(order)
        ),
    )
    return order_view(order, order_lines(order)), sheet


def get_document(number: str) -> Document:
    """The invoice or credit note with this number, or NotFoundError."""
    document = Document.get_or_none(Document.number == number.strip())
    if document is None:
        raise NotFoundError(_("Aucune facture ni avoir n° {number}.", number=number))
    return document


def document_view(document: Document) -> RecordView:
    """The invoice or credit note `document` as it was issued: read from its record alone."""
    return read_record(json.loads(invoice_record(document)))


def order_documents(number: str) -> list[Document]:
    """The invoice then credit notes of the order `number` (NotFoundError if no order)."""
    order = get_order(number)
    return list(Document.select().where(Document.order == order).order_by(Document.id))
