"""Tests for app.money: cents, parsing, VAT, shipping allocation, fees, payouts and their dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import (
    ROUND_HALF_UP,
    Decimal,
    localcontext,
)
from pathlib import Path
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import locations
from app.money import holidays as money_holidays
from app.money.amounts import (
    CENT,
    FEE_FIXED,
    FEE_RATE,
    PAYOUT_BUSINESS_DAYS,
    VAT_RATES,
    VatRow,
    add_business_days,
    allocate_shipping,
    fees,
    from_cents,
    is_business_day,
    is_french_holiday,
    line_total,
    parse_amount,
    parse_vat_rate,
    payout,
    payout_date,
    round_cents,
    split_vat,
    to_cents,
    vat_breakdown,
)

D = Decimal

# --- constants -------------------------------------------------------------------------------


def test_constants() -> None:
    assert D("0.01") == CENT
    assert (D("20.00"), D("10.00"), D("5.50"), D("2.10"), D("0.00")) == VAT_RATES
    assert all(str(r) in {"20.00", "10.00", "5.50", "2.10", "0.00"} for r in VAT_RATES)
    assert (D("0.029"), D("0.25"), 10) == (FEE_RATE, FEE_FIXED, PAYOUT_BUSINESS_DAYS)


# --- cents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("0", 0), ("0.00", 0), ("-0.00", 0), ("1", 100), ("1.5", 150), ("19.99", 1999),
     ("1.000", 100), ("-2.05", -205), ("123456789012.34", 12345678901234)],
)  # fmt: skip
def test_to_cents_is_exact(amount: str, cents: int) -> None:
    assert to_cents(D(amount)) == cents


@pytest.mark.parametrize("amount", ["0.001", "1.005", "-0.001", "19.999"])
def test_to_cents_refuses_sub_cent_digits(amount: str) -> None:
    with pytest.raises(ValueError, match="below the cent"):
        to_cents(D(amount))


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+30"])
def test_to_cents_refuses_non_finite_and_huge(amount: str) -> None:
    with pytest.raises(ValueError):
        to_cents(D(amount))


def test_to_cents_refuses_float() -> None:
    with pytest.raises(TypeError):
        to_cents(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "0.00"), (1, "0.01"), (100, "1.00"), (1999, "19.99"), (-5, "-0.05")]
)
def test_from_cents_has_two_places(cents: int, text: str) -> None:
    assert str(from_cents(cents)) == text


def test_from_cents_refuses_non_int() -> None:
    with pytest.raises(TypeError):
        from_cents(D("1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_cents(True)


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("0.005", "0.01"), ("0.025", "0.03"), ("0.0249999", "0.02"), ("2.675", "2.68"),
     ("1", "1.00"), ("-0.005", "-0.01"), ("-0.004", "0.00"), ("0.57971", "0.58")],
)  # fmt: skip
def test_round_cents_is_half_up(amount: str, rounded: str) -> None:
    # 0.025 and 2.675 would go down with banker's rounding (ROUND_HALF_EVEN).
    assert str(round_cents(D(amount))) == rounded


def test_results_ignore_the_thread_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = "ROUND_DOWN"
        assert round_cents(D("12345.675")) == D("12345.68")
        assert fees(D("19999.99")) == D("580.25")
        assert split_vat(D("12345.67"), D("20")) == (D("10288.06"), D("2057.61"))


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", "12.00"), ("12.3", "12.30"), ("12.30", "12.30"), ("0", "0.00"), ("0.00", "0.00"),
     ("007.5", "7.50"), ("1999999.99", "1999999.99")],
)  # fmt: skip
def test_parse_amount_accepts_plain_amounts(text: str, value: str) -> None:
    parsed = parse_amount(text)
    assert str(parsed) == value
    assert isinstance(parsed, Decimal)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" 1", "spaces"),
        ("1 ", "spaces"),
        ("1\n", "spaces"),
        ("\u00a01", "spaces"),
        ("-1", "negative"),
        ("-0.00", "negative"),
        ("1,00", "dot"),
        ("1.001", "more than 2 decimals"),
        ("0.005", "more than 2 decimals"),
        ("1e3", "plain decimal"),
        ("1E3", "plain decimal"),
        ("nan", "plain decimal"),
        ("NaN", "plain decimal"),
        ("inf", "plain decimal"),
        ("Infinity", "plain decimal"),
        ("+1", "plain decimal"),
        (".5", "plain decimal"),
        ("12.", "plain decimal"),
        ("1_000", "plain decimal"),
        ("0x10", "plain decimal"),
        ("１２", "plain decimal"),  # full-width digits: Decimal() would accept them
        ("1.2.3", "plain decimal"),
        ("12 €", "plain decimal"),
        ("9" * 30, "too large"),
    ],
)
def test_parse_amount_refuses(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_amount(text)
    assert str(caught.value).startswith("amount ")
    assert len(str(caught.value)) < 60


@pytest.mark.parametrize(
    ("text", "rate"),
    [("20.00", "20.00"), ("20", "20.00"), ("20.0", "20.00"), ("10", "10.00"), ("5.5", "5.50"),
     ("5.50", "5.50"), ("2.1", "2.10"), ("2.10", "2.10"), ("0", "0.00"), ("0.00", "0.00")],
)  # fmt: skip
def test_parse_vat_rate_normalises_to_a_known_rate(text: str, rate: str) -> None:
    parsed = parse_vat_rate(text)
    assert str(parsed) == rate
    assert parsed in VAT_RATES


@pytest.mark.parametrize(
    "text", ["19.6", "19.60", "7", "5.55", "21", "100", "-20", "", " 20", "20%", "5,5", "5.500"]
)
def test_parse_vat_rate_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="VAT rate"):
        parse_vat_rate(text)


def test_parse_vat_rate_refusal_of_19_6_names_the_allowed_rates() -> None:
    with pytest.raises(ValueError, match=r"VAT rate 19\.6 is not one of 20\.00, 10\.00, 5\.50"):
        parse_vat_rate("19.6")


# --- lines and VAT ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "quantity", "total"),
    [("1.00", 1, "1.00"), ("2.50", 3, "7.50"), ("19.99", 7, "139.93"), ("0.01", 0, "0.00"),
     ("3", 2, "6.00")],
)  # fmt: skip
def test_line_total(unit: str, quantity: int, total: str) -> None:
    assert str(line_total(D(unit), quantity)) == total


def test_line_total_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="quantity"):
        line_total(D("1.00"), -1)
    with pytest.raises(ValueError, match="negative"):
        line_total(D("-1.00"), 1)
    with pytest.raises(ValueError, match="below the cent"):
        line_total(D("0.333"), 3)
    with pytest.raises(TypeError):
        line_total(D("1.00"), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        line_total(1.0, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ttc", "rate", "ht", "vat"),
    [
        ("1.00", "20.00", "0.83", "0.17"),  # 1.00 / 1.2 = 0.8333…
        ("1.00", "5.50", "0.95", "0.05"),  # 1.00 / 1.055 = 0.9478…
        ("1.00", "5.5", "0.95", "0.05"),  # rate given with one place
        ("1.00", "10.00", "0.91", "0.09"),  # 1.00 / 1.1 = 0.9090…
        ("1.00", "2.10", "0.98", "0.02"),  # 1.00 / 1.021 = 0.9794…
        ("1.00", "0.00", "1.00", "0.00"),
        ("0.00", "20.00", "0.00", "0.00"),
        ("120.00", "20.00", "100.00", "20.00"),
    ],
)
def test_split_vat(ttc: str, rate: str, ht: str, vat: str) -> None:
    assert tuple(map(str, split_vat(D(ttc), D(rate)))) == (ht, vat)


@pytest.mark.parametrize(
    ("ttc", "ht", "vat"),
    [
        # HT = TTC × 5/6 at 20 %: it is an exact half cent when TTC (in cents) ≡ 3 (mod 6)…
        ("0.15", "0.13", "0.02"),  # 0.15 / 1.2 = 0.125 exactly; half-even would give 0.12
        ("12.03", "10.03", "2.00"),  # 12.03 / 1.2 = 10.025 exactly; half-even would give 10.02
        ("10.05", "8.38", "1.67"),  # 10.05 / 1.2 = 8.375 exactly
    ],
)
def test_split_vat_rounds_an_exact_half_cent_up(ttc: str, ht: str, vat: str) -> None:
    # …while at 10 %, 5.5 % and 2.1 % HT can never land on an exact half cent (odd denominators).
    assert tuple(map(str, split_vat(D(ttc), D("20.00")))) == (ht, vat)


def test_split_vat_refuses_bad_rates_and_amounts() -> None:
    with pytest.raises(ValueError):
        split_vat(D("1.00"), D("-20"))
    with pytest.raises(ValueError):
        split_vat(D("1.00"), D("5.555"))
    with pytest.raises(ValueError):
        split_vat(D("1.005"), D("20"))


# --- shipping allocation ---------------------------------------------------------------------


def test_allocate_shipping_mixed_order_worked_by_hand() -> None:
    # Goods: 15.00 at 20 % (a teapot) and 2 × 4.50 = 9.00 at 5.5 % (tea); together 24.00.
    # Shipping 4.90:
    #   5.5 %: 4.90 × 9.00 / 24.00 = 1.8375   -> 1.84 (half-up)
    #   20 %:  the largest goods amount takes the remainder 4.90 − 1.84 = 3.06 (exact 3.0625)
    shares = allocate_shipping(D("4.90"), {D("20.00"): D("15.00"), D("5.50"): D("9.00")})
    assert shares == {D("20.00"): D("3.06"), D("5.50"): D("1.84")}
    assert sum(shares.values()) == D("4.90")


def test_allocate_shipping_remainder_goes_to_the_largest_share() -> None:
    # Goods 3.00 at 20 % and 1.00 at 10 %; shipping 0.10:
    #   10 %: 0.10 × 1/4 = 0.025 -> 0.03 (half-up)
    #   20 %: 0.10 − 0.03 = 0.07 (rounding its own 0.075 up to 0.08 would make 0.11 in all)
    shares = allocate_shipping(D("0.10"), {D("20.00"): D("3.00"), D("10.00"): D("1.00")})
    assert shares == {D("20.00"): D("0.07"), D("10.00"): D("0.03")}


def test_allocate_shipping_single_rate_takes_everything() -> None:
    assert allocate_shipping(D("4.90"), {D("5.5"): D("12.00")}) == {D("5.50"): D("4.90")}


def test_allocate_shipping_all_zero_goes_to_the_highest_rate_present() -> None:
    shares = allocate_shipping(D("4.90"), {D("5.50"): D("0.00"), D("10.00"): D("0")})
    assert shares == {D("10.00"): D("4.90"), D("5.50"): D("0.00")}


def test_allocate_shipping_without_goods_goes_to_20() -> None:
    assert allocate_shipping(D("4.90"), {}) == {D("20.00"): D("4.90")}
    assert allocate_shipping(D("0.00"), {}) == {}


def test_allocate_shipping_zero_fee() -> None:
    shares = allocate_shipping(D("0"), {D("20"): D("1.00"), D("5.5"): D("2.00")})
    assert shares == {D("20.00"): D("0.00"), D("5.50"): D("0.00")}
    assert all(str(v) == "0.00" for v in shares.values())


def test_allocate_shipping_tie_for_largest_goes_to_the_higher_rate() -> None:
    # 0.05 over two equal amounts: 10 % gets 0.025 -> 0.03, 20 % takes the remaining 0.02.
    shares = allocate_shipping(D("0.05"), {D("10.00"): D("5.00"), D("20.00"): D("5.00")})
    assert shares == {D("20.00"): D("0.02"), D("10.00"): D("0.03")}


def test_allocate_shipping_never_gives_a_negative_share() -> None:
    # 0.03 over five rates: the four smaller shares (0.6, 0.6, 0.6, 0.57 cent) would all round
    # up to 1 cent, one more than the fee; the cent comes back from the share rounded up most
    # (0 %: 0.57 -> 1), and the largest keeps the remaining 0.
    goods = {D("20"): D("0.21"), D("10"): D("0.20"), D("5.5"): D("0.20"), D("2.1"): D("0.20"),
             D("0"): D("0.19")}  # fmt: skip
    shares = allocate_shipping(D("0.03"), goods)
    assert shares == {D("20.00"): D("0.00"), D("10.00"): D("0.01"), D("5.50"): D("0.01"),
                      D("2.10"): D("0.01"), D("0.00"): D("0.00")}  # fmt: skip


def test_allocate_shipping_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="shipping fee"):
        allocate_shipping(D("-1.00"), {D("20"): D("1.00")})
    with pytest.raises(ValueError, match="goods amount"):
        allocate_shipping(D("1.00"), {D("20"): D("-1.00")})
    with pytest.raises(ValueError, match="VAT rate"):
        allocate_shipping(D("1.00"), {D("-20"): D("1.00")})


# --- VAT breakdown ---------------------------------------------------------------------------


def test_vat_breakdown_seed_order() -> None:
    # The seed: 1 × Thé de Noël at 1.00, VAT 20 %, shipping 0.00.
    assert vat_breakdown([(D("20.00"), D("1.00"))], D("0.00")) == [
        VatRow(rate=D("20.00"), ht=D("0.83"), vat=D("0.17"), ttc=D("1.00"))
    ]


def test_vat_breakdown_mixed_order_with_shipping() -> None:
    # Same order as the allocation example: 15.00 at 20 %, 2 × 4.50 at 5.5 %, shipping 4.90.
    #   20 %:  15.00 + 3.06 = 18.06 TTC; 18.06 / 1.2   = 15.05 exactly -> HT 15.05, VAT 3.01
    #   5.5 %:  9.00 + 1.84 = 10.84 TTC; 10.84 / 1.055 = 10.2748…      -> HT 10.27, VAT 0.57
    lines = [(D("20.00"), D("15.00")), (D("5.5"), D("4.50")), (D("5.50"), D("4.50"))]
    rows = vat_breakdown(lines, D("4.90"))
    assert rows == [
        VatRow(rate=D("20.00"), ht=D("15.05"), vat=D("3.01"), ttc=D("18.06")),
        VatRow(rate=D("5.50"), ht=D("10.27"), vat=D("0.57"), ttc=D("10.84")),
    ]
    assert sum(r.ttc for r in rows) == D("28.90")
    assert [str(r.rate) for r in rows] == ["20.00", "5.50"]


def test_vat_breakdown_is_sorted_by_rate_descending() -> None:
    lines = [(D(r), D("1.00")) for r in ("0", "5.5", "20", "2.1", "10")]
    assert [str(r.rate) for r in vat_breakdown(lines, D("0"))] == [
        "20.00", "10.00", "5.50", "2.10", "0.00"
    ]  # fmt: skip


def test_vat_breakdown_shipping_only() -> None:
    assert vat_breakdown([], D("6.00")) == [
        VatRow(rate=D("20.00"), ht=D("5.00"), vat=D("1.00"), ttc=D("6.00"))
    ]
    assert vat_breakdown([], D("0.00")) == []


def test_vat_row_is_frozen() -> None:
    row = VatRow(rate=D("20.00"), ht=D("0.83"), vat=D("0.17"), ttc=D("1.00"))
    with pytest.raises(AttributeError):
        row.ttc = D("2.00")  # type: ignore[misc]


# --- fees and payouts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "fee", "paid"),
    [
        ("1.00", "0.28", "0.72"),  # 0.029 -> 0.03, + 0.25
        ("19.99", "0.83", "19.16"),  # 0.57971 -> 0.58, + 0.25
        ("100.00", "3.15", "96.85"),  # 2.90 + 0.25
    ],
)
def test_fees_and_payout_spec_examples(total: str, fee: str, paid: str) -> None:
    assert str(fees(D(total))) == fee
    assert str(payout(D(total))) == paid


def test_zero_total_carries_no_fee_and_pays_nothing() -> None:
    assert str(fees(D("0.00"))) == "0.00"
    assert str(payout(D("0.00"))) == "0.00"


def test_cancelled_order_pays_nothing() -> None:
    assert str(payout(D("100.00"), cancelled=True)) == "0.00"
    assert str(payout(D("19.99"), cancelled=True)) == "0.00"


def test_fees_round_half_up() -> None:
    # 0.50 × 2.9 % = 0.0145 -> 0.01; 1.50 × 2.9 % = 0.0435 -> 0.04; 2.50 -> 0.0725 -> 0.07;
    # 5.00 × 2.9 % = 0.145 exactly -> 0.15 (half-even would give 0.14).
    assert [str(fees(D(t))) for t in ("0.50", "1.50", "2.50", "5.00")] == [
        "0.26", "0.29", "0.32", "0.40"
    ]  # fmt: skip


def test_payout_of_a_tiny_order_follows_the_formula() -> None:
    # The spec's formula is applied as is: below 0.26 the fixed fee exceeds the total.
    assert str(payout(D("0.10"))) == "-0.15"


def test_fees_refuse_bad_totals() -> None:
    with pytest.raises(ValueError, match="negative"):
        fees(D("-1.00"))
    with pytest.raises(ValueError):
        payout(D("1.001"))
    with pytest.raises(TypeError):
        fees(1.0)  # type: ignore[arg-type]


# --- business days and payout dates ----------------------------------------------------------


def test_payout_date_spec_example() -> None:
    # Wed 30/12/2020: 31/12, [Fri 1/1 New Year's Day], 4, 5, 6, 7, 8, 11, 12, 13, 14/01.
    assert is_french_holiday(date(2021, 1, 1))
    assert payout_date(date(2020, 12, 30)) == date(2021, 1, 14)


@pytest.mark.parametrize(
    ("placed", "paid", "crossed"),
    [
        # Thu 7 May 2026: [Fri 8 May Victoire 1945], 11, 12, 13, [Thu 14 Ascension], 15, 18,
        # 19, 20, 21, 22, [Mon 25 Whit Monday], 26 -> 26 May (21 May without holidays).
        (
            date(2026, 5, 7),
            date(2026, 5, 26),
            [date(2026, 5, 8), date(2026, 5, 14), date(2026, 5, 25)],
        ),
        # Placed on a holiday (Fri 8 May 2026): the holiday itself never counts anyway.
        (date(2026, 5, 8), date(2026, 5, 26), [date(2026, 5, 14), date(2026, 5, 25)]),
        # Fri 10 July 2026: 13, [Tue 14 July], 15, 16, 17, 20, 21, 22, 23, 24, 27.
        (date(2026, 7, 10), date(2026, 7, 27), [date(2026, 7, 14)]),
        # Mon 10 May 2021: 11, 12, [Thu 13 Ascension], 14, 17 … 21, [Mon 24 Whit Monday], 25, 26.
        (date(2021, 5, 10), date(2021, 5, 26), [date(2021, 5, 13), date(2021, 5, 24)]),
        # Thu 24 Dec 2026: [Fri 25 Christmas], 28 … 31, [Fri 1 Jan 2027], 4 … 8, 11 Jan 2027.
        (date(2026, 12, 24), date(2027, 1, 11), [date(2026, 12, 25), date(2027, 1, 1)]),
    ],
)  # fmt: skip
def test_payout_date_skips_french_holidays(placed: date, paid: date, crossed: list[date]) -> None:
    for day in crossed:
        assert day.weekday() < 5
        assert is_french_holiday(day), day
        assert not is_business_day(day)
    assert payout_date(placed) == paid


@pytest.mark.parametrize(
    ("placed", "paid"),
    [
        (date(2021, 1, 2), date(2021, 1, 15)),  # Saturday: Mon 4 is the first day counted
        (date(2021, 1, 3), date(2021, 1, 15)),  # Sunday: same
        (date(2026, 3, 7), date(2026, 3, 20)),  # Saturday, no holiday: two full weeks
        (date(2026, 3, 9), date(2026, 3, 23)),  # Monday, no holiday: ten working days later
    ],
)
def test_payout_date_weekend_start(placed: date, paid: date) -> None:
    assert payout_date(placed) == paid


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 7, 14), True),
        (date(2026, 7, 13), False),
        (date(2026, 5, 1), True),
        (date(2026, 5, 8), True),
        (date(2026, 5, 14), True),  # Ascension
        (date(2026, 5, 25), True),  # Whit Monday (lundi de Pentecôte)
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 4, 3), False),  # Good Friday: only in Alsace-Moselle, not national
        (date(2026, 12, 26), False),  # Saint-Étienne: Alsace-Moselle only
        (date(2026, 11, 11), True),
        (date(2026, 8, 15), True),  # a Saturday, still a holiday
    ],
)
def test_is_french_holiday(day: date, expected: bool) -> None:
    assert is_french_holiday(day) is expected


def test_is_business_day() -> None:
    assert is_business_day(date(2026, 7, 15))  # Wednesday
    assert not is_business_day(date(2026, 7, 14))  # holiday
    assert not is_business_day(date(2026, 7, 18))  # Saturday
    assert not is_business_day(date(2026, 7, 19))  # Sunday


def test_add_business_days_edges() -> None:
    assert add_business_days(date(2026, 7, 18), 0) == date(2026, 7, 18)
    assert add_business_days(date(2026, 7, 13), 1) == date(2026, 7, 15)
    with pytest.raises(ValueError):
        add_business_days(date(2026, 7, 13), -1)
    with pytest.raises(TypeError):
        add_business_days(date(2026, 7, 13), 1.0)  # type: ignore[arg-type]


def test_dates_refuse_datetimes() -> None:
    # A datetime must first be turned into the shop's local date (Europe/Paris by default).
    moment = datetime(2020, 12, 30, 9, 39, 40)
    with pytest.raises(TypeError, match="timezone"):
        payout_date(moment)
    with pytest.raises(TypeError):
        is_business_day(moment)
    with pytest.raises(TypeError):
        is_french_holiday(moment)


def _forget_holidays() -> None:
    """Forget what this process knows of the holidays (the cache file stays)."""
    money_holidays._holiday_table.cache_clear()
    money_holidays._french_holidays.cache_clear()
    money_holidays._add_business_days.cache_clear()


def _years_built(built: list[Any]) -> list[int]:
    return sorted(
        year for asked in built for year in ([asked] if isinstance(asked, int) else asked)
    )


def test_holiday_calendar_is_built_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    original = holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> holidays.HolidayBase:
        built.append(kwargs["years"])
        return original(*args, **kwargs)

    _forget_holidays()
    monkeypatch.setattr(holidays, "country_holidays", counting)
    try:
        start = date(2023, 1, 1)
        for offset in range(0, 3 * 365, 3):
            day = start + timedelta(days=offset)
            is_french_holiday(day)
            is_business_day(day)
            payout_date(day)
        years = _years_built(built)
        assert len(years) == len(set(years))  # no year built twice
        assert {2023, 2024, 2025, 2026} <= set(years)  # 2026: payouts of late-2025 orders
        # A year outside the cached span is built from the package, once.
        built.clear()
        for day in (date(1999, 5, 1), date(1999, 7, 14), date(1999, 12, 25)):
            assert is_french_holiday(day)
        assert built == [1999]
    finally:
        _forget_holidays()


# --- the holidays cache file --------------------------------------------------------------


def _cache_file() -> Path:
    return locations.cache_dir() / "french-holidays.txt"


def _package_days(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def _days_as_read(monkeypatch: pytest.MonkeyPatch) -> dict[int, frozenset[date]]:
    """Every year of the cached span, looked up afresh; fails if the package is asked."""
    _forget_holidays()

    def refused(*args: Any, **kwargs: Any) -> holidays.HolidayBase:
        raise AssertionError("the holidays package was asked despite the cache")

    with monkeypatch.context() as patch:
        patch.setattr(holidays, "country_holidays", refused)
        return {year: money_holidays._french_holidays(year) for year in money_holidays._TABLE_YEARS}


def test_holiday_cache_gives_exactly_the_package_days(monkeypatch: pytest.MonkeyPatch) -> None:
    _forget_holidays()
    assert not _cache_file().exists()
    assert is_french_holiday(date(2026, 7, 14))  # written from the package on first use
    assert _cache_file().is_file()
    read = _days_as_read(monkeypatch)
    assert read == {year: _package_days(year) for year in money_holidays._TABLE_YEARS}
    assert len(read[2026]) == 11
    assert date(2024, 5, 20) in read[2024]  # Whit Monday, from the Easter computation
    _forget_holidays()


@pytest.mark.parametrize(
    "damage",
    [
        "missing",
        "empty",
        "garbage",
        "binary",
        "cut short",
        "a day added",
        "a day changed",
        "a day out of its span",
        "not a date",
        "another version",
        "another span",
        "a folder",
    ],
)
def test_a_bad_holiday_cache_is_rebuilt(damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the file holds, the days are the package's and a good file is written back."""
    _forget_holidays()
    is_french_holiday(date(2026, 1, 1))
    path = _cache_file()
    good = path.read_text(encoding="ascii")
    header, *days = good.splitlines()
    version = money_holidays._holidays_version()
    if damage == "missing":
        path.unlink()
    elif damage == "empty":
        path.write_text("")
    elif damage == "garbage":
        path.write_text("bonjour\nle monde\n")
    elif damage == "binary":
        path.write_bytes(b"\xff\xfe\x00\x01" * 100)
    elif damage == "cut short":
        path.write_text(good[: len(good) // 2])
    elif damage == "a day added":
        path.write_text("\n".join([header, *days, "2026-03-03", ""]))
    elif damage == "a day changed":
        path.write_text(good.replace("2026-07-14", "2026-07-15"))
    elif damage == "a day out of its span":
        path.write_text(good.replace("2026-07-14", "2150-07-14"))
    elif damage == "not a date":
        path.write_text(good.replace("2026-07-14", "2026-13-14"))
    elif damage == "another version":
        path.write_text(good.replace(f" {version} ", " 0.0.1 ", 1))
    elif damage == "another span":
        path.write_text(good.replace(" 2000 2100 ", " 2000 2099 ", 1))
    elif damage == "a folder":
        path.unlink()
        path.mkdir()
    _forget_holidays()
    assert is_french_holiday(date(2026, 7, 14))
    assert not is_french_holiday(date(2026, 7, 15))
    assert not is_french_holiday(date(2026, 3, 3))
    assert money_holidays._french_holidays(2026) == _package_days(2026)
    if damage == "a folder":
        assert path.is_dir()  # not ours to remove; the package's days are used all the same
        return
    assert path.read_text(encoding="ascii") == good
    assert _days_as_read(monkeypatch)[2026] == _package_days(2026)
    _forget_holidays()


def test_holiday_cache_that_cannot_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder that cannot be made (a file in its way): the package's days all the same."""
    _forget_holidays()
    locations.cache_dir().parent.mkdir(parents=True, exist_ok=True)
    locations.cache_dir().write_text("in the way")
    assert is_french_holiday(date(2026, 11, 11))
    assert money_holidays._french_holidays(2025) == _package_days(2025)
    assert locations.cache_dir().read_text() == "in the way"
    _forget_holidays()


def test_holiday_cache_is_keyed_by_the_installed_package_version() -> None:
    from importlib.metadata import version

    assert money_holidays._holidays_version() == version("holidays")
    _forget_holidays()
    is_french_holiday(date(2026, 1, 1))
    header = _cache_file().read_text(encoding="ascii").splitlines()[0]
    assert header.split()[2] == version("holidays")
    _forget_holidays()


FROM_THE_CACHE = """
import sys
from datetime import date

from app import money

print(money.is_french_holiday(date(2026, 5, 1)), money.is_french_holiday(date(2026, 5, 2)),
      "holidays" in sys.modules)
"""


def test_a_start_with_the_cache_does_not_import_the_package(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "COMPTOIR_HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", FROM_THE_CACHE],
            capture_output=True,
            text=True,
            cwd=root,
            env=env,
            check=False,
        )
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    # The first writes the cache from the package; the second reads it alone.
    assert [run.stdout.split() for run in runs] == [
        ["True", "False", "True"],
        ["True", "False", "False"],
    ]


# --- properties ------------------------------------------------------------------------------

rates = st.sampled_from(VAT_RATES)
amounts = st.integers(min_value=0, max_value=10**9).map(from_cents)  # up to 10 million euros
small_amounts = st.integers(min_value=0, max_value=300).map(from_cents)


@given(
    lines=st.lists(st.tuples(rates, st.one_of(amounts, small_amounts)), max_size=12),
    shipping=st.one_of(amounts, small_amounts),
)
def test_vat_breakdown_properties(lines: list[tuple[Decimal, Decimal]], shipping: Decimal) -> None:
    rows = vat_breakdown(lines, shipping)
    assert sum((r.ttc for r in rows), D("0")) == sum((t for _, t in lines), D("0")) + shipping
    for row in rows:
        assert row.ht + row.vat == row.ttc
        assert (row.ht, row.vat) == split_vat(row.ttc, row.rate)
        assert row.ht >= 0 and row.vat >= 0
        assert all(v.as_tuple().exponent == -2 for v in (row.rate, row.ht, row.vat, row.ttc))
    assert [r.rate for r in rows] == sorted({r.rate for r in rows}, reverse=True)
    assert {r.rate for r in rows} >= {rate for rate, _ in lines}


@given(
    fee=st.one_of(amounts, small_amounts),
    goods=st.dictionaries(rates, st.one_of(amounts, small_amounts), max_size=5),
)
def test_allocate_shipping_properties(fee: Decimal, goods: dict[Decimal, Decimal]) -> None:
    shares = allocate_shipping(fee, goods)
    assert sum(shares.values(), D("0")) == fee
    assert all(share >= 0 for share in shares.values())
    assert set(goods) <= set(shares)
    total = sum(goods.values(), D("0"))
    if total:
        largest = max(goods, key=lambda r: (goods[r], r))
        for rate, share in shares.items():
            if rate != largest:  # each other share is its exact pro rata share within a cent
                assert abs(share - fee * goods[rate] / total) < CENT


@given(ttc=st.integers(min_value=-(10**12), max_value=10**12).map(from_cents), rate=rates)
def test_split_vat_matches_high_precision_half_up(ttc: Decimal, rate: Decimal) -> None:
    ht, vat = split_vat(ttc, rate)
    with localcontext() as ctx:
        ctx.prec = 60
        expected = (ttc / (1 + rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
    assert ht == expected
    assert ht + vat == ttc


@given(cents=st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents
    if cents >= 0:
        assert to_cents(parse_amount(str(from_cents(cents)))) == cents


@given(total=amounts)
def test_fees_and_payout_add_up(total: Decimal) -> None:
    if total:
        assert fees(total) == round_cents(total * FEE_RATE) + FEE_FIXED
    assert payout(total) + fees(total) == total


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
)
def test_add_business_days_counts_business_days(start: date, days: int) -> None:
    end = add_business_days(start, days)
    span = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(is_business_day(d) for d in span) == days
    if days:
        assert is_business_day(end)
