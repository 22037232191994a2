"""peewee without its PostgreSQL driver until a PostgreSQL database is opened."""

from __future__ import annotations

import sys


def import_peewee_without_psycopg() -> None:
    """Import peewee with `import psycopg` failing, unless peewee or psycopg is already in.

    peewee keeps `psycopg = None` then, which only matters to `PostgresqlDatabase`:
    `use_psycopg()` must run before one is made (storage.db does).
    """
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` → ImportError
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


def use_psycopg() -> None:
    """Give peewee the psycopg 3 driver (what its own import would have done)."""
    import peewee

    if peewee.psycopg is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.psycopg = psycopg
    peewee.TransactionStatus = TransactionStatus
    peewee.Json_pg3 = Json
    peewee.Jsonb_pg3 = Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
