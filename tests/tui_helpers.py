"""Kept for branches written before tests/tui.py: import from tests.tui instead."""

from tests.tui import TODAY, column, many_orders, seed, settle, table_rows, wait_until

__all__ = ["TODAY", "column", "many_orders", "seed", "settle", "table_rows", "wait_until"]
