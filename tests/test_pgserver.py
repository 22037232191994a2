"""The PostgreSQL the suite starts for its storage tests really works (SPEC §9).

No skip when PostgreSQL is missing: these tests must fail then, loudly."""

from pathlib import Path

import psycopg
import pytest

from tests.pgserver import PostgresServer, PostgresUnavailable

pytestmark = pytest.mark.postgres


def test_server_starts_serves_a_database_and_stops():
    server = PostgresServer()
    server.start()
    try:
        tmpdir = server.tmpdir
        server.create_database("comptoir_probe")
        with psycopg.connect(server.url("comptoir_probe")) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
            # Loopback only, and the speed settings took effect.
            assert conn.execute("show listen_addresses").fetchone() == ("127.0.0.1",)
            assert conn.execute("show fsync").fetchone() == ("off",)
            # Accents fold, so case-insensitive search works for French names.
            assert conn.execute("select lower('ÉLODIE')").fetchone() == ("élodie",)
        server.drop_database("comptoir_probe")
        with psycopg.connect(server.url("postgres")) as conn:
            names = conn.execute("select datname from pg_database").fetchall()
        assert ("comptoir_probe",) not in names
    finally:
        server.stop()
    assert not Path(tmpdir).exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url("postgres"), connect_timeout=2)


def test_missing_binaries_are_a_clear_error_not_a_skip(tmp_path):
    server = PostgresServer(bindir=tmp_path)
    with pytest.raises(PostgresUnavailable, match="install the Debian package 'postgresql'"):
        server.start()
    assert server.tmpdir is None
