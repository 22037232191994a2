"""A versioned schema that migrates forward when a database is opened.

A new database gets the current schema at once. An older one runs each step after its
recorded version, each in its own transaction. A database newer than this program is
refused rather than damaged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from peewee import Database

from app.errors import ComptoirError
from storage.models import ALL_MODELS, Meta, Order, Staff


def _v2_staff(db: Database) -> None:
    """Version 2: staff members who sign in."""
    db.create_tables([Staff])


# STEPS[n] takes a database from version n + 1 to version n + 2; version 1 is the first schema.
STEPS: list[Callable[[Database], None]] = [_v2_staff]
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
            _set("schema_version", str(LATEST))
            _set("timezone", timezone)
        return 0
    if found > LATEST:
        raise ComptoirError(
            f"the database is at schema version {found}, newer than this Comptoir ({LATEST}): "
            "upgrade Comptoir"
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


def utcnow() -> datetime:
    """Now, as the naive UTC datetime stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)
