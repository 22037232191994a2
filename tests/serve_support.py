"""A real `comptoir serve` process on a free loopback port, for the serve tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from app.messages.capture import free_port

ROOT = Path(__file__).resolve().parents[1]


class Served:
    """A `comptoir serve` process on 127.0.0.1 and what it printed."""

    def __init__(self, home: Path, *extra: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
        env.update(
            COMPTOIR_HOME=str(home),
            COMPTOIR_DATABASE_URL=f"sqlite:///{home / 'serve.sqlite3'}",
            PYTHONPATH=str(ROOT),
        )
        self.log = home / "serve.log"
        home.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            command = ["serve", "--host", "127.0.0.1", "--port", str(self.port), *extra]
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app", *command],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"comptoir serve did not listen: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> set[int]:
        """The processes this server started (one `comptoir` per open session)."""
        pid = self.process.pid
        found: set[int] = set()
        for task in Path(f"/proc/{pid}/task").iterdir():
            found |= {int(c) for c in (task / "children").read_text().split()}
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
