"""A tiny App that opens the database and shows one order: the order screen's tests use it.

At merge the lead swaps it for `app.factory.make_app`; it only needs `config` (and
optionally `staff_name`), which is what the screen reads from its App.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from app.config import Config
from screens.order import OrderScreen
from storage.db import open_database

STYLESHEET = Path(__file__).resolve().parents[1] / "app.tcss"


class OrderHarness(App[None]):
    """Opens `config`'s database and pushes `OrderScreen(number)` on mount."""

    CSS_PATH = [STYLESHEET] if STYLESHEET.exists() else []

    def __init__(self, config: Config, number: str, *, staff_name: str = "") -> None:
        super().__init__()
        self.config = config
        self.number = number
        self.staff_name = staff_name

    def on_mount(self) -> None:
        open_database(self.config.resolved_database_url, timezone=self.config.timezone)
        self.push_screen(OrderScreen(self.number))
