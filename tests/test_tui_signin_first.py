"""Nothing of the shop before a sign-in succeeds (issue 10 item 1).

With a staff member added, `comptoir --order NUMBER` used to show the order screen on top of
the sign-in screen in about one start in four (the order lookup and the staff check raced),
and `1`, `g`, `?` or Ctrl+P reached the shop from the sign-in screen.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette

from app.config import Config
from app.shop import staff
from screens.signin import SignInScreen
from tests.sshd import Tmux
from tests.tui import ORDER, app_for, comptoir, seed_url, seeded_config, settle, wait_until

ROOT = Path(__file__).resolve().parents[1]
# What a hurried hand (or an attacker) types while the TUI starts: sections, Aller à, Aide,
# the palette, then what would change the order's status on the order screen.
EARLY_KEYS = ["1", "2", "3", "g", "question_mark", "ctrl+p", "n", "enter", "escape", "1"]


def _key(name: str) -> events.Key:
    character = name if len(name) == 1 else {"question_mark": "?", "enter": "\r"}.get(name)
    return events.Key(name, character)


@pytest.fixture
def staffed(sqlite_url: str, seed_path: Path) -> Config:
    config = seeded_config(sqlite_url, seed_path, undo_seconds=20)
    staff.add("Léa", "4321")
    return config


def _nothing_of_the_shop(app) -> None:  # type: ignore[no-untyped-def]
    names = [type(screen).__name__ for screen in app.screen_stack]
    assert isinstance(app.screen, SignInScreen), names
    assert not any(
        isinstance(screen, CommandPalette)
        or type(screen).__name__ in ("OrderScreen", "GoToOrderScreen", "HelpScreen")
        for screen in app.screen_stack
    ), names
    assert app.current_mode == "commandes", app.current_mode
    assert app.staff_name != "Léa"  # nobody signed in


async def test_thirty_starts_with_keys_typed_during_start(staffed: Config) -> None:
    for attempt in range(30):
        app = app_for(staffed, order=ORDER)
        # Keys already in the queue when the app mounts: the driver's first reads.
        original_mount = app.on_mount

        def early_mount(app=app, original_mount=original_mount) -> None:  # type: ignore[no-untyped-def]
            for name in EARLY_KEYS:
                app.post_message(_key(name))
            original_mount()

        app.on_mount = early_mount  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*EARLY_KEYS)  # and keys right after the first frame
            await settle(pilot)
            _nothing_of_the_shop(app)
            # The sign-in screen never lost its place: a click away from the fields, then the
            # global keys, still reach nothing.
            app.screen.set_focus(None)
            await pilot.press("1", "g", "question_mark", "ctrl+p")
            await settle(pilot)
            _nothing_of_the_shop(app)
            if attempt % 10 == 0:  # the order asked for opens once the sign-in succeeds
                app.screen.query_one("#signin-name").focus()
                await pilot.press(*"Léa", "enter", *"4321", "enter")
                assert await wait_until(
                    pilot, lambda app=app: type(app.screen).__name__ == "OrderScreen"
                )
                assert app.staff_name == "Léa"
                assert not any(isinstance(s, SignInScreen) for s in app.screen_stack)


@pytest.mark.e2e
def test_a_real_start_in_tmux_keeps_the_shop_behind_the_sign_in(tmp_path: Path) -> None:
    """A real process in a terminal, the keys typed as soon as the process exists."""
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    seed_url(url, home)
    comptoir(url, "staff", "add", "Léa", home=home, input="4321\n")
    env_args = [f"COMPTOIR_HOME={home}", f"PYTHONPATH={ROOT}"]
    command = [sys.executable, "-m", "app", "--db", url, "--month", "2021-01", "--order", ORDER]
    for _attempt in range(3):
        tmux = Tmux(80, 24)
        try:
            tmux.start(["env", *env_args, "sh", "-c", f"cd {ROOT} && {shlex.join(command)}"])
            for key in ("1", "g", "?", "C-p", "n", "Enter", "1"):
                tmux.send(key)
                time.sleep(0.02)
            screen = tmux.wait_for("Comptoir — connexion", timeout=30)
            time.sleep(1.5)  # the order lookup would have answered by now
            for key in ("1", "g", "?", "C-p"):
                tmux.send(key)
            time.sleep(1.0)
            screen = tmux.screen()
            assert "Comptoir — connexion" in screen, screen
            for shop_text in ("Changer le statut", "N° de commande", "Janvier 2021", "Aide"):
                assert shop_text not in screen, screen
        finally:
            tmux.stop()
