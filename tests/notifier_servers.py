"""Real servers on 127.0.0.1 for the notifier's tests: aiosmtpd (plain, STARTTLS with AUTH,
implicit TLS) and an HTTPS server answering like Vonage's `/sms/json`."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections import Counter
from collections.abc import Iterable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.messages.capture import free_port


class Recorder:
    """aiosmtpd handler that keeps every message it receives.

    `script` holds the answers to give to the next DATA commands ("451 …"); None or an
    exhausted script accepts. `delay` makes each DATA slow. A message counts as received as
    soon as its DATA arrives, before the answer (as a real server that stored it).
    """

    def __init__(self, script: Iterable[str | None] = (), delay: float = 0.0) -> None:
        self.script = list(script)
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[EmailMessage] = []
        self.refused: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        with self.lock:
            answer = self.script.pop(0) if self.script else None
            if answer is None:
                self.received.append(message)  # type: ignore[arg-type]
            else:
                self.refused.append(str(message["Message-ID"]))
        if self.delay:
            await asyncio.sleep(self.delay)
        return answer or "250 OK queued"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(m["Message-ID"]) for m in self.received)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return check


class SmtpServer:
    """An aiosmtpd server in a thread; `mode` is plain, starttls (with AUTH) or smtps."""

    def __init__(
        self,
        recorder: Recorder | None = None,
        *,
        mode: str = "plain",
        tls: ssl.SSLContext | None = None,
        user: str = "shop",
        password: str = "s3cret",
        port: int | None = None,
    ) -> None:
        self.recorder = recorder or Recorder()
        self.mode = mode
        self.user, self.password = user, password
        self.port = port or free_port()
        kwargs: dict[str, Any] = {}
        if mode == "starttls":
            kwargs.update(
                tls_context=tls,
                require_starttls=True,
                authenticator=_authenticator(user, password),
                auth_required=True,
            )
        elif mode == "smtps":
            kwargs.update(
                ssl_context=tls,
                authenticator=_authenticator(user, password),
                auth_required=True,
                auth_require_tls=False,
            )
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def url(self) -> str:
        if self.mode == "starttls":
            return f"smtp://{self.user}:{self.password}@127.0.0.1:{self.port}?starttls=1"
        if self.mode == "smtps":
            return f"smtps://{self.user}:{self.password}@127.0.0.1:{self.port}"
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


SUCCESS = {"status": "0"}


class VonageStub:
    """HTTPS server answering POST /sms/json like Vonage's SMS API.

    `script` holds answers for the next requests: (http_status, message_fields) where
    message_fields update the one message of the reply (e.g. {"status": "1",
    "error-text": "Throttled"}); an exhausted script answers success.
    """

    def __init__(self, tls: ssl.SSLContext, script: Iterable[tuple[int, dict[str, str]]] = ()):
        self.script = list(script)
        self.requests: list[dict[str, str]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {
                    k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()
                }
                form["_path"] = self.path
                form["_authorization"] = self.headers.get("Authorization", "")
                with stub.lock:
                    stub.requests.append(form)
                    status, fields = stub.script.pop(0) if stub.script else (200, {})
                if status != 200:
                    body = json.dumps({"type": "error", "title": f"HTTP {status}"}).encode()
                else:
                    message = {
                        "to": form.get("to", ""),
                        "message-id": f"vonage-{len(stub.requests)}",
                        "status": "0",
                        "remaining-balance": "10.00",
                        "message-price": "0.05",
                        "network": "20801",
                    }
                    message.update(fields)
                    body = json.dumps({"message-count": "1", "messages": [message]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> VonageStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SlowSmtp:
    """A real asyncio SMTP server on 127.0.0.1 that answers every command after `delay`
    seconds, in a thread of its own. The first `hang_connections` connections never answer
    the command named `hang_on` (BANNER, EHLO, MAIL, RCPT, DATA or END, the reply to the
    message's final dot). A message counts as received when its final dot arrives."""

    def __init__(self, delay: float = 0.0, *, hang_on: str = "", hang_connections: int = 0):
        self.delay = delay
        self.hang_on = hang_on
        self.hang_connections = hang_connections
        self.lock = threading.Lock()
        self.received: list[EmailMessage] = []
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(m["Message-ID"]) for m in self.received)

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self.lock:
            self.connections += 1
            hangs = self.connections <= self.hang_connections

        async def reply(command: str, line: bytes) -> None:
            if hangs and command == self.hang_on:
                await asyncio.Event().wait()  # for ever (until the client goes)
            await asyncio.sleep(self.delay)
            writer.write(line + b"\r\n")
            await writer.drain()

        try:
            await reply("BANNER", b"220 127.0.0.1 slow ESMTP")
            while line := await reader.readline():
                command = line.split(b" ")[0].strip().upper().decode("ascii", "replace")
                if command in ("EHLO", "HELO"):
                    await reply("EHLO", b"250 127.0.0.1")
                elif command == "DATA":
                    await reply("DATA", b"354 go ahead")
                    content = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b""):
                        content += chunk[1:] if chunk.startswith(b"..") else chunk
                    with self.lock:
                        self.received.append(
                            message_from_bytes(bytes(content), policy=default)  # type: ignore[arg-type]
                        )
                    await reply("END", b"250 OK queued")
                elif command == "QUIT":
                    await reply("QUIT", b"221 bye")
                    break
                else:  # MAIL, RCPT, RSET, NOOP
                    await reply(command, b"250 OK")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> SlowSmtp:
        self.thread.start()

        async def start() -> int:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            return int(self._server.sockets[0].getsockname()[1])

        self.port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
