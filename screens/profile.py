"""Profil (`3`): the seller's identity, contact, point of sale and IBAN, checked as typed."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from app.errors import ValidationError
from app.i18n import _
from app.shop.profile import LABELS, ProfileData, clean_field, load_profile, save_profile
from screens.base import ComptoirScreen


class ProfileFieldValidator(Validator):
    """Refuses a value the profile would refuse, with the profile's own reason."""

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field

    def validate(self, value: str) -> ValidationResult:
        try:
            clean_field(self.field, value)
        except ValidationError as exc:
            return self.failure(str(exc), value)
        return self.success()


class ProfileScreen(ComptoirScreen[None]):
    """A form of the profile's fields; Ctrl+S saves them all at once."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Enregistrer"), priority=True, id="profile-save"),
        Binding("escape", "reload", _("Annuler les saisies"), id="profile-reload"),
    ]

    def __init__(self) -> None:
        super().__init__(id="profile")
        self._saved: ProfileData | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Profil du vendeur"), id="profile-title")
        with VerticalScroll(id="profile-form"):
            for field, label in LABELS.items():
                with Horizontal(classes="profile-row"):
                    yield Label(_(label), classes="profile-label")
                    yield Input(
                        id=f"profile-{field}",
                        validators=[ProfileFieldValidator(field)],
                        validate_on=["changed", "blur", "submitted"],
                        valid_empty=field != "name",
                        compact=True,
                    )
                yield Static("", id=f"profile-{field}-error", classes="profile-error")
        yield Static("", id="profile-status")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @property
    def saved(self) -> ProfileData | None:
        """The profile as last loaded or saved."""
        return self._saved

    def action_reload(self) -> None:
        """Show the stored profile again, dropping what was typed."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="profile-load")
    def _load(self) -> None:
        profile = load_profile()
        self.app.call_from_thread(self._fill, profile)

    def _fill(self, profile: ProfileData) -> None:
        self._saved = profile
        for field in LABELS:
            field_input = self.query_one(f"#profile-{field}", Input)
            with field_input.prevent(Input.Changed):
                field_input.value = getattr(profile, field)
            self._show_error(field, "")
        self._show_status(profile)

    def _show_error(self, field: str, reason: str) -> None:
        error = self.query_one(f"#profile-{field}-error", Static)
        error.update(Text(reason))  # it quotes what was typed: never markup
        error.display = bool(reason)

    def _show_status(self, profile: ProfileData) -> None:
        text = (
            _("IBAN valide : les versements sont possibles.")
            if profile.iban_valid
            else _("Sans IBAN valide, les versements sont bloqués.")
        )
        self.query_one("#profile-status", Static).update(text)

    @on(Input.Changed)
    @on(Input.Blurred)
    def _checked(self, event: Input.Changed | Input.Blurred) -> None:
        field = (event.input.id or "").removeprefix("profile-")
        if field not in LABELS:
            return
        result = event.input.validate(event.value)
        reason = ""
        if result is not None and not result.is_valid:
            reason = "; ".join(result.failure_descriptions)
        self._show_error(field, reason)

    def errors(self) -> dict[str, str]:
        """Field → reason, for every value currently refused."""
        found: dict[str, str] = {}
        for field in LABELS:
            value = self.query_one(f"#profile-{field}", Input).value
            try:
                clean_field(field, value)
            except ValidationError as exc:
                found[field] = str(exc)
        return found

    def action_save(self) -> None:
        errors = self.errors()
        for field in LABELS:
            self._show_error(field, errors.get(field, ""))
        if errors:
            first = next(iter(errors))
            self.query_one(f"#profile-{first}", Input).focus()
            self.notify(
                _(
                    "Profil non enregistré : {label} — {reason}",
                    label=_(LABELS[first]),
                    reason=errors[first],
                ),
                severity="error",
                markup=False,
            )
            return
        values = {field: self.query_one(f"#profile-{field}", Input).value for field in LABELS}
        self._save(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="profile-save")
    def _save(self, values: dict[str, str]) -> None:
        profile = save_profile(**values)
        self.app.call_from_thread(self._saved_ok, profile)

    def _saved_ok(self, profile: ProfileData) -> None:
        self._fill(profile)
        self.notify(_("Profil enregistré."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed load or save becomes one readable message."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                str(error) or type(error).__name__, severity="error", timeout=10, markup=False
            )
