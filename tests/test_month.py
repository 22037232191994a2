"""The month calendar aggregate (SPEC §6, issue 2 item 3), on both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.config import Config
from app.i18n import format_money, month_title, weekday_abbreviations
from app.intake.files import import_files
from app.orders.month import month_view


def _figures(view, day: date) -> tuple[int, Decimal]:  # type: ignore[no-untyped-def]
    cell = view.cell(day)
    assert cell is not None
    return cell.count, cell.amount


def test_seed_january_2021(db: str, config: Config, seed_path: Path) -> None:
    import_files([seed_path], config=config)
    view = month_view(2021, 1)
    assert f"{month_title(2021, 1)} {format_money(view.total)}" == "Janvier 2021 2,00 €"
    assert _figures(view, date(2021, 1, 18)) == (1, Decimal("1.00"))
    assert _figures(view, date(2021, 1, 19)) == (1, Decimal("1.00"))
    assert _figures(view, date(2021, 1, 27)) == (1, Decimal("0.00"))  # payment failed: Erreur
    assert _figures(view, date(2020, 12, 30)) == (1, Decimal("1.00"))  # neighbour's day shown
    assert view.count == 3  # the month's own days only
    assert _figures(view, date(2021, 1, 20)) == (0, Decimal("0.00"))


def test_weeks_run_monday_to_sunday_with_the_neighbours_days(db: str) -> None:
    view = month_view(2021, 1)
    assert [len(week) for week in view.weeks] == [7] * len(view.weeks)
    assert view.weeks[0][0].day == date(2020, 12, 28) and not view.weeks[0][0].in_month
    assert view.weeks[-1][-1].day == date(2021, 1, 31)
    assert all(week[0].day.weekday() == 0 for week in view.weeks)
    assert weekday_abbreviations() == ["Lun.", "Mar.", "Mer.", "Jeu.", "Ven.", "Sam.", "Dim."]


def test_days_follow_the_shop_timezone(db: str, config: Config, tmp_path: Path) -> None:
    from tests.factories import order_doc, write_json

    # 23:30 UTC on the 31st is already 1 February in Paris.
    late = write_json(
        tmp_path / "late.json", order_doc(number="L-1", placed_at="2021-01-31T23:30:00+00:00")
    )
    import_files([late], config=config)
    assert month_view(2021, 2).cell(date(2021, 2, 1)).count == 1  # type: ignore[union-attr]
    assert month_view(2021, 1).total == Decimal("0.00")
