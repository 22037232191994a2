"""The shop's region: its public holidays for payout dates, its VAT rates (issue 11.9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app import locations
from app.config import Config, load_config
from app.errors import ConfigError, IntakeError
from app.intake.files import import_files
from app.money import holidays as money_holidays
from app.money import is_business_day, is_french_holiday, payout_date, regional_vat_rates
from app.money.books import month_finances
from tests.docs_fixtures import set_up_shop
from tests.factories import order_doc, write_json

GOOD_FRIDAY_2021 = date(2021, 4, 2)
SAINT_STEPHEN_2021 = date(2021, 12, 26)  # a Sunday
SAINT_STEPHEN_2022 = date(2022, 12, 26)  # a Monday


@pytest.mark.parametrize("region", ["57", "6AE"])
def test_good_friday_and_26_december_in_alsace_moselle(region: str) -> None:
    for day in (GOOD_FRIDAY_2021, SAINT_STEPHEN_2021, SAINT_STEPHEN_2022):
        assert is_french_holiday(day, region)
        assert not is_french_holiday(day, "")
    assert not is_business_day(SAINT_STEPHEN_2022, region)
    assert is_business_day(SAINT_STEPHEN_2022, "")


def test_payout_dates_follow_the_region() -> None:
    # Placed Thursday 25/03/2021: Good Friday counts in Moselle, not in Lyon.
    assert payout_date(date(2021, 3, 25), "") == date(2021, 4, 9)
    assert payout_date(date(2021, 3, 25), "57") == date(2021, 4, 12)
    # Placed Friday 16/12/2022: Monday 26/12 is a holiday in Moselle only.
    assert payout_date(date(2022, 12, 16), "") == date(2022, 12, 30)
    assert payout_date(date(2022, 12, 16), "57") == date(2023, 1, 2)
    # La Réunion: 20 December, abolition of slavery (Tuesday 20/12/2022).
    assert is_french_holiday(date(2022, 12, 20), "974")


def test_the_process_region_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(money_holidays, "_region", "57")
    assert is_french_holiday(GOOD_FRIDAY_2021)
    assert payout_date(date(2021, 3, 25)) == date(2021, 4, 12)


def _forget_holidays() -> None:
    money_holidays._holiday_table.cache_clear()
    money_holidays._french_holidays.cache_clear()
    money_holidays._add_business_days.cache_clear()


def test_each_region_has_its_own_cache_file() -> None:
    _forget_holidays()
    is_french_holiday(GOOD_FRIDAY_2021, "")
    is_french_holiday(GOOD_FRIDAY_2021, "57")
    folder = locations.cache_dir()
    assert (folder / "french-holidays.txt").is_file()
    moselle = folder / "french-holidays-57.txt"
    assert "2021-04-02" in moselle.read_text(encoding="ascii").splitlines()
    assert "2021-04-02" not in (folder / "french-holidays.txt").read_text(encoding="ascii")
    _forget_holidays()
    assert is_french_holiday(SAINT_STEPHEN_2022, "57")  # read back from its file
    _forget_holidays()


@pytest.mark.parametrize(
    ("given", "code"),
    [("57", "57"), ("Moselle", "57"), ("alsace", "6AE"), ("6ae", "6AE"), ("974", "974"),
     ("La Réunion", "974"), ("Guadeloupe", "971"), ("Corse", "Corse"), ("2B", "Corse"),
     ("", "")],
)  # fmt: skip
def test_regions_by_code_or_name(given: str, code: str) -> None:
    assert load_config({"COMPTOIR_HOLIDAY_REGION": given}).holiday_region == code


def test_an_unknown_region_is_refused_at_start_with_the_list(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"unknown holiday_region 'Bretagne': use one of 57, 6AE"):
        load_config({"COMPTOIR_HOLIDAY_REGION": "Bretagne"})
    result = run("profile", extra_env={"COMPTOIR_HOLIDAY_REGION": "Bretagne"})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "unknown holiday_region 'Bretagne'" in result.stderr and "Alsace (6AE)" in result.stderr


def test_finances_payouts_use_the_region(db: str, tmp_path: Path) -> None:
    moselle = Config(holiday_region="57")
    set_up_shop(tmp_path, moselle, order_doc(number="O-1", placed_at="2021-03-25T10:00:00+01:00"))
    (row,) = month_finances(2021, 3, config=moselle, today=date(2021, 5, 1)).rows
    assert row.payout_on == date(2021, 4, 12)
    (row,) = month_finances(2021, 3, config=Config(), today=date(2021, 5, 1)).rows
    assert row.payout_on == date(2021, 4, 9)


def _with_rate(rate: str) -> dict:
    doc = order_doc(number=f"R-{rate}")
    doc["lines"][0]["vat_rate"] = rate
    return doc


def test_overseas_and_corsican_rates_are_accepted_for_that_shop(db: str, tmp_path: Path) -> None:
    assert Decimal("8.50") in regional_vat_rates("974")
    reunion = Config(holiday_region="974")
    path = write_json(tmp_path / "r.json", [_with_rate("8.50"), _with_rate("2.10")])
    assert len(import_files([path], config=reunion).imported) == 2
    with pytest.raises(
        IntakeError, match=r"le taux de TVA 8\.50 n\'est pas l\'un de 20\.00, 10\.00"
    ):
        import_files([write_json(tmp_path / "m.json", _with_rate("8.50"))], config=Config())
    with pytest.raises(IntakeError, match=r"le taux de TVA 20\.00 n\'est pas l\'un de 8\.50"):
        import_files([write_json(tmp_path / "x.json", _with_rate("20.00"))], config=reunion)
    corsica = Config(holiday_region="Corse")
    path = write_json(tmp_path / "c.json", [_with_rate("13.00"), _with_rate("0.90")])
    assert len(import_files([path], config=corsica).imported) == 2
