"""Order tickets reach a receipt printer (issue 14): the ESC/POS bytes a network printer on
127.0.0.1 receives hold the text (accents in CP858), the Code 128 barcode and the QR code of
the order number, and the cut; a printer that is off, vanishes or never confirms is one
French line, never a silent half ticket."""

from __future__ import annotations

import os
import re
import threading
import time
import tty
from pathlib import Path

import pytest
from barcode import Code128

from app.i18n import set_language
from app.printing import PrintError
from app.printing.escpos import open_receipt_printer, parse_receipt_url
from app.printing.ticket import (
    Fulfilment,
    Ticket,
    TicketLine,
    clean,
    paragraphs,
    preload,
    print_ticket,
    render_ticket,
)
from tests import escpos_listener
from tests.escpos_listener import ReceiptListener

receipt_printer = escpos_listener.receipt_printer  # the fixture, used by name below

MARKETPLACE_NUMBER = "5fec417c-c1f882001c-318c84-001"
TICKET = Ticket(
    shop="Épicerie\x1b@ Lucie",
    number=MARKETPLACE_NUMBER,
    customer="Zoé Lefèvre\x07",
    mode=Fulfilment.PICKUP,
    details="samedi 02/01, 10h–12h",
    lines=(
        TicketLine("Thé de Noël « Épices » en vrac, sachet de 250 g, très parfumé", 2),
        ("Café moulu", 12),  # a plain (product, quantity) pair does as well
    ),
    notes=("Allergie : fruits à coque\nEmballer en cadeau (œuvre d'art)",),
)
GS, ESC = b"\x1d", b"\x1b"


def one_line(error: pytest.ExceptionInfo[PrintError]) -> str:
    text = str(error.value)
    assert text and "\n" not in text
    return text


def text_of(job: bytes) -> str:
    """The printable lines of a job, decoded from CP858 (commands and images left out)."""
    lines = []
    for raw in job.split(b"\n"):
        raw = re.sub(rb"\x1b[!Eatd].|\x1b@", b"", raw, flags=re.DOTALL)
        if b"\x1d" in raw or not raw:
            continue
        lines.append(raw.decode("cp858"))
    return "\n".join(lines)


def test_a_ticket_reaches_the_network_printer_whole(receipt_printer: ReceiptListener) -> None:
    sent = print_ticket(TICKET, receipt_printer.url)
    job = receipt_printer.job()
    assert len(job) == sent and job == render_ticket(TICKET)
    assert job.startswith(ESC + b"@" + ESC + b"t\x13")  # initialise, then code page 19: CP858
    text = text_of(job)
    assert "Épicerie@ Lucie" in text  # the ESC before the @ never reached the printer
    assert "Commande 5fec417c-c1f882001c-318c84-001" in text
    assert "Client : Zoé Lefèvre" in text
    assert "Retrait : samedi 02/01, 10h-12h" in text
    assert "[ ]  2 x Thé de Noël « Épices » en vrac, sachet" in text
    assert "         de 250 g, très parfumé" in text
    assert "[ ] 12 x Café moulu" in text
    assert "- Allergie : fruits à coque" in text
    assert "- Emballer en cadeau (oeuvre d'art)" in text
    assert "Thé".encode("cp858") in job and "é".encode() not in job
    assert job.endswith(GS + b"V\x00")  # the cut, last


def test_the_qr_code_carries_the_order_number(receipt_printer: ReceiptListener) -> None:
    print_ticket(TICKET, receipt_printer.url)
    job = receipt_printer.job()
    store = GS + b"(k" + bytes([len(MARKETPLACE_NUMBER) + 3, 0]) + b"1P0"
    assert store + MARKETPLACE_NUMBER.encode() in job
    assert GS + b"(k\x03\x001Q0" in job  # print the stored symbol


def test_a_short_number_is_a_printer_drawn_code128(receipt_printer: ReceiptListener) -> None:
    ticket = Ticket("Lucie", "A-1042", "Zoé", Fulfilment.DELIVERY, "3 rue Haute\n57000 Metz")
    print_ticket(ticket, receipt_printer.url)
    job = receipt_printer.job()
    # GS k 73 (CODE128) n "{B" data: code set B, text under the bars (GS H 2).
    assert GS + b"kI\x08{BA-1042" in job
    assert GS + b"H\x02" in job
    assert "Livraison : 3 rue Haute, 57000 Metz" in text_of(job)


def test_a_long_number_is_code128_turned_along_the_paper(receipt_printer: ReceiptListener) -> None:
    """30 characters need 374 modules: 748 dots at the narrowest bars, more than 80 mm has."""
    print_ticket(TICKET, receipt_printer.url)
    job = receipt_printer.job()
    assert GS + b"kI" not in job
    at = job.index(GS + b"v0")
    width, height = (
        int.from_bytes(job[at + 4 : at + 6], "little"),
        int.from_bytes(job[at + 6 : at + 8], "little"),
    )
    data = job[at + 8 : at + 8 + width * height]
    rows = [
        "1" if data[r * width : (r + 1) * width] == b"\xff" * width else "0" for r in range(height)
    ]
    modules = "".join(rows[::2])
    assert rows[::2] == rows[1::2]  # each module two dots high
    assert modules.strip("0") == Code128(MARKETPLACE_NUMBER).build()[0].strip("0")
    assert MARKETPLACE_NUMBER in text_of(job)  # written under it, as the printer would


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_lines_fit_the_paper(receipt_printer: ReceiptListener, width: int, columns: int) -> None:
    print_ticket(TICKET, f"{receipt_printer.url}?width={width}")
    lines = text_of(receipt_printer.job()).splitlines()
    assert max(len(line) for line in lines) == columns  # the rules run the full width
    assert "-" * columns in lines


def test_a_printer_switched_off_is_one_line() -> None:
    with ReceiptListener("refuse") as printer, pytest.raises(PrintError) as error:
        print_ticket(TICKET, printer.url)
    assert one_line(error) == (
        f"Imprimante de tickets tcp://127.0.0.1:{printer.port} éteinte ou injoignable "
        "(connexion refusée)."
    )


def test_a_printer_that_vanishes_mid_ticket_is_an_error_not_half_a_ticket() -> None:
    with ReceiptListener("vanish", vanish_after=100) as printer:
        with pytest.raises(PrintError) as error:
            print_ticket(TICKET, printer.url)
        assert len(printer.job()) == 100
    assert one_line(error) == (
        f"L'imprimante de tickets tcp://127.0.0.1:{printer.port} a coupé la connexion pendant "
        "l'impression : le ticket est incomplet, relancez."
    )


def test_a_printer_that_never_confirms_is_an_error_unless_told_not_to_wait() -> None:
    with ReceiptListener("silent") as printer:
        with pytest.raises(PrintError) as error:
            print_ticket(TICKET, printer.url, timeout=0.3)
        assert "n'a pas confirmé la fin du ticket en 0.3 s" in one_line(error)
        assert print_ticket(TICKET, printer.url + "?waiteof=0", timeout=0.3) > 0


def test_a_host_that_never_stops_talking_is_an_error_at_the_deadline() -> None:
    """Status bytes are no close: a host sending them forever does not hold the job (and
    the receipt printer's lock) forever."""
    with ReceiptListener("chatty") as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as error:
            print_ticket(TICKET, printer.url, timeout=0.3)
        assert time.monotonic() - started < 2
        assert "n'a pas confirmé la fin du ticket en 0.3 s" in one_line(error)


def test_an_unknown_printer_profile_is_one_line(receipt_printer: ReceiptListener) -> None:
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, receipt_printer.url + "?profile=TM-NOPE")
    assert one_line(error).startswith(
        f"Imprimante de tickets {receipt_printer.url} : profil « TM-NOPE » inconnu de "
        "python-escpos ("
    )
    assert print_ticket(TICKET, receipt_printer.url + "?profile=TM-T20II") > 0


def test_errors_read_in_english() -> None:
    set_language("en")
    with ReceiptListener("refuse") as printer, pytest.raises(PrintError) as error:
        print_ticket(TICKET, printer.url)
    assert one_line(error) == (
        f"Receipt printer tcp://127.0.0.1:{printer.port} is off or unreachable "
        "(connection refused)."
    )


@pytest.mark.parametrize(
    "url",
    ["http://printer:9100", "tcp://", "tcp://printer:99999", "usb:zz:01", "usb:04b8", "lp0",
     "tcp://printer:9100?colour=red", "/dev/usb/lp0?width", "tcp://-printer", "tcp://..",
     "tcp://[1::2::3]", "tcp://[192.168.1.2]", "tcp://printer?profile=../../etc/passwd",
     "tcp://printer?profile=%0a%1b", "tcp://printer?waiteof=maybe", "usb:04b8:0e15:1",
     "usb:12345:1", "tcp://user:secret@printer", "file:///dev/usb/lp0", "dev/usb/lp0"],
)  # fmt: skip
def test_a_malformed_address_is_one_line(url: str) -> None:
    with pytest.raises(PrintError) as error:
        open_receipt_printer(url)
    assert one_line(error).startswith("Adresse d'imprimante de tickets invalide « ")


def test_a_paper_width_other_than_58_or_80_is_refused() -> None:
    with pytest.raises(PrintError) as error:
        parse_receipt_url("tcp://printer?width=72")
    assert one_line(error) == "Largeur de papier 72 mm non prise en charge : 58 ou 80."


def test_addresses_are_read_as_the_spec_writes_them() -> None:
    tcp = parse_receipt_url("tcp://192.168.1.40")
    assert (tcp.kind, tcp.host, tcp.port, tcp.width_mm, tcp.columns) == (
        "tcp", "192.168.1.40", 9100, 80, 48
    )  # fmt: skip
    usb = parse_receipt_url("usb:04b8:0E15?width=58")
    assert (usb.kind, usb.vendor, usb.product, usb.columns, usb.dots) == (
        "usb", 0x04B8, 0x0E15, 32, 384
    )  # fmt: skip
    device = parse_receipt_url("/dev/usb/lp0?profile=TM-T20II")
    assert (device.kind, device.path, device.profile) == ("file", "/dev/usb/lp0", "TM-T20II")
    assert str(parse_receipt_url("tcp://[::1]:9101")) == "tcp://[::1]:9101"
    assert parse_receipt_url("tcp://[::1]:9101").host == "::1"


def test_a_device_file_receives_the_whole_ticket() -> None:
    """A pseudo-terminal in raw mode stands for /dev/usb/lp0: a character device whose other
    end reads back every byte."""
    master, slave = os.openpty()
    tty.setraw(slave)
    received = bytearray()

    def read() -> None:
        while len(received) < len(job):
            received.extend(os.read(master, 65536))

    job = render_ticket(TICKET)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert print_ticket(TICKET, os.ttyname(slave)) == len(job)
        reader.join(5)
    finally:
        os.close(slave)
        os.close(master)
    assert bytes(received) == job


def test_a_plain_file_or_a_folder_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """COMPTOIR_RECEIPT_PRINTER=/etc/passwd (here a copy): python-escpos's File printer would
    have emptied it; nothing is written, nothing is created."""
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    before = passwd.stat()
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, str(passwd))
    assert one_line(error) == (
        f"Imprimante de tickets {passwd} : ce n'est pas un périphérique mais un fichier "
        "ordinaire ; rien n'y a été écrit (attendu /dev/usb/lp0, /dev/ttyUSB0…)."
    )
    assert passwd.read_text() == "root:x:0:0:root:/root:/bin/bash\n"
    assert passwd.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, str(tmp_path))
    assert "ce n'est pas un périphérique mais un dossier" in one_line(error)
    with pytest.raises(PrintError):
        print_ticket(TICKET, str(tmp_path / "lp0"))
    assert not (tmp_path / "lp0").exists()  # an absent device is not created


def test_a_device_that_fails_or_is_absent_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, "/dev/full")  # every write fails: no space left on device
    assert one_line(error).startswith("L'imprimante de tickets /dev/full a échoué pendant")
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, str(tmp_path / "absent" / "lp0"))
    assert one_line(error).startswith(f"Imprimante de tickets {tmp_path}/absent/lp0 injoignable")


@pytest.mark.parametrize("url", ["usb:dead:beef", "usb:0:0", "usb:0xffff:0xffff"])
def test_a_usb_printer_not_plugged_in_is_one_line(url: str) -> None:
    where = str(parse_receipt_url(url))
    with pytest.raises(PrintError) as error:
        print_ticket(TICKET, url)
    assert one_line(error).startswith(f"Imprimante de tickets {where} introuvable")


def test_control_characters_never_reach_the_printer() -> None:
    assert clean("Zoé\x1b@\x1dV\x00\tLefèvre\u200b\u202e") == "Zoé@V Lefèvre"
    assert paragraphs("3 rue Haute\r\n\n57000\x1bMetz\u2028France") == [
        "3 rue Haute",
        "57000Metz",
        "France",
    ]
    job = render_ticket(TICKET)
    assert b"\x07" not in job and ESC + b"@ " not in job


def test_no_receipt_printer_configured_names_the_variable() -> None:
    with pytest.raises(PrintError) as error:
        open_receipt_printer("")
    assert "COMPTOIR_RECEIPT_PRINTER" in one_line(error)


def test_preload_renders_nothing_visible(capsys: pytest.CaptureFixture[str]) -> None:
    preload()
    assert capsys.readouterr() == ("", "")  # python-escpos's print() calls kept off stdout
