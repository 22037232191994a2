"""Each database failure has its own French line; the doctor no longer says ✓ wrongly.

Issue 10 item 9: a read-only or corrupt database, a malformed PostgreSQL URL and a full disk
("cannot rollback") all ended in "unexpected error", and `comptoir doctor` said ✓ for a
read-only or corrupt database. The disk is a real one: a tmpfs of a few hundred kilobytes,
mounted for the test and unmounted after it (the suite runs as root).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.factories import order_doc
from tests.failure_helpers import one_line, tmpfs

FIRST = "5fec417c-c1f882001c-318c84-001"


def _remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def _doctor_database_line(run, url: str) -> str:  # type: ignore[no-untyped-def]
    result = run("--db", url, "doctor")
    assert result.returncode == 1, result.stdout
    return result.stdout.splitlines()[0]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_read_only_sqlite_database(run, seed_path: Path, tmp_path: Path, journal: str) -> None:  # type: ignore[no-untyped-def]
    """A read-only disk: WAL cannot open the file at all; a rollback journal fails on write."""
    import sqlite3

    with tmpfs(tmp_path / "ro", "4m") as folder:
        url = f"sqlite:///{folder / 'c.db'}"
        assert run("--db", url, "import", str(seed_path)).returncode == 0
        connection = sqlite3.connect(folder / "c.db")
        connection.execute(f"pragma journal_mode={journal}").fetchall()
        connection.close()
        _remount_read_only(folder)
        line = one_line(run("--db", url, "status", FIRST, "confirming"))
        assert line == (
            f"comptoir: la base de données {url} est en lecture seule : rien n'a été "
            "enregistré (vérifiez les droits du fichier et de son dossier)"
        )
        english = one_line(run("--db", url, "--lang", "en", "status", FIRST, "confirming"))
        assert english.startswith(f"comptoir: the database {url} is read-only: nothing was saved")
        doctor = _doctor_database_line(run, url)
        assert doctor.startswith("✗ Base de données : ") and "lecture seule" in doctor


def test_a_read_only_postgresql_database(run, pg_server, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    pg_server.create_database("readonly")
    url = pg_server.url("readonly")
    assert run("--db", url, "import", str(seed_path)).returncode == 0
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        admin.execute("ALTER DATABASE readonly SET default_transaction_read_only = on")
    try:
        line = one_line(run("--db", url, "status", FIRST, "confirming"))
        assert "est en lecture seule : rien n'a été enregistré" in line
        doctor = _doctor_database_line(run, url)
        assert doctor.startswith("✗ Base de données : ") and "lecture seule" in doctor
    finally:
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            admin.execute("ALTER DATABASE readonly SET default_transaction_read_only = off")


def test_a_file_that_is_not_a_database(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database at all" * 200)
    url = f"sqlite:///{path}"
    line = one_line(run("--db", url, "profile"))
    assert line.startswith(f"comptoir: la base de données {url} est endommagée ou n'en est pas une")
    assert line.endswith(": restaurez une sauvegarde")
    assert "✗" in _doctor_database_line(run, url)


def test_damaged_pages_are_seen_by_the_doctor(run, seed_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The header and the schema are fine (the version reads), the orders' pages are not."""
    path = tmp_path / "c.db"
    url = f"sqlite:///{path}"
    assert run("--db", url, "import", str(seed_path)).returncode == 0
    assert run("--db", url, "doctor").stdout.startswith("✓ Base de données")
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page * 3, len(data) - page, page):  # every page past the first three
        data[start + 8 : start + page] = b"\xa5" * (page - 8)
    path.write_bytes(bytes(data))
    line = _doctor_database_line(run, url)
    assert line.startswith("✗ Base de données : ") and "endommagée" in line, line


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://comptoir@db.shop.lan:99999/comptoir",
        "postgresql://comptoir@db.shop.lan:port/comptoir",
        "postgresql://comptoir:secret@[::1/comptoir",
        "postgresql://comptoir@db.shop.lan",
    ],
)
def test_a_malformed_postgresql_url(run, url: str) -> None:  # type: ignore[no-untyped-def]
    line = one_line(run("--db", url, "profile"))
    assert line.startswith("comptoir: adresse de base de données"), line
    assert "secret" not in line
    doctor = run("--db", url, "doctor")  # refused with the configuration, or by its check
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert "adresse de base de données" in doctor.stdout + doctor.stderr


def test_a_full_disk_is_said_and_changes_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SQLite undoes the transaction itself; peewee's ROLLBACK then failed on top of it."""
    import sqlite3

    with tmpfs(tmp_path / "small", "600k") as folder:
        url = f"sqlite:///{folder / 'c.db'}"
        first = tmp_path / "first.json"
        first.write_text(json.dumps(order_doc(number="F-0")))
        assert run("--db", url, "import", str(first)).returncode == 0
        big = tmp_path / "big.json"
        docs = []
        for i in range(400):
            doc = order_doc(number=f"F-{i + 1}")
            doc["fulfilment"]["details"] = f"{i} " + "x" * 1900
            docs.append(doc)
        big.write_text(json.dumps(docs))
        line = one_line(run("--db", url, "import", str(big)))
        assert line == (
            f"comptoir: disque plein : la base de données {url} ne peut plus grandir, "
            "rien n'a été enregistré (libérez de la place)"
        )
        connection = sqlite3.connect(folder / "c.db")
        count = connection.execute("select count(*) from orders").fetchone()
        connection.close()
        assert count == (1,)


def test_storage_messages_have_their_english() -> None:
    from app.catalogue import EN
    from storage import errors

    kinds = [errors.StorageError, *errors.StorageError.__subclasses__()]
    assert len(kinds) >= 6
    for kind in kinds:
        assert kind.template in EN, kind


def test_a_file_error_elsewhere_is_not_called_a_database_error(tmp_path: Path) -> None:
    """A document that cannot be written (an unknown folder, a read-only disk) is not « the
    database cannot be opened »: only the database's file, companions and folders are."""
    import errno
    import os

    from storage.db import database_error, open_database
    from storage.errors import DatabaseReadOnly

    db_file = tmp_path / "data" / "comptoir.sqlite3"
    open_database(f"sqlite:///{db_file}").close()
    elsewhere = OSError(errno.ENOENT, os.strerror(errno.ENOENT), "/proc/liste.pdf")
    assert database_error(elsewhere) is None
    for about in (db_file, db_file.parent, Path(f"{db_file}-wal")):
        error = database_error(OSError(errno.EACCES, "Permission denied", str(about)))
        assert isinstance(error, DatabaseReadOnly), about
    assert database_error(ConnectionRefusedError(errno.ECONNREFUSED, "refused")) is not None
