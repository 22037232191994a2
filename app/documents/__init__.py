"""Documents: the order PDF, French invoices and credit notes (Jinja2 + wkhtmltopdf), their
gap-free numbers (`numbering.py`); free of Textual, called by the CLI, screens and notifier."""
