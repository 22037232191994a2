"""Read queries shared by the screens, the CLI and the benchmarks."""

from __future__ import annotations

from datetime import date

from peewee import Case, fn

from app.statuses import NO_AMOUNT
from storage.models import Order

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
