"""Pilot tests of the Finances and Profil screens, in the App."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from app import locations
from app.config import Config
from app.documents.pdf import is_pdf
from app.shop.profile import load_profile, save_profile
from app.tui.app import ComptoirApp
from screens.finances import FinancesScreen
from storage.db import open_database
from tests.docs_fixtures import MIXED, PROFILE, mixed_order, set_up_shop
from tests.factories import order_doc
from tests.tui import app_for, notifications, press, settle, show

BANNER = "Paiements bloqués : renseignez un IBAN valide dans le Profil (3)"


@pytest.fixture
def shop(sqlite_url: str, config: Config, tmp_path: Path) -> Config:
    config = replace(config, database_url=sqlite_url)
    open_database(sqlite_url, timezone=config.timezone)
    save_profile(name="Épicerie Fine du Marché", address=PROFILE["address"], siret=PROFILE["siret"])
    set_up_shop(tmp_path, config, mixed_order(), order_doc(number="T-0001"), profile=False)
    return config


def _text(app: ComptoirApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_finances_shows_the_month_and_the_blocked_banner(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=(100, 32)) as pilot:
        await show(pilot, FinancesScreen(2021, 1))
        banner = app.screen.query_one("#finances-banner", Static)
        assert banner.display and str(banner.render()) == BANNER
        table = app.screen.query_one("#finances-table", DataTable)
        assert table.row_count == 2
        assert str(table.get_row(MIXED)[2]) == "31,90"
        assert str(table.get_row(MIXED)[7]) == "bloqué"
        assert "Finances — Janvier 2021" in _text(app, "#finances-title")
        assert "brut 32,90 €" in _text(app, "#finances-totals")
        # a valid IBAN lifts the block
        save_profile(iban=PROFILE["iban"])
        app.screen.reload()
        await settle(pilot)
        assert not banner.display
        assert str(table.get_row(MIXED)[7]) in ("payé", "à venir")


async def test_finances_month_navigation(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=(100, 32)) as pilot:
        await show(pilot, FinancesScreen(2021, 1))
        await pilot.press("pageup")
        await settle(pilot)
        assert app.screen.month == (2020, 12)
        assert app.screen.query_one("#finances-table", DataTable).row_count == 0
        assert "Décembre 2020" in _text(app, "#finances-title")
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert app.screen.month == (2021, 2)


async def test_finances_export_enter_and_month_of_invoices(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=(100, 32)) as pilot:
        await show(pilot, FinancesScreen(2021, 1))
        await pilot.press("e")
        await settle(pilot)
        csv = locations.documents_dir() / "finances-2021-01.csv"
        assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
        table = app.screen.query_one("#finances-table", DataTable)
        table.move_cursor(row=table.get_row_index(MIXED))
        await pilot.press("enter")
        await settle(pilot)
        invoice = locations.documents_dir() / "facture-F2021-000001.pdf"
        assert is_pdf(invoice.read_bytes())
        await pilot.press("i")
        await settle(pilot)
        month = locations.documents_dir() / "2021-01"
        assert sorted(p.name for p in month.iterdir()) == [
            "facture-F2021-000001.pdf",
            "facture-F2021-000002.pdf",
        ]
        messages = notifications(app)
        assert any(str(csv) in m for m in messages)
        assert any(str(invoice) in m for m in messages)
        assert any("2 document(s) écrit(s)" in m for m in messages)


async def test_profile_refuses_a_bad_iban_on_the_spot(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, "3")  # the Profil section
        iban = app.screen.query_one("#profile-iban", Input)
        iban.focus()
        await pilot.press(*"FR76 1234")
        await pilot.pause()
        assert _text(app, "#profile-iban-error").startswith("IBAN invalide :")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert load_profile().iban == ""  # nothing saved
        siret = app.screen.query_one("#profile-siret", Input)
        siret.focus()
        await pilot.press(*"12345678901234")
        await pilot.pause()
        assert "SIRET invalide" in _text(app, "#profile-siret-error")


async def test_profile_saves_every_field(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, "3")  # the Profil section
        assert app.screen.query_one("#profile-name", Input).value == "Épicerie Fine du Marché"
        for field, value in PROFILE.items():
            app.screen.query_one(f"#profile-{field}", Input).value = value
        app.screen.query_one("#profile-mobile", Input).value = "06 12 34 56 78"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = load_profile()
        assert saved.iban_valid and saved.siret == PROFILE["siret"]
        assert saved.mobile == "+33612345678"
        assert saved.address == PROFILE["address"]
        assert "Profil enregistré." in notifications(app)
        assert (
            app.screen.query_one("#profile-iban", Input).value
            == "FR14 2004 1010 0505 0001 3M02 606"
        )
