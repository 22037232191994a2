"""`g`: type (or scan) an order number, Enter opens it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from app.i18n import _
from screens.base import ComptoirModal


class GoToOrderScreen(ComptoirModal[str | None]):
    """Returns the number typed, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="goto-cancel")]

    DEFAULT_CSS = """
    GoToOrderScreen { align: center middle; }
    GoToOrderScreen > Vertical { width: 60; height: auto; border: round $accent;
        padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Aller à une commande")
            yield Label(_("N° de commande (ou scannez le code) puis Entrée :"))
            yield Input(id="goto-number")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        self.dismiss(number or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
