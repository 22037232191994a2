"""The order screen's preparation keys (issue 13): tick lines, « Commande prête » once all are
ticked, staff notes, out-of-stock removals and their undo, the time spent in the status.

A mixin of `OrderScreen`, kept apart so that the screen's own module stays as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from app.config import Config
from app.errors import ComptoirError, ConcurrentChangeError, TransitionError
from app.i18n import _, format_local_datetime, format_money
from app.orders.statuses import OrderStatus
from app.orders.view import OrderDetail, load_order_detail, local_time, seconds_text
from app.preparation.checklist import TICKABLE, toggle_line
from app.preparation.journal import history_rows
from app.preparation.notes import add_note
from app.preparation.removal import REMOVABLE, can_undo_removal, remove_line, undo_removal
from app.preparation.timers import age_sentence, since
from app.text import shown
from screens._translate import translate_bindings
from screens.base import ComptoirModal, ComptoirScreen
from screens.cancel import CancelOrderModal, compose_reason
from storage.db import thread_connection

if TYPE_CHECKING:
    from app.tui.app import ComptoirApp


def line_marks(detail: OrderDetail) -> dict[int, Text]:
    """'✓' (green, with who) for each ticked line, '☐' for the others, by position."""
    ticked = {position: by for position, _at, by in detail.prepared}
    return {
        line.position: Text("✓", style="bold green") if line.position in ticked else Text("☐")
        for line in detail.view.lines
    }


def history_table_rows(detail: OrderDetail, config: Config) -> list[tuple[Text, ...]]:
    """The history table's rows: status changes and preparation events, oldest first."""
    rows: list[tuple[Text, ...]] = []
    for row in history_rows(detail.history, list(detail.events)):
        when = local_time(row.at, config)
        rows.append(
            (
                Text(format_local_datetime(when) if when else ""),
                Text(shown(row.by)),
                Text(row.what),
                Text(shown(row.why)),
            )
        )
    return rows


def _now(app: ComptoirApp) -> datetime:
    return app.clock()


class PreparationActions(ComptoirScreen[None]):
    """Space, c, a, x and the removal's Ctrl+Z on the order screen."""

    detail: OrderDetail | None
    number: str

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        detail = self.detail
        if action == "prepared_ready":
            # Offered (and shown in the footer) once every line of an order in preparation
            # is ticked: « Commande prête » is the next step.
            return bool(
                detail is not None
                and detail.status is OrderStatus.PROCESSING
                and detail.view.lines
                and len(detail.prepared) == len(detail.view.lines)
            )
        if action == "tick_line" and detail is not None and detail.status not in TICKABLE:
            return None  # shown dimmed: the order is past its preparation
        if action == "remove_line" and detail is not None and detail.status not in REMOVABLE:
            return None
        return super().check_action(action, parameters)  # the printing retry key

    def _show_preparation(self, detail: OrderDetail) -> None:
        """The time spent in the status beside the dropdown; the keys that now apply."""
        screen: Any = self
        ages = screen.query("#order-age")
        if ages:
            age = ages.first(Static)
        else:
            age = Static("", id="order-age")
            screen.query_one("#status-row").mount(age)
        reason = screen.query_one("#status-reason", Static)
        reason.display = bool(str(getattr(reason.content, "plain", reason.content)))
        if detail.status.value in ("finished", "cancelled", "error"):
            age.display = False
        else:
            sentence = age_sentence(
                detail.order.status, since(detail.order), _now(self.app), screen.config.timers
            )
            age.display = True
            age.update(Text(sentence, style="bold red" if sentence.startswith("⚠") else ""))
        screen.refresh_bindings()
        if not getattr(self, "_age_timer", None):
            self._age_timer = screen.set_interval(30, self._refresh_age, name="order-age")

    def _refresh_age(self) -> None:
        if self.detail is not None:
            self._show_preparation(self.detail)

    # -- ticks ---------------------------------------------------------------------------

    def action_tick_line(self) -> None:
        """Space: tick (or untick) the line under the cursor; the cursor moves to the next."""
        detail = self.detail
        if detail is None or not detail.view.lines:
            return
        if detail.status not in TICKABLE:
            self._say(_("Commande déjà prête ou close : ses lignes ne se cochent plus."), "warning")
            return
        table = self._lines_table()
        line = detail.view.lines[min(table.cursor_row, len(detail.view.lines) - 1)]
        self._tick(line.position)

    def _lines_table(self) -> DataTable[Any]:
        table: DataTable[Any] = self.query_one("#order-lines", DataTable)
        return table

    @work(thread=True, exclusive=True, group="order-change", exit_on_error=False)
    def _tick(self, position: int) -> None:
        by = self.app.staff_name
        with thread_connection():
            try:
                line = toggle_line(self.number, position, by=by, now=_now(self.app))
            except TransitionError as error:
                self._from_thread(self._say, str(error), "warning")
                return
            detail = load_order_detail(self.number)
        self._from_thread(self._ticked, detail, line.position, line.prepared_at is not None)

    def _ticked(self, detail: OrderDetail, position: int, ticked: bool) -> None:
        screen: Any = self
        screen.show_view(detail)
        lines = detail.view.lines
        done = {p for p, _at, _by in detail.prepared}
        if ticked:
            after = [
                i
                for i, ln in enumerate(lines)
                if ln.position > position and ln.position not in done
            ]
            rest = [i for i, ln in enumerate(lines) if ln.position not in done]
            targets = after or rest
            if targets:
                self._lines_table().move_cursor(row=targets[0])
        if lines and len(done) == len(lines):
            if detail.status is OrderStatus.PROCESSING:
                self._say(_("Toutes les lignes sont préparées : c pour « Commande prête »."))
            else:
                self._say(
                    _(
                        "Toutes les lignes sont préparées. « Commande prête » se propose "
                        "une fois la commande « En cours de traitement » (n)."
                    )
                )

    def action_prepared_ready(self) -> None:
        """c: « Commande prête », with the usual preview and messages."""
        if self.check_action("prepared_ready", ()):
            screen: Any = self
            screen.propose(OrderStatus.READY)

    # -- notes ---------------------------------------------------------------------------

    def action_note(self) -> None:
        """a: a staff note (never mailed); `m` jumps to the notifications."""

        def written(text: str | None) -> None:
            if text:
                self._note(text)

        self.app.push_screen(NoteModal(self.number), written)

    @work(thread=True, exclusive=True, group="order-change", exit_on_error=False)
    def _note(self, text: str) -> None:
        by = self.app.staff_name
        with thread_connection():
            try:
                add_note(self.number, text, by=by, now=_now(self.app))
            except ComptoirError as error:
                self._from_thread(self._say, str(error), "error")
                return
            detail = load_order_detail(self.number)
        screen: Any = self
        self._from_thread(
            screen._changed, _("Note enregistrée (jamais envoyée au client)."), detail
        )

    # -- out of stock --------------------------------------------------------------------

    def action_remove_line(self) -> None:
        """x: remove the line under the cursor, or part of it, with a reason."""
        detail = self.detail
        if detail is None or not detail.view.lines:
            return
        if detail.status not in REMOVABLE:
            self._say(_("Une ligne ne se retire qu'avant « Commande prête »."), "warning")
            return
        index = min(self._lines_table().cursor_row, len(detail.view.lines) - 1)
        line = detail.view.lines[index]
        version = detail.order.version
        last = len(detail.view.lines) == 1

        def chosen(answer: tuple[int, str] | None) -> None:
            if answer is not None:
                self._remove(index + 1, answer[0], answer[1], version)
            else:
                self._say(_("Retrait abandonné : la commande n'a pas changé."))

        modal = RemoveLineModal(
            self.number, line.product, line.quantity, line.unit_price, last=last
        )
        # The cancellation's dialog, dismissed with (quantity, reason) rather than its reason.
        self.app.push_screen(cast("ComptoirModal[tuple[int, str] | None]", modal), chosen)

    @work(thread=True, exclusive=True, group="order-change", exit_on_error=False)
    def _remove(self, index: int, quantity: int, reason: str, version: int) -> None:
        screen: Any = self
        config = screen.config
        by = self.app.staff_name
        with thread_connection():
            try:
                result = remove_line(
                    self.number,
                    index,
                    quantity=quantity,
                    reason=reason,
                    config=config,
                    by=by,
                    expected_version=version,
                    now=_now(self.app),
                )
            except (ConcurrentChangeError, TransitionError) as error:
                detail = load_order_detail(self.number)
                self._from_thread(screen._refused, str(error), detail)
                return
            detail = load_order_detail(self.number)
        if result.cancelled:
            message = _(
                "Dernière ligne retirée : commande annulée, {amount} remboursé(s).",
                amount=format_money(result.amount),
            )
            window = 0.0
        else:
            message = _(
                "{quantity} × {product} retiré(s), {amount} remboursé(s), avoir {credit}. "
                "Ctrl+Z pour annuler pendant {seconds} s.",
                quantity=result.quantity,
                product=result.product,
                amount=format_money(result.amount),
                credit=result.credit_number or "—",
                seconds=seconds_text(config.undo_seconds),
            )
            window = config.undo_seconds
        self._from_thread(screen._changed, message, detail, window)

    def undo_removal_first(self) -> bool:
        """Ctrl+Z: when the latest change is a line removal still in its grace period, undo
        it (True); else leave Ctrl+Z to the status change (False)."""
        detail = self.detail
        if detail is None:
            return False
        removals = [e for e in detail.events if e.kind == "removed" and not e.undone]
        if not removals:
            return False
        latest = removals[-1]
        changes = [c for c in detail.history if c.kind == "change" and not c.undone]
        if changes and (changes[-1].at, 0) > (latest.at, 1):
            return False
        screen: Any = self
        if not can_undo_removal(latest, config=screen.config, now=_now(self.app)):
            return False
        self._undo_removal()
        return True

    @work(thread=True, exclusive=True, group="order-change", exit_on_error=False)
    def _undo_removal(self) -> None:
        screen: Any = self
        by = self.app.staff_name
        with thread_connection():
            try:
                event = undo_removal(self.number, config=screen.config, by=by, now=_now(self.app))
            except (ConcurrentChangeError, TransitionError) as error:
                detail = load_order_detail(self.number)
                self._from_thread(screen._refused, str(error), detail)
                return
            detail = load_order_detail(self.number)
        message = _("Retrait annulé : {what}, messages retirés.", what=event.text)
        self._from_thread(screen._changed, message, detail)

    # -- helpers -------------------------------------------------------------------------

    def _say(self, message: str, severity: str = "information") -> None:
        screen: Any = self
        screen.say(message, severity=severity)

    def _from_thread(self, callback: Any, *args: Any) -> None:
        screen: Any = self
        screen._in_thread(callback, *args)


class NoteModal(ComptoirModal[str | None]):
    """A staff note: one line of free text, Enter to keep it, Escape to drop it."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="note-cancel")]
    DEFAULT_CSS = """
    NoteModal { align: center middle; }
    NoteModal > Vertical { width: 70; max-width: 100%; height: auto; border: round $accent;
        padding: 0 1; }
    NoteModal Label { width: 100%; }
    """

    def __init__(self, number: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(_("Note interne — {number}", number=self.number))
            yield Label(_("Pour l'équipe seulement, jamais envoyée au client. Entrée : garder."))
            yield Input(id="note-text", max_length=2000)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RemoveLineModal(CancelOrderModal):
    """Out of stock: how many units (all by default) and why; then a confirmation.

    Dismisses with (quantity, reason) or None. The reasons and the two steps are the
    cancellation's (`CancelOrderModal`), with a quantity field first.
    """

    def __init__(
        self, number: str, product: str, quantity: int, unit_price: Any, *, last: bool
    ) -> None:
        super().__init__(number, "")
        self.product = product
        self.max_quantity = quantity
        self.unit_price = unit_price
        self.last = last

    def on_mount(self) -> None:
        dialog = self.query_one("#cancel-dialog")
        # As Text: a border title given as a string is read as markup (a product named
        # « [bold]x[/] » would lose its brackets).
        dialog.border_title = Text(_("Retirer « {product} »", product=self.product))
        self.query_one("#cancel-prompt", Static).update(
            _(
                "Quantité à retirer (sur {max}), puis le motif (obligatoire). "
                "Entrée : valider · Échap : retour.",
                max=self.max_quantity,
            )
        )
        field = Input(value=str(self.max_quantity), id="remove-quantity", restrict=r"\d*")
        dialog.mount(field, before=self.query_one("#cancel-reasons"))
        self.call_after_refresh(field.focus)  # after the cancellation's own on_mount

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # Not the cancellation's handler as well (Textual calls each class's own in turn):
        # it would submit again, skipping the reason after the quantity, and the
        # confirmation after the reason.
        event.prevent_default()
        if event.input.id == "remove-quantity":
            self.query_one("#cancel-reasons").focus()
            return
        self.action_submit()

    def action_submit(self) -> None:
        if self.confirming:
            self.action_confirm()
            return
        error = self.query_one("#cancel-error", Static)
        text = self.query_one("#remove-quantity", Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.max_quantity:
            error.update(_("Quantité entre 1 et {max}.", max=self.max_quantity))
            self.query_one("#remove-quantity", Input).focus()
            return
        quantity = int(text)
        reason = compose_reason(self.choice, self.query_one("#cancel-text", Input).value)
        if not reason:
            error.update(_("Choisissez un motif ou écrivez-le : il ne peut pas être vide."))
            self.query_one("#cancel-text", Input).focus()
            return
        from app import money

        amount = format_money(money.line_total(self.unit_price, quantity))
        error.update("")
        self.quantity = quantity
        self.reason = reason
        self.confirming = True
        self.add_class("-confirming")
        self.query_one("#remove-quantity").display = False
        if self.last and quantity == self.max_quantity:
            sentence = _(
                "Retirer {quantity} × {product} ({amount}) ? C'est la dernière ligne : "
                "la commande sera annulée et remboursée. Entrée ou y : confirmer · Échap : retour.",
                quantity=quantity,
                product=self.product,
                amount=amount,
            )
        else:
            sentence = _(
                "Retirer {quantity} × {product} ? Motif : {reason}. {amount} remboursé(s), "
                "avoir émis, client prévenu. Entrée ou y : confirmer · Échap : retour.",
                quantity=quantity,
                product=self.product,
                reason=reason,
                amount=amount,
            )
        self.query_one("#cancel-confirm", Static).update(Text(sentence))
        self.query_one("#cancel-confirm").focus()

    def action_back(self) -> None:
        if self.confirming:
            self.query_one("#remove-quantity").display = True
        super().action_back()

    def action_confirm(self) -> None:
        if self.confirming:
            self.dismiss((self.quantity, self.reason))  # type: ignore[arg-type]
