"""Opening the database: SQLite (WAL, busy timeout) or PostgreSQL, then migrating it."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import Database, Model, OperationalError, PostgresqlDatabase, SqliteDatabase

from storage import files, migrations
from storage.driver import mark_saved, row_values, use_psycopg
from storage.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseUnreachable,
    DiskFull,
    StorageConfigError,
    StorageError,
    _,
)
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
    try:
        return _make_database(url)
    except ValueError as exc:  # urllib: a port out of range or not a number, a bad [IPv6]
        raise StorageConfigError(
            _("adresse de base de données invalide : {url} ({detail})"),
            url=redact(url),
            detail=first_line(exc),
        ) from None


def _make_database(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/file.db or sqlite:////absolute/file.db (SQLAlchemy's convention)
        path = (
            unquote(url[len("sqlite:///") :].split("?", 1)[0])
            if url.startswith("sqlite:///")
            else ""
        )
        if not path:
            raise StorageConfigError(
                _("adresse de base de données sans fichier (sqlite:///dossier/base.db) : {url}"),
                url=url,
            )
        if path != ":memory:":
            try:
                _private_database_file(Path(path).expanduser())
            except OSError as exc:
                raise _os_error(exc, url) from None
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
            raise StorageConfigError(
                _("adresse de base de données sans nom de base (postgresql://hôte/base) : {url}"),
                url=redact(url),
            )
        params.setdefault("connect_timeout", 5)
        use_psycopg()
        return PostgresqlDatabase(name, **params)
    raise StorageConfigError(
        _("l'adresse de base de données doit commencer par sqlite:/// ou postgresql:// : {url}"),
        url=redact(url),
    )


def _private_database_file(path: Path) -> None:
    """The database file made 0600 (0660 in a group's folder) before SQLite opens it.

    SQLite gives `-wal` and `-shm` the database file's mode; ones left 0644 by an older
    Comptoir lose others' access here.
    """
    files.make_folder(path.parent)
    files.create_private(path)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            files.close_to_others(companion)


def open_database(url: str, *, timezone: str = "Europe/Paris", migrate: bool = True) -> Database:
    """Connect the models to `url`, creating or migrating the schema; a clear error if not."""
    global _opened_url
    db = make_database(url)
    database.initialize(db)
    _opened_url = redact(url)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            migrations.migrate(db, timezone=timezone)
    except StorageError:
        raise
    except Exception as exc:  # peewee's, sqlite3's or psycopg's: one plain line
        error = database_error(exc, url)
        if error is None and not isinstance(exc, OperationalError | sqlite3.DatabaseError):
            raise
        if _read_only_file(db) and not isinstance(error, DatabaseCorrupt):
            error = DatabaseReadOnly(url=redact(url))  # WAL cannot even open it: no -shm
        raise error or DatabaseUnreachable(url=redact(url), detail=first_line(exc)) from None
    return db


def _read_only_file(db: Database) -> bool:
    """True for an SQLite file that exists but that this process cannot write (or its folder)."""
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return False
    path = Path(db.database).expanduser()
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def check_health(db: Database, url: str) -> None:
    """Raise what is wrong with an open database: damaged pages, or no right to write.

    For `comptoir doctor`: reading the schema version alone passed a read-only database and
    one whose other pages were damaged. SQLite runs its `quick_check` (it reads every page:
    seconds on a million orders); both engines then write a row and undo it.
    """
    from storage.models import Meta

    try:
        if isinstance(db, SqliteDatabase):
            rows = db.execute_sql("PRAGMA quick_check(1)").fetchall()
            if [tuple(row) for row in rows] != [("ok",)]:
                detail = str(rows[0][0]) if rows else "quick_check"
                raise DatabaseCorrupt(url=redact(url), detail=first_line(Exception(detail)))
        with db.atomic() as transaction:
            Meta.update(value=Meta.value).where(Meta.key == "schema_version").execute()
            transaction.rollback()
    except StorageError:
        raise
    except Exception as exc:
        raise database_error(exc, url) or DatabaseUnreachable(
            url=redact(url), detail=first_line(exc)
        ) from None


_opened_url = ""  # the last database opened (without its password), named by errors

# SQLite's messages, in the order they are looked for in an error and its causes: a full
# disk first, since SQLite then undoes the transaction itself and peewee's own ROLLBACK
# fails on top of it ("cannot rollback - no transaction is active").
_SQLITE_MESSAGES: tuple[tuple[str, type[StorageError]], ...] = (
    ("database or disk is full", DiskFull),
    ("readonly database", DatabaseReadOnly),
    ("read-only", DatabaseReadOnly),
    ("file is not a database", DatabaseCorrupt),
    ("malformed", DatabaseCorrupt),
    ("database is locked", DatabaseBusy),
)


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc`, the driver's error peewee wraps, and every cause or context, once each."""
    found: list[BaseException] = []
    pending = [exc]
    while pending:
        error = pending.pop(0)
        if any(error is seen for seen in found):
            continue
        found.append(error)
        pending += [e for e in (error.__cause__, error.__context__) if e is not None]
        pending += [a for a in error.args[:1] if isinstance(a, BaseException)]
    return found


def database_error(exc: BaseException, url: str | None = None) -> StorageError | None:
    """The plain StorageError a database failure means, or None when `exc` is not one."""
    where = redact(url) if url else _opened_url
    causes = _causes(exc)
    for error in causes:
        if isinstance(error, StorageError):
            return error
    for needle, kind in _SQLITE_MESSAGES:
        for error in causes:
            if needle in str(error).lower():
                return kind(url=where, detail=first_line(error))
    for error in causes:
        state = getattr(error, "sqlstate", None)
        module = type(error).__module__
        if state:
            return _postgres_error(str(state), where, error)
        if module.startswith("psycopg") and "Operational" in type(error).__name__:
            return DatabaseUnreachable(url=where, detail=first_line(error))
    for error in causes:
        if isinstance(error, OSError) and not module_is_driver(error) and _about_database(error):
            return _os_error(error, where)
    return None


def _about_database(error: OSError) -> bool:
    """Whether an OSError concerns the database: one naming no file (a socket), or the
    SQLite file, its companions or a folder above it. A PDF that cannot be written is not a
    database that cannot be opened."""
    if error.filename is None:
        return True
    target = database.obj
    if not isinstance(target, SqliteDatabase) or target.database == ":memory:":
        return False
    named = Path(os.fsdecode(error.filename)).absolute()
    file = Path(target.database).absolute()
    return named == file or named in file.parents or named.name.startswith(file.name + "-")


def module_is_driver(error: BaseException) -> bool:
    return type(error).__module__.startswith(("psycopg", "sqlite3", "peewee"))


def _postgres_error(state: str, where: str, error: BaseException) -> StorageError:
    if state == "53100":  # disk_full
        return DiskFull(url=where)
    if state in ("25006", "42501"):  # read_only_sql_transaction, insufficient_privilege
        return DatabaseReadOnly(url=where)
    if state in ("XX001", "XX002"):  # data_corrupted, index_corrupted
        return DatabaseCorrupt(url=where, detail=first_line(error))
    return DatabaseUnreachable(url=where, detail=first_line(error))


def _os_error(exc: OSError, url: str) -> StorageError:
    import errno

    if exc.errno == errno.ENOSPC:
        return DiskFull(url=redact(url))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DatabaseReadOnly(url=redact(url))
    return DatabaseUnreachable(url=redact(url), detail=exc.strerror or first_line(exc))


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
    """The URL without its password, for messages (even a URL urllib cannot read)."""
    try:
        password = urlparse(url).password
    except ValueError:
        return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)
    if password:
        return url.replace(f":{password}@", ":***@")
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


_INSERTS: dict[tuple[Any, ...], str] = {}
M = TypeVar("M", bound=Model)


def insert_row(model: type[M], **values: Any) -> M:
    """INSERT one row and return it as a model instance with its new id.

    The SQL is built once per model, set of columns and database kind, then only bound:
    peewee builds each query anew (for `Model.create`, several times the cost of SQLite's
    own insert), which is most of an order's intake. Values go through the fields'
    `db_value`, as with `create`.
    """
    meta: Any = model._meta
    row: Any = model(**values)  # the fields' Python defaults filled in, as `create` does
    pk = meta.primary_key.name
    data = {name: value for name, value in row_values(row).items() if name != pk}
    sqlite = isinstance(database.obj, SqliteDatabase)
    key = (model, tuple(data), sqlite)
    sql = _INSERTS.get(key)
    if sql is None:
        columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in data)
        marks = ", ".join([database.param] * len(data))
        returning = "" if sqlite else f' RETURNING "{meta.primary_key.column_name}"'
        sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks}){returning}'
        _INSERTS[key] = sql
    params = [meta.fields[name].db_value(value) for name, value in data.items()]
    cursor = database.execute_sql(sql, params)
    setattr(row, pk, cursor.lastrowid if sqlite else cursor.fetchone()[0])
    mark_saved(row)
    return cast(M, row)


_MANY_ROWS = 100  # rows per multi-row INSERT (well under both databases' parameter limits)


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows that all give the same columns, without returning their ids.

    As `insert_row`, the SQL is built once per model, columns, row count and database kind,
    then only bound (peewee's `insert_many` builds it anew each time: a quarter of an order's
    intake). No Python default is filled in: give every column the table does not default.
    """
    if not rows:
        return
    meta: Any = model._meta
    names = tuple(rows[0])
    fields = [meta.fields[name] for name in names]
    sqlite = isinstance(database.obj, SqliteDatabase)
    for start in range(0, len(rows), _MANY_ROWS):
        chunk = rows[start : start + _MANY_ROWS]
        key = (model, names, len(chunk), sqlite)
        sql = _INSERTS.get(key)
        if sql is None:
            columns = ", ".join(f'"{field.column_name}"' for field in fields)
            one = "(" + ", ".join([database.param] * len(names)) + ")"
            sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ' + ", ".join(
                [one] * len(chunk)
            )
            _INSERTS[key] = sql
        params = [field.db_value(row[field.name]) for row in chunk for field in fields]
        database.execute_sql(sql, params)


def select_in(model: type[Model], column: str, values: Sequence[Any]) -> set[Any]:
    """The values of `column` (a plain column of `model`) found among `values`: one SELECT
    per 500 values, its SQL built once per size."""
    meta: Any = model._meta
    found: set[Any] = set()
    for start in range(0, len(values), 500):
        chunk = list(values[start : start + 500])
        key = (model, "select-in", column, len(chunk), database.param)
        sql = _INSERTS.get(key)
        if sql is None:
            marks = ", ".join([database.param] * len(chunk))
            sql = f'SELECT "{column}" FROM "{meta.table_name}" WHERE "{column}" IN ({marks})'
            _INSERTS[key] = sql
        found |= {value for (value,) in database.execute_sql(sql, chunk).fetchall()}
    return found


_SELECTS: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}


def get_row(model: type[M], column: str, value: Any) -> M | None:
    """The row whose field `column` equals `value` (the first, by a unique index), or None.

    Like `insert_row`, the SELECT of every column is written once per model, column and
    database kind, then only bound: `Model.get_or_none` builds it anew each time (for the
    orders' 25 columns, most of a status change). Values go through the fields'
    `python_value`, as with `get`.
    """
    meta: Any = model._meta
    sqlite = isinstance(database.obj, SqliteDatabase)
    key = (model, column, sqlite)
    entry = _SELECTS.get(key)
    if entry is None:
        fields = list(meta.sorted_fields)
        names = ", ".join(f'"{field.column_name}"' for field in fields)
        where = meta.fields[column].column_name
        entry = (
            f'SELECT {names} FROM "{meta.table_name}" WHERE "{where}" = {database.param} LIMIT 1',
            fields,
        )
        _SELECTS[key] = entry
    sql, fields = entry
    found = database.execute_sql(sql, [meta.fields[column].db_value(value)]).fetchone()
    if found is None:
        return None
    row: Any = model(**{f.name: f.python_value(v) for f, v in zip(fields, found, strict=True)})
    row._dirty.clear()
    return cast(M, row)


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a select as plain tuples (peewee's `.tuples()`, which its bundled stubs
    type as model instances: unpacking a row would not type-check)."""
    return iter(query.tuples())
