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
