"""A versioned schema that migrates forward when a database is opened.

A new database gets the current schema at once. An older one runs each step after its
recorded version, each in its own transaction. A database newer than this program is
refused rather than damaged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC

from peewee import Database, DatabaseError, Model, SqliteDatabase

from storage import errors
from storage.errors import StorageError, _
from storage.models import (
    ALL_MODELS,
    Document,
    DocumentSequence,
    DocumentWording,
    MarketplaceMessage,
    Meta,
    Notification,
    Order,
    OrderEvent,
    OrderLine,
    Profile,
    Staff,
    WebhookDelivery,
)


def _v2_staff(db: Database) -> None:
    """Version 2: staff members who sign in."""
    db.create_tables([Staff])


log = logging.getLogger(__name__)

# The trigram index of `orders.search_text` on SQLite: an external-content FTS5 table (the text
# is stored once, in `orders`) kept in step by triggers. Its rowid is the order's id.
SEARCH_TABLE = "orders_search"
_SEARCH_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_insert AFTER INSERT ON orders BEGIN
        INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_delete AFTER DELETE ON orders BEGIN
        INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_update AFTER UPDATE OF search_text ON orders
    BEGIN
        INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)
SEARCH_TRIGGER_NAMES = ("orders_search_insert", "orders_search_delete", "orders_search_update")


def search_triggers(db: Database, *, on: bool) -> None:
    """Create (or drop, for a bulk load followed by `rebuild_search`) the SQLite triggers."""
    if not isinstance(db, SqliteDatabase):
        return
    if on:
        for sql in _SEARCH_TRIGGERS:
            db.execute_sql(sql)
    else:
        for name in SEARCH_TRIGGER_NAMES:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild_search(db: Database) -> None:
    """Re-read every order's search text into the SQLite trigram index."""
    if isinstance(db, SqliteDatabase):
        db.execute_sql(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')")


# The trigram table itself (also built aside by bench.generate, then copied in).
SEARCH_TABLE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "search_text, content='orders', content_rowid='id', tokenize='trigram')"
)


def _v3_search_index(db: Database) -> None:
    """Version 3: a trigram index so that a search for any part of a word uses an index.

    SQLite: FTS5 with the trigram tokenizer (SQLite 3.34 or later). PostgreSQL: pg_trgm and a
    GIN index, which `LIKE '%word%'` uses as it is. Without pg_trgm the search keeps reading
    the table, as before: one line in the log, never a failure.
    """
    if isinstance(db, SqliteDatabase):
        db.execute_sql(SEARCH_TABLE_SQL)
        search_triggers(db, on=True)
        rebuild_search(db)
        return
    try:
        with db.atomic():  # a savepoint: a refused extension must not spoil the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute_sql(
                "CREATE INDEX IF NOT EXISTS orders_search_trgm ON orders "
                "USING gin (search_text gin_trgm_ops)"
            )
    except DatabaseError as error:
        # Without a logging set-up Python prints a warning on stderr: in the app's language.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        text = _("pg_trgm indisponible ({detail}) : la recherche lira toute la table des commandes")
        log.warning(errors.translate(text).format(detail=detail or type(error).__name__))


def _add_missing_columns(db: Database, model: type[Model], names: tuple[str, ...]) -> None:
    """ALTER TABLE … ADD COLUMN for each field of `model` the table lacks (re-runnable)."""
    from playhouse.migrate import SchemaMigrator, migrate

    table = model._meta.table_name
    present = {column.name for column in db.get_columns(table)}
    migrator = SchemaMigrator.from_database(db)
    operations = [
        migrator.add_column(table, name, model._meta.fields[name])
        for name in names
        if model._meta.fields[name].column_name not in present
    ]
    if operations:
        migrate(*operations)


def _v6_books(db: Database) -> None:
    """Lawful books: frozen document records, the wording they were issued with, the seller's
    legal mentions and VAT regime, a business customer's company, the series' last moment."""
    _add_missing_columns(
        db,
        Profile,
        (
            "legal_form",
            "share_capital",
            "registry",
            "registry_number",
            "vat_regime",
            "vat_exemption",
        ),
    )
    _add_missing_columns(db, Order, ("customer_company",))
    _add_missing_columns(db, DocumentSequence, ("last_at",))
    _add_missing_columns(db, Document, ("record",))
    db.create_tables([DocumentWording], safe=True)
    db.execute_sql("CREATE INDEX IF NOT EXISTS document_issued_at ON document (issued_at)")
    # Orders taken before this version all have their invoice; the first issuing call
    # still looks once, in case one waits (the mark of app/documents/issuing.py).
    Meta.insert(key="invoices_waiting", value="1").on_conflict_ignore().execute()


def _v4_intake(db: Database) -> None:
    """Version 4: the intake service's known webhook-ids, and the bodies of the messages sent
    back to the marketplace (each table created only if absent)."""
    db.create_tables([WebhookDelivery, MarketplaceMessage], safe=True)


def _v5_document_mail(db: Database) -> None:
    """Version 5: a notification may carry a document (issue 14: mail a document)."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    table = Notification._meta.table_name
    if "attachment" in {column.name for column in db.get_columns(table)}:
        return
    migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
    migrate(migrator.add_column(table, "attachment", Notification.attachment))


def _v7_outbox_snapshots(db: Database) -> None:
    """Version 7: each notification keeps the order as it was when it was queued
    (`snapshot`) and the message that replaced it (`superseded_by`); `not_configured` rows
    become `skipped` (a channel without configuration records the message, never sends it
    later by itself)."""
    _add_missing_columns(db, Notification, ("snapshot", "superseded_by"))
    table = Notification._meta.table_name
    db.execute_sql(f"UPDATE \"{table}\" SET state = 'skipped' WHERE state = 'not_configured'")


def _v8_preparation(db: Database) -> None:
    """Version 8: the preparation day (issue 13): line ticks, status age, order events, what
    a message tells beyond the order (`detail`)."""
    _add_missing_columns(db, Order, ("status_at",))
    _add_missing_columns(db, OrderLine, ("prepared_at", "prepared_by"))
    _add_missing_columns(db, Notification, ("detail",))
    db.create_tables([OrderEvent], safe=True)


# STEPS[n] takes a database from version n + 1 to version n + 2; version 1 is the first schema.
STEPS: list[Callable[[Database], None]] = [
    _v2_staff,
    _v3_search_index,
    _v4_intake,
    _v5_document_mail,
    _v6_books,
    _v7_outbox_snapshots,
    _v8_preparation,
]
LATEST = len(STEPS) + 1


def schema_version(db: Database) -> int | None:
    """The recorded version, or None for an empty database."""
    if not db.table_exists(Meta._meta.table_name):
        return None
    row = Meta.get_or_none(Meta.key == "schema_version")
    return int(row.value) if row else None


def _set(key: str, value: str) -> None:
    Meta.insert(key=key, value=value).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: value}
    ).execute()


def migrate(db: Database, *, timezone: str) -> int:
    """Bring the schema to LATEST; return the version found before (0 when new)."""
    found = schema_version(db)
    if found is None:
        with db.atomic():
            db.create_tables(ALL_MODELS)
            _v3_search_index(db)
            _set("schema_version", str(LATEST))
            _set("timezone", timezone)
        return 0
    if found > LATEST:
        raise StorageError(
            _(
                "la base de données est au schéma v{found}, plus récent que ce Comptoir "
                "(v{latest}) : mettez Comptoir à jour"
            ),
            found=found,
            latest=LATEST,
        )
    for version in range(found, LATEST):
        with db.atomic():
            STEPS[version - 1](db)
            _set("schema_version", str(version + 1))
    _follow_timezone(db, timezone)
    return found


def _follow_timezone(db: Database, timezone: str) -> None:
    """Recompute each order's local day when the shop's timezone changed."""
    from zoneinfo import ZoneInfo

    row = Meta.get_or_none(Meta.key == "timezone")
    if row is not None and row.value == timezone:
        return
    tz = ZoneInfo(timezone)
    with db.atomic():
        for order_id, placed_at in Order.select(Order.id, Order.placed_at).tuples().iterator():
            day = placed_at.replace(tzinfo=UTC).astimezone(tz).date()
            Order.update(placed_day=day).where(Order.id == order_id).execute()
        _set("timezone", timezone)
