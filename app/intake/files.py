"""Intake of the marketplace's orders as JSON (SPEC §8), validated strictly.

A file is imported all or nothing: every order of it is checked first, then written in one
transaction. An order whose number is already known is skipped, said so, and never doubled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from peewee import IntegrityError

from app import money
from app.clock import utcnow
from app.config import Config
from app.documents import numbering as documents_numbering
from app.errors import IntakeError
from app.i18n import _
from app.orders.rules import SYSTEM, queue_new_order_notifications, queue_status_notifications
from app.orders.statuses import OrderStatus
from app.text import fold, forbidden_character, printable, refusal
from storage.db import insert_row, tuples, write_transaction
from storage.models import Order, OrderLine, StatusChange

MODES = ("pickup", "delivery")
PAYMENTS = ("ok", "failed")
MAX_TEXT = 2_000
MAX_LINES = 1_000
MAX_QUANTITY = 100_000
# The largest amount an order, a line or a price may hold: 1,000,000.00 € (10**8 cents),
# a hundred times any order a shop at a counter takes. The database holds 64-bit cents
# (9.2 × 10**18): two orders near that limit made the calendar's month sum overflow. At
# this bound a month's sum overflows only past 92 billion orders.
MAX_AMOUNT = Decimal("1000000.00")


@dataclass(frozen=True)
class LineDraft:
    """A validated order line."""

    product: str
    category: str
    seller: str
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal

    @property
    def total(self) -> Decimal:
        return money.line_total(self.unit_price, self.quantity)


@dataclass(frozen=True)
class OrderDraft:
    """A validated order, ready to be written."""

    number: str
    placed_at: datetime  # aware
    customer_name: str
    customer_email: str
    customer_address: str
    customer_mobile: str | None
    mode: str
    details: str
    shipping_fee: Decimal
    lines: tuple[LineDraft, ...]
    total: Decimal
    payment: str

    @property
    def status(self) -> OrderStatus:
        return OrderStatus.ERROR if self.payment == "failed" else OrderStatus.REGISTERED


@dataclass
class ImportResult:
    """What an import did, for the one-line summary."""

    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed_payment: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "{imported} commande(s) importée(s), {skipped} déjà connue(s), "
            "{errors} en erreur de paiement.",
            imported=len(self.imported),
            skipped=len(self.skipped),
            errors=len(self.failed_payment),
        )


class _Invalid(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, "must be an object")
    return value


def _keys(
    value: dict[str, Any],
    path: str,
    required: set[str] | frozenset[str],
    optional: set[str] | frozenset[str] = frozenset(),
) -> None:
    missing = sorted(required - value.keys())
    if missing:
        raise _Invalid(f"{path}{missing[0]}" if path else missing[0], "is missing")
    unknown = sorted(value.keys() - required - optional)
    if unknown:
        raise _Invalid(f"{path}{unknown[0]}" if path else unknown[0], "is not a known field")


def _text(value: Any, path: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, "must be a string")
    text = value.strip()
    if required and not text:
        raise _Invalid(path, "must not be empty")
    if len(text) > MAX_TEXT:
        raise _Invalid(path, f"is longer than {MAX_TEXT} characters")
    char = forbidden_character(text, newlines=True)
    if char is not None:
        raise _Invalid(path, refusal(char))
    return text


def _amount(value: Any, path: str) -> Decimal:
    if not isinstance(value, str):
        raise _Invalid(path, 'must be an amount as a string, like "12.50"')
    try:
        amount = money.parse_amount(value)
    except ValueError as exc:
        raise _Invalid(path, str(exc)) from None
    return _bounded(amount, path)


def _bounded(amount: Decimal, path: str) -> Decimal:
    if amount > MAX_AMOUNT:
        raise _Invalid(path, f"is above {MAX_AMOUNT}, the largest amount an order may hold")
    return amount


def _number(value: Any) -> str:
    number = _text(value, "number")
    if len(number) > 64 or not all(c.isalnum() or c in "-_./" for c in number):
        raise _Invalid("number", "must be up to 64 letters, digits, '-', '_', '.' or '/'")
    return number


def _placed_at(value: Any) -> datetime:
    text = _text(value, "placed_at")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Invalid(
            "placed_at", "must be an ISO 8601 date and time, like 2020-12-30T09:39:40+01:00"
        ) from None
    if moment.tzinfo is None:
        raise _Invalid("placed_at", "must give its UTC offset (e.g. +01:00 or Z)")
    if not 2000 <= moment.year <= 2100:
        raise _Invalid("placed_at", "is not a plausible date")
    return moment


def normalise_email(value: Any, path: str) -> str:
    """The email, checked for syntax only (no DNS), else _Invalid."""
    text = _text(value, path)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise _Invalid(path, f"is not a valid email address ({exc})") from None


def normalise_mobile(text: str) -> str:
    """A French (or +international) mobile number in E.164, else ValueError."""
    try:
        parsed = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number")
    kind = phonenumbers.number_type(parsed)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError("not a mobile number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def parse_order(raw: Any) -> OrderDraft:
    """Validate one intake object; raise _Invalid naming the field."""
    doc = _obj(raw, "order")
    if "number" not in doc:
        raise _Invalid("number", "is missing")
    number = _number(doc["number"])
    try:
        _keys(
            doc, "", {"number", "placed_at", "customer", "fulfilment", "lines", "total", "payment"}
        )
        return _parse_rest(doc, number)
    except _Invalid as exc:
        raise _Invalid(f"order {number}: field {exc.path}", exc.reason) from None


def _parse_rest(doc: dict[str, Any], number: str) -> OrderDraft:
    placed_at = _placed_at(doc["placed_at"])
    customer = _obj(doc["customer"], "customer")
    _keys(customer, "customer.", {"name", "email", "address"}, {"mobile"})
    mobile = None
    if customer.get("mobile") not in (None, ""):
        mobile_text = _text(customer["mobile"], "customer.mobile")
        try:
            mobile = normalise_mobile(mobile_text)
        except ValueError as exc:
            raise _Invalid("customer.mobile", f"{exc}: {mobile_text}") from None
    fulfilment = _obj(doc["fulfilment"], "fulfilment")
    _keys(fulfilment, "fulfilment.", {"mode", "details", "shipping_fee"})
    mode = fulfilment["mode"]
    if mode not in MODES:
        raise _Invalid("fulfilment.mode", "must be 'pickup' or 'delivery'")
    raw_lines = doc["lines"]
    if not isinstance(raw_lines, list) or not raw_lines:
        raise _Invalid("lines", "must be a non-empty list")
    if len(raw_lines) > MAX_LINES:
        raise _Invalid("lines", f"has more than {MAX_LINES} lines")
    lines = tuple(_line(item, f"lines[{i}]") for i, item in enumerate(raw_lines))
    shipping = _amount(fulfilment["shipping_fee"], "fulfilment.shipping_fee")
    total = _amount(doc["total"], "total")
    computed = sum((line.total for line in lines), start=shipping)
    _bounded(computed, "lines and shipping")
    if computed != total:
        raise _Invalid("total", f"is {total} but the lines and shipping add up to {computed}")
    payment = doc["payment"]
    if payment not in PAYMENTS:
        raise _Invalid("payment", "must be 'ok' or 'failed'")
    return OrderDraft(
        number=number,
        placed_at=placed_at,
        customer_name=_text(customer["name"], "customer.name"),
        customer_email=normalise_email(customer["email"], "customer.email"),
        customer_address=_text(customer["address"], "customer.address", required=False),
        customer_mobile=mobile,
        mode=mode,
        details=_text(fulfilment["details"], "fulfilment.details", required=False),
        shipping_fee=shipping,
        lines=lines,
        total=total,
        payment=payment,
    )


def _line(raw: Any, path: str) -> LineDraft:
    line = _obj(raw, path)
    _keys(
        line, f"{path}.", {"product", "unit_price", "quantity", "vat_rate"}, {"category", "seller"}
    )
    quantity = line["quantity"]
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        raise _Invalid(f"{path}.quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
    rate_text = line["vat_rate"]
    if not isinstance(rate_text, str):
        raise _Invalid(f"{path}.vat_rate", 'must be a string, like "20.00"')
    try:
        rate = money.parse_vat_rate(rate_text)
    except ValueError as exc:
        raise _Invalid(f"{path}.vat_rate", str(exc)) from None
    draft = LineDraft(
        product=_text(line["product"], f"{path}.product"),
        category=_text(line.get("category", ""), f"{path}.category", required=False),
        seller=_text(line.get("seller", ""), f"{path}.seller", required=False),
        unit_price=_amount(line["unit_price"], f"{path}.unit_price"),
        quantity=quantity,
        vat_rate=rate,
    )
    _bounded(draft.total, f"{path} (unit_price × quantity)")
    return draft


def parse_document(data: Any) -> list[OrderDraft]:
    """One order object or a list of them; raise _Invalid on the first bad one."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise _Invalid("document", "is an empty list")
    drafts: list[OrderDraft] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            draft = parse_order(item)
        except _Invalid as exc:
            if exc.path.startswith("order "):
                raise
            raise _Invalid(f"order #{index + 1}: field {exc.path}", exc.reason) from None
        if draft.number in seen:
            raise _Invalid(f"order {draft.number}", "appears twice in the file")
        seen.add(draft.number)
        drafts.append(draft)
    return drafts


def search_text(draft: OrderDraft) -> str:
    """Lower-cased, accent-free text searched by `/`."""
    parts = [draft.number, draft.customer_name, draft.customer_email, draft.customer_mobile or ""]
    parts += [line.product for line in draft.lines]
    return fold(" ".join(parts))


def record_order(draft: OrderDraft, *, config: Config, now: datetime) -> Order:
    """Write one validated order with its lines, history, invoice and notifications.

    Call inside a write transaction.
    """
    placed_utc = draft.placed_at.astimezone(UTC)
    placed_local = draft.placed_at.astimezone(config.tz)
    status = draft.status
    order = insert_row(
        Order,
        number=draft.number,
        placed_at=placed_utc.replace(tzinfo=None),
        placed_day=placed_local.date(),
        customer_name=draft.customer_name,
        customer_email=draft.customer_email,
        customer_address=draft.customer_address,
        customer_mobile=draft.customer_mobile,
        fulfilment_mode=draft.mode,
        fulfilment_details=draft.details,
        shipping_fee=draft.shipping_fee,
        total=draft.total,
        status=status.value,
        payment=draft.payment,
        search_text=search_text(draft),
        created_at=now,
        updated_at=now,
    )
    OrderLine.insert_many(
        [
            {
                "order": order.id,
                "position": position,
                "product": line.product,
                "category": line.category,
                "seller": line.seller,
                "unit_price": money.to_cents(line.unit_price),
                "quantity": line.quantity,
                "vat_rate": str(line.vat_rate),
                "total": money.to_cents(line.total),
            }
            for position, line in enumerate(draft.lines, start=1)
        ]
    ).execute()
    insert_row(
        StatusChange,
        order=order,
        at=now,
        by=SYSTEM,
        from_status=None,
        to_status=status.value,
        kind="intake",
        reason="payment failed" if status is OrderStatus.ERROR else None,
    )
    if status is OrderStatus.REGISTERED:
        documents_numbering.issue(
            "invoice", order, draft.total, placed_utc.replace(tzinfo=None), placed_local.year
        )
        queue_new_order_notifications(order, config, now)
        # The registration mail is due at once: an intake cannot be undone.
        queue_status_notifications(
            order, status, None, config.with_overrides(undo_seconds=0), now, SYSTEM
        )
    return order


def import_drafts(
    drafts: Sequence[OrderDraft], *, config: Config, now: datetime | None = None
) -> ImportResult:
    """Write `drafts` in one transaction, skipping numbers already known."""
    now = now or utcnow()
    result = ImportResult()
    for attempt in range(2):
        result = ImportResult()
        try:
            with write_transaction():
                numbers = [d.number for d in drafts]
                known: set[str] = set()
                for start in range(0, len(numbers), 500):
                    chunk = numbers[start : start + 500]
                    query = Order.select(Order.number).where(Order.number.in_(chunk))
                    known |= {n for (n,) in tuples(query)}
                for draft in drafts:
                    if draft.number in known:
                        result.skipped.append(draft.number)
                        continue
                    record_order(draft, config=config, now=now)
                    result.imported.append(draft.number)
                    if draft.status is OrderStatus.ERROR:
                        result.failed_payment.append(draft.number)
            return result
        except IntegrityError:
            # Another terminal imported one of these numbers meanwhile: read again, once.
            if attempt:
                raise
    return result


class InvalidDocument(IntakeError):
    """A document refused whole: `where` (the order and field, or the document itself) and
    `reason`, in the words `comptoir import` prints; `order` and `field` when known."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.reason = reason
        match = _WHERE.match(where)
        self.order = match.group("order") if match else None
        self.field = match.group("field") if match else None


_WHERE = re.compile(r"order (?P<order>\S+?)(?:: field (?P<field>.+))?$")


def decode_document(data: bytes | str) -> list[OrderDraft]:
    """Parse and validate one JSON document (UTF-8 bytes or text); InvalidDocument if not."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InvalidDocument("", f"not valid JSON (not UTF-8: {exc.reason})") from None
    try:
        parsed = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise InvalidDocument("", f"not valid JSON ({exc})") from None
    except RecursionError:
        raise InvalidDocument("", "the document is nested too deeply") from None
    try:
        return parse_document(parsed)
    except _Invalid as exc:
        raise InvalidDocument(exc.path, exc.reason) from None
    except RecursionError:
        raise InvalidDocument("", "the document is nested too deeply") from None


def load_file(path: Path) -> list[OrderDraft]:
    """Read and validate one JSON file; IntakeError names the file, the order and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IntakeError(printable(f"{path}: no such file")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IntakeError(printable(f"{path}: cannot read it ({exc})")) from None
    try:
        return decode_document(text)
    except InvalidDocument as exc:
        raise IntakeError(printable(f"{path}: {exc}")) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def import_files(
    paths: Iterable[Path], *, config: Config, now: datetime | None = None
) -> ImportResult:
    """Validate every file first, then import each in its own transaction.

    One invalid file stops the whole command before anything is written, so the database
    is either unchanged or holds each file whole.
    """
    loaded = [(path, load_file(path)) for path in paths]
    total = ImportResult()
    for path, drafts in loaded:
        result = import_drafts(drafts, config=config, now=now)
        total.imported += result.imported
        total.skipped += result.skipped
        total.failed_payment += result.failed_payment
        shown = printable(str(path))
        total.messages += [
            _("{file} : commande {number} déjà connue, ignorée.", file=shown, number=n)
            for n in result.skipped
        ]
    return total
