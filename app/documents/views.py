"""What the order, invoice and credit note documents show, read from the database.

Plain values (Decimal amounts, local dates) ready for the templates; no formatting here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import NotFoundError
from app.i18n import _
from app.orders.rules import get_order, history, reason_label, status_label
from app.orders.view import OrderView, order_lines, order_view
from app.shop.profile import ProfileData, load_profile
from storage.models import Document, Meta, Order

DEFAULT_TIMEZONE = "Europe/Paris"


def shop_timezone() -> ZoneInfo:
    """The timezone the database's local days were computed in (recorded in Meta)."""
    row = Meta.get_or_none(Meta.key == "timezone")
    try:
        return ZoneInfo(row.value if row is not None else DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


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


@dataclass(frozen=True)
class DocumentView:
    """An invoice or credit note: the order's content plus the document's own facts."""

    number: str
    kind: str  # invoice | credit
    issued_on: date
    sale_on: date
    amount: Decimal
    refers_to_number: str
    refers_to_issued_on: date | None
    order: OrderView
    seller: ProfileData


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


def document_view(document: Document, tz: ZoneInfo | None = None) -> DocumentView:
    """The invoice or credit note `document` with its order and the seller's identity."""
    tz = tz or shop_timezone()
    order = document.order
    refers = document.refers_to
    return DocumentView(
        number=document.number,
        kind=document.kind,
        issued_on=local(document.issued_at, tz).date(),
        sale_on=local(order.placed_at, tz).date(),
        amount=document.amount,
        refers_to_number=refers.number if refers is not None else "",
        refers_to_issued_on=local(refers.issued_at, tz).date() if refers is not None else None,
        order=order_view(order, order_lines(order)),
        seller=load_profile(),
    )


def order_documents(number: str) -> list[Document]:
    """The invoice then credit notes of the order `number` (NotFoundError if no order)."""
    order = get_order(number)
    return list(Document.select().where(Document.order == order).order_by(Document.id))
