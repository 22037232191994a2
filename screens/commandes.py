"""Commandes (SPEC §6): the month calendar on top, the paged order list under it."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from app.config import Config
from app.i18n import _, format_day, language, month_title
from app.orders.month import MonthView, month_view
from app.orders.rules import status_label
from app.orders.statuses import OrderStatus
from app.preparation.timers import LATE
from screens._translate import translate_bindings
from screens.base import ComptoirModal, ComptoirScreen
from screens.bulk import BULK_BINDINGS, BulkActions
from screens.events import DataChanged
from storage.db import thread_connection
from storage.queries import OrderRow, list_orders
from widgets.footer import Footer
from widgets.month_calendar import MonthCalendar
from widgets.order_list import OrderList
from widgets.section_bar import SectionBar
from widgets.status_badge import status_text

PAGE = 50  # a screenful and more; the next page comes as the cursor nears the end
# Load the next page when the cursor comes this close to the last loaded row.
PREFETCH = 20
# A search's title says « recherche… » only when its first page takes longer than this (s).
SEARCH_PATIENCE = 0.2


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by `delta` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def same_day_in(year: int, month: int, day: int) -> date:
    """The `day`-th of that month, or its last day when shorter."""
    for candidate in (day, 30, 29, 28):
        try:
            return date(year, month, min(day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def search_words(text: str) -> tuple[str, ...]:
    """The folded words of a search; a phone number typed in groups is one word, in E.164."""
    if not text.strip():
        return ()
    # Imported here: phonenumbers and email-validator cost a third of the start-up time.
    from app.intake.files import normalise_mobile
    from app.text import fold

    compact = re.sub(r"[\s.\-]", "", text)
    if re.fullmatch(r"\+?\d{9,15}", compact):
        try:
            return (normalise_mobile(compact),)
        except ValueError:
            return (compact,)
    return tuple(fold(text).split())


@dataclass(frozen=True)
class ListQuery:
    """What the order list shows: a month, a day or a search, and maybe some statuses."""

    year: int
    month: int
    day: date | None = None
    search: str = ""
    statuses: frozenset[OrderStatus] = field(default_factory=frozenset)
    late: bool = False  # only the orders past their status's target (« En retard »)
    # Now, as naive UTC, for « En retard » (the App's clock; tests fix it).
    clock: Callable[[], datetime] | None = field(default=None, compare=False, hash=False)

    def bounds(self, config: Config) -> tuple[datetime | None, datetime | None]:
        """The `placed_at` range (naive UTC) of the month or day; none for a search."""
        if self.search:
            return None, None
        if self.day is not None:
            first, last = self.day, self.day + timedelta(days=1)
        else:
            first = date(self.year, self.month, 1)
            last = date(*add_months(self.year, self.month, 1), 1)

        def utc(day: date) -> datetime:
            local = datetime.combine(day, time(0), tzinfo=config.tz)
            return local.astimezone(UTC).replace(tzinfo=None)

        return utc(first), utc(last)

    def fetch(self, config: Config, offset: int, limit: int) -> list[OrderRow]:
        since, until = self.bounds(config)
        return list_orders(
            since=since,
            until=until,
            words=search_words(self.search),
            statuses=[s.value for s in self.statuses] or None,
            late_before=late_thresholds(config, self.clock) if self.late else None,
            offset=offset,
            limit=limit,
        )

    def describe(self) -> str:
        if self.search:
            text = _("Recherche « {query} »", query=self.search)
        elif self.day is not None:
            text = _("Commandes du {day}", day=format_day(self.day))
        else:
            name = month_title(self.year, self.month)
            if language() == "fr":
                name = name[:1].lower() + name[1:]  # « Commandes de janvier 2021 »
            text = _("Commandes de {month}", month=name)
        if self.statuses:
            labels = ", ".join(status_label(s) for s in OrderStatus if s in self.statuses)
            text += " · " + _("statuts : {labels}", labels=labels)
        if self.late:
            text += " · " + _("en retard")
        return text


MONTHS = Binding.Group("Mois")


def late_thresholds(
    config: Config, clock: Callable[[], datetime] | None = None
) -> dict[str, datetime]:
    """Per status, the time before which an order that entered it is late (age timers)."""
    from app.clock import utcnow

    now = (clock or utcnow)()
    return {s.value: now - timedelta(seconds=t) for s, t in config.timers.items()}


class CommandesScreen(BulkActions, ComptoirScreen[None]):
    """The month's orders at a glance, then the list to work through."""

    # PageUp/PageDown change the month unless the list has the focus: there they page the
    # list, and < > still change the month (the footer then shows those).
    BINDINGS = [
        Binding(
            "pageup,less_than_sign",
            "month(-1)",
            "Mois préc.",
            group=MONTHS,
            id="commandes-prev-month",
        ),
        Binding(
            "pagedown,greater_than_sign",
            "month(1)",
            "Mois suiv.",
            group=MONTHS,
            id="commandes-next-month",
        ),
        Binding("t", "today", "Aujourd'hui", id="commandes-today"),
        Binding("slash", "search", "Chercher", id="commandes-search"),
        Binding("f", "status_filter", "Statuts", id="commandes-filter"),
        Binding("c", "fold_calendar", "Calendrier", id="commandes-calendar"),
        Binding("escape", "clear", "Tout afficher", id="commandes-clear"),
        *BULK_BINDINGS,
    ]
    # Below this height the calendar takes a line per week, so that the list shows more.
    COMPACT_HEIGHT = 32

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape is offered (and shown) only when there is something to clear.
        if action == "clear":
            search = self.query("#search")
            return self._filtered() or bool(search and search.first(Input).display)
        return True

    def __init__(self, config: Config, *, year: int, month: int, today: date) -> None:
        super().__init__(id="commandes")
        self.config = config
        self.today = today
        selected = today if (today.year, today.month) == (year, month) else date(year, month, 1)
        self.query_state = ListQuery(year=year, month=month)
        self.selected = selected
        self.view: MonthView | None = None
        self.rows: list[OrderRow] = []
        self.exhausted = False
        self._generation = 0
        self._loading_more = False
        self._warmed = False
        self._waiting = False  # a new query's first page is on its way
        # The neighbouring months' calendar and first page, read ahead so that PageUp and
        # PageDown paint at once; dropped whenever the data may have changed (`_forget`).
        self._ahead: dict[ListQuery, tuple[MonthView, list[OrderRow]]] = {}
        self._ahead_epoch = 0  # bumped by `_forget`: reads begun before it are not kept
        self._ahead_timer: Timer | None = None
        self._reading: set[tuple[ListQuery, int]] = set()  # being read ahead, and since when
        self._awaited: tuple[ListQuery, int] | None = None  # shown when read ahead (generation)
        self._read_ahead_due = False  # once the month being read is shown
        self._focus_after = -1  # the search whose first page moves the focus to the list

    # Layout

    def compose(self) -> ComposeResult:
        yield SectionBar(keymap=self.config.keymap)
        yield MonthCalendar(
            self.query_state.year,
            self.query_state.month,
            selected=self.selected,
            today=self.today,
            id="calendar",
        )
        with Horizontal(id="list-bar"):
            yield Label(id="list-title")
            search = Input(placeholder=_("n°, client, mail, mobile, produit"), id="search")
            # Hidden from the start, not in on_mount: the footer's first keys are then the
            # right ones (no Échap), and it is built once instead of twice.
            search.display = False
            yield search
        yield OrderList(id="orders")
        yield Footer()

    def on_mount(self) -> None:
        self.calendar.set_compact(self.app.size.height < self.COMPACT_HEIGHT)
        self.load_month()
        self.reload_list()
        self.setup_preparation()

    def on_resize(self, event: events.Resize) -> None:
        self.calendar.set_compact(event.size.height < self.COMPACT_HEIGHT)

    def action_fold_calendar(self) -> None:
        """`c`: hide the calendar (the list takes the whole screen), or show it again."""
        calendar = self.calendar
        calendar.display = not calendar.display
        if not calendar.display and (calendar.has_focus or self.focused is None):
            self.query_one(OrderList).focus()

    # The calendar

    @property
    def calendar(self) -> MonthCalendar:
        return self.query_one(MonthCalendar)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="calendar",
        description="Chargement du calendrier",
    )
    def load_month(self) -> None:
        year, month = self.query_state.year, self.query_state.month
        with thread_connection():
            view = month_view(year, month)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._month_loaded, view)

    def _month_loaded(self, view: MonthView) -> None:
        if (view.year, view.month) != (self.query_state.year, self.query_state.month):
            return
        self.view = view
        self.calendar.show(view)
        self._show_title()
        self._month_shown()

    def _go_to_day(self, day: date) -> None:
        """Select `day`, switching month (and back to the month's list) when it changes."""
        self.selected = day
        self.calendar.select(day)
        if (day.year, day.month) != (self.query_state.year, self.query_state.month):
            self.query_state = ListQuery(
                year=day.year,
                month=day.month,
                search=self.query_state.search,
                statuses=self.query_state.statuses,
            )
            self.view = None
            self._awaited = None
            self.calendar.show_month(day.year, day.month)
            ahead = self._ahead.get(self.query_state)
            if ahead is not None:
                self._generation += 1
                self._month_ready(*ahead)
                return
            self._begin_list()
            if (self.query_state, self._ahead_epoch) in self._reading:
                self._awaited = (self.query_state, self._generation)  # shown when read
            else:
                self._load_month_shown()

    def _load_month_shown(self) -> None:
        """Read the month shown and its first page, each in its own worker: their queries
        run side by side (one worker doing both was slower on the 1,000,000-order bench)."""
        self._read_ahead_due = not self.query_state.search
        self.load_month()
        self.load_page(self.query_state, self._generation, 0, PAGE, replace=True)

    def _month_ready(self, view: MonthView, rows: list[OrderRow]) -> None:
        """Show a month read ahead (calendar and first page) at once."""
        self._read_ahead_due = True
        self.view = view
        self.calendar.show(view)
        self._page_loaded(self._generation, 0, PAGE, list(rows), replace=True)
        # Kept for PageUp after PageDown.
        self._ahead[self.query_state] = (view, rows)

    def _month_shown(self) -> None:
        """After a month change, once its calendar and first page are shown: its neighbours
        are read once this is painted (a worker started now would slow the painting down)."""
        if self._read_ahead_due and self.view is not None and not self._waiting:
            self._read_ahead_due = False
            self.call_after_refresh(self._read_ahead)

    # Reading ahead

    def _neighbours(self) -> list[ListQuery]:
        """The months PageUp and PageDown go to, as the list queries they show."""
        state = self.query_state
        return [
            ListQuery(year=year, month=month, statuses=state.statuses)
            for year, month in (
                add_months(state.year, state.month, -1),
                add_months(state.year, state.month, 1),
            )
        ]

    def _read_ahead(self) -> None:
        """Read the neighbouring months not read yet, in the background."""
        if self.query_state.search or not self.is_current:
            return  # a search lists the same orders whatever the month; another screen is used
        neighbours = self._neighbours()
        current = replace(self.query_state, day=None)
        self._ahead = {q: v for q, v in self._ahead.items() if q in (current, *neighbours)}
        missing = [
            query
            for query in neighbours
            if query not in self._ahead and (query, self._ahead_epoch) not in self._reading
        ]
        if missing:
            self._reading.update((query, self._ahead_epoch) for query in missing)
            self.read_ahead(missing, self._ahead_epoch)

    def _read_ahead_soon(self, delay: float) -> None:
        """Read ahead once the screen is idle again (one read for a burst of changes)."""
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(delay, self._read_ahead)

    # Not exclusive: a cancelled worker fails `workers.wait_for_complete`; what is read for
    # a month that is no longer a neighbour (or after a change) is simply not kept.
    @work(thread=True, exit_on_error=False, group="ahead", description="Lecture du mois suivant")
    def read_ahead(self, queries: list[ListQuery], epoch: int) -> None:
        with thread_connection():
            for query in queries:
                view = month_view(query.year, query.month)
                rows = query.fetch(self.config, 0, PAGE)
                self.app.call_from_thread(self._read, epoch, query, view, rows)

    def _read(self, epoch: int, query: ListQuery, view: MonthView, rows: list[OrderRow]) -> None:
        self._reading.discard((query, epoch))
        if self._awaited is not None and self._awaited[0] == query:
            generation = self._awaited[1]
            self._awaited = None
            if epoch == self._ahead_epoch and generation == self._generation:
                self._month_ready(view, rows)
                return
        # Kept only if nothing changed since the read began and it is still a neighbour.
        if epoch == self._ahead_epoch and query in self._neighbours():
            self._ahead[query] = (view, rows)

    def _forget(self) -> None:
        """Drop what was read ahead: the next month change reads the database again."""
        self._ahead.clear()
        self._ahead_epoch += 1
        if self._awaited is not None:  # what is being read may be out of date: read it again
            self._awaited = None
            self._load_month_shown()

    @on(MonthCalendar.DayHighlighted)
    def _day_moved(self, event: MonthCalendar.DayHighlighted) -> None:
        self._go_to_day(event.day)

    @on(MonthCalendar.DayChosen)
    def _day_chosen(self, event: MonthCalendar.DayChosen) -> None:
        self._go_to_day(event.day)
        self._set_query(day=event.day, search="")

    def action_month(self, delta: int) -> None:
        year, month = add_months(self.query_state.year, self.query_state.month, delta)
        self._go_to_day(same_day_in(year, month, self.selected.day))

    def action_today(self) -> None:
        self._go_to_day(self.today)

    # The list

    def _set_query(self, *, quiet: bool = False, **changes: object) -> None:
        """List what `changes` say; `quiet`: nothing is drawn before the first page."""
        state = self.query_state
        values: dict[str, Any] = {
            "year": state.year,
            "month": state.month,
            "day": state.day,
            "search": state.search,
            "statuses": state.statuses,
            "late": state.late,
            "clock": self.app.clock,
        }
        values.update(changes)
        self.query_state = ListQuery(**values)
        if not quiet:
            self.refresh_bindings()  # Escape appears in the footer once there is a filter
        self.reload_list(announce=not quiet)

    def reload_list(self, *, announce: bool = True) -> None:
        """Show the first page of the current query (rows replaced when it arrives);
        `announce`: say at once in the title that it is on its way."""
        self._awaited = None
        self._begin_list(announce=announce)
        self.load_page(self.query_state, self._generation, 0, PAGE, replace=True)

    def _begin_list(self, *, announce: bool = True) -> None:
        """A new query: its first page is awaited (`announce`: the title says so meanwhile)."""
        self._generation += 1
        self.exhausted = False
        self._loading_more = False
        self._waiting = True
        if announce:
            self._show_title()

    @work(
        thread=True,
        exclusive=False,
        exit_on_error=False,
        group="orders",
        description="Chargement des commandes",
    )
    def load_page(
        self, query: ListQuery, generation: int, offset: int, limit: int, *, replace: bool
    ) -> None:
        with thread_connection():
            rows = query.fetch(self.config, offset, limit)
        self.app.call_from_thread(self._page_loaded, generation, offset, limit, rows, replace)

    def _page_loaded(
        self, generation: int, offset: int, limit: int, rows: list[OrderRow], replace: bool
    ) -> None:
        if generation != self._generation:
            return  # the query changed meanwhile
        table = self.query_one(OrderList)
        if replace:
            self._waiting = False
            self.rows = rows
            self.exhausted = len(rows) < limit
            # The title before the rows: its refresh then reaches the frame that shows them.
            self._show_title()
            table.set_rows(rows)  # in place when the same orders are listed
            if generation == self._focus_after:
                self._focus_after = -1
                self.call_after_refresh(self._focus_results)
            if not self._warmed:
                self._warmed = True
                # After the first paint, not during it: the import holds the GIL a while.
                self.set_timer(1.0, self._warm_up)
                # The neighbours soon after (a worker now would be part of the start-up).
                self._read_ahead_soon(0.2)
            self._month_shown()
        else:
            self._loading_more = False
            if offset != len(self.rows):
                return
            self.rows.extend(rows)
            table.add_rows(rows)
            self.exhausted = len(rows) < limit
            self._show_title()

    @work(thread=True, exit_on_error=False, group="warm-up", description="Préparation de l'écran")
    def _warm_up(self) -> None:
        """Load what the first search needs once the screen is painted, not when `/` is hit."""
        import app.intake.files  # noqa: F401 - phonenumbers and email-validator, a few hundred ms

        # What is loaded by now lives as long as the app: out of the garbage collector's
        # sight, a full collection no longer walks it all again (a 100 ms pause, in the
        # middle of a keypress, on the 1,000,000-order bench). Frozen on the main thread,
        # between two of its messages, not while it is allocating.
        self.app.call_from_thread(gc.freeze)

    @on(OrderList.RowHighlighted, "#orders")
    def _maybe_load_more(self, event: OrderList.RowHighlighted) -> None:
        if self.exhausted or self._loading_more:
            return
        if event.cursor_row >= len(self.rows) - PREFETCH:
            self._loading_more = True
            self.load_page(self.query_state, self._generation, len(self.rows), PAGE, replace=False)

    @on(OrderList.RowSelected, "#orders")
    def _open(self, event: OrderList.RowSelected) -> None:
        self.app.open_order(event.key)

    def _show_title(self) -> None:
        text = self.query_state.describe()
        count = self._known_count()
        if self._waiting and count is None:
            text += " — " + _("recherche…")
        elif count is not None:
            text += " — " + (_("aucune commande") if count == 0 else _("{n} commande(s)", n=count))
        elif self.exhausted and not self.rows:
            text += " — " + _("aucune commande")
        text += "   " + _("(Échap : tout afficher)") if self._filtered() else ""
        # Fixed size: no layout pass (which would redraw the whole table) for a new title.
        # Text, not markup: the title quotes what was typed (« [/bold] » is searched as is).
        self.query_one("#list-title", Label).update(Text(text), layout=False)

    def _filtered(self) -> bool:
        state = self.query_state
        return bool(state.day or state.search or state.statuses or state.late)

    def _known_count(self) -> int | None:
        """The number of orders listed, when the calendar already knows it."""
        state = self.query_state
        if state.search or state.statuses or state.late or self.view is None:
            return None
        if state.day is None:
            return self.view.count
        cell = self.view.cell(state.day)
        return cell.count if cell is not None else None

    # Search, status filter, clearing

    def action_search(self) -> None:
        field = self.query_one("#search", Input)
        field.display = True
        field.focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.action_clear()
            return
        # The first page before anything else. Moving the focus to the list restyles the
        # field and the list and rebuilds the footer (a layout pass): done at Enter, it held
        # the main thread, and the query's thread with it (the GIL), before the rows could
        # be drawn; it now waits until they are painted (Escape is already in the footer).
        # A « recherche… » title painted at once made the rows wait for the next frame
        # (60 a second): it is shown only when the page is slow to come.
        self._set_query(search=text, day=None, quiet=True)
        self._focus_after = self._generation
        self.set_timer(SEARCH_PATIENCE, partial(self._still_searching, self._generation))

    def _still_searching(self, generation: int) -> None:
        if generation == self._generation and self._waiting:
            self._show_title()

    def _focus_results(self) -> None:
        """Move the focus from the search field to the list of its results."""
        if self.focused is None or self.focused is self.query_one("#search", Input):
            self.query_one(OrderList).focus()

    def action_status_filter(self) -> None:
        def chosen(statuses: frozenset[OrderStatus | str] | None) -> None:
            if statuses is not None:
                late = LATE in statuses
                kept = frozenset(s for s in statuses if isinstance(s, OrderStatus))
                self._set_query(statuses=kept, late=late)

        current = self.query_state.statuses | ({LATE} if self.query_state.late else set())
        self.app.push_screen(StatusFilterScreen(frozenset(current)), chosen)

    def action_clear(self) -> None:
        field = self.query_one("#search", Input)
        field.value = ""
        field.display = False
        self.refresh_bindings()
        if self._filtered():
            self._set_query(day=None, search="", statuses=frozenset(), late=False)
        if field.has_focus or self.focused is None:
            self.query_one(OrderList).focus()

    # Live

    def on_data_changed(self, event: DataChanged) -> None:
        self.refresh_in_place()

    def on_screen_resume(self) -> None:
        self._forget()  # a status changed on the order screen, maybe
        if self.is_mounted and self.rows is not None and self.view is not None:
            self.refresh_in_place()

    def refresh_in_place(self) -> None:
        """Re-read the calendar and the rows already loaded; unchanged cells stay as they are."""
        self._forget()
        self.load_month()
        self.load_page(
            self.query_state, self._generation, 0, max(PAGE, len(self.rows)), replace=True
        )
        self._read_ahead_soon(0.5)


class StatusFilterScreen(ComptoirModal[frozenset[OrderStatus | str] | None]):
    """Pick the statuses to list (none picked: all of them, and it says so), and maybe
    « En retard » (the age timers).

    Drawn as an OptionList whose lines read « [x] » or « [ ] »: Textual's SelectionList
    draws a ticked and an unticked box alike in 16 colours.
    """

    BINDINGS = [
        Binding("space", "tick", "Cocher / décocher", id="filter-toggle"),
        Binding("enter", "apply", "Appliquer", priority=True, id="filter-apply"),
        Binding("a", "untick_all", "Tout décocher", id="filter-none"),
        Binding("escape", "cancel", "Annuler", id="filter-cancel"),
    ]

    DEFAULT_CSS = """
    StatusFilterScreen { align: center middle; }
    StatusFilterScreen > Vertical { width: 66; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1; }
    StatusFilterScreen OptionList, StatusFilterScreen OptionList:focus {
        height: auto; max-height: 10; border: none; padding: 0; }
    StatusFilterScreen #statuses-state { height: auto; color: $text-muted; }
    StatusFilterScreen #statuses-keys { height: auto; }
    """

    def __init__(self, current: frozenset[OrderStatus | str]) -> None:
        super().__init__()
        translate_bindings(self)
        self.current = current
        self.ticked: set[OrderStatus | str] = set(current)
        self.choices: list[OrderStatus | str] = [*OrderStatus, LATE]

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical
        from textual.widgets import OptionList, Static  # loaded when first opened

        with Vertical() as box:
            box.border_title = _("Statuts à lister")
            yield OptionList(*(self._line(choice) for choice in self.choices), id="statuses")
            yield Static("", id="statuses-state")
            yield Static(
                _("Espace : cocher · Entrée : appliquer · a : aucun · Échap : annuler"),
                markup=False,
                id="statuses-keys",
            )

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()
        self._show_state()

    def _line(self, choice: OrderStatus | str) -> Text:
        text = Text("[x] " if choice in self.ticked else "[ ] ", style="bold")
        if isinstance(choice, OrderStatus):
            text.append_text(status_text(choice))
        else:  # LATE: the list's own mark for a late order
            text.append("! " + _("En retard"), style="bold red")
        return text

    def _show_state(self) -> None:
        from textual.widgets import Static

        if self.ticked:
            state = _(
                "{n} statut(s) coché(s) : seules ces commandes seront listées.", n=len(self.ticked)
            )
        else:
            state = _("Aucun statut coché : toutes les commandes sont listées.")
        self.query_one("#statuses-state", Static).update(state)

    def action_tick(self) -> None:
        from textual.widgets import OptionList

        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None:
            return
        choice = self.choices[index]
        self.ticked.symmetric_difference_update({choice})
        listing.replace_option_prompt_at_index(index, self._line(choice))
        self._show_state()

    def action_untick_all(self) -> None:
        from textual.widgets import OptionList

        listing = self.query_one(OptionList)
        self.ticked.clear()
        for index, choice in enumerate(self.choices):
            listing.replace_option_prompt_at_index(index, self._line(choice))
        self._show_state()

    def action_apply(self) -> None:
        self.dismiss(frozenset(self.ticked))

    def action_cancel(self) -> None:
        self.dismiss(None)
