"""The month calendar of the Commandes screen: weeks Monday–Sunday with each day's figures."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.money.amounts import from_cents
from app.orders.statuses import NO_AMOUNT
from storage.queries import day_totals

_NO_AMOUNT = frozenset(s.value for s in NO_AMOUNT)


@dataclass(frozen=True)
class DayCell:
    """One day of the calendar: orders placed that day (shop time) and their amount."""

    day: date
    count: int
    amount: Decimal
    in_month: bool


@dataclass(frozen=True)
class MonthView:
    """A month as full weeks, with the month's own total (neighbours' days excluded)."""

    year: int
    month: int
    weeks: tuple[tuple[DayCell, ...], ...]
    total: Decimal
    count: int

    def cell(self, day: date) -> DayCell | None:
        """The cell of `day`, if shown."""
        for week in self.weeks:
            for cell in week:
                if cell.day == day:
                    return cell
        return None


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The dates shown for a month: whole weeks from Monday, neighbours' days included."""
    return calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)


def month_view(year: int, month: int) -> MonthView:
    """Read the figures of every day shown for `year`-`month` in one query."""
    weeks = month_weeks(year, month)
    totals = day_totals(weeks[0][0], weeks[-1][-1], no_amount=_NO_AMOUNT)
    rows: list[tuple[DayCell, ...]] = []
    total_cents = 0
    count = 0
    for week in weeks:
        cells = []
        for day in week:
            n, cents = totals.get(day, (0, 0))
            in_month = day.month == month
            if in_month:
                total_cents += cents
                count += n
            cells.append(DayCell(day=day, count=n, amount=from_cents(cents), in_month=in_month))
        rows.append(tuple(cells))
    return MonthView(
        year=year, month=month, weeks=tuple(rows), total=from_cents(total_cents), count=count
    )
