"""Noticing that another terminal or process changed the orders, cheaply enough to poll.

On SQLite a dedicated connection reads `PRAGMA data_version`, which moves only when another
connection committed: a poll that finds nothing costs no table access at all. Whenever it
moved (and always on PostgreSQL) the primary-key maxima of the orders and of their history
tell whether an order was added or changed.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from peewee import SqliteDatabase

from storage.db import thread_connection
from storage.models import database
from storage.queries import change_marker, orders_after


@dataclass(frozen=True)
class Change:
    """What changed since the previous poll."""

    new_orders: tuple[str, ...]  # numbers of the orders added, oldest first


class ChangeWatcher:
    """Call `poll()` from any one thread at a time; it returns a Change or None."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._marker: tuple[int, int] | None = None
        target = database.obj
        if isinstance(target, SqliteDatabase) and target.database != ":memory:":
            self._sqlite = sqlite3.connect(target.database, check_same_thread=False)

    def poll(self) -> Change | None:
        """Check once; the first call only records where things stand."""
        with self._lock:
            if self._sqlite is not None:
                (version,) = self._sqlite.execute("PRAGMA data_version").fetchone()
                if version == self._data_version and self._marker is not None:
                    return None
                self._data_version = version
            with thread_connection():
                marker = change_marker()
                previous = self._marker
                self._marker = marker
                if previous is None or marker == previous:
                    return None
                added = tuple(orders_after(previous[0])) if marker[0] > previous[0] else ()
            return Change(new_orders=added)

    def close(self) -> None:
        """Release the dedicated connection."""
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None
