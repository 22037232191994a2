"""The pickup board and its reminders.

Pickup orders that are ready and not collected, with since when, the customer, the slot and
the reminders sent. When an order becomes ready for pickup, its automatic reminder is written
to the outbox at once (mail, and SMS per `pickup_reminder_sms`), due `pickup_reminder_days`
later at the first moment inside the shop's opening hours (never on a public holiday): one
row, so it goes exactly once, shows among the order's notifications, is withdrawn with an
undo of « Commande prête », and is withdrawn when the order leaves « Commande prête »
(collected) before it went — and put back if that move is undone. A notifier that finds an
automatic reminder due outside the opening hours (it was down at its time) moves it to the
next opening rather than sending it; a reminder staff ask for goes at once. After
`pickup_cancel_days` the board proposes cancelling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from peewee import fn

from app.clock import utcnow
from app.config import Config
from app.errors import TransitionError
from app.i18n import _, format_local_datetime
from app.messages.states import UNSENT, WAITING
from app.messages.states import NotificationState as N
from app.money.holidays import is_french_holiday
from app.orders.statuses import OrderStatus
from app.preparation.messages import queue_customer
from storage.db import tuples, write_transaction
from storage.models import Notification, Order, StatusChange

TEMPLATE = "pickup_reminder"


def next_opening(moment: datetime, config: Config) -> datetime:
    """The first moment at or after `moment` (naive UTC) inside the opening hours, as naive
    UTC; `moment` itself when the shop is open then. A year without opening: `moment`."""
    tz = config.tz
    local = moment.replace(tzinfo=UTC).astimezone(tz)
    for offset in range(366):
        day = local.date() + timedelta(days=offset)
        hours = config.opening_hours.get(day.weekday())
        if hours is None or is_french_holiday(day):
            continue
        opens = datetime.combine(day, hours[0], tzinfo=tz)
        closes = datetime.combine(day, hours[1], tzinfo=tz)
        if local >= closes:
            continue
        start = max(local, opens)
        return start.astimezone(UTC).replace(tzinfo=None)
    return moment


def reminder_due(ready_at: datetime, config: Config) -> datetime:
    """When the automatic reminder of an order ready at `ready_at` goes."""
    return next_opening(ready_at + timedelta(days=config.pickup_reminder_days), config)


def _channels(order: Order, config: Config) -> list[tuple[str, str]]:
    channels = []
    if order.customer_email:
        channels.append(("mail", order.customer_email))
    if config.pickup_reminder_sms and config.sms_enabled and order.customer_mobile:
        channels.append(("sms", order.customer_mobile))
    return channels


def _queue(
    order: Order,
    change: StatusChange | None,
    due: datetime,
    config: Config,
    now: datetime,
    by: str,
    detail: dict[str, object],
) -> list[Notification]:
    return queue_customer(
        order,
        template=TEMPLATE,
        channels=_channels(order, config),
        due=due,
        config=config,
        now=now,
        by=by,
        detail=detail,
        change=change,
        status=OrderStatus.READY.value,
    )


def _ready_since_text(moment: datetime, config: Config) -> str:
    return format_local_datetime(moment.replace(tzinfo=UTC).astimezone(config.tz))


def on_status_change(
    order: Order,
    before: OrderStatus,
    after: OrderStatus,
    change: StatusChange,
    config: Config,
    now: datetime,
    by: str,
) -> list[Notification]:
    """Called by `change_status` inside its transaction: schedule or withdraw reminders."""
    if before is OrderStatus.READY and after is not OrderStatus.READY:
        withdraw_reminders(order, by_change=change)
    if after is OrderStatus.READY and order.fulfilment_mode == "pickup":
        detail = {"automatic": True, "ready_since": _ready_since_text(now, config)}
        return _queue(order, change, reminder_due(now, config), config, now, by, detail)
    return []


def withdraw_reminders(order: Order | int, *, by_change: StatusChange | None = None) -> int:
    """Withdraw the order's reminders that have not left; how many. `by_change` (the move out
    of « Commande prête ») is noted in each, so that its undo puts them back."""
    unsent = (
        (Notification.order == order)
        & (Notification.template == TEMPLATE)
        & Notification.state.in_(UNSENT)
    )
    withdrawn = 0
    for row_id, state, detail in tuples(
        Notification.select(Notification.id, Notification.state, Notification.detail).where(unsent)
    ):
        told = json.loads(detail) if detail else {}
        if by_change is not None:
            told["withdrawn_by"] = by_change.id
            told["withdrawn_from"] = state
        withdrawn += (
            Notification.update(
                state=N.WITHDRAWN, last_error=None, detail=json.dumps(told, ensure_ascii=False)
            )
            .where(unsent & (Notification.id == row_id))  # a notifier may have claimed it
            .execute()
        )
    return withdrawn


def on_undo(change: StatusChange) -> None:
    """Called by `undo_change` inside its transaction: the undo of a move out of « Commande
    prête » puts back the reminders that move withdrew (unsent, due as they were)."""
    if change.from_status != OrderStatus.READY.value:
        return
    for row_id, detail in tuples(
        Notification.select(Notification.id, Notification.detail).where(
            (Notification.order == change.order_id)
            & (Notification.template == TEMPLATE)
            & (Notification.state == N.WITHDRAWN)
        )
    ):
        told = json.loads(detail) if detail else {}
        if told.pop("withdrawn_by", None) != change.id:
            continue
        state = told.pop("withdrawn_from", N.PENDING)
        Notification.update(state=state, detail=json.dumps(told, ensure_ascii=False)).where(
            (Notification.id == row_id) & (Notification.state == N.WITHDRAWN)
        ).execute()


def hold_until_open(ids: list[int], now: datetime, config: Config) -> list[int]:
    """Of the messages `ids` a notifier is about to send at `now`, those it may send: an
    automatic reminder found due outside the opening hours (the notifier was down at its
    time, or its retries ran past closing) is moved to the next opening instead. Inside the
    notifier's claim transaction."""
    opening = next_opening(now, config)
    if opening <= now:
        return ids
    held = [
        row_id
        for row_id, detail in tuples(
            Notification.select(Notification.id, Notification.detail).where(
                Notification.id.in_(ids) & (Notification.template == TEMPLATE)
            )
        )
        if detail and json.loads(detail).get("automatic")
    ]
    if held:
        Notification.update(
            state=N.PENDING, due_at=opening, lease_owner=None, lease_until=None
        ).where(Notification.id.in_(held)).execute()
    return [row_id for row_id in ids if row_id not in held]


def send_reminder_now(
    number: str, *, config: Config, by: str = "", now: datetime | None = None
) -> list[Notification]:
    """Staff asked for a reminder now (a key on the board): due at once, sent once."""
    now = now or utcnow()
    with write_transaction():
        order = Order.get_or_none(Order.number == number.strip())
        if order is None or order.status != OrderStatus.READY or order.fulfilment_mode != "pickup":
            raise TransitionError(_("Seule une commande prête à retirer peut être relancée."))
        ready = order.status_at or order.updated_at
        detail = {"automatic": False, "ready_since": _ready_since_text(ready, config)}
        created = _queue(order, None, now, config, now, by, detail)
        if not created:
            raise TransitionError(_("Ni courriel ni mobile : ce client ne peut pas être relancé."))
        Order.update(updated_at=now).where(Order.id == order.id).execute()
        return created


@dataclass(frozen=True)
class PickupRow:
    """One order waiting to be collected."""

    number: str
    customer: str
    ready_since: datetime
    slot: str
    reminders_sent: int
    reminders_waiting: int
    next_reminder: datetime | None
    overdue: bool  # past pickup_cancel_days: the board proposes cancelling


def pickup_board(*, config: Config, now: datetime | None = None) -> list[PickupRow]:
    """The pickup orders ready and not collected, the longest waiting first."""
    now = now or utcnow()
    orders = list(
        Order.select(
            Order.id,
            Order.number,
            Order.customer_name,
            Order.fulfilment_details,
            Order.status_at,
            Order.updated_at,
        )
        .where((Order.status == OrderStatus.READY.value) & (Order.fulfilment_mode == "pickup"))
        .order_by(Order.status_at, Order.id)
    )
    if not orders:
        return []
    counts: dict[int, dict[str, int]] = {}
    nexts: dict[int, datetime] = {}
    ids = [o.id for o in orders]
    for order_id, state, count, due in tuples(
        Notification.select(
            Notification.order,
            Notification.state,
            fn.COUNT(Notification.id),
            fn.MIN(Notification.due_at),
        )
        .where((Notification.order.in_(ids)) & (Notification.template == TEMPLATE))
        .group_by(Notification.order, Notification.state)
    ):
        counts.setdefault(order_id, {})[state] = counts.get(order_id, {}).get(state, 0) + int(count)
        if state in UNSENT and due is not None:
            nexts[order_id] = due if isinstance(due, datetime) else datetime.fromisoformat(str(due))
    limit = timedelta(days=config.pickup_cancel_days)
    rows = []
    for order in orders:
        since = order.status_at or order.updated_at
        states = counts.get(order.id, {})
        rows.append(
            PickupRow(
                number=order.number,
                customer=order.customer_name,
                ready_since=since,
                slot=order.fulfilment_details or "",
                reminders_sent=states.get(N.SENT, 0),
                reminders_waiting=sum(states.get(s, 0) for s in (*WAITING, N.SKIPPED)),
                next_reminder=nexts.get(order.id),
                overdue=config.pickup_cancel_days > 0 and now - since >= limit,
            )
        )
    return rows
