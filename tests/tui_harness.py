"""Kept for branches written before tests/tui.py: import from tests.tui instead."""

from __future__ import annotations

from app.config import Config
from app.tui.app import ComptoirApp
from tests.tui import TODAY, app_for

__all__ = ["TODAY", "OrderHarness"]


def OrderHarness(config: Config, number: str, *, staff_name: str | None = None) -> ComptoirApp:
    """`app_for(config, order=number)`."""
    return app_for(config, order=number, staff_name=staff_name)
