"""The two IPP questions `cups.wait_for_job` asks a CUPS server: a job's state, a printer's.

`lpstat` does not show a job's state: a job CUPS aborted and one it completed are listed alike
(both "processing-to-stop-point", checked by tests/test_printing_cups.py). So the state comes
from IPP itself (RFC 8010/8011), Get-Job-Attributes and Get-Printer-Attributes over HTTP, in
the few lines below rather than a C binding (pycups needs a compiler and libcups headers).
"""

from __future__ import annotations

import getpass
import http.client
import os
import socket
import struct
from dataclasses import dataclass

DEFAULT_PORT = 631
LOCAL_SOCKET = "/run/cups/cups.sock"  # where Debian's cupsd listens for local clients

# Job states (RFC 8011 §5.3.7) and printer states (§5.4.12).
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
PRINTER_STOPPED = 5

_GET_PRINTER_ATTRIBUTES = 0x000B
_GET_JOB_ATTRIBUTES = 0x0009
_NOT_FOUND = 0x0406
_OPERATION, _END = 0x01, 0x03
_INTEGER, _BOOLEAN, _ENUM = 0x21, 0x22, 0x23
_URI, _CHARSET, _LANGUAGE, _NAME, _KEYWORD = 0x45, 0x47, 0x48, 0x42, 0x44


class IppError(OSError):
    """The server could not be reached or did not answer in IPP."""


class NotFound(LookupError):
    """The server answered that no such job or printer exists."""


@dataclass(frozen=True)
class State:
    """What the server says of a job or a printer: state, reasons and message."""

    state: int
    reasons: tuple[str, ...]
    message: str
    accepting: bool = True  # a printer's printer-is-accepting-jobs (cupsreject sets it off)


def job_state(server: str | None, job_id: int, *, timeout: float = 10.0) -> State:
    """The state of job `job_id` (the number after the queue name in "PDF-12")."""
    attrs = _request(
        server,
        _GET_JOB_ATTRIBUTES,
        [(_URI, "job-uri", f"ipp://localhost/jobs/{job_id}")],
        ["job-state", "job-state-reasons", "job-printer-state-message"],
        timeout,
    )
    return State(
        state=_first_int(attrs, "job-state"),
        reasons=tuple(str(r) for r in attrs.get("job-state-reasons", [])),
        message=str(attrs.get("job-printer-state-message", [""])[0]),
    )


def printer_state(server: str | None, queue: str, *, timeout: float = 10.0) -> State:
    """The state of the printer behind `queue`."""
    attrs = _request(
        server,
        _GET_PRINTER_ATTRIBUTES,
        [(_URI, "printer-uri", f"ipp://localhost/printers/{queue}")],
        [
            "printer-state",
            "printer-state-reasons",
            "printer-state-message",
            "printer-is-accepting-jobs",
        ],
        timeout,
    )
    return State(
        state=_first_int(attrs, "printer-state"),
        reasons=tuple(str(r) for r in attrs.get("printer-state-reasons", [])),
        message=str(attrs.get("printer-state-message", [""])[0]),
        accepting=attrs.get("printer-is-accepting-jobs", [True])[0] is not False,
    )


def _first_int(attrs: dict[str, list[object]], name: str) -> int:
    value = attrs.get(name, [0])[0]
    return value if isinstance(value, int) else 0


# -- the wire ----------------------------------------------------------------------------


def _request(
    server: str | None,
    operation: int,
    target: list[tuple[int, str, str]],
    wanted: list[str],
    timeout: float,
) -> dict[str, list[object]]:
    body = bytearray(struct.pack(">BBHI", 2, 0, operation, 1))
    body.append(_OPERATION)
    attributes = [
        (_CHARSET, "attributes-charset", "utf-8"),
        (_LANGUAGE, "attributes-natural-language", "en"),
        *target,
        (_NAME, "requesting-user-name", _user()),
    ]
    for tag, name, value in attributes:
        body += _attribute(tag, name, value)
    for i, keyword in enumerate(wanted):
        body += _attribute(_KEYWORD, "requested-attributes" if i == 0 else "", keyword)
    body.append(_END)
    connection = _connection(server, timeout)
    try:
        connection.request("POST", "/", bytes(body), {"Content-Type": "application/ipp"})
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as e:
        raise IppError(str(e)) from e
    finally:
        connection.close()
    if response.status != 200 or len(data) < 8:
        raise IppError(f"HTTP {response.status}")
    status = struct.unpack(">H", data[2:4])[0]
    if status == _NOT_FOUND:
        raise NotFound(status)
    if status >= 0x0400:
        raise IppError(f"IPP status 0x{status:04x}")
    return _parse(data[8:])


def _attribute(tag: int, name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (
        struct.pack(">BH", tag, len(raw_name))
        + raw_name
        + struct.pack(">H", len(raw_value))
        + raw_value
    )


def _parse(data: bytes) -> dict[str, list[object]]:
    attrs: dict[str, list[object]] = {}
    name = ""
    at = 0
    while at < len(data):
        tag = data[at]
        at += 1
        if tag == _END:
            break
        if tag < 0x10:  # the start of another attribute group
            continue
        (name_length,) = struct.unpack(">H", data[at : at + 2])
        at += 2
        if name_length:
            name = data[at : at + name_length].decode("utf-8", "replace")
            at += name_length
        (value_length,) = struct.unpack(">H", data[at : at + 2])
        at += 2
        raw = data[at : at + value_length]
        at += value_length
        value: object
        if tag in (_INTEGER, _ENUM) and value_length == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag == _BOOLEAN:
            value = raw != b"\x00"
        elif 0x40 <= tag <= 0x4F:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        attrs.setdefault(name, []).append(value)
    return attrs


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def _connection(server: str | None, timeout: float) -> http.client.HTTPConnection:
    """The server as the CUPS tools understand it: host[:port] or a socket path; none is
    the local scheduler's socket, else localhost:631."""
    if not server:
        server = LOCAL_SOCKET if os.path.exists(LOCAL_SOCKET) else "localhost"
    if server.startswith("/"):
        return _UnixConnection(server, timeout)
    host, port = server, DEFAULT_PORT
    if server.startswith("["):  # [v6]:port
        host, _, rest = server[1:].partition("]")
        port = int(rest[1:]) if rest[1:].isdigit() else DEFAULT_PORT
    elif server.count(":") == 1:
        host, _, text = server.partition(":")
        if not text.isdigit():
            raise IppError(f"bad port in {server!r}")
        port = int(text)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "comptoir"
