"""What the order, invoice and credit note documents show, read from the database.

Plain values (Decimal amounts, local dates) ready for the templates; no formatting here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app import money
from app.errors import NotFoundError
from app.i18n import _
from app.orders.rules import get_order, history, status_label
from app.shop.profile import ProfileData, load_profile
from storage.models import Document, Meta, Order, OrderLine

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
class LineView:
    """One product line with its VAT split (amounts incl. VAT unless named HT)."""

    product: str
    category: str
    seller: str
    quantity: int
    unit_price: Decimal
    unit_price_ht: Decimal
    rate: Decimal
    ht: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class ShippingView:
    """The shipping fee, its VAT split following the goods' rates."""

    ttc: Decimal
    ht: Decimal
    vat: Decimal
    rates: tuple[Decimal, ...]


@dataclass(frozen=True)
class OrderView:
    """Everything the order detail shows."""

    number: str
    placed_at: datetime  # shop time
    status: str
    status_label: str
    customer_name: str
    customer_email: str
    customer_address: str
    customer_mobile: str
    mode: str
    mode_label: str
    details: str
    lines: tuple[LineView, ...]
    shipping: ShippingView
    vat_rows: tuple[money.VatRow, ...]
    total: Decimal
    total_ht: Decimal
    total_vat: Decimal
    refund: Decimal
    cancel_reason: str
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


def _lines(order: Order) -> tuple[LineView, ...]:
    views = []
    for line in OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position):
        rate = line.rate
        ht, vat = money.split_vat(line.total, rate)
        unit_ht, _unit_vat = money.split_vat(line.unit_price, rate)
        views.append(
            LineView(
                product=line.product,
                category=line.category,
                seller=line.seller,
                quantity=line.quantity,
                unit_price=line.unit_price,
                unit_price_ht=unit_ht,
                rate=rate,
                ht=ht,
                vat=vat,
                total=line.total,
            )
        )
    return tuple(views)


def _shipping(fee: Decimal, lines: tuple[LineView, ...]) -> ShippingView:
    goods: dict[Decimal, Decimal] = {}
    for line in lines:
        goods[line.rate] = goods.get(line.rate, Decimal("0.00")) + line.total
    shares = money.allocate_shipping(fee, goods)
    ht = vat = Decimal("0.00")
    for rate, share in shares.items():
        share_ht, share_vat = money.split_vat(share, rate)
        ht += share_ht
        vat += share_vat
    rates = tuple(sorted((r for r, s in shares.items() if s), reverse=True))
    return ShippingView(ttc=fee, ht=ht, vat=vat, rates=rates)


def order_view(order: Order, tz: ZoneInfo | None = None) -> OrderView:
    """The order detail of `order` (times in `tz`, default the shop's timezone)."""
    tz = tz or shop_timezone()
    lines = _lines(order)
    rows = tuple(money.vat_breakdown(((ln.rate, ln.total) for ln in lines), order.shipping_fee))
    documents = list(Document.select().where(Document.order == order).order_by(Document.id))
    invoice = next((d.number for d in documents if d.kind == "invoice"), "")
    return OrderView(
        number=order.number,
        placed_at=local(order.placed_at, tz),
        status=order.status,
        status_label=status_label(order.status),
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        customer_address=order.customer_address,
        customer_mobile=order.customer_mobile or "",
        mode=order.fulfilment_mode,
        mode_label=_("Retrait") if order.fulfilment_mode == "pickup" else _("Livraison"),
        details=order.fulfilment_details,
        lines=lines,
        shipping=_shipping(order.shipping_fee, lines),
        vat_rows=rows,
        total=order.total,
        total_ht=sum((r.ht for r in rows), start=Decimal("0.00")),
        total_vat=sum((r.vat for r in rows), start=Decimal("0.00")),
        refund=order.refund,
        cancel_reason=order.cancel_reason or "",
        invoice_number=invoice,
        credit_numbers=tuple(d.number for d in documents if d.kind == "credit"),
        history=tuple(
            (
                local(change.at, tz),
                change.by or _("système"),
                status_label(change.to_status),
                change.reason or "",
            )
            for change in history(order)
        ),
    )


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
        order=order_view(order, tz),
        seller=load_profile(),
    )


def order_documents(number: str) -> list[Document]:
    """The invoice then credit notes of the order `number` (NotFoundError if no order)."""
    order = get_order(number)
    return list(Document.select().where(Document.order == order).order_by(Document.id))
