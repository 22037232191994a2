"""A throwaway PostgreSQL server for the test suite (SPEC §9: storage tests run on SQLite
and on a real PostgreSQL the suite starts itself).

The server comes from the Debian binaries, lives in a temporary directory, listens on
127.0.0.1 and a free port only, trusts every local connection, and trades durability for
speed. It is not a fixture: conftest.py wraps it.

    server = PostgresServer()
    server.start()
    server.create_database("t1")
    psycopg.connect(server.url("t1"))
    ...
    server.stop()

Missing binaries raise PostgresUnavailable: the PostgreSQL tests must fail, never skip.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from app.messages.capture import free_port

READY_TIMEOUT = 20.0  # seconds to wait for the server to accept connections
SERVER_USER = "postgres"  # the OS account the server runs as when we are root


class PostgresUnavailable(RuntimeError):
    """The server cannot be started here; the message says why and what to install."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin, else what `pg_config --bindir` says."""

    def version(path: Path) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in path.parent.name.split("."))
        except ValueError:
            return ()

    candidates = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if (d / "initdb").exists()]
    if candidates:
        return max(candidates, key=version)
    # pg_config can come from libpq-dev alone, so check that the server tools are there.
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(out.stdout.strip())
        if out.returncode == 0 and (bindir / "initdb").exists():
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
        "nor via pg_config: install the Debian package 'postgresql' (`make test` does)"
    )


def traversable_by_all(path: Path) -> bool:
    """Whether another user could reach `path` (every ancestor has o+x)."""
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


class PostgresServer:
    def __init__(self, bindir: Path | None = None) -> None:
        self._bindir = bindir
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self._running = False

    # -- paths -------------------------------------------------------------------------

    @property
    def datadir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "data"

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        assert self.port is not None, "server not started"
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> PostgresServer:
        """Create a cluster in a new temporary directory and start it; on failure, clean
        up and raise PostgresUnavailable with the tool output and the server log."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        bindir = self._bindir = self._bindir or find_bindir()
        for tool in ("initdb", "pg_ctl", "postgres"):
            if not (bindir / tool).exists():
                raise PostgresUnavailable(
                    f"{bindir / tool} not found: install the Debian package 'postgresql'"
                )
        as_root = os.geteuid() == 0
        if as_root:
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"PostgreSQL refuses to run as root and there is no '{SERVER_USER}' user "
                    "to run it as: install the Debian package 'postgresql'"
                ) from None

        # The server runs as `postgres` when we are root, so its directory must be
        # reachable by that user: /tmp is, a TMPDIR under /root may not be.
        base = Path(tempfile.gettempdir())
        if as_root and not traversable_by_all(base):
            base = Path("/tmp")
        self.tmpdir = Path(tempfile.mkdtemp(prefix="comptoir-pg-", dir=base))
        if as_root:
            os.chown(self.tmpdir, owner.pw_uid, owner.pw_gid)
        # Even if the caller forgets stop() (a crash, a KeyboardInterrupt), do not leave a
        # postgres running behind the test run.
        atexit.register(self.stop)

        self._run(
            bindir / "initdb",
            "--pgdata", self.datadir,
            "--username", "postgres",
            "--auth", "trust",  # local socket and 127.0.0.1: tests connect without password
            "--encoding", "UTF8",
            # C.UTF-8 so lower()/ILIKE handle accents (é/É); plain C would not.
            "--locale", "C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# comptoir test server\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.tmpdir}'\n"
                # Throwaway data: durability only costs time.
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
            )
        self._running = True  # from here on, stop() must try to stop it
        # The free port may be taken between free_port() and the server's bind (another
        # test run starting its own server): then try another one.
        for attempt in range(3):
            self.port = free_port()
            try:
                # --wait: pg_ctl returns once the server accepts connections, or it died.
                self._run(
                    bindir / "pg_ctl",
                    "--pgdata", self.datadir,
                    "--log", self.logfile,
                    "--options", f"-p {self.port}",
                    "--wait", "--timeout", str(int(READY_TIMEOUT)),
                    "start",
                )  # fmt: skip
                break
            except PostgresUnavailable as exc:
                if attempt == 2 or "could not bind" not in str(exc):
                    raise
        self._wait_until_ready()

    def stop(self) -> None:
        """Stop the server (immediately: the data is thrown away) and remove its files.

        Safe to call twice, or after a failed start()."""
        if self._running:
            self._running = False
            assert self._bindir is not None
            # If it is already dead there is nothing more to do than remove the files.
            with contextlib.suppress(PostgresUnavailable):
                self._run(
                    self._bindir / "pg_ctl", "--pgdata", self.datadir, "--mode", "immediate", "stop"
                )
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        atexit.unregister(self.stop)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        # FORCE: a test that leaked a connection must not make the next one fail.
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # -- helpers -----------------------------------------------------------------------

    def _run(self, *argv: object) -> None:
        """Run a PostgreSQL tool, as `postgres` when we are root (the server refuses root)."""
        cmd = [str(a) for a in argv]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        # cwd: the tools call getcwd(), which fails as `postgres` in a root-only directory.
        # stdin: CI has none, and nothing here should ever wait for input.
        proc = subprocess.run(
            cmd,
            cwd=self.tmpdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(cmd)} failed with exit code {proc.returncode}\n"
                f"{proc.stdout}{proc.stderr}{self._log_tail()}"
            )

    def _wait_until_ready(self) -> None:
        """Connect over TCP, as the tests will; retry until READY_TIMEOUT."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(
                        f"PostgreSQL on 127.0.0.1:{self.port} not ready after "
                        f"{READY_TIMEOUT:.0f}s: {exc}{self._log_tail()}"
                    ) from exc
                time.sleep(0.1)

    def _log_tail(self, lines: int = 40) -> str:
        if self.tmpdir is None:
            return ""
        try:
            text = self.logfile.read_text(errors="replace")
        except OSError:
            return ""
        return "\n--- server log ---\n" + "\n".join(text.splitlines()[-lines:])
