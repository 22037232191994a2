"""Read queries shared by the screens, the CLI and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import Case, fn

from app.statuses import NO_AMOUNT
from storage.models import Order, StatusChange

_NO_AMOUNT = [s.value for s in NO_AMOUNT]


def day_totals(first: date, last: date) -> dict[date, tuple[int, int]]:
    """Per local day from `first` to `last` inclusive: (order count, amount in cents).

    Cancelled and error orders are counted but add no amount. One range scan of the
    covering index (placed_day, status, total).
    """
    amount = fn.SUM(Case(None, [(Order.status.in_(_NO_AMOUNT), 0)], Order.total))
    query = (
        Order.select(Order.placed_day, fn.COUNT(Order.id), amount)
        .where((Order.placed_day >= first) & (Order.placed_day <= last))
        .group_by(Order.placed_day)
        .tuples()
    )
    result: dict[date, tuple[int, int]] = {}
    for day, count, cents in query:
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
    placed_at: datetime


def list_orders(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    words: Sequence[str] = (),
    statuses: Iterable[str] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[OrderRow]:
    """One page of orders, newest first.

    `since`/`until` bound `placed_at` (naive UTC, half-open) so that a day or a month is a
    range of the `placed_at` index read backwards, with no sort. `words` are already folded
    (lower case, no accents): each must appear in `search_text`, or the first may start the
    number. `statuses` keeps only those statuses (the (status, placed_at) index).
    """
    query = Order.select(
        Order.id,
        Order.number,
        Order.customer_name,
        Order.total,
        Order.fulfilment_mode,
        Order.status,
        Order.placed_at,
    )
    conditions = []
    if since is not None:
        conditions.append(Order.placed_at >= since)
    if until is not None:
        conditions.append(Order.placed_at < until)
    for index, word in enumerate(words):
        pattern = Order.search_text.contains(_escape_like(word))
        if index == 0:
            pattern = pattern | Order.number.startswith(_escape_like(word))
        conditions.append(pattern)
    wanted = sorted(set(statuses)) if statuses is not None else None
    if wanted is not None:
        conditions.append(Order.status.in_(wanted))
    for condition in conditions:
        query = query.where(condition)
    query = query.order_by(Order.placed_at.desc(), Order.id.desc()).offset(offset).limit(limit)
    return [
        OrderRow(
            id=row[0],
            number=row[1],
            customer_name=row[2],
            total=row[3],
            fulfilment_mode=row[4],
            status=row[5],
            placed_at=row[6],
        )
        for row in query.tuples()
    ]


def _escape_like(text: str) -> str:
    # Searched text never needs LIKE's wildcards; dropping them keeps a '%' from matching all.
    return text.replace("\\", "").replace("%", "").replace("_", "")


def order_exists(number: str) -> bool:
    """True when an order has this exact number."""
    return Order.select().where(Order.number == number.strip()).exists()


def change_marker() -> tuple[int, int]:
    """(highest order id, highest history id): grows whenever an order is added or changed.

    Both are primary-key lookups, so polling this is cheap on a million orders.
    """
    last_order = Order.select(fn.MAX(Order.id)).scalar() or 0
    last_change = StatusChange.select(fn.MAX(StatusChange.id)).scalar() or 0
    return int(last_order), int(last_change)


def orders_after(order_id: int, limit: int = 20) -> list[str]:
    """Numbers of the orders added after `order_id` (oldest first), for the new-order notice."""
    query = (
        Order.select(Order.number)
        .where(Order.id > order_id)
        .order_by(Order.id)
        .limit(limit)
        .tuples()
    )
    return [number for (number,) in query]
