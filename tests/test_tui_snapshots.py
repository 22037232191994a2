"""Snapshots of the Commandes screen on the seed's January 2021 (review the SVGs by eye)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.config import Config
from tests.tui import app_for, seeded_config, settle


@pytest.fixture
def january(sqlite_url: str, seed_path: Path) -> Config:
    return seeded_config(sqlite_url, seed_path)


# app_for: "today" is fixed and the poll timer off, nothing in the picture depends on the clock.
async def _ready(pilot: Any) -> None:
    await settle(pilot)


def test_commandes_80x24_fr(january: Config, snap_compare: Any) -> None:
    assert snap_compare(app_for(january), terminal_size=(80, 24), run_before=_ready)


def test_commandes_120x40_fr(january: Config, snap_compare: Any) -> None:
    assert snap_compare(app_for(january), terminal_size=(120, 40), run_before=_ready)


def test_commandes_120x40_en(january: Config, snap_compare: Any) -> None:
    assert snap_compare(
        app_for(replace(january, lang="en")), terminal_size=(120, 40), run_before=_ready
    )


def test_commandes_day_filtered_80x24_fr(january: Config, snap_compare: Any) -> None:
    async def choose_day(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("left", "enter")  # the calendar has focus first: Monday 18
        await settle(pilot)

    assert snap_compare(app_for(january), terminal_size=(80, 24), run_before=choose_day)
