"""Small questions asked before something cannot be taken back: keyboard only, one line each.

`ConfirmModal` answers True or False; `UnsavedModal` asks what to do with edits not saved
yet when a screen is left ("save", "discard", or None to stay).
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from app.i18n import _
from screens._translate import translate_bindings
from screens.base import ComptoirModal

T = TypeVar("T")


class _Question(ComptoirModal[T]):
    DEFAULT_CSS = """
    _Question { align: center middle; }
    _Question > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1; }
    _Question .question-text { height: auto; text-style: bold; }
    _Question .question-keys { height: auto; margin-top: 1; color: $text-muted; }
    """

    def __init__(self, question: str, keys: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            # What the question quotes (field names, values) is never read as markup.
            yield Static(Text(self.question), classes="question-text")
            yield Static(Text(self.keys), classes="question-keys")


class ConfirmModal(_Question[bool]):
    """Enter or y (o) says yes; Escape or n says no."""

    BINDINGS = [
        Binding("enter,y,o", "answer(True)", "Oui", id="confirm-yes"),
        Binding("escape,n", "answer(False)", "Non", id="confirm-no"),
    ]

    def __init__(self, question: str, *, yes: str, no: str) -> None:
        super().__init__(question, _("Entrée : {yes}   ·   Échap : {no}", yes=yes, no=no))

    def action_answer(self, accepted: bool) -> None:
        self.dismiss(accepted)


class UnsavedModal(_Question[str | None]):
    """Ctrl+S (or e) saves, a abandons the edits, Escape stays on the screen."""

    BINDINGS = [
        Binding("ctrl+s,e", "answer('save')", "Enregistrer", id="unsaved-save"),
        Binding("a", "answer('discard')", "Abandonner les saisies", id="unsaved-discard"),
        Binding("escape", "answer('')", "Rester", id="unsaved-stay"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(
            question,
            _("Ctrl+S ou e : enregistrer   ·   a : abandonner les saisies   ·   Échap : rester"),
        )

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice or None)
