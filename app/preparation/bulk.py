"""Bulk status changes: one target for several orders, each changed on its own.

The preview says how many will change, which cannot and why, and the messages owed. The
batch then changes each order in its own transaction, with its own optimistic lock and its
own messages (`app.orders.rules.change_status`), so one refusal spoils nothing else; the
whole batch is undone (each change, within its grace period) by `undo_batch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.clock import utcnow
from app.config import Config
from app.errors import SHOWN, TransitionError
from app.i18n import _
from app.orders.rules import change_status, check_transition, status_label, undo_change
from app.orders.statuses import OrderStatus
from storage.models import Order


@dataclass(frozen=True)
class BatchPreview:
    """What a bulk change would do, read before it is confirmed."""

    target: OrderStatus
    changing: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]  # (number, why)
    mails: int
    texts: int
    reminders: int = 0  # the pickup reminders a move to « Commande prête » schedules

    def sentence(self) -> str:
        """One paragraph: how many change, the messages owed, how many cannot."""
        text = _(
            "{n} commande(s) passeront à « {target} » : {mails} courriel(s), {texts} SMS.",
            n=len(self.changing),
            target=status_label(self.target),
            mails=self.mails,
            texts=self.texts,
        )
        if self.refused:
            text += " " + _("{n} ne le peuvent pas :", n=len(self.refused))
            text += " " + "; ".join(f"{number} ({why})" for number, why in self.refused[:5])
            if len(self.refused) > 5:
                text += " " + _("et {n} autre(s).", n=len(self.refused) - 5)
        if self.reminders:
            text += " " + _(
                "Et {n} relance(s) de retrait programmée(s), si elles ne sont pas retirées.",
                n=self.reminders,
            )
        return text


@dataclass
class BatchResult:
    """What a bulk change did: the changes written (for the undo) and the refusals."""

    target: OrderStatus
    changed: list[tuple[str, int]] = field(default_factory=list)  # (number, change id)
    refused: list[tuple[str, str]] = field(default_factory=list)
    messages: int = 0

    def summary(self) -> str:
        text = _(
            "{n} commande(s) passée(s) à « {target} », {m} message(s) en file.",
            n=len(self.changed),
            target=status_label(self.target),
            m=self.messages,
        )
        if self.refused:
            text += " " + _("{n} refusée(s).", n=len(self.refused))
        return text

    def lines(self) -> list[str]:
        """A line per order: ✓ changed, ✗ refused and why."""
        out = [f"✓ {number}" for number, _id in self.changed]
        out += [f"✗ {number} : {why}" for number, why in self.refused]
        return out


def _unique(numbers: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for number in numbers:
        if number.strip():
            seen.setdefault(number.strip(), None)
    return list(seen)


def preview_batch(
    numbers: Iterable[str], target: OrderStatus, *, config: Config, reason: str | None = None
) -> BatchPreview:
    """What changing `numbers` to `target` would do (one read of the orders)."""
    wanted = _unique(numbers)
    orders = {
        o.number: o
        for o in Order.select(
            Order.number,
            Order.status,
            Order.customer_email,
            Order.customer_mobile,
            Order.fulfilment_mode,
        ).where(Order.number.in_(wanted))
    }
    changing: list[str] = []
    refused: list[tuple[str, str]] = []
    mails = texts = reminders = 0
    rule = config.notify[target]
    remind = target is OrderStatus.READY
    for number in wanted:
        order = orders.get(number)
        if order is None:
            refused.append((number, _("commande inconnue")))
            continue
        try:
            check_transition(OrderStatus(order.status), target, reason)
        except TransitionError:
            refused.append((number, _("au statut « {s} »", s=status_label(order.status))))
            continue
        changing.append(number)
        mails += bool(rule.mail and order.customer_email)
        texts += bool(rule.sms and config.sms_enabled and order.customer_mobile)
        if remind and order.fulfilment_mode == "pickup":  # as app.preparation.pickup queues
            reminders += bool(order.customer_email)
            reminders += bool(
                config.pickup_reminder_sms and config.sms_enabled and order.customer_mobile
            )
    return BatchPreview(target, tuple(changing), tuple(refused), mails, texts, reminders)


def apply_batch(
    numbers: Iterable[str],
    target: OrderStatus,
    *,
    config: Config,
    by: str = "",
    reason: str | None = None,
    versions: dict[str, int] | None = None,
    now: datetime | None = None,
) -> BatchResult:
    """Change each order on its own (transaction, lock, messages); refusals are collected."""
    result = BatchResult(target)
    for number in _unique(numbers):
        try:
            change = change_status(
                number,
                target,
                config=config,
                by=by,
                reason=reason,
                expected_version=(versions or {}).get(number),
                now=now or utcnow(),
            )
        except SHOWN as error:
            result.refused.append((number, str(error)))
            continue
        result.changed.append((number, change.change.id))
        result.messages += len(change.notifications)
    return result


def undo_batch(
    batch: BatchResult, *, config: Config, by: str = "", now: datetime | None = None
) -> tuple[int, list[tuple[str, str]]]:
    """Undo every change of `batch` still in its grace period: (undone, [(number, why)])."""
    undone = 0
    failed: list[tuple[str, str]] = []
    for number, change_id in batch.changed:
        try:
            undo_change(change_id, config=config, by=by, now=now or utcnow())
        except SHOWN as error:
            failed.append((number, str(error)))
            continue
        undone += 1
    return undone, failed
