"""A local mail capture for `comptoir --demo`: an aiosmtpd server on 127.0.0.1 that writes
every mail it receives into a Maildir folder, where any mail reader (or `ls`) shows them.

    with MailCapture(demo_dir / "Maildir") as smtp_url:
        config = config.with_overrides(smtp_url=smtp_url)
        ...
"""

from __future__ import annotations

import mailbox
import socket
import threading
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (aiosmtpd cannot be given port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MaildirHandler:
    """aiosmtpd handler: each accepted message becomes one file of the Maildir."""

    def __init__(self, path: Path) -> None:
        self.maildir = mailbox.Maildir(path, create=True)
        self._lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=compat32)
        with self._lock:
            self.maildir.add(mailbox.MaildirMessage(message))
            self.count += 1
        return "250 Message accepted for delivery"


class MailCapture:
    """Context manager: starts the capture, returns its `smtp://127.0.0.1:PORT` URL."""

    def __init__(self, maildir: Path, host: str = "127.0.0.1") -> None:
        self.path = Path(maildir)
        self.host = host
        self.handler = MaildirHandler(self.path)
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        if self.controller is None:
            raise RuntimeError("the mail capture is not running")
        return f"smtp://{self.host}:{self.controller.port}"

    def start(self) -> str:
        """Start listening (retrying once if the free port was taken meanwhile)."""
        for attempt in range(3):
            controller = Controller(self.handler, hostname=self.host, port=free_port(self.host))
            try:
                controller.start()
            except Exception:
                if attempt == 2:
                    raise
                continue
            self.controller = controller
            break
        return self.url

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
