"""Issuing invoices and credit notes with their frozen records (issue 11.1, 11.2, 11.7).

An invoice is issued the day the order reaches Comptoir, unless the profile lacks what an
invoice must name (the seller's name, address and SIRET): then the order imports as usual
and its invoice waits; once the profile is complete the waiting invoices are issued in the
order their orders arrived, dated that day.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.documents import numbering
from app.documents.records import build_record, keep_wording, seller_record, to_json
from app.orders.statuses import OrderStatus
from app.orders.view import OrderView, order_lines, order_view
from app.shop.profile import ProfileData, load_profile
from storage.db import get_row
from storage.models import Document, Meta, Order

DEFAULT_TIMEZONE = "Europe/Paris"


def shop_timezone() -> ZoneInfo:
    """The timezone the database's local days were computed in (recorded in Meta)."""
    row = get_row(Meta, "key", "timezone")  # its SQL written once: read per invoice
    try:
        return ZoneInfo(row.value if row is not None else DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """A naive UTC moment's date in the shop's timezone."""
    return moment.replace(tzinfo=UTC).astimezone(tz).date()


def issue_invoice(
    order: Order,
    now: datetime,
    seller: ProfileData | None = None,
    *,
    view: OrderView | None = None,
    refers_to: Document | None = None,
) -> Document:
    """Issue the invoice of `order` now, frozen; call inside a write transaction.

    With `view` (some lines only, e.g. those an undone removal restores) it invoices those:
    its amount is the view's total, and it refers to `refers_to` (the credit note it
    rectifies)."""
    seller = seller or load_profile()
    tz = shop_timezone()
    amount = order.total if view is None else view.total
    view = view or order_view(order, order_lines(order))

    def record(number: str, moment: datetime) -> str:
        return to_json(
            build_record(
                number=number,
                kind="invoice",
                issued_on=local_day(moment, tz),
                sale_on=local_day(order.placed_at, tz),
                amount=amount,
                view=view,
                seller=seller,
                refers_to=_reference(refers_to, tz),
            )
        )

    return numbering.issue("invoice", order, amount, now, tz, record, refers_to=refers_to)


def _reference(document: Document | None, tz: ZoneInfo) -> dict[str, str] | None:
    if document is None:
        return None
    return {
        "number": document.number,
        "issued_on": local_day(document.issued_at, tz).isoformat(),
    }


def issue_credit_note(
    order: Order,
    invoice: Document,
    now: datetime,
    reason: str,
    *,
    view: OrderView | None = None,
) -> Document:
    """Issue the credit note of `invoice` (a full refund) now; inside a write transaction.

    It repeats the invoice's lines, VAT and regime as the invoice recorded them; the seller
    is named as they are today (the invoice's seller if the profile is now incomplete).
    With `view` it credits only that (a line removed for lack of stock, or what a
    cancellation after such a removal still kept): its lines and amount are the view's."""
    tz = shop_timezone()
    billed = json.loads(invoice_record(invoice))
    profile = load_profile()
    seller = billed["seller"] if profile.missing_for_invoices else seller_record(profile)
    seller["vat_regime"] = billed["seller"]["vat_regime"]
    if view is not None:
        return _partial_credit_note(order, invoice, now, reason, view, profile, seller)

    def record(number: str, moment: datetime) -> str:
        return to_json(
            {
                **billed,
                "number": number,
                "kind": "credit",
                "issued_on": local_day(moment, tz).isoformat(),
                "refers_to": {"number": invoice.number, "issued_on": billed["issued_on"]},
                "reason": reason,
                "seller": seller,
                "wording": keep_wording(),
            }
        )

    return numbering.issue("credit", order, invoice.amount, now, tz, record, refers_to=invoice)


def _partial_credit_note(
    order: Order,
    invoice: Document,
    now: datetime,
    reason: str,
    view: OrderView,
    profile: ProfileData,
    seller: dict[str, str],
) -> Document:
    tz = shop_timezone()
    regime = dataclasses.replace(profile, vat_regime=seller["vat_regime"])

    def record(number: str, moment: datetime) -> str:
        built = build_record(
            number=number,
            kind="credit",
            issued_on=local_day(moment, tz),
            sale_on=local_day(order.placed_at, tz),
            amount=view.total,
            view=view,
            seller=regime,
            refers_to=_reference(invoice, tz),
            reason=reason,
        )
        return to_json({**built, "seller": seller})

    return numbering.issue("credit", order, view.total, now, tz, record, refers_to=invoice)


def invoice_record(document: Document) -> str:
    """The document's record; one issued before records existed is frozen now, once, from
    what the database holds today."""
    if document.record:
        return str(document.record)
    tz = shop_timezone()
    order = document.order
    record = build_record(
        number=document.number,
        kind=document.kind,
        issued_on=local_day(document.issued_at, tz),
        sale_on=local_day(order.placed_at, tz),
        amount=document.amount,
        view=order_view(order, order_lines(order)),
        seller=load_profile(),
        refers_to=_reference(document.refers_to, tz),
        reason=order.cancel_reason or "",
    )
    text = to_json(record)
    Document.update(record=text).where(
        (Document.id == document.id) & Document.record.is_null()
    ).execute()
    document.record = text
    return text


def waiting_orders() -> list[Order]:
    """The orders whose invoice waits for the profile, in the order they arrived."""
    invoiced = Document.select(Document.order).where(Document.kind == "invoice")
    return list(
        Order.select()
        .where((Order.status != OrderStatus.ERROR.value) & Order.id.not_in(invoiced))
        .order_by(Order.created_at, Order.id)
    )


# Set when an order is taken without its invoice (the profile lacked a seller's mentions),
# cleared by the call that issues the waiting ones: an intake looks for waiting orders only
# when one may exist, instead of reading every order of the shop each time.
_WAITING = "invoices_waiting"


def note_invoice_waiting() -> None:
    """Record that an order waits for its invoice; inside that order's write transaction."""
    Meta.insert(key=_WAITING, value="1").on_conflict(
        conflict_target=[Meta.key], update={Meta.value: "1"}
    ).execute()


def issue_waiting_invoices(now: datetime, seller: ProfileData | None = None) -> list[Document]:
    """Issue the waiting invoices (and the credit notes of those since cancelled), in order,
    dated `now`, if the profile is complete; call inside a write transaction."""
    seller = seller or load_profile()
    if seller.missing_for_invoices:
        return []
    # The mark is cleared before the orders are read: its row lock puts this transaction
    # after any intake that set it, whose order the read below then sees (PostgreSQL reads
    # each statement at its start; SQLite's writers take turns anyway).
    if not Meta.update(value="0").where((Meta.key == _WAITING) & (Meta.value == "1")).execute():
        return []
    issued: list[Document] = []
    for order in waiting_orders():
        invoice = issue_invoice(order, now, seller)
        issued.append(invoice)
        if order.status == OrderStatus.CANCELLED.value:
            issued.append(issue_credit_note(order, invoice, now, order.cancel_reason or ""))
    return issued
