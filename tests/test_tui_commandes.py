"""Pilot tests of the app shell and the Commandes screen, on a real database."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList

from app.config import Config
from app.errors import ComptoirError
from app.orders.statuses import OrderStatus
from app.tui.factory import parse_month
from screens.commandes import PAGE, PREFETCH, CommandesScreen, StatusFilterScreen
from screens.finances import FinancesScreen
from screens.goto import GoToOrderScreen
from screens.help import HelpScreen
from screens.profile import ProfileScreen
from storage.models import Order
from tests.factories import order_doc
from tests.tui import (
    TODAY,
    app_for,
    column,
    many_orders,
    notifications,
    screen_text,
    seed,
    seeded_config,
    settle,
    table_rows,
    wait_until,
)
from widgets.compat import screen_lines
from widgets.order_list import OrderList

SIZE = (100, 32)
ROOT = Path(__file__).resolve().parents[1]
JANUARY = {
    "6005a1c0-c1f882001c-41aa02-001",
    "6006f3a2-c1f882001c-52bb13-001",
    "601127e4-c1f882001c-63cc24-001",
}
DECEMBER = "5fec417c-c1f882001c-318c84-001"


@pytest.fixture
def seeded(sqlite_url: str, seed_path: Path) -> Config:
    return seeded_config(sqlite_url, seed_path, undo_seconds=20)


def calendar_text(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#calendar").render().plain


def orders(app) -> OrderList:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#orders", OrderList)


def list_title(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#list-title").render())


async def test_january_2021_calendar_and_list(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = calendar_text(app)
        assert "Janvier 2021 2,00 €" in text
        assert "Lun." in text and "Dim." in text
        lines = text.splitlines()
        # Monday 28/12/2020 starts the first week; the 30th (neighbour month) holds the seed.
        assert lines[2].split()[:4] == ["28", "29", "30", "31"]
        assert lines[3].split() == ["-", "-", "1", "/", "1,00", "€", "-", "-", "-", "-"]
        week_18 = next(i for i, line in enumerate(lines) if line.split()[:1] == ["18"])
        assert "19•" in lines[week_18]  # today
        assert lines[week_18 + 1].split()[:8] == ["1", "/", "1,00", "€", "1", "/", "1,00", "€"]
        # Friday 1 January (Jour de l'an) is shaded and coloured as a holiday; Saturday 2 as a
        # weekend day; Monday 4 not at all.
        calendar = app.screen.query_one("#calendar")
        rendered = calendar.render()
        holiday = calendar.get_component_rich_style("month-calendar--holiday")
        weekend = calendar.get_component_rich_style("month-calendar--rest-day")

        def style_at(line: int, column: int) -> object:
            offset = sum(len(text) + 1 for text in lines[:line]) + column * (len(lines[1]) // 7)
            return rendered.get_style_at_offset(app.console, offset + 1)

        assert style_at(2, 4).color == holiday.color  # 1 January
        assert style_at(2, 5).bgcolor == weekend.bgcolor  # Saturday 2
        assert style_at(4, 0).bgcolor != weekend.bgcolor  # Monday 4
        # The error order counts but adds nothing.
        week_25 = next(i for i, line in enumerate(lines) if line.split()[:1] == ["25"])
        assert "1 / 0,00 €" in lines[week_25 + 1]
        table = orders(app)
        assert set(column(table, 0)) == JANUARY
        rows = {row[0]: row for row in table_rows(table)}
        # At 100 columns: the date with its year, short modes and statuses, no Actions column.
        assert rows["6006f3a2-c1f882001c-52bb13-001"][1:6] == [
            "19/01/2021",
            "Léa Dubois",
            "1,00 €",
            "Livr.",
            "● Enregistrée",
        ]
        assert rows["601127e4-c1f882001c-63cc24-001"][5] == "● Erreur"
        assert rows["6005a1c0-c1f882001c-41aa02-001"][4] == "Retr."
        assert "Commandes de janvier 2021 — 3 commande(s)" in list_title(app)
        # Newest first, as in the database.
        numbers = [
            o.number
            for o in Order.select()
            .where(Order.placed_day.between(date(2021, 1, 1), date(2021, 1, 31)))
            .order_by(Order.placed_at.desc())
        ]
        assert column(table, 0) == numbers


async def test_arrows_move_the_day_across_months(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#calendar").focus()
        await pilot.press("right")
        assert app.screen.selected == date(2021, 1, 20)
        await pilot.press("up", "up", "up")  # 30/12/2020
        await settle(pilot)
        assert app.screen.selected == date(2020, 12, 30)
        assert "Décembre 2020 1,00 €" in calendar_text(app)
        assert column(orders(app), 0) == [DECEMBER]
        await pilot.press("down")
        await settle(pilot)
        assert "Janvier 2021 2,00 €" in calendar_text(app)
        # Tab goes from the calendar to the list (the hidden search field is skipped).
        await pilot.press("tab")
        assert app.focused is orders(app)
        await pilot.press("down")  # in the list, arrows move the cursor, not the day
        assert app.screen.selected == date(2020, 12, 30) + timedelta(days=7)
        await pilot.press("shift+tab")
        assert app.focused is app.screen.query_one("#calendar")


async def test_page_keys_change_month_and_t_comes_back(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # PageUp/PageDown change month from the calendar; < and > from anywhere.
        app.screen.query_one("#calendar").focus()
        await pilot.press("pageup")
        await settle(pilot)
        assert "Décembre 2020 1,00 €" in calendar_text(app)
        assert app.screen.selected == date(2020, 12, 19)
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert "Février 2021 0,00 €" in calendar_text(app)
        assert table_rows(orders(app)) == []
        assert "aucune commande" in list_title(app)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.selected == TODAY
        assert set(column(orders(app), 0)) == JANUARY


async def test_enter_on_a_day_filters_and_escape_clears(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#calendar").focus()
        await pilot.press("left", "enter")  # Monday 18
        await settle(pilot)
        assert column(orders(app), 0) == ["6005a1c0-c1f882001c-41aa02-001"]
        assert "Commandes du 18/01/2021 — 1 commande(s)" in list_title(app)
        await pilot.press("escape")
        await settle(pilot)
        assert set(column(orders(app), 0)) == JANUARY


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dubois", {"6006f3a2-c1f882001c-52bb13-001"}),  # client name
        ("the de noel", {DECEMBER, "601127e4-c1f882001c-63cc24-001"}),  # product, folded
        ("hugo.bernard@example", {"6005a1c0-c1f882001c-41aa02-001"}),  # email
        ("06 12 34 56 78", {DECEMBER}),  # mobile as typed in France
        ("6006f3a2", {"6006f3a2-c1f882001c-52bb13-001"}),  # number prefix
        ("introuvable", set()),
    ],
)
async def test_search(seeded: Config, typed: str, expected: set[str]) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*["space" if c == " " else c for c in typed], "enter")
        await settle(pilot)
        assert set(column(orders(app), 0)) == expected
        assert "Recherche" in list_title(app)
        assert isinstance(app.focused, OrderList)  # the results take the focus
        await pilot.press("escape")
        await settle(pilot)
        assert set(column(orders(app), 0)) == JANUARY
        assert not app.screen.query_one("#search").display


async def test_status_filter(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, StatusFilterScreen)
        listing = app.screen.query_one("#statuses", OptionList)
        assert app.focused is listing
        error_index = list(OrderStatus).index(OrderStatus.ERROR)
        for _ in range(error_index):
            await pilot.press("down")
        await pilot.press("space", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
        assert column(orders(app), 0) == ["601127e4-c1f882001c-63cc24-001"]
        assert "statuts : Erreur" in list_title(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(table_rows(orders(app))) == 3


async def test_enter_on_an_order_opens_it(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = orders(app)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert getattr(app.screen, "number", None) == column(table, 0)[1]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)


async def test_g_opens_an_order_by_number_like_a_scanner(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        assert isinstance(app.screen, GoToOrderScreen)
        await pilot.press(*DECEMBER, "enter")
        await settle(pilot)
        assert getattr(app.screen, "number", None) == DECEMBER
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
        await pilot.press("g", *"nope-404", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
        assert any("Aucune commande n° nope-404." in message for message in notifications(app))


async def test_order_option_opens_the_order(seeded: Config) -> None:
    app = app_for(seeded, order=DECEMBER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert getattr(app.screen, "number", None) == DECEMBER


async def test_help_lists_every_key_of_the_screen(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        orders(app).focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = dict(table_rows(app.screen.query_one(DataTable)))
        for key, what in [
            # The list has the focus: PageUp/PageDown page it, < and > change month.
            ("pgup", "Page précédente"),
            ("pgdn", "Page suivante"),
            ("<", "Mois préc."),
            (">", "Mois suiv."),
            ("t", "Aujourd'hui"),
            ("/", "Chercher"),
            ("f", "Statuts"),
            ("g", "Aller à"),
            ("?", "Aide"),
            ("q", "Quitter"),
            ("1", "Commandes"),
            ("2", "Finances"),
            ("3", "Profil"),
            ("⏎", "Ouvrir"),
        ]:
            assert shown.get(key) == what, (key, shown)
        # Of Textual's own keys only Tab and Ctrl+P, explained; all in French.
        assert shown.get("tab / shift+tab") == "Partie suivante / précédente de l'écran"
        assert "super+c" not in shown and "^c" not in shown
        assert list(shown.values()).count("Tout en haut") == 1
        from app.catalogue import EN

        assert [d for d in shown.values() if d not in EN] == []
        await pilot.press("escape")
        assert isinstance(app.screen, CommandesScreen)


async def test_command_palette_offers_the_screen_actions(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Statuts")
        await wait_until(
            pilot,
            lambda: (
                "Statuts" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt)
                if app.screen.query_one("CommandList").option_count
                else False
            ),
        )
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatusFilterScreen)


async def test_sections_and_quit(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "finances"
        assert isinstance(app.screen, FinancesScreen)
        await pilot.press("3")
        await settle(pilot)
        assert app.current_mode == "profil"
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_english(seeded: Config) -> None:
    from dataclasses import replace

    app = app_for(replace(seeded, lang="en"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = calendar_text(app)
        assert "January 2021 €2.00" in text
        assert "Mon" in text
        rows = {row[0]: row for row in table_rows(orders(app))}
        assert rows["6006f3a2-c1f882001c-52bb13-001"][3:6] == ["€1.00", "Deliv", "● Registered"]


async def test_the_list_pages_from_the_database(db: str, seed_path: Path) -> None:
    config = Config(database_url=db)
    seed(config, seed_path)
    many_orders(config, 260, day=date(2021, 1, 12))
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = orders(app)
        assert table.row_count == PAGE  # one page, not the month
        assert "263 commande(s)" in list_title(app)
        table.focus()
        while table.row_count < 263:
            loaded = table.row_count
            table.move_cursor(row=loaded - PREFETCH + 1)  # near the end: the next page comes
            await settle(pilot)
            assert table.row_count == min(263, loaded + PAGE)
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot)
        assert table.row_count == 263
        expected = [
            o.number
            for o in Order.select()
            .where(Order.placed_day.between(date(2021, 1, 1), date(2021, 1, 31)))
            .order_by(Order.placed_at.desc(), Order.id.desc())
        ]
        assert column(table, 0) == expected


async def test_list_keys_move_the_cursor_and_end_loads_the_next_page(
    db: str, seed_path: Path
) -> None:
    config = Config(database_url=db)
    seed(config, seed_path)
    many_orders(config, 80, day=date(2021, 1, 12))
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = orders(app)
        table.focus()
        assert table.cursor_row == 0
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("up")
        assert table.cursor_row == 1
        await pilot.press("end")  # the last loaded row: near the end, the next page comes
        await settle(pilot)
        assert table.cursor_row == PAGE - 1
        assert table.row_count == 83
        # The cursor stays in view: its order is drawn on the screen.
        shown = "\n".join(screen_lines(app.screen)[:32])
        assert column(table, 0)[PAGE - 1] in shown
        await pilot.press("home")
        assert table.cursor_row == 0
        assert column(table, 0)[0] in screen_text(app)
        await pilot.press("pagedown")  # in the list, PageDown pages it
        assert table.cursor_row > 0
        assert "Janvier 2021" in calendar_text(app)
        await pilot.press("greater_than_sign")  # > changes month from the list
        await settle(pilot)
        assert "Février 2021" in calendar_text(app)


async def test_a_click_on_an_order_opens_it(seeded: Config) -> None:
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        second = column(orders(app), 0)[1]
        await pilot.click("#orders", offset=(3, 2))  # the header, then the first two orders
        await settle(pilot)
        assert getattr(app.screen, "number", None) == second


async def test_the_list_fits_the_terminal_again_when_it_is_resized(seeded: Config) -> None:
    def row_of(number: str) -> str:
        return next(line for line in screen_lines(app.screen) if line.lstrip().startswith(number))

    app = app_for(seeded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "● Commande Enregistrée" in row_of("6006f3a2-c1f882001c-52bb13-001")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        # The columns of an 80-column terminal: no padding, short status labels, all shown.
        assert any(line.startswith("N° Commande") for line in screen_lines(app.screen))
        row = row_of("6006f3a2-c1f882001c-52bb13-001")
        assert row.startswith("6006f3a2") and len(row.rstrip()) <= 80
        assert "● Enregistrée" in row and "Commande Enregistrée" not in row
        assert row.rstrip().endswith("● Enregistrée")  # no Actions column: ⏎ is in the footer


async def test_the_cursor_stays_on_its_order_when_the_list_refreshes(seeded: Config) -> None:
    from app.intake.files import import_drafts, parse_document
    from app.orders.rules import change_status

    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = orders(app)
        table.focus()
        await pilot.press("down", "down")
        chosen = column(table, 0)[2]
        # A status change: the row is updated in place, the cursor does not move.
        change_status(chosen, OrderStatus.CONFIRMING, config=seeded)
        app.screen.refresh_in_place()
        await settle(pilot)
        assert table_rows(table)[2][5] == "● À confirmer"
        assert column(table, 0)[table.cursor_row] == chosen == column(table, 0)[2]
        # A new order (the newest, listed first): the cursor follows its order down.
        doc = order_doc(number="NEW-1", placed_at="2021-01-30T10:00:00+01:00")
        import_drafts(parse_document([doc]), config=seeded)
        app.screen.refresh_in_place()
        await settle(pilot)
        assert column(table, 0)[0] == "NEW-1"
        assert column(table, 0)[table.cursor_row] == chosen == column(table, 0)[3]
        await pilot.press("enter")
        await settle(pilot)
        assert getattr(app.screen, "number", None) == chosen


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", url, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )


def _import_elsewhere(db: str, folder: Path, **fields: str) -> None:
    """An order of 1,00 € imported by another process (`comptoir import`)."""
    path = folder / "new.json"
    path.write_text(json.dumps(order_doc(total="1.00", **fields)), encoding="utf-8")
    done = _cli(db, "import", str(path))
    assert done.returncode == 0, done.stderr


async def test_live_refresh_after_another_process_imports_and_changes(
    db: str, seed_path: Path, tmp_path: Path
) -> None:
    config = Config(database_url=db)
    seed(config, seed_path)
    app = app_for(config, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = orders(app)
        numbers_before = column(table, 0)
        _import_elsewhere(db, tmp_path, number="LIVE-0001", placed_at="2021-01-21T11:00:00+01:00")
        assert await wait_until(pilot, lambda: "LIVE-0001" in column(orders(app), 0))
        assert "Janvier 2021 3,00 €" in calendar_text(app)
        assert any("LIVE-0001" in message for message in notifications(app))
        # A status change elsewhere updates the cell in place.
        done = _cli(db, "status", "6006f3a2-c1f882001c-52bb13-001", "confirming")
        assert done.returncode == 0, done.stderr
        assert await wait_until(
            pilot,
            lambda: (
                {r[0]: r[5] for r in table_rows(orders(app))}.get("6006f3a2-c1f882001c-52bb13-001")
                == "● À confirmer"
            ),
        )
        assert Order.get(Order.number == "6006f3a2-c1f882001c-52bb13-001").status == "confirming"
        assert set(numbers_before) <= set(column(table, 0))


async def test_page_keys_paint_the_months_read_ahead(
    seeded: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screens.commandes as commandes

    many_orders(seeded, 2, day=date(2021, 2, 10), prefix="F")
    read: list[tuple[int, int]] = []
    month_view = commandes.month_view

    def spy(year: int, month: int):  # type: ignore[no-untyped-def]
        read.append((year, month))
        return month_view(year, month)

    monkeypatch.setattr(commandes, "month_view", spy)
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)  # February shown, then its neighbours read in the background
        assert "Février 2021" in calendar_text(app)
        assert set(column(orders(app), 0)) == {"F-00000", "F-00001"}
        assert (2021, 3) in read
        read.clear()
        # Back to January: painted at once, from what was read, without reading it again.
        await pilot.press("pageup")
        assert "Janvier 2021 2,00 €" in calendar_text(app)
        assert set(column(orders(app), 0)) == JANUARY
        assert "Commandes de janvier 2021 — 3 commande(s)" in list_title(app)
        assert (2021, 1) not in read
        await settle(pilot)  # December read ahead meanwhile
        await pilot.press("pageup")
        assert "Décembre 2020 1,00 €" in calendar_text(app)
        assert column(orders(app), 0) == [DECEMBER]
        assert app.screen.selected == date(2020, 12, 19)
        await settle(pilot)
        assert read.count((2020, 12)) == 1
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert "Février 2021" in calendar_text(app)
        assert set(column(orders(app), 0)) == {"F-00000", "F-00001"}


async def test_what_another_process_changed_after_the_read_ahead_is_shown(
    db: str, seed_path: Path, tmp_path: Path
) -> None:
    seed(Config(database_url=db), seed_path)
    app = app_for(Config(database_url=db), poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("pagedown")
        await settle(pilot)  # February shown; January and March read ahead
        assert "Février 2021 0,00 €" in calendar_text(app)
        # Elsewhere: a January order changes status, then a January order is imported.
        done = _cli(db, "status", "6006f3a2-c1f882001c-52bb13-001", "confirming")
        assert done.returncode == 0, done.stderr
        _import_elsewhere(db, tmp_path, number="LIVE-0002", placed_at="2021-01-22T11:00:00+01:00")
        # Once the screen has heard of both (the new order's notice), January shows them.
        assert await wait_until(
            pilot, lambda: any("LIVE-0002" in message for message in notifications(app))
        )
        await pilot.press("pageup")
        await settle(pilot)
        assert "Janvier 2021 3,00 €" in calendar_text(app)
        rows = {row[0]: row for row in table_rows(orders(app))}
        assert set(rows) == JANUARY | {"LIVE-0002"}
        assert rows["6006f3a2-c1f882001c-52bb13-001"][5] == "● À confirmer"
        assert "Commandes de janvier 2021 — 4 commande(s)" in list_title(app)


async def test_what_changed_in_this_app_after_the_read_ahead_is_shown(seeded: Config) -> None:
    from app.intake.files import import_drafts, parse_document
    from app.orders.rules import change_status

    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)  # January read ahead
        change_status("6006f3a2-c1f882001c-52bb13-001", OrderStatus.CONFIRMING, config=seeded)
        doc = order_doc(number="NEW-2", placed_at="2021-01-30T10:00:00+01:00", total="1.00")
        import_drafts(parse_document([doc]), config=seeded)
        # An order opened and closed again: the Commandes screen resumes.
        app.open_order(DECEMBER)
        await settle(pilot)
        assert getattr(app.screen, "number", None) == DECEMBER
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("pageup")
        await settle(pilot)
        assert "Janvier 2021 3,00 €" in calendar_text(app)
        rows = {row[0]: row for row in table_rows(orders(app))}
        assert set(rows) == JANUARY | {"NEW-2"}
        assert rows["6006f3a2-c1f882001c-52bb13-001"][5] == "● À confirmer"


async def test_fast_page_keys_land_on_the_right_month(
    seeded: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import screens.commandes as commandes

    many_orders(seeded, 2, day=date(2021, 2, 10), prefix="F")
    many_orders(seeded, 2, day=date(2021, 3, 10), prefix="R")
    month_view = commandes.month_view

    def slow_february(year: int, month: int):  # type: ignore[no-untyped-def]
        if (year, month) == (2021, 2):
            time.sleep(0.3)  # February's read ends after March's
        return month_view(year, month)

    monkeypatch.setattr(commandes, "month_view", slow_february)
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("pagedown", "pagedown")  # no wait: February is still being read
        await settle(pilot)
        assert "Mars 2021" in calendar_text(app)
        assert set(column(orders(app), 0)) == {"R-00000", "R-00001"}
        assert "Commandes de mars 2021 — 2 commande(s)" in list_title(app)
        # Months read ahead and months not read yet, one after the other.
        await pilot.press("pageup", "pageup", "pageup", "pagedown", "pagedown", "pageup")
        await settle(pilot)
        assert "Janvier 2021 2,00 €" in calendar_text(app)
        assert set(column(orders(app), 0)) == JANUARY
        assert "Commandes de janvier 2021 — 3 commande(s)" in list_title(app)
        await pilot.press(*["pagedown"] * 5)
        await settle(pilot)
        assert "Juin 2021" in calendar_text(app)
        assert table_rows(orders(app)) == []
        assert "Commandes de juin 2021 — aucune commande" in list_title(app)


def test_month_option_is_validated() -> None:
    assert parse_month("2021-01") == (2021, 1)
    for bad in ("2021-13", "janvier", "2021-1", "21-01"):
        with pytest.raises(ComptoirError, match="AAAA-MM"):
            parse_month(bad)


def test_cli_refuses_a_bad_month_in_one_line(sqlite_url: str) -> None:
    done = _cli(sqlite_url, "--month", "2021-13")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "2021-13" in done.stderr and "Traceback" not in done.stderr


def test_list_orders_search_on_both_engines(db: str, seed_path: Path) -> None:
    from storage.queries import list_orders

    config = Config(database_url=db)
    seed(config, seed_path)
    many_orders(config, 30, day=date(2021, 1, 12), prefix="6006f3a2-zz")

    def numbers(*words: str, **kwargs: object) -> list[str]:
        return [row.number for row in list_orders(words=words, **kwargs)]  # type: ignore[arg-type]

    # A number's start finds those orders only, through the unique index.
    found = numbers("6006f3a2-c1f")
    assert found == ["6006f3a2-c1f882001c-52bb13-001"]
    assert len(numbers("6006f3a2")) == 31
    assert numbers("6006f3a2", limit=5, offset=30) == ["6006f3a2-zz-00000"]  # oldest last
    # Otherwise every word must appear in the folded text.
    assert numbers("lea", "dubois") == ["6006f3a2-c1f882001c-52bb13-001"]
    assert numbers("100%") == numbers("100")  # LIKE wildcards are not wildcards
    assert numbers("dubois", statuses=["error"]) == []


async def test_customer_text_is_never_markup(seeded: Config) -> None:
    from app.intake.files import import_drafts, parse_document

    doc = order_doc(number="MARKUP-1", placed_at="2021-01-20T10:00:00+01:00")
    doc["customer"]["name"] = "Zoé [b]Martin[/] [link=x]"
    import_drafts(parse_document([doc]), config=seeded)
    app = app_for(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = {row[0]: row for row in table_rows(orders(app))}
        assert rows["MARKUP-1"][2] == "Zoé [b]Martin[/] [link=x]"


@pytest.mark.postgres
async def test_live_updates_survive_a_lost_connection(pg_server, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL drops the watcher's connection: one warning, then it reconnects by itself."""
    import psycopg

    pg_server.create_database("tuilost")
    url = pg_server.url("tuilost")
    config = Config(database_url=url)
    from storage.db import open_database

    open_database(url)
    seed(config, seed_path)
    app = app_for(config, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await wait_until(pilot, lambda: app.watcher._connection is not None)
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = 'tuilost' AND pid <> pg_backend_pid()"
            )

        def messages() -> list[str]:
            return notifications(app)

        assert await wait_until(
            pilot, lambda: any("Suivi en direct interrompu" in m for m in messages())
        )
        assert await wait_until(pilot, lambda: "Base de données à nouveau joignable." in messages())
        assert sum("Suivi en direct interrompu" in m for m in messages()) == 1
    from storage.models import database

    database.close()


async def test_staff_sign_in_at_start_and_after_idle_time(seeded: Config) -> None:
    from dataclasses import replace

    from app.shop import staff
    from screens.signin import SignInScreen

    staff.add("Léa", "4321")
    config = replace(seeded, idle_lock_minutes=0.01)  # locked after 0.6 s without a key
    app = app_for(config, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"Léa", "enter", *"4321", "enter")
        assert await wait_until(pilot, lambda: app.staff_name == "Léa")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.locked
        )
        await pilot.press(*"Léa", "enter", *"4321", "enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, SignInScreen))


async def test_no_sign_in_without_staff(seeded: Config) -> None:
    app = app_for(seeded, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CommandesScreen)
        assert app.staff_name == getpass.getuser()  # the account, not « système »


async def test_the_tui_runs_the_notifier(seeded: Config, tmp_path: Path) -> None:
    """`comptoir` sends the outbox while the counter is open (SPEC §4)."""
    from dataclasses import replace

    from app.messages.capture import MailCapture
    from storage.models import Notification

    maildir = tmp_path / "Maildir"

    def mails() -> int:
        return len(list((maildir / "new").iterdir())) if (maildir / "new").exists() else 0

    def marked_sent() -> int:
        return Notification.select().where(Notification.state == "sent").count()

    with MailCapture(maildir) as smtp_url:
        app = app_for(replace(seeded, smtp_url=smtp_url), notifier=True)
        async with app.run_test(size=SIZE) as pilot:  # no settle(): the notifier never ends
            for _ in range(300):
                await pilot.pause(0.05)
                if mails() >= 3 and marked_sent() >= 3:
                    break
            # The three registered seed orders' customer mails (the seller has no address
            # yet: those wait, as the notifier's rules say).
            assert (mails(), marked_sent()) == (3, 3)
        assert app.notifier is not None
