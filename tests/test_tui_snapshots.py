"""Snapshots of the Commandes screen on the seed's January 2021 (review the SVGs by eye)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.config import Config
from app.tui.factory import make_app
from storage.db import open_database
from tests.tui_helpers import TODAY, seed, settle


@pytest.fixture
def january(sqlite_url: str, seed_path: Path) -> Config:
    config = Config(database_url=sqlite_url)
    open_database(sqlite_url)
    seed(config, seed_path)
    return config


async def _ready(pilot: Any) -> None:
    await settle(pilot)


def _app(config: Config) -> Any:
    # "Today" is fixed and the poll timer off: nothing in the picture depends on the clock.
    return make_app(config, month="2021-01", today=TODAY, poll_seconds=0)


def test_commandes_80x24_fr(january: Config, snap_compare: Any) -> None:
    assert snap_compare(_app(january), terminal_size=(80, 24), run_before=_ready)


def test_commandes_120x40_fr(january: Config, snap_compare: Any) -> None:
    assert snap_compare(_app(january), terminal_size=(120, 40), run_before=_ready)


def test_commandes_120x40_en(january: Config, snap_compare: Any) -> None:
    assert snap_compare(
        _app(replace(january, lang="en")), terminal_size=(120, 40), run_before=_ready
    )


def test_commandes_day_filtered_80x24_fr(january: Config, snap_compare: Any) -> None:
    async def choose_day(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("left", "enter")  # the calendar has focus first: Monday 18
        await settle(pilot)

    assert snap_compare(_app(january), terminal_size=(80, 24), run_before=choose_day)
