"""Every French string of the documents branch has an English entry in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.catalogue import EN
from app.finances import CSV_HEADER, PAYOUT_LABELS
from tests.test_i18n import translated_literals

ROOT = Path(__file__).resolve().parents[1]
PYTHON = [
    *sorted((ROOT / "app" / "documents").glob("*.py")),
    ROOT / "app" / "finances.py",
    ROOT / "app" / "doctor.py",
    ROOT / "app" / "cli.py",
    ROOT / "screens" / "finances.py",
    ROOT / "screens" / "profile.py",
]
TEMPLATES = sorted((ROOT / "app" / "templates" / "documents").glob("*.html"))
# _("…") in a template; the documents' strings never hold a double quote.
_TEMPLATE_CALL = re.compile(r'_\(\s*"([^"]+)"')


def french_strings() -> set[str]:
    """All the French text the documents branch shows."""
    strings: set[str] = set(CSV_HEADER) | {v for v in PAYOUT_LABELS.values() if v != "—"}
    for path in PYTHON:
        strings |= translated_literals(path)
    for path in TEMPLATES:
        strings |= set(_TEMPLATE_CALL.findall(path.read_text(encoding="utf-8")))
    return strings


@pytest.mark.parametrize("text", sorted(french_strings()))
def test_has_an_english_translation(text: str) -> None:
    assert text in EN, f"missing from app/catalogue/documents.py: {text!r}"


def test_the_catalogue_scan_sees_the_templates() -> None:
    assert "Avoir sur la facture n° {invoice} du {date}" in french_strings()
    assert "Paiements bloqués : renseignez un IBAN valide dans le Profil (3)" in french_strings()
