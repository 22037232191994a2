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

The interactive figures are timed from the moment the key is handed to the app (as a
terminal driver does) to the moment the frame that shows the expected result is written:
`FrameClock` time-stamps every compositor update the app hands its driver and keeps a text
copy of the screen to check the result against (the month's title and first order, the
search's first order, the new status). Their floor is the same measure on a bare Textual
app whose key updates one Static, in the same run. Textual's Pilot only waits between
figures, untimed.

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

from rich.cells import get_character_cell_size

from widgets.compat import display_hook, send_to_driver, update_regions

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
    from app.tui.factory import make_app

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


def compile_project() -> None:
    """Write the bytecode of Comptoir's packages, as installing it does.

    The bare app's Textual comes with its bytecode in site-packages; without this, under
    PYTHONDONTWRITEBYTECODE (or in a fresh checkout) every Comptoir start would compile its
    own modules from source (about 60 ms), which an installed `comptoir` never does.
    """
    import compileall

    for package in ("app", "screens", "widgets", "storage"):
        compileall.compile_dir(ROOT / package, quiet=1)


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


def samples(values: Sequence[float]) -> str:
    return " ".join(f"{value:.0f}" for value in values) + " ms"


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


def timed_pair(
    ours: Callable[[], Any], floor: Callable[[], Any], repeat: int
) -> tuple[float, float]:
    """Median milliseconds of `ours` and of `floor`, run in turns so that both see the same
    machine load (one after the other, a busy moment would fall on one side only)."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, kept in ((ours, samples[0]), (floor, samples[1])):
            began = time.perf_counter()
            run()
            kept.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def versus_raw(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median milliseconds of `run` and of the SQL it sends replayed raw on the DB-API
    cursor (rows fetched, not turned into objects), in turns."""
    from storage.models import database

    statements = capture_sql(run)
    connection = database.obj.connection()

    def raw() -> None:
        for sql, params in statements:
            cursor = connection.cursor()
            cursor.execute(sql, params or ())
            cursor.fetchall()

    raw()  # warm the cache the same way for both
    return timed_pair(run, raw, repeat)


class FrameClock:
    """Timestamps every frame the app writes, and what the screen shows after each.

    Hooked on where the App hands its driver each compositor update (`display_hook`):
    each update is rendered to the bytes a terminal would be sent (as a real driver would;
    the headless one skips that), time-stamped, then applied to a text copy of the screen
    that the expectations are checked against. The bookkeeping after the time stamp (the
    text copy, the checks) is subtracted from the later frames' times.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.width, self.height = app.size
        self.cells = [[" "] * self.width for _ in range(self.height)]
        self.frames: list[float] = []
        self.overhead = 0.0  # seconds of bookkeeping since the last key_to_frame
        self._expected: Callable[[FrameClock], bool] | None = None
        self._done: asyncio.Future[float] | None = None

        def frame(screen: Any, update: Any) -> None:
            if update is None:
                return
            if hasattr(update, "render_segments"):
                update.render_segments(app.console)
            moment = time.perf_counter() - self.overhead
            self.frames.append(moment)
            self._apply(update)
            if self._expected is not None and self._expected(self):
                assert self._done is not None
                self._expected = None
                if not self._done.done():
                    self._done.set_result(moment)
            self.overhead = time.perf_counter() - moment

        display_hook(app, frame)

    def _write(self, x: int, y: int, strip: Any, x1: int = 0, x2: int | None = None) -> None:
        if not 0 <= y < self.height:
            return
        row = self.cells[y]
        end = self.width if x2 is None else min(x2, self.width)
        for segment in strip:
            if segment.control:
                continue
            for char in segment.text:
                width = 1 if char < "\x7f" else get_character_cell_size(char)
                if x1 <= x < end and width:
                    row[x] = char
                    if width == 2 and x + 1 < end:
                        row[x + 1] = ""  # the second cell of a wide character
                x += width

    def _apply(self, update: Any) -> None:
        for x, y, strip, x1, x2 in update_regions(update):
            self._write(x, y, strip, x1, x2)

    def text(self, region: Any = None) -> str:
        """What the screen shows (or the part in `region`), one line per row."""
        if region is None:
            return "\n".join("".join(row) for row in self.cells)
        return "\n".join(
            "".join(self.cells[y][region.x : region.right])
            for y in range(region.y, min(region.bottom, self.height))
        )

    async def key_to_frame(
        self, key: str, expected: Callable[[FrameClock], bool], timeout: float = 10.0
    ) -> float:
        """Milliseconds from handing `key` to the app to the frame where `expected` holds."""
        from textual import events

        loop = asyncio.get_running_loop()
        self._done = loop.create_future()
        self._expected = expected
        self.overhead = 0.0
        event = events.Key(*key_event_args(key))
        event.set_sender(self.app)
        began = time.perf_counter()
        send_to_driver(self.app, event)
        try:
            moment = await asyncio.wait_for(self._done, timeout)
        except TimeoutError:
            raise RuntimeError(
                f"{key}: the expected frame never came; screen:\n{self.text()}"
            ) from None
        finally:
            self._expected = None
        return (moment - began) * 1000


def key_event_args(key: str) -> tuple[str, str | None]:
    """The key and character `Pilot.press` would send for `key`."""
    import unicodedata

    from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

    try:
        return key, unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        return key, key if len(key) == 1 else None


async def settle(app: Any, pilot: Any) -> None:
    """Until the workers are done and the screen is painted (not timed)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def bare_key_times(app: Any, wanted: str, samples: int) -> list[float]:
    """Press `z` `samples` times: ms from each key to the frame showing `wanted` (n = 1…)."""
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        clock = FrameClock(app)
        await settle(app, pilot)
        for n in range(1, samples + 1):
            text = wanted.format(n=n)
            times.append(await clock.key_to_frame("z", lambda c, w=text: w in c.text()))
            await settle(app, pilot)
    return times


async def key_floor(samples: int = 8) -> list[float]:
    """A bare Textual app reacting to a key by updating one Static: key → its frame (ms)."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        BINDINGS = [Binding("z", "bump", "Bump")]
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("count 0", id="count")
            yield Footer()

        def action_bump(self) -> None:
            self.count += 1
            self.query_one("#count", Static).update(f"count {self.count}")

    return await bare_key_times(Bare(), "count {n} ", samples)


async def list_floor(samples: int = 8) -> list[float]:
    """A bare Textual app replacing the 50 rows of Comptoir's order list on a key, no query:
    key → its frame (ms); what a month's list costs the widget and Textual alone."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer

    from bench.order_list import fake_rows
    from widgets.order_list import OrderList

    class Bare(App[None]):
        BINDINGS = [Binding("z", "refill", "Refill")]
        generation = 0

        def compose(self) -> ComposeResult:
            yield OrderList()
            yield Footer()

        def action_refill(self) -> None:
            self.generation += 1
            self.query_one(OrderList).set_rows(fake_rows(self.generation))

    return await bare_key_times(Bare(), "{n:08x}-c1f882001c-000000", samples)


def region_of(app: Any, selector: str) -> Any:
    return app.screen.query_one(selector).region


async def interactive(
    url: str, start_month: str, searches: Sequence[str], change_numbers: Sequence[str]
) -> dict[str, Any]:
    from textual.widgets import Input

    from app.config import Config
    from app.i18n import _
    from app.orders.month import month_view
    from app.orders.rules import status_label
    from app.orders.statuses import OrderStatus, next_in_flow
    from app.tui.factory import make_app, parse_month
    from screens.commandes import PAGE, ListQuery, add_months
    from storage.models import Order

    config = Config(database_url=url)
    year, month = parse_month(start_month)
    # What each figure waits for, read before the app starts (not timed): the first order
    # of each month PageDown goes to, and of each search.
    months = [add_months(year, month, step) for step in range(1, 9)]
    first_of_month = [ListQuery(year=y, month=m).fetch(config, 0, 1) for y, m in months]
    first_found = [
        ListQuery(year=year, month=month, search=t).fetch(config, 0, 1) for t in searches
    ]
    app = make_app(config, month=start_month, poll_seconds=0)
    results: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        clock = FrameClock(app)
        await settle(app, pilot)
        waiting = _("recherche…")

        def list_shows(title: str, first: list[Any]) -> Callable[[FrameClock], bool]:
            """The list's title line reads `title` (no longer waiting) and its first rows
            show the first order (or, when none, the title says so)."""

            def check(clock: FrameClock) -> bool:
                screen = clock.text()
                line = next((row for row in screen.splitlines() if title in row), None)
                if line is None or waiting in line:
                    return False
                if not first:
                    return _("aucune commande") in line
                top = region_of(app, "#orders")
                return first[0].number in clock.text(top._replace(height=4))

            return check

        # PageDown: a year back, so that each next month has orders.
        page_down, page_down_last = [], []
        for (y, m), first in zip(months, first_of_month, strict=True):
            title = ListQuery(year=y, month=m).describe()
            began = time.perf_counter()
            page_down.append(await clock.key_to_frame("pagedown", list_shows(title, first)))
            await settle(app, pilot)
            page_down_last.append((clock.frames[-1] - began) * 1000)
        results["pagedown_all"] = page_down
        results["pagedown_last"] = page_down_last

        search_times = []
        for text, first in zip(searches, first_found, strict=True):
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = text
            await settle(app, pilot)
            title = ListQuery(year=year, month=month, search=text).describe()
            search_times.append(await clock.key_to_frame("enter", list_shows(title, first)))
            await settle(app, pilot)
            rows = app.screen.query_one("#orders").row_count
            results.setdefault("search_rows", []).append((text, rows))
            await pilot.press("escape")
            await settle(app, pilot)
        results["search_all"] = search_times

        # A status change: `n` proposes the next status (not timed), Enter applies it; timed
        # from Enter to the frame whose status cell shows the new status, and to the last
        # frame (notice, toast, history, notifications) before the screen is idle again.
        changes, changes_last = [], []
        for number in change_numbers:
            status = OrderStatus(Order.get(Order.number == number).status)
            target = next_in_flow(status)
            if target is None:
                continue
            app.open_order(number)
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            wanted = "● " + status_label(target)

            def shows_status(clock: FrameClock, wanted: str = wanted) -> bool:
                cell = clock.text(region_of(app, "#summary-status"))
                return wanted in " ".join(cell.split())  # the label may wrap

            began = time.perf_counter()
            changes.append(await clock.key_to_frame("enter", shows_status))
            await settle(app, pilot)
            changes_last.append((clock.frames[-1] - began) * 1000)
            await pilot.press("escape")
            await settle(app, pilot)
        results["change_all"] = changes
        results["change_last"] = changes_last

    # The month's queries alone: peewee (rows turned into objects) against raw DB-API.

    def month_queries() -> None:
        month_view(year, month)
        ListQuery(year=year, month=month).fetch(config, 0, PAGE)

    results["query"], results["raw"] = versus_raw(month_queries, 31)

    def search_queries() -> None:
        for text in searches:
            ListQuery(year=year, month=month, search=text).fetch(config, 0, PAGE)

    ours, floor = versus_raw(search_queries, 9)
    results["search_query"], results["search_raw"] = ours / len(searches), floor / len(searches)
    return results


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
    compile_project()
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
    floor = asyncio.run(key_floor())
    results = asyncio.run(interactive(url, start_month, searches, change_numbers))
    floor += asyncio.run(key_floor())  # before and after: both see the same machine load
    refill = asyncio.run(list_floor())
    key = statistics.median(floor)
    median = statistics.median
    print("interactive figures: key handed to the app → the frame showing the result")
    print(f"{'figure':<38} {'value':>13} {'floor':>15}        ratio   goal")
    line("start → Commandes painted (median)", ours, bare, "ms", "≤ 1.5× (floor: bare app)")
    line("PageDown → next month painted", median(results["pagedown_all"]), key, "ms",
         "≤ 50 ms (floor: bare key → frame)")  # fmt: skip
    print(f"    each: {samples(results['pagedown_all'])}; last frame: "
          f"{samples(results['pagedown_last'])}")  # fmt: skip
    line("PageDown vs a bare order-list refill", median(results["pagedown_all"]),
         median(refill), "ms", "(floor: 50 rows replaced, no query)")  # fmt: skip
    line("  its queries: peewee vs raw SQL", results["query"], results["raw"], "ms", "≤ 1.2×")
    line("search → first page painted (median)", median(results["search_all"]), key, "ms",
         "≤ 100 ms (floor: bare key → frame)")  # fmt: skip
    for (text, rows), ms in zip(results["search_rows"], results["search_all"], strict=True):
        print(f"    « {text} »: {ms:.1f} ms, {rows} rows")
    line("  search queries: peewee vs raw SQL", results["search_query"], results["search_raw"],
         "ms", "")  # fmt: skip
    changes = results["change_all"] or [float("nan")]
    line("status change → painted (median)", median(changes), key, "ms",
         "≤ 30 ms (floor: bare key → frame)")  # fmt: skip
    print(f"    each: {samples(changes)}; last frame: {samples(results['change_last'])}")
    print(f"    floor, each: {samples(floor)}; order-list refill, each: {samples(refill)}")
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
