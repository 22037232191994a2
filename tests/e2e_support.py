"""Helpers of the end-to-end tests: Comptoir behind a real sshd, driven through tmux.

Every server and tmux started here is stopped by the context managers, even when a test fails.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.sshd import CounterSshd, Tmux

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed-orders.json"
# The second order of January 2021 (Léa Dubois, delivery), status "registered" once imported.
ORDER = "6006f3a2-c1f882001c-52bb13-001"
WAIT = 30.0  # the longest any single wait may take


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


def seed(url: str, home: Path) -> None:
    """Import the user's own January 2021 orders into the database at `url`."""
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
