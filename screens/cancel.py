"""The cancellation modal: a reason (common ones or free text, never empty), then confirm."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from app.i18n import _
from screens._translate import translate_bindings
from screens.base import ComptoirModal

# French source text; the last one asks for the free text.
COMMON_REASONS: tuple[str, ...] = (
    "Rupture de stock",
    "Client injoignable",
    "Demande du client",
    "Commande en double",
    "Retrait non effectué",
    "Autre…",
)
OTHER = COMMON_REASONS[-1]


def compose_reason(choice: str | None, text: str) -> str:
    """The reason recorded: the chosen one, with the free text after it; '' when missing."""
    text = " ".join(text.split())
    if choice is None or choice == OTHER:
        return text
    label = _(choice)
    return f"{label} : {text}" if text else label


class ConfirmText(Static, can_focus=True):
    """The confirmation sentence; focused so that Enter and y reach the modal's bindings."""


class CancelOrderModal(ComptoirModal[str | None]):
    """Ask why the order is cancelled, then ask to confirm; dismisses with the reason or None."""

    DEFAULT_CSS = """
    CancelOrderModal {
        align: center middle;
    }
    CancelOrderModal > #cancel-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $error;
        background: $surface;
        padding: 0 1;
    }
    CancelOrderModal #cancel-reasons {
        height: auto;
        max-height: 8;
    }
    CancelOrderModal #cancel-error {
        color: $text-error;
        height: auto;
    }
    CancelOrderModal #cancel-confirm {
        display: none;
        height: auto;
        text-style: bold;
    }
    CancelOrderModal.-confirming #cancel-confirm {
        display: block;
    }
    CancelOrderModal.-confirming #cancel-prompt,
    CancelOrderModal.-confirming #cancel-error,
    CancelOrderModal.-confirming #cancel-reasons,
    CancelOrderModal.-confirming #cancel-text {
        display: none;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Retour", id="cancel-back"),
        Binding("enter", "submit", "Valider", id="cancel-submit"),
        Binding("y", "confirm", "Confirmer", id="cancel-confirm"),
    ]

    def __init__(self, number: str, refund: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.number = number
        self.refund = refund
        self.choice: str | None = None
        self.reason = ""
        self.confirming = False

    def compose(self) -> ComposeResult:
        with Vertical(id="cancel-dialog") as dialog:
            dialog.border_title = _("Annuler la commande {number}", number=self.number)
            yield Static(
                _(
                    "Motif de l'annulation (obligatoire). "
                    "Flèches : choisir · Entrée : valider · Échap : retour."
                ),
                id="cancel-prompt",
            )
            yield OptionList(
                *(Option(_(reason), id=reason) for reason in COMMON_REASONS),
                id="cancel-reasons",
            )
            yield Input(placeholder=_("Précisions (texte libre)"), id="cancel-text")
            yield Static("", id="cancel-error")
            yield ConfirmText("", id="cancel-confirm")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cancel-reasons", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choice = event.option.id
        self.query_one("#cancel-error", Static).update("")
        self.query_one("#cancel-text", Input).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.choice = event.option.id

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        """Check the reason; move on to the confirmation step or say what is missing."""
        if self.confirming:
            self.action_confirm()
            return
        text = self.query_one("#cancel-text", Input).value
        reason = compose_reason(self.choice, text)
        error = self.query_one("#cancel-error", Static)
        if not reason:
            error.update(
                _("Précisez le motif : l'annulation ne peut pas se faire sans motif.")
                if self.choice == OTHER
                else _("Choisissez un motif ou écrivez-le : il ne peut pas être vide.")
            )
            self.query_one("#cancel-text", Input).focus()
            return
        error.update("")
        self.reason = reason
        self.confirming = True
        self.add_class("-confirming")
        self.query_one("#cancel-confirm", Static).update(
            Text(  # the reason typed is quoted: never markup
                _(
                    "Annuler la commande {number} ? Motif : {reason}. "
                    "Remboursement intégral de {amount}. "
                    "Entrée ou y : confirmer · Échap : revenir au motif.",
                    number=self.number,
                    reason=reason,
                    amount=self.refund,
                )
            )
        )
        self.query_one("#cancel-confirm", ConfirmText).focus()

    def action_confirm(self) -> None:
        if self.confirming:
            self.dismiss(self.reason)

    def action_back(self) -> None:
        """Escape: from the confirmation back to the reason; from the reason, abandon."""
        if self.confirming:
            self.confirming = False
            self.remove_class("-confirming")
            self.query_one("#cancel-text", Input).focus()
            return
        self.dismiss(None)
