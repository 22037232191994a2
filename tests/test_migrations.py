"""The schema is versioned and migrates forward when a database is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from storage import migrations
from storage.db import open_database
from storage.errors import StorageError
from storage.models import ALL_MODELS, Meta, Staff, database


def _first_schema(path: Path) -> None:
    """A database as version 1 made it: every table but the staff's."""
    db = SqliteDatabase(str(path))
    database.initialize(db)
    db.create_tables([m for m in ALL_MODELS if m is not Staff])
    Meta.create(key="schema_version", value="1")
    Meta.create(key="timezone", value="Europe/Paris")
    db.close()


def test_a_first_schema_database_migrates_forward(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _first_schema(path)
    assert "staff" not in {
        r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")
    }
    open_database(f"sqlite:///{path}")
    assert migrations.schema_version(database.obj) == migrations.LATEST == 4
    assert Staff.select().count() == 0  # the new table is there and usable
    database.close()


def test_a_new_database_is_created_at_the_latest_version(db_url: str) -> None:
    handle = open_database(db_url)
    assert migrations.schema_version(handle) == migrations.LATEST
    handle.close()


def test_a_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    open_database(url)
    Meta.update(value="99").where(Meta.key == "schema_version").execute()
    database.close()
    with pytest.raises(StorageError, match="newer than this Comptoir"):
        open_database(url)


def test_the_sqlite_database_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    handle = open_database(sqlite_url)
    assert handle.execute_sql("pragma journal_mode").fetchone()[0] == "wal"
    assert handle.execute_sql("pragma busy_timeout").fetchone()[0] >= 5000
    handle.close()


def test_the_calendar_query_uses_the_covering_index(sqlite_url: str) -> None:
    handle = open_database(sqlite_url)
    plan = " ".join(
        str(row)
        for row in handle.execute_sql(
            "explain query plan select placed_day, count(*), sum(total) from orders "
            "where placed_day between '2021-01-01' and '2021-01-31' group by placed_day"
        ).fetchall()
    )
    assert "COVERING INDEX" in plan
    handle.close()


def test_an_unreachable_postgresql_is_one_clear_line() -> None:
    with pytest.raises(StorageError) as err:
        open_database("postgresql://nobody@127.0.0.1:1/none")
    assert str(err.value).startswith(
        "cannot open the database postgresql://nobody@127.0.0.1:1/none"
    )
    assert "\n" not in str(err.value)
