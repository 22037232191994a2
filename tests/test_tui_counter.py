"""At the counter, 80×24, keyboard only (issue 10 items 10–14): Profil keeps what is typed
and asks before losing it, the order screen fits and scrolls, the order list has room and
dates, every word is French, the status filter tells ticked from unticked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static

from app.config import Config
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import load_profile, save_profile
from screens.commandes import CommandesScreen, StatusFilterScreen
from screens.confirm import ConfirmModal, UnsavedModal
from screens.finances import FinancesScreen
from screens.help import HelpScreen
from screens.order import OrderScreen
from screens.profile import ProfileScreen
from storage.models import Notification, Order, database
from tests.factories import order_doc
from tests.tui import (
    app_for,
    many_orders,
    notifications,
    screen_text,
    seeded_config,
    settle,
    table_rows,
    wait_until,
)
from widgets.order_list import OrderList

SIZE = (80, 24)
SEED_ORDER = "5fec417c-c1f882001c-318c84-001"
ERROR_ORDER = "601127e4-c1f882001c-63cc24-001"  # the seed's failed payment
IBAN = "FR1420041010050500013M02606"
VAT = "FR44732829320"


@pytest.fixture
def shop(sqlite_url: str, seed_path: Path) -> Any:
    config = seeded_config(sqlite_url, seed_path, undo_seconds=20)
    save_profile(name="Thés & Merveilles", iban=IBAN, vat_number=VAT, email="b@example.org")
    yield config
    database.close()


def screen_lines(app: Any) -> list[str]:
    return screen_text(app).splitlines()


def field(app: Any, name: str) -> Input:
    return app.screen.query_one(f"#profile-{name}", Input)


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_profile(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProfileScreen)


async def clear(pilot: Any, app: Any, name: str) -> None:
    field(app, name).focus()
    await pilot.press("end", "ctrl+u")  # Ctrl+U: delete everything left of the cursor
    await settle(pilot)


# -- 10. Profil ------------------------------------------------------------------------------


async def test_escape_leaves_a_field_and_the_global_keys_then_work(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await open_profile(pilot)
        await pilot.press("tab")  # into the first field, the shop's name
        assert app.focused is field(app, "name")
        await pilot.press("1")  # typed: a field takes digits (SIRET, mobile)
        assert field(app, "name").value == "Thés & Merveilles1"  # added, not replacing it
        await pilot.press("backspace", "escape")
        assert not isinstance(app.focused, Input)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
    assert load_profile().name == "Thés & Merveilles"


async def test_ctrl_p_finds_the_screens_from_a_profile_field(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await open_profile(pilot)
        field(app, "siret").focus()
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        palette_input = app.screen.query_one(Input)
        assert str(palette_input.placeholder) == "Chercher une action ou un écran…"
        await pilot.press(*"Commandes")
        results = app.screen.query_one(OptionList)
        assert await wait_until(
            pilot,
            lambda: (
                bool(results.option_count)
                and "Commandes" in str(results.get_option_at_index(0).prompt)
            ),
        )
        # Only Comptoir's actions: none of the field's editing keys.
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert not any("Sélectionner" in prompt for prompt in prompts)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)


async def test_the_palette_says_no_match_in_french(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"zzqx")
        results = app.screen.query_one(OptionList)
        assert await wait_until(pilot, lambda: results.option_count > 0)
        await pilot.pause(0.7)  # past the palette's own half-second "No matches" countdown
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert prompts == ["Aucune action ne correspond à « zzqx »"]


async def test_emptying_saved_fields_asks_first(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await open_profile(pilot)
        saved = load_profile()
        assert saved.iban and saved.vat_number
        await clear(pilot, app, "iban")
        # The validity line follows the field as typed.
        assert text_of(app, "#profile-status") == (
            "Sans IBAN valide, les versements sont bloqués. (non enregistré)"
        )
        await clear(pilot, app, "vat_number")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "N° TVA, IBAN" in screen_lines_text(app)
        await pilot.press("escape")  # no: nothing is saved
        await settle(pilot)
        assert load_profile() == saved
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # yes: emptied
        await settle(pilot)
        assert (load_profile().iban, load_profile().vat_number) == ("", "")
        assert text_of(app, "#profile-status") == "Sans IBAN valide, les versements sont bloqués."


def screen_lines_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


async def test_the_iban_line_follows_what_is_typed_in_french(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await open_profile(pilot)
        assert text_of(app, "#profile-status") == "IBAN valide : les versements sont possibles."
        await clear(pilot, app, "iban")
        await pilot.press(*"FR7630006000011234567890188")  # one digit wrong
        await settle(pilot)
        error = text_of(app, "#profile-iban-error")
        assert error == "IBAN invalide : la clé de contrôle ne correspond pas (faute de frappe ?)"
        assert text_of(app, "#profile-status").startswith("IBAN invalide")
        await clear(pilot, app, "iban")
        await pilot.press(*"FR76300060000112345678901")
        await settle(pilot)
        assert text_of(app, "#profile-iban-error") == (
            "IBAN invalide : longueur incorrecte pour ce pays"
        )
        assert "Invalid" not in screen_lines_text(app)


async def test_unsaved_edits_are_marked_and_asked_about_when_leaving(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await open_profile(pilot)
        field(app, "address").focus()
        await pilot.press(*"12 rue Mercière")
        await settle(pilot)
        assert "Adresse •" in screen_lines_text(app)
        assert "modifié, non enregistré" in text_of(app, "#profile-title")
        await pilot.press("escape", "2")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedModal)
        assert "Adresse" in screen_lines_text(app)
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert field(app, "address").value == "12 rue Mercière"
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("e")  # save, then go
        await settle(pilot)
        assert isinstance(app.screen, FinancesScreen)
        assert load_profile().address == "12 rue Mercière"
        await pilot.press("3")
        await settle(pilot)
        field(app, "address").focus()
        await pilot.press(*" bis")
        await pilot.press("escape", "q")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedModal)
        await pilot.press("a")  # abandon, then quit
        await settle(pilot)
    assert app.return_code == 0
    assert load_profile().address == "12 rue Mercière"


# -- 11. The order screen at 80×24 -----------------------------------------------------------


def _no_table_overflows(app: Any) -> None:
    for table in app.screen.query(DataTable):
        labels = [column.label.plain for column in table.ordered_columns]
        assert table.virtual_size.width <= table.size.width, (table.id, labels)


async def test_the_order_screen_fits_80_columns(shop: Config) -> None:
    Notification.update(state="failed", attempts=3, last_error="550 Mailbox unavailable").where(
        Notification.channel == "sms"
    ).execute()
    app = app_for(shop, order=SEED_ORDER)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, OrderScreen))
        await settle(pilot)
        _no_table_overflows(app)
        lines = app.screen.query_one("#order-lines", DataTable)
        # The preparation's tick first, then the quantity beside the product.
        assert [c.label.plain for c in lines.ordered_columns][:3] == ["✓", "Produit", "Quantité"]
        notes = app.screen.query_one("#order-notifications", DataTable)
        assert notes.ordered_columns[0].label.plain == "Statut"
        rows = table_rows(notes)
        assert all(row[0] == "● Enregistrée" for row in rows)
        assert any(row[3] == "Échec (3 essai(s))" for row in rows)
        # The footer holds every key of the screen, r too while a message failed. The outbox
        # is counted just after the first frame (start-up): wait for its warning.
        assert await wait_until(pilot, lambda: "⚠2" in screen_lines(app)[-1])
        footer = screen_lines(app)[-1]
        for key in ("esc Retour", "n Suite", "^z Défaire", "h Journal", "m Envois"):
            assert key in footer, footer
        assert "r Relance" in footer and "P Imprimer" in footer
        assert "⚠2" in footer  # the failed messages, counted in the room left
        # Headers whole once scrolled to.
        await pilot.press("m")
        await settle(pilot)
        shown = screen_lines_text(app)
        for header in ("Statut", "Canal", "Destinataire", "État", "Dernière erreur"):
            assert header in shown, header


async def test_keys_reach_the_history_and_the_notifications(shop: Config) -> None:
    app = app_for(shop, order=SEED_ORDER)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, OrderScreen))
        await settle(pilot)
        body = app.screen.query_one("#order-body")
        assert body.scroll_y == 0
        await pilot.press("h")
        await settle(pilot)
        assert body.scroll_y > 0
        assert any(line.strip() == "Historique" for line in screen_lines(app))
        await pilot.press("m")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#order-notifications", DataTable)
        assert any(line.strip().startswith("Notifications") for line in screen_lines(app))


async def test_after_a_change_pagedown_and_down_scroll_the_order(shop: Config) -> None:
    app = app_for(shop, order=SEED_ORDER)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, OrderScreen))
        await settle(pilot)
        await pilot.press("n", "enter")  # a status change: the dropdown used to keep focus
        await settle(pilot)
        body = app.screen.query_one("#order-body")
        assert body.scroll_y == 0
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > 0
        before = body.scroll_y
        await pilot.press("pageup", "down")
        await settle(pilot)
        assert 0 < body.scroll_y < before
    assert Order.get(Order.number == SEED_ORDER).status == OrderStatus.CONFIRMING


async def test_the_history_shows_a_failed_payment_in_french(shop: Config) -> None:
    app = app_for(shop, order=ERROR_ORDER)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, OrderScreen))
        await settle(pilot)
        history = table_rows(app.screen.query_one("#order-history", DataTable))
        assert history[0][2:] == ["Erreur", "Paiement refusé"]
        assert "payment failed" not in screen_lines_text(app)


# -- 12. The order list at 80×24 -------------------------------------------------------------


@pytest.fixture
def busy(shop: Config) -> Config:
    """The seed and forty orders on Monday 18 January 2021."""
    from datetime import date

    many_orders(shop, 40, day=date(2021, 1, 18))
    return shop


async def test_the_list_has_room_at_80_by_24(busy: Config) -> None:
    app = app_for(busy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(OrderList)
        assert listing.size.height - 1 >= 12  # rows under the header (6 before)
        await pilot.press("c")  # fold the calendar away
        await settle(pilot)
        assert listing.size.height - 1 >= 18
        assert app.focused is listing
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.query_one("#calendar").display


async def test_pagedown_pages_the_list_when_it_has_the_focus(busy: Config) -> None:
    app = app_for(busy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(OrderList)
        listing.focus()
        await pilot.press("pagedown")
        await settle(pilot)
        assert listing.cursor_row > 5
        assert app.screen.query_state.month == 1
        await pilot.press("pageup")
        assert listing.cursor_row == 0
        await pilot.press("greater_than_sign")  # the month from the list: < and >
        await settle(pilot)
        assert app.screen.query_state.month == 2
        footer = screen_lines(app)[-1]
        assert "< > Mois" in footer


async def test_names_end_with_an_ellipsis_and_search_results_are_dated(shop: Config) -> None:
    from app.intake.files import import_drafts, parse_document

    doc = order_doc(number="LONG-1", placed_at="2021-01-20T10:00:00+01:00")
    doc["customer"]["name"] = "Marie-Clémentine de La Tour d'Auvergne"
    import_drafts(parse_document([doc]), config=shop)
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = next(line for line in screen_lines(app) if line.startswith("LONG-1"))
        assert "20/01 Marie-Clé…" in row
        await pilot.press("slash", *"c1f882001c", "enter")  # every seed order, two months
        await settle(pilot)
        shown = screen_lines_text(app)
        assert "5fec417c-c1f882001c-318c84-001 30/12" in shown
        assert "6005a1c0-c1f882001c-41aa02-001 18/01" in shown


# -- 13. Help --------------------------------------------------------------------------------


async def test_help_shows_comptoir_keys_once_and_the_statuses(shop: Config) -> None:
    app = app_for(shop)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(OrderList).focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = table_rows(app.screen.query_one("#help-keys", DataTable))
        descriptions = [description for _key, description in keys]
        assert len(descriptions) == len(set(descriptions))
        shown_keys = {key for key, _description in keys}
        assert not {"super+c", "^c", "^q"} & shown_keys
        assert ("home / ^home", "Tout en haut") in [tuple(row) for row in keys]
        statuses = str(app.screen.query_one("#help-statuses", Static).render())
        assert "Commande Enregistrée → Confirmation en cours, En cours de traitement, Terminé" in (
            statuses
        )
        assert "Terminé : statut final" in statuses


# -- 14. The status filter -------------------------------------------------------------------


async def test_the_status_filter_tells_ticked_from_unticked(shop: Config) -> None:
    app = app_for(shop)
    app.theme = "ansi-dark"  # the 16 colours of the terminal
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, StatusFilterScreen)
        shown = screen_lines_text(app)
        assert "Statuts à lister" in shown  # the title whole
        assert "Aucun statut coché : toutes les commandes sont listées." in shown
        assert shown.count("[ ] ●") == len(OrderStatus) and "[x]" not in shown
        await pilot.press("down", "space")
        await settle(pilot)
        shown = screen_lines_text(app)
        assert "[x] ● Confirmation en cours" in shown
        assert "1 statut(s) coché(s)" in shown
        # The highlighted line is readable: its text never has the colour of its background.
        listing = app.screen.query_one(OptionList)
        strip = listing.render_line(listing.highlighted or 0)
        for segment in strip:
            if segment.text.strip() and segment.style is not None:
                assert segment.style.color != segment.style.bgcolor, segment
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_state.statuses == frozenset({OrderStatus.CONFIRMING})


# -- 16. The demo's notice -------------------------------------------------------------------


async def test_the_demo_says_where_its_mails_go(shop: Config, tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    app = app_for(shop, demo_maildir=maildir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(str(maildir) in message for message in notifications(app))
        await pilot.press("question_mark")
        await settle(pilot)
        assert str(maildir) in str(app.screen.query_one("#help-demo", Static).render())


def test_a_status_mail_never_goes_before_an_earlier_one_waiting(shop: Config) -> None:
    from datetime import datetime, timedelta

    order = Order.get(Order.number == SEED_ORDER)
    registered = Notification.get(
        (Notification.order == order)
        & (Notification.channel == "mail")
        & (Notification.audience == "customer")
    )
    later = datetime(2030, 1, 1)  # its send failed and was put off (a retry)
    Notification.update(due_at=later).where(Notification.id == registered.id).execute()
    result = change_status(SEED_ORDER, OrderStatus.CONFIRMING, config=shop)
    mail = next(n for n in result.notifications if n.channel == "mail")
    assert mail.due_at >= later
    assert mail.due_at - later < timedelta(seconds=1)
