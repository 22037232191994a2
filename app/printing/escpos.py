"""The receipt printer (`COMPTOIR_RECEIPT_PRINTER`), spoken to with python-escpos.

Its address is one of

    tcp://HOST[:PORT]       a network printer (port 9100 by default)
    usb:VENDOR:PRODUCT      a USB printer, ids in hex (usb:04b8:0e15)
    /dev/usb/lp0            a device file (an absolute path to a character device: the
                            printer's /dev/usb/lp0, a serial /dev/ttyUSB0; never a plain
                            file, which is neither created nor overwritten)

each optionally followed by `?width=58` (paper width in mm, 58 or 80; 80 by default),
`&profile=TM-T20II` (a python-escpos printer profile) and, for tcp, `&waiteof=0`.

A job is built whole in memory first (`ticket.render_ticket`), then written in one piece:
nothing reaches the paper until everything rendered. After a network job the connection is
half-closed and the printer's own close awaited, as CUPS's socket backend does (its
`waiteof`): a printer that vanished mid-job resets the connection instead, and that is an
error, never a silent half ticket. Every failure is a PrintError of one French line.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import select
import socket
import stat
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs

from app.i18n import _
from app.printing import PrintError

RECEIPT_PRINTER_ENV = "COMPTOIR_RECEIPT_PRINTER"
DEFAULT_TIMEOUT = 5.0  # seconds to connect, to write, and for the printer to confirm
# Paper width (mm) → characters per line in font A (12×24 dots) and printable dots at 203 dpi.
COLUMNS = {58: 32, 80: 48}
DOTS = {58: 384, 80: 576}

_USB = re.compile(r"^usb:(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$", re.IGNORECASE)
_TCP = re.compile(r"^tcp://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?/?$", re.IGNORECASE)
# A host name: dot-separated labels of letters, digits and inner hyphens (RFC 1123).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_PROFILE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # python-escpos profile names: TM-T20II
_YES, _NO = ("1", "true", "yes"), ("0", "false", "no")


@dataclass(frozen=True)
class ReceiptAddress:
    """Where a receipt printer is and what paper it holds, from its URL."""

    kind: Literal["tcp", "usb", "file"]
    host: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0
    path: str = ""
    width_mm: int = 80
    profile: str | None = None
    wait_eof: bool = True

    @property
    def columns(self) -> int:
        """Characters per line (font A): 32 on 58 mm paper, 48 on 80 mm."""
        return COLUMNS[self.width_mm]

    @property
    def dots(self) -> int:
        """Printable width in dots at 203 dpi: 384 on 58 mm paper, 576 on 80 mm."""
        return DOTS[self.width_mm]

    def __str__(self) -> str:
        if self.kind == "tcp":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"tcp://{host}:{self.port}"
        if self.kind == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        return self.path


def parse_receipt_url(url: str, *, width_mm: int | None = None) -> ReceiptAddress:
    """Read a receipt printer's URL; a malformed one is a PrintError of one French line.

    `width_mm`, when given, overrides the URL's `?width=`.
    """
    text = url.strip()
    base, _sep, query = text.partition("?")
    refused = PrintError(
        _(
            "Adresse d'imprimante de tickets invalide « {url} » : attendu tcp://hôte:9100, "
            "usb:VENDEUR:PRODUIT (hexadécimal) ou le chemin d'un périphérique (/dev/usb/lp0).",
            url=_printable(url),
        )
    )
    try:
        options = {k: v[-1] for k, v in parse_qs(query, strict_parsing=bool(query)).items()}
    except ValueError:
        raise refused from None
    unknown = set(options) - {"width", "profile", "waiteof"}
    if unknown or not base:
        raise refused
    raw_width = str(width_mm) if width_mm is not None else options.get("width", "80")
    width = int(raw_width) if raw_width.isdigit() else 0
    if width not in COLUMNS:
        raise PrintError(
            _(
                "Largeur de papier {width} mm non prise en charge : 58 ou 80.",
                width=_printable(raw_width),
            )
        )
    profile = options.get("profile", "")
    wait_eof = options.get("waiteof", "1").lower()
    if (profile and not _PROFILE.match(profile)) or wait_eof not in _YES + _NO:
        raise refused
    common: dict[str, Any] = {
        "width_mm": width,
        "profile": profile or None,
        "wait_eof": wait_eof in _YES,
    }
    if found := _TCP.match(base):
        port = int(found[2] or 9100)
        host = found[1]
        if not 0 < port < 65536 or not _valid_host(host):
            raise refused
        return ReceiptAddress("tcp", host=host.strip("[]"), port=port, **common)
    if found := _USB.match(base):
        return ReceiptAddress("usb", vendor=int(found[1], 16), product=int(found[2], 16), **common)
    if base.startswith("/") and "\x00" not in base:
        return ReceiptAddress("file", path=base, **common)
    raise refused


def _valid_host(host: str) -> bool:
    """An IPv6 address in brackets, an IPv4 address or a host name of valid labels."""
    if host.startswith("["):
        try:
            return ipaddress.ip_address(host[1:-1]).version == 6
        except ValueError:
            return False
    return all(_LABEL.match(label) for label in host.rstrip(".").split("."))


class NotADevice(OSError):
    """The receipt printer's path exists but is not a character device."""


class DeviceFile:
    """A receipt printer's device file (/dev/usb/lp0, /dev/ttyUSB0), written without
    python-escpos's File printer, which opens its path with "wb": a mistyped
    COMPTOIR_RECEIPT_PRINTER=/etc/passwd would have emptied that file. Here the path is
    opened for writing only, never created nor truncated, and kept only if it is a character
    device; writes are non-blocking, each waiting at most `timeout` for the device."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def open(self) -> None:
        flags = os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(self.path, flags)  # no O_CREAT, no O_TRUNC
        except IsADirectoryError:
            raise NotADevice(_("un dossier")) from None
        mode = os.fstat(fd).st_mode
        if not stat.S_ISCHR(mode):
            os.close(fd)
            raise NotADevice(_not_device_kind(mode))
        self._fd = fd

    def _raw(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._fd], [], left)[1]:
                raise TimeoutError
            try:
                view = view[os.write(self._fd, view) :]
            except BlockingIOError:
                continue

    def flush(self) -> None:
        """Writes go straight to the device: nothing is held back."""

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def device_problem(path: str) -> str | None:
    """Why the device file `path` cannot take a ticket (absent, not a device, not
    writable), or None; opens nothing."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return _reason(error)
    if not stat.S_ISCHR(mode):
        return _("n'est pas un périphérique : {kind}", kind=_not_device_kind(mode))
    if not os.access(path, os.W_OK):
        return _("non accessible en écriture")
    return None


def _not_device_kind(mode: int) -> str:
    return _("un dossier") if stat.S_ISDIR(mode) else _("un fichier ordinaire")


class ReceiptPrinter:
    """An open receipt printer: `send` writes one whole job, `close` lets it go.

    Use as a context manager: `with open_receipt_printer(url) as printer: printer.send(job)`.
    """

    def __init__(self, address: ReceiptAddress, device: Any, timeout: float) -> None:
        self.address = address
        self._device = device
        self._timeout = timeout

    def send(self, job: bytes) -> int:
        """Write the whole job, and for a network printer wait for it to confirm; returns the
        number of bytes written. Raises PrintError if any of it may not have printed."""
        try:
            # python-escpos's documented way to send a job built on its Dummy printer.
            self._device._raw(job)
            if self.address.kind == "file":
                self._device.flush()
            elif self.address.kind == "tcp" and self.address.wait_eof:
                self._confirm(self._device.device)
        except PrintError:
            raise
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            raise self._vanished() from None
        except TimeoutError:
            raise PrintError(
                _(
                    "L'imprimante de tickets {where} ne répond plus (délai de {seconds} s "
                    "dépassé) : le ticket est peut-être incomplet, relancez.",
                    where=self.address,
                    seconds=f"{self._timeout:g}",
                )
            ) from None
        except Exception as e:  # OSError, usb.core.USBError: the device failed mid-job
            raise PrintError(
                _(
                    "L'imprimante de tickets {where} a échoué pendant l'impression ({reason}) : "
                    "le ticket est peut-être incomplet, relancez.",
                    where=self.address,
                    reason=_reason(e),
                )
            ) from None
        return len(job)

    def _confirm(self, sock: socket.socket) -> None:
        """Half-close and wait for the printer to close its side: an orderly close means it
        read everything; a reset means it dropped part of the job."""
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # ENOTCONN: the printer already reset the connection
            raise self._vanished() from None
        deadline = time.monotonic() + self._timeout
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                raise self._unconfirmed() from None
            if not answer:
                return
            # Some printers send status bytes back; they are not a close, keep waiting, but
            # no longer than the deadline (a host that never stops talking is no printer).
            if time.monotonic() >= deadline:
                raise self._unconfirmed()

    def _unconfirmed(self) -> PrintError:
        return PrintError(
            _(
                "L'imprimante de tickets {where} n'a pas confirmé la fin du ticket "
                "en {seconds} s : vérifiez-le avant de relancer (ou ajoutez "
                "?waiteof=0 à son adresse).",
                where=self.address,
                seconds=f"{self._timeout:g}",
            )
        )

    def _vanished(self) -> PrintError:
        return PrintError(
            _(
                "L'imprimante de tickets {where} a coupé la connexion pendant l'impression : "
                "le ticket est incomplet, relancez.",
                where=self.address,
            )
        )

    def close(self) -> None:
        """Release the printer (socket, USB interface or file)."""
        with contextlib.suppress(Exception):
            self._device.close()

    def __enter__(self) -> ReceiptPrinter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def require_receipt_printer(url: str | ReceiptAddress) -> None:
    """PrintError (one French line) when no receipt printer is configured."""
    if not url:
        raise PrintError(
            _(
                "Aucune imprimante de tickets : définissez {env} (tcp://hôte:9100, "
                "usb:VENDEUR:PRODUIT ou /dev/usb/lp0).",
                env=RECEIPT_PRINTER_ENV,
            )
        )


def open_receipt_printer(
    url: str | ReceiptAddress, *, width_mm: int | None = None, timeout: float = DEFAULT_TIMEOUT
) -> ReceiptPrinter:
    """Open the receipt printer at `url` (python-escpos Network, Usb or File printer).

    Raises PrintError (one French line) when the URL is malformed or the printer is off,
    unplugged or unknown.
    """
    require_receipt_printer(url)
    address = url if isinstance(url, ReceiptAddress) else parse_receipt_url(url, width_mm=width_mm)
    # Imported here: python-escpos pulls in Pillow, qrcode and python-barcode (a tenth of a
    # second), which a counter that never prints should not pay at start.
    from escpos import printer as escpos_printer

    profile = {"profile": address.profile} if address.profile else {}
    try:
        if address.kind == "tcp":
            device: Any = _network_class(escpos_printer.Network)(
                address.host, port=address.port, timeout=timeout, **profile
            )
        elif address.kind == "usb":
            # pyusb's timeout is in milliseconds.
            device = escpos_printer.Usb(
                address.vendor, address.product, timeout=int(timeout * 1000), **profile
            )
        else:
            device = DeviceFile(address.path, timeout)
    except Exception as e:  # an unknown profile name
        raise _unknown_profile(address, e) from None
    try:
        device.open()
    except Exception as e:
        raise _unreachable(address, e, timeout) from None
    return ReceiptPrinter(address, device, timeout)


def require_profile(address: ReceiptAddress) -> None:
    """PrintError (one French line) when python-escpos has no profile of the address's
    `?profile=` name; checked before a ticket is rendered for it."""
    if not address.profile:
        return
    from escpos.printer import Dummy

    try:
        Dummy(profile=address.profile)
    except Exception as e:
        raise _unknown_profile(address, e) from None


def _unknown_profile(address: ReceiptAddress, error: Exception) -> PrintError:
    return PrintError(
        _(
            "Imprimante de tickets {where} : profil « {profile} » inconnu de python-escpos "
            "({reason}).",
            where=address,
            profile=_printable(address.profile or ""),
            reason=_reason(error),
        )
    )


def _network_class(network: type[Any]) -> type[Any]:
    """python-escpos's Network printer, closing its socket when the connection fails (its
    own open() drops the socket unclosed) and letting the OS error through as is."""

    class Network(network):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
            sock.settimeout(self.timeout)
            try:
                sock.connect((self.host, self.port))
            except OSError:
                sock.close()
                raise
            self.device = sock

    return Network


def _unreachable(address: ReceiptAddress, error: Exception, timeout: float) -> PrintError:
    """Why the printer could not be opened, from python-escpos's error or the OS error
    under it."""
    cause = error.__context__ if isinstance(error.__context__, Exception) else error
    if isinstance(error, NotADevice):
        return PrintError(
            _(
                "Imprimante de tickets {where} : ce n'est pas un périphérique mais {kind} ; "
                "rien n'y a été écrit (attendu /dev/usb/lp0, /dev/ttyUSB0…).",
                where=address,
                kind=error,
            )
        )
    if isinstance(cause, ConnectionRefusedError):
        return PrintError(
            _(
                "Imprimante de tickets {where} éteinte ou injoignable (connexion refusée).",
                where=address,
            )
        )
    if isinstance(cause, TimeoutError):
        return PrintError(
            _(
                "Imprimante de tickets {where} injoignable (pas de réponse en {seconds} s) : "
                "est-elle allumée et sur le réseau ?",
                where=address,
                seconds=f"{timeout:g}",
            )
        )
    if address.kind == "usb":
        return PrintError(
            _(
                "Imprimante de tickets {where} introuvable : est-elle branchée et allumée ? "
                "({reason})",
                where=address,
                reason=_reason(cause),
            )
        )
    return PrintError(
        _(
            "Imprimante de tickets {where} injoignable ({reason}).",
            where=address,
            reason=_reason(cause),
        )
    )


def _reason(error: BaseException) -> str:
    """An exception as a short single line (the OS's strerror when there is one)."""
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)
