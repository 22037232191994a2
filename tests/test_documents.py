"""Order, invoice and credit note PDFs: content, French formats, escaping, wkhtmltopdf's quirks."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import locations
from app.cli import main
from app.config import Config
from app.documents.pdf import command_line, html_to_pdf, is_pdf, wkhtmltopdf_path
from app.documents.render import (
    invoice_of,
    render_document_pdf,
    render_month,
    render_order_pdf,
    write_invoice_pdf,
    write_order_documents,
    write_order_pdf,
)
from app.errors import ComptoirError, NotFoundError
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from storage.db import open_database
from tests.docs_fixtures import MIXED, PROFILE, mixed_order, pdf_text, set_up_shop, squeeze
from tests.factories import order_doc

SEED_FIRST = "5fec417c-c1f882001c-318c84-001"


@pytest.fixture
def shop(sqlite_url: str, config: Config, tmp_path: Path, seed_path: Path) -> str:
    open_database(sqlite_url, timezone=config.timezone)
    set_up_shop(tmp_path, config, mixed_order())
    from app.intake.files import import_files

    import_files([seed_path], config=config)
    return sqlite_url


def test_order_pdf_holds_the_order_its_lines_vat_per_rate_and_totals(
    shop: str, tmp_path: Path
) -> None:
    text = pdf_text(render_order_pdf(MIXED), tmp_path)
    flat = squeeze(text)
    assert MIXED in text
    assert "Café moulu Éthiopie" in text and "Tasse en grès" in text
    assert "Hugo Bernard" in text and "4 place Bellecour, 69002 Lyon" in text
    assert "Livraison le 21/01 entre 9 h et 12 h" in text
    assert "COMMANDE EFFECTUÉE LE" in text and "20/01/2021 10:15" in text
    # lines: unit price, line total, rate
    assert "7,50 €" in text and "15,00 €" in text and "12,00 €" in text
    # VAT per rate (shipping split 2,72 € / 2,18 €): rate, HT, VAT, TTC
    assert "20,00%11,82€2,36€14,18€" in flat
    assert "5,50%16,80€0,92€17,72€" in flat
    assert "TotalHT28,62€" in flat and "TotalTVA3,28€" in flat and "TotalTTC31,90€" in flat
    assert "Frais de port" in text and "4,90 €" in text
    assert "Commande Enregistrée" in text


def test_invoice_has_the_legal_mentions_of_a_french_invoice(shop: str, tmp_path: Path) -> None:
    invoice = invoice_of(MIXED)
    assert invoice.number == "F2021-000001"  # imported first
    text = pdf_text(render_document_pdf(invoice.number), tmp_path)
    flat = squeeze(text)
    assert "FACTURE" in text and invoice.number in text
    assert PROFILE["name"] in text and PROFILE["address"] in text
    assert "SIRET 73282932000074" in text and "FR44732829320" in text
    assert "Date d'émission : 20/01/2021" in text and "Date de la vente : 20/01/2021" in text
    assert "Hugo Bernard" in text and "4 place Bellecour, 69002 Lyon" in text
    assert MIXED in text
    assert "Café moulu Éthiopie" in text and "Tasse en grès" in text
    assert "5,50%16,80€0,92€17,72€" in flat and "20,00%11,82€2,36€14,18€" in flat
    assert "TotalTTC31,90€" in flat


def test_credit_note_refers_to_its_invoice(shop: str, config: Config, tmp_path: Path) -> None:
    change_status(MIXED, OrderStatus.CANCELLED, config=config, reason="Rupture de stock")
    paths = write_order_documents(MIXED, tmp_path / "facture.pdf")
    assert len(paths) == 2 and paths[0].name == "facture.pdf"
    assert paths[1].name.startswith("avoir-A") and paths[1].parent == tmp_path
    invoice = invoice_of(MIXED)
    text = pdf_text(paths[1].read_bytes(), tmp_path)
    assert "AVOIR" in text
    assert f"Avoir sur la facture n° {invoice.number} du 20/01/2021" in " ".join(text.split())
    assert "Rupture de stock" in text
    assert "Montantremboursé TTC31,90€".replace(" ", "") in squeeze(text)
    order_text = pdf_text(render_order_pdf(MIXED), tmp_path)
    assert "Annulée" in order_text and "Remboursement intégral de 31,90 €" in order_text


def test_seed_order_in_french_format(shop: str, tmp_path: Path) -> None:
    text = pdf_text(render_order_pdf(SEED_FIRST), tmp_path)
    assert SEED_FIRST in text and "Thé de Noël" in text and "30/12/2020 09:39" in text
    flat = squeeze(text)
    assert "20,00%0,83€0,17€1,00€" in flat and "TotalTTC1,00€" in flat


def test_files_go_to_the_documents_folder_by_default(shop: str) -> None:
    order_path = write_order_pdf(MIXED)
    invoice_path = write_invoice_pdf(MIXED)
    assert order_path.parent == invoice_path.parent == locations.documents_dir()
    assert is_pdf(order_path.read_bytes()) and is_pdf(invoice_path.read_bytes())
    assert invoice_path.name == f"facture-{invoice_of(MIXED).number}.pdf"


def test_an_order_in_error_has_no_invoice(shop: str) -> None:
    with pytest.raises(NotFoundError, match="pas de facture"):
        write_invoice_pdf("601127e4-c1f882001c-63cc24-001")


def test_month_of_invoices_with_progress(shop: str, config: Config, tmp_path: Path) -> None:
    change_status(MIXED, OrderStatus.CANCELLED, config=config, reason="Rupture")
    seen: list[tuple[int, int]] = []
    paths = render_month(2021, 1, progress=lambda d, t: seen.append((d, t)), folder=tmp_path)
    names = sorted(p.name for p in paths)
    # January's orders: two seed invoices, the mixed order's invoice and its credit note
    assert len(names) == 4 and sum(n.startswith("avoir-") for n in names) == 1
    assert all(is_pdf(p.read_bytes()) for p in paths)
    assert seen[0] == (0, 4) and seen[-1] == (4, 4) and len(seen) == 5


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    handler = type("Recorder", (_Recorder,), {"requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler.requests
    finally:
        server.shutdown()
        server.server_close()


def test_markup_in_order_data_is_literal_text_and_loads_nothing(
    sqlite_url: str, config: Config, tmp_path: Path, listener: tuple[int, list[str]]
) -> None:
    port, requests = listener
    img = f'<img src="http://127.0.0.1:{port}/x">'
    frame = '<iframe src="file:///etc/passwd"></iframe>'
    style = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/css">'
    open_database(sqlite_url, timezone=config.timezone)
    doc = order_doc(number="X-1")
    doc["customer"]["name"] = img
    doc["customer"]["address"] = frame
    doc["fulfilment"]["details"] = style
    doc["lines"][0]["product"] = f"<script>document.write('{port}')</script>{img}"
    set_up_shop(tmp_path, config, doc)
    for data in (render_order_pdf("X-1"), render_document_pdf(invoice_of("X-1").number)):
        flat = squeeze(pdf_text(data, tmp_path))
        assert squeeze(img) in flat
        assert squeeze(frame) in flat
        assert "root:x:0:0" not in flat  # /etc/passwd was not read
    assert squeeze(style) in squeeze(pdf_text(render_order_pdf("X-1"), tmp_path))
    assert requests == []


def test_a_pdf_written_despite_a_blocked_resource_is_kept(tmp_path: Path) -> None:
    html = '<html><body><p>Bonjour</p><iframe src="file:///etc/passwd"></iframe></body></html>'
    source = tmp_path / "raw.html"
    source.write_text(html, encoding="utf-8")
    raw = subprocess.run(
        command_line(wkhtmltopdf_path(), str(source), str(tmp_path / "raw.pdf")),
        capture_output=True,
        check=False,
    )
    assert raw.returncode == 1 and is_pdf((tmp_path / "raw.pdf").read_bytes())
    data = html_to_pdf(html)
    assert is_pdf(data) and "Bonjour" in pdf_text(data, tmp_path)


def test_missing_wkhtmltopdf_says_how_to_install_it(
    shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ComptoirError, match="apt-get install --no-install-recommends wkhtmltopdf"):
        render_order_pdf(MIXED)
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", shop)
    assert main(["pdf", MIXED]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "wkhtmltopdf est introuvable" in err
    assert "apt-get install --no-install-recommends wkhtmltopdf" in err


def test_cli_pdf_and_invoice_write_files(
    shop: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", shop)
    assert main(["pdf", MIXED, "-o", str(tmp_path / "c.pdf")]) == 0
    assert is_pdf((tmp_path / "c.pdf").read_bytes())
    assert main(["invoice", MIXED, "-o", str(tmp_path / "f.pdf")]) == 0
    assert is_pdf((tmp_path / "f.pdf").read_bytes())
    assert main(["invoice", "--month", "2021-01", "-o", str(tmp_path / "month")]) == 0
    out, err = capsys.readouterr()
    assert "3 document(s) écrit(s)" in out and "3/3" in err
    assert len(os.listdir(tmp_path / "month")) == 3
    assert main(["pdf", "NOPE"]) == 1
    assert "Aucune commande n° NOPE." in capsys.readouterr().err


def test_html_cannot_set_wkhtmltopdf_options(tmp_path: Path) -> None:
    # pdfkit would read options from <meta name="pdfkit-…"> tags: not from our documents.
    meta = '<meta name="pdfkit-orientation" content="Landscape">'
    html = f"<html><head>{meta}</head><body>x</body></html>"
    target = tmp_path / "meta.pdf"
    target.write_bytes(html_to_pdf(html))
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
    assert "595 x 842 pts (A4)" in info.stdout  # portrait, as we asked


def test_documents_follow_the_language(shop: str, tmp_path: Path) -> None:
    from app.i18n import set_language

    set_language("en")
    text = pdf_text(render_document_pdf(invoice_of(MIXED).number), tmp_path)
    assert "INVOICE" in text and "Total incl. VAT" in text and "€31.90" in text


def test_output_may_be_a_folder_and_an_unwritable_place_is_one_line(
    shop: str, tmp_path: Path
) -> None:
    assert write_order_pdf(MIXED, tmp_path) == tmp_path / f"commande-{MIXED}.pdf"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ComptoirError, match="Impossible d'écrire"):
        write_order_pdf(MIXED, blocker / "sub" / "x.pdf")
