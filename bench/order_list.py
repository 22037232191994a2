"""The order list alone: `python -m bench.order_list`.

CPU milliseconds for a bare Textual app to replace the 50 rows of a list and paint them,
with Comptoir's order list (`widgets.order_list`) and with Textual's DataTable showing the
same cells, in the same process and run, against two floors: a Static given as many new
lines of text (Textual's own cost of painting that area), and the same wait with nothing
replaced. No database: the rows are made up.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import date
from decimal import Decimal
from typing import Any

ROWS = 50
SAMPLES = 12
ROUNDS = 3  # the two apps take turns, so that both see the same machine load
SIZE = (120, 40)


def fake_rows(generation: int) -> list[Any]:
    from storage.queries import OrderRow

    statuses = ("registered", "confirming", "processing", "ready", "finished", "cancelled")
    return [
        OrderRow(
            id=generation * ROWS + i,
            number=f"{generation:08x}-c1f882001c-{i:06x}-001",
            customer_name=f"Client {generation} {i}",
            total=Decimal(f"{i + 1}.{generation % 100:02d}"),
            fulfilment_mode="delivery" if i % 3 else "pickup",
            status=statuses[(generation + i) % len(statuses)],
            placed_day=date(2021, 1, 1 + i % 28),
        )
        for i in range(ROWS)
    ]


async def sample(kind: str) -> tuple[list[float], list[float]]:
    """CPU ms of (replace + paint) and of the same wait alone, `SAMPLES` times each."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Static

    from widgets.order_list import OrderList, cells_for, columns_for

    class Bare(App[None]):
        CSS = "#orders { height: 1fr; }"

        def compose(self) -> ComposeResult:
            if kind == "order_list":
                yield OrderList(id="orders")
            elif kind == "static":
                yield Static(id="orders")
            else:
                yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            if kind == "datatable":
                table = self.query_one(DataTable)
                for column in columns_for(self.size.width).columns:
                    table.add_column(column.label, key=column.key, width=column.width)

        def refill(self, generation: int) -> None:
            rows = fake_rows(generation)
            layout = columns_for(SIZE[0])
            if kind == "static":
                lines = [" ".join(c.text for c in cells_for(row, layout)) for row in rows]
                self.query_one(Static).update(Text("\n".join(lines)))
                return
            if kind == "order_list":
                self.query_one(OrderList).set_rows(rows)
                return
            table = self.query_one(DataTable)
            table.clear()
            for row in rows:
                cells = cells_for(row, layout)  # as Text, the screen's cells before
                texts = [
                    Text(c.text, c.style or "", justify="right" if c.right else None) for c in cells
                ]
                table.add_row(*texts, key=row.number)

    app = Bare()
    work: list[float] = []
    idle: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        for generation in range(SAMPLES + 2):
            began = time.process_time()
            app.refill(generation)
            await pilot.pause(0.1)  # a few screen updates: the rows are painted by then
            spent = (time.process_time() - began) * 1000
            began = time.process_time()
            await pilot.pause(0.1)
            still = (time.process_time() - began) * 1000
            if generation >= 2:  # the first fills warm caches and imports
                work.append(spent)
                idle.append(still)
    return work, idle


def main() -> int:
    results: dict[str, list[float]] = {"order_list": [], "datatable": [], "static": [], "idle": []}
    for _ in range(ROUNDS):
        for kind in ("order_list", "datatable", "static"):
            work, idle = asyncio.run(sample(kind))
            results[kind] += work
            results["idle"] += idle
    floor = statistics.median(results["idle"])
    ours = statistics.median(results["order_list"])
    table = statistics.median(results["datatable"])
    static = statistics.median(results["static"])
    print(f"{ROWS} rows replaced and painted, CPU ms (median of {SAMPLES * ROUNDS}):")
    print(f"  order list   {ours:7.1f} ms")
    print(f"  DataTable    {table:7.1f} ms   order list ×{ours / table:.2f}")
    print(f"  Static       {static:7.1f} ms   order list ×{ours / static:.2f}  (text lines only)")
    print(f"  idle floor   {floor:7.1f} ms   (the same 0.1 s wait, nothing replaced)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
