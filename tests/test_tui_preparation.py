"""The preparation keys driven from the keyboard (Pilot), and snapshots of the new screens."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.config import Config
from app.intake.files import import_drafts, parse_document
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus as S
from app.shop.profile import save_profile
from app.tui.factory import make_app
from storage.db import open_database
from storage.models import Document, Notification, Order, OrderEvent, OrderLine
from tests.factories import order_doc, write_json
from tests.tui import settle, table_rows, wait_until

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2021, 1, 18)
NOW = datetime(2021, 1, 18, 9, 0)  # naive UTC: 10:00 in Paris
LINES = [
    {
        "product": "Thé vert Sencha",
        "category": "Thé",
        "seller": "P",
        "unit_price": "4.50",
        "quantity": 2,
        "vat_rate": "5.50",
    },
    {
        "product": "Infusion verveine",
        "category": "Infusion",
        "seller": "P",
        "unit_price": "3.00",
        "quantity": 1,
        "vat_rate": "5.50",
    },
]


@pytest.fixture
def shop(sqlite_url: str) -> Config:
    config = Config(database_url=sqlite_url, undo_seconds=20)
    open_database(sqlite_url)
    # A complete seller: each order gets its invoice, a removal its credit note.
    save_profile(name="Épicerie", address="1 rue du Marché, 69001 Lyon", siret="73282932000074")
    docs = []
    for i, name in enumerate(("Camille Martin", "Hugo Bernard", "Léa Dubois")):
        docs.append(
            order_doc(
                number=f"PR-{i + 1:03d}",
                placed_at=f"2021-01-18T{8 + i:02d}:15:00+01:00",
                customer={
                    "name": name,
                    "email": f"c{i}@example.org",
                    "address": "Lyon",
                    "mobile": "+33612345678",
                },
                lines=LINES if i != 2 else LINES[:1],
                total="12.00" if i != 2 else "9.00",
                fulfilment={
                    "mode": "pickup",
                    "details": f"samedi {10 + i}h",
                    "shipping_fee": "0.00",
                },
            )
        )
    import_drafts(parse_document(docs), config=config, now=NOW)
    return config


def _app(config: Config, **kw: Any) -> Any:
    return make_app(config, month="2021-01", today=DAY, poll_seconds=0, clock=lambda: NOW, **kw)


def _lines(app: Any) -> list[str]:
    return [row.plain for row in app.screen.query_one("#picklist").rows]


async def test_key_4_shows_the_pick_list_of_the_day_and_follows_changes(shop: Config) -> None:
    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        lines = _lines(app)
        assert lines[0] == "Infusion"
        assert "  ☐    2 × Infusion verveine" in lines
        assert "  ☐    6 × Thé vert Sencha" in lines
        assert any("PR-003" in line and "samedi 12h" in line for line in lines)
        change_status("PR-003", S.PROCESSING, config=shop)
        change_status("PR-003", S.READY, config=shop)
        app.screen.on_data_changed(None)  # what the App's watcher posts
        assert await wait_until(pilot, lambda: "  ☐    4 × Thé vert Sencha" in _lines(app))
        assert "plus ancienne" not in str(app.screen.query_one("#prep-title").content)
        await pilot.press("right")
        await settle(pilot)
        assert _lines(app) == []
        # The next morning's list is empty, and says that yesterday's orders still wait.
        assert str(app.screen.query_one("#prep-title").content) == (
            "Commandes du 19/01/2021 — rien à préparer · 2 commande(s) plus ancienne(s) à "
            "préparer (r : Période)"
        )


def _import_elsewhere(shop: Config, tmp_path: Path, number: str, product: str) -> None:
    """`comptoir import` in a process of its own: another terminal's order of the day."""
    line = {**LINES[0], "product": product, "category": "Café", "quantity": 1}
    doc = order_doc(number=number, placed_at="2021-01-18T11:00:00+01:00", lines=[line])
    doc["total"] = "4.50"
    path = write_json(tmp_path / f"{number}.json", [doc])
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(COMPTOIR_HOME=str(tmp_path / "home"), COMPTOIR_DATABASE_URL=shop.database_url)
    done = subprocess.run(
        [sys.executable, "-m", "app", "import", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


async def test_the_pick_list_follows_an_order_another_process_adds(
    shop: Config, tmp_path: Path
) -> None:
    app = make_app(shop, month="2021-01", today=DAY, poll_seconds=0.2, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "Café" not in _lines(app)
        _import_elsewhere(shop, tmp_path, "PR-004", "Café [bold]moulu[/]")
        # The App's watcher sees the other process's commit; the list reads itself again.
        assert await wait_until(pilot, lambda: "  ☐    1 × Café [bold]moulu[/]" in _lines(app))
        assert "3 commande(s)" not in str(app.screen.query_one("#prep-title").content)
        assert "4 commande(s), 3 produit(s)" in str(app.screen.query_one("#prep-title").content)


async def test_preparation_is_built_ahead_and_told_of_changes_while_unseen(
    shop: Config, tmp_path: Path
) -> None:
    app = make_app(shop, month="2021-01", today=DAY, poll_seconds=0.2, clock=lambda: NOW)
    app.prebuild_seconds = 0.1
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(pilot, lambda: getattr(app.prebuilt, "picks", None) is not None)
        screen = app.prebuilt
        assert app.current_mode == "commandes"
        assert "6 × Thé vert Sencha" in "".join(_lines_of(screen))
        _import_elsewhere(shop, tmp_path, "PR-005", "Café en grains")
        assert await wait_until(pilot, lambda: screen.stale)  # marked, not read while unseen
        assert not any("Café en grains" in line for line in _lines_of(screen))
        await pilot.press("4")
        assert app.screen is screen  # the one built ahead, not a new one
        assert await wait_until(pilot, lambda: "  ☐    1 × Café en grains" in _lines(app))
        await pilot.press("1")
        await settle(pilot)
        assert app.current_mode == "commandes"


def _lines_of(screen: Any) -> list[str]:
    return [row.plain for row in screen.query_one("#picklist").rows]


async def test_space_ticks_lines_and_c_offers_order_ready(shop: Config) -> None:
    change_status("PR-001", S.PROCESSING, config=shop)
    app = _app(shop, order="PR-001")
    app.staff_name = "Léa"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("prepared_ready", ()) is False
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        order = Order.get(Order.number == "PR-001")
        assert {(ln.prepared_by) for ln in OrderLine.select().where(OrderLine.order == order)} == {
            "Léa"
        }
        assert [row[0] for row in table_rows(app.screen.query_one("#order-lines"))] == ["✓", "✓"]
        assert any(
            "Ligne préparée" in row[2] for row in table_rows(app.screen.query_one("#order-history"))
        )
        await pilot.press("c")
        await settle(pilot)
        assert "Commande prête" in str(app.screen.query_one("#change-preview").content)
        await pilot.press("enter")
        await settle(pilot)
        assert Order.get(Order.number == "PR-001").status == "ready"


async def test_a_writes_a_note_and_x_removes_a_line_which_ctrl_z_undoes(shop: Config) -> None:
    app = _app(shop, order="PR-001")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Sonner deux fois", "enter")
        await settle(pilot)
        assert OrderEvent.get(OrderEvent.kind == "note").text == "Sonner deux fois"
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("backspace", "1", "enter")  # one of the two
        await settle(pilot)
        assert app.screen is dialog and not dialog.confirming  # the reason comes next
        assert dialog.focused.id == "cancel-reasons"
        await pilot.press("enter")  # « Rupture de stock »
        await settle(pilot)
        assert not dialog.confirming and dialog.focused.id == "cancel-text"
        await pilot.press("enter")  # no free text: the confirmation, nothing removed yet
        await settle(pilot)
        assert app.screen is dialog and dialog.confirming
        assert "Retirer 1 × Thé vert Sencha ?" in str(dialog.query_one("#cancel-confirm").content)
        assert str(Order.get(Order.number == "PR-001").total) == "12.00"
        await pilot.press("y")
        await settle(pilot)
        order = Order.get(Order.number == "PR-001")
        assert (str(order.total), str(order.refund)) == ("7.50", "4.50")
        assert Document.select().where(Document.kind == "credit").count() == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        order = Order.get(Order.number == "PR-001")
        assert (str(order.total), str(order.refund)) == ("12.00", "0.00")
        assert {
            n.state for n in Notification.select().where(Notification.template == "line_removed")
        } == {"withdrawn"}


async def test_g_with_a_shared_start_offers_a_short_list(shop: Config) -> None:
    app = _app(shop)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("g", *"PR-00", "enter")
        await settle(pilot)
        from screens.goto import ChooseOrderScreen

        assert isinstance(app.screen, ChooseOrderScreen)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.number == "PR-002"
        await pilot.press("escape", "g", *"PR-003", "enter")
        await settle(pilot)
        assert app.screen.number == "PR-003"


async def test_space_selects_and_b_changes_the_selection_then_ctrl_z_undoes_it(
    shop: Config,
) -> None:
    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#orders").focus()
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.query_one("#orders").selected == {"PR-001", "PR-002", "PR-003"}
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")  # the first target: Confirmation en cours
        await settle(pilot)
        assert "3 commande(s) passeront" in str(app.screen.query_one("#bulk-preview").content)
        await pilot.press("y")
        await settle(pilot)
        assert {o.status for o in Order.select()} == {"confirming"}
        assert Notification.select().where(Notification.order_status == "confirming").count() == 6
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert {o.status for o in Order.select()} == {"registered"}


async def test_late_orders_are_marked_and_filtered(shop: Config) -> None:
    Order.update(status_at=datetime(2020, 1, 1)).where(Order.number == "PR-002").execute()
    app = make_app(shop, month="2021-01", today=DAY, poll_seconds=0, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = table_rows(app.screen.query_one("#orders"))
        statuses = {row[0]: row[5] for row in rows}  # column 1: the Date
        assert statuses["PR-002"].startswith("!")
        assert statuses["PR-001"].startswith("●")
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("end", "space", "enter")  # « En retard », the last line
        await settle(pilot)
        assert [row[0] for row in table_rows(app.screen.query_one("#orders"))] == ["PR-002"]


async def test_the_pickup_board_reminds_now(shop: Config) -> None:
    for number in ("PR-001", "PR-002"):
        change_status(number, S.PROCESSING, config=shop, now=NOW - timedelta(days=9))
        change_status(number, S.READY, config=shop, now=NOW - timedelta(days=9))
    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "o")
        await settle(pilot)
        rows = table_rows(app.screen.query_one("#pickup-board"))
        assert [row[0] for row in rows] == ["PR-001", "PR-002"]
        assert rows[0][1] == "! à annuler ?"
        await pilot.press("r")
        await settle(pilot)
        manual = Notification.select().where(
            (Notification.template == "pickup_reminder") & (Notification.due_at == NOW)
        )
        assert manual.count() == 2


def _board(shop: Config) -> None:
    for number in ("PR-001", "PR-002"):
        change_status(number, S.PROCESSING, config=shop, now=NOW - timedelta(days=3))
        change_status(
            number, S.READY, config=shop, now=NOW - timedelta(days=3 if number == "PR-001" else 9)
        )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_of_the_pick_list(shop: Config, snap_compare: Any, size: tuple[int, int]) -> None:
    async def go(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(_app(shop), terminal_size=size, run_before=go)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_of_the_pickup_board(
    shop: Config, snap_compare: Any, size: tuple[int, int]
) -> None:
    _board(shop)

    async def go(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("4", "o")
        await settle(pilot)

    assert snap_compare(_app(shop), terminal_size=size, run_before=go)


async def test_the_pickup_board_fits_80_columns(shop: Config) -> None:
    _board(shop)
    change_status("PR-003", S.PROCESSING, config=shop, now=NOW - timedelta(hours=2))
    change_status("PR-003", S.READY, config=shop, now=NOW - timedelta(hours=1))
    Order.update(customer_name="Marie-Christine de La Tour d'Auvergne-Lauraguais").where(
        Order.number == "PR-003"
    ).execute()
    app = _app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "o")
        await settle(pilot)
        table = app.screen.query_one("#pickup-board")
        # No column cut and no horizontal scrollbar: every cell is on the screen.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
        rows = table_rows(table)
        assert [row[0] for row in rows] == ["PR-002", "PR-001", "PR-003"]
        assert rows[0][2] == "! 9 j 0 h"  # the « État » column gave way: a sign beside the age
        assert rows[2][4] == "0 · proch. 20/01 09:00"  # ready at 9:00 Paris: Wednesday 9:00
        assert "! 1 à annuler ?" in str(app.screen.query_one("#pickup-title").content)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert table_rows(table)[0][1] == "! à annuler ?"


async def test_names_and_notes_with_markup_are_shown_as_written(shop: Config) -> None:
    from widgets.compat import screen_lines

    line = {**LINES[0], "product": "[bold]Café[/] moulu", "quantity": 2}
    doc = order_doc(number="PR-009", placed_at="2021-01-18T11:00:00+01:00", lines=[line])
    doc["total"] = "9.00"
    import_drafts(parse_document([doc]), config=shop, now=NOW)
    app = _app(shop, order="PR-009")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("[bold]Café[/] moulu" in text for text in screen_lines(app.screen))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"[red]Fragile[/]", "enter")
        await settle(pilot)
        assert OrderEvent.get(OrderEvent.kind == "note").text == "[red]Fragile[/]"
        history = table_rows(app.screen.query_one("#order-history"))
        assert any("[red]Fragile[/]" in cell for row in history for cell in row), history
        await pilot.press("x")
        await settle(pilot)
        assert any("Retirer « [bold]Café[/] moulu »" in text for text in screen_lines(app.screen))
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "  ☐    2 × [bold]Café[/] moulu" in _lines(app)


async def test_preparation_keys_t_r_p_and_enter(shop: Config, isolated_home: Path) -> None:
    from tests.tui import notifications, screen_text

    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "right", "right")
        await settle(pilot)
        assert "20/01/2021" in str(app.screen.query_one("#prep-title").content)
        await pilot.press("t")  # back to today
        await settle(pilot)
        assert "Commandes du 18/01/2021 — 3 commande(s)" in str(
            app.screen.query_one("#prep-title").content
        )
        await pilot.press("r")  # a range: the later day first is refused in the dialog
        await settle(pilot)
        await pilot.press(*"2021-01-19 2021-01-18", "enter")
        await settle(pilot)
        assert "la première avant la seconde" in screen_text(app)
        field = app.screen.query_one("#range-days")
        field.value = ""
        await pilot.press(*"2021-01-17 2021-01-18", "enter")
        await settle(pilot)
        assert "Commandes du 17/01/2021 au 18/01/2021 — 3 commande(s)" in str(
            app.screen.query_one("#prep-title").content
        )
        await pilot.press("p")  # the PDF, in the documents folder
        pdf = isolated_home / "documents" / "preparation-2021-01-17.pdf"
        assert await wait_until(pilot, pdf.exists, seconds=60)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert await wait_until(pilot, lambda: any(str(pdf) in n for n in notifications(app)))
        lines = app.screen.query_one("#picklist")
        lines.cursor = next(i for i, row in enumerate(lines.rows) if row.key == "PR-002")
        await pilot.press("enter")  # the order under the cursor
        await settle(pilot)
        assert app.screen.number == "PR-002"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "preparation"


async def test_pickup_board_enter_escape_and_cancelling(shop: Config) -> None:
    from tests.tui import notifications

    _board(shop)
    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "o", "down")  # PR-001: ready 3 days, not yet to cancel
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert any("moins de 7 jour(s)" in n for n in notifications(app))
        assert Order.get(Order.number == "PR-001").status == "ready"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.number == "PR-001"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "pickup"
        await pilot.press("up", "x")  # PR-002: 9 days, the board proposes cancelling
        await settle(pilot)
        await pilot.press("enter", "enter")  # the first reason, no free text
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert Order.get(Order.number == "PR-002").status == "cancelled"
        assert [row[0] for row in table_rows(app.screen.query_one("#pickup-board"))] == ["PR-001"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "preparation"


async def test_space_selects_one_w_prepares_it_and_the_preview_says_why_not(shop: Config) -> None:
    change_status("PR-002", S.CANCELLED, config=shop, reason="Client parti", now=NOW)
    app = _app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        orders = app.screen.query_one("#orders")
        orders.focus()
        orders.move_cursor(row=[row[0] for row in table_rows(orders)].index("PR-001"))
        await pilot.press("space")
        orders.move_cursor(row=[row[0] for row in table_rows(orders)].index("PR-002"))
        await pilot.press("space")
        await settle(pilot)
        assert orders.selected == {"PR-001", "PR-002"}
        await pilot.press("w")  # the pick list of the selection: PR-002 is not to prepare
        await settle(pilot)
        assert "2 commande(s) choisie(s) — 1 commande(s), 2 produit(s)" in str(
            app.screen.query_one("#prep-title").content
        )
        assert {row.key for row in app.screen.query_one("#picklist").rows} == {"", "PR-001"}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b", "enter")
        await settle(pilot)
        preview = str(app.screen.query_one("#bulk-preview").content)
        assert preview.startswith("1 commande(s) passeront à « Confirmation en cours »")
        assert "1 ne le peuvent pas : PR-002 (au statut « Annulée »)" in preview
        await pilot.press("escape")
        await settle(pilot)
        assert Order.get(Order.number == "PR-001").status == "registered"


async def test_g_with_a_unique_start_opens_the_order(shop: Config) -> None:
    doc = order_doc(number="QX-77", placed_at="2021-01-18T11:00:00+01:00")
    import_drafts(parse_document([doc]), config=shop, now=NOW)
    app = _app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g", *"QX", "enter")
        await settle(pilot)
        assert app.screen.number == "QX-77"


# Each dialog of the preparation day, as the keys that open it leave it.
DIALOGS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "range": (None, ("4", "r", *"2021-01-19 2021-01-18", "enter")),
    "note": ("PR-001", ("a", *"Sonner deux fois")),
    "remove-line": ("PR-001", ("x", "backspace", "1", "enter", "enter", "enter")),
    "bulk-preview": (None, ("tab", "a", "b", "enter")),
    "choose-order": (None, ("g", *"PR-00", "enter")),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_snapshot_of_the_dialogs(
    shop: Config, snap_compare: Any, dialog: str, size: tuple[int, int]
) -> None:
    order, keys = DIALOGS[dialog]

    async def go(pilot: Any) -> None:
        await settle(pilot)
        if dialog == "bulk-preview":
            pilot.app.screen.query_one("#orders").focus()
            keys_left = keys[1:]
        else:
            keys_left = keys
        for key in keys_left:
            await pilot.press(key)
            if len(key) > 1 or key in "xabgr":  # a dialog opens or moves on: let it settle
                await settle(pilot)
        await settle(pilot)

    assert snap_compare(_app(shop, order=order), terminal_size=size, run_before=go)


async def test_building_preparation_ahead_draws_nothing_on_the_terminal(shop: Config) -> None:
    """Over a slow link an idle counter costs nothing: the screen built unseen must not
    make Textual restyle and repaint the one shown."""
    import asyncio

    from widgets.compat import display_hook

    app = _app(shop)
    app.prebuild_seconds = 1.0
    drawn: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await asyncio.sleep(0.3)
        await settle(pilot)
        display_hook(app, lambda screen, update: drawn.append(update))
        assert app.prebuilt is None
        assert await wait_until(pilot, lambda: getattr(app.prebuilt, "picks", None) is not None)
        await asyncio.sleep(0.3)
        await settle(pilot)
        assert drawn == []
        await pilot.press("4")
        await settle(pilot)
        assert drawn and app.screen is app.prebuilt
        ahead = app.export_screenshot()
    # Styled as the screen that `4` builds itself: the same picture.
    app = _app(shop)
    app.prebuild_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.export_screenshot() == ahead
