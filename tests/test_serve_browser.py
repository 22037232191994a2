"""`comptoir serve` in a real browser: Debian's headless Chromium, driven by Playwright.

The page opens, the Commandes screen appears, a key typed in the page reaches the app; and
what another site could try from the same browser fails: a page served from another
loopback port opening a WebSocket to Comptoir, the same page framing Comptoir, and a
DNS-rebinding name that resolves to Comptoir's address.

xterm.js draws on a canvas, so the page holds no text to read: the terminal's screen is
rebuilt from the very bytes the page's WebSocket received (pyte, a VT emulator), at the size
the page asked for; screenshots of the terminal show that the canvas changed as well.
Everything stays on loopback: requests to any other host (the page's web font) are aborted.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyte
import pytest
from playwright.sync_api import Browser, Page, Route, WebSocket, sync_playwright

from tests.serve_support import Served

# Real processes, servers and terminals (`-m 'not e2e'` leaves them out).
pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium` (Makefile DEBS)
REBINDING_NAME = "rebind.comptoir.test"  # resolved to 127.0.0.1 by Chromium itself
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--host-resolver-rules=MAP {REBINDING_NAME} 127.0.0.1",
]
LOOPBACK = {"127.0.0.1", "localhost", REBINDING_NAME}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("serve-browser") / "home")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _loopback_only(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOOPBACK:
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 720})
    context.route("**/*", _loopback_only)
    yield context.new_page()
    context.close()


class Terminal:
    """The screen of the page's terminal, from what its WebSocket to `port` carried."""

    def __init__(self, page: Page, port: int) -> None:
        self.page = page
        self.port = port
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.sent: list[list[object]] = []
        page.on("websocket", self._opened)

    def _opened(self, ws: WebSocket) -> None:
        url = urlsplit(ws.url)
        if (url.hostname, url.port, url.path) != ("127.0.0.1", self.port, "/ws"):
            return
        query = parse_qs(url.query)
        self.screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        self.stream = pyte.ByteStream(self.screen)
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and self.stream is not None:
            self.stream.feed(payload)  # the terminal's output; text frames are meta

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        self.sent.append(message)
        if message[0] == "resize" and self.screen is not None:
            self.screen.resize(message[1]["height"], message[1]["width"])

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen is not None else ""

    def wait_for(self, found: Callable[[str], bool], what: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(200)  # lets Playwright deliver the frame events
            if found(self.text()):
                return self.text()
        raise AssertionError(f"{what} not shown; the screen is:\n{self.text()}")


def test_the_page_shows_commandes_and_a_key_typed_reaches_the_app(
    served: Served, page: Page, tmp_path: Path
) -> None:
    terminal = Terminal(page, served.port)
    page.goto(served.url + "/")
    start = page.locator("#start")
    if start.is_visible():  # textual-serve shows it with ?delay; click it if it is there
        start.click()
    shown = terminal.wait_for(lambda t: "Commandes de " in t, "the Commandes screen")
    assert "1 Commandes" in shown and "Lun." in shown  # the tabs and the month's calendar
    page.wait_for_function("document.body.classList.contains('-first-byte')")
    before = page.locator("#terminal").screenshot(path=str(tmp_path / "commandes.png"))

    page.focus(".xterm-helper-textarea")  # where xterm.js takes the keyboard
    page.keyboard.press("2")
    shown = terminal.wait_for(lambda t: "Finances — " in t, "the Finances screen")
    assert "Commandes de " not in shown
    assert ["stdin", "2"] in terminal.sent
    page.wait_for_timeout(500)
    after = page.locator("#terminal").screenshot(path=str(tmp_path / "finances.png"))
    assert after != before  # the canvas itself changed, not only the bytes


class _ForeignSite(ThreadingHTTPServer):
    """Another site, on another loopback port: one page that tries to reach Comptoir."""

    def __init__(self, comptoir_port: int) -> None:
        page = f"""<!doctype html><meta charset="utf-8"><title>autre site</title>
<script>
window.attempt = new Promise((resolve) => {{
  const ws = new WebSocket("ws://127.0.0.1:{comptoir_port}/ws?width=80&height=24");
  ws.onopen = () => {{ ws.send(JSON.stringify(["stdin", "q"])); resolve("open"); }};
  ws.onerror = () => resolve("error");
  ws.onclose = (event) => resolve("close " + event.code);
}});
</script>
<iframe id="framed" src="http://127.0.0.1:{comptoir_port}/" width="900" height="500"></iframe>
""".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture
def foreign_site(served: Served) -> Iterator[_ForeignSite]:
    site = _ForeignSite(served.port)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield site
    site.shutdown()
    site.server_close()
    thread.join(5)


def test_a_page_of_another_origin_cannot_open_a_session(
    served: Served, page: Page, foreign_site: _ForeignSite
) -> None:
    sessions_before = served.output().count('"GET /ws HTTP/1.1" 101')
    children_before = served.children()
    page.goto(foreign_site.url)
    assert page.evaluate("window.attempt") == "error"
    origin = foreign_site.url.rstrip("/")
    assert f"403 GET '/ws' Host='127.0.0.1:{served.port}' Origin='{origin}'" in served.output()

    # The framed page would be same-origin with Comptoir: the browser must not show it.
    page.wait_for_timeout(3000)
    framed = page.frame_locator("#framed")
    assert framed.locator("#terminal").count() == 0
    assert served.output().count('"GET /ws HTTP/1.1" 101') == sessions_before
    assert served.children() <= children_before  # no app process was started for it


def test_a_dns_rebinding_name_gets_the_refusal(served: Served, page: Page) -> None:
    response = page.goto(f"http://{REBINDING_NAME}:{served.port}/")
    assert response is not None and response.status == 403
    assert page.locator("body").inner_text().strip() == (
        "Accès refusé : cette adresse n'est pas celle de ce serveur Comptoir."
    )
