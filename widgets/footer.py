"""The footer, with binding descriptions in the current language.

Bindings are declared once, in French (the catalogue's source language), at class level,
before the language is chosen; the footer translates them when it draws.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

from app.i18n import _
from widgets.compat import FooterKey, FooterLabel
from widgets.textual_keys import translate_description


class Footer(TextualFooter):
    """Textual's footer, translated, compact (80 columns hold more keys)."""

    def __init__(self, *, show_command_palette: bool = False, id: str | None = None) -> None:
        # By default the top bar shows Ctrl+P, not the footer.
        super().__init__(compact=True, show_command_palette=show_command_palette, id=id)

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual rebuilds the footer (a dozen widgets, a layout pass) on every focus move;
        # most moves leave the same keys, so rebuild only when what is shown differs.
        shown = tuple(
            (key, active.binding.description, active.enabled, active.binding.group)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )
        if shown == self._shown:  # set once Textual's footer was told (and is ready)
            return
        self._shown = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = translate_description(widget.description)
            elif isinstance(widget, FooterLabel):
                widget = FooterLabel(_(str(widget.content)) + " ")
            yield widget
