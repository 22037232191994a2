"""A TCP listener on 127.0.0.1 standing for a network receipt printer (port 9100 style):
it keeps every byte it is sent, one entry per connection, and behaves as a printer does.

Modes:
    normal   read until the sender half-closes, then close (a printer done with the job)
    refuse   nothing listens on the port (a printer switched off: connection refused)
    vanish   accept, read `vanish_after` bytes, then reset the connection (a printer
             unplugged mid-job: the rest is lost)
    silent   read everything but never close (a printer that never confirms)
    chatty   read everything, then send status bytes every 5 ms and never close (a host
             that is no printer, or a printer stuck talking)

    with ReceiptListener() as printer:
        print_ticket(ticket, printer.url)
        printer.job()          # the bytes of the first connection

`receipt_printer` is a fixture over a normal listener; use it in a test module with
`receipt_printer = tests.escpos_listener.receipt_printer` (pytest finds fixtures by module
attribute).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Literal

import pytest

Mode = Literal["normal", "refuse", "vanish", "silent", "chatty"]


class ReceiptListener:
    def __init__(self, mode: Mode = "normal", *, vanish_after: int = 64, port: int = 0) -> None:
        """`port`: listen on this port (a printer switched back on where it was), else any."""
        self.mode = mode
        self._wanted_port = port
        self.vanish_after = vanish_after
        self.jobs: list[bytes] = []
        self.last_byte_at: float | None = None  # time.perf_counter() of the last byte
        self._done = threading.Condition()
        self._stopping = threading.Event()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._open: list[socket.socket] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> ReceiptListener:
        if self.mode == "refuse":
            # A port that was free a moment ago and that nobody listens on.
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            return self
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self._wanted_port))
        server.listen(8)
        self.port = server.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(target=self._serve, name="receipt-listener", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        server = self._server
        assert server is not None
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # closed by stop()
            threading.Thread(target=self._take, args=(conn,), daemon=True).start()

    def _take(self, conn: socket.socket) -> None:
        self._open.append(conn)
        received = bytearray()
        try:
            while True:
                want = 65536
                if self.mode == "vanish":
                    want = self.vanish_after - len(received)
                    if want <= 0:
                        # SO_LINGER 0: close with a reset, as a printer that lost power.
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        break
                chunk = conn.recv(want)
                if not chunk:
                    break
                received += chunk
                self.last_byte_at = time.perf_counter()
            if self.mode == "silent":
                self._stopping.wait(30)
            while self.mode == "chatty" and not self._stopping.wait(0.005):
                conn.sendall(b"\x14\x00")
        except OSError:
            pass
        finally:
            conn.close()
            with self._done:
                self.jobs.append(bytes(received))
                self._done.notify_all()

    def job(self, index: int = 0, timeout: float = 5.0) -> bytes:
        """The bytes received on connection number `index`, once it is over."""
        with self._done:
            if not self._done.wait_for(lambda: len(self.jobs) > index, timeout):
                raise AssertionError(f"no job {index} within {timeout} s")
            return self.jobs[index]

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            # shutdown() wakes the accept() blocked in the thread; close() alone does not.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        for conn in self._open:
            with contextlib.suppress(OSError):
                conn.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> ReceiptListener:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@pytest.fixture
def receipt_printer() -> Iterator[ReceiptListener]:
    """A network receipt printer on 127.0.0.1 that keeps what it is sent."""
    with ReceiptListener() as listener:
        yield listener
