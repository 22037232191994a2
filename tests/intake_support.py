"""The intake tests' real parts: `comptoir service` as a process, the marketplace's side
signing with the reference `standardwebhooks` package, and a raw HTTP client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook

from app.messages.capture import free_port

ROOT = Path(__file__).resolve().parents[1]


def new_secret(seed: int | None = None) -> str:
    """A fresh `whsec_…` secret of 24 bytes (as Svix makes them)."""
    raw = os.urandom(24) if seed is None else bytes([seed]) * 24
    return "whsec_" + base64.b64encode(raw).decode()


class Marketplace:
    """The marketplace's side: signs deliveries with the reference package."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.webhook = Webhook(secret)

    def headers(
        self, body: bytes, webhook_id: str | None = None, *, shift: float = 0.0
    ) -> dict[str, str]:
        """The three headers, signed by the package (by the same HMAC by hand for bytes that
        are not UTF-8, which the package's `sign` cannot take)."""
        webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        moment = datetime.now(UTC) + timedelta(seconds=shift)
        try:
            signature = self.webhook.sign(webhook_id, moment, body.decode("utf-8"))
        except UnicodeDecodeError:
            digest = hmac.new(
                base64.b64decode(self.secret.removeprefix("whsec_")),
                f"{webhook_id}.{int(moment.timestamp())}.".encode() + body,
                hashlib.sha256,
            ).digest()
            signature = "v1," + base64.b64encode(digest).decode()
        return {
            "content-type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature,
        }


def body_of(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


class Service:
    """`python -m app service` on 127.0.0.1; its stdout and stderr lines are collected."""

    def __init__(self, db_url: str, env: dict[str, str], port: int | None = None) -> None:
        self.db_url = db_url
        self.env = env
        self.port = port or free_port()
        self.process: subprocess.Popen[str] | None = None
        self.out: list[str] = []
        self.err: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str, timeout: float = 30.0) -> Service:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
        env.update(PYTHONPATH=str(ROOT), **self.env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "service", "--db", self.db_url,
             "--port", str(self.port), *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        ready = threading.Event()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out, ready)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err, None)),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.wait_readers()
                raise RuntimeError(f"the service did not start: {self.out} {self.err}")
        return self

    def _read(self, stream: Any, lines: list[str], ready: threading.Event | None) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))
            if ready is not None and "/orders" in line:
                ready.set()

    def wait_readers(self) -> None:
        for reader in self._readers:
            reader.join(timeout=10)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.wait_readers()
        return code

    def wait(self, timeout: float = 60.0) -> int:
        """The exit code of a service already told to stop."""
        assert self.process is not None
        code = self.process.wait(timeout=timeout)
        self.wait_readers()
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def log_lines(self) -> list[str]:
        return [line for line in self.err if line.startswith("comptoir.intake: ")]

    def __enter__(self) -> Service:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.stop(signal.SIGKILL)


def raw_request(port: int, head: bytes, body: bytes = b"", *, half_close: bool = False,
                timeout: float = 10.0) -> bytes:  # fmt: skip
    """Send bytes as they are on a fresh connection; the answer as far as it came."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head + body)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and not half_close:
                    head_part, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                    length = _content_length(head_part)
                    if length is not None and len(rest) >= length:
                        break
        except (ConnectionResetError, TimeoutError):
            pass
        return b"".join(chunks)


def _content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


def status_of(answer: bytes) -> int | None:
    if not answer.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")):
        return None
    return int(answer[9:12])


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
