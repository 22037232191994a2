"""What the order screen reads and says, free of Textual.

One read gives the screen everything it shows (order, lines, history, messages); a cheap
fingerprint tells the screen's poll whether anything changed since. The preview sentence
and the undo rules with their reasons live here so that they can be tested without a
terminal and reused by other front ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.clock import utcnow
from app.config import Config
from app.errors import TransitionError
from app.i18n import _, format_money
from app.messages.outbox import for_order
from app.orders.rules import ChangeResult, get_order, history, status_label, undo_change
from app.orders.statuses import OrderStatus
from storage.models import Notification, Order, OrderLine, StatusChange

# (version, updated_at, ((notification id, state, attempts), ...)); None: no such order.
Fingerprint = tuple[Any, ...] | None


@dataclass(frozen=True)
class OrderView:
    """An order as the screen shows it, read in one go."""

    order: Order
    lines: list[OrderLine]
    history: list[StatusChange]
    notifications: list[Notification]
    fingerprint: Fingerprint

    @property
    def status(self) -> OrderStatus:
        return OrderStatus(self.order.status)

    def with_change(self, result: ChangeResult) -> OrderView:
        """This view after `result`, a change just written on it, without reading again."""
        history = sorted([*self.history, result.change], key=lambda c: (c.at, c.id))
        notifications = sorted(
            [*self.notifications, *result.notifications], key=lambda n: (n.created_at, n.id)
        )
        order = result.order
        messages = tuple(sorted((n.id, n.state, n.attempts) for n in notifications))
        return OrderView(
            order=order,
            lines=self.lines,
            history=history,
            notifications=notifications,
            fingerprint=(order.version, str(order.updated_at), messages),
        )


def fingerprint(number: str) -> Fingerprint:
    """What changes when the order or its messages change; two small indexed reads."""
    row = (
        Order.select(Order.id, Order.version, Order.updated_at)
        .where(Order.number == number.strip())
        .tuples()
        .first()
    )
    if row is None:
        return None
    order_id, version, updated_at = row
    messages = tuple(
        Notification.select(Notification.id, Notification.state, Notification.attempts)
        .where(Notification.order == order_id)
        .order_by(Notification.id)
        .tuples()
    )
    return (version, str(updated_at), messages)


def load_order_view(number: str) -> OrderView:
    """The order `number` with its lines, history and notifications, or NotFoundError."""
    stamp = fingerprint(number)
    order = get_order(number)
    lines = list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))
    return OrderView(
        order=order,
        lines=lines,
        history=history(order),
        notifications=for_order(order),
        fingerprint=stamp,
    )


def local_time(moment: datetime | None, config: Config) -> datetime | None:
    """A stored naive-UTC time in the shop's timezone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(config.tz)


def change_effects(order: Order, target: OrderStatus, config: Config) -> list[str]:
    """What moving `order` to `target` will do beyond the status: messages, refund."""
    effects: list[str] = []
    rule = config.notify[target]
    if rule.mail and order.customer_email:
        effects.append(_("courriel à {email}", email=order.customer_email))
    if rule.sms and config.sms_enabled and order.customer_mobile:
        effects.append(_("SMS au {mobile}", mobile=order.customer_mobile))
    if target is OrderStatus.CANCELLED:
        effects.append(_("remboursement intégral de {amount}", amount=format_money(order.total)))
    return effects


def change_preview(order: Order, target: OrderStatus, config: Config) -> str:
    """The one-line preview shown before a change is applied."""
    effects = change_effects(order, target, config) or [_("aucun message au client")]
    return _("{target} : {effects}.", target=status_label(target), effects=", ".join(effects))


def seconds_text(seconds: float) -> str:
    """20.0 → '20', 2.5 → '2.5' (for 'N seconds' in notices)."""
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def undo_latest(
    number: str, *, config: Config, by: str, now: datetime | None = None
) -> StatusChange:
    """Undo the order's latest change, or TransitionError saying plainly why not."""
    now = now or utcnow()
    order = get_order(number)
    latest = (
        StatusChange.select()
        .where(StatusChange.order == order)
        .order_by(StatusChange.id.desc())
        .first()
    )
    if latest is None or latest.kind != "change" or latest.undone:
        raise TransitionError(_("Aucune modification à annuler sur cette commande."))
    if latest.to_status == OrderStatus.CANCELLED:
        raise TransitionError(
            _("Une annulation ne se défait pas : le remboursement et l'avoir sont enregistrés.")
        )
    if config.undo_seconds <= 0:
        raise TransitionError(_("L'annulation des modifications est désactivée."))
    if now >= latest.at + timedelta(seconds=config.undo_seconds):
        raise TransitionError(
            _(
                "Trop tard pour annuler : le délai de {seconds} s est passé.",
                seconds=seconds_text(config.undo_seconds),
            )
        )
    return undo_change(latest.id, config=config, by=by, now=now)
