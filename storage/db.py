"""Opening the database: SQLite (WAL, busy timeout) or PostgreSQL, then migrating it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from storage import migrations
from storage.driver import use_psycopg
from storage.errors import StorageConfigError, StorageError
from storage.models import database

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,  # ms: another terminal's write waits instead of failing
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,
}


def make_database(url: str) -> Database:
    """A peewee Database for `url` (sqlite:///path, sqlite:///:memory:, postgresql://…)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/file.db or sqlite:////absolute/file.db (SQLAlchemy's convention)
        path = (
            unquote(url[len("sqlite:///") :].split("?", 1)[0])
            if url.startswith("sqlite:///")
            else ""
        )
        if not path:
            raise StorageConfigError(f"database URL has no file (sqlite:///path/to/file.db): {url}")
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if parsed.scheme in ("postgresql", "postgres"):
        params: dict[str, Any] = {}
        if parsed.hostname:
            params["host"] = parsed.hostname
        if parsed.port:
            params["port"] = parsed.port
        if parsed.username:
            params["user"] = unquote(parsed.username)
        if parsed.password:
            params["password"] = unquote(parsed.password)
        params.update(dict(parse_qsl(parsed.query)))
        name = parsed.path.lstrip("/")
        if not name:
            raise StorageConfigError(f"database URL names no database: {url}")
        params.setdefault("connect_timeout", 5)
        use_psycopg()
        return PostgresqlDatabase(name, **params)
    raise StorageConfigError(f"database URL must start with sqlite:/// or postgresql://: {url}")


def open_database(url: str, *, timezone: str = "Europe/Paris", migrate: bool = True) -> Database:
    """Connect the models to `url`, creating or migrating the schema; a clear error if not."""
    db = make_database(url)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            migrations.migrate(db, timezone=timezone)
    except (OperationalError, sqlite3.DatabaseError) as exc:
        raise StorageError(f"cannot open the database {redact(url)}: {first_line(exc)}") from None
    except Exception as exc:  # psycopg's own errors on PostgreSQL
        if type(exc).__module__.startswith("psycopg"):
            raise StorageError(
                f"cannot open the database {redact(url)}: {first_line(exc)}"
            ) from None
        raise
    return db


def is_sqlite(db: Database | None = None) -> bool:
    """True when the models are bound to SQLite."""
    target = db if db is not None else database.obj
    return isinstance(target, SqliteDatabase)


@contextmanager
def write_transaction(db: Database | None = None) -> Iterator[None]:
    """A transaction that writes: IMMEDIATE on SQLite so two terminals queue, not deadlock."""
    target = db if db is not None else database.obj
    if isinstance(target, SqliteDatabase):
        with target.atomic("IMMEDIATE"):
            yield
    else:
        with target.atomic():
            yield


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def thread_connection() -> Iterator[None]:
    """Use the models from a worker thread: connect this thread, and close only what it opened.

    peewee keeps one connection per thread; a short-lived worker thread that left its
    connection open would leak one per query.
    """
    target = database.obj
    opened = target.is_closed()
    if opened:
        target.connect()
    try:
        yield
    finally:
        if opened:
            target.close()


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a select as plain tuples (peewee's `.tuples()`, which its bundled stubs
    type as model instances: unpacking a row would not type-check)."""
    return iter(query.tuples())
