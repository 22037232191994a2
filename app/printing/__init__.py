"""Documents leaving the server: full pages to a CUPS queue (`cups`), order tickets to an
ESC/POS receipt printer (`escpos`, `ticket`); each failure is one French line, a PrintError.
"""

from __future__ import annotations

from app.errors import ComptoirError


class PrintError(ComptoirError):
    """A document did not print, or not entirely; the message says why in one line."""
