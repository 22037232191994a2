"""Snapshots of the Finances and Profil screens at 80×24 and at a large size."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from app.config import Config
from screens.finances import FinancesScreen
from screens.profile import ProfileScreen
from storage.db import open_database
from tests.docs_fixtures import mixed_order, set_up_shop
from tests.docs_harness import DocsHarness
from tests.factories import order_doc


@pytest.fixture
def shop(sqlite_url: str, config: Config, tmp_path: Path) -> Config:
    open_database(sqlite_url, timezone=config.timezone)
    from app.shop.profile import save_profile

    save_profile(
        name="Épicerie Fine du Marché",
        address="3 rue de la République, 69001 Lyon",
        siret="73282932000074",
    )
    set_up_shop(tmp_path, config, mixed_order(), order_doc(number="T-0001"), profile=False)
    return config


async def _loaded(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _bad_iban(pilot: Pilot) -> None:
    await _loaded(pilot)
    pilot.app.screen.query_one("#profile-iban").focus()
    await pilot.press(*"FR76 12")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_finances_snapshot(snap_compare, shop: Config, size: tuple[int, int]) -> None:
    app = DocsHarness(shop, lambda: FinancesScreen(2021, 1))
    assert snap_compare(app, terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_profile_snapshot(snap_compare, shop: Config, size: tuple[int, int]) -> None:
    app = DocsHarness(shop, ProfileScreen)
    assert snap_compare(app, terminal_size=size, run_before=_bad_iban)
