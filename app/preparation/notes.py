"""Staff notes on an order: free text for the team, never mailed, found by `/` search."""

from __future__ import annotations

import re
from datetime import datetime

from app.clock import utcnow
from app.errors import ComptoirError
from app.i18n import _
from app.orders.rules import get_order
from app.preparation import journal
from storage.db import write_transaction
from storage.models import Order, OrderEvent

NOTE_LIMIT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_note(text: str) -> str:
    """The note without control characters (newlines kept as spaces), or ComptoirError."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    if not cleaned:
        raise ComptoirError(_("Une note ne peut pas être vide."))
    if len(cleaned) > NOTE_LIMIT:
        raise ComptoirError(_("Note trop longue ({n} caractères au plus).", n=NOTE_LIMIT))
    return cleaned


def add_note(number: str, text: str, *, by: str, now: datetime | None = None) -> OrderEvent:
    """Write a note on the order; its words join what `/` searches."""
    from app.intake.files import fold  # the search's own folding (lower case, no accents)

    note = clean_note(text)
    now = now or utcnow()
    with write_transaction():
        order = get_order(number)
        event = journal.record(order, "note", at=now, by=by, text=note)
        # The trigram index follows `search_text` by its own triggers (storage.migrations).
        Order.update(search_text=f"{order.search_text} {fold(note)}", updated_at=now).where(
            Order.id == order.id
        ).execute()
        return event


def notes(order: Order | int) -> list[OrderEvent]:
    """The order's notes, oldest first."""
    return [event for event in journal.events(order) if event.kind == "note"]
