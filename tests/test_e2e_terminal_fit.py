"""Terminal fit: 16 and 256 colours at 80×24, no animation, silence when idle, the themes."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.config import Config
from app.errors import ConfigError
from app.tui.factory import make_app
from tests.sshd import Tmux
from tests.tui import ROOT, app_for, comptoir_env, seed_url, wait_for

# Real processes, servers and terminals (`-m 'not e2e'` leaves them out).
pytestmark = pytest.mark.e2e

SGR = re.compile(r"\x1b\[([0-9;]*)m")
WEEKDAYS = ("Lun.", "Mar.", "Mer.", "Jeu.", "Ven.", "Sam.", "Dim.")
FOOTER = ("Ce jour", "Mois", "Aujourd'hui", "Chercher", "Statuts")


def _command(url: str, home: Path, **env: str) -> list[str]:
    settings = {**comptoir_env(home), **env}
    return [
        "env",
        *(f"{k}={v}" for k, v in settings.items()),
        sys.executable,
        "-m",
        "app",
        "--db",
        url,
        "--month",
        "2021-01",
    ]


@contextmanager
def tui_in_tmux(url: str, home: Path, term: str, **env: str) -> Iterator[Tmux]:
    tmux = Tmux(80, 24, term)
    try:
        yield tmux.start(_command(url, home, **env))
    finally:
        tmux.stop()


def _complete_commandes(tmux: Tmux) -> list[str]:
    """Wait until the data is drawn (the footer comes first), then check the whole screen."""
    wait_for(tmux, "Statuts")
    deadline = time.monotonic() + 30
    # The list's page and the calendar's title come from two workers, in either order.
    while time.monotonic() < deadline and (
        tmux.screen().count("c1f882001c") < 3 or "Janvier 2021" not in tmux.screen()
    ):
        time.sleep(0.1)
    lines = tmux.screen().rstrip("\n").split("\n")
    assert len(lines) == 24 and max(len(line) for line in lines) <= 80
    assert lines[0].lstrip().startswith("1 Commandes") and "q Quitter" in lines[0]
    assert "Janvier 2021" in lines[1]
    header = next(line for line in lines if "Lun." in line)
    assert header.split() == list(WEEKDAYS)
    assert any(line.startswith("N° Commande") and "Statut" in line for line in lines)
    assert sum("c1f882001c" in line for line in lines) == 3  # the month's three orders
    assert all(key in lines[-1] for key in FOOTER), lines[-1]
    return lines


def _colour_codes(tmux: Tmux) -> set[str]:
    """Every SGR parameter list on the screen as tmux holds it."""
    return set(SGR.findall(tmux._tmux("capture-pane", "-p", "-e", "-t", "0")))


@pytest.mark.parametrize("term", ["xterm", "xterm-256color"])
def test_the_commandes_screen_is_complete_at_80x24(term: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    seed_url(url, home)
    with tui_in_tmux(url, home, term) as tmux:
        _complete_commandes(tmux)
        codes = _colour_codes(tmux)
    extended = {c for c in codes if "38;5;" in c or "48;5;" in c or "38;2;" in c or "48;2;" in c}
    if term == "xterm":
        assert not extended, extended  # 16 colours only: 30–37, 90–97 and their backgrounds
        assert codes & {"97", "37", "39"}
    else:
        assert extended


@pytest.mark.parametrize("term", ["xterm", "xterm-256color"])
def test_the_contrast_theme(term: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    seed_url(url, home)
    with tui_in_tmux(url, home, term) as tmux:
        _complete_commandes(tmux)
        default = _colour_codes(tmux)
    with tui_in_tmux(url, home, term, COMPTOIR_THEME="comptoir-contrast") as tmux:
        _complete_commandes(tmux)
        contrast = _colour_codes(tmux)
    assert contrast != default
    if term == "xterm":
        parts = {part for code in contrast for part in code.split(";")}
        assert {"97", "40", "93"} <= parts, contrast  # bright white, black, bright yellow
    else:
        # White text (231) on black (16), yellow (226) titles; none of the default's greys.
        assert {"38;5;231", "48;5;16", "38;5;226"} <= contrast, contrast
        assert not {"48;5;233", "38;5;253"} & contrast


def test_a_bad_theme_is_one_clear_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--month", "2021-01", extra_env={"COMPTOIR_THEME": "neon"})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "thème inconnu « neon »" in result.stderr and "comptoir-contrast" in result.stderr


async def test_the_theme_comes_from_the_configuration(sqlite_url: str) -> None:
    app = app_for(Config(database_url=sqlite_url, theme="comptoir-contrast"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "comptoir-contrast"
        assert app.current_theme.background == "#000000"
        assert app.current_theme.foreground == "#ffffff"
    app = app_for(Config(database_url=sqlite_url, theme="nord"))
    async with app.run_test(size=(80, 24)):
        assert app.theme == "nord"
    with pytest.raises(ConfigError, match="thème inconnu"):
        make_app(Config(database_url=sqlite_url, theme="neon"))


def test_no_animation_unless_asked(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    config = Config(database_url=sqlite_url)
    assert make_app(config, poll_seconds=0).animation_level == "none"
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")
    assert make_app(config, poll_seconds=0).animation_level == "full"
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "sometimes")
    with pytest.raises(ConfigError, match="TEXTUAL_ANIMATIONS"):
        make_app(config, poll_seconds=0)


def test_an_idle_screen_sends_nothing(tmp_path: Path) -> None:
    """Over a slow link an idle counter must cost nothing: no redraw on a timer.

    The TUI runs on a real pseudo-terminal; once drawn, three live-refresh polls go by and
    not one byte may reach the terminal.
    """
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    seed_url(url, home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(comptoir_env(home), TERM="xterm-256color")
    env.pop("COLORTERM", None)
    argv = _command(url, home)[1 + len(comptoir_env(home)) :]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the TUI on the pty
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def read_for(seconds: float) -> bytes:
        data = b""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([fd], [], [], min(left, 0.1))
            if ready:
                try:
                    data += os.read(fd, 65536)
                except OSError:
                    break
        return data

    try:
        drawn = b""
        deadline = time.monotonic() + 30
        # The footer comes first, the month's data a moment later (workers): wait for both.
        while (
            b"Statuts" not in drawn or drawn.count(b"c1f882001c") < 3
        ) and time.monotonic() < deadline:
            drawn += read_for(0.2)
        assert b"Statuts" in drawn and drawn.count(b"c1f882001c") >= 3, drawn[-500:]
        while (chunk := read_for(1.0)) and time.monotonic() < deadline:
            drawn += chunk  # until a whole second passes without output (first paint over)
        assert len(drawn) > 2000  # the first paint was the whole screen
        idle = read_for(3.5)
        assert idle == b"", idle
    finally:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
