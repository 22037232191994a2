"""The books of a month (issue 11.5): VAT per rate of the documents issued in it, a past month
that never changes, text cells no spreadsheet evaluates, and the xlsx workbook."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.clock import utcnow
from app.config import Config
from app.money.books import export_csv, export_xlsx, month_vat, vat_path
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from tests.docs_fixtures import MIXED, mixed_order, set_up_shop
from tests.factories import order_doc

D = Decimal


@pytest.fixture
def january(db: str, config: Config, tmp_path: Path) -> Config:
    # MIXED: 5,5 % 16,80/0,92/17,72 and 20 % 11,82/2,36/14,18; T-1 and -1-1: 1,00 € at 5,5 %
    set_up_shop(
        tmp_path, config, mixed_order(), order_doc(number="T-1"), order_doc(number="-1-1"),
        order_doc(number="0.5e3"),
    )  # fmt: skip
    return config


def _rows(year: int, month: int, config: Config) -> dict[str, tuple[Decimal, ...]]:
    vat = month_vat(year, month, config=config)
    return {str(r.rate): (r.ht, r.vat, r.ttc) for r in vat.rows}


def test_the_vat_of_a_month_per_rate(january: Config) -> None:
    assert _rows(2021, 1, january) == {
        "20.00": (D("11.82"), D("2.36"), D("14.18")),
        "5.50": (D("16.80") + 3 * D("0.95"), D("0.92") + 3 * D("0.05"), D("20.72")),
    }
    assert _rows(2020, 12, january) == {} and _rows(2021, 2, january) == {}


def test_a_past_month_keeps_its_vat_and_today_holds_the_credit_note(
    january: Config, tmp_path: Path
) -> None:
    first = export_csv(2021, 1, tmp_path / "a.csv", config=january).read_bytes()
    first_vat = vat_path(tmp_path / "a.csv").read_bytes()
    change_status(MIXED, OrderStatus.CANCELLED, config=january, reason="Rupture")  # today
    export_csv(2021, 1, tmp_path / "b.csv", config=january)
    assert vat_path(tmp_path / "b.csv").read_bytes() == first_vat
    lines = vat_path(tmp_path / "b.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Taux de TVA;Base HT;TVA;TTC"
    assert lines[1] == "20,00 %;11,82;2,36;14,18" and lines[-1] == "Total;31,47;3,43;34,90"
    assert (tmp_path / "b.csv").read_bytes() != first  # the order's row says it is refunded
    today = utcnow()
    assert _rows(today.year, today.month, january) == {
        "20.00": (D("-11.82"), D("-2.36"), D("-14.18")),
        "5.50": (D("-16.80"), D("-0.92"), D("-17.72")),
    }


def test_franchise_documents_carry_no_vat(db: str, config: Config, tmp_path: Path) -> None:
    from tests.docs_fixtures import PROFILE

    save_profile(**PROFILE, vat_regime="franchise")
    set_up_shop(tmp_path, config, mixed_order(), profile=False)
    vat = month_vat(2021, 1, config=config)
    assert vat.rows == () and vat.untaxed == D("31.90")


def test_text_cells_are_never_formulas_in_the_csv(january: Config, tmp_path: Path) -> None:
    path = export_csv(2021, 1, tmp_path / "x.csv", config=january, today=date(2021, 2, 15))
    numbers = [line.split(";")[2] for line in path.read_text("utf-8-sig").splitlines()[1:-1]]
    assert "'-1-1" in numbers and "0.5e3" in numbers and MIXED in numbers


def test_the_xlsx_has_numbers_dates_and_text(january: Config, tmp_path: Path) -> None:
    path = export_xlsx(2021, 1, tmp_path / "m.xlsx", config=january, today=date(2021, 2, 15))
    book = load_workbook(path)
    orders, vat = book["Commandes"], book["TVA"]
    header = [c.value for c in orders[1]]
    assert header[:5] == ["N° facture", "N° avoir", "N° commande", "Date", "Brut"]
    rows = {row[2].value: row for row in orders.iter_rows(min_row=2) if row[2].value}
    for number in ("-1-1", "0.5e3"):
        assert rows[number][2].data_type == "s" and rows[number][2].value == number
    mixed = rows[MIXED]
    assert isinstance(mixed[3].value, datetime) and mixed[3].value.date() == date(2021, 1, 20)
    assert mixed[4].value == pytest.approx(31.90) and mixed[4].data_type == "n"
    assert mixed[0].value == "F2021-000001"
    assert [c.value for c in vat[1]] == ["Taux de TVA", "Base HT", "TVA", "TTC"]
    assert vat["B2"].value == pytest.approx(11.82) and vat["A2"].value == "20,00 %"


def test_cli_export_formats(
    january: Config, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", db)
    assert (
        main(["export", "--month", "2021-01", "--format", "xlsx", "-o", str(tmp_path / "m.xlsx")])
        == 0
    )
    assert load_workbook(tmp_path / "m.xlsx")["TVA"]["A2"].value == "20,00 %"
    assert main(["export", "--month", "2021-01", "-o", str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out.split()
    assert out[-2:] == [str(tmp_path / "m.csv"), str(tmp_path / "m-tva.csv")]
