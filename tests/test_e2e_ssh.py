"""A counter account over SSH: a real sshd whose ForceCommand runs Comptoir, driven in tmux."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from app.messages.capture import free_port
from tests.tui import (
    ORDER,
    choose_next_in_dropdown,
    comptoir,
    counter_sshd,
    open_order,
    order_state,
    seed_url,
    terminals,
    wait_for,
    wait_until_gone,
)

# Real processes, servers and terminals (`-m 'not e2e'` leaves them out).
pytestmark = pytest.mark.e2e


def _lines(screen: str) -> list[str]:
    return screen.rstrip("\n").split("\n")


def test_a_status_change_over_ssh_reaches_the_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    seed_url(url, home)
    before = order_state(url)
    assert before.status == "registered"
    with counter_sshd(url, home) as server, terminals(server, width=100, height=30) as [tmux]:
        screen = wait_for(tmux, "Janvier 2021")
        assert "Lun." in screen and "Dim." in screen and "Aujourd'hui" in screen
        # The window shrinks to the counter's 80×24: the screen is drawn again to that size.
        assert max(len(line) for line in _lines(screen)) > 80
        tmux.resize(80, 24)
        deadline = time.monotonic() + 30
        while True:
            lines = _lines(tmux.screen())
            redrawn = (
                len(lines) == 24
                and "Aujourd'hui" in lines[-1]
                and any("Dim." in line for line in lines)
            )
            if redrawn or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert redrawn, "\n".join(lines)
        assert max(len(line) for line in lines) <= 80

        open_order(tmux)
        choose_next_in_dropdown(tmux, "Confirmation en cours")
        tmux.send("y")
        wait_for(tmux, "Statut : Confirmation en cours.")

    after = order_state(url)
    assert after.status == "confirming"
    assert after.version == before.version + 1
    assert after.history[:-1] == before.history
    assert after.history[-1][:2] == ("registered", "confirming")


def test_the_account_runs_comptoir_whatever_command_is_asked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    seed_url(url, home)
    with counter_sshd(url, home) as server:
        from tests.sshd import Tmux

        tmux = Tmux(80, 24)
        try:
            marker = "no-shell-" + str(free_port())
            tmux.start([*server.ssh_command(), f"echo {marker}; touch /tmp/{marker}"])
            screen = wait_for(tmux, "Janvier 2021")  # ForceCommand: Comptoir, not the shell
            assert marker not in screen
            tmux.send("q")
            time.sleep(0.5)
            assert not Path(f"/tmp/{marker}").exists()
        finally:
            tmux.stop()


def _forward_refused(server_cmd: list[str]) -> tuple[bytes, str]:
    """Serve a greeting on a loopback port and try to reach it through an `ssh -L` tunnel."""
    target = socket.socket()
    target.bind(("127.0.0.1", 0))
    target.listen()
    target_port = target.getsockname()[1]

    def greet() -> None:
        target.settimeout(15)
        try:
            conn, _ = target.accept()
            conn.sendall(b"HELLO-THROUGH-THE-TUNNEL")
            conn.close()
        except OSError:
            pass

    threading.Thread(target=greet, daemon=True).start()
    local = free_port()
    tunnel = subprocess.Popen(
        [*server_cmd[:1], "-N", "-L", f"{local}:127.0.0.1:{target_port}", *server_cmd[2:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    received = b""
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", local), timeout=1) as sock:
                    sock.settimeout(5)
                    try:
                        while chunk := sock.recv(100):
                            received += chunk
                    except (TimeoutError, ConnectionResetError):
                        pass
                    break
            except OSError:
                if tunnel.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            raise AssertionError("the ssh client never listened on its local port")
    finally:
        tunnel.terminate()
        try:
            _, errors = tunnel.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            tunnel.kill()
            _, errors = tunnel.communicate()
        target.close()
    return received, errors


def test_port_forwarding_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    seed_url(url, home)
    with counter_sshd(url, home) as server:
        command = server.ssh_command()
        assert command[1] == "-tt"
        received, _ = _forward_refused(command)
        assert received == b""  # nothing came through the tunnel
        log = (server.dir / "sshd.log").read_text()
        assert "refused local port forward" in log, log
        # Remote forwarding too: the client gives up when the server refuses it.
        remote = subprocess.run(
            [
                *command[:1],
                "-N",
                "-o",
                "ExitOnForwardFailure=yes",
                "-R",
                f"{free_port()}:127.0.0.1:{server.port}",
                *command[2:],
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert remote.returncode != 0
        assert "forwarding failed" in remote.stderr, remote.stderr
    assert ORDER  # the fixture's order is untouched by all this


def test_staff_sign_in_over_ssh_names_the_change(tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"sqlite:///{tmp_path / 'counter.sqlite3'}"
    seed_url(url, home)
    comptoir(url, "staff", "add", "Léa", home=home, input="4321\n")
    with counter_sshd(url, home) as server, terminals(server) as [tmux]:
        wait_for(tmux, "Comptoir — connexion")  # staff exist: the session starts signed out
        tmux.send("-l", "Léa")
        tmux.send("Enter")
        tmux.send("-l", "0000")  # typed ahead, before the code field has the focus
        tmux.send("Enter")
        wait_for(tmux, "Nom ou code incorrect.")
        tmux.send("-l", "4321")
        tmux.send("Enter")
        wait_until_gone(tmux, "Comptoir — connexion")
        open_order(tmux)
        choose_next_in_dropdown(tmux, "Confirmation en cours")
        tmux.send("y")
        wait_for(tmux, "Statut : Confirmation en cours.")
        wait_for(tmux, "Léa")  # the history on screen names her
    after = order_state(url)
    assert after.history[-1] == ("registered", "confirming", "Léa")


def test_the_readme_block_is_a_valid_sshd_configuration(tmp_path: Path) -> None:
    """The README's `Match User comptoir-counter` block, as sshd itself reads it."""
    import re
    import textwrap

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"\n(    Match User comptoir-counter\n(?:        .*\n)+)", readme)
    assert found, "the README has no Match User comptoir-counter block"
    block = textwrap.dedent(found.group(1))
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "host_key")],
        check=True,
    )
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {tmp_path / 'host_key'}\nPidFile {tmp_path / 'pid'}\n{block}")
    effective = subprocess.run(
        ["/usr/sbin/sshd", "-T", "-f", str(config), "-C", "user=comptoir-counter,addr=127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert effective.returncode == 0, effective.stderr
    settings = set(effective.stdout.lower().splitlines())
    assert {
        "permittty yes",
        "allowtcpforwarding no",
        "allowstreamlocalforwarding no",
        "allowagentforwarding no",
        "x11forwarding no",
        "permittunnel no",
        "permituserrc no",
        "authenticationmethods publickey",
        "setenv comptoir_home=/srv/comptoir",
    } <= settings
    assert any(s.startswith("forcecommand ") and "comptoir --db" in s for s in settings)
