"""Shared fixtures: an isolated home, and databases on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Config
from app.i18n import set_language
from tests.pgserver import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parent / "data" / "seed-orders.json"
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does touches the real user's files or configuration."""
    home = tmp_path / "home"
    monkeypatch.setenv("COMPTOIR_HOME", str(home))
    for var in (
        "COMPTOIR_CONFIG",
        "COMPTOIR_DATABASE_URL",
        "COMPTOIR_SMTP_URL",
        "COMPTOIR_LANG",
        "COMPTOIR_TIMEZONE",
        "COMPTOIR_UNDO_SECONDS",
        "COMPTOIR_VONAGE_API_KEY",
        "COMPTOIR_VONAGE_API_SECRET",
        "COMPTOIR_VONAGE_REST_HOST",
        "COMPTOIR_THEME",
        "COMPTOIR_PRINTER",
        "COMPTOIR_CUPS_SERVER",
        "COMPTOIR_RECEIPT_PRINTER",
        "CUPS_SERVER",
    ):
        monkeypatch.delenv(var, raising=False)
    set_language("fr")
    yield home
    set_language("fr")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run (for each xdist worker: its own server, on
    its own free port and in its own directory), started from the Debian binaries."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: each storage test runs once on each engine (the
    PostgreSQL runs are marked `postgres`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'comptoir.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"t{next(_counter)}"
    server.create_database(name)
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'comptoir.sqlite3'}"


@pytest.fixture
def config() -> Config:
    return Config(undo_seconds=20)


@pytest.fixture
def db(db_url: str, config: Config) -> Iterator[str]:
    """The models bound to a fresh migrated database; yields its URL."""
    from storage.db import open_database

    handle = open_database(db_url, timezone=config.timezone)
    yield db_url
    handle.close()


@pytest.fixture
def seed_path() -> Path:
    """The user's own January 2021 orders (SPEC §8)."""
    return SEED


@pytest.fixture
def run(tmp_path: Path, isolated_home: Path):  # type: ignore[no-untyped-def]
    """Run `python -m app` in a real process on a fresh SQLite database."""
    db = tmp_path / "cli.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(
        COMPTOIR_HOME=str(isolated_home),
        COMPTOIR_DATABASE_URL=f"sqlite:///{db}",
        PYTHONPATH=str(ROOT),
    )

    def invoke(
        *args: str, extra_env: dict[str, str] | None = None, input: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, **(extra_env or {})},
            cwd=ROOT,
            input=input,
        )

    invoke.db = db  # type: ignore[attr-defined]
    return invoke
