"""The line checklist: staff tick each line as prepared; who and when go to the history.

A tick does not move the order's version (it is no status change, and a change being
previewed elsewhere stays valid) but it moves `updated_at`, which the order screens of other
terminals poll, and it writes an event, which the App's watcher sees.
"""

from __future__ import annotations

from datetime import datetime

from app.clock import utcnow
from app.errors import TransitionError
from app.i18n import _
from app.orders.rules import get_order
from app.orders.statuses import OrderStatus
from app.preparation import journal
from storage.db import write_transaction
from storage.models import Order, OrderLine

# Ticking makes sense while the order is being prepared.
TICKABLE = frozenset({OrderStatus.REGISTERED, OrderStatus.CONFIRMING, OrderStatus.PROCESSING})


def toggle_line(number: str, position: int, *, by: str, now: datetime | None = None) -> OrderLine:
    """Tick line `position` as prepared, or untick it; the line as it is now."""
    now = now or utcnow()
    with write_transaction():
        order = get_order(number)
        if OrderStatus(order.status) not in TICKABLE:
            raise TransitionError(
                _("Commande déjà prête ou close : ses lignes ne se cochent plus.")
            )
        line = OrderLine.get_or_none((OrderLine.order == order) & (OrderLine.position == position))
        if line is None:
            raise TransitionError(
                _("Aucune ligne {position} dans cette commande.", position=position)
            )
        ticked = line.prepared_at is None
        OrderLine.update(
            prepared_at=now if ticked else None, prepared_by=by if ticked else None
        ).where(OrderLine.id == line.id).execute()
        Order.update(updated_at=now).where(Order.id == order.id).execute()
        text = _("{quantity} × {product}", quantity=line.quantity, product=line.product)
        journal.record(order, "prepared" if ticked else "unprepared", at=now, by=by, text=text)
        return OrderLine.get_by_id(line.id)


def all_prepared(number: str) -> bool:
    """True when every line of the order is ticked."""
    order = get_order(number)
    return (
        not OrderLine.select()
        .where((OrderLine.order == order) & OrderLine.prepared_at.is_null())
        .exists()
    )
