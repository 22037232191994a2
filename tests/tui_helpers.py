"""Helpers of the TUI tests: a seeded database, reading what the screen shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.text import Text

from app.config import Config
from app.intake.files import import_drafts, import_files, parse_document
from tests.factories import order_doc

TODAY = date(2021, 1, 19)


def seed(config: Config, seed_path: Path) -> None:
    """The user's January 2021 orders in the open database."""
    import_files([seed_path], config=config)


def many_orders(config: Config, count: int, *, day: date, prefix: str = "M") -> None:
    """`count` orders placed on `day` (a minute apart), through the real intake."""
    docs = []
    for i in range(count):
        placed = datetime(day.year, day.month, day.day, 8, 0) + timedelta(minutes=i)
        docs.append(
            order_doc(
                number=f"{prefix}-{i:05d}",
                placed_at=placed.isoformat() + "+01:00",
            )
        )
    import_drafts(parse_document(docs), config=config)


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


async def settle(pilot: Any) -> None:
    """Let messages flow and every worker finish, twice (workers start workers)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot: Any, check: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Pump the app until `check()` holds, up to a generous limit (not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await settle(pilot)
        if check():
            return True
        await asyncio.sleep(0.1)
    return check()
