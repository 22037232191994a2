"""A real OpenSSH server on a free loopback port, and tmux to drive a terminal through it.

The server's configuration is the one the README recommends for a counter account: the login
runs Comptoir and nothing else (ForceCommand), no forwarding of any kind, key authentication.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from app.messages.capture import free_port

SSHD = Path("/usr/sbin/sshd")


class SshError(RuntimeError):
    """The test server or client could not be set up."""


class CounterSshd:
    """`sshd -D` on 127.0.0.1 whose only command is `force_command`."""

    def __init__(self, force_command: str, environment: dict[str, str]) -> None:
        if not SSHD.exists():
            raise SshError(f"{SSHD} is missing: install openssh-server (make test does)")
        self.dir = Path(tempfile.mkdtemp(prefix="comptoir-sshd-"))
        self.port = free_port()
        self.user = getpass.getuser()
        self.key = self.dir / "client_key"
        self.force_command = force_command
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> CounterSshd:
        # Privilege separation needs this folder when sshd runs as root.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.dir / name)],
                check=True,
            )
        (self.dir / "authorized_keys").write_text((self.dir / "client_key.pub").read_text())
        set_env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environment.items())
        config = self.dir / "sshd_config"
        config.write_text(
            f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.dir / "host_key"}
PidFile {self.dir / "sshd.pid"}
AuthorizedKeysFile {self.dir / "authorized_keys"}
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
AllowUsers {self.user}
ForceCommand {self.force_command}
SetEnv {set_env}
AllowTcpForwarding no
AllowStreamLocalForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PermitUserRC no
PermitTTY yes
"""
        )
        log = self.dir / "sshd.log"
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config), "-E", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        raise SshError(f"sshd did not start: {log.read_text() if log.exists() else 'no log'}")

    def ssh_command(self, *extra: str) -> list[str]:
        return [
            "ssh",
            "-tt",
            "-p",
            str(self.port),
            "-i",
            str(self.key),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            *extra,
            f"{self.user}@127.0.0.1",
        ]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Tmux:
    """A private tmux server (its own socket) holding one window of a given size."""

    def __init__(self, width: int = 80, height: int = 24, term: str = "xterm-256color") -> None:
        self.socket = f"comptoir-test-{os.getpid()}-{free_port()}"
        self.width, self.height, self.term = width, height, term

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        if result.returncode != 0:
            raise SshError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str]) -> Tmux:
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-e",
            f"TERM={self.term}",
            # tmux sets the pane's TERM to its own default-terminal (tmux-256color), whatever
            # -e says: `env` gives the command (and ssh, which passes it on) the asked TERM.
            shlex.join(["env", "-u", "COLORTERM", f"TERM={self.term}", *command]),
        )
        self._tmux("set-option", "-g", "default-terminal", self.term)
        return self

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "0")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "0", *keys)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", "0", "-x", str(width), "-y", str(height))

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            try:
                screen = self.screen()
            except SshError:
                screen = ""
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {timeout} s:\n{screen}")

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
