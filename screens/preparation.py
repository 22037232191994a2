"""Préparation (4): the pick list of a day, a range of days or the orders chosen in Commandes.

The products to take from the shelves, summed over the orders to prepare, by category, each
with the orders it goes into and their slot. Read in a worker, drawn by the Line API (a day of
2,000 orders is a few thousand lines), read again when the App sees a change.
"""

from __future__ import annotations

from datetime import date, timedelta

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from app.config import Config
from app.errors import SHOWN
from app.i18n import _
from app.preparation.picklist import (
    PickList,
    PickQuery,
    category_label,
    earlier_to_prepare,
    pick_list,
)
from app.printing.jobs import Kind, picklist_job
from screens._translate import translate_bindings
from screens.base import ComptoirModal, ComptoirScreen
from screens.events import DataChanged
from screens.printing import RETRY_BINDING, PrintingScreen, fitting_print_label, set_binding
from storage.db import thread_connection
from widgets.footer import Footer
from widgets.line_list import LineList, Row
from widgets.section_bar import SectionBar


def pick_rows(picks: PickList) -> list[Row]:
    """The lines of the pick list: a category, its products, under each its orders."""
    rows: list[Row] = []
    for category, products in picks.categories:
        rows.append(Row(((category_label(category), "bold underline"),)))
        for product in products:
            done = product.prepared
            parts: list[tuple[str, str | None]] = [
                (
                    "  ✓ " if done == product.quantity else "  ☐ ",
                    "green" if done == product.quantity else None,
                ),
                (f"{product.quantity:>4} × ", "bold"),
                (product.product, "bold"),
            ]
            if done:
                parts.append(
                    (
                        "  " + _("{done}/{total} préparé(s)", done=done, total=product.quantity),
                        "green",
                    )
                )
            rows.append(Row(tuple(parts)))
            for order in product.orders:
                rows.append(
                    Row(
                        (
                            (
                                "        " + ("✓ " if order.prepared else "· "),
                                "green" if order.prepared else None,
                            ),
                            (f"{order.quantity:>3} × ", None),
                            (order.number, None),
                            (
                                "  " + (order.slot or "—"),
                                "bright_black" if not order.prepared else "green",
                            ),
                        ),
                        key=order.number,
                    )
                )
    return rows


class PreparationScreen(PrintingScreen, ComptoirScreen[None]):
    """The pick list; `numbers` given: those orders, else the day `day` (or a range)."""

    BINDINGS = [
        Binding("left", "day(-1)", "Jour préc.", id="prep-prev-day"),
        Binding("right", "day(1)", "Jour suiv.", id="prep-next-day"),
        Binding("t", "today", "Aujourd'hui", id="prep-today"),
        Binding("r", "range", "Période", id="prep-range"),
        Binding("p", "pdf", "PDF", id="prep-pdf"),
        Binding("o", "pickup", "À retirer", id="prep-pickup"),
        # Only when opened over Commandes (`w`, the selection's pick list): back to it.
        Binding("escape", "back", "Retour", id="prep-back"),
        # Issue 14: the pick list shown, to the CUPS queue; the footer names the queue.
        Binding(
            "P",
            "print",
            "Imprimer",
            id="prep-print",
            tooltip="Imprimer la liste de préparation affichée",
        ),
        RETRY_BINDING,
    ]

    def __init__(
        self, config: Config, *, day: date, numbers: tuple[str, ...] = (), last: date | None = None
    ) -> None:
        super().__init__(id="preparation")
        translate_bindings(self)
        self.config = config
        self.today = day
        self.pick_query = PickQuery(numbers=numbers) if numbers else PickQuery(first=day, last=last)
        self.picks: PickList | None = None
        # Built ahead at idle time (ComptoirApp._prebuild), the screen waits unseen with its
        # list read: a change meanwhile only marks it `stale`, read again when it is shown.
        self.shown = False
        self.stale = False

    def compose(self) -> ComposeResult:
        yield SectionBar()
        yield Label(self.pick_query.describe(), id="prep-title")
        yield LineList(id="picklist")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LineList).focus()
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        label = fitting_print_label(self.config, (Kind.PICKLIST,), event.size.width)
        set_binding(self, "prep-print", description=label)  # the footer says where P prints
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="picklist")
    def load(self) -> None:
        query = self.pick_query
        with thread_connection():
            picks = pick_list(query, config=self.config)
            earlier = (
                earlier_to_prepare(query.first, config=self.config)
                if query.first is not None and not query.numbers
                else 0
            )
        rows = pick_rows(picks)  # here too, not on the App's thread: 4,000 rows take 10 ms
        self.app.call_from_thread(self._loaded, query, picks, rows, earlier)

    def _loaded(self, query: PickQuery, picks: PickList, rows: list[Row], earlier: int) -> None:
        if query != self.pick_query or not self.is_attached:
            return
        self.picks = picks
        title = (
            query.describe()
            + " — "
            + (
                _("rien à préparer")
                if not picks.order_count
                else _(
                    "{n} commande(s), {p} produit(s)", n=picks.order_count, p=len(picks.products)
                )
            )
        )
        if earlier:  # last evening's orders, not in this day's list: say so, and how
            title += " · " + _(
                "{n} commande(s) plus ancienne(s) à préparer (r : Période)", n=earlier
            )
        self.query_one("#prep-title", Label).update(title)
        self.query_one(LineList).set_rows(rows)

    def show(self, query: PickQuery) -> None:
        self.pick_query = query
        self.query_one("#prep-title", Label).update(query.describe() + " — " + _("lecture…"))
        self.load()

    def action_day(self, delta: int) -> None:
        first = self.pick_query.first or self.today
        self.show(PickQuery(first=first + timedelta(days=delta)))

    def action_today(self) -> None:
        self.show(PickQuery(first=self.today))

    def action_range(self) -> None:
        def chosen(days: tuple[date, date] | None) -> None:
            if days is not None:
                self.show(PickQuery(first=days[0], last=days[1]))

        self.app.push_screen(RangeScreen(), chosen)

    def action_pdf(self) -> None:
        self.notify(_("PDF en cours de création…"))
        self._pdf(self.pick_query)

    @work(thread=True, exclusive=True, exit_on_error=False, group="picklist-pdf")
    def _pdf(self, query: PickQuery) -> None:
        from app import locations
        from app.documents.pdf import write_atomically
        from app.preparation.picklist import as_pdf

        with thread_connection():
            picks = pick_list(query, config=self.config)
        name = f"preparation-{(query.first or self.today).isoformat()}.pdf"
        try:
            path = write_atomically(locations.documents_dir() / name, as_pdf(picks))
        except SHOWN as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(
            self.notify, _("PDF enregistré : {path}", path=path), markup=False
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self in self.app.screen_stack[1:]  # over another screen, not a mode's own
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print(self) -> None:
        """`P`: the pick list shown to the CUPS queue, in a worker (`R` again if it fails)."""
        query = self.pick_query
        job = picklist_job(query.first, query.last, query.numbers)
        if self.picks is not None and not self.picks.order_count:
            self.notify(_("Rien à préparer : {what}.", what=job.title), markup=False)
            return
        self.start_print([job], what=job.title, kind=Kind.PICKLIST)

    def action_pickup(self) -> None:
        from screens.pickup import PickupScreen

        self.app.push_screen(PickupScreen())

    @on(LineList.Chosen)
    def _open(self, event: LineList.Chosen) -> None:
        self.app.open_order(event.key)

    def on_data_changed(self, event: DataChanged) -> None:
        if self.app.current_mode == "preparation":
            self.load()
        else:
            self.stale = True

    def on_screen_resume(self) -> None:
        if self.app.current_mode != "preparation":
            return  # built ahead, not shown (Textual resumes a mode's screen as it builds it)
        first, self.shown = not self.shown, True
        today = self.app.today()
        if first and today != self.today and self.pick_query == PickQuery(first=self.today):
            self.today = today  # built before midnight, shown after: today's list
            self.show(PickQuery(first=today))
        elif self.picks is not None and (self.stale or not first):
            self.stale = False
            self.load()


class RangeScreen(ComptoirModal[tuple[date, date] | None]):
    """Two dates, « AAAA-MM-JJ AAAA-MM-JJ »: the pick list of that range."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="range-cancel")]
    DEFAULT_CSS = """
    RangeScreen { align: center middle; }
    RangeScreen > Vertical { width: 60; height: auto; border: round $accent; padding: 0 1; }
    RangeScreen #range-error { color: $error; }
    """

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Période")
            yield Label(_("Du … au … (AAAA-MM-JJ AAAA-MM-JJ) puis Entrée :"))
            yield Input(id="range-days")
            yield Label("", id="range-error")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        words = event.value.replace("..", " ").split()
        try:
            days = [date.fromisoformat(word) for word in words]
        except ValueError:
            days = []
        if len(days) not in (1, 2) or days[0] > days[-1]:
            self.query_one("#range-error", Label).update(
                _("Deux dates AAAA-MM-JJ, la première avant la seconde.")
            )
            return
        self.dismiss((days[0], days[-1]))

    def action_cancel(self) -> None:
        self.dismiss(None)
