"""Files holding customers' data are their owner's (issue 10 item 5).

The SQLite database and its `-wal`/`-shm` were created 0644: every account of the machine
could read the customers' addresses and phones. They are 0600, or 0660 in a group's folder
(set-group-ID bit); documents and exports 0600, or 0640 there.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Config
from app.intake.files import import_files
from storage.db import open_database
from storage.models import database


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual umask of a login (022): what made the files 0644."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _database_modes(folder: Path, config: Config, seed_path: Path) -> dict[str, str]:
    """The modes of the database, its -wal and its -shm while it is open (a close removes them)."""
    path = folder / "comptoir.sqlite3"
    open_database(f"sqlite:///{path}")
    try:
        import_files([seed_path], config=config)  # a write: -wal and -shm exist now
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        return {f.name[len("comptoir.sqlite3") :] or "db": oct(mode(f)) for f in files}
    finally:
        database.close()


ALL_THREE = ("db", "-wal", "-shm")


def test_the_database_and_its_wal_are_private(
    tmp_path: Path, config: Config, seed_path: Path, loose_umask: None
) -> None:
    modes = _database_modes(tmp_path / "data", config, seed_path)
    assert modes == dict.fromkeys(ALL_THREE, "0o600")
    assert mode(tmp_path / "data") == 0o700  # the folder made for it too


def test_in_a_groups_folder_the_group_shares_the_database(
    tmp_path: Path, config: Config, seed_path: Path, loose_umask: None
) -> None:
    shared = tmp_path / "srv"
    shared.mkdir()
    os.chmod(shared, 0o2770)  # install -d -g comptoir -m 2770 /srv/comptoir
    assert _database_modes(shared, config, seed_path) == dict.fromkeys(ALL_THREE, "0o660")


def test_an_older_world_readable_database_is_closed_to_others(
    tmp_path: Path, config: Config, seed_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "comptoir.sqlite3"
    open_database(f"sqlite:///{path}")
    import_files([seed_path], config=config)
    wal = path.with_name(path.name + "-wal")
    os.chmod(path, 0o644)
    os.chmod(wal, 0o644)
    second = database.obj
    open_database(f"sqlite:///{path}")  # another process's open, while the first holds it
    assert (oct(mode(path)), oct(mode(wal))) == ("0o640", "0o640")
    database.close()
    second.close()


def test_documents_and_exports_are_private(
    db: str, config: Config, seed_path: Path, tmp_path: Path, loose_umask: None
) -> None:
    from app.documents.render import write_order_pdf
    from app.money.books import export_csv

    import_files([seed_path], config=config)
    number = "6006f3a2-c1f882001c-52bb13-001"
    pdf = write_order_pdf(number)  # the documents folder, created for it
    csv = export_csv(2021, 1, tmp_path / "out" / "janvier.csv", config=config)
    assert (oct(mode(pdf)), oct(mode(csv))) == ("0o600", "0o600")
    assert mode(pdf.parent) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    pdf = write_order_pdf(number, shared)
    csv = export_csv(2021, 1, shared / "janvier.csv", config=config)
    assert (oct(mode(pdf)), oct(mode(csv))) == ("0o640", "0o640")
    assert not list(shared.glob(".tmp-*")) and not list(pdf.parent.glob(".tmp-*"))


def test_a_real_process_creates_nothing_others_can_read(
    run,  # type: ignore[no-untyped-def]
    seed_path: Path,
    isolated_home: Path,
) -> None:
    """`comptoir` itself, started under the usual umask of 022."""
    previous = os.umask(0o022)  # inherited by the child
    try:
        assert run("import", str(seed_path)).returncode == 0
        out = run("export", "--month", "2021-01")
    finally:
        os.umask(previous)
    assert oct(mode(run.db)) == "0o600"
    assert out.returncode == 0, out.stderr
    written = out.stdout.split()  # the month's CSV, then its VAT table beside it
    assert written and all(oct(mode(Path(path))) == "0o600" for path in written)
    cache = isolated_home / "cache"
    for path in cache.rglob("*") if cache.exists() else []:
        assert mode(path) & 0o077 == 0, path  # whatever else it wrote (the holidays cache)
