"""`?`: Comptoir's keys on the screen underneath (from its bindings, so never out of date),
then what the statuses mean and where each may go (from `app.orders.statuses`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from app.i18n import _
from app.orders.rules import status_label
from app.orders.statuses import (
    NORMAL_FLOW,
    STATUS_COLOURS,
    OrderStatus,
    allowed_targets,
)
from screens.base import ComptoirModal
from widgets.textual_keys import comptoir_bindings, describe

# Textual's keys, but every screen relies on them: moving between its parts, the palette.
FRAMEWORK_KEYS = (
    ("tab", "shift+tab", "Partie suivante / précédente de l'écran"),
    ("ctrl+p", "", "Palette : écrans et actions par leur nom"),
)


def screen_keys(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys as shown, description) of each of Comptoir's bindings active on `screen`, once
    per action (two keys of one action on one line)."""
    app = screen.app
    keys: list[tuple[str, str]] = []
    for binding, _node, bound in comptoir_bindings(screen):
        shown = " / ".join(
            dict.fromkeys(app.get_key_display(replace(binding, key=k)) for k in bound)
        )
        keys.append((shown, describe(binding)))
    for first, second, description in FRAMEWORK_KEYS:
        shown = " / ".join(app.get_key_display(Binding(k, "")) for k in (first, second) if k)
        keys.append((shown, _(description)))
    return keys


def statuses_text() -> Text:
    """Each status, coloured as in the lists, with the statuses it may move to."""
    text = Text()
    text.append(_("Statuts") + "\n", style="bold")
    flow = " → ".join(status_label(status) for status in NORMAL_FLOW)
    text.append(_("Parcours normal (n : statut suivant) : {flow}.", flow=flow) + "\n")
    for status in OrderStatus:
        text.append("● ", style=STATUS_COLOURS[status])
        text.append(status_label(status), style="bold")
        targets = allowed_targets(status)
        if targets:
            names = ", ".join(status_label(target) for target in targets)
            text.append(" → " + names + "\n")
        else:
            text.append(" : " + _("statut final") + "\n")
    text.append(
        _(
            "Une annulation demande un motif et enregistre le remboursement ; "
            "Ctrl+Z rétablit le statut précédent pendant le délai d'annulation."
        )
    )
    return text


class HelpScreen(ComptoirModal[None]):
    """The keys, the statuses (and, in the demo, where its mails go); Escape or ? closes."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Fermer", id="help-close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    HelpScreen DataTable { height: auto; }
    HelpScreen .help-part { height: auto; margin-top: 1; }
    """

    def __init__(self, keys: list[tuple[str, str]], *, demo_maildir: Path | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.demo_maildir = demo_maildir

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = _("Aide")
            body.border_subtitle = _("↑↓ PgUp PgDn : défiler · Échap : fermer")
            if self.demo_maildir is not None:
                yield Static(
                    Text(
                        _(
                            "Démonstration : les mails envoyés arrivent dans {path}",
                            path=self.demo_maildir,
                        )
                    ),
                    id="help-demo",
                )
            table: DataTable[str] = DataTable(cursor_type="none", id="help-keys")
            table.can_focus = False  # the scroll around it takes the arrows
            table.add_columns(_("Touche"), _("Action"))
            for key, description in self.keys:
                table.add_row(key, description)
            yield table
            yield Static(statuses_text(), id="help-statuses", classes="help-part")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
