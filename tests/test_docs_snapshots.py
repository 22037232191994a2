"""Snapshots of the Finances and Profil screens at 80×24 and at a large size."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from app.config import Config
from screens.finances import FinancesScreen
from storage.db import open_database
from tests.docs_fixtures import mixed_order, set_up_shop
from tests.factories import order_doc
from tests.tui import app_for, press, settle, show


@pytest.fixture
def shop(sqlite_url: str, config: Config, tmp_path: Path) -> Config:
    config = replace(config, database_url=sqlite_url)
    open_database(sqlite_url, timezone=config.timezone)
    from app.shop.profile import save_profile

    save_profile(
        name="Épicerie Fine du Marché",
        address="3 rue de la République, 69001 Lyon",
        siret="73282932000074",
    )
    set_up_shop(tmp_path, config, mixed_order(), order_doc(number="T-0001"), profile=False)
    return config


async def _finances(pilot: Pilot) -> None:
    await show(pilot, FinancesScreen(2021, 1))


async def _bad_iban(pilot: Pilot) -> None:
    await press(pilot, "3")  # the Profil section
    pilot.app.screen.query_one("#profile-iban").focus()
    await pilot.press(*"FR76 12")
    await settle(pilot)  # the field's check and its message, even on a busy machine


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_finances_snapshot(snap_compare, shop: Config, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(shop), terminal_size=size, run_before=_finances)


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_profile_snapshot(snap_compare, shop: Config, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(shop), terminal_size=size, run_before=_bad_iban)
