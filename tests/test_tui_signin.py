"""The sign-in screen, driven by the keyboard (Pilot)."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from app.shop import staff
from screens.signin import SignInScreen


class SignInHarness(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.signed_in: str | None = None

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(), self._signed)

    def _signed(self, name: str | None) -> None:
        self.signed_in = name


async def test_a_member_signs_in_with_the_keyboard(db: str) -> None:
    staff.add("Léa", "4321")
    app = SignInHarness()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Léa", "enter", *"0000", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Nom ou code incorrect." in str(
            app.screen.query_one("#signin-message", Label).render()
        )
        assert app.signed_in is None
        await pilot.press(*"4321", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.signed_in == "Léa"
        assert not isinstance(app.screen, SignInScreen)
