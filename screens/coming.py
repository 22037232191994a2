"""A screen whose issue has not landed yet (Finances, Profil)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from app.i18n import _
from widgets.footer import Footer
from widgets.section_bar import SectionBar


class ComingSoonScreen(Screen[None]):
    """Says the screen is coming; the global keys still work."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = title

    def compose(self) -> ComposeResult:
        yield SectionBar()
        yield Static(_(self.heading), classes="screen-title")
        yield Static(_("Bientôt disponible"), id="coming-soon")
        yield Footer()
