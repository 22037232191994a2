"""The month calendar of the Commandes screen (SPEC §6): weeks Monday–Sunday, each day's figures.

The widget draws what it is given and never queries: the screen reads `app.orders.month.month_view`
in a worker and hands the result to `show`. Arrows move the selected day (posting
`DayHighlighted`), Enter chooses it (`DayChosen`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from app.i18n import format_number, month_title, weekday_abbreviations
from app.money.amounts import is_french_holiday
from app.orders.month import MonthView, month_weeks
from widgets.money_cell import money as format_money


class MonthCalendar(Widget, can_focus=True):
    """A month as whole weeks; the selected day is reversed, today is marked with •,
    weekends shaded, French public holidays shaded and coloured."""

    BINDINGS = [
        Binding("left", "move(-1)", "Jour préc.", show=False, id="calendar-left"),
        Binding("right", "move(1)", "Jour suiv.", show=False, id="calendar-right"),
        Binding("up", "move(-7)", "Semaine préc.", show=False, id="calendar-up"),
        Binding("down", "move(7)", "Semaine suiv.", show=False, id="calendar-down"),
        Binding("enter", "choose", "Ce jour", id="calendar-choose"),
    ]

    COMPONENT_CLASSES = {
        "month-calendar--title",
        "month-calendar--weekday",
        "month-calendar--other-month",
        "month-calendar--rest-day",
        "month-calendar--holiday",
        "month-calendar--selected",
        "month-calendar--today",
        "month-calendar--figures",
    }

    DEFAULT_CSS = """
    MonthCalendar {
        height: auto;
        width: 1fr;
    }
    MonthCalendar > .month-calendar--title { text-style: bold; }
    MonthCalendar > .month-calendar--weekday { text-style: bold; color: $text-muted; }
    MonthCalendar > .month-calendar--other-month { color: $text-disabled; }
    MonthCalendar > .month-calendar--rest-day { background: $boost; }
    /* A colour as well as the shade: 16-colour terminals flatten the shade to black. */
    MonthCalendar > .month-calendar--holiday { background: $boost; color: $warning; }
    MonthCalendar > .month-calendar--selected { text-style: reverse; }
    MonthCalendar > .month-calendar--today { text-style: bold underline; }
    MonthCalendar > .month-calendar--figures { }
    """

    @dataclass
    class DayHighlighted(Message):
        """The selected day moved (it may be in another month)."""

        calendar: MonthCalendar
        day: date

    @dataclass
    class DayChosen(Message):
        """Enter on a day: show only its orders."""

        calendar: MonthCalendar
        day: date

    def __init__(
        self,
        year: int,
        month: int,
        *,
        selected: date,
        today: date,
        is_holiday: Callable[[date], bool] = is_french_holiday,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.year = year
        self.month = month
        self.selected = selected
        self.today = today
        self.view: MonthView | None = None
        self._is_holiday = is_holiday
        # One line per week (the day and its count) instead of two: short terminals.
        self.compact = False

    def set_compact(self, compact: bool) -> None:
        """Draw a line per week (True) or two (the day, then its count and amount)."""
        if compact != self.compact:
            self.compact = compact
            self.refresh(layout=True)

    # What the screen calls

    def show_month(self, year: int, month: int) -> None:
        """Draw another month (its figures come later through `show`)."""
        if (year, month) != (self.year, self.month):
            weeks = len(month_weeks(self.year, self.month))
            self.year, self.month = year, month
            # A layout pass redraws everything below; only needed when the height changes.
            self.refresh(layout=len(month_weeks(year, month)) != weeks)

    def show(self, view: MonthView) -> None:
        """Draw the figures of `view` (ignored if another month is shown by now)."""
        if (view.year, view.month) == (self.year, self.month):
            self.view = view
            self.refresh()

    def select(self, day: date) -> None:
        """Move the selection to `day` without posting anything."""
        self.selected = day
        self.refresh()

    @property
    def title(self) -> str:
        """'Janvier 2021 2,00 €' (the amount once the figures are known)."""
        name = month_title(self.year, self.month)
        if self.view is None or (self.view.year, self.view.month) != (self.year, self.month):
            return name
        return f"{name} {format_money(self.view.total)}"

    # Keys

    def action_move(self, days: int) -> None:
        self.selected = self.selected + timedelta(days=days)
        self.refresh()
        self.post_message(self.DayHighlighted(self, self.selected))

    def action_choose(self) -> None:
        self.post_message(self.DayChosen(self, self.selected))

    # Drawing

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        return 2 + (1 if self.compact else 2) * len(month_weeks(self.year, self.month))

    def _cell_text(self, day: date, width: int) -> str:
        view = self.view
        if view is None or (view.year, view.month) != (self.year, self.month):
            return ""
        cell = view.cell(day)
        if cell is None:
            return ""
        if cell.count == 0:
            return "-"
        for text in (
            f"{cell.count} / {format_money(cell.amount)}",
            f"{cell.count}/{format_money(cell.amount)}",
            f"{cell.count}/{format_number(cell.amount)}",
        ):
            if len(text) <= width:
                return text
        return str(cell.count)

    def render(self) -> Text:
        width = self.size.width or 80
        column = max(6, width // 7)
        style = self.get_component_rich_style
        title_style = style("month-calendar--title")
        lines = Text(justify="left", no_wrap=True, overflow="crop")
        lines.append(self.title.center(column * 7).rstrip(), title_style)
        lines.append("\n")
        for name in weekday_abbreviations():
            lines.append(f" {name}".ljust(column)[:column], style("month-calendar--weekday"))
        selected_style = style("month-calendar--selected")
        for week in month_weeks(self.year, self.month):
            for line in (0,) if self.compact else (0, 1):
                lines.append("\n")
                for day in week:
                    cell_style = Style()
                    if self._is_holiday(day):
                        cell_style += style("month-calendar--holiday")
                    elif day.weekday() >= 5:
                        cell_style += style("month-calendar--rest-day")
                    if day.month != self.month:
                        cell_style += style("month-calendar--other-month")
                    if line == 0:
                        mark = "•" if day == self.today else ""
                        text = f" {day.day}{mark}"
                        if self.compact:  # the count (and amount if it fits) beside the day
                            text = text.ljust(5)
                            text += self._cell_text(day, column - len(text) - 1)
                    else:
                        text = " " + self._cell_text(day, column - 1)
                    text = text.ljust(column)[:column]
                    if day == self.selected:
                        cell_style += selected_style
                    if line == 0 and day == self.today:
                        lines.append(text, cell_style + style("month-calendar--today"))
                    else:
                        lines.append(text, cell_style)
        return lines

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
