"""Several counters on one database, each an SSH session in its own tmux window.

On SQLite (one file, WAL) and on the suite's PostgreSQL: a change made at one terminal shows
at the others without a key, and two changes of one order at once end with exactly one applied
and the other counter told plainly. No "database is locked" ever reaches a screen.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sshd import Tmux
from tests.tui import (
    ORDER,
    choose_next_in_dropdown,
    counter_sshd,
    open_order,
    order_state,
    seed_url,
    terminals,
    wait_for,
)

# Real processes, servers and terminals (`-m 'not e2e'` leaves them out).
pytestmark = pytest.mark.e2e

_names = itertools.count(1)
LOCKED = ("database is locked", "is locked", "verrouillée")
LIVE_WAIT = 5.0  # the promise is 2 s; allow some slack on a loaded machine, but not more


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database that every terminal of the test uses."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"e2e{next(_names)}"
    server.create_database(name)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


class ScreenWatch:
    """Samples every terminal's screen in the background; remembers any 'locked' it saw."""

    def __init__(self, windows: list[Tmux]) -> None:
        self.windows = windows
        self.seen: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for tmux in self.windows:
                try:
                    screen = tmux.screen()
                except Exception:  # the window is closing: nothing to sample
                    continue
                if any(word in screen for word in LOCKED):
                    self.seen.append(screen)
            self._stop.wait(0.05)

    def __enter__(self) -> ScreenWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _row(screen: str, number: str) -> str:
    return next((line for line in screen.splitlines() if line.startswith(number)), "")


def _wait_row(tmux: Tmux, number: str, text: str, timeout: float, since: float = 0) -> float:
    """Seconds since `since` until the row of `number` shows `text`; fails after `timeout`."""
    start = since or time.monotonic()
    screen = ""
    while time.monotonic() - start < timeout:
        screen = tmux.screen()
        if text in _row(screen, number):
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in the row of {number} after {timeout} s:\n{screen}")


def test_changes_show_everywhere_and_one_of_two_wins(shared_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed_url(shared_url, home)
    before = order_state(shared_url)
    with (
        counter_sshd(shared_url, home) as server,
        terminals(server, 3) as windows,
        ScreenWatch(windows) as watch,
    ):
        a, b, c = windows
        for tmux in windows:
            wait_for(tmux, "Janvier 2021")
            # The list is filled after the calendar's title: wait for the row, not the title.
            _wait_row(tmux, ORDER, "Enregistrée", LIVE_WAIT)

        # A change at A: B and C (on the month's list) show it without a key.
        open_order(a)
        choose_next_in_dropdown(a, "Confirmation en cours")
        confirmed = time.monotonic()
        a.send("y")
        wait_for(a, "Statut : Confirmation en cours.")
        seen = [_wait_row(t, ORDER, "À confirmer", LIVE_WAIT, confirmed) for t in (b, c)]
        print(f"live update seen {', '.join(f'{s:.2f} s' for s in seen)} after y at A")

        # A and B both propose the next status of the same order, and confirm together.
        b.send("g")
        wait_for(b, "N° de commande")
        b.send("-l", ORDER)
        b.send("Enter")
        wait_for(b, "Changer le statut (s)")
        for tmux in (a, b):
            wait_for(tmux, "● Confirmation en cours")  # both show the order as it is now
            tmux.send("n")
            wait_for(tmux, "Appliquer")  # the preview waits for y
        a.send("y")
        b.send("y")
        winner_loser = None
        deadline = time.monotonic() + 30
        while winner_loser is None and time.monotonic() < deadline:
            screens = [a.screen(), b.screen()]
            done = ["Statut : En cours de traitement." in s for s in screens]
            told = ["modifiée entre-temps" in s for s in screens]
            if done[0] and told[1]:
                winner_loser = ("A", "B")
            elif done[1] and told[0]:
                winner_loser = ("B", "A")
            else:
                time.sleep(0.1)
        assert winner_loser is not None, "\n\n".join(screens)
        print("applied at {}, refused at {}".format(*winner_loser))
        # The month's list at C follows the winner.
        _wait_row(c, ORDER, "Traitement", LIVE_WAIT)

    assert not watch.seen, watch.seen[0]
    after = order_state(shared_url)
    assert after.status == "processing"
    assert after.version == before.version + 2
    new = after.history[len(before.history) :]
    assert [(f, t) for f, t, _ in new] == [
        ("registered", "confirming"),
        ("confirming", "processing"),  # exactly one of the two simultaneous changes
    ]
