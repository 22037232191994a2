"""Full pages leave through CUPS (issue 14): against a real cupsd with a cups-pdf queue, the
printed PDF read back with pdftotext; every failure one French line, nothing left queued."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.i18n import set_language
from app.printing import PrintError, ipp
from app.printing.cups import print_pdf, submit_pdf, wait_for_job
from tests import cupsd
from tests.cupsd import CupsServer, make_pdf, pdftotext

cups_server = cupsd.cups_server  # the module-scoped fixture, used by name below

PICK_LIST = ["Liste de préparation du 02/01/2021", "Thé de Noël × 3", "Café moulu « Brésil » 250 g"]


def one_line(error: pytest.ExceptionInfo[PrintError]) -> str:
    text = str(error.value)
    assert text and "\n" not in text
    return text


def test_a_pdf_sent_to_the_queue_is_what_cups_pdf_prints(cups_server: CupsServer) -> None:
    job = print_pdf(make_pdf(PICK_LIST), "PDF", server=cups_server.address, title="Liste")
    text = pdftotext(cups_server.printed(job.job_id))
    for line in PICK_LIST:
        assert line in text
    assert ipp.job_state(cups_server.address, int(job.job_id.split("-")[1])).state == (
        ipp.JOB_COMPLETED
    )


def test_a_pdf_file_prints_on_the_server_named_by_cups_server(
    cups_server: CupsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bon de commande.pdf"
    path.write_bytes(make_pdf(["Bon de commande 5fec417c-c1f882001c-318c84-001"]))
    monkeypatch.setenv("CUPS_SERVER", cups_server.address)
    job = print_pdf(path, "PDF")
    assert job.server == cups_server.address
    assert "5fec417c-c1f882001c-318c84-001" in pdftotext(cups_server.printed(job.job_id))


def test_an_unknown_queue_is_one_line_naming_the_queues_there(cups_server: CupsServer) -> None:
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "Comptoir-Bureau", server=cups_server.address)
    assert one_line(error) == (
        f"File d'impression « Comptoir-Bureau » inconnue sur {cups_server.address} (files : PDF)."
    )


def test_the_same_error_reads_in_english(cups_server: CupsServer) -> None:
    set_language("en")
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "Nope", server=cups_server.address)
    assert one_line(error) == (
        f"Unknown print queue “Nope” on {cups_server.address} (queues: PDF)."
    )


def test_a_stopped_cupsd_is_one_line() -> None:
    server = CupsServer().start()
    server.add_pdf_queue("PDF")
    address = server.address
    server.stop()
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "PDF", server=address)
    assert one_line(error) == (
        f"Serveur d'impression CUPS injoignable ({address}) : est-il démarré ?"
    )


def test_a_job_the_backend_aborts_is_an_error(cups_server: CupsServer) -> None:
    cups_server.add_pdf_queue("ABORTS", broken=True, error_policy="abort-job")
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "ABORTS", server=cups_server.address, timeout=20)
    assert one_line(error).startswith("Impression abandonnée par CUPS sur « ABORTS »")


def test_a_job_cups_holds_for_a_later_retry_is_cancelled_and_reported(
    cups_server: CupsServer,
) -> None:
    cups_server.add_pdf_queue("RETRIES", broken=True, error_policy="retry-job")
    job = submit_pdf(make_pdf(["x"]), "RETRIES", server=cups_server.address)
    with pytest.raises(PrintError) as error:
        wait_for_job(job, timeout=20)
    assert one_line(error).startswith("Impression impossible sur « RETRIES » (")
    number = int(job.job_id.split("-")[1])
    assert ipp.job_state(cups_server.address, number).state == ipp.JOB_CANCELED


def test_a_stopped_printer_fails_at_once_and_leaves_nothing_queued(
    cups_server: CupsServer,
) -> None:
    cups_server.add_pdf_queue("PAUSED")
    cups_server.admin("cupsdisable", "PAUSED")
    job = submit_pdf(make_pdf(["x"]), "PAUSED", server=cups_server.address)
    with pytest.raises(PrintError) as error:
        wait_for_job(job, timeout=20)
    assert one_line(error) == (
        "Imprimante « PAUSED » arrêtée (Paused) : impression annulée, "
        "relancez-la une fois l'imprimante remise en route."
    )
    number = int(job.job_id.split("-")[1])
    assert ipp.job_state(cups_server.address, number).state == ipp.JOB_CANCELED


def test_a_job_not_done_in_time_is_cancelled(cups_server: CupsServer) -> None:
    # Converting even one page takes CUPS a tenth of a second: a zero delay is always past.
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "PDF", server=cups_server.address, timeout=0)
    assert one_line(error).startswith("L'impression sur « PDF » n'est pas terminée après 0 s (")


def test_lpstat_shows_an_aborted_job_like_a_completed_one(cups_server: CupsServer) -> None:
    """Why app.printing.ipp exists: lpstat's listing cannot tell the two apart."""
    cups_server.add_pdf_queue("LPSTAT", broken=True, error_policy="abort-job")
    done = print_pdf(make_pdf(["x"]), "PDF", server=cups_server.address)
    aborted = submit_pdf(make_pdf(["x"]), "LPSTAT", server=cups_server.address)
    with pytest.raises(PrintError):
        wait_for_job(aborted, timeout=20)
    listing = subprocess.run(
        ["lpstat", "-h", cups_server.address, "-l", "-W", "completed", "-o", "PDF", "LPSTAT"],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    ).stdout
    alerts: dict[str, str] = {}
    job = ""
    for line in listing.splitlines():
        if not line.startswith("\t"):
            job = line.split(" ", 1)[0]
        elif "Alerts:" in line:
            alerts[job] = line.strip()
    assert alerts[done.job_id] == alerts[aborted.job_id], listing
    states = {
        ipp.job_state(cups_server.address, int(j.job_id.split("-")[1])).state
        for j in (done, aborted)
    }
    assert states == {ipp.JOB_COMPLETED, ipp.JOB_ABORTED}


def test_what_is_not_a_pdf_or_has_no_queue_never_reaches_cups(tmp_path: Path) -> None:
    with pytest.raises(PrintError) as error:
        print_pdf(b"<html>not a pdf</html>", "PDF", server="127.0.0.1:9")
    assert one_line(error) == "Le document à imprimer n'est pas un PDF."
    with pytest.raises(PrintError) as error:
        print_pdf(make_pdf(["x"]), "", server="127.0.0.1:9")
    assert "COMPTOIR_PRINTER" in one_line(error)
    with pytest.raises(PrintError) as error:
        print_pdf(tmp_path / "absent.pdf", "PDF", server="127.0.0.1:9")
    assert one_line(error).startswith("Document à imprimer illisible : ")


def test_a_file_name_with_a_space_kills_debians_cupsd_so_print_pdf_never_sends_one(
    tmp_path: Path,
) -> None:
    """Why print_pdf always feeds lp its standard input, even for a file."""
    path = tmp_path / "bon de commande.pdf"
    path.write_bytes(make_pdf(["Bon de commande"]))
    server = CupsServer().start()
    try:
        server.add_pdf_queue("PDF")
        job = print_pdf(path, "PDF", server=server.address)
        assert "Bon de commande" in pdftotext(server.printed(job.job_id))
        subprocess.run(["lp", "-h", server.address, "-d", "PDF", str(path)], capture_output=True)
        with pytest.raises(PrintError) as error:
            print_pdf(path, "PDF", server=server.address)
        assert one_line(error).startswith("Serveur d'impression CUPS injoignable")
    finally:
        server.stop()
