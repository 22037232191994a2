"""Finances (`2`): a month of orders with fees, payouts and their dates; PDFs and CSV."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from app.documents.render import render_month, write_document_pdf
from app.i18n import _, format_day, format_money, format_number, month_title
from app.money.books import (
    BLOCKED,
    FinanceMonth,
    FinanceRow,
    current_month,
    export_csv,
    month_finances,
    shift_month,
    vat_lines,
)
from app.orders.statuses import OrderStatus
from app.printing.jobs import Kind, document_job
from screens._translate import translate_bindings
from screens.base import ComptoirScreen
from screens.printing import RETRY_BINDING, PrintingScreen, print_label, set_binding
from widgets.banner import show_banner
from widgets.footer import Footer
from widgets.tables import fill_table


def _amount(amount: Decimal) -> Text:
    """An amount without the € sign (the title says so), right-aligned."""
    return Text(format_number(amount), justify="right")


class FinancesScreen(PrintingScreen, ComptoirScreen[None]):
    """The month's orders: invoice, gross, fees, net, refund, payout date and state."""

    BINDINGS = [
        Binding(
            "pageup",
            "previous_month",
            _("Mois préc."),
            key_display="PgUp",
            priority=True,
            id="finances-previous-month",
        ),
        Binding(
            "pagedown",
            "next_month",
            _("Mois suiv."),
            key_display="PgDn",
            priority=True,
            id="finances-next-month",
        ),
        Binding(
            "enter",
            "open_document",
            _("PDF"),
            tooltip=_("Enregistrer la facture ou l'avoir en PDF"),
            priority=True,
            id="finances-open-document",
        ),
        Binding(
            "e",
            "export_csv",
            _("CSV"),
            tooltip=_("Exporter le mois en CSV"),
            id="finances-export-csv",
        ),
        Binding(
            "i",
            "month_invoices",
            _("Factures du mois"),
            tooltip=_("Toutes les factures du mois"),
            id="finances-month-invoices",
        ),
        Binding(
            "P",
            "print_document",
            "Imprimer",
            tooltip="Imprimer la facture ou l'avoir sélectionné",
            id="finances-print",
        ),
        RETRY_BINDING,
    ]

    def __init__(self, year: int | None = None, month: int | None = None) -> None:
        super().__init__(id="finances")
        self._year = year
        self._month = month
        self._view: FinanceMonth | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            _("Paiements bloqués : renseignez un IBAN valide dans le Profil (3)"),
            id="finances-banner",
        )
        yield Static("", id="finances-seller-banner")
        yield Static(id="finances-title")
        yield DataTable(id="finances-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="finances-totals")
        yield Static(id="finances-vat")
        with Horizontal(id="finances-progress-row"):
            yield Static(_("Factures du mois :"), id="finances-progress-label")
            yield ProgressBar(id="finances-progress", show_eta=False)
        yield Footer(compact=False, show_command_palette=True)  # with the outbox warning

    def on_mount(self) -> None:
        translate_bindings(self)  # the print keys are declared in French, as elsewhere
        set_binding(
            self, "finances-print", description=print_label(self.app.config, (Kind.INVOICE,))
        )
        if self._year is None or self._month is None:
            self._year, self._month = current_month(self.app.config)
        self.query_one("#finances-banner").display = False
        self.query_one("#finances-seller-banner").display = False
        self.query_one("#finances-progress-row").display = False
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        # Below 100 columns the month's keys fill the footer: P stays a key (`?`, Ctrl+P).
        set_binding(self, "finances-print", show=event.size.width >= 100)
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        """Coming back to Finances (e.g. from the Profil) shows fresh rows and banner."""
        if self._view is not None:
            self.reload()

    @property
    def month(self) -> tuple[int, int]:
        """The (year, month) shown."""
        assert self._year is not None and self._month is not None
        return self._year, self._month

    @property
    def view(self) -> FinanceMonth | None:
        """The rows shown (None until loaded)."""
        return self._view

    def reload(self) -> None:
        """Read the month again (after a change of month, or of the profile's IBAN)."""
        year, month = self.month
        self.query_one("#finances-title", Static).update(
            _("Finances — {month} (montants en €)", month=month_title(year, month))
        )
        self._load(year, month)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="finances-load",
        description="Chargement des finances",
    )
    def _load(self, year: int, month: int) -> None:
        view = month_finances(year, month, config=self.app.config)
        self.app.call_from_thread(self._show, view)

    def _show(self, view: FinanceMonth) -> None:
        if (view.year, view.month) != self.month:
            return  # the user already moved to another month
        self._view = view
        self.query_one("#finances-banner").display = not view.iban_valid
        show_banner(
            self.query_one("#finances-seller-banner", Static),
            _(
                "Factures en attente : renseignez {fields} dans le Profil (3)",
                fields=view.missing_seller,
            )
            if view.missing_seller
            else "",
        )
        fill_table(
            self.query_one("#finances-table", DataTable),
            (
                _("Facture"),
                _("Date"),
                _("Brut"),
                _("Frais"),
                _("Net"),
                _("Remb."),
                _("Versement"),
                _("État"),
            ),
            [self._cells(row) for row in view.rows],
            keys=[row.order_number for row in view.rows],
        )
        self.query_one("#finances-totals", Static).update(
            _(
                "{count} commande(s) · brut {gross} · frais {fees} · net {net} · remb. {refunds}",
                count=len(view.rows),
                gross=format_money(view.gross),
                fees=format_money(view.fees),
                net=format_money(view.net),
                refunds=format_money(view.refunds),
            )
        )
        self.query_one("#finances-vat", Static).update(Text(self._vat_text(view)))

    @staticmethod
    def _vat_text(view: FinanceMonth) -> str:
        untaxed = _("TVA non applicable, art. 293 B du CGI")
        lines = [
            # What was sold under the franchise has no VAT to show, not « TVA 0,00 € ».
            _("{label} : {ttc}", label=label, ttc=format_money(ttc))
            if label == untaxed
            else _(
                "{label} : base {ht}, TVA {vat}",
                label=label,
                ht=format_money(ht),
                vat=format_money(vat),
            )
            for label, ht, vat, ttc in vat_lines(view.vat)
        ]
        return _(
            "TVA du mois (factures émises moins avoirs émis) : {lines}",
            lines=" · ".join(lines) or _("aucune facture émise"),
        )

    @staticmethod
    def _cells(row: FinanceRow) -> tuple[Text, ...]:
        invoice = row.invoice_number or "—"
        if row.status is OrderStatus.ERROR:
            invoice = _("Erreur")
        return (
            Text(invoice),
            Text(format_day(row.placed_on)),
            _amount(row.gross),
            _amount(row.fees),
            _amount(row.net),
            _amount(row.refund) if row.refund else Text(""),
            Text(format_day(row.payout_on) if row.payout_on else "—"),
            Text(row.payout_label, style="bold red" if row.payout_state == BLOCKED else ""),
        )

    def _selected(self) -> FinanceRow | None:
        if self._view is None or not self._view.rows:
            return None
        table = self.query_one("#finances-table", DataTable)
        index = table.cursor_row
        if not 0 <= index < len(self._view.rows):
            return None
        return self._view.rows[index]

    def action_previous_month(self) -> None:
        self._year, self._month = shift_month(*self.month, -1)
        self.reload()

    def action_next_month(self) -> None:
        self._year, self._month = shift_month(*self.month, 1)
        self.reload()

    def _selected_document(self) -> FinanceRow | None:
        """The selected row if it has an invoice or credit note; else says why not."""
        row = self._selected()
        if row is not None and not row.document_number:
            self.notify(_("Cette commande n'a ni facture ni avoir (paiement en erreur)."))
            return None
        return row

    def action_open_document(self) -> None:
        row = self._selected_document()
        if row is not None:
            self._save_document(row.document_number)

    def action_print_document(self) -> None:
        """`P`: print the selected row's invoice or credit note on the CUPS queue."""
        row = self._selected_document()
        if row is None:
            return
        job = document_job(row.document_number, row.order_number)
        self.start_print([job], what=job.title, kind=Kind.INVOICE)

    def print_notice(self, message: str, *, error: bool = False) -> None:
        self.notify(
            message,
            severity="error" if error else "information",
            timeout=15 if error else 5,
            markup=False,  # a queue's name or a printer's answer is text, never markup
        )

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_document()

    @work(thread=True, exit_on_error=False, group="finances-pdf", description="Création du PDF")
    def _save_document(self, number: str) -> Path:
        path = write_document_pdf(number)
        self.app.call_from_thread(self.notify, _("PDF enregistré : {path}", path=path))
        return path

    def action_export_csv(self) -> None:
        self._export(*self.month)

    @work(thread=True, exit_on_error=False, group="finances-export", description="Export CSV")
    def _export(self, year: int, month: int) -> Path:
        path = export_csv(year, month, config=self.app.config)
        self.app.call_from_thread(self.notify, _("CSV enregistré : {path}", path=path))
        return path

    def action_month_invoices(self) -> None:
        row = self.query_one("#finances-progress-row")
        row.display = True
        self.query_one("#finances-progress", ProgressBar).update(total=None, progress=0)
        self._render_month(*self.month)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="finances-month-pdf",
        description="PDF du mois",
    )
    def _render_month(self, year: int, month: int) -> list[Path]:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        paths = render_month(year, month, progress=progress)
        if paths:
            message = _(
                "{count} document(s) écrit(s) dans {folder}",
                count=len(paths),
                folder=paths[0].parent,
            )
        else:
            message = _("Aucune facture pour ce mois.")
        self.app.call_from_thread(self.notify, message)
        return paths

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#finances-progress", ProgressBar).update(total=total, progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed month PDF hides its progress bar; the App tells and logs the failure."""
        if event.state is WorkerState.ERROR:
            if event.worker.group == "finances-month-pdf":
                self.query_one("#finances-progress-row").display = False
        elif event.state is WorkerState.SUCCESS and event.worker.group == "finances-month-pdf":
            self.query_one("#finances-progress-row").display = False
