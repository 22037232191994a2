"""Out of stock: a line, or part of its quantity, removed before the order is ready.

One write transaction holds everything: the line made smaller (or removed), the order's total
and refund (fees, payout and Finances follow the total kept), a partial credit note with its
own number, the history event and the customer's messages (per the notify table of the
order's status, due after the grace period). Removing what is left of the last line cancels
the order instead, as a cancellation does (full refund of what was kept, credit note).

Within the grace period, and while nothing else changed the order and none of its messages
left, the removal can be undone: the line and the amounts come back, the messages are
withdrawn, and since an issued credit note is never deleted, a rectifying invoice of the
same amount, referring to it, is issued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app import money
from app.clock import utcnow
from app.config import Config
from app.documents.issuing import issue_credit_note, issue_invoice
from app.errors import ConcurrentChangeError, TransitionError
from app.i18n import _, format_money
from app.messages.states import UNSENT
from app.messages.states import NotificationState as N
from app.orders.rules import change_status, check_reason, get_order, status_label
from app.orders.statuses import OrderStatus
from app.orders.view import lines_view
from app.preparation import journal
from app.preparation.messages import queue_customer
from app.text import check_text
from storage.db import write_transaction
from storage.models import Document, Notification, Order, OrderEvent, OrderLine

# A line can be removed while the order is being prepared, not once it is ready.
REMOVABLE = frozenset({OrderStatus.REGISTERED, OrderStatus.CONFIRMING, OrderStatus.PROCESSING})
TEMPLATE = "line_removed"


@dataclass(frozen=True)
class RemovalResult:
    """What a removal did."""

    number: str
    product: str
    quantity: int
    amount: Decimal
    credit_number: str
    cancelled: bool
    event_id: int | None
    notifications: int


def find_line(order: Order, line: str | int) -> OrderLine:
    """The line `line` names: its place in the order from 1, or its product's name."""
    lines = list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))
    text = str(line).strip()
    if text.isdigit():
        index = int(text)
        if not 1 <= index <= len(lines):
            raise TransitionError(
                _("Ligne {line} inconnue : la commande a {n} ligne(s).", line=text, n=len(lines))
            )
        return lines[index - 1]
    wanted = text.casefold()
    matches = [ln for ln in lines if ln.product.casefold() == wanted] or [
        ln for ln in lines if ln.product.casefold().startswith(wanted)
    ]
    if len(matches) != 1:
        names = ", ".join(f"{i} ({ln.product})" for i, ln in enumerate(lines, start=1))
        raise TransitionError(
            _(
                "« {line} » ne désigne pas une seule ligne. Lignes : {names}.",
                line=text,
                names=names,
            )
        )
    return matches[0]


def removal_effects(order: Order, config: Config) -> list[str]:
    """The messages a removal owes the customer (the notify table of the order's status)."""
    rule = config.notify[OrderStatus(order.status)]
    effects = []
    if rule.mail and order.customer_email:
        effects.append(_("courriel à {email}", email=order.customer_email))
    if rule.sms and config.sms_enabled and order.customer_mobile:
        effects.append(_("SMS au {mobile}", mobile=order.customer_mobile))
    return effects


def remove_line(
    number: str,
    line: str | int,
    *,
    quantity: int | None = None,
    reason: str,
    config: Config,
    by: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> RemovalResult:
    """Remove `quantity` units (all by default) of a line, refund them, tell the customer."""
    now = now or utcnow()
    reason = check_reason(" ".join(check_text(reason or "", _("motif"), newlines=True).split()))
    check_text(by, _("auteur"))
    if not reason:
        raise TransitionError(_("Un retrait de ligne demande un motif."))
    with write_transaction():
        order = get_order(number)
        if expected_version is not None and order.version != expected_version:
            raise ConcurrentChangeError(
                _(
                    "La commande {number} a été modifiée entre-temps (statut actuel : {status}). "
                    "Rechargez-la et recommencez.",
                    number=order.number,
                    status=status_label(order.status),
                )
            )
        if OrderStatus(order.status) not in REMOVABLE:
            raise TransitionError(
                _(
                    "Commande au statut « {status} » : une ligne ne se retire qu'avant "
                    "« Commande prête ».",
                    status=status_label(order.status),
                )
            )
        target = find_line(order, line)
        count = target.quantity if quantity is None else quantity
        if not 1 <= count <= target.quantity:
            raise TransitionError(
                _(
                    "Quantité à retirer entre 1 et {max}, pas {n}.",
                    max=target.quantity,
                    n=count,
                )
            )
        others = (
            OrderLine.select()
            .where((OrderLine.order == order) & (OrderLine.id != target.id))
            .exists()
        )
        last = count == target.quantity and not others
        if not last:
            return _remove(order, target, count, reason, config, by, now)
    # What is left is the last line: the order is cancelled (its own transaction, its rules).
    text = _(
        "{reason} ({quantity} × {product} retiré(s) : dernière ligne)",
        reason=reason,
        quantity=count,
        product=target.product,
    )
    result = change_status(
        number,
        OrderStatus.CANCELLED,
        config=config,
        by=by,
        reason=text,
        expected_version=expected_version,
        now=now,
    )
    credit = (
        Document.select(Document.number)
        .where((Document.order == result.order) & (Document.kind == "credit"))
        .order_by(Document.id.desc())
        .scalar()
    )
    return RemovalResult(
        number=result.order.number,
        product=target.product,
        quantity=count,
        amount=result.order.refund,
        credit_number=credit or "",
        cancelled=True,
        event_id=None,
        notifications=len(result.notifications),
    )


def _remove(
    order: Order,
    line: OrderLine,
    count: int,
    reason: str,
    config: Config,
    by: str,
    now: datetime,
) -> RemovalResult:
    whole = count == line.quantity
    amount = line.total if whole else money.line_total(line.unit_price, count)
    before = {
        "position": line.position,
        "product": line.product,
        "category": line.category,
        "seller": line.seller,
        "unit_price": str(line.unit_price),
        "quantity": line.quantity,
        "vat_rate": line.vat_rate,
        "total": str(line.total),
        "prepared_at": line.prepared_at.isoformat() if line.prepared_at else None,
        "prepared_by": line.prepared_by,
    }
    if whole:
        OrderLine.delete().where(OrderLine.id == line.id).execute()
    else:
        OrderLine.update(quantity=line.quantity - count, total=line.total - amount).where(
            OrderLine.id == line.id
        ).execute()
    updated = (
        Order.update(
            {
                Order.total: order.total - amount,
                Order.refund: order.refund + amount,
                Order.version: Order.version + 1,
                Order.updated_at: now,
            }
        )
        .where((Order.id == order.id) & (Order.version == order.version))
        .execute()
    )
    if updated != 1:
        raise TransitionError(_("La commande a changé entre-temps : recommencez."))
    credit = _credit_note(order, _part(line, count, amount), now, reason)
    event = journal.record(
        order,
        "removed",
        at=now,
        by=by,
        text=_(
            "{quantity} × {product} ({amount}) : {reason}",
            quantity=count,
            product=line.product,
            amount=format_money(amount),
            reason=reason,
        ),
    )
    detail = {
        "event": event.id,
        "product": line.product,
        "quantity": count,
        "amount": str(amount),
        "reason": reason,
        "credit": credit.number if credit else "",
        "total": str(order.total - amount),
    }
    notes = _queue(order, detail, config, now, by)
    OrderEvent.update(
        data=json.dumps(
            {
                "line": before,
                "removed": count,
                "amount": str(amount),
                "credit": credit.id if credit else None,
                "version": order.version + 1,
                "notifications": [n.id for n in notes],
            }
        )
    ).where(OrderEvent.id == event.id).execute()
    return RemovalResult(
        number=order.number,
        product=line.product,
        quantity=count,
        amount=amount,
        credit_number=credit.number if credit else "",
        cancelled=False,
        event_id=event.id,
        notifications=len(notes),
    )


def _invoice(order: Order) -> Document | None:
    invoice: Document | None = (
        Document.select()
        .where((Document.order == order) & (Document.kind == "invoice"))
        .order_by(Document.id)
        .first()
    )
    return invoice


def _part(line: OrderLine, count: int, amount: Decimal) -> OrderLine:
    """`count` units of `line` (costing `amount`), unsaved: what a removal credits."""
    return OrderLine(
        order=line.order_id,
        position=line.position,
        product=line.product,
        category=line.category,
        seller=line.seller,
        unit_price=line.unit_price,
        quantity=count,
        vat_rate=line.vat_rate,
        total=amount,
    )


def _credit_note(order: Order, part: OrderLine, now: datetime, reason: str) -> Document | None:
    """The partial credit note of the removed units, with their own frozen record (none for
    an order never invoiced: a failed payment)."""
    invoice = _invoice(order)
    if invoice is None:
        return None
    return issue_credit_note(order, invoice, now, reason, view=lines_view(order, [part]))


def _queue(
    order: Order, detail: dict[str, object], config: Config, now: datetime, by: str
) -> list[Notification]:
    rule = config.notify[OrderStatus(order.status)]
    due = now + timedelta(seconds=config.undo_seconds)
    channels = []
    if rule.mail and order.customer_email:
        channels.append(("mail", order.customer_email))
    if rule.sms and config.sms_enabled and order.customer_mobile:
        channels.append(("sms", order.customer_mobile))
    return queue_customer(
        order,
        template=TEMPLATE,
        channels=channels,
        due=due,
        config=config,
        now=now,
        by=by,
        detail=detail,
    )


def latest_removal(order: Order | int) -> OrderEvent | None:
    """The order's latest removal not undone, if any."""
    event: OrderEvent | None = (
        OrderEvent.select()
        .where((OrderEvent.order == order) & (OrderEvent.kind == "removed") & ~OrderEvent.undone)
        .order_by(OrderEvent.id.desc())
        .first()
    )
    return event


def undo_removal(
    number: str, *, config: Config, by: str = "", now: datetime | None = None
) -> OrderEvent:
    """Undo the order's latest removal within the grace period; TransitionError says why not."""
    now = now or utcnow()
    too_late = _("Rien à annuler : le délai est passé ou les messages sont partis.")
    with write_transaction():
        order = get_order(number)
        event = latest_removal(order)
        if event is None:
            raise TransitionError(_("Aucun retrait de ligne à annuler sur cette commande."))
        data = journal.event_data(event)
        if config.undo_seconds <= 0 or now >= event.at + timedelta(seconds=config.undo_seconds):
            raise TransitionError(too_late)
        if order.version != data["version"]:
            raise TransitionError(
                _("La commande a changé depuis le retrait : il ne se défait plus.")
            )
        ids = data["notifications"]
        withdrawn = (
            Notification.update(state=N.WITHDRAWN, last_error=None)
            .where(Notification.id.in_(ids) & Notification.state.in_(UNSENT))
            .execute()
            if ids
            else 0
        )
        if withdrawn != len(ids):
            raise TransitionError(too_late)
        amount = Decimal(data["amount"])
        line = data["line"]
        kept = OrderLine.get_or_none(
            (OrderLine.order == order) & (OrderLine.position == line["position"])
        )
        if kept is not None:
            OrderLine.update(quantity=line["quantity"], total=Decimal(line["total"])).where(
                OrderLine.id == kept.id
            ).execute()
        else:
            restored_line = _kept_line(order, line, line["quantity"], Decimal(line["total"]))
            restored_line.prepared_at = (
                datetime.fromisoformat(line["prepared_at"]) if line["prepared_at"] else None
            )
            restored_line.prepared_by = line["prepared_by"]
            restored_line.save(force_insert=True)
        Order.update(
            {
                Order.total: order.total + amount,
                Order.refund: order.refund - amount,
                Order.version: Order.version + 1,
                Order.updated_at: now,
            }
        ).where(Order.id == order.id).execute()
        if data["credit"] is not None:
            # A credit note is never deleted: an invoice of the restored units rectifies it.
            credit = Document.get_by_id(data["credit"])
            restored = _kept_line(order, line, data["removed"], amount)
            issue_invoice(order, now, view=lines_view(order, [restored]), refers_to=credit)
        OrderEvent.update(undone=True).where(OrderEvent.id == event.id).execute()
        return journal.record(
            order,
            "restored",
            at=now,
            by=by,
            text=_(
                "{quantity} × {product} rétabli(s)",
                quantity=data["removed"],
                product=line["product"],
            ),
        )


def can_undo_removal(event: OrderEvent, *, config: Config, now: datetime) -> bool:
    """True while the removal `event` is in its grace period (the undo checks the rest)."""
    return (
        event.kind == "removed"
        and not event.undone
        and config.undo_seconds > 0
        and now < event.at + timedelta(seconds=config.undo_seconds)
    )


def _kept_line(order: Order, line: dict[str, Any], quantity: int, total: Decimal) -> OrderLine:
    """The line a removal's event kept (`line`), `quantity` of it costing `total`, unsaved."""
    return OrderLine(
        order=order.id,
        position=line["position"],
        product=line["product"],
        category=line["category"],
        seller=line["seller"],
        unit_price=Decimal(line["unit_price"]),
        quantity=quantity,
        vat_rate=line["vat_rate"],
        total=total,
    )
