"""`?`: every key of the screen underneath, from its bindings (so it is never out of date)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable

from app.i18n import _

# Textual's own bindings (focus, copy, list and field movements) come with English
# descriptions; this gives each its French source text, translated back by the catalogue.
TEXTUAL_DESCRIPTIONS: dict[str, str] = {
    "Quit": "Quitter",
    "Focus Next": "Élément suivant",
    "Focus Previous": "Élément précédent",
    "Copy selected text": "Copier la sélection",
    "Cursor up": "Ligne précédente",
    "Cursor down": "Ligne suivante",
    "Cursor left": "Colonne précédente",
    "Cursor right": "Colonne suivante",
    "Home": "Début",
    "End": "Fin",
    "Page up": "Page précédente",
    "Page down": "Page suivante",
    "Page Left": "Page à gauche",
    "Page Right": "Page à droite",
    "Select": "Choisir",
    "Top": "Tout en haut",
    "Bottom": "Tout en bas",
    "Scroll Up": "Défiler vers le haut",
    "Scroll Down": "Défiler vers le bas",
    "Move cursor left": "Curseur à gauche",
    "Move cursor right or accept the completion suggestion": "Curseur à droite",
    "Go to start": "Aller au début",
    "Go to end": "Aller à la fin",
    "Page Up": "Page précédente",
    "Page Down": "Page suivante",
    "Move cursor left and select": "Sélectionner à gauche",
    "Move cursor left a word": "Mot précédent",
    "Move cursor left a word and select": "Sélectionner le mot précédent",
    "Move cursor right and select": "Sélectionner à droite",
    "Move cursor right a word": "Mot suivant",
    "Move cursor right a word and select": "Sélectionner le mot suivant",
    "Delete character left": "Effacer à gauche",
    "Select all": "Tout sélectionner",
    "Select line start": "Sélectionner jusqu'au début",
    "Select line end": "Sélectionner jusqu'à la fin",
    "Delete character right": "Effacer à droite",
    "Submit": "Valider",
    "Delete left to start of word": "Effacer le mot à gauche",
    "Delete all to the left": "Effacer tout à gauche",
    "Delete right to start of word": "Effacer le mot à droite",
    "Delete all to the right": "Effacer tout à droite",
    "Cut selected text": "Couper la sélection",
    "Paste text from the clipboard": "Coller",
    "Up": "Haut",
    "Down": "Bas",
    "Scroll Left": "Défiler à gauche",
    "Scroll Right": "Défiler à droite",
    "First": "Premier",
    "Last": "Dernier",
    "Toggle option": "Cocher / décocher",
    "palette": "palette",
}


def describe(binding: Binding) -> str:
    """A binding's description in the current language (ours and Textual's alike)."""
    text = binding.description or binding.action
    return _(TEXTUAL_DESCRIPTIONS.get(text, text))


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


class HelpScreen(ModalScreen[None]):
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
