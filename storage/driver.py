"""peewee without its PostgreSQL driver until a PostgreSQL database is opened.

The only place that touches peewee's private parts: the module globals its own
`import psycopg` would have set (`PEEWEE_GLOBALS`) and the transaction states of its
psycopg 3 adapter; a model instance's values and its "changed" marks (`row_values`,
`mark_saved`, for storage.db's prepared inserts). tests/test_driver.py fails, naming the
one that moved, when a peewee upgrade renames any (peewee is pinned below 5).
"""

from __future__ import annotations

import sys
from typing import Any

# The module globals peewee's own `import psycopg` sets when it is imported.
PEEWEE_GLOBALS = ("psycopg", "TransactionStatus", "Json_pg3", "Jsonb_pg3")
# The psycopg 3 adapter's class attributes, set from TransactionStatus at the same moment.
ADAPTER = "Psycopg3Adapter"
ADAPTER_STATES = {"txn_idle": "IDLE", "txn_inerror": "INERROR", "txn_unknown": "UNKNOWN"}


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


def missing_peewee_names() -> list[str]:
    """The private names `use_psycopg` sets that this peewee's psycopg 3 adapter no longer
    reads (so that setting them would not hand it the driver)."""
    import peewee

    adapter = getattr(peewee, ADAPTER, None)
    if adapter is None:
        return [f"peewee.{ADAPTER}"]
    read: set[str] = set()
    for cls in adapter.__mro__:
        for member in vars(cls).values():
            code = getattr(member, "__code__", None)
            if code is not None:
                read.update(code.co_names)
    missing = [f"peewee.{name}" for name in PEEWEE_GLOBALS if name not in read]
    return missing + [f"peewee.{ADAPTER}.{name}" for name in ADAPTER_STATES if name not in read]


def row_values(row: Any) -> dict[str, Any]:
    """A model instance's field values by name (peewee keeps them in `__data__`)."""
    values: dict[str, Any] = row.__data__
    return values


def mark_saved(row: Any) -> None:
    """Forget that `row`'s fields were set (peewee's `_dirty`), as its own save does."""
    row._dirty.clear()


def missing_model_names() -> list[str]:
    """The private names of peewee's model instances that `row_values` and `mark_saved` use."""
    import peewee

    class Probe(peewee.Model):
        name = peewee.TextField()

    row = Probe(name="x")
    missing = []
    if getattr(row, "__data__", None) != {"name": "x"}:
        missing.append("peewee.Model.__data__")
    if not isinstance(getattr(row, "_dirty", None), set):
        missing.append("peewee.Model._dirty")
    return missing


def use_psycopg() -> None:
    """Give peewee the psycopg 3 driver (what its own import would have done)."""
    import peewee

    if getattr(peewee, "psycopg", None) is not None:  # peewee imported it itself, or we did
        return
    missing = missing_peewee_names()
    if missing:
        raise RuntimeError(f"this peewee has no {', '.join(missing)}: see storage/driver.py")
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    for name, value in zip(PEEWEE_GLOBALS, (psycopg, TransactionStatus, Json, Jsonb), strict=True):
        setattr(peewee, name, value)
    adapter = getattr(peewee, ADAPTER)
    for name, state in ADAPTER_STATES.items():
        setattr(adapter, name, getattr(TransactionStatus, state))
