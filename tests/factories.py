"""Builders of intake documents for tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

BASE: dict[str, Any] = {
    "number": "T-0001",
    "placed_at": "2021-01-18T16:05:12+01:00",
    "customer": {
        "name": "Hugo Bernard",
        "email": "hugo.bernard@example.org",
        "address": "4 place Bellecour, 69002 Lyon",
        "mobile": "+33612345678",
    },
    "fulfilment": {"mode": "pickup", "details": "Retrait en boutique", "shipping_fee": "0.00"},
    "lines": [
        {
            "product": "Thé vert Sencha",
            "category": "Thé",
            "seller": "Point d'activité",
            "unit_price": "1.00",
            "quantity": 1,
            "vat_rate": "5.50",
        }
    ],
    "total": "1.00",
    "payment": "ok",
}


def order_doc(**changes: Any) -> dict[str, Any]:
    """A valid intake object with top-level fields replaced."""
    doc = copy.deepcopy(BASE)
    doc.update(changes)
    return doc


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
