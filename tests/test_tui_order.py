"""The order screen driven from the keyboard: what it shows, and what the database holds."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Select, Static

from app.config import Config
from app.intake.files import import_files
from app.messages.states import NotificationState as N
from app.orders.rules import change_status
from app.orders.statuses import FINAL_REASONS, STATUS_LABELS, allowed_targets
from app.orders.statuses import OrderStatus as S
from app.orders.view import fingerprint
from app.shop.profile import save_profile
from app.tui.app import ComptoirApp
from screens.cancel import CancelOrderModal
from screens.order import ConfirmBar, OrderScreen
from storage.db import open_database
from storage.models import Document, Notification, Order, StatusChange, database
from tests.docs_fixtures import PROFILE
from tests.factories import order_doc, write_json
from tests.tui import app_for, notifications, press, screen_text, settle

SEED_ORDER = "5fec417c-c1f882001c-318c84-001"
IMPORTED_AT = datetime(2020, 12, 30, 8, 45)  # naive UTC: the history's first row is stable

PATHS = {
    S.REGISTERED: [],
    S.CONFIRMING: [S.CONFIRMING],
    S.PROCESSING: [S.PROCESSING],
    S.READY: [S.PROCESSING, S.READY],
    S.IN_DELIVERY: [S.PROCESSING, S.READY, S.IN_DELIVERY],
    S.FINISHED: [S.FINISHED],
    S.CANCELLED: [S.CANCELLED],
    S.ERROR: [],
}


# -- helpers --------------------------------------------------------------------------------


def seed(url: str, config: Config, seed_path: Path) -> None:
    open_database(url, timezone=config.timezone)
    save_profile(**PROFILE)  # a complete seller: invoices (and credit notes) are issued
    import_files([seed_path], config=config, now=IMPORTED_AT)


def order_in(status: S, config: Config, tmp_path: Path, number: str = "T-0001") -> Order:
    """An order brought to `status` by the rules themselves (no screen involved)."""
    doc = order_doc(number=number, payment="failed" if status is S.ERROR else "ok")
    import_files([write_json(tmp_path / f"{number}.json", doc)], config=config, now=IMPORTED_AT)
    for step in PATHS[status]:
        change_status(number, step, config=config, reason="préparation")
    return Order.get(Order.number == number)


def text_of(app: ComptoirApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    return getattr(content, "plain", str(content))


def rows(app: ComptoirApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def dropdown_labels(app: ComptoirApp) -> list[str]:
    """The options the status dropdown offers (the blank prompt excluded)."""
    select = app.screen.query_one("#status-select", Select)
    overlay = select.query_one(OptionList)
    labels = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
    return [label for label in labels if label != str(select.prompt)]


def order_row(number: str = SEED_ORDER) -> Order:
    return Order.get(Order.number == number)


async def test_after_a_change_the_screen_shows_what_reading_the_order_again_shows(
    seeded_any: Config, no_poll: None
) -> None:
    """The screen shows a change from what it wrote, not from a second read: the same."""
    app = app_for(seeded_any, order=SEED_ORDER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(2):
            await press(pilot, "n", "enter")
            shown = [
                text_of(app, "#summary-status"),
                dropdown_labels(app),
                rows(app, "#order-history"),
                rows(app, "#order-notifications"),
                text_of(app, "#notifications-title"),
            ]
            assert isinstance(app.screen, OrderScreen)
            # Nothing for the poll to redraw: what the screen holds is what the order is.
            assert app.screen.detail is not None
            assert app.screen.detail.fingerprint == fingerprint(SEED_ORDER)
            app.screen.reload()
            await settle(pilot)
            assert [
                text_of(app, "#summary-status"),
                dropdown_labels(app),
                rows(app, "#order-history"),
                rows(app, "#order-notifications"),
                text_of(app, "#notifications-title"),
            ] == shown
        assert order_row().status == S.PROCESSING


@pytest.fixture
def tui_config(sqlite_url: str) -> Config:
    return Config(database_url=sqlite_url, undo_seconds=20)


@pytest.fixture
def seeded(tui_config: Config, seed_path: Path) -> Iterator[Config]:
    seed(tui_config.database_url, tui_config, seed_path)
    yield tui_config
    database.close()


@pytest.fixture
def seeded_any(db: str, seed_path: Path) -> Config:
    """The seed on SQLite and on PostgreSQL."""
    config = Config(database_url=db, undo_seconds=20)
    import_files([seed_path], config=config, now=IMPORTED_AT)
    return config


@pytest.fixture
def no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the screen's view as loaded, so that a concurrent change stays unseen."""
    monkeypatch.setattr(OrderScreen, "POLL_SECONDS", 3600.0)


# -- what the screen shows ------------------------------------------------------------------


async def test_the_seed_order_shows_every_block(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        client = text_of(app, "#client-block")
        for part in ("Camille Martin", "camille.martin@example.org", "12 rue des Lilas"):
            assert part in client
        assert "+33612345678" in client
        assert "Retrait en boutique" in text_of(app, "#fulfilment-block")
        assert text_of(app, "#summary-date") == "COMMANDE EFFECTUÉE LE\n30/12/2020"
        assert text_of(app, "#summary-shipping") == "FRAIS DE PORT\n0,00 €"
        assert text_of(app, "#summary-total") == "TOTAL\n1,00 €"
        assert text_of(app, "#summary-number") == f"N° DE COMMANDE\n{SEED_ORDER}"
        assert text_of(app, "#summary-status") == "Statut\n● Commande Enregistrée"
        # The quantity beside the product; the marketplace's "Point d'activité" placeholder
        # is the shop's own line: no « vendu par ». The first column: ticked when prepared.
        assert rows(app, "#order-lines") == [
            ["☐", "Thé de Noël", "1", "1,00 €", "20,00 %", "Thé", ""]
        ]
        assert rows(app, "#order-history") == [
            ["30/12/2020 09:45", "système", "Commande Enregistrée", ""]
        ]
        notes = rows(app, "#order-notifications")
        labels = app.screen.query_one("#order-notifications", DataTable).ordered_columns
        assert [column.label.plain for column in labels] == [
            "Statut",
            "Canal",
            "Destinataire",
            "État",
            "Dernière erreur",
        ]
        # Each notification says which status it belongs to.
        assert ["● Enregistrée", "Courriel", "vendeur (profil)", "En attente", ""] in notes
        assert ["● Enregistrée", "SMS", "+33612345678", "En attente", ""] in notes
        shown = screen_text(app)
        assert "COMMANDE EFFECTUÉE LE" in shown and "● Commande Enregistrée" in shown


@pytest.mark.parametrize("status", list(S), ids=lambda s: s.value)
async def test_the_dropdown_offers_exactly_the_allowed_statuses(
    sqlite_url: str, tmp_path: Path, status: S
) -> None:
    config = Config(database_url=sqlite_url, undo_seconds=20)
    open_database(sqlite_url)
    order = order_in(status, config, tmp_path)
    before = (order.version, order.updated_at, StatusChange.select().count())
    app = app_for(config, order=order.number)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        select = app.screen.query_one("#status-select", Select)
        expected = [STATUS_LABELS[t] for t in allowed_targets(status)]
        assert dropdown_labels(app) == expected
        assert f"● {STATUS_LABELS[status]}" in text_of(app, "#summary-status")
        if status in FINAL_REASONS:
            assert select.disabled
            assert select.prompt == "Statut définitif"
            assert text_of(app, "#status-reason") == FINAL_REASONS[status]
            assert FINAL_REASONS[status][:30] in screen_text(app)
            await press(pilot, "s")
            assert app.screen.focused is not select
            await press(pilot, "n")
        else:
            assert not select.disabled
            assert text_of(app, "#status-reason") == ""
            await press(pilot, "s")
            assert app.screen.focused is select
    fresh = Order.get_by_id(order.id)
    # Showing an order (and trying keys on a final one) never changes it.
    assert (fresh.version, fresh.updated_at, StatusChange.select().count()) == before
    database.close()


async def test_loading_and_refreshing_never_change_the_order(seeded: Config) -> None:
    before = order_row()
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrderScreen)
        screen.reload()
        await settle(pilot)
        assert app.screen.query_one("#status-select", Select).is_blank()
    after = order_row()
    assert (after.version, after.updated_at, after.status) == (
        before.version,
        before.updated_at,
        before.status,
    )
    assert StatusChange.select().where(StatusChange.order == after).count() == 1


# -- changing the status ---------------------------------------------------------------------


async def test_a_change_from_the_keyboard_updates_order_history_and_outbox(
    seeded_any: Config,
) -> None:
    app = app_for(seeded_any, order=SEED_ORDER, staff_name="Léa")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "enter", "down", "enter")
        preview = text_of(app, "#change-preview")
        assert preview == (
            "Confirmation en cours : courriel à camille.martin@example.org, SMS au +33612345678."
        )
        assert order_row().status == S.REGISTERED  # nothing before the confirmation
        await press(pilot, "enter")
        assert "● Confirmation en cours" in text_of(app, "#summary-status")
        assert "Ctrl+Z pour annuler pendant 20 s" in text_of(app, "#order-notice")
        assert dropdown_labels(app) == [STATUS_LABELS[t] for t in allowed_targets(S.CONFIRMING)]
        history = rows(app, "#order-history")
        assert history[-1][1:3] == ["Léa", "Commande Enregistrée → Confirmation en cours"]
    order = order_row()
    assert order.status == S.CONFIRMING and order.version == 2
    change = StatusChange.select().where(StatusChange.order == order).order_by(StatusChange.id)[-1]
    assert (change.by, change.from_status, change.to_status) == ("Léa", "registered", "confirming")
    queued = list(Notification.select().where(Notification.change == change))
    assert sorted((n.channel, n.recipient, n.state) for n in queued) == [
        ("mail", "camille.martin@example.org", N.PENDING),
        ("sms", "+33612345678", N.PENDING),
    ]


async def test_escape_on_the_preview_abandons(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "enter", "down", "down", "enter")
        assert text_of(app, "#change-preview").startswith("En cours de traitement :")
        await press(pilot, "escape")
        assert isinstance(app.screen, OrderScreen)  # Escape left the preview, not the screen
        assert "abandonnée" in text_of(app, "#order-notice")
        assert not app.screen.query_one("#change-preview").display
    assert order_row().version == 1


async def test_n_proposes_the_next_status_of_the_flow(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert text_of(app, "#change-preview").startswith("Confirmation en cours :")
        await press(pilot, "y")
        assert order_row().status == S.CONFIRMING
        await press(pilot, "n")
        assert text_of(app, "#change-preview").startswith("En cours de traitement :")
        await press(pilot, "enter")
        assert "● En cours de traitement" in text_of(app, "#summary-status")
    assert order_row().status == S.PROCESSING
    assert order_row().version == 3


async def test_cancellation_needs_a_reason_then_a_confirmation(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER, staff_name="Léa")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        # registered: blank, Confirmation, Traitement, Terminé, Annulée
        await press(pilot, "s", "enter", "down", "down", "down", "down", "enter")
        assert isinstance(app.screen, CancelOrderModal)
        await press(pilot, "end", "enter")  # « Autre… », then the free text, left empty
        await press(pilot, "enter")
        assert "ne peut pas se faire sans motif" in text_of(app, "#cancel-error")
        assert isinstance(app.screen, CancelOrderModal)
        assert order_row().status == S.REGISTERED
        await pilot.press(*"Client parti sans payer")
        await press(pilot, "enter")
        confirm = text_of(app, "#cancel-confirm")
        assert "Motif : Client parti sans payer" in confirm
        assert "Remboursement intégral de 1,00 €" in confirm
        assert order_row().status == S.REGISTERED  # not before the confirmation
        await press(pilot, "enter")
        assert isinstance(app.screen, OrderScreen)
        assert text_of(app, "#summary-status") == "Statut\n● Annulée\nremboursée : 1,00 €"
        assert "Remboursement intégral de 1,00 € enregistré" in text_of(app, "#order-notice")
        assert app.screen.query_one("#status-select", Select).disabled
        assert rows(app, "#order-history")[-1][3] == "Client parti sans payer"
    order = order_row()
    assert order.status == S.CANCELLED
    assert order.cancel_reason == "Client parti sans payer"
    assert order.refund == order.total
    assert Document.select().where((Document.order == order) & (Document.kind == "credit")).exists()


async def test_a_common_reason_is_recorded_with_its_details(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "enter", "down", "down", "down", "down", "enter")
        await press(pilot, "home", "enter")  # « Rupture de stock »
        await pilot.press(*"thé épuisé")
        await press(pilot, "enter", "y")
    assert order_row().cancel_reason == "Rupture de stock : thé épuisé"


async def test_escape_in_the_cancel_modal_changes_nothing(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "enter", "down", "down", "down", "down", "enter")
        await press(pilot, "escape")
        assert isinstance(app.screen, OrderScreen)
        assert "Annulation abandonnée" in text_of(app, "#order-notice")
    assert order_row().status == S.REGISTERED


async def test_a_concurrent_change_wins_and_the_screen_shows_it(
    seeded_any: Config, no_poll: None
) -> None:
    app = app_for(seeded_any, order=SEED_ORDER, staff_name="Léa")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        # Another terminal moves the order while this one still shows « Enregistrée ».
        change_status(SEED_ORDER, S.PROCESSING, config=seeded_any, by="Hugo")
        await press(pilot, "s", "enter", "down", "enter", "enter")
        notice = text_of(app, "#order-notice")
        assert "modifiée entre-temps" in notice
        assert "En cours de traitement" in notice
        assert "● En cours de traitement" in text_of(app, "#summary-status")
        assert dropdown_labels(app) == [STATUS_LABELS[t] for t in allowed_targets(S.PROCESSING)]
    order = order_row()
    assert (order.status, order.version) == (S.PROCESSING, 2)
    assert [c.by for c in StatusChange.select().where(StatusChange.kind == "change")] == ["Hugo"]


async def test_a_change_made_elsewhere_appears_without_a_key(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        change_status(SEED_ORDER, S.PROCESSING, config=seeded, by="Hugo")
        for _ in range(50):  # the poll runs every second; give it a few
            await pilot.pause(0.1)
            if "Traitement" in text_of(app, "#summary-status").title():
                break
        await settle(pilot)
        assert "● En cours de traitement" in text_of(app, "#summary-status")
        assert rows(app, "#order-history")[-1][1] == "Hugo"
        assert text_of(app, "#order-notice") == (
            "Statut changé sur un autre poste : En cours de traitement."
        )


async def test_a_preview_made_stale_by_another_terminal_is_withdrawn(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert app.screen.query_one("#change-preview").display
        change_status(SEED_ORDER, S.FINISHED, config=seeded, by="Hugo")
        for _ in range(50):
            await pilot.pause(0.1)
            if not app.screen.query_one("#change-preview").display:
                break
        await settle(pilot)
        assert text_of(app, "#order-notice") == (
            "La commande a changé sur un autre poste (statut : Terminé) : "
            "la modification proposée est abandonnée."
        )
        assert "● Terminé" in text_of(app, "#summary-status")
        assert app.screen.focused is app.screen.query_one("#order-body")
        await press(pilot, "enter", "y")  # nothing left to confirm
    assert (order_row().status, order_row().version) == (S.FINISHED, 2)


# -- undo, resend, PDF, back -----------------------------------------------------------------


async def test_ctrl_z_undoes_the_change_and_withdraws_its_messages(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER, staff_name="Léa")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter")
        assert order_row().status == S.CONFIRMING
        await press(pilot, "ctrl+z")
        assert "● Commande Enregistrée" in text_of(app, "#summary-status")
        assert "Modification annulée" in text_of(app, "#order-notice")
        assert rows(app, "#order-history")[-1][2:] == [
            "Confirmation en cours → Commande Enregistrée",
            "Annulation de la modification",
        ]
        await press(pilot, "ctrl+z")  # the undo itself cannot be undone
        assert "Aucune modification à annuler" in text_of(app, "#order-notice")
    order = order_row()
    assert (order.status, order.version) == (S.REGISTERED, 3)
    change = StatusChange.get((StatusChange.kind == "change") & (StatusChange.order == order))
    assert change.undone
    states = {n.state for n in Notification.select().where(Notification.change == change)}
    assert states == {N.WITHDRAWN}


async def test_the_undo_notice_goes_when_the_grace_period_ends(
    sqlite_url: str, seed_path: Path
) -> None:
    # 3 s: long enough for the notice to be read on a busy machine (two test workers).
    config = Config(database_url=sqlite_url, undo_seconds=3)
    seed(sqlite_url, config, seed_path)
    app = app_for(config, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter")
        notice = app.screen.query_one("#order-notice")
        assert "Ctrl+Z pour annuler pendant 3 s" in text_of(app, "#order-notice")
        for _ in range(80):
            await pilot.pause(0.1)
            if not notice.display:
                break
        assert not notice.display
        await press(pilot, "ctrl+z")
        assert "Trop tard pour annuler : le délai de 3 s est passé." in text_of(
            app, "#order-notice"
        )
    assert order_row().status == S.CONFIRMING
    database.close()


async def test_ctrl_z_says_why_when_too_late(seeded: Config) -> None:
    change_status(
        SEED_ORDER, S.CONFIRMING, config=seeded, by="Léa", now=datetime(2021, 1, 2, 10, 0)
    )
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+z")
        assert "Trop tard pour annuler : le délai de 20 s est passé." in text_of(
            app, "#order-notice"
        )
    assert order_row().status == S.CONFIRMING


async def test_r_resends_a_failed_notification(seeded: Config) -> None:
    order = order_row()
    failed = (
        Notification.select()
        .where((Notification.order == order) & (Notification.channel == "sms"))
        .get()
    )
    Notification.update(state=N.FAILED, attempts=1, last_error="Invalid number").where(
        Notification.id == failed.id
    ).execute()
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        before = rows(app, "#order-notifications")
        index = next(i for i, row in enumerate(before) if row[3].startswith("Échec"))
        assert (before[index][3], before[index][4]) == ("Échec (1 essai(s))", "Invalid number")
        assert "2 en attente, 1 en échec" in text_of(app, "#notifications-title")
        table = app.screen.query_one("#order-notifications", DataTable)
        table.focus()
        await settle(pilot)
        await press(pilot, *["down"] * index, "r")
        assert rows(app, "#order-notifications")[index][3] == "En attente"
        assert "3 en attente, 0 en échec" in text_of(app, "#notifications-title")
        assert "Notification renvoyée à +33612345678" in text_of(app, "#order-notice")
    again = Notification.get_by_id(failed.id)
    assert (again.state, again.attempts) == (N.PENDING, 0)


async def test_p_saves_the_order_pdf(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "p")
        notice = text_of(app, "#order-notice")
    assert notice.startswith("PDF enregistré : ")
    saved = Path(notice.removeprefix("PDF enregistré : "))
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout
    assert SEED_ORDER in text


async def test_an_unknown_number_is_said_plainly(seeded: Config) -> None:
    app = app_for(seeded, order="NOPE-1")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        # `comptoir --order NOPE-1`: the App says so and stays on Commandes.
        assert not isinstance(app.screen, OrderScreen)
        assert any("Aucune commande n° NOPE-1." in message for message in notifications(app))
        # The screen itself, opened on a number that vanished, says it too and stays inert.
        app.push_screen(OrderScreen("NOPE-1"))
        await settle(pilot)
        assert text_of(app, "#order-notice") == "Aucune commande n° NOPE-1."
        await press(pilot, "n", "s", "ctrl+z")
        assert isinstance(app.screen, OrderScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, OrderScreen)


async def test_escape_goes_back(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, OrderScreen)


async def test_every_binding_has_an_id_a_description_and_a_footer_key(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(160, 32)) as pilot:
        await settle(pilot)
        bindings = list(Binding.make_bindings(type(app.screen).BINDINGS))
        assert {b.id for b in bindings} >= {
            "order-back",
            "order-status",
            "order-next",
            "order-undo",
            "order-resend",
            "order-pdf",
        }
        own = [*OrderScreen.BINDINGS, *ConfirmBar.BINDINGS, *CancelOrderModal.BINDINGS]
        assert all(b.id and b.description for b in own)  # type: ignore[union-attr]
        footer = screen_text(app).splitlines()[-1]
        for description in ("Retour", "Suite", "Défaire", "PDF", "Journal", "Envois"):
            assert description in footer


async def test_the_command_palette_offers_the_screen_actions(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"Suite")
        results = app.screen.query_one(OptionList)
        for _ in range(50):  # the palette searches in the background
            await pilot.pause(0.1)
            if results.option_count and "Suite" in str(results.get_option_at_index(0).prompt):
                break
        await press(pilot, "enter")
        assert isinstance(app.screen, OrderScreen)
        assert text_of(app, "#change-preview").startswith("Confirmation en cours :")


async def test_at_80_by_24_the_essentials_are_on_screen(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        for part in (
            "Camille Martin",
            "camille.martin@example.org",
            "Retrait en boutique",
            "COMMANDE EFFECTUÉE LE",
            "30/12/2020",
            "FRAIS DE PORT",
            "TOTAL",
            "N° DE COMMANDE",
            SEED_ORDER,
            "● Commande Enregistrée",
            "Changer le statut (s)",
            "Retour",
        ):
            assert part in shown, part
        footer = shown.splitlines()[-1]
        for key in (
            "esc Retour",
            "s Statut",
            "n Suite",
            "^z Défaire",
            # Printing (issue 14) takes the room of `p PDF` below 100 columns; p still
            # saves the PDF and `?` lists it.
            "P Imprimer",
            "h Journal",
            "m Envois",
        ):
            assert key in footer, key
        # The rest is reachable by scrolling, from the keyboard.
        await press(pilot, "end")
        assert "Notifications" in screen_text(app)


async def test_english(seeded: Config) -> None:
    app = app_for(replace(seeded, lang="en"), order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        for part in ("ORDER PLACED ON", "● Order registered", "Sold by", "Back", "Next"):
            assert part in shown, part
        await press(pilot, "n")
        assert text_of(app, "#change-preview") == (
            "Confirmation in progress: mail to camille.martin@example.org, SMS to +33612345678."
        )


# -- snapshots -------------------------------------------------------------------------------


async def _loaded(pilot: Pilot[None]) -> None:
    """Settle until the order screen is up and its lines are in (the App opens it in a worker)."""
    previous = None
    for _attempt in range(50):
        await settle(pilot)
        screen = pilot.app.screen
        if (
            isinstance(screen, OrderScreen)
            and screen.query_one("#order-lines", DataTable).row_count
        ):
            # The tables size their columns on a refresh after their rows arrive: wait until
            # two settles in a row show the same screen.
            shown = screen_text(pilot.app)  # type: ignore[arg-type]
            if shown == previous:
                return
            previous = shown
    raise AssertionError("the order screen did not load")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_of_the_seed_order(
    snap_compare: object, seeded: Config, size: tuple[int, int]
) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    assert snap_compare(app, terminal_size=size, run_before=_loaded)  # type: ignore[operator]


def test_snapshot_in_english(snap_compare: object, seeded: Config) -> None:
    app = app_for(replace(seeded, lang="en"), order=SEED_ORDER)
    assert snap_compare(app, terminal_size=(100, 32), run_before=_loaded)  # type: ignore[operator]


async def _cancel_modal(pilot: Pilot[None]) -> None:
    await _loaded(pilot)
    await press(pilot, "s", "enter", "down", "down", "down", "down", "enter", "end", "enter")
    await press(pilot, "enter")  # empty: the inline error shows


def test_snapshot_of_the_cancel_modal_refusing_an_empty_reason(
    snap_compare: object, seeded: Config
) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_cancel_modal)  # type: ignore[operator]


def test_snapshot_of_a_cancelled_order(snap_compare: object, seeded: Config) -> None:
    change_status(
        SEED_ORDER,
        S.CANCELLED,
        config=seeded,
        by="Léa",
        reason="Rupture de stock",
        now=datetime(2021, 1, 2, 9, 0),
    )
    app = app_for(seeded, order=SEED_ORDER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_loaded)  # type: ignore[operator]


async def test_the_open_status_list_speaks_french_in_the_footer(seeded: Config) -> None:
    app = app_for(seeded, order=SEED_ORDER)
    async with app.run_test(size=(100, 32)) as pilot:
        await _loaded(pilot)
        await press(pilot, "s", "enter")  # the list of statuses opens
        shown = screen_text(app)
        assert "Fermer la liste" in shown and "Dismiss menu" not in shown
