"""Age timers: how long an order has been in its status, against the status's target.

The target of each status comes from the configuration (`[timers]`; defaults: registered
15 min, confirming 1 h, processing 4 h, ready 3 days). The time an order entered its status
is `Order.status_at`, or its arrival (`created_at`) when its status never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from app.i18n import _
from app.orders.statuses import OrderStatus
from storage.models import Order

# The status filter's extra choice, « En retard »: not a status, a condition.
LATE = "late"


def since(order: Any) -> datetime:
    """When `order` (a record or a list row) entered its status."""
    entered: datetime = order.status_at or order.created_at
    return entered


def is_late(
    status: str, entered: datetime, now: datetime, timers: Mapping[OrderStatus, float]
) -> bool:
    """True when an order in `status` since `entered` is past its status's target."""
    target = timers.get(OrderStatus(status))
    return target is not None and (now - entered).total_seconds() > target


def duration_text(seconds: float) -> str:
    """'12 min', '2 h 05', '3 j 4 h': short, for a status cell."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return _("{m} min", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("{h} h {m:02d}", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return _("{d} j {h} h", d=days, h=hours)


def age_sentence(
    status: str, entered: datetime, now: datetime, timers: Mapping[OrderStatus, float]
) -> str:
    """'Dans ce statut depuis 2 h 05 (objectif 4 h 00).' or the late version of it."""
    age = duration_text((now - entered).total_seconds())
    target = timers.get(OrderStatus(status))
    if target is None:
        return _("{age} dans ce statut", age=age)
    goal = duration_text(target)
    if is_late(status, entered, now, timers):
        return _("⚠ En retard : {age} dans ce statut (objectif {goal})", age=age, goal=goal)
    return _("{age} dans ce statut (objectif {goal})", age=age, goal=goal)


def late_condition(now: datetime, timers: Mapping[OrderStatus, float]) -> Any:
    """The SQL condition of « En retard »: per status, entered before now − its target."""
    entered = fn.COALESCE(Order.status_at, Order.created_at)
    condition = None
    for status, seconds in sorted(timers.items()):
        term = (Order.status == status.value) & (entered < now - timedelta(seconds=seconds))
        condition = term if condition is None else condition | term
    return condition if condition is not None else (Order.id < 0)
