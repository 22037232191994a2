"""Commande NUMBER: the order detail, its status dropdown, history and notifications.

Everything that reads or writes the database runs in thread workers; the screen only shows
an `OrderDetail` it is handed. Showing an order never changes it: the dropdown's values are
set with `Select.Changed` prevented, and a change is applied only after a preview and a
confirmation, with the version that was on screen as the optimistic lock.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.css.styles import RulesMap
from textual.message import Message
from textual.visual import visualize
from textual.widgets import DataTable, Select, Static
from textual.worker import Worker, WorkerState

from app.config import Config
from app.errors import SHOWN, ConcurrentChangeError, TransitionError
from app.i18n import (
    _,
    format_day,
    format_money,
    format_rate,
    format_short_datetime,
)
from app.messages.documents import (
    MailChoice,
    attachment_label,
    mail_choices,
    queue_document_mail,
)
from app.messages.outbox import resend
from app.messages.states import RESENDABLE, WAITING, state_label
from app.messages.states import NotificationState as N
from app.orders.rules import ChangeResult, change_status, status_label
from app.orders.statuses import (
    FINAL_REASONS,
    STATUS_COLOURS,
    OrderStatus,
    allowed_targets,
    next_in_flow,
)
from app.orders.view import (
    OrderDetail,
    change_preview,
    fingerprint,
    load_order_detail,
    local_time,
    seconds_text,
    undo_latest,
)
from app.printing.jobs import Kind, order_jobs, queue_label, receipt_label
from app.text import shown
from screens._translate import translate_bindings
from screens.base import ComptoirScreen
from screens.cancel import CancelOrderModal
from screens.choose import Choice, ChooseModal
from screens.order_prep import PreparationActions, history_table_rows, line_marks
from screens.printing import RETRY_BINDING, PrintingScreen, print_label, set_binding
from storage.db import thread_connection
from widgets.banner import show_banner
from widgets.footer import Footer
from widgets.status_badge import status_text as short_status_text
from widgets.tables import fill_table
from widgets.textual_keys import in_effect

# The workers that write the order: one at a time, each told by the App's policy if it fails.
_order_change = work(
    thread=True,
    exclusive=True,
    group="order-change",
    exit_on_error=False,
    description="Modification de la commande",
)
# What `P` prints here, and how the notice names each.
PRINTED_HERE = (Kind.TICKET, Kind.SLIP)
PRINT_TITLES = (
    (Kind.TICKET, "Ticket de préparation"),
    (Kind.SLIP, "Bon de livraison"),
    (Kind.INVOICE, "Facture et avoirs"),
    (Kind.ORDER, "Commande (PDF)"),
)


def status_text(status: str | OrderStatus) -> Text:
    """'● Commande prête' with the dot in the status's colour."""
    status = OrderStatus(status)
    return Text.assemble(("● ", STATUS_COLOURS[status]), status_label(status))


def _block(*rows: tuple[str, str]) -> Text:
    """Label/value lines; values are order data, so never read as markup."""
    text = Text()
    for index, (label, value) in enumerate(rows):
        if index:
            text.append("\n")
        text.append(_("{label} : ", label=label), style="bold")
        text.append(shown(value) or "—")
    return text


def _cell(label: str, value: str | Text) -> Text:
    text = Text(label, style="bold")
    text.append("\n")
    text.append(value if isinstance(value, Text) else Text(shown(value)))
    return text


@dataclass(frozen=True)
class PendingChange:
    """A status chosen but not yet confirmed, with the version it was chosen on."""

    target: OrderStatus
    version: int
    reason: str | None = None


def update_in_place(widget: Static, content: Text) -> None:
    """Show `content` in `widget` without a layout pass when it fits the lines `widget` has
    (a shorter text is padded with blank lines: the next full update lays it out)."""
    width = widget.size.width
    if width:
        # What Textual itself passes (widget.py); only its annotation asks for the TypedDict.
        styles = cast(RulesMap, widget.styles)
        lines = visualize(widget, widget.content).get_height(styles, width)
        needed = visualize(widget, content).get_height(styles, width)
        if needed <= lines:
            widget.update(content + "\n" * (lines - needed), layout=False)
            return
    widget.update(content)


class ConfirmBar(Static, can_focus=True):
    """The preview line; while it has focus, Enter or y applies and Escape abandons."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "Appliquer", id="order-confirm"),
        Binding("escape", "answer(False)", "Abandonner", id="order-abandon"),
    ]

    @dataclass
    class Answered(Message):
        """The user confirmed (True) or abandoned (False) the pending change."""

        accepted: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    def action_answer(self, accepted: bool) -> None:
        self.post_message(self.Answered(accepted))


class OrderScreen(PreparationActions, PrintingScreen, ComptoirScreen[None]):
    """The detail of one order; pushed as `OrderScreen(number)`."""

    BINDINGS = [
        Binding("escape", "back", "Retour", id="order-back", tooltip="Revenir à l'écran précédent"),
        Binding(
            "s",
            "focus_status",
            "Statut",
            id="order-status",
            tooltip="Choisir le nouveau statut dans la liste",
        ),
        Binding(
            "n",
            "next_status",
            "Suite",  # the next status of the flow (« Suivant » does not fit at 80 columns)
            id="order-next",
            tooltip="Passer au statut suivant du parcours normal",
        ),
        Binding(
            "ctrl+z",
            "undo",
            "Défaire",
            id="order-undo",
            tooltip="Rétablir le statut précédent et retirer ses messages",
        ),
        Binding(
            "r",
            "resend",
            "Relance",  # a failed message sent again (« Renvoyer » does not fit at 80 columns)
            id="order-resend",
            tooltip="Renvoyer la notification en échec sélectionnée",
        ),
        Binding("p", "pdf", "PDF", id="order-pdf", tooltip="Enregistrer le PDF de la commande"),
        Binding(
            "h",
            "jump('history')",
            "Journal",  # the section is « Historique »; the footer at 80 columns is full
            id="order-history",
            tooltip="Aller à l'historique des statuts",
        ),
        Binding(
            "m",
            "jump('notifications')",
            "Envois",
            id="order-notifications",
            tooltip="Aller aux notifications (mails et SMS) de la commande",
        ),
        # Wherever the focus is (the dropdown, the preview), PageUp/PageDown scroll the order;
        # a focused table of notifications pages its own rows.
        Binding("pageup", "page('up')", "Page précédente", show=False, id="order-page-up"),
        Binding("pagedown", "page('down')", "Page suivante", show=False, id="order-page-down"),
        # The preparation (issue 13): screens/order_prep.py holds what these do. The staff
        # note is on `a` (« annoter »): `m` jumps to the notifications. The footer is full at
        # 80 columns: these are in ? and Ctrl+P (and a notice offers c once all is ticked).
        Binding(
            "space",
            "tick_line",
            "Préparé",
            show=False,
            id="order-tick",
            tooltip="Cocher (ou décocher) la ligne comme préparée",
        ),
        Binding(
            "c",
            "prepared_ready",
            "Commande prête",
            show=False,
            id="order-ready",
            tooltip="Toutes les lignes sont cochées : passer la commande en « Commande prête »",
        ),
        Binding(
            "a", "note", "Note", show=False, id="order-note", tooltip="Ajouter une note interne"
        ),
        Binding(
            "x",
            "remove_line",
            "Rupture",
            show=False,
            id="order-remove-line",
            tooltip="Retirer la ligne (ou une partie) et la rembourser",
        ),
        Binding(
            "P",
            "print",
            "Imprimer",
            id="order-print",
            tooltip="Imprimer le ticket, le bon de livraison, la facture ou la commande",
        ),
        Binding(
            "e",
            "mail_document",
            "Envoyer un document",
            show=False,  # the footer is full at 80 columns: `?` and Ctrl+P list it
            id="order-mail",
            tooltip="Envoyer la facture au client, ou un document à la boutique",
        ),
        RETRY_BINDING,
    ]
    AUTO_FOCUS = "#order-body"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    # How often the screen looks for changes made elsewhere (another terminal, the notifier).
    POLL_SECONDS = 1.0

    def __init__(self, number: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.number = number.strip()
        self.detail: OrderDetail | None = None
        self.pending: PendingChange | None = None
        self._room = 0  # the table width the tables were last filled for
        # A confirmed change is being written: its preview stays until it is (see _answered).
        self._writing = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="order-body"):
            yield Static(_("Commande {number}", number=self.number), id="order-title")
            with Horizontal(id="order-blocks"):
                yield Static("", id="client-block", classes="order-block")
                yield Static("", id="fulfilment-block", classes="order-block")
            with Grid(id="order-summary"):
                yield Static("", id="summary-date", classes="summary-cell")
                yield Static("", id="summary-shipping", classes="summary-cell")
                yield Static("", id="summary-total", classes="summary-cell")
                yield Static("", id="summary-number", classes="summary-cell")
                yield Static("", id="summary-status", classes="summary-cell")
            with Horizontal(id="status-row"):
                yield Select[str](
                    [], prompt=self._status_prompt(), allow_blank=True, id="status-select"
                )
                yield Static("", id="status-reason")
            yield ConfirmBar("", id="change-preview")
            yield Static("", id="order-notice")
            yield Static("", id="order-invoice-wait")
            yield Static(_("Produits"), classes="section-title")
            # The lines take the focus and show a cursor: Space ticks, x removes the line
            # under it (the preparation); the history is read, not chosen from.
            yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
            yield Static(_("Historique"), classes="section-title", id="history-title")
            yield DataTable(id="order-history", cursor_type="none")
            yield Static(_("Notifications"), classes="section-title", id="notifications-title")
            yield DataTable(id="order-notifications", cursor_type="row")
        yield Footer(show_command_palette=True, id="order-footer")

    @property
    def config(self) -> Config:
        return self.app.config

    def _status_prompt(self) -> str:
        """« Changer le statut (s) », with the key in effect (`[keymap] order-status`)."""
        status = next(b for b in Binding.make_bindings(self.BINDINGS) if b.id == "order-status")
        key = self.app.get_key_display(in_effect(status, self.config.keymap))
        return _("Changer le statut ({key})", key=key)

    @property
    def staff_name(self) -> str:
        return self.app.staff_name

    def on_mount(self) -> None:
        self._tables_without_focus()
        self.query_one("#client-block").border_title = _("Client")
        self.query_one("#change-preview").display = False
        self.reload()
        self.set_interval(self.POLL_SECONDS, self._poll)

    def on_resize(self, event: events.Resize) -> None:
        # At 80 columns the screen's own keys need the whole footer; Ctrl+P still works.
        footer = self.query_one("#order-footer", Footer)
        wide = event.size.width >= 100
        footer.show_command_palette = wide
        # P's label says where it prints; below 100 columns that needs the room of `p PDF`
        # (still a key, listed by `?`), and the chooser shows each printer in full.
        where = print_label(self.config, PRINTED_HERE) if wide else _("Imprimer")
        set_binding(self, "order-pdf", show=wide)
        set_binding(self, "order-print", description=where)
        self.refresh_bindings()
        if self.detail is not None and self._room != self._table_room():
            self._fill_tables(self.detail)

    def _tables_without_focus(self) -> None:
        """The history is read, not chosen from: Tab skips it."""
        self.query_one("#order-history", DataTable).can_focus = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resend":  # shown only when a notification can be sent again
            return self.detail is not None and any(
                note.state in RESENDABLE for note in self.detail.notifications
            )
        return super().check_action(action, parameters)  # the preparation's, then printing's

    def _table_room(self, *, scrolls: bool = False) -> int:
        """The cells a table may take: the body's width less its scrollbar, and less the
        table's own for one that `scrolls` within its height (the notifications)."""
        body = self.query_one("#order-body", VerticalScroll)
        bar = body.styles.scrollbar_size_vertical
        return max(40, body.size.width - bar * (2 if scrolls else 1))

    def action_page(self, direction: str) -> None:
        body = self.query_one("#order-body", VerticalScroll)
        if direction == "up":
            body.scroll_page_up(animate=False)
        else:
            body.scroll_page_down(animate=False)

    def action_jump(self, part: str) -> None:
        """`h` / `m`: scroll to the history or the notifications (which then has the focus,
        for r)."""
        title = self.query_one(f"#{part}-title", Static)
        self.query_one("#order-body", VerticalScroll).scroll_to_widget(
            title, animate=False, top=True
        )
        if part == "notifications":
            self.query_one("#order-notifications", DataTable).focus(scroll_visible=False)

    # -- reading --------------------------------------------------------------------------

    def _in_thread(self, callback: Any, *args: Any) -> None:
        """Hand a result to the screen from a worker thread; nothing if the app is gone."""
        with contextlib.suppress(RuntimeError):  # the app closed while the worker ran
            self.app.call_from_thread(callback, *args)

    @work(
        thread=True,
        exclusive=True,
        group="order-load",
        exit_on_error=False,
        description="Chargement de la commande",
    )
    def reload(self) -> None:
        """Read the order again and show it."""
        with thread_connection():
            view = load_order_detail(self.number)
        self._in_thread(self.show_view, view)

    def _poll(self) -> None:
        if self.detail is not None:
            self._poll_worker(self.detail.fingerprint)

    @work(
        thread=True,
        exclusive=True,
        group="order-poll",
        exit_on_error=False,
        description="Suivi de la commande",
    )
    def _poll_worker(self, shown: Any) -> None:
        with thread_connection():
            if fingerprint(self.number) == shown:
                return  # unchanged: no read, no redraw
            view = load_order_detail(self.number)
        self._in_thread(self._changed_elsewhere, view)

    def _changed_elsewhere(self, detail: OrderDetail) -> None:
        previous, pending = self.detail, self.pending
        if previous is not None and previous.fingerprint == detail.fingerprint:
            return  # a poll that started before this screen's own change: already shown
        self.show_view(detail)
        if not self.is_attached or previous is None:
            return
        status = status_label(detail.order.status)
        if pending is not None and self.pending is None:
            self.say(
                _(
                    "La commande a changé sur un autre poste (statut : {status}) : "
                    "la modification proposée est abandonnée.",
                    status=status,
                ),
                severity="warning",
            )
        elif previous.order.status != detail.order.status:
            self.say(_("Statut changé sur un autre poste : {status}.", status=status))

    def show_view(self, detail: OrderDetail) -> None:
        """Fill every block from `detail`; never changes the order."""
        self._show(detail, self.detail)

    def _show(self, detail: OrderDetail, previous: OrderDetail | None) -> None:
        """Fill the blocks from `detail`, `previous` being what the screen shows."""
        if not self.is_attached:
            return  # the screen was closed while a worker read the order
        self.detail = detail
        if self.pending is not None and self.pending.version != detail.order.version:
            # Changed elsewhere while the preview waited: that change cannot apply any more.
            self.pending = None
            self._close_preview()
            self.call_after_refresh(self._focus_after_preview)
        show_banner(
            self.query_one("#order-invoice-wait", Static),
            _(
                "Facture en attente : renseignez {fields} dans le Profil (3)",
                fields=detail.invoice_wait,
            )
            if detail.invoice_wait
            else "",
        )
        order = detail.view
        config = self.config
        mode = order.mode
        self._put("#order-title", _("Commande {number}", number=shown(order.number)))
        self._put(
            "#client-block",
            _block(
                (_("Nom"), order.customer_name),
                (_("Courriel"), order.customer_email),
                (_("Adresse"), order.customer_address),
                (_("Mobile"), order.customer_mobile),
            ),
        )
        fulfilment = self.query_one("#fulfilment-block", Static)
        fulfilment.border_title = _("Livraison") if mode == "delivery" else _("Retrait")
        self._put("#fulfilment-block", Text(shown(order.details) or "—"))
        placed = local_time(order.placed_at, config)
        assert placed is not None
        self._put("#summary-date", _cell(_("COMMANDE EFFECTUÉE LE"), format_day(placed.date())))
        self._put("#summary-shipping", _cell(_("FRAIS DE PORT"), format_money(order.shipping_fee)))
        self._put("#summary-total", _cell(_("TOTAL"), format_money(order.total)))
        self._put("#summary-number", _cell(_("N° DE COMMANDE"), order.number))
        self._put("#summary-status", self._status_cell(order))
        if previous is None or previous.order.status != order.status:
            self._fill_status_select(detail.status)
        room = self._table_room()
        if (
            previous is None
            or previous.view.lines != detail.view.lines
            or previous.prepared != detail.prepared
            or room != self._room
        ):
            self._fill_lines(detail)  # drawn again only when a line, its tick or the room changed
        self._room = room
        self._show_preparation(detail)
        self._fill_history(detail)
        self._fill_notifications(detail)
        self.refresh_bindings()  # r is offered only with a notification to send again

    def _fill_tables(self, detail: OrderDetail) -> None:
        self._room = self._table_room()
        self._fill_lines(detail)
        self._fill_history(detail)
        self._fill_notifications(detail)

    def _put(self, selector: str, content: Text | str) -> None:
        """Show `content` in the Static `selector` unless it shows it already (no redraw)."""
        widget = self.query_one(selector, Static)
        if widget.content != content:
            widget.update(content)

    @staticmethod
    def _status_cell(order: Any) -> Text:
        status = status_text(order.status)
        if order.refund:
            status.append("\n" + _("remboursée : {amount}", amount=format_money(order.refund)))
        return _cell(_("Statut"), status)

    def _fill_status_select(self, status: OrderStatus) -> None:
        select = self.query_one("#status-select", Select)
        targets = allowed_targets(status)
        with select.prevent(Select.Changed):
            select.set_options([(status_label(t), t.value) for t in targets])
        select.disabled = not targets
        select.prompt = self._status_prompt() if targets else _("Statut définitif")
        reason = FINAL_REASONS.get(status)
        self._put("#status-reason", _(reason) if reason else "")

    def _fill_lines(self, detail: OrderDetail) -> None:
        marks = line_marks(detail)
        table = self.query_one("#order-lines", DataTable)
        row = table.cursor_row
        # The quantity beside the product: a narrow screen wraps the product, never hides it.
        fill_table(
            table,
            (
                "✓",
                _("Produit"),
                _("Quantité"),
                _("Total"),
                _("TVA"),
                _("Catégorie"),
                _("Vendu par"),
            ),
            [
                (
                    marks[line.position],
                    Text(shown(line.product)),
                    Text(str(line.quantity), justify="right"),
                    Text(format_money(line.total), justify="right"),
                    Text(format_rate(line.rate), justify="right"),
                    Text(shown(line.category)),
                    Text(shown(line.seller)),
                )
                for line in detail.view.lines
            ],
            room=self._table_room(),
            shrink={1: 16, 6: 10, 5: 10},
        )
        if detail.view.lines:
            table.move_cursor(row=min(row, len(detail.view.lines) - 1))

    def _fill_history(self, detail: OrderDetail) -> None:
        fill_table(
            self.query_one("#order-history", DataTable),
            (_("Quand"), _("Par"), _("De → À"), _("Motif")),
            history_table_rows(detail, self.config),
            room=self._table_room(),
            shrink={3: 16, 2: 24, 1: 10},
        )

    def _fill_notifications(self, detail: OrderDetail) -> None:
        table = self.query_one("#order-notifications", DataTable)
        row = table.cursor_row
        rows = []
        for note in detail.notifications:
            sent = local_time(note.sent_at, self.config)
            recipient = note.recipient or (
                _("vendeur (profil)") if note.audience == "seller" else ""
            )
            channel = {"mail": _("Courriel"), "webhook": _("Place de marché")}.get(
                note.channel, _("SMS")
            )
            if note.attachment:
                channel = f"{channel} · {attachment_label(note.attachment)}"
            rows.append(
                (
                    short_status_text(note.order_status, short=True),
                    Text(channel),
                    Text(shown(recipient)),
                    self._state_text(note.state, note.attempts, sent),
                    Text(shown(note.last_error)),
                )
            )
        fill_table(
            table,
            (_("Statut"), _("Canal"), _("Destinataire"), _("État"), _("Dernière erreur")),
            rows,
            keys=[str(note.id) for note in detail.notifications],
            room=self._table_room(scrolls=True),
            shrink={2: 14, 3: 12, 4: 10},
        )
        waiting = sum(n.state in WAITING for n in detail.notifications)
        failed = sum(n.state == N.FAILED for n in detail.notifications)
        title = _("Notifications")
        if waiting or failed:
            title += " · " + _(
                "{waiting} en attente, {failed} en échec", waiting=waiting, failed=failed
            )
        self._put("#notifications-title", title)
        if detail.notifications:
            table.move_cursor(row=min(row, len(detail.notifications) - 1))

    @staticmethod
    def _state_text(state: str, attempts: int, sent: Any) -> Text:
        """'Envoyé le 15/03 09:31', 'Échec (3 essai(s))', 'En attente'."""
        label = _(state_label(state))
        if state == N.SENT and sent is not None:
            label = _("Envoyé le {when}", when=format_short_datetime(sent))
        elif attempts and state != N.SENT:
            label += " " + _("({n} essai(s))", n=attempts)
        return Text(label, style="bold red" if state == N.FAILED else "")

    # -- messages to the user -------------------------------------------------------------

    def say(self, message: str, *, severity: str = "information", toast: bool = True) -> None:
        """A notice on the screen, and as a toast unless the App gives one already."""
        if not self.is_attached:
            return
        notice = self.query_one("#order-notice", Static)
        notice.update(Text(message))
        notice.display = True
        if toast:
            self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where a worker's failure becomes a readable line."""
        if event.state is not WorkerState.ERROR:
            return
        self._written()
        error = event.worker.error
        # The App's policy gives the toast and the log line; the screen keeps the notice.
        if isinstance(error, SHOWN):
            self.say(str(error), severity="error", toast=False)
        else:
            self.say(_("Erreur inattendue : {error}", error=error), severity="error", toast=False)

    # -- status changes -------------------------------------------------------------------

    def action_focus_status(self) -> None:
        """`s`: focus the dropdown, or say why the status cannot change."""
        if self.detail is None:
            return
        reason = FINAL_REASONS.get(self.detail.status)
        if reason:
            self.say(_(reason), severity="warning")
            return
        self.query_one("#status-select", Select).focus()

    def action_next_status(self) -> None:
        """`n`: propose the next status of the normal flow."""
        if self.detail is None:
            return
        status = self.detail.status
        reason = FINAL_REASONS.get(status)
        if reason:
            self.say(_(reason), severity="warning")
            return
        target = next_in_flow(status)
        if target is None or target not in allowed_targets(status):
            self.say(_("Pas de statut suivant pour cette commande."), severity="warning")
            return
        self.propose(target)

    @on(Select.Changed, "#status-select")
    def _status_chosen(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        select = event.select
        with select.prevent(Select.Changed):
            select.clear()
        if value is Select.NULL or self.detail is None:
            return
        self.propose(OrderStatus(str(value)))

    def propose(self, target: OrderStatus) -> None:
        """Preview a change to `target` and ask for confirmation (cancellation: the modal)."""
        assert self.detail is not None
        order = self.detail.order
        if target is OrderStatus.CANCELLED:
            version = order.version

            def cancelled(reason: str | None) -> None:
                if reason:
                    self.apply_change(PendingChange(target, version, reason))
                else:
                    self.say(_("Annulation abandonnée : la commande n'a pas changé."))

            self.app.push_screen(
                CancelOrderModal(order.number, format_money(order.total)), cancelled
            )
            return
        self.pending = PendingChange(target, order.version)
        bar = self.query_one("#change-preview", ConfirmBar)
        bar.update(Text(change_preview(order, target, self.config)))
        bar.display = True
        bar.focus()

    @on(ConfirmBar.Answered)
    def _answered(self, event: ConfirmBar.Answered) -> None:
        event.stop()
        pending, self.pending = self.pending, None
        if pending is not None and event.accepted:
            # The preview stays until the change is written (`_written` closes it): closing
            # it now would cost a layout pass that the write and the new status would wait for.
            self._writing = True
            self.apply_change(pending)
            return
        self._close_preview()
        if pending is None:
            return
        self.say(_("Modification abandonnée : la commande n'a pas changé."))
        self._focus_after_preview()

    def _close_preview(self) -> None:
        bar = self.query_one("#change-preview", ConfirmBar)
        bar.display = False
        bar.update("")

    def _written(self) -> None:
        """A confirmed change was written (or refused): close its preview, move focus on."""
        if not self._writing:
            return
        self._writing = False
        if self.is_attached:
            self._close_preview()
            self._focus_after_preview()

    def _focus_after_preview(self) -> None:
        # The body, not the dropdown: ↓ and PageDown then scroll (on the dropdown ↓ opens it);
        # s and n still reach the status from there.
        self.query_one("#order-body").focus()

    @_order_change
    def apply_change(self, pending: PendingChange) -> None:
        """Write the change with the version that was on screen as the lock."""
        config = self.config
        with thread_connection():
            try:
                result = change_status(
                    self.number,
                    pending.target,
                    config=config,
                    by=self.staff_name,
                    reason=pending.reason,
                    expected_version=pending.version,
                )
            except (ConcurrentChangeError, TransitionError) as error:
                view = load_order_detail(self.number)
                self._in_thread(self._refused, str(error), view)
                return
        target = OrderStatus(result.order.status)
        if target is OrderStatus.CANCELLED:
            message = _(
                "Commande annulée. Remboursement intégral de {amount} enregistré.",
                amount=format_money(result.order.refund),
            )
        elif config.undo_seconds > 0:
            message = _(
                "Statut : {status}. Ctrl+Z pour annuler pendant {seconds} s.",
                status=status_label(target),
                seconds=seconds_text(config.undo_seconds),
            )
        else:
            message = _("Statut : {status}.", status=status_label(target))
        undo_window = config.undo_seconds if target is not OrderStatus.CANCELLED else 0.0
        self._in_thread(self._applied, message, result, undo_window)

    def _applied(self, message: str, result: ChangeResult, undo_window: float) -> None:
        """The change is written: its status is painted at once, on its own (no layout pass
        when its cell keeps its height), and the rest of the screen a frame later. The view
        is the one on screen with the change's rows added, not read again: the version lock
        guarantees nothing else changed the order meanwhile (a notification sent meanwhile
        is seen by the next poll)."""
        previous = self.detail
        if previous is None or not self.is_attached:
            return
        view = previous.with_change(result)
        self.detail = view
        update_in_place(self.query_one("#summary-status", Static), self._status_cell(view.order))
        self.call_after_refresh(self._applied_rest, message, view, previous, undo_window)

    def _applied_rest(
        self, message: str, detail: OrderDetail, previous: OrderDetail, undo_window: float
    ) -> None:
        self._written()
        if self.detail is detail:  # else a poll has shown a newer read meanwhile
            self._show(detail, previous)
        self._notice(message, undo_window)

    def _refused(self, message: str, detail: OrderDetail) -> None:
        self._written()
        self.show_view(detail)
        self.say(message, severity="error")

    def _changed(self, message: str, detail: OrderDetail, undo_window: float = 0.0) -> None:
        self.show_view(detail)
        self._notice(message, undo_window)

    def _notice(self, message: str, undo_window: float) -> None:
        self.say(message)
        if undo_window > 0:
            # Once the grace period is over the notice would promise an undo that cannot be.
            self.set_timer(undo_window, partial(self._forget_notice, message))

    def _forget_notice(self, message: str) -> None:
        notice = self.query_one("#order-notice", Static)
        content = notice.content
        if getattr(content, "plain", str(content)) == message:
            notice.update("")
            notice.display = False

    # -- undo, resend, PDF ---------------------------------------------------------------

    def action_undo(self) -> None:
        """Ctrl+Z: undo the order's latest change (or line removal) in the grace period."""
        if self.undo_removal_first():
            return
        self._undo()

    @_order_change
    def _undo(self) -> None:
        with thread_connection():
            try:
                change = undo_latest(self.number, config=self.config, by=self.staff_name)
            except (ConcurrentChangeError, TransitionError) as error:
                view = load_order_detail(self.number)
                self._in_thread(self._refused, str(error), view)
                return
            view = load_order_detail(self.number)
        message = _(
            "Modification annulée : statut {status} rétabli, messages retirés.",
            status=status_label(change.to_status),
        )
        self._in_thread(self._changed, message, view)

    def action_resend(self) -> None:
        """`r`: send the selected failed notification again."""
        if self.detail is None:
            return
        table = self.query_one("#order-notifications", DataTable)
        if not self.detail.notifications:
            self.say(_("Aucune notification pour cette commande."), severity="warning")
            return
        note = self.detail.notifications[min(table.cursor_row, len(self.detail.notifications) - 1)]
        if note.state not in RESENDABLE:
            failed = [n for n in self.detail.notifications if n.state in RESENDABLE]
            if len(failed) != 1:
                self.say(
                    _("Choisissez une notification en échec (flèches) puis r."),
                    severity="warning",
                )
                return
            note = failed[0]
        self._resend(note.id)

    @_order_change
    def _resend(self, notification_id: int) -> None:
        with thread_connection():
            note = resend(notification_id)
            view = load_order_detail(self.number)
        message = _(
            "Notification renvoyée à {recipient} : elle repart au prochain passage.",
            recipient=note.recipient or _("vendeur (profil)"),
        )
        self._in_thread(self._changed, message, view)

    def action_pdf(self) -> None:
        """`p`: save the order's PDF."""
        self.say(_("PDF en cours de création…"))
        self._save_pdf()

    @work(
        thread=True,
        exclusive=True,
        group="order-pdf",
        exit_on_error=False,
        description="PDF de la commande",
    )
    def _save_pdf(self) -> None:
        from app.documents.render import write_order_pdf  # Jinja2 and wkhtmltopdf on demand

        with thread_connection():
            path = write_order_pdf(self.number, path=None)
        self._in_thread(self.say, _("PDF enregistré : {path}", path=path))

    # -- printing and mailing documents (issue 14) ---------------------------------------

    def print_notice(self, message: str, *, error: bool = False) -> None:
        self.say(message, severity="error" if error else "information")

    def action_print(self) -> None:
        """`P`: choose what to print (ticket, packing slip, invoice, order), then print it."""
        config = self.config
        receipt, queue = receipt_label(config), queue_label(config)
        choices = [
            Choice("t", _("Ticket de préparation → {where}", where=receipt), Kind.TICKET),
            Choice("b", _("Bon de livraison (sans prix) → {where}", where=queue), Kind.SLIP),
            Choice("f", _("Facture et avoirs → {where}", where=queue), Kind.INVOICE),
            Choice("c", _("Commande (PDF) → {where}", where=queue), Kind.ORDER),
        ]

        def chosen(value: str | None) -> None:
            if value:
                kind = Kind(value)
                what = dict(PRINT_TITLES)[kind]
                self.start_print(partial(order_jobs, kind, self.number), what=_(what), kind=kind)

        self.app.push_screen(ChooseModal(_("Imprimer"), choices), chosen)

    def action_mail_document(self) -> None:
        """`m`: choose a document and its recipient; it leaves through the outbox."""
        self._mail_choices()

    @work(thread=True, exclusive=True, group="order-mail", exit_on_error=False)
    def _mail_choices(self) -> None:
        with thread_connection():
            choices = mail_choices(self.number)
        self._in_thread(self._choose_mail, choices)

    def _choose_mail(self, choices: list[MailChoice]) -> None:
        letters = "abcdefhijklnopstuvwxyz"
        options = [
            Choice(letters[i], choice.label, str(i)) for i, choice in enumerate(choices[:22])
        ]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._queue_mail(choices[int(value)])

        self.app.push_screen(ChooseModal(_("Envoyer par courriel"), options), chosen)

    @work(thread=True, exclusive=True, group="order-change", exit_on_error=False)
    def _queue_mail(self, choice: MailChoice) -> None:
        with thread_connection():
            note, new = queue_document_mail(
                self.number,
                choice.attachment,
                choice.audience,
                config=self.config,
                by=self.staff_name,
            )
            view = load_order_detail(self.number)
        what = attachment_label(choice.attachment)
        to = note.recipient or _("la boutique")
        if new:
            message = _("{what} : courriel vers {to} en file d'envoi.", what=what, to=to)
        else:
            message = _("{what} attend déjà son envoi vers {to}.", what=what, to=to)
        self._in_thread(self._mail_queued, message, view)

    def _mail_queued(self, message: str, detail: OrderDetail) -> None:
        notifier = getattr(self.app, "notifier", None)
        if notifier is not None:
            notifier.wake()  # it leaves now rather than at the notifier's next poll
        self._changed(message, detail)

    def action_back(self) -> None:
        """Escape: back to where the order was opened from."""
        self.app.pop_screen()
