"""The order rules: status changes with history, cancellation, undo, and the outbox.

Free of Textual: the TUI, the CLI and the tests all call these functions. Every change is
one write transaction holding the order's new state, its history row, any credit note and
the notifications it owes, so that either all of it happens or none of it does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from peewee import fn

from app.clock import utcnow
from app.config import Config
from app.errors import ConcurrentChangeError, NotFoundError, TransitionError, ValidationError
from app.i18n import _
from app.messages.marketplace import CHANNEL as MARKETPLACE
from app.messages.marketplace import queue_status_message
from app.messages.states import NOT_LEFT, UNSENT, WAITING
from app.messages.states import NotificationState as N
from app.orders.statuses import (
    STATUS_LABELS,
    OrderStatus,
    allowed_targets,
)
from app.text import check_text
from storage.db import get_row, insert_row, tuples, write_transaction
from storage.models import (
    Document,
    Notification,
    Order,
    OrderLine,
    Profile,
    StatusChange,
    database,
)

if TYPE_CHECKING:  # app.orders.view builds on these rules (it imports this module)
    from app.orders.view import OrderView

SYSTEM = ""  # the `by` of changes made by the system; shown as « système »


def by_label(by: str) -> str:
    """Who made a change, for display."""
    return by or _("système")


# Reasons the system records, stored as these stable keys; shown in the current language.
SYSTEM_REASONS = {"payment failed": "Paiement refusé"}


def reason_label(reason: str | None) -> str:
    """A change's reason for display: the system's own translated, staff's as typed."""
    if reason in SYSTEM_REASONS:
        return _(SYSTEM_REASONS[reason])
    return reason or ""


def status_label(status: str | OrderStatus) -> str:
    """The translated label of a status key."""
    return _(STATUS_LABELS[OrderStatus(status)])


def mode_label(mode: str) -> str:
    """« Retrait » (pickup) or « Livraison » (delivery), in the current language."""
    return _("Livraison") if mode == "delivery" else _("Retrait")


def parse_status(text: str) -> OrderStatus:
    """A status from its key (`ready`) or its label in either language, else TransitionError."""
    wanted = text.strip().casefold()
    for status in OrderStatus:
        if wanted in (
            status.value,
            STATUS_LABELS[status].casefold(),
            status_label(status).casefold(),
        ):
            return status
    allowed = ", ".join(s.value for s in OrderStatus)
    raise TransitionError(
        _("Statut inconnu « {status} ». Statuts : {allowed}.", status=text, allowed=allowed)
    )


def get_order(number: str) -> Order:
    """The order with this number, or NotFoundError."""
    order = get_row(Order, "number", number.strip())
    if order is None:
        raise NotFoundError(_("Aucune commande n° {number}.", number=number))
    return order


def check_transition(current: OrderStatus, target: OrderStatus, reason: str | None) -> None:
    """Raise TransitionError unless staff may move an order from `current` to `target`."""
    allowed = allowed_targets(current)
    if target not in allowed:
        names = ", ".join(f"{s.value} ({status_label(s)})" for s in allowed) or _("aucun")
        raise TransitionError(
            _(
                "Passage de « {current} » à « {target} » impossible. "
                "Statuts possibles : {allowed}.",
                current=status_label(current),
                target=status_label(target),
                allowed=names,
            )
        )
    if target is OrderStatus.CANCELLED and not (reason and reason.strip()):
        raise TransitionError(_("Une annulation demande un motif."))


@dataclass(frozen=True)
class ChangeResult:
    """What a status change did."""

    change: StatusChange
    order: Order
    notifications: list[Notification]
    superseded: tuple[int, ...] = ()  # earlier messages this change's messages replaced


REASON_LIMIT = 500  # a reason goes into the customer's mail, SMS and credit note


def check_reason(text: str) -> str:
    """A cancellation's or removal's reason, stripped; ValidationError for a control
    character or one longer than REASON_LIMIT."""
    reason = check_text(text.strip(), _("motif"))
    if len(reason) > REASON_LIMIT:
        raise ValidationError(_("Motif trop long ({n} caractères au plus).", n=REASON_LIMIT))
    return reason


def change_status(
    number: str,
    target: OrderStatus,
    *,
    config: Config,
    by: str = SYSTEM,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ChangeResult:
    """Move an order to `target` following SPEC §3; the optimistic lock is `expected_version`.

    Without `expected_version` the version read here is used, so a change made between this
    read and the write still loses cleanly instead of being overwritten.
    """
    now = now or utcnow()
    reason = check_reason(reason) if reason else None
    check_text(by, _("auteur"))
    with write_transaction():
        order = get_order(number)
        version = order.version if expected_version is None else expected_version
        current = OrderStatus(order.status)
        if order.version != version:
            raise _changed_meanwhile(order)
        check_transition(current, target, reason)
        values: dict[object, object] = {
            Order.status: target.value,
            Order.version: Order.version + 1,
            Order.updated_at: now,
            Order.status_at: now,
        }
        if target is OrderStatus.CANCELLED:
            # What is still kept: lines removed for lack of stock were refunded already.
            values[Order.refund] = order.refund + order.total
            values[Order.cancel_reason] = reason
        updated = (
            Order.update(values)
            .where((Order.id == order.id) & (Order.version == version))
            .execute()
        )
        if updated != 1:
            raise _changed_meanwhile(Order.get_by_id(order.id))
        change = insert_row(
            StatusChange,
            order=order,
            at=now,
            by=by,
            from_status=current.value,
            to_status=target.value,
            reason=reason,
            kind="change",
        )
        if target is OrderStatus.CANCELLED:
            _issue_credit_note(order, now, reason or "")
        fresh = get_row(Order, "id", order.id)
        assert fresh is not None  # written just above, in this transaction
        notifications = queue_status_notifications(fresh, target, change, config, now, by)
        # Pickup reminders: scheduled on « Commande prête », withdrawn once it is left.
        from app.preparation.pickup import on_status_change

        notifications += on_status_change(fresh, current, target, change, config, now, by)
        # What this cancellation refunds: removed lines were refunded when removed.
        refund = order.total if target is OrderStatus.CANCELLED else None
        told = queue_status_message(
            order,
            change,
            config=config,
            due=now + timedelta(seconds=config.undo_seconds),
            refund=refund,
        )
        notifications += [told] if told is not None else []
        superseded = tuple(
            row_id
            for (row_id,) in tuples(
                Notification.select(Notification.id).where(
                    Notification.superseded_by.in_([n.id for n in notifications])
                )
            )
        )
    return ChangeResult(
        change=change, order=fresh, notifications=notifications, superseded=superseded
    )


def _changed_meanwhile(order: Order) -> ConcurrentChangeError:
    return ConcurrentChangeError(
        _(
            "La commande {number} a été modifiée entre-temps (statut actuel : {status}). "
            "Rechargez-la et recommencez.",
            number=order.number,
            status=status_label(order.status),
        )
    )


def _issue_credit_note(order: Order, now: datetime, reason: str) -> None:
    # Imported here: the documents read orders through this module.
    from app.documents.issuing import issue_credit_note

    invoice = (
        Document.select()
        .where((Document.order == order) & (Document.kind == "invoice"))
        .order_by(Document.id)
        .first()
    )
    if invoice is None:
        return  # an order without invoice (never paid) has nothing to credit
    if order.total == invoice.amount:
        issue_credit_note(order, invoice, now, reason)
        return
    # Lines were removed and credited before: this credits only what is kept, as it is now.
    from app.orders.view import order_lines, order_view

    issue_credit_note(order, invoice, now, reason, view=order_view(order, order_lines(order)))


def order_snapshot(order: Order, lines: list[OrderLine] | None = None) -> str:
    """The order as the JSON a notification keeps: `order` with `lines` as given (an intake
    has them at hand), else both as they are now in this transaction."""
    # Imported here: app.orders.view builds on these rules (it imports this module).
    from app.orders.view import order_lines, order_view

    if lines is None:
        order = Order.get_by_id(order.id)
        lines = order_lines(order)
    return view_snapshot(order_view(order, lines))


def view_snapshot(view: OrderView) -> str:
    """An order view as the JSON a notification keeps."""
    return json.dumps(view.to_dict(), ensure_ascii=False, separators=(",", ":"))


def queue_status_notifications(
    order: Order,
    status: OrderStatus,
    change: StatusChange | None,
    config: Config,
    now: datetime,
    by: str,
    snapshot: str | None = None,
) -> list[Notification]:
    """Write the customer messages `status` owes (config.notify), due after the undo delay.

    Each keeps the order as it is at this change (`snapshot`, read here when not given).
    A customer message of an earlier status still in its grace period on the same channel
    is superseded by the new one: the customer gets one message, of the latest status.
    """
    rule = config.notify[status]
    due = now + timedelta(seconds=config.undo_seconds)
    wanted = []
    if rule.mail and order.customer_email:
        wanted.append(("mail", order.customer_email))
    if rule.sms and config.sms_enabled and order.customer_mobile:
        wanted.append(("sms", order.customer_mobile))
    if not wanted:
        return []
    snapshot = snapshot or order_snapshot(order)
    created: list[Notification] = []
    for channel, recipient in wanted:
        note = queue_notification(
            order,
            change,
            "customer",
            channel,
            "status",
            status,
            recipient,
            _not_before_earlier(order, channel, due),
            now,
            config,
            by,
            snapshot,
        )
        if change is not None:  # an intake's first message has nothing to supersede
            _supersede(order, note, now)
        created.append(note)
    return created


def _supersede(order: Order, newer: Notification, now: datetime) -> None:
    """Mark `superseded` the customer status messages of `order` on `newer`'s channel that
    still wait for the end of their grace period."""
    (
        Notification.update(state=N.SUPERSEDED, superseded_by=newer.id, last_error=None)
        .where(
            (Notification.order == order)
            & (Notification.id != newer.id)
            & (Notification.audience == "customer")
            & (Notification.template == "status")
            & (Notification.channel == newer.channel)
            & (Notification.state == N.PENDING)
            & (Notification.attempts == 0)
            & (Notification.due_at > now)
        )
        .execute()
    )


def _not_before_earlier(order: Order, channel: str, due: datetime) -> datetime:
    """`due`, or later: a customer never gets a status message before an earlier one of the
    same order still waiting (the notifier sends by due time, then by creation)."""
    # The order's messages by the order's index, their state checked here: given the state in
    # the query, SQLite (without statistics) walks the (state, due_at) index over every
    # message waiting in the shop, and a burst of intakes slows down as its mails queue.
    table, p = Notification._meta.table_name, database.param
    rows = database.execute_sql(
        f'SELECT "due_at", "state" FROM "{table}" '
        f'WHERE "order_id" = {p} AND "audience" = {p} AND "channel" = {p}',
        (order.id, "customer", channel),
    ).fetchall()
    field: Any = Notification.due_at  # untyped in peewee: reads the column's value
    at = field.python_value
    waiting: list[datetime] = [at(due) for due, state in rows if state in WAITING]
    return max([due, *waiting])


def queue_new_order_notifications(
    order: Order, config: Config, now: datetime, snapshot: str | None = None
) -> list[Notification]:
    """The seller's new-order mail (and SMS when the profile has a mobile), due at once,
    each showing the order as it is at intake."""
    snapshot = snapshot or order_snapshot(order)
    channels = ["mail"]
    if config.sms_enabled and _seller_mobile():
        channels.append("sms")
    status = OrderStatus(order.status)
    created = []
    for channel in channels:
        created.append(
            queue_notification(
                order,
                None,
                "seller",
                channel,
                "new_order",
                status,
                None,
                now,
                now,
                config,
                SYSTEM,
                snapshot,
            )
        )
    return created


def _seller_mobile() -> str:
    """The profile's mobile (one plain query: read for every order an intake writes)."""
    row = database.execute_sql(
        f'SELECT "mobile" FROM "{Profile._meta.table_name}" WHERE "id" = 1'
    ).fetchone()
    return row[0] if row and row[0] else ""


def queue_notification(
    order: Order,
    change: StatusChange | None,
    audience: str,
    channel: str,
    template: str,
    status: OrderStatus,
    recipient: str | None,
    due: datetime,
    now: datetime,
    config: Config,
    by: str,
    snapshot: str | None,
    detail: dict[str, object] | None = None,
) -> Notification:
    """One pending message of the outbox, keeping the order as `snapshot` shows it and what
    it tells beyond the order (`detail`: a removed line, a reminder's rank)."""
    return insert_row(
        Notification,
        order=order,
        change=change,
        audience=audience,
        channel=channel,
        template=template,
        order_status=status.value,
        lang=config.lang,
        recipient=recipient,
        state=N.PENDING,
        due_at=due,
        created_at=now,
        created_by=by,
        snapshot=snapshot,
        detail=json.dumps(detail, ensure_ascii=False) if detail is not None else None,
    )


def undo_change(
    change_id: int, *, config: Config, by: str = SYSTEM, now: datetime | None = None
) -> StatusChange:
    """Undo a status change while its grace period runs: restore, withdraw its messages.

    Only the order's latest change can be undone, only before any of its messages left, and
    never a cancellation (it issued a credit note, a legal document that stays).
    """
    now = now or utcnow()
    with write_transaction():
        change = StatusChange.get_or_none(StatusChange.id == change_id)
        if change is None or not can_undo(change, config=config, now=now):
            raise TransitionError(
                _("Rien à annuler : le délai est passé ou les messages sont partis.")
            )
        order = change.order
        assert change.from_status is not None  # a "change" (can_undo) always has one
        restored = OrderStatus(change.from_status)
        updated = (
            Order.update(
                {
                    Order.status: restored.value,
                    Order.version: Order.version + 1,
                    Order.updated_at: now,
                    Order.status_at: change_started(order, change),
                }
            )
            .where(
                (Order.id == order.id)
                & (Order.status == change.to_status)
                & (Order.version == order.version)
            )
            .execute()
        )
        if updated != 1:
            raise _changed_meanwhile(Order.get_by_id(order.id))
        (
            Notification.update(state=N.WITHDRAWN, last_error=None)
            .where((Notification.change == change) & (Notification.state.in_(UNSENT)))
            .execute()
        )
        # A notifier may have claimed one of them between the check above and the withdrawal
        # (its claim is a conditional UPDATE too): then the undo loses, whole. The
        # marketplace's message is not one of them: if it left, the undo's own tells it.
        if (
            Notification.select()
            .where(
                (Notification.change == change)
                & (Notification.state != N.WITHDRAWN)
                & (Notification.channel != MARKETPLACE)
            )
            .exists()
        ):
            raise TransitionError(
                _("Rien à annuler : le délai est passé ou les messages sont partis.")
            )
        # The messages this change had superseded are owed again: the order is back there.
        withdrawn = Notification.select(Notification.id).where(Notification.change == change)
        (
            Notification.update(state=N.PENDING, superseded_by=None)
            .where((Notification.state == N.SUPERSEDED) & Notification.superseded_by.in_(withdrawn))
            .execute()
        )
        told = (
            Notification.select()
            .where(
                (Notification.change == change)
                & (Notification.state != N.WITHDRAWN)
                & (Notification.channel == MARKETPLACE)
            )
            .exists()
        )
        StatusChange.update(undone=True).where(StatusChange.id == change.id).execute()
        undo = insert_row(
            StatusChange,
            order=order,
            at=now,
            by=by,
            from_status=change.to_status,
            to_status=restored.value,
            reason=_("Annulation de la modification"),
            kind="undo",
        )
        if told:  # the marketplace heard of the change: it hears of the undo, at once
            queue_status_message(order, undo, config=config, due=now)
        # Pickup reminders withdrawn by a move out of « Commande prête » come back.
        from app.preparation.pickup import on_undo

        on_undo(change)
        return undo


def change_started(order: Order, change: StatusChange) -> datetime:
    """When the order entered the status `change` left (an undo gives that age back)."""
    before = (
        StatusChange.select(StatusChange.at)
        .where((StatusChange.order == order.id) & (StatusChange.id < change.id))
        .order_by(StatusChange.id.desc())
        .first()
    )
    return before.at if before is not None else order.created_at


def can_undo(change: StatusChange, *, config: Config, now: datetime | None = None) -> bool:
    """True while `change` may still be undone (see `undo_change`)."""
    now = now or utcnow()
    if change.kind != "change" or change.undone or change.to_status == OrderStatus.CANCELLED:
        return False
    if config.undo_seconds <= 0 or now >= change.at + timedelta(seconds=config.undo_seconds):
        return False
    latest = (
        StatusChange.select(fn.MAX(StatusChange.id))
        .where(StatusChange.order == change.order_id)
        .scalar()
    )
    if latest != change.id:
        return False
    gone = (
        Notification.select()
        .where(
            (Notification.change == change)
            & (Notification.state.not_in(NOT_LEFT))
            & (Notification.channel != MARKETPLACE)
        )
        .exists()
    )
    return not gone


def history(order: Order) -> list[StatusChange]:
    """The order's changes, oldest first."""
    return list(
        StatusChange.select()
        .where(StatusChange.order == order)
        .order_by(StatusChange.at, StatusChange.id)
    )
