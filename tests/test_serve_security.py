"""`comptoir serve` answers its own pages only (issue 10, item 3).

A real `comptoir serve` process on a free loopback port, real HTTP and WebSocket clients:
a request naming another host (DNS rebinding) and a WebSocket from another origin are
refused with a 403 before any app process starts; the page's own origin drives a session;
an address other than loopback needs --allow-remote, which warns, and then the public
address of the reverse proxy (--public-url) is the one accepted.
"""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from textual_serve.server import Server

from app.tui.serve import (
    GuardedServer,
    is_loopback,
    is_wildcard,
    parse_host_header,
    parse_origin,
    plan,
)
from tests.serve_support import Served, free_port

HOST_REFUSED = "Accès refusé : cette adresse n'est pas celle de ce serveur Comptoir."
ORIGIN_REFUSED = "Accès refusé : cette connexion vient d'une page d'un autre site."
ORIGIN_MISSING = "Accès refusé : connexion sans page d'origine (en-tête Origin)."
WARNING = "un proxy inverse doit authentifier chaque accès"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("serve") / "home")
    yield server
    server.stop()


def get(url: str, host: str | None = None, origin: str | None = None) -> tuple[int, str, dict]:
    """GET `url` sending these Host and Origin headers; the status, body and headers."""
    headers = {}
    if host is not None:
        headers["Host"] = host
    if origin is not None:
        headers["Origin"] = origin
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


async def open_session(url: str, origin: str | None, host: str | None = None) -> str:
    """Open the app's WebSocket and return what the app shows in its first seconds."""
    headers = {"Host": host} if host else {}
    received = b""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}/ws?width=100&height=30", origin=origin, headers=headers) as ws,
    ):
        deadline = time.monotonic() + 60
        while b"Commandes de " not in received and time.monotonic() < deadline:
            try:
                message = await ws.receive(timeout=5)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
    return received.decode(errors="replace")


async def refused_status(url: str, origin: str | None, host: str | None = None) -> int:
    headers = {"Host": host} if host else {}
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session.ws_connect(f"{url}/ws", origin=origin, headers=headers):
                pass
    return refused.value.status


# --- the real server, on loopback ------------------------------------------------------


def test_the_page_answers_on_its_loopback_names_and_cannot_be_framed(served: Served) -> None:
    for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}", f"[::1]:{served.port}"):
        status, body, headers = get(served.url + "/", host=host)
        assert status == 200 and "Comptoir" in body, host
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    status, _, _ = get(served.url + "/static/js/textual.js", host=f"localhost:{served.port}")
    assert status == 200


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",  # DNS rebinding: the attacker's name, our address
        "attacker.example",
        "127.0.0.1:{other}",  # another port: another origin
        "127.0.0.1",
        "localhost.attacker.example:{port}",
        "127.0.0.1:{port}@attacker.example",
        "",
    ],
)
def test_a_request_naming_another_host_is_refused(served: Served, host: str) -> None:
    host = host.format(port=served.port, other=served.port + 1)
    for path in ("/", "/static/js/textual.js", "/ws", "/download/x"):
        status, body, headers = get(served.url + path, host=host)
        assert (status, body.strip()) == (403, HOST_REFUSED), (host, path)
        assert headers["Content-Type"].startswith("text/plain")


def test_a_request_with_no_host_header_is_refused(served: Served) -> None:
    # HTTP/1.1 demands a Host (aiohttp answers 400 itself); HTTP/1.0 does not: the guard does.
    for version, status in (("1.0", b" 403 "), ("1.1", b" 400 ")):
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(f"GET / HTTP/{version}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert status in answer.split(b"\r\n", 1)[0], answer
        if version == "1.0":
            assert answer.decode().strip().endswith(HOST_REFUSED)


@pytest.mark.parametrize(
    ("origin", "text"),
    [
        ("http://127.0.0.1:{other}", ORIGIN_REFUSED),  # a page on another loopback port
        ("http://attacker.example", ORIGIN_REFUSED),
        ("https://127.0.0.1:{port}", ORIGIN_REFUSED),  # another scheme: another origin
        ("http://127.0.0.1:{port}.attacker.example", ORIGIN_REFUSED),
        ("null", ORIGIN_REFUSED),  # a sandboxed frame, a file:// page
        (None, ORIGIN_MISSING),
    ],
)
async def test_a_websocket_from_another_origin_is_refused(
    served: Served, origin: str | None, text: str
) -> None:
    before = served.children()
    if origin is not None:
        origin = origin.format(port=served.port, other=served.port + 1)
    assert await refused_status(served.url, origin) == 403
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
    headers["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
    if origin is not None:
        headers["Origin"] = origin
    async with (
        aiohttp.ClientSession() as session,
        session.get(served.url + "/ws", headers=headers) as response,
    ):
        assert (response.status, (await response.text()).strip()) == (403, text)
    assert served.children() <= before  # refused before any app process starts
    assert "403 GET '/ws'" in served.output()


async def test_a_websocket_from_the_page_itself_drives_a_session(served: Served) -> None:
    for origin in (served.url, f"http://localhost:{served.port}"):
        shown = await open_session(served.url, origin)
        assert "Commandes de " in shown, origin


def test_a_foreign_origin_is_refused_on_any_request(served: Served) -> None:
    status, body, _ = get(served.url + "/", origin="http://attacker.example")
    assert (status, body.strip()) == (403, ORIGIN_REFUSED)


# --- the command line ------------------------------------------------------------------
# These runs name a database that cannot open: the options are checked before it, and if
# that check were lost the command would still stop there, never listening beyond loopback.
NO_DB = ("--db", "sqlite:////proc/comptoir-none/x.sqlite3")


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.0.2.10", "comptoir.lan", "127.0.0.1.nip.io"]
)
def test_a_host_other_than_loopback_needs_allow_remote(run, host: str) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", *NO_DB, "--host", host, "--port", str(free_port()))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"comptoir: --host {host} ")
    assert "--allow-remote" in lines[0]


def test_the_refusal_is_in_english_with_lang_en(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--lang", "en", "serve", *NO_DB, "--host", "0.0.0.0")
    assert result.returncode == 1
    assert result.stderr == (
        "comptoir: --host 0.0.0.0 is not a local address (127.0.0.1, ::1, localhost): "
        "add --allow-remote, behind a reverse proxy that authenticates.\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--public-url", "https://comptoir.example"], "--public-url demande --allow-remote"),
        (["--host", "0.0.0.0", "--allow-remote"], "donnez aussi --public-url"),
        (["--allow-remote", "--public-url", "ftp://comptoir.example"], "--public-url attend"),
        (["--allow-remote", "--public-url", "comptoir.example"], "--public-url attend"),
        (["--allow-remote", "--public-url", "https://a@comptoir.example"], "--public-url attend"),
        (["--allow-remote", "--public-url", "https://comptoir.example/?x=1"], "--public-url"),
    ],
)
def test_wrong_remote_options_are_refused_in_one_line(run, args, expected) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", *NO_DB, "--port", str(free_port()), *args)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


def test_behind_a_reverse_proxy_the_public_address_is_accepted(tmp_path: Path) -> None:
    """--allow-remote warns; the proxy's public host and origin are accepted, no other.

    Bound to loopback as a proxy on the same machine would reach it (the tests bind nothing
    else): the proxy forwards `Host: comptoir.example` and the browser's `Origin`.
    """
    server = Served(
        tmp_path / "home", "--allow-remote", "--public-url", "https://comptoir.example/"
    )
    try:
        assert WARNING in server.output()
        assert "Comptoir : https://comptoir.example (Ctrl+C pour arrêter)" in server.output()
        for host in ("comptoir.example", "comptoir.example:443", f"127.0.0.1:{server.port}"):
            status, body, _ = get(server.url + "/", host=host)
            assert status == 200, host
            assert 'data-session-websocket-url="wss://comptoir.example/ws"' in body
        for host in (
            "comptoir.example:80",
            "attacker.example",
            "comptoir.example.attacker.example",
        ):
            assert get(server.url + "/", host=host)[0] == 403, host
        shown = asyncio.run(
            open_session(server.url, "https://comptoir.example", "comptoir.example")
        )
        assert "Commandes de " in shown
        for origin in ("http://comptoir.example", "https://attacker.example"):
            status = asyncio.run(refused_status(server.url, origin, "comptoir.example"))
            assert status == 403, origin
    finally:
        server.stop()


def test_the_database_url_is_not_printed(served: Served) -> None:
    # textual-serve prints the command it runs, which holds the database URL (and the
    # PostgreSQL password); Comptoir prints the address alone.
    assert f"Comptoir : http://127.0.0.1:{served.port} (Ctrl+C pour arrêter)" in served.output()
    assert "sqlite://" not in served.output()


# --- the pieces, and textual-serve itself ------------------------------------------------


def test_headers_are_parsed_strictly() -> None:
    assert parse_host_header("LocalHost:8000") == ("localhost", 8000)
    assert parse_host_header("[::1]:8000") == ("::1", 8000)
    assert parse_host_header("comptoir.example") == ("comptoir.example", None)
    for bad in ("", "a@b", "a/b", "a:99999", "a:x", "[::1", "é.example", "a b"):
        assert parse_host_header(bad) is None, bad
    assert parse_origin("https://comptoir.example") == ("https", "comptoir.example", 443)
    assert parse_origin("http://[::1]:8000") == ("http", "::1", 8000)
    for bad in ("null", "", "file://", "ws://x", "http://u@x", "http://x/path", "http://x?q"):
        assert parse_origin(bad) is None, bad
    assert is_loopback("127.3.2.1") and is_loopback("[::1]") and is_loopback("LOCALHOST")
    assert not is_loopback("0.0.0.0") and not is_loopback("localhost.example")
    assert is_wildcard("0.0.0.0") and is_wildcard("::") and is_wildcard("")


def test_the_plan_of_an_ipv6_loopback_server() -> None:
    served = plan("::1", 8123, allow_remote=False, public_url=None)
    assert served.public_url == "http://[::1]:8123"
    assert served.warning is None
    assert ("::1", 8123) in served.guard.hosts and ("localhost", 8123) in served.guard.hosts
    assert ("http", "::1", 8123) in served.guard.origins
    assert ("attacker.example", 8123) not in served.guard.hosts


def _routes(app: web.Application) -> dict[str | None, tuple[str, str]]:
    table: dict[str | None, tuple[str, str]] = {}
    for resource in app.router.resources():
        info = resource.get_info()
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        methods = ",".join(sorted(route.method for route in resource))
        table[resource.name] = (methods, str(path))
    return table


def test_the_guarded_application_has_textual_serves_routes() -> None:
    """Fails loudly if textual-serve changes the application it builds.

    Comptoir builds the aiohttp application itself (so the guard cannot be left out); this
    compares it with the one textual-serve builds through its private `_make_app`. If that
    name is gone or its routes changed, update `GuardedServer.make_app` to match.
    """
    assert hasattr(Server, "_make_app"), "textual-serve no longer has Server._make_app"
    reference_server = Server("true")
    reference = asyncio.run(reference_server._make_app())  # private: the point of the test
    guarded = GuardedServer(
        "true", plan("127.0.0.1", 8000, allow_remote=False, public_url=None), title="t"
    )
    app = guarded.make_app()
    assert _routes(app) == _routes(reference)
    assert list(app.middlewares) == [guarded.guard.middleware]

    def hooks(app: web.Application, server: Server) -> list[list[str]]:
        return [
            [hook.__name__ for hook in signal if getattr(hook, "__self__", None) is server]
            for signal in (app.on_startup, app.on_shutdown)
        ]

    assert (
        hooks(app, guarded)
        == hooks(reference, reference_server)
        == [
            ["on_startup"],
            ["on_shutdown"],
        ]
    )
