"""The schema is versioned and migrates forward when a database is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from app.config import Config
from app.intake.files import import_files
from app.preparation.timers import since
from storage import migrations
from storage.db import open_database
from storage.errors import StorageError
from storage.models import ALL_MODELS, Meta, Order, Staff, database
from storage.queries import list_orders


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
    assert migrations.schema_version(database.obj) == migrations.LATEST == len(migrations.STEPS) + 1
    assert Staff.select().count() == 0  # the new table is there and usable
    database.close()


# What each version added after version 3: (tables, (table, column) pairs).
_ADDED = {
    4: (("webhook_deliveries", "marketplace_messages"), ()),
    5: ((), (("notification", "attachment"),)),
    6: (
        ("document_wording",),
        (
            *(
                ("profile", column)
                for column in (
                    "legal_form",
                    "share_capital",
                    "registry",
                    "registry_number",
                    "vat_regime",
                    "vat_exemption",
                )
            ),
            ("orders", "customer_company"),
            ("document_sequence", "last_at"),
            ("document", "record"),
        ),
    ),
    7: ((), (("notification", "snapshot"), ("notification", "superseded_by"))),
    8: (
        ("order_event",),
        (
            ("orders", "status_at"),
            ("order_line", "prepared_at"),
            ("order_line", "prepared_by"),
            ("notification", "detail"),
        ),
    ),
}


@pytest.mark.parametrize("version", [3, 4])
def test_a_v3_or_v4_database_with_orders_migrates_to_the_latest(
    db_url: str, seed_path: Path, config: Config, version: int
) -> None:
    handle = open_database(db_url)
    import_files([seed_path], config=config)
    orders = Order.select().count()
    assert orders > 0
    # Back to `version`: what later steps added is taken away, the orders stay.
    for later in range(version + 1, migrations.LATEST + 1):
        tables, columns = _ADDED[later]
        for table in tables:
            handle.execute_sql(f'DROP TABLE "{table}"')
        for table, column in columns:
            handle.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    Meta.update(value=str(version)).where(Meta.key == "schema_version").execute()
    handle.close()

    handle = open_database(db_url)
    assert migrations.schema_version(handle) == migrations.LATEST == 8
    assert Order.select().count() == orders
    assert {t for tables, _c in _ADDED.values() for t in tables} <= set(handle.get_tables())
    for _tables, columns in _ADDED.values():
        for table, column in columns:
            assert column in {c.name for c in handle.get_columns(table)}
    # The orders read as before; their age in a status counts from their creation.
    order = Order.select().first()
    assert order.status_at is None and since(order) == order.created_at
    assert len(list_orders(limit=10_000)) == orders
    handle.close()


def test_a_new_database_is_created_at_the_latest_version(db_url: str) -> None:
    handle = open_database(db_url)
    assert migrations.schema_version(handle) == migrations.LATEST
    handle.close()


def test_version_7_keeps_snapshots_and_turns_not_configured_into_skipped(db_url: str) -> None:
    from app.config import Config
    from app.intake.files import import_drafts, parse_document
    from storage.models import Notification
    from tests.factories import order_doc

    open_database(db_url)
    import_drafts(parse_document([order_doc()]), config=Config(undo_seconds=0))
    db = database.obj
    # Back to version 4: no snapshot columns, and the state of that time.
    for column in ("snapshot", "superseded_by"):
        db.execute_sql(f'ALTER TABLE "notification" DROP COLUMN "{column}"')
    db.execute_sql("UPDATE \"notification\" SET state = 'not_configured'")
    Meta.update(value="4").where(Meta.key == "schema_version").execute()
    database.close()
    open_database(db_url)
    assert migrations.schema_version(database.obj) == migrations.LATEST
    rows = list(Notification.select())
    assert rows and {n.state for n in rows} == {"skipped"}
    assert {n.snapshot for n in rows} == {None}  # rendered from the order as it is now
    database.close()


def test_a_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    open_database(url)
    Meta.update(value="99").where(Meta.key == "schema_version").execute()
    database.close()
    with pytest.raises(StorageError, match="plus récent que ce Comptoir"):
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
        "impossible d'ouvrir la base de données postgresql://nobody@127.0.0.1:1/none"
    )
    assert "\n" not in str(err.value)


def test_a_version_4_database_gets_the_notifications_attachment(db_url: str) -> None:
    """Version 5 (issue 14): a mailed document is named on its notification row."""
    handle = open_database(db_url)
    handle.execute_sql('ALTER TABLE "notification" DROP COLUMN "attachment"')
    Meta.update(value="4").where(Meta.key == "schema_version").execute()
    handle.close()
    handle = open_database(db_url)
    assert migrations.schema_version(handle) == migrations.LATEST
    assert "attachment" in {c.name for c in handle.get_columns("notification")}


def test_a_version_5_database_gains_the_books_columns(db_url: str) -> None:
    """Step 6 adds the frozen records, the wording table and the new profile fields."""
    handle = open_database(db_url)
    for table, column in [
        ("document", "record"),
        ("document_sequence", "last_at"),
        ("orders", "customer_company"),
        ("profile", "vat_regime"),
        ("profile", "legal_form"),
    ]:
        handle.execute_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
    handle.execute_sql("DROP TABLE document_wording")
    Meta.update(value="5").where(Meta.key == "schema_version").execute()
    handle.close()
    handle = open_database(db_url)
    assert migrations.schema_version(handle) == migrations.LATEST
    assert {"record", "issued_at"} <= {c.name for c in handle.get_columns("document")}
    assert "vat_regime" in {c.name for c in handle.get_columns("profile")}
    assert handle.table_exists("document_wording")
    handle.close()
