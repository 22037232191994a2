"""Values a marketplace fills in when it has nothing to say: shown as nothing.

The marketplace's export names the seller of each line; for the shop's own products it
writes its form's label, "Point d'activité", and the demo (like a first profile filled in
from that export) may hold the same placeholder as the profile's point of sale. Printed as
is it read like a seller called "Point d'activité" on every invoice and mail.
"""

from __future__ import annotations

import unicodedata

_PLACEHOLDERS = frozenset({"point d'activite", "point d'activites"})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def is_placeholder(text: str) -> bool:
    """True when `text` is the marketplace's "Point d'activité" placeholder (any case,
    accent or apostrophe)."""
    return _folded(text) in _PLACEHOLDERS


def shown(text: str) -> str:
    """`text`, or "" when it is only the placeholder."""
    return "" if is_placeholder(text) else text
