"""The drop folder on a real filesystem, watched by watchfiles (and by polling), importing
into a real database; and once through `comptoir service` as a process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.config import Config
from app.intake.folder import DropFolder
from app.intake.webhook import database_runner
from app.shop.profile import save_profile
from storage.models import Document, Order
from tests.docs_fixtures import PROFILE
from tests.factories import order_doc
from tests.intake_support import Service, new_secret, wait_for


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def numbers() -> list[str]:
    return sorted(n for (n,) in Order.select(Order.number).tuples())


async def until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):  # type: ignore[arg-type]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def watching(folder: Path, **options: object) -> AsyncIterator[DropFolder]:
    executor = ThreadPoolExecutor(max_workers=1)
    drop = DropFolder(
        Config(undo_seconds=0),
        folder,
        database_runner(executor),
        settle_seconds=0.3,
        rescan_seconds=30,  # events, not the rescan, must bring the files
        **options,  # type: ignore[arg-type]
    )
    drop.prepare()
    stop = asyncio.Event()
    task = asyncio.ensure_future(drop.run(stop))
    try:
        yield drop
    finally:
        stop.set()
        await task
        executor.shutdown()


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
async def test_a_renamed_file_is_imported_and_moved_to_done(
    db: str, tmp_path: Path, polling: bool
) -> None:
    save_profile(**PROFILE)  # a complete seller: the invoice is issued at intake
    folder = tmp_path / "drop"
    async with watching(folder, force_polling=polling):
        temporary = write(folder / "commande-1.tmp", order_doc(number="D-1"))
        await asyncio.sleep(1.0)
        assert numbers() == [] and temporary.exists()  # being written: ignored
        temporary.rename(folder / "commande-1.json")
        await until(lambda: (folder / "done" / "commande-1.json").exists())
    assert numbers() == ["D-1"]
    assert Document.select().count() == 1
    assert not (folder / "commande-1.json").exists()


async def test_an_invalid_file_is_refused_whole_with_its_one_line_reason(
    sqlite_url: str, tmp_path: Path
) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    folder = tmp_path / "drop"
    bad = order_doc(number="D-3")
    bad["lines"][0]["quantity"] = 0
    async with watching(folder):
        write(folder / "lot.json", [order_doc(number="D-2"), bad])
        (folder / "cassé.json").write_bytes(b'{"number": ')
        await until(lambda: (folder / "refused" / "cassé.json").exists())
        await until(lambda: (folder / "refused" / "lot.json").exists())
    assert numbers() == []  # all or nothing: D-2 was not imported either
    reason = (folder / "refused" / "lot.error.txt").read_text(encoding="utf-8")
    assert reason == (
        "lot.json : commande D-3 : champ lines[0].quantity : "
        "doit être un nombre entier de 1 à 100000\n"
    )
    broken = (folder / "refused" / "cassé.error.txt").read_text(encoding="utf-8")
    assert broken.startswith("cassé.json : JSON invalide (ligne 1, colonne 12 : ")
    assert broken.count("\n") == 1


async def test_leftovers_are_imported_at_start_and_the_same_file_twice_imports_once(
    sqlite_url: str, tmp_path: Path
) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    save_profile(**PROFILE)
    folder = tmp_path / "drop"
    folder.mkdir()
    write(folder / "a.json", order_doc(number="D-4"))
    write(folder / "b.json", [order_doc(number="D-5"), order_doc(number="D-6")])
    old = time.time() - 60
    for name in ("a.json", "b.json"):
        os.utime(folder / name, (old, old))
    async with watching(folder):
        await until(lambda: len(list((folder / "done").iterdir())) == 2)
        write(folder / "a.json", order_doc(number="D-4"))  # dropped again
        await until(lambda: (folder / "done" / "a-2.json").exists())
    assert numbers() == ["D-4", "D-5", "D-6"]
    assert Document.select().count() == 3


async def test_a_file_written_in_place_waits_until_it_stops_changing(
    sqlite_url: str, tmp_path: Path
) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    folder = tmp_path / "drop"
    text = json.dumps(order_doc(number="D-7"))
    async with watching(folder):
        with open(folder / "lent.json", "w", encoding="utf-8") as slow:
            for part in (text[: len(text) // 2], text[len(text) // 2 :]):
                slow.write(part)
                slow.flush()
                await asyncio.sleep(0.15)  # each pause shorter than settle_seconds
        await until(lambda: (folder / "done" / "lent.json").exists())
    assert numbers() == ["D-7"]
    assert not (folder / "refused").joinpath("lent.json").exists()


def test_the_service_watches_its_drop_folder(sqlite_url: str, tmp_path: Path) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    folder = tmp_path / "drop"
    env = {"COMPTOIR_INTAKE_SECRET": new_secret(), "COMPTOIR_INTAKE_DIR": str(folder)}
    with Service(sqlite_url, env) as service:
        write(folder / "x.tmp", order_doc(number="D-8")).rename(folder / "x.json")
        wait_for(lambda: (folder / "done" / "x.json").exists(), "the file imported")
        assert service.stop() == 0
    assert numbers() == ["D-8"]
    assert any("FILE x.json outcome=imported" in line for line in service.log_lines())
