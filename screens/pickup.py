"""À retirer: the pickup orders ready and not collected, their reminders, a reminder now (`r`),
cancelling those waiting too long (`x`, proposed after `pickup_cancel_days`)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from app.errors import SHOWN
from app.i18n import _, format_local_datetime
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.orders.view import local_time
from app.preparation.pickup import PickupRow, pickup_board, send_reminder_now
from app.preparation.timers import duration_text
from screens._translate import translate_bindings
from screens.base import ComptoirScreen
from screens.cancel import CancelOrderModal
from screens.events import DataChanged
from storage.db import thread_connection
from widgets.footer import Footer
from widgets.section_bar import SectionBar
from widgets.tables import fill_table


class PickupScreen(ComptoirScreen[None]):
    """The pickup board; opened from Préparation (`o`)."""

    BINDINGS = [
        Binding("escape", "back", "Retour", id="pickup-back"),
        Binding("enter", "open", "Ouvrir", id="pickup-open"),
        Binding(
            "r", "remind", "Relancer", id="pickup-remind", tooltip="Relancer le client maintenant"
        ),
        Binding(
            "x",
            "cancel_order",
            "Annuler",
            id="pickup-cancel",
            tooltip="Annuler la commande non retirée",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="pickup")
        translate_bindings(self)
        self.rows: list[PickupRow] = []

    def compose(self) -> ComposeResult:
        yield SectionBar()
        yield Label(_("À retirer"), id="pickup-title")
        yield DataTable(id="pickup-board", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()
        self.set_interval(60, self.load, name="pickup-age")

    @work(thread=True, exclusive=True, exit_on_error=False, group="pickup")
    def load(self) -> None:
        app: Any = self.app
        with thread_connection():
            rows = pickup_board(config=app.config, now=app.clock())
        app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list[PickupRow]) -> None:
        if not self.is_attached:
            return
        app: Any = self.app
        now = app.clock()
        self.rows = rows
        overdue = sum(row.overdue for row in rows)
        title = _("À retirer — {n} commande(s) prête(s)", n=len(rows))
        if overdue:
            title += " · " + _("{n} à annuler ?", n=overdue)
        self.query_one("#pickup-title", Label).update(title)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        body = []
        for row in rows:
            waited = duration_text((now - row.ready_since).total_seconds())
            reminders = str(row.reminders_sent)
            when = local_time(row.next_reminder, app.config) if row.next_reminder else None
            if when is not None:
                reminders += " · " + _("prochaine {when}", when=format_local_datetime(when))
            state = Text("! " + _("à annuler ?"), style="bold red") if row.overdue else Text("")
            body.append(
                (
                    Text(row.number, style="bold red" if row.overdue else ""),
                    state,
                    Text(row.customer),
                    Text(waited, justify="right"),
                    Text(row.slot),
                    Text(reminders),
                )
            )
        fill_table(
            table,
            (
                _("N° Commande"),
                _("État"),
                _("Client"),
                _("Prête depuis"),
                _("Créneau"),
                _("Relances envoyées"),
            ),
            body,
            keys=[row.number for row in rows],
        )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def _current(self) -> PickupRow | None:
        if not self.rows:
            return None
        return self.rows[min(self.query_one(DataTable).cursor_row, len(self.rows) - 1)]

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.app.open_order(row.number)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_remind(self) -> None:
        row = self._current()
        if row is not None:
            self._remind(row.number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pickup-write")
    def _remind(self, number: str) -> None:
        app: Any = self.app
        by = app.staff_name
        with thread_connection():
            try:
                sent = send_reminder_now(number, config=app.config, by=by, now=app.clock())
            except SHOWN as error:
                app.call_from_thread(app.notify, str(error), severity="error", markup=False)
                return
        message = _("Relance de {number} en file ({n} message(s)).", number=number, n=len(sent))
        app.call_from_thread(app.notify, message, markup=False)
        app.call_from_thread(self.load)

    def action_cancel_order(self) -> None:
        row = self._current()
        if row is None:
            return
        if not row.overdue:
            self.app.notify(
                _(
                    "Cette commande attend depuis moins de {days} jour(s) : Entrée pour l'ouvrir.",
                    days=f"{self.app.config.pickup_cancel_days:g}",
                ),
                severity="warning",
            )
            return

        def reason(text: str | None) -> None:
            if text:
                self._cancel(row.number, text)

        self.app.push_screen(CancelOrderModal(row.number, "—"), reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pickup-write")
    def _cancel(self, number: str, reason: str) -> None:
        app: Any = self.app
        by = app.staff_name
        with thread_connection():
            change_status(
                number,
                OrderStatus.CANCELLED,
                config=app.config,
                by=by,
                reason=reason,
                now=app.clock(),
            )
        app.call_from_thread(
            app.notify, _("Commande {number} annulée.", number=number), markup=False
        )
        app.call_from_thread(self.load)

    def on_data_changed(self, event: DataChanged) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
