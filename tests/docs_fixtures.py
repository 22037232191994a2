"""Shared set-up of the documents branch's tests: a shop with a profile and orders."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from app.config import Config
from app.intake.files import import_files
from app.shop.profile import save_profile
from tests.factories import order_doc, write_json

PROFILE = {
    "name": "Épicerie Fine du Marché",
    "address": "3 rue de la République, 69001 Lyon",
    "email": "contact@epicerie.example",
    "point_of_sale": "Point d'activité",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "iban": "FR1420041010050500013M02606",
}

MIXED = "M-2021-0001"  # two VAT rates and a shipping fee


def mixed_order(**changes: Any) -> dict[str, Any]:
    """2 × 7,50 € at 5,5 %, 1 × 12,00 € at 20 %, shipping 4,90 €: total 31,90 €."""
    doc = order_doc(
        number=MIXED,
        placed_at="2021-01-20T10:15:00+01:00",
        fulfilment={
            "mode": "delivery",
            "details": "Livraison le 21/01 entre 9 h et 12 h",
            "shipping_fee": "4.90",
        },
        lines=[
            {
                "product": "Café moulu Éthiopie",
                "category": "Café",
                "seller": "Point d'activité",
                "unit_price": "7.50",
                "quantity": 2,
                "vat_rate": "5.50",
            },
            {
                "product": "Tasse en grès",
                "category": "Vaisselle",
                "seller": "Point d'activité",
                "unit_price": "12.00",
                "quantity": 1,
                "vat_rate": "20.00",
            },
        ],
        total="31.90",
    )
    doc.update(changes)
    return doc


# When the documents' orders reach Comptoir (their invoices' issue moment), unless told.
ARRIVAL = datetime(2021, 1, 20, 9, 30)  # naive UTC: 20/01/2021 10:30 in Paris


def set_up_shop(
    tmp_path: Path,
    config: Config,
    *docs: dict[str, Any],
    profile: bool = True,
    now: datetime = ARRIVAL,
) -> None:
    """Save the profile (unless told not to) and import `docs` at `now`, on the bound
    database."""
    if profile:
        save_profile(**PROFILE)
    if docs:
        import_files([write_json(tmp_path / "orders.json", list(docs))], config=config, now=now)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext reads it (layout kept)."""
    source = tmp_path / "read.pdf"
    source.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def squeeze(text: str) -> str:
    """The text without any whitespace, so line breaks in a table cell do not matter."""
    return re.sub(r"\s+", "", text)
