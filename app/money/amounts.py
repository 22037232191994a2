"""Money, VAT, marketplace fees and payout dates: pure functions on Decimal amounts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.money.holidays import (
    add_business_days,
    holiday_region,
    is_business_day,
    is_french_holiday,
    set_holiday_region,
)

__all__ = [
    "CENT",
    "FEE_FIXED",
    "FEE_RATE",
    "PAYOUT_BUSINESS_DAYS",
    "VAT_RATES",
    "AmountError",
    "VatColumns",
    "VatRow",
    "add_business_days",
    "allocate_shipping",
    "fees",
    "from_cents",
    "holiday_region",
    "is_business_day",
    "is_french_holiday",
    "line_total",
    "parse_amount",
    "parse_vat_rate",
    "payout",
    "payout_date",
    "regional_vat_rates",
    "round_cents",
    "set_holiday_region",
    "split_vat",
    "to_cents",
    "vat_breakdown",
    "vat_columns",
]

CENT = Decimal("0.01")
VAT_RATES: tuple[Decimal, ...] = (
    Decimal("20.00"),
    Decimal("10.00"),
    Decimal("5.50"),
    Decimal("2.10"),
    Decimal("0.00"),
)
# The rates of the regions that have their own (CGI art. 297 for Corsica, art. 296 for
# Guadeloupe, Martinique and La Réunion); where VAT does not apply (Guyane, Mayotte, the
# overseas collectivities) only 0 %. Other regions use VAT_RATES.
REGIONAL_VAT_RATES: dict[str, tuple[Decimal, ...]] = {
    "Corse": tuple(Decimal(r) for r in ("20.00", "13.00", "10.00", "5.50", "2.10", "0.90", "0.00")),
    **dict.fromkeys(
        ("971", "972", "974"),
        tuple(Decimal(r) for r in ("8.50", "2.10", "1.75", "1.05", "0.00")),
    ),
    **dict.fromkeys(("973", "976", "BL", "MF", "NC", "PF", "PM", "TF", "WF"), (Decimal("0.00"),)),
}
FEE_RATE = Decimal("0.029")
FEE_FIXED = Decimal("0.25")
PAYOUT_BUSINESS_DAYS = 10

# Everything below is computed in integer cents, so results never depend on the thread's
# decimal context (precision, rounding, traps) and are exact at any size that fits the database.
_DEFAULT_SHIPPING_RATE = Decimal("20.00")
_MAX_CENTS = 2**63 - 1  # the database stores cents in a signed 64-bit integer
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
_FEE_NUM, _FEE_DEN = FEE_RATE.as_integer_ratio()
_FEE_FIXED_CENTS = int(FEE_FIXED * 100)


class AmountError(ValueError):
    """An amount or rate refused, with a short English message and a `code` saying why
    (empty, spaces, negative, comma, not-plain, decimals, too-large, below-cent, not-finite,
    rate), so that a caller can say it in the user's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _div_half_up(num: int, den: int) -> int:
    """Return num / den (den > 0) rounded half away from zero, like ROUND_HALF_UP."""
    quotient = (2 * abs(num) + den) // (2 * den)
    return quotient if num >= 0 else -quotient


def _cents(amount: Decimal, what: str) -> int:
    """Return amount as exact integer cents, or raise naming what was wrong."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise AmountError("not-finite", f"{what} is not a finite number")
    if amount and amount.adjusted() > 18:
        raise AmountError("too-large", f"{what} is too large")
    num, den = amount.as_integer_ratio()
    cents, rest = divmod(num * 100, den)
    if rest:
        raise AmountError("below-cent", f"{what} has digits below the cent")
    if abs(cents) > _MAX_CENTS:
        raise AmountError("too-large", f"{what} is too large")
    return cents


def _non_negative_cents(amount: Decimal, what: str) -> int:
    """Return amount as exact integer cents, refusing negative amounts."""
    cents = _cents(amount, what)
    if cents < 0:
        raise AmountError("negative", f"{what} must not be negative")
    return cents


def _rate(rate: Decimal) -> Decimal:
    """Return a VAT rate in percent normalised to 2 places, refusing negative or finer rates."""
    return from_cents(_non_negative_cents(rate, "VAT rate"))


def _parse_plain(text: str, what: str) -> Decimal:
    """Parse a plain non-negative decimal with at most 2 decimals, or raise a short reason."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a string, not {type(text).__name__}")
    if not text:
        raise AmountError("empty", f"{what} is empty")
    if text != text.strip():
        raise AmountError("spaces", f"{what} has leading or trailing spaces")
    if text.startswith("-"):
        raise AmountError("negative", f"{what} must not be negative")
    if "," in text:
        raise AmountError("comma", f"{what} must use a dot as decimal separator")
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise AmountError("not-plain", f"{what} is not a plain decimal number like 12.30")
    _, _, decimals = text.partition(".")
    if len(decimals) > 2:
        raise AmountError("decimals", f"{what} has more than 2 decimals")
    return from_cents(_cents(Decimal(text), what))


def to_cents(amount: Decimal) -> int:
    """Return amount as exact integer cents; ValueError if it has digits below the cent."""
    return _cents(amount, "amount")


def from_cents(cents: int) -> Decimal:
    """Return integer cents as a Decimal with exactly 2 places."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be an int, not {type(cents).__name__}")
    return Decimal(f"{cents}e-2")


def round_cents(amount: Decimal) -> Decimal:
    """Round amount to the cent, halves away from zero (ROUND_HALF_UP)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError("amount is not a finite number")
    num, den = amount.as_integer_ratio()
    return from_cents(_div_half_up(num * 100, den))


def parse_amount(text: str) -> Decimal:
    """Parse a non-negative amount like "12", "12.3" or "12.30" into a 2-place Decimal."""
    return _parse_plain(text, "amount")


def regional_vat_rates(region: str) -> tuple[Decimal, ...]:
    """The VAT rates of a shop in `region` (a canonical holiday region; '' metropolitan)."""
    return REGIONAL_VAT_RATES.get(region, VAT_RATES)


def parse_vat_rate(text: str, allowed: tuple[Decimal, ...] = VAT_RATES) -> Decimal:
    """Parse a VAT rate in percent like "20", "5.5" or "5.50" into one of `allowed`."""
    rate = _parse_plain(text, "VAT rate")
    if rate not in allowed:
        names = ", ".join(str(r) for r in allowed)
        raise AmountError("rate", f"VAT rate {text} is not one of {names}")
    return allowed[allowed.index(rate)]


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    """Return unit_price × quantity, exact to the cent."""
    price = _non_negative_cents(unit_price, "unit price")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise TypeError(f"quantity must be an int, not {type(quantity).__name__}")
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    return from_cents(price * quantity)


def _split_cents(ttc: int, rate: Decimal) -> int:
    """Return the HT cents of ttc cents at rate percent (rate already normalised)."""
    basis_points = _cents(rate, "VAT rate")
    return _div_half_up(ttc * 10_000, 10_000 + basis_points)


def split_vat(ttc: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """Return (HT, VAT): HT = TTC / (1 + rate/100) rounded half-up to the cent, VAT = TTC - HT."""
    ttc_cents = _cents(ttc, "amount incl. VAT")
    ht_cents = _split_cents(ttc_cents, _rate(rate))
    return from_cents(ht_cents), from_cents(ttc_cents - ht_cents)


@dataclass(frozen=True, slots=True)
class VatRow:
    """One VAT rate's line of an invoice or finance summary: rate in percent, HT, VAT, TTC."""

    rate: Decimal
    ht: Decimal
    vat: Decimal
    ttc: Decimal


def _allocate_cents(fee: int, goods: Mapping[Decimal, int]) -> dict[Decimal, int]:
    """Split fee cents over rates in proportion to goods cents (see allocate_shipping)."""
    if not goods:
        return {_DEFAULT_SHIPPING_RATE: fee} if fee else {}
    shares = dict.fromkeys(goods, 0)
    total = sum(goods.values())
    if total == 0:
        shares[max(goods)] = fee
        return shares
    largest = max(goods, key=lambda r: (goods[r], r))
    rounded_up: list[tuple[int, Decimal]] = []  # (how far above the exact share, rate)
    for rate, amount in goods.items():
        if rate == largest:
            continue
        quotient, rest = divmod(fee * amount, total)
        shares[rate] = quotient
        if 2 * rest >= total:
            shares[rate] += 1
            rounded_up.append((total - rest, rate))
    remainder = fee - sum(shares.values())
    # With three or more rates and a fee of a few cents, the others' round-ups can exceed the
    # fee; take the cents back from the shares rounded up the most so no share is negative.
    rounded_up.sort(reverse=True)
    for _, rate in rounded_up:
        if remainder >= 0:
            break
        shares[rate] -= 1
        remainder += 1
    shares[largest] = remainder
    return shares


def allocate_shipping(
    fee: Decimal, amounts_by_rate: Mapping[Decimal, Decimal]
) -> dict[Decimal, Decimal]:
    """Split fee pro rata per rate, rest to the largest; all goods 0: top rate (20.00 if none)."""
    fee_cents = _non_negative_cents(fee, "shipping fee")
    goods: dict[Decimal, int] = {}
    for rate, amount in amounts_by_rate.items():
        key = _rate(rate)
        goods[key] = goods.get(key, 0) + _non_negative_cents(amount, "goods amount")
    return {rate: from_cents(c) for rate, c in _allocate_cents(fee_cents, goods).items()}


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal]], shipping_fee: Decimal) -> list[VatRow]:
    """Return HT/VAT/TTC per rate (highest first) of (rate, TTC) lines plus allocated shipping."""
    fee_cents = _non_negative_cents(shipping_fee, "shipping fee")
    goods: dict[Decimal, int] = {}
    for rate, ttc in lines:
        key = _rate(rate)
        goods[key] = goods.get(key, 0) + _non_negative_cents(ttc, "line total")
    shipping = _allocate_cents(fee_cents, goods)
    rows: list[VatRow] = []
    for rate in sorted(goods.keys() | shipping.keys(), reverse=True):
        ttc_cents = goods.get(rate, 0) + shipping.get(rate, 0)
        ht_cents = _split_cents(ttc_cents, rate)
        rows.append(
            VatRow(
                rate=rate,
                ht=from_cents(ht_cents),
                vat=from_cents(ttc_cents - ht_cents),
                ttc=from_cents(ttc_cents),
            )
        )
    return rows


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Share `total` cents in proportion to `weights`, each share rounded down, then the
    cents left given one each to the largest remainders (ties: the earlier item)."""
    whole = sum(weights)
    if not weights:
        return []
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    shares = [total * w // whole for w in weights]
    rests = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for index in rests[: total - sum(shares)]:
        shares[index] += 1
    return shares


@dataclass(frozen=True, slots=True)
class VatColumns:
    """The columns of an invoice that add up to the cent: the VAT table per rate, each line's
    HT (its rate's HT shared by largest remainder) and the shipping fee's share per rate."""

    rows: tuple[VatRow, ...]
    line_ht: tuple[Decimal, ...]
    shipping_ttc: dict[Decimal, Decimal]
    shipping_ht: dict[Decimal, Decimal]


def vat_columns(lines: Iterable[tuple[Decimal, Decimal]], shipping_fee: Decimal) -> VatColumns:
    """Per rate first (TTC of the rate → HT and VAT, as vat_breakdown), then the rate's HT
    shared across its lines and its part of the shipping fee, in proportion to their TTC."""
    items = [(_rate(rate), _non_negative_cents(ttc, "line total")) for rate, ttc in lines]
    fee_cents = _non_negative_cents(shipping_fee, "shipping fee")
    goods: dict[Decimal, int] = {}
    for rate, ttc in items:
        goods[rate] = goods.get(rate, 0) + ttc
    shipping = _allocate_cents(fee_cents, goods)
    rows = vat_breakdown(((r, from_cents(t)) for r, t in items), shipping_fee)
    line_ht = [0] * len(items)
    shipping_ht: dict[Decimal, Decimal] = {}
    for row in rows:
        members = [i for i, (rate, _) in enumerate(items) if rate == row.rate]
        weights = [items[i][1] for i in members] + [shipping.get(row.rate, 0)]
        shares = _largest_remainder(to_cents(row.ht), weights)
        for index, share in zip(members, shares, strict=False):
            line_ht[index] = share
        if shipping.get(row.rate, 0):
            shipping_ht[row.rate] = from_cents(shares[-1])
    return VatColumns(
        rows=tuple(rows),
        line_ht=tuple(from_cents(c) for c in line_ht),
        shipping_ttc={rate: from_cents(c) for rate, c in shipping.items() if c},
        shipping_ht=shipping_ht,
    )


def fees(total: Decimal) -> Decimal:
    """Return the marketplace fee of an order total: 2.9 % half-up to the cent + 0.25, none on 0."""
    total_cents = _non_negative_cents(total, "total")
    if total_cents == 0:
        return from_cents(0)
    return from_cents(_div_half_up(total_cents * _FEE_NUM, _FEE_DEN) + _FEE_FIXED_CENTS)


def payout(total: Decimal, cancelled: bool = False) -> Decimal:
    """Return what the marketplace pays out for an order: total - fees, or 0 if cancelled."""
    fee = fees(total)
    if cancelled:
        return from_cents(0)
    return from_cents(_cents(total, "total") - _cents(fee, "fees"))


def payout_date(placed_on: date, region: str | None = None) -> date:
    """Return the date an order placed on placed_on (shop's local date) is paid out by, in
    the shop's holiday region (default: the one this process was given)."""
    return add_business_days(placed_on, PAYOUT_BUSINESS_DAYS, region)
