"""Textual's private names that Comptoir uses (widgets/compat.py) are still there.

Textual is pinned to 8.2.x; on an upgrade, this names what moved before any screen breaks.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from widgets.compat import (
    missing_private_names,
    notification_messages,
    rewrite_bindings,
    screen_lines,
)
from widgets.footer import Footer


def test_every_private_name_of_textual_we_use_is_still_there() -> None:
    missing = missing_private_names()
    assert missing == [], f"Textual changed: {missing} (see widgets/compat.py)"


class _Shown(App[None]):
    BINDINGS = [Binding("x", "bell", "Sonner", id="ring")]

    def compose(self) -> ComposeResult:
        yield Static("Bonjour", id="hello")
        yield Footer()


async def test_what_the_private_names_do_still_works() -> None:
    app = _Shown()
    async with app.run_test(size=(40, 5)) as pilot:
        rewrite_bindings(app, lambda binding: binding.with_key("y"))
        app.refresh_bindings()
        app.notify("Coucou")
        await pilot.pause()
        await pilot.pause()
        lines = screen_lines(app.screen)
        assert lines[0].startswith("Bonjour")
        assert "y Sonner" in lines[-1]
        assert notification_messages(app) == ["Coucou"]
