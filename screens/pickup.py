"""À retirer: the pickup orders ready and not collected, their reminders, a reminder now (`r`),
cancelling those waiting too long (`x`, proposed after `pickup_cancel_days`)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from app.errors import SHOWN
from app.i18n import _, format_short_datetime
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.preparation.pickup import PickupRow, pickup_board, send_reminder_now
from app.preparation.timers import duration_text
from screens._translate import translate_bindings
from screens.base import ComptoirScreen
from screens.cancel import CancelOrderModal
from screens.events import DataChanged
from storage.db import thread_connection
from widgets.footer import Footer
from widgets.section_bar import SectionBar
from widgets.tables import column_widths, fill_table


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
        self.rows = rows
        self._fill()

    def on_resize(self) -> None:
        if self.rows:
            self._fill()

    def _fill(self) -> None:
        """The board, as wide as the screen: below the width its « État » column needs,
        the column goes and an order to cancel shows « ! » before its age, in bold red
        (a sign as well as a colour); long names and slots wrap rather than scroll."""
        app: Any = self.app
        now = app.clock()
        rows = self.rows
        table = self.query_one(DataTable)
        bar = table.styles.scrollbar_size_vertical if len(rows) > table.size.height - 1 else 0
        room = max(40, (table.size.width or self.app.size.width) - bar)
        body = []
        for row in rows:
            late = "bold red" if row.overdue else ""
            waited = duration_text((now - row.ready_since).total_seconds())
            if row.next_reminder is None:
                reminders = str(row.reminders_sent)
            elif row.next_reminder <= now:  # due: the notifier sends it
                reminders = _("{n} · une en file", n=row.reminders_sent)
            else:
                local = row.next_reminder.replace(tzinfo=UTC).astimezone(app.config.tz)
                when = format_short_datetime(local)
                reminders = _("{n} · proch. {when}", n=row.reminders_sent, when=when)
            body.append(
                [
                    Text(row.number, style=late),
                    Text("! " + _("à annuler ?"), style=late) if row.overdue else Text(""),
                    Text(row.customer),
                    Text(waited, justify="right", style=late),
                    Text(row.slot),
                    Text(reminders),
                ]
            )
        labels = [
            _("N° Commande"),
            _("État"),
            _("Client"),
            _("Prête depuis"),
            _("Créneau"),
            _("Relances"),
        ]
        # With « État », even once the names and slots wrap (to 12 and 10 cells): too wide?
        padding = table.cell_padding
        widths = column_widths(labels, body, room=room, padding=padding, shrink={2: 12, 4: 10})
        narrow = sum(widths) + 2 * padding * len(widths) > room
        overdue = sum(row.overdue for row in rows)
        title = _("À retirer — {n} commande(s) prête(s)", n=len(rows))
        if overdue:
            title += " · " + ("! " if narrow else "") + _("{n} à annuler ?", n=overdue)
        self.query_one("#pickup-title", Label).update(title)
        if narrow:
            del labels[1]
            for cells, row in zip(body, rows, strict=True):
                del cells[1]
                if row.overdue:
                    cells[2] = Text("! " + cells[2].plain, style="bold red", justify="right")
        cursor = table.cursor_row
        fill_table(
            table,
            labels,
            body,
            keys=[row.number for row in rows],
            room=room,
            shrink={1: 12, 3: 10} if narrow else {2: 12, 4: 10},
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
