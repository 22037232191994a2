"""The sign-in screen: shown at start when staff members exist, and after an idle time."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Footer, Input, Label, Static

from app.i18n import _
from app.shop import staff
from screens.base import ComptoirScreen


class NameInput(Input):
    """The name field. What is typed after its Enter belongs to the code field.

    Enter moves the focus only once the keys already read are handled, so keys typed ahead
    (a quick hand over SSH, where they arrive together) would land in the name. Until the
    name field has the focus again, they go to the code field, in order.
    """

    handed_off = False

    # Public handlers: Textual calls them before Input's own (a subclass comes first), and
    # `prevent_default` keeps Input from handling a key as well.
    async def on_key(self, event: events.Key) -> None:
        if self.handed_off:
            code = self.screen.query_one("#signin-code", Input)
            if event.is_printable and event.character is not None:
                code.insert_text_at_cursor(event.character)
            elif event.key == "backspace":
                code.action_delete_left()
            elif event.key == "enter":
                await code.action_submit()
            else:
                return  # Input moves the cursor in the name
            event.stop()
            event.prevent_default()
            return
        if event.key == "enter" and self.value.strip():
            self.handed_off = True

    def on_focus(self, event: events.Focus) -> None:
        self.handed_off = False


class SignInScreen(ComptoirScreen[str]):
    """Name and code; dismissed with the member's name once the code is right."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #signin-box {
        width: 50; height: auto; border: round $primary; padding: 1 2;
    }
    SignInScreen #signin-title { text-style: bold; width: 100%; content-align: center middle; }
    SignInScreen #signin-message { color: $error; height: auto; min-height: 1; }
    SignInScreen Input { margin-top: 1; }
    """

    BINDINGS = [
        Binding("ctrl+q", "app.quit", _("Quitter"), id="signin-quit"),
    ]

    def __init__(self, *, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="signin-box"):
            yield Static(_("Comptoir — connexion"), id="signin-title")
            if self.locked:
                yield Label(_("Verrouillé après inactivité."), id="signin-locked")
            yield NameInput(placeholder=_("Nom"), id="signin-name")
            yield Input(placeholder=_("Code"), password=True, id="signin-code")
            yield Label("", id="signin-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#signin-name", Input).focus()

    @on(Input.Submitted, "#signin-name")
    def _to_code(self) -> None:
        self.query_one("#signin-code", Input).focus()

    @on(Input.Submitted, "#signin-code")
    def _submit(self) -> None:
        name = self.query_one("#signin-name", Input).value
        code = self.query_one("#signin-code", Input).value
        if not name.strip():
            self.query_one("#signin-name", Input).focus()
            return
        self._check(name, code)

    @work(thread=True, exclusive=True, group="signin")
    def _check(self, name: str, code: str) -> None:
        # argon2 takes tens of milliseconds on purpose: off the UI thread.
        result = staff.sign_in(name, code)
        self.app.call_from_thread(self._done, result)

    def _done(self, result: staff.SignInResult) -> None:
        code = self.query_one("#signin-code", Input)
        code.value = ""
        if result.ok:
            self.dismiss(result.name)
            return
        self.query_one("#signin-message", Label).update(result.message)
        code.focus()
