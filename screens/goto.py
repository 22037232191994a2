"""`g`: type (or scan) an order number, Enter opens it."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
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


class ChooseOrderScreen(ComptoirModal[str | None]):
    """Several numbers start with what was typed: arrows and Enter (or 1–9) choose one."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="choose-order-cancel")]

    DEFAULT_CSS = """
    ChooseOrderScreen { align: center middle; }
    ChooseOrderScreen > Vertical { width: 60; height: auto; border: round $accent;
        padding: 0 1; }
    ChooseOrderScreen OptionList { height: auto; max-height: 12; }
    ChooseOrderScreen Label { width: 100%; }
    """

    def __init__(self, start: str, numbers: list[str]) -> None:
        super().__init__()
        self.start = start
        self.numbers = numbers

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical() as box:
            box.border_title = Text(_("Commandes commençant par « {start} »", start=self.start))
            yield Label(_("Plusieurs commandes : choisissez (flèches, Entrée ou 1–9)."))
            yield OptionList(
                *(Option(Text(f"{i}  {n}"), id=n) for i, n in enumerate(self.numbers, start=1)),
                id="choose-order",
            )

    def on_option_list_option_selected(self, event: object) -> None:
        option = getattr(event, "option", None)
        self.dismiss(getattr(option, "id", None))

    def on_key(self, event: events.Key) -> None:
        key = event.character or ""
        if key.isdigit() and 1 <= int(key) <= len(self.numbers):
            event.stop()
            event.prevent_default()  # not the App's section keys 1–4
            self.dismiss(self.numbers[int(key) - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
