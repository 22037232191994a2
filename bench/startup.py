"""Start-up as a user sees it: a process launched in a real terminal (tmux) until the month's
figures are painted, Comptoir and a bare Textual app timed in turns.

    python -m bench.startup --db sqlite:///big.sqlite3 [--month 2021-01] [--runs 9]
        [--against /tmp/before]   # another checkout (before a change), timed in the same turns

Each turn respawns one tmux pane with the command and reads the pane (`capture-pane`) every
few milliseconds until the screen shows what the user waits for: for Comptoir the month's
title with its amount (« Janvier 2021 2,00 € ») and the list's first order, for the bare app
its one line of text. Both sides pay the same polling, the same terminal and the same tmux.
The figure is Comptoir's median, the floor the bare app's median, and the ratio the goal's
measure (≤ 1.5×). Beside the wall-clock time, the CPU time the process had used when the
screen showed it (its threads', from /proc on Linux): on a shared, loaded machine the wall
clock mostly measures the others' work, the CPU time much less so.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = (
    "from textual.app import App\n"
    "from textual.widgets import Footer, Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('Comptoir bare ready')\n"
    "        yield Footer()\n"
    "Bare().run()\n"
)
BARE_READY = re.compile(r"Comptoir bare ready")
# The calendar's title once the month's figures are in: « Janvier 2021 2,00 € ».
COMPTOIR_READY = re.compile(r"[A-Z][a-zéû]+ \d{4}\s+[\d\u202f\xa0 ]+,\d\d €")
POLL_SECONDS = 0.003
PASSED_THROUGH = ("COMPTOIR_RECEIPT_PRINTER", "COMPTOIR_PRINTER", "COMPTOIR_CUPS_SERVER")
TIMEOUT_SECONDS = 30.0


def cpu_seconds(pid: str) -> float:
    """CPU time used so far by process `pid`'s threads (/proc/PID/task/*/schedstat, in ns);
    NaN where /proc is not there. A thread already ended is not counted: Comptoir's workers
    of the first screen still run or wait when its figures show."""
    tasks = Path("/proc") / pid.strip() / "task"
    try:
        return (
            sum(int((task / "schedstat").read_text().split()[0]) for task in tasks.iterdir()) / 1e9
        )
    except (OSError, ValueError, IndexError):
        return float("nan")


class Terminal:
    """One tmux server of our own (its own socket), one 120×40 window."""

    def __init__(self) -> None:
        if shutil.which("tmux") is None:
            raise SystemExit("tmux is needed: apt-get install tmux")
        self.socket = f"comptoir-bench-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", "sleep 3600")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def time_until(
        self, command: str, ready: re.Pattern[str], env: dict[str, str], root: Path = ROOT
    ) -> tuple[float, float]:
        """Seconds from launching `command` in the pane to `ready` showing on it, and the CPU
        seconds the process had used by then (NaN where /proc does not say)."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        began = time.perf_counter()
        # `env` execs the command: the pane's process is the program itself.
        self._tmux("respawn-pane", "-k", "-t", "bench", "-c", str(root), f"env {exports} {command}")
        while time.perf_counter() - began < TIMEOUT_SECONDS:
            if ready.search(self._tmux("capture-pane", "-p", "-t", "bench")):
                elapsed = time.perf_counter() - began
                cpu = cpu_seconds(self._tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))
                self._tmux("respawn-pane", "-k", "-t", "bench", "sleep 3600")
                return elapsed, cpu
            time.sleep(POLL_SECONDS)
        screen = self._tmux("capture-pane", "-p", "-t", "bench")
        raise RuntimeError(f"not ready after {TIMEOUT_SECONDS} s: {command}\n{screen}")

    def close(self) -> None:
        self._tmux("kill-server")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--db", required=True, help="database URL (a big one: bench.generate)")
    parser.add_argument("--month", default=None, help="YYYY-MM shown first (default: today's)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="another checkout of Comptoir (e.g. `git worktree add /tmp/before main`), "
        "started in the same turns: before/after a change on the same machine's load",
    )
    args = parser.parse_args(argv)

    import compileall

    from bench.tui import compile_project

    compile_project()  # as an installed comptoir has its bytecode
    other: Path | None = args.against.resolve() if args.against else None
    if other is not None:
        for package in ("app", "screens", "widgets", "storage"):
            compileall.compile_dir(other / package, quiet=1)
    env = {
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "COMPTOIR_HOME": str(Path(os.environ.get("TMPDIR", "/tmp")) / "comptoir-bench-home"),
        "COMPTOIR_DATABASE_URL": args.db,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    # The printers pass through: with a receipt printer the App preloads python-escpos after
    # the first paint, and its start must stay what it is without one (issue 14).
    env.update({k: v for k, v in os.environ.items() if k in PASSED_THROUGH})
    python = shlex.quote(sys.executable)
    month = f" --month {shlex.quote(args.month)}" if args.month else ""
    comptoir = f"{python} -m app{month}"
    bare = f"{python} -c {shlex.quote(BARE)}"
    other_env = dict(env, PYTHONPATH=str(other)) if other is not None else env
    terminal = Terminal()
    theirs: list[tuple[float, float]] = []
    try:
        # One warm-up of each: the page cache and the holiday table as a shop's second start.
        terminal.time_until(comptoir, COMPTOIR_READY, env)
        if other is not None:
            terminal.time_until(comptoir, COMPTOIR_READY, other_env, other)
        terminal.time_until(bare, BARE_READY, env)
        ours: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        for _turn in range(args.runs):
            if other is not None:
                theirs.append(terminal.time_until(comptoir, COMPTOIR_READY, other_env, other))
            ours.append(terminal.time_until(comptoir, COMPTOIR_READY, env))
            floor.append(terminal.time_until(bare, BARE_READY, env))
    finally:
        terminal.close()
    figure, base = statistics.median(s for s, _ in ours), statistics.median(s for s, _ in floor)
    cpu, cpu_base = statistics.median(c for _, c in ours), statistics.median(c for _, c in floor)
    print(f"comptoir: {' '.join(f'{s * 1000:.0f}' for s, _ in ours)} ms")
    print(f"bare app: {' '.join(f'{s * 1000:.0f}' for s, _ in floor)} ms")
    print(
        f"start in tmux → month's figures painted (median of {args.runs}): "
        f"{figure * 1000:.0f} ms; floor (bare Textual app) {base * 1000:.0f} ms; "
        f"ratio {figure / base:.2f}× (goal ≤ 1.5×)"
    )
    print(f"comptoir CPU: {' '.join(f'{c * 1000:.0f}' for _, c in ours)} ms")
    print(f"bare app CPU: {' '.join(f'{c * 1000:.0f}' for _, c in floor)} ms")
    print(
        f"CPU time by then (median): {cpu * 1000:.0f} ms; bare app {cpu_base * 1000:.0f} ms; "
        f"ratio {cpu / cpu_base:.2f}×"
    )
    if theirs:
        before = statistics.median(s for s, _ in theirs)
        before_cpu = statistics.median(c for _, c in theirs)
        print(f"{other}: {' '.join(f'{s * 1000:.0f}' for s, _ in theirs)} ms")
        print(f"{other} CPU: {' '.join(f'{c * 1000:.0f}' for _, c in theirs)} ms")
        print(
            f"against {other} (same turns): {before * 1000:.0f} ms, ratio {before / base:.2f}×; "
            f"CPU {before_cpu * 1000:.0f} ms, ratio {before_cpu / cpu_base:.2f}×"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
