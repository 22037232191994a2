"""Printing and mailing from the screens (issue 14), against real parts: the receipt printer is
a TCP listener on 127.0.0.1 (its ESC/POS bytes checked), the page printer a cupsd with a
cups-pdf queue (the printed PDF read back with pdftotext), the mail an aiosmtpd server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from app.config import Config
from app.intake.files import import_files
from app.messages.notifier import Notifier
from app.printing.cups import known_queues
from screens.choose import ChooseModal
from screens.finances import FinancesScreen
from screens.goto import GoToOrderScreen
from screens.order import OrderScreen
from screens.preparation import PreparationScreen
from storage.db import open_database
from storage.models import Document, Notification, database
from tests import cupsd
from tests.cupsd import CupsServer, pdftotext
from tests.escpos_listener import ReceiptListener
from tests.factories import order_doc, write_json
from tests.notifier_servers import SmtpServer
from tests.tui import app_for, notifications, screen_text, settle

cups_server = cupsd.cups_server  # module-scoped: one cupsd for the file

SHORT = "T-0001"  # fits a hardware Code 128 on 80 mm paper
LONG = "5fec417c-c1f882001c-318c84-001"  # the seed's marketplace number
IMPORTED_AT = datetime(2020, 12, 30, 8, 45)


@pytest.fixture
def shop(sqlite_url: str, seed_path: Path, tmp_path: Path) -> Iterator[Config]:
    """The seed and one short-numbered order (two lines, a delivery) on SQLite, sold by a
    complete seller (no invoice is issued without one)."""
    from app.shop.profile import save_profile

    config = Config(database_url=sqlite_url, undo_seconds=20)
    open_database(sqlite_url, timezone=config.timezone)
    save_profile(name="Épicerie", address="1 rue du Marché, 69001 Lyon", siret="73282932000074")
    import_files([seed_path], config=config, now=IMPORTED_AT)
    doc = order_doc(number=SHORT)
    import_files([write_json(tmp_path / "short.json", doc)], config=config, now=IMPORTED_AT)
    yield config
    database.close()


async def until(pilot: Pilot[None], check: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await settle(pilot)
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return bool(check())  # type: ignore[operator]


def notice(app: object) -> str:
    content = app.screen.query_one("#order-notice", Static).content  # type: ignore[attr-defined]
    return getattr(content, "plain", str(content))


def cups_config(shop: Config, server: CupsServer, queue: str = "PDF") -> Config:
    return replace(shop, printer=queue, cups_server=server.address)


def printed_pdfs(server: CupsServer, queue: str = "PDF") -> list[Path]:
    """What cups-pdf wrote on `queue`, oldest first."""
    return sorted((server.tmpdir / "out" / queue).glob("*.pdf"))  # type: ignore[operator]


def queues_on(server: CupsServer) -> str:
    """The queues the error names: the module's cupsd gains some as its tests run."""
    return ", ".join(known_queues(server.address))


def footer_text(app: object) -> str:
    return screen_text(app)


# -- the order ticket -----------------------------------------------------------------------


async def test_P_then_t_prints_the_order_ticket_on_the_receipt_printer(shop: Config) -> None:
    with ReceiptListener() as printer:
        config = replace(shop, receipt_printer=printer.url)
        app = app_for(config, order=SHORT)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, OrderScreen)
            # The footer says where P prints: the receipt printer (and the queue).
            assert f"P Imprimer → tickets 127.0.0.1:{printer.port}" in footer_text(app)
            await pilot.press("P")
            await settle(pilot)
            assert isinstance(app.screen, ChooseModal)
            await pilot.press("t")
            assert await until(pilot, lambda: printer.jobs and "Imprimé" in notice(app))
            assert notice(app) == (
                f"Imprimé sur tcp://127.0.0.1:{printer.port} : Ticket de la commande {SHORT}."
            )
        job = printer.job(0)
    assert job.startswith(b"\x1b@")  # initialise
    assert b"\x1dk" in job and b"{B" + SHORT.encode() in job  # GS k, Code 128 set B
    assert b"Client : " in job and b"[ ] " in job  # customer, a tick box per line
    assert job.rstrip(b"\n").endswith(b"\x1dVA\x00") or b"\x1dV" in job[-8:]  # the cut


async def test_a_printer_that_is_off_is_one_line_and_R_prints_once_it_is_back(
    shop: Config,
) -> None:
    off = ReceiptListener("refuse").start()
    config = replace(shop, receipt_printer=off.url)
    app = app_for(config, order=SHORT)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "Réessayer" not in footer_text(app)  # nothing to retry yet
        await pilot.press("P", "t")
        assert await until(pilot, lambda: "R pour réessayer" in notice(app))
        assert notice(app) == (
            f"Imprimante de tickets tcp://127.0.0.1:{off.port} éteinte ou injoignable "
            "(connexion refusée) — R pour réessayer."
        )
        assert "\n" not in notice(app)
        assert "R Réessayer" in footer_text(app)
        with ReceiptListener(port=off.port) as back:
            await pilot.press("R")
            assert await until(pilot, lambda: back.jobs and "Imprimé" in notice(app))
            assert b"{B" + SHORT.encode() in back.job(0)
            assert len(back.jobs) == 1
        assert "R Réessayer" not in footer_text(app)


async def test_a_printer_that_vanishes_mid_ticket_is_an_error_never_a_silent_half(
    shop: Config,
) -> None:
    with ReceiptListener("vanish", vanish_after=40) as printer:
        app = app_for(replace(shop, receipt_printer=printer.url), order=LONG)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("P", "t")
            assert await until(pilot, lambda: "R pour réessayer" in notice(app))
            assert "a coupé la connexion pendant l'impression" in notice(app)
            assert "le ticket est incomplet" in notice(app)


async def test_the_screen_stays_live_while_a_ticket_waits_for_a_slow_printer(
    shop: Config,
) -> None:
    """A printer that never confirms: the job waits in its worker, keys still work."""
    with ReceiptListener("silent") as printer:
        app = app_for(replace(shop, receipt_printer=printer.url), order=SHORT)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("P", "t")
            await pilot.pause(0.3)
            started = time.monotonic()
            await pilot.press("question_mark")  # the help screen opens at once
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            assert time.monotonic() - started < 1.0
            await pilot.press("escape")
            app.workers.cancel_group(app.screen, "print")


# -- full pages on CUPS ---------------------------------------------------------------------


async def test_P_then_b_prints_the_packing_slip_without_prices(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server), order=LONG)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "Imprimer → PDF" in footer_text(app)
        await pilot.press("P", "b")
        assert await until(pilot, lambda: "Imprimé" in notice(app) or "R pour" in notice(app))
        assert notice(app) == f"Imprimé sur « PDF » : Bon de livraison {LONG}."
    text = pdftotext(printed_pdfs(cups_server)[-1])
    assert "BON DE LIVRAISON" in text and LONG in text
    assert "Camille Martin" in text
    assert "€" not in text  # no price anywhere


async def test_an_unknown_queue_is_one_line_and_R_retries_it(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server, "Bureau"), order=LONG)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "f")
        assert await until(pilot, lambda: "R pour réessayer" in notice(app))
        assert notice(app) == (
            f"File d'impression « Bureau » inconnue sur {cups_server.address} "
            f"(files : {queues_on(cups_server)}) "
            "— R pour réessayer."
        )
        cups_server.add_pdf_queue("Bureau")
        await pilot.press("R")
        assert await until(pilot, lambda: "Imprimé" in notice(app))
        invoice = Document.get(Document.kind == "invoice", Document.order == 1).number
        assert notice(app) == f"Imprimé sur « Bureau » : Facture {invoice}."
    printed = printed_pdfs(cups_server, "Bureau")
    assert len(printed) == 1 and invoice in pdftotext(printed[0])


async def test_finances_P_prints_the_selected_invoice(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server), order=LONG)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = FinancesScreen(2020, 12)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.view is not None and screen.view.rows
        row = screen.view.rows[0]
        assert "Imprimer → PDF" in footer_text(app)
        before = set(printed_pdfs(cups_server))
        await pilot.press("P")

        def printed() -> set[Path]:
            return set(printed_pdfs(cups_server)) - before

        assert await until(pilot, lambda: printed() and not app.workers)
    assert row.document_number in pdftotext(next(iter(printed())))


# -- the pick list (Préparation, 4) ---------------------------------------------------------


PREP_DAY = date(2020, 12, 30)  # the seed's order, still to prepare


async def open_preparation(pilot: Pilot[None]) -> None:
    """`4` from Commandes: the pick list of « today » (30/12/2020: the seed's order)."""
    await settle(pilot)
    await pilot.press("4")
    assert await until(pilot, lambda: "Thé de Noël" in screen_text(pilot.app))


async def test_P_on_the_preparation_screen_prints_the_pick_list_shown(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server), today=PREP_DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_preparation(pilot)
        assert isinstance(app.screen, PreparationScreen)
        assert "P Imprimer → PDF" in footer_text(app)  # where it goes
        before = set(printed_pdfs(cups_server))
        await pilot.press("P")
        title = "Liste de préparation du 30/12/2020"
        assert notifications(app)[-1] == f"Impression : {title} → « PDF »…"
        assert await until(pilot, lambda: f"Imprimé sur « PDF » : {title}." in notifications(app))
        assert "R Réessayer" not in footer_text(app)
        (printed,) = set(printed_pdfs(cups_server)) - before
        await pilot.press("right")  # 31/12/2020: nothing to prepare, nothing printed
        assert await until(pilot, lambda: "rien à préparer" in screen_text(app))
        await pilot.press("P")
        await settle(pilot)
        assert notifications(app)[-1] == ("Rien à préparer : Liste de préparation du 31/12/2020.")
        await app.workers.wait_for_complete()
    assert set(printed_pdfs(cups_server)) - before == {printed}
    text = pdftotext(printed)
    assert "Liste de préparation — Commandes du 30/12/2020" in text
    assert "Thé de Noël" in text and LONG in text


async def test_P_on_the_preparation_screen_with_no_queue_fails_in_one_line_and_R_retries(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server, "Reserve"), today=PREP_DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_preparation(pilot)
        await pilot.press("P")
        assert await until(pilot, lambda: "R pour réessayer" in notifications(app)[-1])
        assert notifications(app)[-1] == (
            f"File d'impression « Reserve » inconnue sur {cups_server.address} "
            f"(files : {queues_on(cups_server)}) "
            "— R pour réessayer."
        )
        assert "R Réessayer" in footer_text(app)
        await pilot.press("right")  # the screen stays live: the next day, then back
        await settle(pilot)
        await pilot.press("left")
        cups_server.add_pdf_queue("Reserve")
        await pilot.press("R")
        assert await until(pilot, lambda: "Imprimé sur « Reserve »" in notifications(app)[-1])
        assert "R Réessayer" not in footer_text(app)
    (printed,) = printed_pdfs(cups_server, "Reserve")
    assert "Thé de Noël" in pdftotext(printed)


async def test_the_preparation_footer_names_a_long_queue_only_where_it_fits(
    shop: Config, cups_server: CupsServer
) -> None:
    app = app_for(cups_config(shop, cups_server, "Comptoir-Bureau-Etage"), today=PREP_DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_preparation(pilot)
        assert "P Imprimer → Comptoir-Bureau-Etage" in footer_text(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert footer.rstrip().endswith("o À retirer P Imprimer")


async def test_the_preparation_footer_says_when_no_queue_is_set(shop: Config) -> None:
    app = app_for(shop, today=PREP_DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_preparation(pilot)
        assert "P Imprimer (non configuré)" in footer_text(app)
        await pilot.press("P")
        assert await until(pilot, lambda: "R pour réessayer" in notifications(app)[-1])
        assert notifications(app)[-1].startswith(
            "Aucune imprimante de pages : définissez COMPTOIR_PRINTER"
        )


# -- scanning the ticket back ---------------------------------------------------------------


async def test_a_keyboard_wedge_scan_into_g_opens_the_order(shop: Config) -> None:
    """The scanner types the ticket's number as one fast burst of keys, then Enter."""
    app = app_for(shop, order=SHORT)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # back to Commandes
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GoToOrderScreen)
        # Every key posted at once, no pause between them: as a scanner's burst arrives.
        for char in LONG:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", None))
        assert await until(
            pilot, lambda: isinstance(app.screen, OrderScreen) and app.screen.number == LONG
        )


# -- mail a document ------------------------------------------------------------------------


async def test_m_mails_the_invoice_to_the_customer_once_through_the_outbox(
    shop: Config,
) -> None:
    with SmtpServer() as server:
        config = replace(shop, smtp_url=server.url)
        app = app_for(config, order=LONG)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, ChooseModal)
            assert app.screen.choices[0].label.startswith("Facture F")
            await pilot.press("a")  # the first choice: the invoice to the customer
            assert await until(pilot, lambda: "file d'envoi" in notice(app))
            await pilot.press("e", "a")  # again, while it waits: nothing more is queued
            assert await until(pilot, lambda: "attend déjà" in notice(app))
            table = app.screen.query_one("#order-notifications")
            channels = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]  # Canal
            assert sum("Courriel · Facture F" in c for c in channels) == 1
        result = await Notifier(config, "test").drain(retry_wait=5)
        assert not result.errors
        invoice = Document.get(Document.kind == "invoice", Document.order == 1).number
        # The seed's own messages go too; the invoice's mail is one, and once.
        (mail,) = [m for m in server.recorder.received if invoice in str(m["Subject"])]
    assert mail["To"] == "camille.martin@example.org"
    assert invoice in str(mail["Subject"])
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == f"facture-{invoice}.pdf"
    assert attached.get_content().startswith(b"%PDF-")
    note = Notification.get(Notification.template == "document")
    assert note.state == "sent" and note.attachment == f"document:{invoice}"
