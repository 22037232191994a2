"""The order ticket for the receipt printer: what to prepare, stapled to the bag.

Shop name, the order number as a Code 128 barcode (what a keyboard-wedge scanner types back
into `g`) and as a QR code, customer, pickup slot or delivery address, the lines with their
quantities and a tick box each, staff notes, then the cut.

Every text is cleaned of control characters first (an ESC in a customer's name would be a
printer command), then written in CP858, the code page of the French letters and of €, which
nearly all ESC/POS printers have (python-escpos's profiles list it). A character outside it
is written as its unaccented letter, or "?".

A hardware Code 128 (GS k) fits 80 mm paper up to 21 characters (58 mm: 12) at the narrowest
bars a scanner reads well (2 dots); a longer number, as a marketplace's
`5fec417c-c1f882001c-318c84-001`, is printed as the same symbol turned along the paper, an
image drawn from python-barcode's encoding, so that it stays readable.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from app.i18n import _
from app.printing.escpos import (
    COLUMNS,
    DEFAULT_TIMEOUT,
    DOTS,
    open_receipt_printer,
    parse_receipt_url,
    require_profile,
    require_receipt_printer,
)

# Code pages to write in, best first; the first one the printer's profile has is used.
CODE_PAGES = ("CP858", "CP850", "CP1252", "CP437")
BAR_DOTS = (3, 2)  # module widths tried for a hardware barcode, widest first
QUIET_MODULES = 10  # white space each side of a barcode, in modules
TURNED_MODULE_DOTS = 2  # module height of the turned barcode image
TURNED_BAR_DOTS = 160  # bar length of the turned barcode image (20 mm at 203 dpi)
_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
# What CP858 lacks but French text often holds, written the nearest way it has.
_NEAREST = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        "\u2026": "...", "\u0153": "oe", "\u0152": "OE", "\u00a0": " ", "\u202f": " ",
        "\u2009": " ", "\u2007": " ",
    }
)  # fmt: skip


class Fulfilment(StrEnum):
    """How the order leaves the shop (SPEC §8 `fulfilment.mode`)."""

    PICKUP = "pickup"
    DELIVERY = "delivery"


class TicketLine(NamedTuple):
    """One line to prepare."""

    product: str
    quantity: int


@dataclass(frozen=True)
class Ticket:
    """What an order ticket shows; `details` is the pickup slot or the delivery address."""

    shop: str
    number: str
    customer: str
    mode: Fulfilment
    details: str
    lines: tuple[TicketLine | tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()


def print_ticket(
    ticket: Ticket, url: str, *, width_mm: int | None = None, timeout: float = DEFAULT_TIMEOUT
) -> int:
    """Print `ticket` on the receipt printer at `url`; returns the bytes sent.

    The whole job is rendered before the printer is opened, and written in one piece: a
    failure raises PrintError (one French line), never leaves a silent half ticket.
    """
    require_receipt_printer(url)  # "" is no printer, not a malformed address
    address = parse_receipt_url(url, width_mm=width_mm)
    require_profile(address)
    job = render_ticket(ticket, width_mm=address.width_mm, profile=address.profile)
    with open_receipt_printer(address, timeout=timeout) as printer:
        return printer.send(job)


def preload() -> None:
    """Import python-escpos and what it draws with (Pillow, qrcode, python-barcode): two
    thirds of a second the first time, which a worker can spend at start, before the first
    ticket is asked for, rather than after the key. Both barcodes are drawn: the printer's
    own (a short number) and the turned image (a marketplace's long one: python-barcode)."""
    render_ticket(Ticket("", "0", "", Fulfilment.PICKUP, ""))
    render_ticket(Ticket("", "0" * 30, "", Fulfilment.PICKUP, "", (TicketLine("-", 1),)))


def render_ticket(ticket: Ticket, *, width_mm: int = 80, profile: str | None = None) -> bytes:
    """The ESC/POS bytes of `ticket` for paper `width_mm` wide (58 or 80)."""
    from escpos.printer import Dummy

    p = Dummy(profile=profile) if profile else Dummy()
    columns = COLUMNS[width_mm]
    dots = _printable_dots(p, width_mm)
    codec = next((c for c in CODE_PAGES if c in p.profile.get_code_pages()), None)
    p.hw("INIT")
    if codec:
        p.charcode(codec)

    def write(text: str = "") -> None:
        p.text(_encodable(text, codec) + "\n")

    number = clean(ticket.number)
    p.set(align="center", bold=True, double_width=True, double_height=True)
    for part in textwrap.wrap(clean(ticket.shop), columns // 2) or [""]:
        write(part)
    p.set(align="center", bold=False, normal_textsize=True)
    write()
    turned = _barcode(p, number, dots)
    if turned:
        write(number)
    write()
    p.set(align="left")
    rule = "-" * columns
    write(rule)
    _field(write, _("Commande {number}", number=number), columns)
    _field(write, _("Client : {name}", name=clean(ticket.customer)), columns)
    label = (
        _("Retrait : {slot}") if ticket.mode == Fulfilment.PICKUP else _("Livraison : {address}")
    )
    where = ", ".join(paragraphs(ticket.details))
    _field(write, label.format(slot=where, address=where), columns)
    write(rule)
    # (product, quantity) pairs: TicketLine or plain tuples alike.
    width = max((len(str(quantity)) for _product, quantity in ticket.lines), default=1)
    for product, quantity in ticket.lines:
        head = f"[ ] {quantity:>{width}} x "
        for part in textwrap.wrap(
            clean(product) or "?", columns, initial_indent=head, subsequent_indent=" " * len(head)
        ):
            write(part)
    write(rule)
    notes = [part for note in ticket.notes for part in paragraphs(note)]
    if notes:
        write(_("Notes :"))
        for note in notes:
            for part in textwrap.wrap(note, columns, initial_indent="- ", subsequent_indent="  "):
                write(part)
        write(rule)
    p.set(align="center")
    if number:
        from escpos.constants import QR_ECLEVEL_M

        p.qr(number, ec=QR_ECLEVEL_M, size=6 if width_mm == 80 else 5, native=_native_qr(p))
    p.set(align="left")
    p.cut()
    output: bytes = p.output
    return output


def clean(text: str) -> str:
    """`text` on one line, without control or format characters (which a printer would
    take as commands), spaces collapsed."""
    kept = []
    for char in str(text):
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or char in "\t\n\r\x0b\x0c\x85":
            kept.append(" ")
        elif category[0] != "C":
            kept.append(char)
    return " ".join("".join(kept).split())


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of a multi-line field (an address, a note), each cleaned."""
    return [line for line in (clean(part) for part in _BREAKS.split(str(text))) if line]


# -- rendering helpers -------------------------------------------------------------------


def _field(write: Any, text: str, columns: int) -> None:
    head = text.split(" : ", 1)[0] + " : " if " : " in text else ""
    for part in textwrap.wrap(text, columns, subsequent_indent=" " * min(len(head), 12)):
        write(part)


def _encodable(text: str, codec: str | None) -> str:
    """`text` with what the code page lacks replaced by its nearest form, so that
    python-escpos never has to fall back to "?" for a French text."""
    text = text.translate(_NEAREST)
    if codec is None:
        return text
    python_codec = codec.lower()
    out = []
    for char in text:
        try:
            char.encode(python_codec)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def _printable_dots(p: Any, width_mm: int) -> int:
    pixels = p.profile.profile_data.get("media", {}).get("width", {}).get("pixels")
    return int(pixels) if isinstance(pixels, int) else DOTS[width_mm]


def _native_qr(p: Any) -> bool:
    return bool(p.profile.supports("qrCode"))


def _barcode(p: Any, number: str, dots: int) -> bool:
    """Print `number` as Code 128: by the printer (GS k) when the symbol fits the paper,
    else as an image turned along it. Returns whether the image was used (it has no text
    under it), or False when nothing could be drawn (non-ASCII number: the QR code says it)."""
    if not number or not all(" " <= c <= "~" for c in number):
        return False
    # GS k with code set B: start, the characters, check (11 modules each), stop (13).
    modules = (len(number) + 2) * 11 + 13 + 2 * QUIET_MODULES
    fitting = [w for w in BAR_DOTS if modules * w <= dots]
    if fitting and p.profile.supports("barcodeB"):
        # python-escpos announces its renderer with print(); keep it off the terminal.
        with contextlib.redirect_stdout(io.StringIO()):
            p.barcode(
                "{B" + number,
                "CODE128",
                height=80,
                width=fitting[0],
                pos="BELOW",
                font="B",
                align_ct=True,
                function_type="B",
            )
        return False
    with contextlib.redirect_stdout(io.StringIO()):  # "center flag will have no effect"
        p.image(_turned_code128(number), impl="bitImageRaster")
    return True


def _turned_code128(number: str) -> Any:
    """A Code 128 symbol of `number` with its bars across the paper (1-bit image)."""
    from barcode import Code128
    from PIL import Image

    pattern = "0" * QUIET_MODULES + Code128(number).build()[0] + "0" * QUIET_MODULES
    image = Image.new("1", (TURNED_BAR_DOTS, len(pattern) * TURNED_MODULE_DOTS), 1)
    black = Image.new("1", (TURNED_BAR_DOTS, TURNED_MODULE_DOTS), 0)
    for row, module in enumerate(pattern):
        if module == "1":
            image.paste(black, (0, row * TURNED_MODULE_DOTS))
    return image
