"""`comptoir serve`: the TUI in a browser through textual-serve, on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.messages.capture import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_serve_answers_with_the_app_page(tmp_path: Path, isolated_home: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "COMPTOIR_HOME": str(isolated_home),
        "PYTHONPATH": str(ROOT),
        "COMPTOIR_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    body = response.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert "Comptoir" in body, server.stdout.read() if server.poll() is not None else ""
        assert "/ws" in body  # the page opens a websocket to run the TUI
    finally:
        server.terminate()
        server.wait(10)


def test_serve_refuses_a_bad_port(run) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", "--port", "70000")
    assert result.returncode == 2  # a bad flag value: argparse's one line
    assert "--port : un nombre entier de 1 à 65535 attendu, pas « 70000 »" in result.stderr
