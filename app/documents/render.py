"""The order, invoice and credit note as HTML (Jinja2, autoescaped) and as PDF files."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app import locations
from app.documents.facturx import facturx_xml, with_facturx
from app.documents.pdf import html_to_pdf, write_file
from app.documents.records import RecordView, capital_text
from app.documents.views import (
    document_view,
    get_document,
    order_documents,
    order_sheet,
)
from app.errors import ComptoirError, NotFoundError
from app.i18n import _, format_day, format_local_datetime, format_money, format_rate, language
from app.orders.rules import get_order, mode_label, status_label
from storage.models import Document, Order

Progress = Callable[[int, int], None]

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the documents: autoescape on for every template."""
    env = Environment(
        loader=PackageLoader("app", "templates/documents"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = format_money
    env.filters["rate"] = format_rate
    env.filters["day"] = format_day
    env.filters["moment"] = format_local_datetime
    env.globals["_"] = _
    env.globals["status_label"] = status_label
    env.globals["mode_label"] = mode_label
    return env


def _render(template: str, **context: object) -> str:
    return environment().get_template(template).render(lang=language(), **context)


def order_html(number: str) -> str:
    """The order detail page of order `number` as HTML."""
    order = get_order(number)
    from app.shop.profile import load_profile

    view, sheet = order_sheet(order)
    seller = load_profile()
    return _render(
        "order.html",
        order=view,
        sheet=sheet,
        seller=seller,
        capital=capital_text(seller),
        franchise=seller.franchise,
        exemption="",
    )


def record_html(view: RecordView) -> str:
    """An invoice or credit note as HTML, from its record alone (in its recorded wording)."""
    template = "invoice.html" if view.kind == "invoice" else "credit_note.html"
    return _render(
        template,
        doc=view,
        order=view.order,
        seller=view.seller,
        capital=capital_text(view.seller),
        franchise=view.franchise,
        exemption=view.exemption,
        _=view.translator(),
    )


def packing_slip_html(number: str, notes: tuple[str, ...] = ()) -> str:
    """The packing slip of order `number` (A4, no prices), with the staff's `notes`."""
    order = get_order(number)
    from app.shop.profile import load_profile

    view, sheet = order_sheet(order)
    seller = load_profile()
    return _render(
        "packing_slip.html",
        order=view,
        sheet=sheet,
        seller=seller,
        notes=notes,
        capital=capital_text(seller),
        franchise=seller.franchise,
        exemption="",
    )


def render_packing_slip_pdf(number: str, notes: tuple[str, ...] = ()) -> bytes:
    """The packing slip's PDF."""
    return html_to_pdf(packing_slip_html(number, notes))


def document_html(document: Document) -> str:
    """The invoice or credit note `document` as HTML."""
    return record_html(document_view(document))


def render_order_pdf(number: str) -> bytes:
    """The order's PDF (everything of the order detail)."""
    return html_to_pdf(order_html(number))


def document_pdf(document: Document) -> bytes:
    """The PDF of `document`, from its record alone; a business customer's carries its
    Factur-X XML (EN 16931), embedded after wkhtmltopdf."""
    view = document_view(document)
    return with_facturx(html_to_pdf(record_html(view)), view)


def render_document_pdf(document_number: str) -> bytes:
    """The PDF of the invoice or credit note with this number (F2021-000001, A2021-000001)."""
    return document_pdf(get_document(document_number))


def _safe_name(text: str) -> str:
    """`text` as a file name: itself when it is one, else folded plus a hash of the original.

    Folding alone made « A/1 » and « A_1 » (or « é-1 » and « e-1 ») the same file, so one
    order's PDF overwrote the other's. A folded name ends in « ~ » and 10 hex digits of the
    number's SHA-256; « ~ » never survives folding, so no number written as is can look like
    a folded one, and two folded ones differ unless 40 bits of their hashes collide.
    """
    safe = _UNSAFE_IN_NAME.sub("_", text).strip("._") or "document"
    if safe == text:
        return safe
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe}~{digest}"


def order_pdf_name(number: str) -> str:
    """The default file name of an order's PDF."""
    return f"commande-{_safe_name(number)}.pdf"


def packing_slip_pdf_name(number: str) -> str:
    """The default file name of an order's packing slip."""
    return f"bon-de-livraison-{_safe_name(number)}.pdf"


def document_pdf_name(document_number: str) -> str:
    """The default file name of an invoice (facture-…) or credit note (avoir-…)."""
    prefix = "avoir" if document_number.startswith("A") else "facture"
    return f"{prefix}-{_safe_name(document_number)}.pdf"


_write = write_file


def _target(path: Path | None, name: str) -> Path:
    """`path`, or `name` inside it when it is a folder, or in the documents folder if None."""
    if path is None:
        return locations.documents_dir() / name
    return path / name if path.is_dir() else path


def write_order_pdf(number: str, path: Path | None = None) -> Path:
    """Write the order's PDF to `path` (a file or folder; default: the documents folder)."""
    data = render_order_pdf(number)
    return _write(_target(path, order_pdf_name(get_order(number).number)), data)


def write_document_pdf(document_number: str, path: Path | None = None) -> Path:
    """Write the invoice or credit note's PDF (to a file or folder, as write_order_pdf)."""
    document = get_document(document_number)
    data = document_pdf(document)
    return _write(_target(path, document_pdf_name(document.number)), data)


def document_xml_name(document_number: str) -> str:
    """The default file name of a document's Factur-X XML (facture-….xml, avoir-….xml)."""
    return document_pdf_name(document_number).removesuffix(".pdf") + ".xml"


def write_invoice_xml(number: str, path: Path | None = None) -> Path:
    """Write the Factur-X XML of order `number`'s invoice alone; ComptoirError for a
    consumer's (no Factur-X)."""
    document = invoice_of(number)
    data = facturx_xml(document_view(document))
    return _write(_target(path, document_xml_name(document.number)), data)


def invoice_of(number: str) -> Document:
    """The invoice of order `number`, or NotFoundError (orders in error have none)."""
    for document in order_documents(number):
        if document.kind == "invoice":
            return document
    from app.shop.profile import load_profile, missing_labels

    profile = load_profile()
    if get_order(number).status != "error" and profile.missing_for_invoices:
        raise ComptoirError(
            _(
                "Facture en attente : le profil n'indique pas {fields} (comptoir profile).",
                fields=missing_labels(profile),
            )
        )
    raise NotFoundError(
        _("La commande {number} n'a pas de facture (paiement en erreur).", number=number)
    )


def write_invoice_pdf(number: str, path: Path | None = None) -> Path:
    """Write the invoice of order `number`; return where. See write_order_documents for all."""
    return write_document_pdf(invoice_of(number).number, path)


def write_order_documents(number: str, path: Path | None = None) -> list[Path]:
    """Write the order's invoice and, if cancelled, its credit note(s); return the paths.

    `path` names the invoice file; credit notes go beside it under their own names.
    """
    invoice = invoice_of(number)
    written = [write_document_pdf(invoice.number, path)]
    folder = written[0].parent
    for document in order_documents(number):
        if document.kind == "credit":
            written.append(
                write_document_pdf(document.number, folder / document_pdf_name(document.number))
            )
    return written


def month_documents(year: int, month: int) -> list[Document]:
    """The invoices and credit notes of the orders placed in the month (the Finances rows)."""
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1)
    return list(
        Document.select()
        .join(Order)
        .where((Order.placed_day >= first) & (Order.placed_day < last))
        .order_by(Order.placed_at, Order.id, Document.id)
    )


def render_month(
    year: int,
    month: int,
    progress: Progress | None = None,
    folder: Path | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write the PDF of every invoice and credit note of the month's orders; return the paths.

    The HTML is built here (database reads), then one wkhtmltopdf process per document runs
    on each core. `progress(done, total)` is called after each document, from this thread.
    """
    folder = folder or locations.documents_dir() / f"{year:04d}-{month:02d}"
    documents = month_documents(year, month)
    total = len(documents)
    if progress:
        progress(0, total)
    if not documents:
        return []
    jobs = []
    for document in documents:
        view = document_view(document)
        jobs.append((folder / document_pdf_name(document.number), record_html(view), view))

    def one(job: tuple[Path, str, RecordView]) -> Path:
        target, html, view = job
        return _write(target, with_facturx(html_to_pdf(html), view))

    # Threads suffice: each one waits on its own wkhtmltopdf process, which does the work.
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        futures = [pool.submit(one, job) for job in jobs]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if progress:
                    progress(done, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [future.result() for future in futures]
