"""A small App that shows one of the documents branch's screens, for Pilot tests.

The real shell (app/tui.py) wires FinancesScreen and ProfileScreen to keys 2 and 3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.screen import Screen

from app.config import Config

STYLESHEET = Path(__file__).resolve().parents[1] / "app.tcss"


class DocsHarness(App[None]):
    """Pushes the screen built by `make_screen`; exposes `config` like the real App."""

    CSS_PATH = STYLESHEET

    def __init__(self, config: Config, make_screen: Callable[[], Screen[None]]) -> None:
        super().__init__()
        self.config = config
        self._make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())
