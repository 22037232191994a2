"""Documents: the order PDF, French invoices and credit notes (Jinja2 + wkhtmltopdf).

Free of Textual: the CLI, the screens and the notifier (new-order mail attachment) call these.
"""

from app.documents.pdf import INSTALL_HINT, html_to_pdf, is_pdf, wkhtmltopdf_path
from app.documents.render import (
    document_html,
    invoice_of,
    month_documents,
    order_html,
    render_document_pdf,
    render_month,
    render_order_pdf,
    write_document_pdf,
    write_invoice_pdf,
    write_order_documents,
    write_order_pdf,
)

__all__ = [
    "INSTALL_HINT",
    "document_html",
    "html_to_pdf",
    "invoice_of",
    "is_pdf",
    "month_documents",
    "order_html",
    "render_document_pdf",
    "render_month",
    "render_order_pdf",
    "wkhtmltopdf_path",
    "write_document_pdf",
    "write_invoice_pdf",
    "write_order_documents",
    "write_order_pdf",
]
