"""SPEC §5 through the Finances rows (SQLite and PostgreSQL), and the CSV export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import main
from app.config import Config
from app.errors import ValidationError
from app.money.books import export_csv, month_finances, parse_month, shift_month
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from tests.docs_fixtures import set_up_shop
from tests.factories import order_doc

D = Decimal


def _order(number: str, amount: str, placed_at: str = "2021-01-18T16:05:12+01:00") -> dict:
    doc = order_doc(number=number, placed_at=placed_at, total=amount)
    doc["lines"][0]["unit_price"] = amount
    return doc


@pytest.fixture
def january(db: str, config: Config, tmp_path: Path) -> Config:
    set_up_shop(
        tmp_path,
        config,
        _order("O-100", "1.00"),
        _order("O-1999", "19.99"),
        _order("O-10000", "100.00"),
        _order("O-ZERO", "0.00"),
        _order("O-CANCEL", "19.99"),
        _order("O-SEED", "1.00", "2020-12-30T09:39:40+01:00"),  # December: another month
        {**_order("O-FAILED", "5.00"), "payment": "failed"},
    )
    change_status("O-CANCEL", OrderStatus.CANCELLED, config=config, reason="Rupture")
    return config


def _rows(config: Config, today: date = date(2021, 2, 15)) -> dict:
    view = month_finances(2021, 1, config=config, today=today)
    return {row.order_number: row for row in view.rows}


@pytest.mark.parametrize(
    ("number", "fees", "net"),
    [("O-100", "0.28", "0.72"), ("O-1999", "0.83", "19.16"), ("O-10000", "3.15", "96.85")],
)
def test_spec_fee_examples(january: Config, number: str, fees: str, net: str) -> None:
    row = _rows(january)[number]
    assert (row.fees, row.net) == (D(fees), D(net))
    assert row.gross == row.fees + row.net


def test_a_zero_total_carries_no_fee(january: Config) -> None:
    row = _rows(january)["O-ZERO"]
    assert (row.gross, row.fees, row.net) == (D("0.00"), D("0.00"), D("0.00"))


def test_a_cancelled_order_is_refunded_and_pays_nothing(january: Config) -> None:
    row = _rows(january)["O-CANCEL"]
    assert (row.gross, row.fees, row.net, row.refund) == (D("19.99"), 0, 0, D("19.99"))
    assert row.payout_on is None and row.payout_label == "—"
    assert row.credit_number.startswith("A") and row.document_number == row.credit_number


def test_a_failed_payment_pays_nothing_and_has_no_invoice(january: Config) -> None:
    row = _rows(january)["O-FAILED"]
    assert (row.gross, row.net, row.invoice_number, row.payout_on) == (0, 0, "", None)


def test_spec_payout_date_example(db: str, config: Config, tmp_path: Path) -> None:
    set_up_shop(tmp_path, config, _order("O-SEED", "1.00", "2020-12-30T09:39:40+01:00"))
    view = month_finances(2020, 12, config=config, today=date(2021, 1, 14))
    (row,) = view.rows
    assert row.payout_on == date(2021, 1, 14)
    assert row.payout_label == "payé"  # payout date ≤ today
    view = month_finances(2020, 12, config=config, today=date(2021, 1, 13))
    assert view.rows[0].payout_label == "à venir"


def test_month_totals_and_invoice_numbers(january: Config) -> None:
    view = month_finances(2021, 1, config=january, today=date(2021, 2, 15))
    assert view.rows[0].order_number == "O-100"
    assert "O-SEED" not in {r.order_number for r in view.rows}
    assert view.gross == D("1.00") + D("19.99") + D("100.00") + D("19.99")
    assert view.fees == D("0.28") + D("0.83") + D("3.15")
    assert view.net == D("0.72") + D("19.16") + D("96.85")
    assert view.refunds == D("19.99")
    assert view.gross - view.fees - view.refunds == view.net
    invoices = [r.invoice_number for r in view.rows if r.invoice_number]
    assert len(invoices) == 5 and all(n.startswith("F2021-") for n in invoices)


def test_without_a_valid_iban_payouts_are_blocked(db: str, config: Config, tmp_path: Path) -> None:
    set_up_shop(tmp_path, config, _order("O-100", "1.00"), profile=False)
    view = month_finances(2021, 1, config=config, today=date(2021, 2, 15))
    assert not view.iban_valid and view.rows[0].payout_label == "bloqué"
    save_profile(name="Épicerie", iban="FR1420041010050500013M02606")
    view = month_finances(2021, 1, config=config, today=date(2021, 2, 15))
    assert view.iban_valid and view.rows[0].payout_label == "payé"


def test_csv_export_has_a_bom_semicolons_and_decimal_commas(
    january: Config, tmp_path: Path
) -> None:
    path = export_csv(2021, 1, tmp_path / "janvier.csv", config=january, today=date(2021, 2, 15))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "N° facture;N° avoir;N° commande;Date;Brut;Frais;Net;Remboursement;"
        "Date de versement;État du versement"
    )
    by_order = {line.split(";")[2]: line.split(";") for line in lines[1:-1]}
    assert by_order["O-1999"][3:] == [
        "18/01/2021",
        "19,99",
        "0,83",
        "19,16",
        "0,00",
        "01/02/2021",
        "payé",
    ]
    assert by_order["O-CANCEL"][1].startswith("A") and by_order["O-CANCEL"][4:8] == [
        "19,99",
        "0,00",
        "0,00",
        "19,99",
    ]
    assert lines[-1] == "Total;;;;140,98;4,26;116,73;19,99;;"


def test_cli_export(
    january: Config,
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", db)
    assert main(["export", "--month", "2021-01", "-o", str(tmp_path / "x.csv")]) == 0
    assert (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["export", "--month", "janvier"]) == 1
    assert capsys.readouterr().err.strip() == (
        "comptoir: Mois invalide « janvier » : attendu AAAA-MM."
    )


def test_month_arithmetic() -> None:
    assert parse_month("2021-01") == (2021, 1)
    with pytest.raises(ValidationError):
        parse_month("2021-13")
    assert shift_month(2021, 1, -1) == (2020, 12)
    assert shift_month(2020, 12, 1) == (2021, 1)
