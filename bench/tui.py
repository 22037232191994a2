"""TUI benchmark on a big database: `python -m bench.tui [--db URL | --orders N]`.

Each figure is printed with its floor (what the same work costs without Comptoir) and the
ratio between them:

- start to the first painted Commandes screen (calendar figures and first page shown),
  against a bare Textual app started the same way (a fresh `python` process, headless);
- PageDown to the next month painted, and its queries through peewee against the same SQL
  run raw on the DB-API cursor;
- the first page of a search, from Enter to painted;
- a status change on the order screen (`n` then Enter), from Enter to painted;
- peak memory (max RSS) of the Commandes start against the bare app.

Without `--db`, a temporary SQLite database of `--orders` orders (default 1,000,000) is
generated first (bench.generate) and deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
kind, url, month = sys.argv[1], sys.argv[2], sys.argv[3]
if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App):
        def compose(self):
            yield Static("Comptoir")
            yield Footer()

    app = Bare()
else:
    from app.config import Config
    from app.factory import lighten_for, make_app

    lighten_for(url)  # as run_tui does: `comptoir` starts the same way
    app = make_app(Config(database_url=url), month=month, poll_seconds=0)


async def ready(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec.
    with open("/proc/self/status") as status:
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    print(f"READY {time.time()} {rss}", flush=True)
    pilot.app.exit()


app.run(headless=True, size=(120, 40), auto_pilot=ready)
"""


def start_once(kind: str, url: str, month: str) -> tuple[float, int]:
    """Seconds from spawning `python` to the first painted screen, and the peak RSS (KiB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    began = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, url, month],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("READY "):
            _, moment, rss = line.split()
            return float(moment) - began, int(rss)
    raise RuntimeError(f"{kind} did not start: {done.stderr.strip()[-500:]}")


def line(name: str, figure: float, floor: float, unit: str, goal: str) -> None:
    ratio = figure / floor if floor else float("inf")
    print(f"{name:<38} {figure:9.1f} {unit:<3} floor {floor:9.1f} {unit:<3} ×{ratio:5.2f}   {goal}")


def capture_sql(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements `run` sends to the database, in order."""
    from storage.models import database

    target = database.obj
    seen: list[tuple[str, Any]] = []
    original = target.execute_sql

    def spy(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen.append((sql, params))
        return original(sql, params, *args, **kwargs)

    target.execute_sql = spy
    try:
        run()
    finally:
        target.execute_sql = original
    return seen


def timed(run: Callable[[], Any], repeat: int) -> float:
    """Median milliseconds of `run`."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


async def interactive(
    url: str, start_month: str, searches: Sequence[str], change_numbers: Sequence[str]
) -> dict[str, Any]:
    from textual.widgets import Input

    from app.config import Config
    from app.factory import make_app, parse_month
    from app.month import month_view
    from screens.commandes import PAGE, ListQuery
    from storage.models import database

    config = Config(database_url=url)
    app = make_app(config, month=start_month, poll_seconds=0)
    results: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        noop = []
        for _ in range(8):  # the harness's own cost: a key nothing is bound to, then idle
            began = time.perf_counter()
            await pilot.press("z")
            await app.workers.wait_for_complete()
            await pilot.pause()
            noop.append((time.perf_counter() - began) * 1000)
        results["noop"] = statistics.median(noop)
        page_down = []
        for _ in range(8):
            began = time.perf_counter()
            await pilot.press("pagedown")
            await app.workers.wait_for_complete()
            await pilot.pause()
            page_down.append((time.perf_counter() - began) * 1000)
        results["pagedown"] = statistics.median(page_down)
        search_times = []
        for text in searches:
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = text
            began = time.perf_counter()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            search_times.append((time.perf_counter() - began) * 1000)
            rows = app.screen.query_one("#orders").row_count  # type: ignore[attr-defined]
            results.setdefault("search_rows", []).append((text, rows))
            await pilot.press("escape")
            await app.workers.wait_for_complete()
        results["search"] = statistics.median(search_times)
        results["search_all"] = search_times

        # A status change: `n` proposes the next status (not timed), Enter applies it; timed
        # from the keypress to the order screen painted with its new status.
        changes = []
        for number in change_numbers:
            app.open_order(number)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            began = time.perf_counter()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            changes.append((time.perf_counter() - began) * 1000)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
        results["change"] = statistics.median(changes) if changes else float("nan")

    # The month's queries alone: peewee (rows turned into objects) against raw DB-API.
    year, month = parse_month(start_month)

    def month_queries() -> None:
        month_view(year, month)
        ListQuery(year=year, month=month).fetch(config, 0, PAGE)

    statements = capture_sql(month_queries)
    connection = database.obj.connection()

    def raw() -> None:
        for sql, params in statements:
            cursor = connection.cursor()
            cursor.execute(sql, params or ())
            cursor.fetchall()

    raw()  # warm the cache the same way for both
    results["query"] = timed(month_queries, 15)
    results["raw"] = timed(raw, 15)

    def search_queries() -> None:
        for text in searches:
            ListQuery(year=year, month=month, search=text).fetch(config, 0, PAGE)

    search_statements = capture_sql(search_queries)

    def search_raw() -> None:
        for sql, params in search_statements:
            cursor = connection.cursor()
            cursor.execute(sql, params or ())
            cursor.fetchall()

    search_raw()
    results["search_query"] = timed(search_queries, 5) / len(searches)
    results["search_raw"] = timed(search_raw, 5) / len(searches)
    return results


async def datatable_floor() -> float:
    """Median ms for a bare Textual app to replace 50 DataTable rows and paint them (Pilot
    round trip included): what a month's list costs Textual's DataTable alone."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for key, width in (("a", 30), ("b", 20), ("c", 11), ("d", 9), ("e", 28), ("f", 7)):
                table.add_column(key, key=key, width=width)

        def refill(self, generation: int) -> None:
            table = self.query_one(DataTable)
            table.clear()
            for i in range(50):
                cells = (Text(f"{generation}-{i}-{c}") for c in "abcdef")
                table.add_row(*cells, key=f"{generation}-{i}")

    app = Bare()
    samples = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for generation in range(8):
            began = time.perf_counter()
            app.refill(generation)
            await pilot.press("z")
            await pilot.pause()
            samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tui", description=__doc__)
    parser.add_argument("--db", metavar="URL", help="an existing database (else one is made)")
    parser.add_argument("--orders", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--runs", type=int, default=5, help="process starts per variant")
    args = parser.parse_args(list(argv) if argv is not None else None)
    folder = None
    url = args.db
    if url is None:
        from bench.generate import generate

        folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        seconds = generate(url, args.orders, quiet=True)
        print(f"generated {args.orders:,} orders in {seconds:.1f} s ({url})")
    try:
        return _run(url, args.runs)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _run(url: str, runs: int) -> int:
    from app.config import Config
    from storage.db import open_database
    from storage.models import Order

    config = Config(database_url=url)
    open_database(url, timezone=config.timezone)
    count = Order.select().count()
    today = datetime.now(config.tz).date()
    year = today.year - 1 if today.month > 1 else today.year - 2
    start_month = f"{year}-{today.month:02d}"  # a year back, so that PageDown finds orders
    busiest = date.today().strftime("%Y-%m")
    sample = Order.select(Order.number, Order.customer_name).order_by(Order.id).offset(count // 2)
    middle = sample.first()
    searches = [
        "dupont",
        "miel de lavande",
        middle.customer_name if middle else "martin",
        middle.number[:14] if middle else "6",
        "introuvable",  # a word no order has: the trigram index, not a full scan
    ]
    print(f"database: {count:,} orders; Commandes opens on {busiest}; runs: {runs}")
    starts: dict[str, list[tuple[float, int]]] = {"bare": [], "comptoir": []}
    for _ in range(runs):
        for kind in ("bare", "comptoir"):  # interleaved: both see the same machine load
            starts[kind].append(start_once(kind, url, busiest))
    bare = statistics.median(t for t, _ in starts["bare"]) * 1000
    ours = statistics.median(t for t, _ in starts["comptoir"]) * 1000
    bare_rss = max(r for _, r in starts["bare"]) / 1024
    our_rss = max(r for _, r in starts["comptoir"]) / 1024
    movable = ["registered", "confirming", "processing", "ready"]
    change_numbers = [
        number
        for (number,) in Order.select(Order.number)
        .where(Order.status.in_(movable))
        .order_by(Order.id.desc())
        .limit(8)
        .tuples()
    ]
    results = asyncio.run(interactive(url, start_month, searches, change_numbers))
    results["datatable"] = asyncio.run(datatable_floor())
    print(f"{'figure':<38} {'value':>13} {'floor':>15}        ratio   goal")
    line("start → Commandes painted (median)", ours, bare, "ms", "≤ 1.5× (floor: bare app)")
    line("PageDown → next month painted", results["pagedown"], results["noop"], "ms",
         "≤ 50 ms (floor: no-op key)")  # fmt: skip
    line("PageDown vs a bare DataTable refill", results["pagedown"], results["datatable"], "ms",
         "(floor: 50 rows replaced, no query)")  # fmt: skip
    line("  its queries: peewee vs raw SQL", results["query"], results["raw"], "ms", "≤ 1.2×")
    line("search → first page painted (median)", results["search"], results["noop"], "ms",
         "≤ 100 ms (floor: no-op key)")  # fmt: skip
    for (text, rows), ms in zip(results["search_rows"], results["search_all"], strict=True):
        print(f"    « {text} »: {ms:.1f} ms, {rows} rows")
    line("  search queries: peewee vs raw SQL", results["search_query"], results["search_raw"],
         "ms", "")  # fmt: skip
    line("status change → painted (median)", results["change"], results["noop"], "ms",
         "≤ 30 ms (floor: no-op key)")  # fmt: skip
    line("peak memory (max RSS)", our_rss, bare_rss, "MiB", "≤ 2× (floor: bare app)")
    print(
        "memory per start (MiB): bare "
        + ", ".join(f"{r / 1024:.1f}" for _, r in starts["bare"])
        + " / comptoir "
        + ", ".join(f"{r / 1024:.1f}" for _, r in starts["comptoir"])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
