"""Money, VAT, marketplace fees and payout dates: pure functions on Decimal amounts."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

__all__ = [
    "CENT",
    "FEE_FIXED",
    "FEE_RATE",
    "PAYOUT_BUSINESS_DAYS",
    "VAT_RATES",
    "VatRow",
    "add_business_days",
    "allocate_shipping",
    "fees",
    "from_cents",
    "is_business_day",
    "is_french_holiday",
    "line_total",
    "parse_amount",
    "parse_vat_rate",
    "payout",
    "payout_date",
    "round_cents",
    "split_vat",
    "to_cents",
    "vat_breakdown",
]

CENT = Decimal("0.01")
VAT_RATES: tuple[Decimal, ...] = (
    Decimal("20.00"),
    Decimal("10.00"),
    Decimal("5.50"),
    Decimal("2.10"),
    Decimal("0.00"),
)
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


def _div_half_up(num: int, den: int) -> int:
    """Return num / den (den > 0) rounded half away from zero, like ROUND_HALF_UP."""
    quotient = (2 * abs(num) + den) // (2 * den)
    return quotient if num >= 0 else -quotient


def _cents(amount: Decimal, what: str) -> int:
    """Return amount as exact integer cents, or raise naming what was wrong."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"{what} is not a finite number")
    if amount and amount.adjusted() > 18:
        raise ValueError(f"{what} is too large")
    num, den = amount.as_integer_ratio()
    cents, rest = divmod(num * 100, den)
    if rest:
        raise ValueError(f"{what} has digits below the cent")
    if abs(cents) > _MAX_CENTS:
        raise ValueError(f"{what} is too large")
    return cents


def _non_negative_cents(amount: Decimal, what: str) -> int:
    """Return amount as exact integer cents, refusing negative amounts."""
    cents = _cents(amount, what)
    if cents < 0:
        raise ValueError(f"{what} must not be negative")
    return cents


def _rate(rate: Decimal) -> Decimal:
    """Return a VAT rate in percent normalised to 2 places, refusing negative or finer rates."""
    return from_cents(_non_negative_cents(rate, "VAT rate"))


def _parse_plain(text: str, what: str) -> Decimal:
    """Parse a plain non-negative decimal with at most 2 decimals, or raise a short reason."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a string, not {type(text).__name__}")
    if not text:
        raise ValueError(f"{what} is empty")
    if text != text.strip():
        raise ValueError(f"{what} has leading or trailing spaces")
    if text.startswith("-"):
        raise ValueError(f"{what} must not be negative")
    if "," in text:
        raise ValueError(f"{what} must use a dot as decimal separator")
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise ValueError(f"{what} is not a plain decimal number like 12.30")
    _, _, decimals = text.partition(".")
    if len(decimals) > 2:
        raise ValueError(f"{what} has more than 2 decimals")
    return from_cents(_cents(Decimal(text), what))


def _check_date(day: date) -> None:
    """Refuse datetimes (convert to the shop's local date first) and non-dates."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date in the shop's timezone, not {type(day).__name__}")


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


def parse_vat_rate(text: str) -> Decimal:
    """Parse a VAT rate in percent like "20", "5.5" or "5.50" into one of VAT_RATES."""
    rate = _parse_plain(text, "VAT rate")
    if rate not in VAT_RATES:
        allowed = ", ".join(str(r) for r in VAT_RATES)
        raise ValueError(f"VAT rate {text} is not one of {allowed}")
    return VAT_RATES[VAT_RATES.index(rate)]


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


def _french_package_days(years: Iterable[int] | int) -> Iterable[date]:
    """France's public holidays of `years` from the `holidays` package (imported here: a
    start that finds the cache file below never loads it)."""
    import holidays

    return holidays.country_holidays("FR", years=years).keys()


# France's holidays of these years are kept in a small file of the cache folder, written from
# the `holidays` package once per version of it: importing the package (its calendars,
# importlib.metadata for its version) costs about a tenth of a second at every start, and the
# calendar of the first screen needs a few days of one year.
_TABLE_YEARS = range(2000, 2100)
_TABLE_HEADER = "comptoir-french-holidays 1"
_TABLE_FILE = "french-holidays.txt"
_table_lock = threading.Lock()


def _holidays_version() -> str:
    """The installed `holidays` version, read without importing the package when possible.

    Its `*.dist-info` folder beside the package names it; otherwise importlib.metadata (as
    the package itself does, about 50 ms) says it.
    """
    spec = importlib.util.find_spec("holidays")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if len(locations) == 1:
        folder = Path(locations[0]).parent
        try:
            found = [p.name for p in folder.glob("holidays-*.dist-info")]
        except OSError:
            found = []
        if len(found) == 1:
            return found[0].removeprefix("holidays-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("holidays")


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode('ascii')):08x}"


def _read_table(text: str, version: str) -> dict[int, frozenset[date]] | None:
    """The table a cache file holds, or None if it is not a whole one for this version."""
    header, _, body = text.partition("\n")
    expected = [*_TABLE_HEADER.split(" "), version, str(_TABLE_YEARS.start), str(_TABLE_YEARS.stop)]
    fields = header.split(" ")
    if fields[:-1] != expected or fields[-1] != _checksum(body):
        return None  # another version or span, cut short, or changed
    table: dict[int, set[date]] = {year: set() for year in _TABLE_YEARS}
    for text_day in body.splitlines():
        day = date.fromisoformat(text_day)
        if day.year not in table or day.isoformat() != text_day:
            return None
        table[day.year].add(day)
    return {year: frozenset(days_of_year) for year, days_of_year in table.items()}


def _write_table(path: Path, version: str, table: dict[int, frozenset[date]]) -> None:
    """Write the table for this version (whole or not at all: a new file put in place)."""
    body = "".join(f"{day.isoformat()}\n" for year in _TABLE_YEARS for day in sorted(table[year]))
    start, stop = _TABLE_YEARS.start, _TABLE_YEARS.stop
    header = f"{_TABLE_HEADER} {version} {start} {stop} {_checksum(body)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fresh.write_text(f"{header}\n{body}", encoding="ascii")
        os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _holiday_table() -> dict[int, frozenset[date]]:
    """France's public holidays of _TABLE_YEARS, by year, as the `holidays` package has them.

    Read from the cache file when it is one for the installed version of the package; a
    missing, unreadable, damaged or older file is rebuilt from the package (and if it cannot
    be written, the package's days are used all the same).
    """
    from app import locations

    with _table_lock:
        version = _holidays_version()
        path = locations.cache_dir() / _TABLE_FILE
        try:
            table = _read_table(path.read_text(encoding="ascii"), version)
        except (OSError, ValueError):
            table = None
        if table is not None:
            return table
        by_year: dict[int, set[date]] = {year: set() for year in _TABLE_YEARS}
        for day in _french_package_days(_TABLE_YEARS):
            by_year[day.year].add(day)
        table = {year: frozenset(days) for year, days in by_year.items()}
        with contextlib.suppress(OSError):
            _write_table(path, version, table)
        return table


@lru_cache(maxsize=256)
def _french_holidays(year: int) -> frozenset[date]:
    """Return the French (national) public holidays of one year, built once per year."""
    if year in _TABLE_YEARS:
        return _holiday_table()[year]
    return frozenset(_french_package_days(year))


@lru_cache(maxsize=4096)
def _add_business_days(start: date, days: int) -> date:
    """Walk forward from start counting business days; cached since orders share few dates."""
    day = start
    one_day = timedelta(days=1)
    while days:
        day += one_day
        if day.weekday() < 5 and day not in _french_holidays(day.year):
            days -= 1
    return day


def is_french_holiday(day: date) -> bool:
    """Tell whether day is a French national public holiday."""
    _check_date(day)
    return day in _french_holidays(day.year)


def is_business_day(day: date) -> bool:
    """Tell whether day is a "jour ouvré": Monday to Friday and not a French public holiday."""
    _check_date(day)
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """Return the date days business days after start (start itself never counts; 0 gives start)."""
    _check_date(start)
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, not {type(days).__name__}")
    if days < 0:
        raise ValueError("days must not be negative")
    return _add_business_days(start, days)


def payout_date(placed_on: date) -> date:
    """Return the date an order placed on placed_on (shop's local date) is paid out by."""
    return add_business_days(placed_on, PAYOUT_BUSINESS_DAYS)
