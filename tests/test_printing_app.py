"""Printing wired into Comptoir (issue 14): the printers' settings, `comptoir doctor`, and
`comptoir print` as a real process against a cupsd with cups-pdf and a TCP receipt printer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from app.config import Config, load_config
from app.doctor import check_printer, check_receipt_printer
from app.errors import ConfigError, NotFoundError
from app.intake.files import import_files
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.orders.view import read_order_view
from app.printing.jobs import (
    Kind,
    PrintJob,
    order_ticket,
    picklist_job,
    plan,
    render_pdf,
    run_job,
)
from app.printing.ticket import Fulfilment, render_ticket
from tests import cupsd
from tests.cupsd import CupsServer, pdftotext
from tests.escpos_listener import ReceiptListener
from tests.factories import order_doc, write_json

cups_server = cupsd.cups_server

LONG = "5fec417c-c1f882001c-318c84-001"


def env(path: Path, **values: str) -> dict[str, str]:
    return {"COMPTOIR_HOME": str(path), **values}


# -- settings -------------------------------------------------------------------------------


def test_the_printers_are_read_from_the_environment(tmp_path: Path) -> None:
    config = load_config(
        env(
            tmp_path,
            COMPTOIR_PRINTER="Bureau",
            COMPTOIR_CUPS_SERVER="imprimantes.local:631",
            COMPTOIR_RECEIPT_PRINTER="tcp://192.168.1.20:9100?width=58",
        )
    )
    assert (config.printer, config.cups_server) == ("Bureau", "imprimantes.local:631")
    assert config.receipt_printer == "tcp://192.168.1.20:9100?width=58"


@pytest.mark.parametrize(
    ("variable", "value", "start"),
    [
        ("COMPTOIR_PRINTER", "Bureau du fond", "COMPTOIR_PRINTER : « Bureau du fond » n'est pas"),
        ("COMPTOIR_PRINTER", "a/b", "COMPTOIR_PRINTER : « a/b » n'est pas un nom de file CUPS"),
        ("COMPTOIR_CUPS_SERVER", "http://x", "COMPTOIR_CUPS_SERVER : « http://x » invalide"),
        ("COMPTOIR_RECEIPT_PRINTER", "lpt1", "COMPTOIR_RECEIPT_PRINTER : Adresse d'imprimante"),
        ("COMPTOIR_RECEIPT_PRINTER", "tcp://h?width=72", "COMPTOIR_RECEIPT_PRINTER : Largeur"),
    ],
)
def test_a_bad_printer_setting_is_refused_at_start_in_one_french_line(
    tmp_path: Path, variable: str, value: str, start: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(env(tmp_path, **{variable: value}))
    assert str(error.value).startswith(start)
    assert "\n" not in str(error.value)


def test_the_cli_refuses_a_bad_receipt_printer_before_anything(run) -> None:  # type: ignore[no-untyped-def]
    done = run("print", "ticket", "X", extra_env={"COMPTOIR_RECEIPT_PRINTER": "usb:zz:1"})
    assert done.returncode == 1
    assert done.stderr.startswith("comptoir: COMPTOIR_RECEIPT_PRINTER : Adresse d'imprimante")
    assert done.stderr.count("\n") == 1


# -- comptoir doctor ------------------------------------------------------------------------


def test_doctor_finds_the_queue_ready_then_rejecting_then_unknown(
    cups_server: CupsServer,
) -> None:
    queue = cups_server.add_pdf_queue("DOCTOR")
    config = Config(printer=queue, cups_server=cups_server.address)
    assert check_printer(config).line() == (
        f"✓ Imprimante (CUPS) : file « DOCTOR » sur {cups_server.address}, prête"
    )
    cups_server.admin("cupsreject", queue)
    assert check_printer(config).line() == (
        "✗ Imprimante (CUPS) : file « DOCTOR » refuse les travaux "
        "(cupsaccept DOCTOR pour la rouvrir)"
    )
    cups_server.admin("cupsaccept", queue)
    cups_server.admin("cupsdisable", queue)
    assert (
        check_printer(config)
        .line()
        .startswith("✗ Imprimante (CUPS) : file « DOCTOR » arrêtée (Paused) : cupsenable DOCTOR")
    )
    missing = Config(printer="Bureau", cups_server=cups_server.address)
    line = check_printer(missing).line()
    assert line.startswith("✗ Imprimante (CUPS) : file « Bureau » inconnue sur ")
    assert "DOCTOR" in line and line.endswith("ajoutez-la avec lpadmin")


def test_doctor_says_a_stopped_cups_server_is_unreachable() -> None:
    server = CupsServer().start()
    address = server.address
    server.stop()
    line = check_printer(Config(printer="PDF", cups_server=address)).line()
    assert line.startswith(f"✗ Imprimante (CUPS) : serveur CUPS {address} injoignable (")


def test_doctor_reaches_the_receipt_printer_or_says_it_is_off() -> None:
    with ReceiptListener() as printer:
        line = check_receipt_printer(Config(receipt_printer=printer.url + "?width=58")).line()
        assert (
            line
            == f"✓ Imprimante de tickets : tcp://127.0.0.1:{printer.port} répond (papier 58 mm)"
        )
    off = ReceiptListener("refuse").start()
    line = check_receipt_printer(Config(receipt_printer=off.url)).line()
    assert line.startswith(f"✗ Imprimante de tickets : tcp://127.0.0.1:{off.port} injoignable (")


def test_doctor_tells_a_device_from_a_plain_file(tmp_path: Path) -> None:
    plain = tmp_path / "passwd"
    plain.write_text("root:x:0:0\n")
    line = check_receipt_printer(Config(receipt_printer=str(plain))).line()
    assert line == (
        f"✗ Imprimante de tickets : {plain} : n'est pas un périphérique : un fichier ordinaire"
    )
    assert plain.read_text() == "root:x:0:0\n"
    line = check_receipt_printer(Config(receipt_printer=str(tmp_path / "lp0"))).line()
    assert line == f"✗ Imprimante de tickets : {tmp_path}/lp0 : No such file or directory"
    line = check_receipt_printer(Config(receipt_printer="/dev/null?width=58")).line()
    assert line == "✓ Imprimante de tickets : /dev/null répond (papier 58 mm)"


# -- what prints ----------------------------------------------------------------------------


@pytest.fixture
def orders(db: str, config: Config, seed_path: Path, tmp_path: Path) -> Iterator[Config]:
    """The seed (SQLite and PostgreSQL) and a delivery to a two-line address, sold by a
    complete seller (no invoice is issued without one)."""
    from app.shop.profile import save_profile

    save_profile(name="Épicerie", address="1 rue du Marché, 69001 Lyon", siret="73282932000074")
    import_files([seed_path], config=config)
    doc = order_doc(number="D-0002")
    doc["fulfilment"] = {
        "mode": "delivery",
        "details": "3 rue Haute\n75011 Paris",
        "shipping_fee": "0.00",
    }
    import_files([write_json(tmp_path / "d.json", doc)], config=config)
    yield config


def test_the_ticket_is_built_from_the_one_view_of_the_order(orders: Config) -> None:
    view = read_order_view("D-0002")
    ticket = order_ticket(view, "Épicerie")
    assert (ticket.shop, ticket.number, ticket.customer) == (
        "Épicerie",
        "D-0002",
        view.customer_name,
    )
    assert ticket.mode is Fulfilment.DELIVERY and ticket.details == "3 rue Haute\n75011 Paris"
    assert [tuple(line) for line in ticket.lines] == [
        (ln.product, ln.quantity) for ln in view.lines
    ]
    job = render_ticket(ticket)
    assert b"Livraison : 3 rue Haute, 75011 Paris" in job


def test_the_ticket_prints_the_orders_staff_notes(orders: Config) -> None:
    from app.preparation.notes import add_note

    add_note("D-0002", "Allergie : fruits à coque", by="Léa")
    add_note("D-0002", "Le client passe après 18h,\n\temballer en cadeau", by="Marc")
    with ReceiptListener() as printer:
        config = replace(orders, receipt_printer=printer.url)
        line = run_job(plan("ticket", "D-0002", config)[0], config)
        job = printer.job(0)
    assert line == f"Imprimé sur tcp://127.0.0.1:{printer.port} : Ticket de la commande D-0002."
    notes = job[job.index(b"Notes :") : job.index(b"\x1d(k")]  # up to the QR code
    assert notes.decode("cp858").splitlines()[:3] == [
        "Notes :",
        "- Allergie : fruits à coque",
        "- Le client passe après 18h, emballer en cadeau",
    ]


def test_a_note_with_printer_commands_prints_as_text_only(orders: Config) -> None:
    """A note that reached the database with control bytes (written by another program, or
    an older Comptoir): ESC @ (reset), GS V (cut), a bell, a C1 control, none reach the
    printer; the note's letters do, and the job has one reset and one cut, Comptoir's own."""
    from app.orders.rules import get_order
    from app.preparation.journal import record

    hostile = "Fragile\x1b@\x1dVA\x01\x07 \x1b!\x38GROS\x9b31m\x1d(k\x03\x011P0 fin"
    record(get_order("D-0002"), "note", at=datetime(2021, 1, 2), by="x", text=hostile)
    with ReceiptListener() as printer:
        config = replace(orders, receipt_printer=printer.url)
        run_job(plan("ticket", "D-0002", config)[0], config)
        job = printer.job(0)
    start = job.index(b"Notes :")
    notes = job[start : job.index(b"-" * 48, start)]  # the notes, up to the rule under them
    assert not any(byte < 0x20 and byte != 0x0A for byte in notes)  # text and newlines only
    assert notes.decode("cp858").splitlines()[1] == "- Fragile@VA !8GROS31m(k1P0 fin"
    assert job.count(b"\x1b@") == 1 and job.startswith(b"\x1b@")
    assert job.count(b"\x1dV") == 1


def test_the_packing_slip_keeps_the_staff_notes_to_the_team(orders: Config, tmp_path: Path) -> None:
    """The slip goes into the customer's bag: the team's notes stay on the ticket."""
    from app.preparation.notes import add_note

    add_note("D-0002", "Client difficile, vérifier le paiement", by="Léa")
    (job,) = plan("slip", "D-0002", orders)
    (tmp_path / "slip.pdf").write_bytes(render_pdf(job, orders))
    text = pdftotext(tmp_path / "slip.pdf")
    assert "D-0002" in text and "BON DE LIVRAISON" in text
    assert "difficile" not in text


def test_a_day_plans_the_tickets_of_its_orders_still_to_prepare(orders: Config) -> None:
    assert [job.number for job in plan("ticket", "2020-12-30", orders)] == [LONG]
    change_status(LONG, OrderStatus.CANCELLED, config=orders, reason="rupture")
    with pytest.raises(NotFoundError, match="Rien à imprimer pour le 30/12/2020"):
        plan("ticket", "2020-12-30", orders)
    assert [job.number for job in plan("order", "2020-12-30", orders)] == [LONG]
    invoice, credit = plan("invoice", "2020-12-30", orders)
    assert invoice.title.startswith("Facture F") and credit.title.startswith("Avoir A")
    assert plan("invoice", credit.document, orders) == [
        PrintJob(Kind.INVOICE, credit.title, document=credit.document)
    ]
    assert [job.document for job in plan("invoice", LONG, orders)] == [
        invoice.document,
        credit.document,
    ]
    (picklist,) = plan("picklist", "2020-12-30", orders)
    assert picklist.day == date(2020, 12, 30)


def test_the_pick_list_job_prints_a_period_or_the_orders_chosen(
    orders: Config, tmp_path: Path
) -> None:
    """What the Préparation screen shows is what P prints: a period, or chosen orders."""
    period = picklist_job(date(2020, 12, 30), date(2021, 1, 31))
    assert period.title == "Liste de préparation du 30/12/2020 au 31/01/2021"
    chosen = picklist_job(None, None, ("D-0002",))
    assert chosen.title == "Liste de préparation de 1 commande(s)"
    texts = []
    for job in (period, chosen):
        (tmp_path / "p.pdf").write_bytes(render_pdf(job, orders))
        texts.append(pdftotext(tmp_path / "p.pdf"))
    assert LONG in texts[0] and "D-0002" in texts[0]
    assert "D-0002" in texts[1] and LONG not in texts[1]


# -- comptoir print, a real process ---------------------------------------------------------


def printed_pdfs(server: CupsServer, queue: str = "PDF") -> list[Path]:
    """What cups-pdf wrote on `queue`."""
    return sorted((server.tmpdir / "out" / queue).glob("*.pdf"))  # type: ignore[operator]


@pytest.fixture
def cli_orders(run, seed_path: Path):  # type: ignore[no-untyped-def]
    seller = ("--name", "Épicerie", "--address", "1 rue du Marché, 69001 Lyon")
    done = run("profile", *seller, "--siret", "73282932000074")
    assert done.returncode == 0, done.stderr
    done = run("import", str(seed_path))
    assert done.returncode == 0, done.stderr
    return run


def test_print_ticket_reaches_the_receipt_printer(cli_orders) -> None:  # type: ignore[no-untyped-def]
    with ReceiptListener() as printer:
        done = cli_orders(
            "print", "ticket", LONG, extra_env={"COMPTOIR_RECEIPT_PRINTER": printer.url}
        )
        job = printer.job(0)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Imprimé sur tcp://127.0.0.1:{printer.port} : Ticket de la commande {LONG}.\n"
    )
    assert LONG.encode() in job  # under the turned barcode, and in the QR code
    assert b"\x1d(k" in job and b"\x1dV" in job  # QR code, then the cut


def test_print_slip_reaches_cups_and_reads_back(cli_orders, cups_server: CupsServer) -> None:  # type: ignore[no-untyped-def]
    extra = {"COMPTOIR_PRINTER": "PDF", "COMPTOIR_CUPS_SERVER": cups_server.address}
    done = cli_orders("print", "slip", LONG, extra_env=extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Imprimé sur « PDF » : Bon de livraison {LONG}.\n"
    printed = sorted((cups_server.tmpdir / "out" / "PDF").glob("*.pdf"))  # type: ignore[operator]
    text = pdftotext(printed[-1])
    assert "BON DE LIVRAISON" in text and "€" not in text


def test_print_picklist_of_a_day_reaches_cups_and_reads_back(  # type: ignore[no-untyped-def]
    cli_orders, cups_server: CupsServer
) -> None:
    extra = {"COMPTOIR_PRINTER": "PDF", "COMPTOIR_CUPS_SERVER": cups_server.address}
    before = set(printed_pdfs(cups_server))
    done = cli_orders("print", "picklist", "2020-12-30", extra_env=extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Imprimé sur « PDF » : Liste de préparation du 30/12/2020.\n"
    (printed,) = set(printed_pdfs(cups_server)) - before
    text = pdftotext(printed)
    assert "Liste de préparation — Commandes du 30/12/2020" in text
    assert "Thé de Noël" in text and LONG in text


def test_print_picklist_without_a_day_prints_today(  # type: ignore[no-untyped-def]
    cli_orders, cups_server: CupsServer, tmp_path: Path
) -> None:
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Europe/Paris"))
    doc = order_doc(number="AUJ-1", placed_at=now.replace(microsecond=0).isoformat())
    doc["lines"][0]["product"] = "Confiture de figues"
    done = cli_orders("import", str(write_json(tmp_path / "today.json", doc)))
    assert done.returncode == 0, done.stderr
    extra = {"COMPTOIR_PRINTER": "PDF", "COMPTOIR_CUPS_SERVER": cups_server.address}
    before = set(printed_pdfs(cups_server))
    done = cli_orders("print", "picklist", extra_env=extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Imprimé sur « PDF » : Liste de préparation du {now:%d/%m/%Y}")
    (printed,) = set(printed_pdfs(cups_server)) - before
    assert "Confiture de figues" in pdftotext(printed)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "comptoir: Aucune imprimante de pages : définissez COMPTOIR_PRINTER"),
        ({"COMPTOIR_PRINTER": "Bureau"}, "comptoir: File d'impression « Bureau » inconnue sur "),
        ({"COMPTOIR_PRINTER": "PDF", "DAY": "2021-03-01"}, "comptoir: Rien à préparer : Liste"),
        ({"COMPTOIR_PRINTER": "PDF", "DAY": "2021-02-30"}, "comptoir: Aucune commande n° 2021"),
    ],
)
def test_print_picklist_fails_in_one_line_and_exit_1(  # type: ignore[no-untyped-def]
    cli_orders, cups_server: CupsServer, extra: dict[str, str], expected: str
) -> None:
    day = extra.pop("DAY", "2020-12-30")
    before = set(printed_pdfs(cups_server))
    done = cli_orders(
        "print", "picklist", day, extra_env={"COMPTOIR_CUPS_SERVER": cups_server.address, **extra}
    )
    assert done.returncode == 1
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1
    assert done.stdout == ""
    assert set(printed_pdfs(cups_server)) == before  # nothing printed, not even a blank page


def test_print_picklist_with_cups_stopped_is_one_line_and_exit_1(cli_orders) -> None:  # type: ignore[no-untyped-def]
    server = CupsServer().start()
    server.add_pdf_queue("PDF")
    address = server.address
    server.stop()
    extra = {"COMPTOIR_PRINTER": "PDF", "COMPTOIR_CUPS_SERVER": address}
    done = cli_orders("print", "picklist", "2020-12-30", extra_env=extra)
    assert done.returncode == 1
    assert done.stderr == (
        f"comptoir: Serveur d'impression CUPS injoignable ({address}) : est-il démarré ?\n"
    )


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("ticket", {}, "comptoir: Aucune imprimante de tickets : définissez"),
        ("invoice", {}, "comptoir: Aucune imprimante de pages : définissez COMPTOIR_PRINTER"),
        ("slip", {"COMPTOIR_PRINTER": "Bureau"}, "comptoir: File d'impression « Bureau » inconnue"),
    ],
)
def test_print_fails_with_one_line_and_exit_1(  # type: ignore[no-untyped-def]
    cli_orders, cups_server: CupsServer, kind: str, extra: dict[str, str], expected: str
) -> None:
    done = cli_orders(
        "print", kind, LONG, extra_env={"COMPTOIR_CUPS_SERVER": cups_server.address, **extra}
    )
    assert done.returncode == 1
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_a_printer_that_is_off_or_vanishes_is_exit_1_never_a_silent_half(cli_orders) -> None:  # type: ignore[no-untyped-def]
    off = ReceiptListener("refuse").start()
    done = cli_orders("print", "ticket", LONG, extra_env={"COMPTOIR_RECEIPT_PRINTER": off.url})
    assert done.returncode == 1
    assert done.stderr == (
        f"comptoir: Imprimante de tickets tcp://127.0.0.1:{off.port} éteinte ou injoignable "
        "(connexion refusée).\n"
    )
    with ReceiptListener("vanish", vanish_after=100) as printer:
        done = cli_orders(
            "print", "ticket", LONG, extra_env={"COMPTOIR_RECEIPT_PRINTER": printer.url}
        )
    assert done.returncode == 1
    assert "a coupé la connexion pendant l'impression" in done.stderr


def test_a_day_of_tickets_stops_at_the_first_failure_and_says_how_far(cli_orders) -> None:  # type: ignore[no-untyped-def]
    with ReceiptListener("vanish", vanish_after=100) as printer:
        done = cli_orders(
            "print", "ticket", "2020-12-30", extra_env={"COMPTOIR_RECEIPT_PRINTER": printer.url}
        )
    assert done.returncode == 1
    assert done.stderr.startswith("comptoir: L'imprimante de tickets ")


def test_an_unknown_order_or_kind_is_one_line(cli_orders) -> None:  # type: ignore[no-untyped-def]
    done = cli_orders("print", "slip", "NOPE-1")
    assert (done.returncode, done.stderr) == (1, "comptoir: Aucune commande n° NOPE-1.\n")
    done = cli_orders("print", "ticket", "2020-02-30")
    assert (done.returncode, done.stderr) == (1, "comptoir: Aucune commande n° 2020-02-30.\n")


def test_a_receipt_printer_adds_nothing_to_the_start_path(tmp_path: Path) -> None:
    """python-escpos (Pillow, qrcode…) is imported after the first paint, never on the way."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from app.config import load_config\n"
        "config = load_config()\n"
        "assert config.receipt_printer\n"
        "import app.tui.app, app.printing.jobs, screens.order\n"
        "print(sorted(m for m in ('escpos', 'PIL', 'qrcode', 'barcode') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            "COMPTOIR_HOME": str(tmp_path),
            "COMPTOIR_RECEIPT_PRINTER": "tcp://127.0.0.1:9100?width=58",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        },
        check=True,
    )
    assert done.stdout.strip() == "[]"


# -- mail a document (storage rules: SQLite and PostgreSQL) ---------------------------------


def test_the_mail_choices_and_a_document_queued_once(orders: Config) -> None:
    from app.errors import ValidationError
    from app.messages.documents import mail_choices, queue_document_mail
    from storage.models import Document, Notification

    invoice = Document.get(Document.kind == "invoice", Document.order == 1).number
    choices = mail_choices(LONG)
    assert [(c.attachment, c.audience) for c in choices] == [
        (f"document:{invoice}", "customer"),
        (f"document:{invoice}", "seller"),
        ("order", "seller"),
        ("slip", "seller"),
    ]
    assert choices[0].label == f"Facture {invoice} → camille.martin@example.org"
    note, new = queue_document_mail(LONG, f"document:{invoice}", "customer", config=orders)
    assert new and note.recipient == "camille.martin@example.org"
    again, new = queue_document_mail(LONG, f"document:{invoice}", "customer", config=orders)
    assert (again.id, new) == (note.id, False)
    Notification.update(state="sent").where(Notification.id == note.id).execute()
    _third, new = queue_document_mail(LONG, f"document:{invoice}", "customer", config=orders)
    assert new  # sent already: asking again sends it again
    with pytest.raises(ValidationError, match="Seules la facture et les avoirs partent"):
        queue_document_mail(LONG, "slip", "customer", config=orders)
    with pytest.raises(ValidationError, match="n'est pas celui de la commande D-0002"):
        queue_document_mail("D-0002", f"document:{invoice}", "seller", config=orders)


async def test_the_packing_slip_mailed_to_the_shop_carries_its_pdf(orders: Config) -> None:
    from dataclasses import replace

    from app.messages.documents import queue_document_mail
    from app.messages.notifier import Notifier
    from app.shop.profile import save_profile
    from storage.models import Notification
    from tests.notifier_servers import SmtpServer

    save_profile(name="Épicerie", email="boutique@example.org")
    Notification.update(state="withdrawn").execute()  # the intake's own messages stay out
    with SmtpServer() as server:
        config = replace(orders, smtp_url=server.url)
        queue_document_mail(LONG, "slip", "seller", config=config, by="Léa")
        result = await Notifier(config, "test").drain(retry_wait=5)
        assert (result.sent, result.errors) == (1, [])
        (mail,) = server.recorder.received
    assert mail["To"] == "boutique@example.org"
    assert str(mail["Subject"]).strip() == f"Épicerie : Bon de livraison de la commande {LONG}"
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == f"bon-de-livraison-{LONG}.pdf"
    assert attached.get_content().startswith(b"%PDF-")
    assert "Ci-joint : Bon de livraison de la commande" in mail.get_body(("plain",)).get_content()
