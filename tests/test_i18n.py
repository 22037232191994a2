"""One catalogue: every French text shown has its English, and formatting is French by default."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

from app.catalogue import EN
from app.i18n import _, format_money, format_rate, month_title, set_language

ROOT = Path(__file__).resolve().parents[1]


def translated_literals(path: Path) -> set[str]:
    """Every string literal passed as the first argument of `_()` in one Python file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _translated_literals() -> set[str]:
    """The `_()` literals of every module of app/, screens/ and widgets/ (not the catalogue)."""
    found: set[str] = set()
    for folder in ("app", "screens", "widgets"):
        for path in (ROOT / folder).rglob("*.py"):
            if "catalogue" not in path.parts:
                found |= translated_literals(path)
    return found


def test_every_translated_text_has_its_english() -> None:
    from app.outbox import STATE_LABELS
    from app.profile import LABELS
    from app.statuses import FINAL_REASONS, STATUS_LABELS

    tables = (STATUS_LABELS, FINAL_REASONS, STATE_LABELS, LABELS)
    wanted = _translated_literals().union(*(set(t.values()) for t in tables))
    missing = sorted(t for t in wanted if t not in EN)
    assert missing == []


def test_french_is_the_default_and_english_follows() -> None:
    assert format_money(Decimal("1234.5")) == "1 234,50 €"
    assert format_rate(Decimal("5.50")) == "5,50 %"
    assert month_title(2021, 1) == "Janvier 2021"
    assert _("Annulée") == "Annulée"
    set_language("en")
    assert format_money(Decimal("1234.5")) == "€1,234.50"
    assert month_title(2021, 1) == "January 2021"
    assert _("Annulée") == "Cancelled"
    assert _("Aucune commande n° {number}.", number="X") == "No order number X."
