"""An order's events besides its status changes (ticks, notes, removed lines, reminders),
and the history the order screen shows: both kinds in one list, oldest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.i18n import _
from app.orders.rules import by_label, reason_label, status_label
from storage.models import Order, OrderEvent, StatusChange

KIND_LABELS = {
    "prepared": "Ligne préparée",
    "unprepared": "Ligne décochée",
    "note": "Note interne",
    "removed": "Ligne retirée",
    "restored": "Retrait annulé",
    "reminder": "Relance de retrait",
}


@dataclass(frozen=True)
class HistoryRow:
    """One row of the order's history as shown: when, who, what, why."""

    at: datetime
    by: str
    what: str
    why: str
    key: tuple[datetime, int, int]  # sort key: time, kind (changes first), id


def record(
    order: Order | int,
    kind: str,
    *,
    at: datetime,
    by: str,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Write one event (inside the caller's transaction); `data` is kept as JSON."""
    return OrderEvent.create(
        order=order,
        at=at,
        by=by,
        kind=kind,
        text=text,
        data=json.dumps(data, ensure_ascii=False) if data is not None else None,
    )


def events(order: Order | int) -> list[OrderEvent]:
    """The order's events, oldest first."""
    return list(
        OrderEvent.select().where(OrderEvent.order == order).order_by(OrderEvent.at, OrderEvent.id)
    )


def event_data(event: OrderEvent) -> dict[str, Any]:
    """The JSON `data` of an event as a dict (empty when it has none)."""
    return dict(json.loads(event.data)) if event.data else {}


def history_rows(changes: list[StatusChange], extra: list[OrderEvent]) -> list[HistoryRow]:
    """Status changes and events as one history, oldest first."""
    rows: list[HistoryRow] = []
    for change in changes:
        moves = status_label(change.to_status)
        if change.from_status:
            moves = f"{status_label(change.from_status)} → {moves}"
        reason = reason_label(change.reason)
        if change.undone:
            reason = f"{reason} ({_('annulée')})" if reason else _("annulée")
        rows.append(
            HistoryRow(change.at, by_label(change.by), moves, reason, (change.at, 0, change.id))
        )
    for event in extra:
        why = event.text
        if event.undone:
            why = f"{why} ({_('annulée')})" if why else _("annulée")
        label = _(KIND_LABELS.get(event.kind, event.kind))
        rows.append(HistoryRow(event.at, by_label(event.by), label, why, (event.at, 1, event.id)))
    return sorted(rows, key=lambda row: row.key)
