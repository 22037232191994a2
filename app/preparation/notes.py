"""Staff notes on an order: free text for the team, never mailed, found by `/` search."""

from __future__ import annotations

from datetime import datetime

from app.clock import utcnow
from app.errors import ComptoirError
from app.i18n import _
from app.orders.rules import get_order
from app.preparation import journal
from app.text import check_text, fold
from storage.db import write_transaction
from storage.models import Order, OrderEvent

NOTE_LIMIT = 2000


def clean_note(text: str) -> str:
    """The note on one line (newlines and tabs become spaces), or ComptoirError; a control
    character in it is refused (app.text)."""
    cleaned = " ".join(check_text(text, _("note"), newlines=True).split())
    if not cleaned:
        raise ComptoirError(_("Une note ne peut pas être vide."))
    if len(cleaned) > NOTE_LIMIT:
        raise ComptoirError(_("Note trop longue ({n} caractères au plus).", n=NOTE_LIMIT))
    return cleaned


def add_note(number: str, text: str, *, by: str, now: datetime | None = None) -> OrderEvent:
    """Write a note on the order; its words join what `/` searches."""
    note = clean_note(text)
    check_text(by, _("auteur"))
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
