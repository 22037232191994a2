"""What the tests need to drive Comptoir's screens, in one place.

- Pilot: `app_for` builds THE App (`app.tui.factory.make_app`, as `comptoir` does) for every
  Pilot test and snapshot; `settle` lets it finish what a key started; `screen_text`,
  `table_rows`, `notifications` read what it shows.
- Terminals: Comptoir behind a real sshd, driven through tmux (`counter_sshd`, `terminals`,
  `wait_for`…); every server and tmux started here is stopped by its context manager.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.screen import Screen

from app.config import Config
from app.intake.files import import_drafts, import_files, parse_document
from app.tui.app import ComptoirApp
from app.tui.factory import make_app
from tests.factories import order_doc
from tests.sshd import CounterSshd, Tmux
from widgets.compat import notification_messages, screen_lines

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed-orders.json"
# "Today" in the seed's month: the calendar (and so every picture) is the same in every run.
TODAY = date(2021, 1, 19)
# "Now" that day, naive UTC: the age of a status (the order screen, the list's marks) is the
# same in every run. A test that needs the real clock passes `clock=utcnow`.
NOW = datetime(2021, 1, 19, 11, 0)
# The second order of January 2021 (Léa Dubois, delivery), status "registered" once imported.
ORDER = "6006f3a2-c1f882001c-52bb13-001"
WAIT = 30.0  # the longest any single wait on a terminal may take


# -- the App under Pilot ----------------------------------------------------------------


def app_for(
    config: Config,
    *,
    month: str | None = "2021-01",
    order: str | None = None,
    today: date | Callable[[], date] = TODAY,
    poll_seconds: float = 0,
    staff_name: str | None = None,
    **options: Any,
) -> ComptoirApp:
    """The App as `comptoir [--month] [--order]` builds it, on the seed's month, "today"
    fixed; the live poll is off unless `poll_seconds` (the notifier always is). `staff_name`:
    as if that member had signed in (else the App's own default, the system account)."""
    options.setdefault("clock", lambda: NOW)
    app = make_app(
        config, month=month, order=order, today=today, poll_seconds=poll_seconds, **options
    )
    if staff_name is not None:
        app.staff_name = staff_name
    return app


async def settle(pilot: Any) -> None:
    """Let messages flow and every worker finish, four times over (a key starts a worker
    whose result starts another: the App finds the order, then the screen loads it)."""
    for _round in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Any, *keys: str) -> None:
    """Each key, then `settle`."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def wait_until(pilot: Any, check: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Pump the app until `check()` holds, up to a generous limit (not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await settle(pilot)
        if check():
            return True
        await asyncio.sleep(0.1)
    return check()


async def show(pilot: Any, screen: Screen[Any]) -> None:
    """Push `screen` over the first one (a screen opened on a given month, say), settled."""
    await pilot.app.push_screen(screen)
    await settle(pilot)


def screen_text(app: Any) -> str:
    """What the terminal shows right now, one line per row."""
    return "\n".join(screen_lines(app.screen))


def notifications(app: Any) -> list[str]:
    """The messages of the toasts shown now."""
    return notification_messages(app)


def table_rows(table: Any) -> list[list[str]]:
    """Every row of a DataTable, or of the order list as drawn, as plain stripped strings."""
    if hasattr(table, "row_cells"):  # widgets.order_list.OrderList
        return [table.row_cells(index) for index in range(table.row_count)]
    rows = []
    for index in range(table.row_count):
        rows.append([_plain(cell) for cell in table.get_row_at(index)])
    return rows


def _plain(cell: object) -> str:
    return (cell.plain if isinstance(cell, Text) else str(cell)).strip()


def column(table: Any, index: int) -> list[str]:
    return [row[index] for row in table_rows(table)]


# -- data -------------------------------------------------------------------------------


def seeded_config(url: str, seed_path: Path = SEED, **settings: Any) -> Config:
    """A Config on the database at `url`, opened, holding the user's January 2021 orders."""
    from storage.db import open_database

    config = Config(database_url=url, **settings)
    open_database(url, timezone=config.timezone)
    seed(config, seed_path)
    return config


def seed(config: Config, seed_path: Path = SEED) -> None:
    """The user's January 2021 orders in the open database."""
    import_files([seed_path], config=config)


def many_orders(config: Config, count: int, *, day: date, prefix: str = "M") -> None:
    """`count` orders placed on `day` (a minute apart), through the real intake."""
    docs = []
    for i in range(count):
        placed = datetime(day.year, day.month, day.day, 8, 0) + timedelta(minutes=i)
        docs.append(order_doc(number=f"{prefix}-{i:05d}", placed_at=placed.isoformat() + "+01:00"))
    import_drafts(parse_document(docs), config=config)


# -- Comptoir in real processes and terminals -------------------------------------------


def comptoir_env(home: Path) -> dict[str, str]:
    """What a counter's session needs: where Comptoir's files live and where its code is."""
    return {"COMPTOIR_HOME": str(home), "PYTHONPATH": str(ROOT)}


def comptoir(url: str, *args: str, home: Path, input: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m app --db URL ARGS` in a real process; fails the test on a non-zero exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(comptoir_env(home))
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
        input=input,
    )
    assert result.returncode == 0, result.stderr
    return result


def seed_url(url: str, home: Path) -> None:
    """Import the user's own January 2021 orders into the database at `url` (a process)."""
    comptoir(url, "import", str(SEED), home=home)


def force_command(url: str, *extra: str) -> str:
    """The sshd ForceCommand: the counter's TUI on `url`, opened on January 2021."""
    return shlex.join([sys.executable, "-m", "app", "--db", url, "--month", "2021-01", *extra])


@contextmanager
def counter_sshd(url: str, home: Path) -> Iterator[CounterSshd]:
    server = CounterSshd(force_command(url), comptoir_env(home))
    try:
        yield server.start()
    finally:
        server.stop()


@contextmanager
def terminals(
    server: CounterSshd, count: int = 1, *, width: int = 80, height: int = 24, term: str = ""
) -> Iterator[list[Tmux]]:
    """`count` tmux windows, each holding `ssh -tt` to the counter account."""
    with ExitStack() as stack:
        opened = []
        for _ in range(count):
            tmux = Tmux(width, height, term or "xterm-256color")
            stack.callback(tmux.stop)
            opened.append(tmux.start(server.ssh_command()))
        yield opened


def wait_for(tmux: Tmux, text: str, timeout: float = WAIT) -> str:
    return tmux.wait_for(text, timeout=timeout)


def wait_until_gone(tmux: Tmux, text: str, timeout: float = WAIT) -> str:
    deadline = time.monotonic() + timeout
    screen = tmux.screen()
    while text in screen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} still on screen after {timeout} s:\n{screen}")
        time.sleep(0.1)
        screen = tmux.screen()
    return screen


def open_order(tmux: Tmux, number: str = ORDER) -> None:
    """`g`, the number, Enter: the order screen."""
    wait_for(tmux, "Janvier 2021")
    tmux.send("g")
    wait_for(tmux, "N° de commande")
    tmux.send("-l", number)
    tmux.send("Enter")
    wait_for(tmux, "Changer le statut (s)")
    wait_for(tmux, "Commande Enregistrée")


def choose_next_in_dropdown(tmux: Tmux, label: str) -> None:
    """`s` then Enter opens the dropdown, Down picks its first status, Enter shows the preview."""
    for _attempt in range(5):  # a key read before the screen took focus is simply lost
        tmux.send("s")
        time.sleep(0.3)
        tmux.send("Enter")
        try:
            wait_for(tmux, "En cours de traitement", timeout=4)  # the list of statuses is open
            break
        except AssertionError:
            continue
    else:
        wait_for(tmux, "En cours de traitement", timeout=1)
    tmux.send("Down")
    tmux.send("Enter")
    wait_for(tmux, f"{label} : courriel")  # the preview of what the change will send


@dataclass(frozen=True)
class OrderState:
    status: str
    version: int
    history: list[tuple[str | None, str, str]]  # (from, to, by) oldest first


def order_state(url: str, number: str = ORDER) -> OrderState:
    """The order and its history as the database holds them now (a fresh connection)."""
    from storage.db import open_database
    from storage.models import Order, StatusChange

    handle = open_database(url)
    try:
        order: Any = Order.get(Order.number == number)
        rows = StatusChange.select().where(StatusChange.order == order.id).order_by(StatusChange.id)
        history = [(row.from_status, row.to_status, row.by) for row in rows]
        return OrderState(str(order.status), int(order.version), history)
    finally:
        handle.close()
