"""The Textual App: global keys, the three sections, the command palette, live refresh.

Build it with `app.tui.factory.make_app`, never directly from a screen: configuration, the
month shown first and "today" are injected there.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from time import monotonic
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme
from textual.worker import Worker, WorkerState

from app.clock import utcnow
from app.config import Config
from app.errors import ConfigError
from app.i18n import _
from app.logbook import open_log
from app.shop import staff
from app.text import printable
from screens.commandes import CommandesScreen
from screens.events import DataChanged
from storage.db import first_line, thread_connection
from storage.queries import numbers_starting, order_exists
from storage.watch import Change, ChangeWatcher
from widgets.compat import build_mode, style_first_screen
from widgets.textual_keys import comptoir_bindings, describe

log = logging.getLogger("comptoir.tui")

# The screens a key opens (Aller à, Aide, the sign-in once staff exist) are imported when
# first shown: the help screen's table alone is a few hundredths of a second at start.


# Seconds after mount before python-escpos is imported in a worker: after the first paint
# and the collector's return (see run_async), so that start-up never waits for it.
PRELOAD_SECONDS = 1.5


def _stylesheet() -> Path:
    """`app.tcss` at the top of the project (beside `app/`), as SPEC §1 lays it out."""
    return Path(__file__).resolve().parents[2] / "app.tcss"


# COMPTOIR_THEME=comptoir-contrast: white on black, yellow for what has focus, for a glaring
# shop window or tired eyes; plain colours that survive a 16-colour terminal.
CONTRAST_THEME = Theme(
    name="comptoir-contrast",
    primary="#ffff00",
    secondary="#ffffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff5f5f",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    boost="#262626",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#ffff00",
        "input-selection-background": "#ffff00 60%",
    },
)
THEMES = (*sorted(BUILTIN_THEMES), CONTRAST_THEME.name)


def check_theme(name: str) -> str:
    """The theme `name` ("" = Textual's default), or a ConfigError listing the known ones."""
    name = name.strip()
    if name and name not in THEMES:
        raise ConfigError(
            _(
                "COMPTOIR_THEME : thème inconnu « {name} » (au choix : {themes}).",
                name=printable(name),
                themes=", ".join(THEMES),
            )
        )
    return name


def _finances_screen() -> Screen[Any]:
    # Imported when first shown: documents and finances cost 0.2 s and 5 MB at start.
    from screens.finances import FinancesScreen

    return FinancesScreen()


def _profile_screen() -> Screen[Any]:
    from screens.profile import ProfileScreen  # IBAN and SIRET checks: loaded when shown

    return ProfileScreen()


class ScreenActionsProvider(Provider):
    """Ctrl+P: the three sections from every screen, then the current screen's actions (and
    the global ones), by their name; never Textual's own keys."""

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        actions: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        # The sections first, whatever has the focus (a field's keys hide the App's).
        for binding in app.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action.startswith("section("):
                seen.add(binding.action)
                run = partial(app.run_action, binding.action)
                actions.append((describe(binding), app.get_key_display(binding), run))
        for binding, node, _keys in comptoir_bindings(self.screen):
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            name = describe(binding)
            key = app.get_key_display(binding)
            actions.append((name, key, partial(app.run_action, binding.action, node)))
        return actions

    async def discover(self) -> Hits:
        for name, key, run in self._actions():
            yield DiscoveryHit(name, run, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for name, key, run in self._actions():
            score = matcher.match(name)
            if score > 0:
                found = True
                yield Hit(score, matcher.highlight(name), run, text=name, help=key)
        if not found:
            # Said here, in the current language: the palette's own line is English only.
            nothing = _("Aucune action ne correspond à « {query} »", query=query)
            yield Hit(0.01, Text(nothing, style="italic"), _nothing, text=nothing)


def _nothing() -> None:
    """What the palette's "no match" line does when chosen."""


# `g` with the start of several numbers lists this many of them to choose from.
GO_TO_CHOICES = 9


class ComptoirApp(App[None]):
    """Comptoir at the counter: Commandes (1), Finances (2), Profil (3)."""

    CSS_PATH = _stylesheet()
    TITLE = "Comptoir"
    # Only ours: Textual's system commands (themes, screenshots…) speak English only.
    COMMANDS = {ScreenActionsProvider}
    ENABLE_COMMAND_PALETTE = True
    # The sections are modes, and Commandes the one the App composes first: no empty
    # default screen, no mode switch (one restyle of everything less) before it shows.
    DEFAULT_MODE = "commandes"
    outbox_seconds = 5.0  # between two counts of the failed messages (every footer shows it)
    # After start, Préparation (4) is built at idle time: its first key only switches to it.
    # 0 leaves it to the first `4`.
    prebuild_seconds = 2.0

    # Not in the footer: the SectionBar at the top of each screen shows these.
    BINDINGS = [
        Binding("1", "section('commandes')", "Commandes", show=False, id="go-commandes"),
        Binding("2", "section('finances')", "Finances", show=False, id="go-finances"),
        Binding("3", "section('profil')", "Profil", show=False, id="go-profil"),
        Binding("4", "section('preparation')", "Préparation", show=False, id="go-preparation"),
        Binding("g", "go_to_order", "Aller à", show=False, id="go-to-order"),
        Binding("question_mark", "help", "Aide", show=False, id="help"),
        Binding("q", "quit", "Quitter", show=False, id="quit"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        year: int,
        month: int,
        order: str | None = None,
        today: Callable[[], date],
        poll_seconds: float = 1.0,
        run_notifier: bool = False,
        animation_level: str = "none",
        demo_maildir: Path | None = None,
    ) -> None:
        super().__init__()
        # `comptoir --demo`: where the demo's mails are captured (said at start and in `?`).
        self.demo_maildir = demo_maildir
        # Over SSH every animation frame is a full repaint on a slow link: none by default.
        self.animation_level = animation_level  # type: ignore[assignment]
        self.register_theme(CONTRAST_THEME)
        theme = check_theme(config.theme)
        if theme:
            self.theme = theme
        self.run_notifier = run_notifier
        self.notifier: Any = None  # app.messages.notifier.Notifier while it runs
        self._notifier_stop = asyncio.Event()
        self.config = config
        if config.keymap:  # checked by make_app (app/tui/keys.py); Textual applies it
            self.set_keymap(config.keymap)
        self.first_month = (year, month)
        self.first_order = order
        self.today = today
        self.poll_seconds = poll_seconds
        self.watcher: ChangeWatcher | None = None
        self._poll_failing = False
        self._reported: set[int] = set()  # failed workers already told (by id)
        self.outbox_notice = ""  # the footers' warning (widgets.outbox_status)
        self.outbox_short = ""  # the same below 100 columns
        self._staff_required = False
        self._locked = False
        self._last_input = monotonic()
        self.clock: Callable[[], datetime] = utcnow  # now, naive UTC (the factory may fix it)
        # Recorded in the history: who signed in, or the account running Comptoir when
        # nobody signs in ("" is « système », automatic intake's word).
        self.staff_name = staff.system_user()
        self.prebuilt: Screen[Any] | None = None  # see _prebuild
        self.section_factories: dict[str, Callable[[], Screen[Any]]] = {
            "commandes": self._make_commandes,
            "finances": _finances_screen,
            "profil": _profile_screen,
            "preparation": self._make_preparation,
        }
        for name, factory in self.section_factories.items():
            self.add_mode(name, factory)

    def _make_commandes(self) -> Screen[Any]:
        year, month = self.first_month
        screen = CommandesScreen(self.config, year=year, month=month, today=self.today())
        # The first screen is styled once, not twice over (see style_first_screen).
        style_first_screen(self, screen)
        return screen

    def _make_preparation(self) -> Screen[Any]:
        from screens.preparation import PreparationScreen  # loaded when first shown

        return PreparationScreen(self.config, day=self.today())

    async def run_async(self, *args: Any, **kwargs: Any) -> Any:
        """Run with the garbage collector paused until the first screen is painted.

        Starting (the stylesheet, the first screen, its data) allocates enough for Python's
        collector to walk everything several times: about a tenth of the start. It is back
        a second after mount (`on_mount`), or when the app ends, whichever comes first.
        """
        gc.disable()
        try:
            return await super().run_async(*args, **kwargs)
        finally:
            gc.enable()

    def on_mount(self) -> None:
        open_log()  # worker failures and the notifier's warnings: app.locations.log_file()
        if self.demo_maildir is not None:
            self.notify(
                _("Démonstration : les mails envoyés arrivent dans {path}", path=self.demo_maildir),
                title=_("Démonstration"),
                timeout=30,
                markup=False,
            )
        # A second on, the first screen has its data painted (0.35 s on a million orders).
        self.set_timer(1.0, gc.enable, name="collector")  # see run_async
        # Asked here, on the App's thread and before the message loop reads a single key:
        # when staff exist the sign-in screen is on top before anything else can happen, and
        # the order asked for (--order) opens only once someone has signed in.
        if self._must_sign_in():
            self._sign_in(False)
        elif self.first_order:
            self.open_order(self.first_order)
        if self.run_notifier:
            # Once the first screen is up: loading the senders (SMTP, SMS, templates) is
            # a few tenths of a second that the counter need not wait for.
            self.set_timer(1.0, self._start_notifier, name="notifier-start")
        if self.config.receipt_printer:
            # python-escpos and what it draws with cost ~0.8 s on the first ticket: paid in a
            # worker once the first screen is painted, never on the way to it (issue 14).
            self.set_timer(PRELOAD_SECONDS, self._preload_printing, name="print-preload")
        # The pick list's modules (csv, html, the Line API list: 60 ms) loaded meanwhile, so
        # that the first `4` builds its screen at once.
        self.set_timer(1.0, self._preload, name="preload")
        if self.prebuild_seconds > 0:
            self.set_timer(self.prebuild_seconds, self._prebuild, name="prebuild")
        self.watcher = ChangeWatcher()
        # The outbox's count and the watcher's first look after the next frame (the one that
        # paints the month's figures): their threads would share the interpreter with it.
        self.call_after_refresh(self._count_outbox)
        if self.outbox_seconds > 0:
            self.set_interval(self.outbox_seconds, self._count_outbox, name="outbox")
        self.call_after_refresh(self._poll)  # record where things stand before the first tick
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self._poll, name="poll")
            self.set_interval(self.poll_seconds, self._lock_when_idle, name="idle-lock")

    def on_unmount(self) -> None:
        self._notifier_stop.set()
        if self.watcher is not None:
            self.watcher.close()

    @work(thread=True, exit_on_error=False, group="print-preload")
    def _preload_printing(self) -> None:
        from app.printing.ticket import preload

        preload()

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload(self) -> None:
        importlib.import_module("screens.preparation")

    async def _prebuild(self) -> None:
        """Build the Préparation mode's screen now, unseen, with its pick list read: the first
        `4` then costs what a switch costs (docs/PERFORMANCE.md, « The preparation day »).
        While it waits unseen it is told of changes as the shown screens are."""
        if self.is_running and not self._notifier_stop.is_set():  # not while closing
            self.prebuilt = await build_mode(self, "preparation")

    def _start_notifier(self) -> None:
        if not self._notifier_stop.is_set():
            self.run_worker(
                self._notify(),
                group="notifier",
                exit_on_error=False,
                description="Envoi des messages",
            )

    async def _notify(self) -> None:
        """The notifier inside the TUI (SPEC §4): sends the outbox while the counter is open."""
        # Imported in a thread: the screen stays responsive while the senders load.
        module = await asyncio.to_thread(importlib.import_module, "app.messages.notifier")
        self.notifier = module.Notifier(self.config)
        await self.notifier.run(self._notifier_stop)

    # Global actions

    def leave_then(self, proceed: Callable[[], object]) -> None:
        """Run `proceed` (a section change, quitting) once the current screen agrees to be
        left: a screen with unsaved edits (`before_leaving`) asks first."""
        before_leaving = getattr(self.screen, "before_leaving", None)
        if before_leaving is None:
            self.call_later(proceed)
        else:
            before_leaving(partial(self.call_later, proceed))

    def action_section(self, name: str) -> None:
        self.leave_then(partial(self._show_section, name))

    async def _show_section(self, name: str) -> None:
        if self.current_mode != name:
            await self.switch_mode(name)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    async def action_quit(self) -> None:
        self.leave_then(self.exit)

    def action_command_palette(self) -> None:
        """Ctrl+P, with its prompt in the current language (Textual's is English)."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = _("Chercher une action ou un écran…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_go_to_order(self) -> None:
        from screens.goto import GoToOrderScreen

        def chosen(number: str | None) -> None:
            if number:
                self.go_to_start(number)

        self.push_screen(GoToOrderScreen(), chosen)

    def action_help(self) -> None:
        from screens.help import HelpScreen, screen_keys

        if not isinstance(self.screen, HelpScreen):
            keys = screen_keys(self.screen)
            self.push_screen(HelpScreen(keys, demo_maildir=self.demo_maildir))

    def open_order(self, number: str) -> None:
        """Open an order by its number, or say plainly that there is none."""
        self._find_order(number.strip())

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="find-order",
        description="Recherche de la commande",
    )
    def _find_order(self, number: str) -> None:
        with thread_connection():
            found = order_exists(number)
        self.call_from_thread(self._found_order, number, found)

    def go_to_start(self, start: str) -> None:
        """`g`: the order whose number starts with `start`; several: a short list to choose."""
        self._find_start(start.strip())

    @work(thread=True, exclusive=True, exit_on_error=False, group="find-order")
    def _find_start(self, start: str) -> None:
        with thread_connection():
            found = numbers_starting(start, limit=GO_TO_CHOICES + 1)
        self.call_from_thread(self._found_start, start, found)

    def _found_start(self, start: str, found: list[str]) -> None:
        if not found:
            self._found_order(start, False)
        elif found[0] == start or len(found) == 1:
            self._found_order(found[0], True)
        else:
            from screens.goto import ChooseOrderScreen

            def chosen(number: str | None) -> None:
                if number:
                    self._found_order(number, True)

            self.push_screen(ChooseOrderScreen(start, found[:GO_TO_CHOICES]), chosen)

    def _found_order(self, number: str, found: bool) -> None:
        if self._locked:  # signed out meanwhile: nothing of the shop over the sign-in
            return
        if not found:
            self.notify(
                _("Aucune commande n° {number}.", number=number), severity="error", markup=False
            )
            return
        from screens.order import OrderScreen  # loaded on first use, not at start

        self.push_screen(OrderScreen(number))

    # Sign-in (only once staff members exist: `comptoir staff add`)

    def _must_sign_in(self) -> bool:
        """True when staff members exist; also when the database cannot say (fail closed)."""
        try:
            return staff.staff_enabled()
        except Exception:  # the sign-in screen then says what is wrong with the database
            return True

    def _sign_in(self, locked: bool) -> None:
        from screens.signin import SignInScreen

        self._staff_required = True
        self._locked = True

        def signed_in(name: str | None) -> None:
            if not name:
                return
            self._locked = False
            self._last_input = monotonic()
            self.staff_name = name
            order, self.first_order = self.first_order, None
            if order:
                self.open_order(order)

        self.push_screen(SignInScreen(locked=locked), signed_in)

    # While the sign-in screen is up, only its own fields and quitting answer: no section,
    # no Aller à, no help, no palette (keys, clicks and the palette all go through here).
    _WHILE_LOCKED = frozenset({"quit", "help_quit", "focus_next", "focus_previous", "bell"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._locked and action not in self._WHILE_LOCKED:
            return False
        return super().check_action(action, parameters)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = monotonic()
        await super().on_event(event)

    def _lock_when_idle(self) -> None:
        limit = self.config.idle_lock_minutes * 60
        if not self._staff_required or self._locked or limit <= 0:
            return
        if monotonic() - self._last_input >= limit:
            self._sign_in(True)

    # Live refresh

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="poll",
        description="Suivi en direct",
    )
    def _poll(self) -> None:
        if self.watcher is None:
            return
        try:
            change = self.watcher.poll()
        except Exception as exc:  # the database went away: say so once, keep trying
            self.watcher.reset()
            if not self._poll_failing:
                self._poll_failing = True
                self.call_from_thread(self._poll_failed, first_line(exc))
            return
        if self._poll_failing:
            self._poll_failing = False
            self.call_from_thread(self.notify, _("Base de données à nouveau joignable."))
        if change is not None:
            self.call_from_thread(self._data_changed, change)

    def _poll_failed(self, reason: str) -> None:
        self.notify(
            _("Suivi en direct interrompu : {reason}", reason=reason),
            severity="warning",
            timeout=10,
            markup=False,
        )

    def _data_changed(self, change: Change) -> None:
        if self.notifier is not None:
            self.notifier.wake()  # a change may owe messages: no need to wait for its poll
        if change.new_orders and self._locked:
            self.bell()  # a new order rings, but its number waits for someone to sign in
        elif change.new_orders:
            count = len(change.new_orders)
            if count == 1:
                message = _("Nouvelle commande n° {number}", number=change.new_orders[0])
            else:
                message = _("{n} nouvelles commandes", n=count)
            self.notify(message, title=_("Commandes"), markup=False)
            self.bell()
        shown = self.screen_stack
        for screen in shown:
            screen.post_message(DataChanged(new_orders=change.new_orders))
        if self.prebuilt is not None and self.prebuilt not in shown:
            self.prebuilt.post_message(DataChanged(new_orders=change.new_orders))

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one policy for failed workers, the App's and (forwarded by
        screens.base) every screen's: a one-line French notice and a line in the log file."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        if id(worker) in self._reported:
            return  # a screen forwarded one the App already saw
        self._reported.add(id(worker))
        from storage.db import database_error

        error = database_error(worker.error) or worker.error
        what = _(worker.description) if worker.description else worker.group
        log.error(
            "worker %s (%s) failed: %s",
            worker.group,
            worker.description or worker.name,
            first_line(error),
            exc_info=(type(worker.error), worker.error, worker.error.__traceback__),
        )
        self.notify(
            _("{what} : {error}", what=what, error=first_line(error) or type(error).__name__),
            title=_("Échec"),
            severity="error",
            timeout=10,
            markup=False,
        )

    # The outbox's warning in every footer (widgets.outbox_status)

    @work(
        thread=True,
        exit_on_error=False,
        group="outbox",
        description="Comptage des messages en échec",
    )
    def _count_outbox(self) -> None:
        """How many messages failed: one indexed count, every `outbox_seconds`."""
        from app.messages.outbox import outbox_counts

        try:
            with thread_connection():
                failed = outbox_counts().failed
        except Exception:  # the database is away: the poll says so already
            return
        self.call_from_thread(self._show_outbox, failed)

    def _show_outbox(self, failed: int) -> None:
        parts = []
        if failed:
            parts.append(_("⚠ {count} message(s) en échec", count=failed))
        if self.notifier is not None and self.notifier.mail_unreachable:
            parts.append(_("serveur de mail injoignable"))
        self.outbox_notice = " · ".join(parts)
        # Below 100 columns the footer's keys take the row: the count alone (help and the
        # order screen say the rest).
        short = [f"⚠{failed}"] if failed else []
        if len(parts) > len(short):
            short.append("✉ ✗")
        self.outbox_short = " ".join(short)
