"""Intake of the marketplace's orders as JSON (SPEC §8), validated strictly.

A file is imported all or nothing: every order of it is checked first, then written in one
transaction. An order whose number is already known is skipped, said so, and never doubled.
"""

from __future__ import annotations

import json
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
from app.documents import issuing
from app.errors import IntakeError
from app.i18n import _
from app.orders.rules import (
    SYSTEM,
    queue_new_order_notifications,
    queue_status_notifications,
    view_snapshot,
)
from app.orders.statuses import OrderStatus
from app.orders.view import order_view
from app.shop.profile import load_profile
from app.text import fold, forbidden_character, printable, refusal
from storage.db import insert_row, insert_rows, select_in, write_transaction
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
    customer_company: dict[str, str] | None
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
    """A refusal: the field's path (`customer.email`, `lines[0].quantity`) or None, the
    reason in the user's language, and the order's number (or `#N`) once known."""

    def __init__(self, path: str | None, reason: str, order: str | None = None) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.order = order


def describe(order: str | None, path: str | None, reason: str) -> str:
    """« commande N : champ X : raison », the words every intake refusal is told in."""
    if order is not None and path is not None:
        return _(
            "commande {number} : champ {field} : {reason}", number=order, field=path, reason=reason
        )
    if order is not None:
        return _("commande {number} : {reason}", number=order, reason=reason)
    if path is not None:
        return _("champ {field} : {reason}", field=path, reason=reason)
    return reason


def _obj(value: Any, path: str | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, _("doit être un objet JSON"))
    return value


def _keys(
    value: dict[str, Any],
    path: str,
    required: set[str] | frozenset[str],
    optional: set[str] | frozenset[str] = frozenset(),
) -> None:
    missing = sorted(required - value.keys())
    if missing:
        raise _Invalid(f"{path}{missing[0]}", _("manque"))
    unknown = sorted(value.keys() - required - optional)
    if unknown:
        raise _Invalid(f"{path}{unknown[0]}", _("n'est pas un champ connu"))


def _text(value: Any, path: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, _("doit être une chaîne de caractères"))
    text = value.strip()
    if required and not text:
        raise _Invalid(path, _("ne doit pas être vide"))
    if len(text) > MAX_TEXT:
        raise _Invalid(path, _("dépasse {limit} caractères", limit=MAX_TEXT))
    char = forbidden_character(text, newlines=True)
    if char is not None:
        raise _Invalid(path, refusal(char))
    return text


def _amount_reason(exc: money.AmountError) -> str:
    """Why money refused an amount, in the user's language."""
    reasons = {
        "empty": _("montant vide"),
        "spaces": _("montant entouré d'espaces"),
        "negative": _("montant négatif"),
        "comma": _("le séparateur décimal doit être un point, comme 12.50"),
        "not-plain": _('pas un nombre décimal simple, comme "12.30"'),
        "decimals": _("plus de 2 décimales"),
        "too-large": _("montant trop grand pour être enregistré"),
    }
    return reasons.get(exc.code, _("montant invalide"))


def _amount(value: Any, path: str) -> Decimal:
    if not isinstance(value, str):
        raise _Invalid(path, _('doit être un montant écrit en chaîne, comme "12.50"'))
    try:
        amount = money.parse_amount(value)
    except money.AmountError as exc:
        raise _Invalid(path, _amount_reason(exc)) from None
    return _bounded(amount, path)


def _bounded(amount: Decimal, path: str) -> Decimal:
    if amount > MAX_AMOUNT:
        raise _Invalid(
            path,
            _(
                "dépasse {limit}, le plus grand montant qu'une commande peut porter",
                limit=MAX_AMOUNT,
            ),
        )
    return amount


def _number(value: Any) -> str:
    number = _text(value, "number")
    if len(number) > 64 or not all(c.isalnum() or c in "-_./" for c in number):
        raise _Invalid("number", _("64 lettres, chiffres, « - », « _ », « . » ou « / » au plus"))
    return number


def _placed_at(value: Any) -> datetime:
    text = _text(value, "placed_at")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Invalid(
            "placed_at",
            _("doit être une date et une heure ISO 8601, comme 2020-12-30T09:39:40+01:00"),
        ) from None
    if moment.tzinfo is None:
        raise _Invalid("placed_at", _("doit donner son décalage UTC (par exemple +01:00 ou Z)"))
    if not 2000 <= moment.year <= 2100:
        raise _Invalid("placed_at", _("n'est pas une date plausible"))
    return moment


def normalise_email(value: Any, path: str) -> str:
    """The email, checked for syntax only (no DNS), else _Invalid."""
    text = _text(value, path)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        if "@" not in text:
            raise _Invalid(path, _("n'est pas une adresse mail valide (pas de @)")) from None
        raise _Invalid(path, _("n'est pas une adresse mail valide")) from None


def normalise_mobile(text: str) -> str:
    """A French (or +international) mobile number in E.164, else ValueError saying why."""
    try:
        parsed = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ValueError(_("pas un numéro de téléphone")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(_("pas un numéro de téléphone valide")) from None
    kind = phonenumbers.number_type(parsed)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError(_("pas un numéro de mobile"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def parse_order(raw: Any, rates: tuple[Decimal, ...] = money.VAT_RATES) -> OrderDraft:
    """Validate one intake object (VAT among `rates`, the shop's region's); raise _Invalid
    naming the field (and the order, once its number is read)."""
    doc = _obj(raw, None)
    if "number" not in doc:
        raise _Invalid("number", _("manque"))
    number = _number(doc["number"])
    try:
        _keys(
            doc, "", {"number", "placed_at", "customer", "fulfilment", "lines", "total", "payment"}
        )
        return _parse_rest(doc, number, rates)
    except _Invalid as exc:
        raise _Invalid(exc.path, exc.reason, order=number) from None


def _parse_rest(doc: dict[str, Any], number: str, rates: tuple[Decimal, ...]) -> OrderDraft:
    placed_at = _placed_at(doc["placed_at"])
    customer = _obj(doc["customer"], "customer")
    _keys(customer, "customer.", {"name", "email", "address"}, {"mobile", "company"})
    company = _company(customer["company"]) if customer.get("company") is not None else None
    mobile = None
    if customer.get("mobile") not in (None, ""):
        mobile_text = _text(customer["mobile"], "customer.mobile")
        try:
            mobile = normalise_mobile(mobile_text)
        except ValueError as exc:
            words = _("{reason} : {value}", reason=exc, value=mobile_text)
            raise _Invalid("customer.mobile", words) from None
    fulfilment = _obj(doc["fulfilment"], "fulfilment")
    _keys(fulfilment, "fulfilment.", {"mode", "details", "shipping_fee"})
    mode = fulfilment["mode"]
    if mode not in MODES:
        raise _Invalid("fulfilment.mode", _("doit être « pickup » ou « delivery »"))
    raw_lines = doc["lines"]
    if not isinstance(raw_lines, list) or not raw_lines:
        raise _Invalid("lines", _("doit être une liste non vide"))
    if len(raw_lines) > MAX_LINES:
        raise _Invalid("lines", _("compte plus de {limit} lignes", limit=MAX_LINES))
    lines = tuple(_line(item, f"lines[{i}]", rates) for i, item in enumerate(raw_lines))
    shipping = _amount(fulfilment["shipping_fee"], "fulfilment.shipping_fee")
    total = _amount(doc["total"], "total")
    computed = sum((line.total for line in lines), start=shipping)
    _bounded(computed, "lines + fulfilment.shipping_fee")
    if computed != total:
        raise _Invalid(
            "total",
            _(
                "vaut {total} mais les lignes et la livraison font {computed}",
                total=total,
                computed=computed,
            ),
        )
    payment = doc["payment"]
    if payment not in PAYMENTS:
        raise _Invalid("payment", _("doit être « ok » ou « failed »"))
    return OrderDraft(
        number=number,
        placed_at=placed_at,
        customer_name=_text(customer["name"], "customer.name"),
        customer_email=normalise_email(customer["email"], "customer.email"),
        customer_address=_text(customer["address"], "customer.address", required=False),
        customer_mobile=mobile,
        customer_company=company,
        mode=mode,
        details=_text(fulfilment["details"], "fulfilment.details", required=False),
        shipping_fee=shipping,
        lines=lines,
        total=total,
        payment=payment,
    )


def _company(raw: Any) -> dict[str, str]:
    """A business customer: name, and SIREN and VAT number checked by python-stdnum (a French
    VAT number must carry the SIREN; another EU one is checked by its country's rules)."""
    from stdnum import exceptions as stdnum_errors
    from stdnum.eu import vat as eu_vat
    from stdnum.fr import siren as fr_siren
    from stdnum.fr import tva as fr_tva

    company = _obj(raw, "customer.company")
    _keys(company, "customer.company.", {"name"}, {"siren", "vat_number"})
    name = _text(company["name"], "customer.company.name")
    siren = _text(company.get("siren", ""), "customer.company.siren", required=False)
    vat = _text(company.get("vat_number", ""), "customer.company.vat_number", required=False)
    try:
        siren = fr_siren.validate(siren) if siren else ""
    except stdnum_errors.ValidationError:
        raise _Invalid("customer.company.siren", _("n'est pas un SIREN valide")) from None
    try:
        vat = eu_vat.compact(vat) if vat else ""
        if vat:
            eu_vat.validate(vat)
    except stdnum_errors.ValidationError:
        raise _Invalid(
            "customer.company.vat_number", _("n'est pas un numéro de TVA valide")
        ) from None
    if siren and vat.startswith("FR") and vat[4:7] != "000" and fr_tva.to_siren(vat) != siren:
        raise _Invalid(
            "customer.company.vat_number", _("ne porte pas le SIREN {siren}", siren=siren)
        )
    return {"name": name, "siren": siren, "vat_number": vat}


def _line(raw: Any, path: str, rates: tuple[Decimal, ...]) -> LineDraft:
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
        raise _Invalid(
            f"{path}.quantity", _("doit être un nombre entier de 1 à {limit}", limit=MAX_QUANTITY)
        )
    rate_text = line["vat_rate"]
    if not isinstance(rate_text, str):
        raise _Invalid(f"{path}.vat_rate", _('doit être une chaîne, comme "20.00"'))
    try:
        rate = money.parse_vat_rate(rate_text, rates)
    except money.AmountError as exc:
        if exc.code != "rate":
            raise _Invalid(f"{path}.vat_rate", _amount_reason(exc)) from None
        raise _Invalid(
            f"{path}.vat_rate",
            _(
                "le taux de TVA {rate} n'est pas l'un de {allowed}",
                rate=rate_text,
                allowed=", ".join(str(r) for r in rates),
            ),
        ) from None
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


def parse_document(data: Any, rates: tuple[Decimal, ...] = money.VAT_RATES) -> list[OrderDraft]:
    """One order object or a list of them; raise _Invalid on the first bad one."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise _Invalid(None, _("le document est une liste vide"))
    drafts: list[OrderDraft] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            draft = parse_order(item, rates)
        except _Invalid as exc:
            if exc.order is not None:
                raise
            raise _Invalid(exc.path, exc.reason, order=f"#{index + 1}") from None
        if draft.number in seen:
            raise _Invalid(None, _("figure deux fois dans le fichier"), order=draft.number)
        seen.add(draft.number)
        drafts.append(draft)
    return drafts


def search_text(draft: OrderDraft) -> str:
    """Lower-cased, accent-free text searched by `/`."""
    parts = [draft.number, draft.customer_name, draft.customer_email, draft.customer_mobile or ""]
    parts += [line.product for line in draft.lines]
    return fold(" ".join(parts))


_AT_ONCE: list[tuple[Config, Config]] = []


def _at_once(config: Config) -> Config:
    """`config` without the undo delay, made once per configuration (not once per order)."""
    last = _AT_ONCE[-1] if _AT_ONCE else None
    if last is not None and last[0] is config:
        return last[1]
    at_once = config.with_overrides(undo_seconds=0)
    _AT_ONCE[:] = [(config, at_once)]
    return at_once


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
        customer_company=(
            json.dumps(draft.customer_company, ensure_ascii=False)
            if draft.customer_company
            else None
        ),
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
    insert_rows(
        OrderLine,
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
        ],
    )
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
        # The order as its invoice and its messages show it, from what was just written.
        lines = [
            OrderLine(
                position=position,
                product=line.product,
                category=line.category,
                seller=line.seller,
                unit_price=line.unit_price,
                quantity=line.quantity,
                vat_rate=str(line.vat_rate),
                total=line.total,
            )
            for position, line in enumerate(draft.lines, start=1)
        ]
        view = order_view(order, lines)
        seller = load_profile()
        if seller.missing_for_invoices:  # the invoice waits for the profile
            issuing.note_invoice_waiting()
        else:
            issuing.issue_invoice(order, now, seller, view=view)
        snapshot = view_snapshot(view)
        queue_new_order_notifications(order, config, now, snapshot)
        # The registration mail is due at once: an intake cannot be undone.
        queue_status_notifications(order, status, None, _at_once(config), now, SYSTEM, snapshot)
    return order


def write_drafts(drafts: Sequence[OrderDraft], *, config: Config, now: datetime) -> ImportResult:
    """Record `drafts`, skipping numbers already known. Call inside a write transaction (an
    IntegrityError means another writer took one of the numbers: roll back, then again)."""
    result = ImportResult()
    known = select_in(Order, "number", [d.number for d in drafts])
    for draft in drafts:
        if draft.number in known:
            result.skipped.append(draft.number)
            continue
        known.add(draft.number)
        record_order(draft, config=config, now=now)
        result.imported.append(draft.number)
        if draft.status is OrderStatus.ERROR:
            result.failed_payment.append(draft.number)
    return result


def import_drafts(
    drafts: Sequence[OrderDraft], *, config: Config, now: datetime | None = None
) -> ImportResult:
    """Write `drafts` in one transaction, skipping numbers already known."""
    now = now or utcnow()
    for attempt in range(2):
        try:
            with write_transaction():
                # Invoices waiting for the profile go first: numbers follow arrival.
                issuing.issue_waiting_invoices(now)
                return write_drafts(drafts, config=config, now=now)
        except IntegrityError:
            # Another terminal imported one of these numbers meanwhile: read again, once.
            if attempt:
                raise
    raise AssertionError("unreachable")


class InvalidDocument(IntakeError):
    """A document refused whole, in the words `comptoir import` prints: « commande N :
    champ X : raison »; `order` (its number, or `#N` by position) and `field` when known."""

    def __init__(self, reason: str, *, order: str | None = None, field: str | None = None) -> None:
        super().__init__(describe(order, field, reason))
        self.reason = reason
        self.order = order
        self.field = field


def _json_reason(exc: json.JSONDecodeError) -> str:
    # Python's JSON decoder says what it expected in English; its position is given apart.
    words = (
        ("Expecting value", _("une valeur est attendue")),
        ("Expecting ',' delimiter", _("une virgule est attendue")),
        ("Expecting ':' delimiter", _("deux-points sont attendus")),
        ("Expecting property name", _("un nom de champ entre guillemets est attendu")),
        ("Extra data", _("du texte suit la fin du document")),
        ("Unterminated string", _("une chaîne n'est pas fermée")),
        ("Invalid control character", _("caractère de contrôle dans une chaîne")),
        ("Invalid \\uXXXX", _("séquence \\uXXXX invalide")),
        ("Invalid \\escape", _("séquence d'échappement invalide")),
    )
    what = next((french for start, french in words if exc.msg.startswith(start)), None)
    what = what or _("syntaxe invalide")
    return _(
        "JSON invalide (ligne {line}, colonne {column} : {what})",
        line=exc.lineno,
        column=exc.colno,
        what=what,
    )


def decode_document(
    data: bytes | str, rates: tuple[Decimal, ...] = money.VAT_RATES
) -> list[OrderDraft]:
    """Parse and validate one JSON document (UTF-8 bytes or text); InvalidDocument if not."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            _("JSON invalide (pas en UTF-8 : octet {offset})", offset=exc.start)
        ) from None
    try:
        parsed = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidDocument(_json_reason(exc)) from None
    except _Constant as exc:
        raise InvalidDocument(
            _("JSON invalide ({name} n'est pas une valeur admise)", name=exc.name)
        ) from None
    except RecursionError:
        raise InvalidDocument(_("le document est imbriqué trop profondément")) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InvalidDocument(_("JSON invalide (valeur impossible à lire)")) from None
    try:
        return parse_document(parsed, rates)
    except _Invalid as exc:
        raise InvalidDocument(exc.reason, order=exc.order, field=exc.path) from None
    except RecursionError:
        raise InvalidDocument(_("le document est imbriqué trop profondément")) from None


def load_file(path: Path, rates: tuple[Decimal, ...] = money.VAT_RATES) -> list[OrderDraft]:
    """Read and validate one JSON file; IntakeError names the file, the order and the field."""
    shown = printable(str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IntakeError(_("{file} : fichier introuvable", file=shown)) from None
    except OSError as exc:
        raise IntakeError(
            _("{file} : lecture impossible ({reason})", file=shown, reason=exc.strerror or exc)
        ) from None
    try:
        return decode_document(data, rates)
    except InvalidDocument as exc:
        raise IntakeError(printable(_("{file} : {error}", file=shown, error=exc))) from None


class _Constant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def import_files(
    paths: Iterable[Path], *, config: Config, now: datetime | None = None
) -> ImportResult:
    """Validate every file first, then import each in its own transaction.

    One invalid file stops the whole command before anything is written, so the database
    is either unchanged or holds each file whole.
    """
    rates = money.regional_vat_rates(config.holiday_region)
    loaded = [(path, load_file(path, rates)) for path in paths]
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
