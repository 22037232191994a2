"""The one view of an order, and what the order screen reads and says, free of Textual.

`OrderView` is an order's content as plain values — customer, fulfilment, lines with their VAT
split, the VAT table, totals, status — built once per read by `order_view` and used by the
order screen, the mails and the documents alike. It is frozen and serialises to JSON
(`to_dict` / `from_dict`), so that a message or an issued document can keep the order as it
was when it was made.

`OrderDetail` is what the order screen reads in one go: the view, the record (for the
optimistic lock), the history and the notifications, and a cheap fingerprint that tells the
screen's poll whether anything changed since. The preview sentence and the undo rules live
here so that they can be tested without a terminal and reused by other front ends.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app import money
from app.clock import utcnow
from app.config import Config
from app.errors import TransitionError
from app.i18n import _, format_money
from app.messages.outbox import for_order
from app.messages.states import NotificationState
from app.orders.rules import ChangeResult, get_order, history, status_label, undo_change
from app.orders.statuses import OrderStatus
from app.shop import placeholders
from app.shop.profile import load_profile, missing_labels
from storage.models import Document, Notification, Order, OrderLine, StatusChange

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineView:
    """One product line with its VAT split (amounts incl. VAT unless named HT)."""

    position: int
    product: str
    category: str
    seller: str
    quantity: int
    unit_price: Decimal
    unit_price_ht: Decimal
    rate: Decimal
    ht: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class ShippingView:
    """The shipping fee, its VAT split following the goods' rates (SPEC §2)."""

    ttc: Decimal
    ht: Decimal
    vat: Decimal
    rates: tuple[Decimal, ...]


@dataclass(frozen=True)
class CompanyView:
    """A business customer's company (SIREN and VAT number as validated at intake)."""

    name: str
    siren: str = ""
    vat_number: str = ""


@dataclass(frozen=True)
class OrderView:
    """An order's content as plain values; times are the stored naive UTC."""

    number: str
    placed_at: datetime
    status: str
    customer_name: str
    customer_email: str
    customer_address: str
    customer_mobile: str  # "" when the customer gave none
    mode: str  # pickup | delivery
    details: str
    shipping_fee: Decimal
    total: Decimal
    refund: Decimal
    cancel_reason: str
    lines: tuple[LineView, ...]
    shipping: ShippingView
    vat_rows: tuple[money.VatRow, ...]
    total_ht: Decimal
    total_vat: Decimal
    company: CompanyView | None = None  # a business customer's; None for a consumer

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON-ready values (amounts and times as text), for keeping."""
        plain: dict[str, Any] = _plain(self)
        return plain

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderView:
        """The view `to_dict` gave."""
        lines = tuple(
            LineView(
                **{
                    **line,
                    **{k: Decimal(line[k]) for k in _LINE_AMOUNTS},
                }
            )
            for line in data["lines"]
        )
        shipping = data["shipping"]
        company = data.get("company")
        return cls(
            **{
                **data,
                "company": CompanyView(**company) if company else None,
                "placed_at": datetime.fromisoformat(data["placed_at"]),
                **{k: Decimal(data[k]) for k in _ORDER_AMOUNTS},
                "lines": lines,
                "shipping": ShippingView(
                    ttc=Decimal(shipping["ttc"]),
                    ht=Decimal(shipping["ht"]),
                    vat=Decimal(shipping["vat"]),
                    rates=tuple(Decimal(r) for r in shipping["rates"]),
                ),
                "vat_rows": tuple(
                    money.VatRow(**{k: Decimal(v) for k, v in row.items()})
                    for row in data["vat_rows"]
                ),
            }
        )


_LINE_AMOUNTS = ("unit_price", "unit_price_ht", "rate", "ht", "vat", "total")
_ORDER_AMOUNTS = ("shipping_fee", "total", "refund", "total_ht", "total_vat")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, tuples as lists, amounts and times as text (walked directly:
    `dataclasses.asdict` deep-copies everything first, twice the cost of an intake's
    snapshot)."""
    kind = type(value)
    if kind is Decimal:
        return str(value)
    if kind is datetime:
        return value.isoformat()
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value


def _line_view(line: OrderLine, ht: Decimal) -> LineView:
    rate = line.rate
    unit_ht, _unit_vat = money.split_vat(line.unit_price, rate)
    return LineView(
        position=line.position,
        product=line.product,
        category=line.category,
        seller=placeholders.shown(line.seller),  # the shop's own line: no "vendu par"
        quantity=line.quantity,
        unit_price=line.unit_price,
        unit_price_ht=unit_ht,
        rate=rate,
        ht=ht,
        vat=line.total - ht,
        total=line.total,
    )


def _shipping(fee: Decimal, columns: money.VatColumns) -> ShippingView:
    ht = sum(columns.shipping_ht.values(), start=_ZERO)
    rates = tuple(sorted(columns.shipping_ttc, reverse=True))
    return ShippingView(ttc=fee, ht=ht, vat=fee - ht, rates=rates)


def order_view(
    order: Order, lines: Iterable[OrderLine], *, shipping_fee: Decimal | None = None
) -> OrderView:
    """The view of `order` with its `lines` (read by the caller, in position order).

    Its columns add up to the cent: the lines' HT and the shipping's sum to each rate's HT,
    the VAT table's base (money.vat_columns). `shipping_fee` replaces the order's (0 for a
    document about some lines only)."""
    records = list(lines)
    fee = order.shipping_fee if shipping_fee is None else shipping_fee
    columns = money.vat_columns(((ln.rate, ln.total) for ln in records), fee)
    line_views = tuple(
        _line_view(line, ht) for line, ht in zip(records, columns.line_ht, strict=True)
    )
    rows = columns.rows
    return OrderView(
        number=order.number,
        placed_at=order.placed_at,
        status=order.status,
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        customer_address=order.customer_address,
        customer_mobile=order.customer_mobile or "",
        mode=order.fulfilment_mode,
        details=order.fulfilment_details or "",
        shipping_fee=fee,
        total=order.total
        if shipping_fee is None
        else fee + sum((ln.total for ln in records), start=_ZERO),
        refund=order.refund,
        cancel_reason=order.cancel_reason or "",
        lines=line_views,
        shipping=_shipping(fee, columns),
        vat_rows=rows,
        total_ht=sum((r.ht for r in rows), start=_ZERO),
        total_vat=sum((r.vat for r in rows), start=_ZERO),
        company=_company(order.customer_company),
    )


def lines_view(order: Order, lines: Iterable[OrderLine]) -> OrderView:
    """The view of only `lines` of `order`, without its shipping: what a partial credit note
    (a removal) or the invoice that rectifies it names; its total is theirs."""
    return order_view(order, lines, shipping_fee=_ZERO)


def _company(stored: str | None) -> CompanyView | None:
    if not stored:
        return None
    return CompanyView(**json.loads(stored))


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines in their order."""
    return list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))


def order_views(order_ids: Iterable[int]) -> dict[int, OrderView]:
    """The views of several orders by id, read in two queries (the notifier's batches)."""
    ids = list(set(order_ids))
    if not ids:
        return {}
    lines: dict[int, list[OrderLine]] = {i: [] for i in ids}
    for line in (
        OrderLine.select()
        .where(OrderLine.order.in_(ids))
        .order_by(OrderLine.order, OrderLine.position)
    ):
        lines[line.order_id].append(line)
    return {
        order.id: order_view(order, lines[order.id])
        for order in Order.select().where(Order.id.in_(ids))
    }


def read_order_view(number: str) -> OrderView:
    """The view of the order `number`, or NotFoundError."""
    order = get_order(number)
    return order_view(order, order_lines(order))


# (version, updated_at, ((notification id, state, attempts), ...)); None: no such order.
Fingerprint = tuple[Any, ...] | None


@dataclass(frozen=True)
class OrderDetail:
    """What the order screen shows, read in one go: the view and what surrounds it."""

    order: Order  # the record: its version is the optimistic lock of a change
    view: OrderView
    history: list[StatusChange]
    notifications: list[Notification]
    fingerprint: Fingerprint
    # The profile fields its invoice waits for ('' when it has one or needs none).
    invoice_wait: str = ""
    # The preparation (issue 13): events (ticks, notes, removals) and each ticked line's
    # position with who ticked it and when.
    events: tuple[Any, ...] = ()
    prepared: tuple[tuple[int, datetime, str], ...] = ()

    @property
    def status(self) -> OrderStatus:
        return OrderStatus(self.order.status)

    def with_change(self, result: ChangeResult) -> OrderDetail:
        """This detail after `result`, a change just written on it, without reading again."""
        history = sorted([*self.history, result.change], key=lambda c: (c.at, c.id))
        for note in self.notifications:
            if note.id in result.superseded:
                note.state = NotificationState.SUPERSEDED
                note.superseded_by = next(
                    (n.id for n in result.notifications if n.channel == note.channel), None
                )
        notifications = sorted(
            [*self.notifications, *result.notifications], key=lambda n: (n.created_at, n.id)
        )
        order = result.order
        messages = tuple(sorted((n.id, n.state, n.attempts) for n in notifications))
        view = dataclasses.replace(
            self.view,
            status=order.status,
            refund=order.refund,
            cancel_reason=order.cancel_reason or "",
        )
        return OrderDetail(
            order=order,
            view=view,
            history=history,
            notifications=notifications,
            fingerprint=(order.version, str(order.updated_at), messages),
            invoice_wait=self.invoice_wait,
            events=self.events,
            prepared=self.prepared,
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


def load_order_detail(number: str) -> OrderDetail:
    """The order `number` with its lines, history and notifications, or NotFoundError."""
    from app.preparation.journal import events  # the preparation's rows of the history

    stamp = fingerprint(number)
    order = get_order(number)
    lines = order_lines(order)
    return OrderDetail(
        order=order,
        view=order_view(order, lines),
        history=history(order),
        notifications=for_order(order),
        fingerprint=stamp,
        invoice_wait=_invoice_wait(order),
        events=tuple(events(order)),
        prepared=tuple(
            (line.position, line.prepared_at, line.prepared_by or "")
            for line in lines
            if line.prepared_at is not None
        ),
    )


def _invoice_wait(order: Order) -> str:
    """The missing profile fields, when the order's invoice waits for them."""
    if order.status == OrderStatus.ERROR.value:
        return ""
    profile = load_profile()
    if not profile.missing_for_invoices:
        return ""
    invoiced = (
        Document.select().where((Document.order == order) & (Document.kind == "invoice")).exists()
    )
    return "" if invoiced else missing_labels(profile)


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
