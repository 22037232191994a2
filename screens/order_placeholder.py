"""Stands in for the order detail screen until `screens.order` is merged."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from app.i18n import _
from widgets.footer import Footer


class OrderPlaceholderScreen(Screen[None]):
    """Shows the order's number; Escape goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Retour", id="order-back")]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        yield Static(_("Commande {number}", number=self.number), classes="screen-title")
        yield Footer()
