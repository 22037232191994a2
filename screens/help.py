"""`?`: every key of the screen underneath, from its bindings (so it is never out of date)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from app.i18n import _
from screens.base import ComptoirModal
from widgets.textual_keys import describe


def screen_keys(screen: Screen[object]) -> list[tuple[str, str]]:
    """(key as shown, description) of each binding active on `screen`, once per action."""
    app = screen.app
    seen: set[tuple[str, str]] = set()
    keys: list[tuple[str, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        description = describe(binding)
        key = app.get_key_display(binding)
        if (key, description) in seen:
            continue
        seen.add((key, description))
        keys.append((key, description))
    return keys


class HelpScreen(ComptoirModal[None]):
    """A table of keys; Escape or ? closes it."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Fermer", id="help-close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > DataTable { width: auto; max-width: 90%; height: auto; max-height: 90%;
        border: round $accent; }
    """

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row", id="help-keys")
        table.border_title = _("Touches")
        table.add_columns(_("Touche"), _("Action"))
        for key, description in self.keys:
            table.add_row(key, description)
        yield table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
