"""The sign-in screen, driven by the keyboard (Pilot), in the App: shown at start once staff
members exist, and whoever signs in is the App's `staff_name`."""

from __future__ import annotations

from textual.widgets import Label

from app.config import Config
from app.shop import staff
from screens.signin import SignInScreen
from tests.tui import app_for, settle, wait_until


async def test_a_member_signs_in_with_the_keyboard(db: str) -> None:
    staff.add("Léa", "4321")
    app = app_for(Config(database_url=db))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"Léa", "enter", *"0000", "enter")
        await settle(pilot)
        assert "Nom ou code incorrect." in str(
            app.screen.query_one("#signin-message", Label).render()
        )
        assert app.staff_name != "Léa"  # nobody signed in yet (the system account)
        await pilot.press(*"4321", "enter")
        await settle(pilot)
        assert app.staff_name == "Léa"
        assert not isinstance(app.screen, SignInScreen)
