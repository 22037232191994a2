"""The receipt printer (`COMPTOIR_RECEIPT_PRINTER`), spoken to with python-escpos.

Its address is one of

    tcp://HOST[:PORT]       a network printer (port 9100 by default)
    usb:VENDOR:PRODUCT      a USB printer, ids in hex (usb:04b8:0e15)
    /dev/usb/lp0            a device file (any absolute path)

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
import re
import socket
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
            return f"tcp://{self.host}:{self.port}"
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
    common: dict[str, Any] = {
        "width_mm": width,
        "profile": options.get("profile") or None,
        "wait_eof": options.get("waiteof", "1").lower() not in ("0", "false", "no"),
    }
    if found := _TCP.match(base):
        port = int(found[2] or 9100)
        if not 0 < port < 65536:
            raise refused
        return ReceiptAddress("tcp", host=found[1].strip("[]"), port=port, **common)
    if found := _USB.match(base):
        return ReceiptAddress("usb", vendor=int(found[1], 16), product=int(found[2], 16), **common)
    if base.startswith("/") and "\x00" not in base:
        return ReceiptAddress("file", path=base, **common)
    raise refused


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
                raise PrintError(
                    _(
                        "L'imprimante de tickets {where} n'a pas confirmé la fin du ticket "
                        "en {seconds} s : vérifiez-le avant de relancer (ou ajoutez "
                        "?waiteof=0 à son adresse).",
                        where=self.address,
                        seconds=f"{self._timeout:g}",
                    )
                ) from None
            if not answer:
                return
            # Some printers send status bytes back; they are not a close, keep waiting.

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
            device = escpos_printer.File(address.path, auto_flush=False, **profile)
    except Exception as e:  # an unknown profile name
        raise PrintError(
            _(
                "Imprimante de tickets {where} : profil « {profile} » inconnu de python-escpos "
                "({reason}).",
                where=address,
                profile=_printable(address.profile or ""),
                reason=_reason(e),
            )
        ) from None
    try:
        device.open()
    except Exception as e:
        raise _unreachable(address, e, timeout) from None
    return ReceiptPrinter(address, device, timeout)


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
