"""A small chooser: a few choices, each with its letter; the letter, or Enter on the
highlighted one, picks it; Escape picks nothing."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.base import ComptoirModal


@dataclass(frozen=True)
class Choice:
    """One line of the chooser: its letter, what it says, and the value it returns."""

    key: str
    label: str
    value: str


class ChooseModal(ComptoirModal[str | None]):
    """Returns the value of the choice picked, or None."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="choose-cancel")]

    DEFAULT_CSS = """
    ChooseModal { align: center middle; }
    ChooseModal > Vertical { width: auto; min-width: 50; max-width: 100; height: auto;
        border: round $accent; padding: 0 1; }
    ChooseModal OptionList { height: auto; max-height: 14; border: none; }
    """

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield OptionList(
                *[
                    Option(Text.assemble((f"{c.key}  ", "bold"), c.label), id=str(i))
                    for i, c in enumerate(self.choices)
                ],
                id="choose-list",
            )

    def on_key(self, event: events.Key) -> None:
        """A choice's letter picks it at once."""
        for choice in self.choices:
            if event.character == choice.key:
                event.stop()
                event.prevent_default()
                self.dismiss(choice.value)
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)].value)

    def action_cancel(self) -> None:
        self.dismiss(None)
