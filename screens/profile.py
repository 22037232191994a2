"""Profil (`3`): the seller's identity, contact, point of sale and IBAN, checked as typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from app.errors import ValidationError
from app.i18n import _
from app.shop.profile import LABELS, ProfileData, clean_field, load_profile, save_profile
from app.text import shown
from screens.base import ComptoirScreen
from screens.confirm import ConfirmModal, UnsavedModal
from widgets.footer import Footer
from widgets.section_bar import SectionBar


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
    """A form of the profile's fields; Ctrl+S saves them all at once.

    What is typed stays on screen until saved: changed fields are marked, leaving the
    section (`1`, `2`, `q`, Ctrl+P) asks what to do with them, and a save that would empty a
    field that held a value asks first. Escape leaves a field, so that the global keys work.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", _("Enregistrer"), priority=True, id="profile-save"),
        Binding("escape", "leave_field", _("Quitter le champ"), id="profile-leave-field"),
        Binding("ctrl+r", "reload", _("Annuler les saisies"), id="profile-reload"),
    ]

    def __init__(self) -> None:
        super().__init__(id="profile")
        self._saved: ProfileData | None = None

    def compose(self) -> ComposeResult:
        yield SectionBar(keymap=self.app.config.keymap)
        yield Static(_("Profil du vendeur"), id="profile-title")
        with VerticalScroll(id="profile-form"):
            for field, label in LABELS.items():
                with Horizontal(classes="profile-row"):
                    yield Label(_(label), classes="profile-label", id=f"profile-{field}-label")
                    yield Input(
                        id=f"profile-{field}",
                        validators=[ProfileFieldValidator(field)],
                        validate_on=["changed", "blur", "submitted"],
                        valid_empty=field != "name",
                        compact=True,
                        # Typing into a field adds to its value, never replaces it whole.
                        select_on_focus=False,
                    )
                yield Static("", id=f"profile-{field}-error", classes="profile-error")
        yield Static("", id="profile-status")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return isinstance(self.focused, Input)  # Escape is shown only in a field
        return True

    @property
    def saved(self) -> ProfileData | None:
        """The profile as last loaded or saved."""
        return self._saved

    def values(self) -> dict[str, str]:
        """Field → what the form holds now."""
        return {field: self.query_one(f"#profile-{field}", Input).value for field in LABELS}

    def changed(self) -> list[str]:
        """The fields whose value differs from the profile saved."""
        return self._fields_where(lambda typed, saved: typed != saved)

    def emptied(self) -> list[str]:
        """The fields emptied on screen that hold a value in the profile saved."""
        return self._fields_where(lambda typed, saved: not typed and bool(saved))

    def _fields_where(self, test: Callable[[str, str], bool]) -> list[str]:
        """The fields whose (typed, saved) values, stripped, pass `test`."""
        if self._saved is None:
            return []
        saved = self._saved
        return [
            field
            for field, value in self.values().items()
            if test(value.strip(), getattr(saved, field).strip())
        ]

    def action_leave_field(self) -> None:
        """Escape in a field: the form keeps the focus, the global keys work again."""
        self.query_one("#profile-form", VerticalScroll).focus()

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
                field_input.value = shown(getattr(profile, field))
            self._show_error(field, "")
        self._show_changes()

    def _show_error(self, field: str, reason: str) -> None:
        error = self.query_one(f"#profile-{field}-error", Static)
        error.update(Text(reason))  # it quotes what was typed: never markup
        error.display = bool(reason)

    def _show_changes(self) -> None:
        """Mark the changed fields, say so in the title, and the IBAN line as typed."""
        changed = set(self.changed())
        for field, label in LABELS.items():
            mark = " •" if field in changed else ""
            self.query_one(f"#profile-{field}-label", Label).update(_(label) + mark)
        title = _("Profil du vendeur")
        if changed:
            title += " — " + _("• modifié, non enregistré (Ctrl+S : enregistrer)")
        self.query_one("#profile-title", Static).update(title)
        self._show_status(self.query_one("#profile-iban", Input).value, "iban" in changed)

    def _show_status(self, iban: str, unsaved: bool) -> None:
        try:
            valid = bool(clean_field("iban", iban))
        except ValidationError:
            text = _("IBAN invalide : les versements seront bloqués.")
        else:
            if valid:
                text = _("IBAN valide : les versements sont possibles.")
            else:
                text = _("Sans IBAN valide, les versements sont bloqués.")
        if unsaved:
            text += " " + _("(non enregistré)")
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
        self._show_changes()

    def errors(self) -> dict[str, str]:
        """Field → reason, for every value currently refused."""
        found: dict[str, str] = {}
        for field, value in self.values().items():
            try:
                clean_field(field, value)
            except ValidationError as exc:
                found[field] = str(exc)
        return found

    def action_save(self) -> None:
        self.save_then(None)

    def save_then(self, then: Callable[[], object] | None) -> None:
        """Save the form (asking first if it empties a field), then call `then`."""
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
        values = self.values()
        emptied = self.emptied()
        if not emptied:
            self._save(values, then)
            return
        labels = ", ".join(_(LABELS[field]) for field in emptied)

        def answered(empty: bool | None) -> None:
            if empty:
                self._save(values, then)
            else:
                self.notify(_("Profil non enregistré : rien n'a été effacé."))

        self.app.push_screen(
            ConfirmModal(
                _("Effacer {fields} du profil ? La valeur enregistrée sera perdue.", fields=labels),
                yes=_("effacer et enregistrer"),
                no=_("revenir au formulaire"),
            ),
            answered,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="profile-save")
    def _save(self, values: dict[str, str], then: Callable[[], object] | None = None) -> None:
        profile = save_profile(**values)
        self.app.call_from_thread(self._saved_ok, profile, then)

    def _saved_ok(self, profile: ProfileData, then: Callable[[], object] | None) -> None:
        self._fill(profile)
        self.notify(_("Profil enregistré."))
        if then is not None:
            then()

    def before_leaving(self, proceed: Callable[[], object]) -> None:
        """Called by the App before another section or quitting: unsaved edits are asked
        about (saved, abandoned, or the screen stays)."""
        changed = self.changed()
        if not changed:
            proceed()
            return
        labels = ", ".join(_(LABELS[field]) for field in changed)

        def answered(choice: str | None) -> None:
            if choice == "save":
                self.save_then(proceed)
            elif choice == "discard" and self._saved is not None:
                self._fill(self._saved)
                proceed()

        self.app.push_screen(
            UnsavedModal(_("Modifications non enregistrées : {fields}.", fields=labels)),
            answered,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed load or save becomes one readable message."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                str(error) or type(error).__name__, severity="error", timeout=10, markup=False
            )
