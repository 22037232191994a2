"""Noticing that another terminal or process changed the orders, cheaply enough to poll.

The watcher keeps one connection of its own for the life of the screen. On SQLite it reads
`PRAGMA data_version`, which moves only when another connection committed: a poll that
finds nothing costs no table access at all. Whenever it moved (and always on PostgreSQL)
the primary-key maxima of the orders, of their history and of their events tell whether an
order was added or changed — three index lookups.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from peewee import PostgresqlDatabase, SqliteDatabase

from storage.models import Order, OrderEvent, StatusChange, database

_ORDERS = Order._meta.table_name
_HISTORY = StatusChange._meta.table_name
_EVENTS = OrderEvent._meta.table_name
# The events (line ticks, notes, removed lines) count as history: a pick list follows them.
_MARKER = (
    f'SELECT (SELECT max(id) FROM "{_ORDERS}"), '
    f'(SELECT max(id) FROM "{_HISTORY}"), (SELECT max(id) FROM "{_EVENTS}")'
)
_ADDED = f'SELECT number FROM "{_ORDERS}" WHERE id > {{mark}} ORDER BY id LIMIT 20'


@dataclass(frozen=True)
class Change:
    """What changed since the previous poll."""

    new_orders: tuple[str, ...]  # numbers of the orders added, oldest first (up to 20)


class ChangeWatcher:
    """Call `poll()` from any thread (calls are serialised); it returns a Change or None."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self._sqlite = False
        self._data_version: int | None = None
        self._marker: tuple[int, int, int] | None = None

    def _connect(self) -> None:
        target = database.obj
        if isinstance(target, SqliteDatabase) and target.database != ":memory:":
            self._connection = sqlite3.connect(target.database, check_same_thread=False)
            self._sqlite = True
        elif isinstance(target, PostgresqlDatabase):
            import psycopg

            params = dict(target.connect_params)
            self._connection = psycopg.connect(dbname=target.database, autocommit=True, **params)

    def poll(self) -> Change | None:
        """Check once; the first call only records where things stand."""
        with self._lock:
            if self._connection is None:
                self._connect()
            if self._connection is None:
                return None  # an in-memory database: nobody else can change it
            if self._sqlite:
                (version,) = self._connection.execute("PRAGMA data_version").fetchone()
                if version == self._data_version and self._marker is not None:
                    return None
                self._data_version = version
            orders, history, events = self._fetch(_MARKER)[0]
            marker = (int(orders or 0), int(history or 0), int(events or 0))
            previous, self._marker = self._marker, marker
            if previous is None or marker == previous:
                return None
            added: tuple[str, ...] = ()
            if marker[0] > previous[0]:
                added = tuple(n for (n,) in self._fetch(_ADDED.format(mark=int(previous[0]))))
            return Change(new_orders=added)

    def _fetch(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def reset(self) -> None:
        """Drop the connection after an error; the next poll connects again."""
        with self._lock:
            connection, self._connection = self._connection, None
            self._data_version = None
            if connection is not None:
                with suppress(Exception):  # already broken: nothing more to release
                    connection.close()

    def close(self) -> None:
        """Release the dedicated connection."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
