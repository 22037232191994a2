"""The footer, with binding descriptions in the current language.

Bindings are declared once, in French (the catalogue's source language), at class level,
before the language is chosen; the footer translates them when it draws.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey, FooterLabel

from app.i18n import _


class Footer(TextualFooter):
    """Textual's footer, translated, compact (80 columns hold more keys)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)  # the top bar shows it

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            elif isinstance(widget, FooterLabel):
                widget = FooterLabel(_(str(widget.content)) + " ")
            yield widget
