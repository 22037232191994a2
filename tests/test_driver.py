"""peewee without psycopg for a SQLite shop; psycopg handed over for PostgreSQL.

Each check runs in a fresh interpreter: what matters is what the first imports do.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_sqlite_shop_never_imports_psycopg(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    shown = _python(
        "import sys\n"
        "from app.config import Config\n"
        "from app.tui.factory import make_app\n"
        "from app.orders.rules import change_status\n"  # the rules import peewee themselves
        f"make_app(Config(database_url={url!r}), poll_seconds=0)\n"
        "from storage.models import Order\n"
        "print(Order.select().count(), 'psycopg' in sys.modules)\n"
    )
    assert shown == "0 False"


def test_postgresql_works_when_peewee_came_first(db_url: str) -> None:
    # Both engines: on PostgreSQL the driver is handed to peewee when the URL is opened.
    shown = _python(
        "import sys\n"
        "import storage.models\n"
        "assert 'psycopg' not in sys.modules\n"
        "from storage.db import open_database\n"
        "from storage.models import Order\n"
        f"db = open_database({db_url!r})\n"
        "with db.atomic():\n"
        "    print(Order.select().count(), type(db).__name__)\n"
    )
    engine = "PostgresqlDatabase" if db_url.startswith("postgresql") else "SqliteDatabase"
    assert shown == f"0 {engine}"


def test_the_peewee_private_names_storage_sets_are_still_there() -> None:
    # storage/driver.py sets peewee's psycopg globals itself: an upgrade that renames one
    # must fail here, by name, not in a PostgreSQL shop's first query.
    from storage.driver import missing_model_names, missing_peewee_names

    missing = missing_peewee_names() + missing_model_names()
    assert missing == [], f"peewee changed: {missing} (see storage/driver.py)"


def test_a_peewee_without_one_of_them_is_refused_by_name() -> None:
    shown = _python(
        "from storage import driver\n"
        "driver.PEEWEE_GLOBALS += ('Json_pg4',)\n"
        "try:\n"
        "    driver.use_psycopg()\n"
        "except RuntimeError as exc:\n"
        "    print(exc)\n"
    )
    assert shown == "this peewee has no peewee.Json_pg4: see storage/driver.py"
