"""Commandes' preparation keys (issue 13): select orders (Space, `a` all shown), change their
status at once with a preview (`b`), undo the batch (Ctrl+Z), their pick list (`w`); the age
timers' late marks. A mixin of `CommandesScreen`, kept apart from the screen's own module.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.i18n import _
from app.orders.rules import status_label
from app.orders.statuses import OrderStatus
from app.preparation.bulk import BatchPreview, BatchResult, apply_batch, preview_batch, undo_batch
from app.preparation.timers import is_late
from screens._translate import translate_bindings
from screens.base import ComptoirModal, ComptoirScreen
from storage.db import thread_connection
from widgets.order_list import OrderList

# What `a` selects at most: the orders of the list's query (a month of a busy shop).
SELECT_LIMIT = 5000
BULK_TARGETS = tuple(
    s for s in OrderStatus if s is not OrderStatus.ERROR and s is not OrderStatus.REGISTERED
)

# Commandes' footer is full at 80 columns (main's keys): these are in ? and Ctrl+P.
BULK_BINDINGS = [
    Binding("space", "toggle_select", "Choisir", show=False, id="commandes-select"),
    Binding("a", "select_shown", "Tout choisir", show=False, id="commandes-select-all"),
    Binding("b", "bulk_status", "Statut du lot", show=False, id="commandes-bulk-status"),
    Binding("ctrl+z", "undo_batch", "Annuler le lot", show=False, id="commandes-undo-batch"),
    Binding("w", "prepare", "Préparer", show=False, id="commandes-prepare"),
]


class BulkActions(ComptoirScreen[None]):
    """Selection, bulk changes and late marks for the Commandes screen."""

    query_state: Any
    last_batch: BatchResult | None = None

    @property
    def _list(self) -> OrderList:
        return self.query_one(OrderList)

    def setup_preparation(self) -> None:
        """Late marks from the age timers, drawn again each minute."""
        order_list = self._list
        timers = self.app.config.timers
        clock = self.app.clock

        def late(row: Any) -> bool:
            return row.since is not None and is_late(row.status, row.since, clock(), timers)

        if timers:
            order_list.late = late
            screen: Any = self
            screen.set_interval(60, order_list.redraw, name="late-marks")

    # Selection

    def action_toggle_select(self) -> None:
        order_list = self._list
        key = order_list.cursor_key
        if key is None:
            return
        selected = set(order_list.selected)
        selected ^= {key}
        order_list.set_selected(selected)
        order_list.move_cursor(row=order_list.cursor_row + 1)
        self._say_selection()

    def action_select_shown(self) -> None:
        if self._list.selected:
            self._list.set_selected(set())
            self._say_selection()
            return
        self._select_all(self.query_state)

    @work(thread=True, exclusive=True, exit_on_error=False, group="select")
    def _select_all(self, query: Any) -> None:
        with thread_connection():
            rows = query.fetch(self.app.config, 0, SELECT_LIMIT)
        self.app.call_from_thread(self._selected_all, {row.number for row in rows})

    def _selected_all(self, numbers: set[str]) -> None:
        self._list.set_selected(numbers)
        self._say_selection()

    def _say_selection(self) -> None:
        count = len(self._list.selected)
        self.app.notify(
            _(
                "{n} commande(s) choisie(s) : b pour changer leur statut, w pour les préparer.",
                n=count,
            )
            if count
            else _("Aucune commande choisie."),
            timeout=3,
        )

    # The bulk change

    def action_bulk_status(self) -> None:
        numbers = sorted(self._list.selected)
        if not numbers:
            self.app.notify(
                _("Choisissez d'abord des commandes (Espace, ou a pour toutes)."),
                severity="warning",
            )
            return

        def done(result: BatchResult | None) -> None:
            if result is None:
                self.app.notify(_("Changement groupé abandonné : rien n'a changé."))
                return
            self.last_batch = result
            self._list.set_selected({n for n, _why in result.refused})
            message = result.summary()
            if result.changed and self.app.config.undo_seconds > 0:
                # Here, not at the top: app.orders.view brings the profile's IBAN and mail
                # checks (schwifty, email-validator), a tenth of a second of the start.
                from app.orders.view import seconds_text

                message += " " + _(
                    "Ctrl+Z pour tout annuler pendant {s} s.",
                    s=seconds_text(self.app.config.undo_seconds),
                )
            self.app.notify(message, timeout=10, markup=False)
            screen: Any = self
            screen.refresh_in_place()

        self.app.push_screen(BulkStatusModal(numbers), done)

    def action_undo_batch(self) -> None:
        if self.last_batch is None or not self.last_batch.changed:
            self.app.notify(_("Aucun changement groupé à annuler."), severity="warning")
            return
        batch, self.last_batch = self.last_batch, None
        self._undo(batch)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk")
    def _undo(self, batch: BatchResult) -> None:
        by = self.app.staff_name
        with thread_connection():
            undone, failed = undo_batch(batch, config=self.app.config, by=by, now=self.app.clock())
        message = _("{n} changement(s) annulé(s), messages retirés.", n=undone)
        if failed:
            message += " " + _("{n} n'ont pas pu l'être : {why}", n=len(failed), why=failed[0][1])
        self.app.call_from_thread(self._undone, message, bool(failed))

    def _undone(self, message: str, failed: bool) -> None:
        self.app.notify(message, severity="warning" if failed else "information", markup=False)
        screen: Any = self
        screen.refresh_in_place()

    # The pick list of the selection (or of the day shown)

    def action_prepare(self) -> None:
        from screens.preparation import PreparationScreen

        numbers = tuple(sorted(self._list.selected))
        state = self.query_state
        day = state.day or self.app.today()
        self.app.push_screen(PreparationScreen(self.app.config, day=day, numbers=numbers))


class BulkStatusModal(ComptoirModal[BatchResult | None]):
    """Choose the status; read the preview; confirm once (a reason first to cancel)."""

    BINDINGS = [
        Binding("escape", "cancel", "Abandonner", id="bulk-cancel"),
        Binding("y", "confirm", "Confirmer", id="bulk-confirm"),
    ]
    DEFAULT_CSS = """
    BulkStatusModal { align: center middle; }
    BulkStatusModal > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1; }
    BulkStatusModal OptionList { height: auto; max-height: 9; }
    BulkStatusModal #bulk-reason { display: none; }
    BulkStatusModal #bulk-preview { height: auto; }
    """

    def __init__(self, numbers: list[str]) -> None:
        super().__init__()
        translate_bindings(self)
        self.numbers = numbers
        self.preview: BatchPreview | None = None
        self.reason: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Statut de {n} commande(s)", n=len(self.numbers))
            yield Static(_("Nouveau statut (flèches, Entrée) :"), id="bulk-prompt")
            yield OptionList(
                *(Option(status_label(s), id=s.value) for s in BULK_TARGETS), id="bulk-targets"
            )
            yield Input(placeholder=_("Motif de l'annulation (obligatoire)"), id="bulk-reason")
            yield Static("", id="bulk-preview")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _target(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = OrderStatus(str(event.option.id))
        self.target = target
        if target is OrderStatus.CANCELLED:
            field = self.query_one("#bulk-reason", Input)
            field.display = True
            field.focus()
            return
        self._preview(target, None)

    @on(Input.Submitted, "#bulk-reason")
    def _reason(self, event: Input.Submitted) -> None:
        event.stop()
        reason = " ".join(event.value.split())
        if not reason:
            self.query_one("#bulk-preview", Static).update(_("Une annulation demande un motif."))
            return
        self._preview(OrderStatus.CANCELLED, reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk")
    def _preview(self, target: OrderStatus, reason: str | None) -> None:
        config = self.app.config
        with thread_connection():
            preview = preview_batch(self.numbers, target, config=config, reason=reason)
        self.app.call_from_thread(self._previewed, preview, reason)

    def _previewed(self, preview: BatchPreview, reason: str | None) -> None:
        self.preview, self.reason = preview, reason
        text = preview.sentence()
        if preview.changing:
            text += "\n" + _("y : confirmer · Échap : abandonner.")
        self.query_one("#bulk-preview", Static).update(Text(text))
        self.set_focus(None)

    def action_confirm(self) -> None:
        if self.preview is None or not self.preview.changing:
            return
        preview, self.preview = self.preview, None
        self.query_one("#bulk-preview", Static).update(_("Changement en cours…"))
        self._apply(preview, self.reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk")
    def _apply(self, preview: BatchPreview, reason: str | None) -> None:
        app = self.app
        by = app.staff_name
        with thread_connection():
            result = apply_batch(
                preview.changing,
                preview.target,
                config=app.config,
                by=by,
                reason=reason,
                now=app.clock(),
            )
        result.refused[:0] = list(preview.refused)
        app.call_from_thread(self.dismiss, result)

    def action_cancel(self) -> None:
        self.dismiss(None)
