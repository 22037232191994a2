"""One catalogue: every French text shown has its English, and formatting is French by default."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

from app.catalogue import EN
from app.i18n import _, format_money, format_rate, month_title, set_language

ROOT = Path(__file__).resolve().parents[1]


# _("…") in a template (mail and documents); their strings never hold a double quote.
_TEMPLATE_CALL = re.compile(r'_\(\s*"([^"]+)"')


def _shown_literals(path: Path) -> set[str]:
    """The French texts one Python file shows: `_()` literals, bindings' descriptions and
    tooltips, command palette groups."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        called = getattr(node.func, "id", getattr(node.func, "attr", ""))
        texts: list[ast.expr] = []
        if called in ("_", "Group") and node.args:
            texts.append(node.args[0])
        if called == "Binding":
            texts += node.args[2:3]
            texts += [k.value for k in node.keywords if k.arg in ("description", "tooltip")]
        found |= {
            t.value for t in texts if isinstance(t, ast.Constant) and isinstance(t.value, str)
        }
    return found


def shown_texts() -> set[str]:
    """Every French text Comptoir shows: each module of app/ (not the catalogue), screens/
    and widgets/, every template, and the label tables."""
    from app.messages.outbox import STATE_LABELS
    from app.money.books import CSV_HEADER, PAYOUT_LABELS
    from app.orders.statuses import FINAL_REASONS, STATUS_LABELS
    from app.shop.profile import LABELS
    from screens.cancel import COMMON_REASONS
    from widgets.status_badge import SHORT_LABELS

    found: set[str] = set()
    for folder in ("app", "screens", "widgets", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            if "catalogue" not in path.parts:
                found |= _shown_literals(path)
    for path in (ROOT / "app" / "templates").rglob("*.*"):
        found |= set(_TEMPLATE_CALL.findall(path.read_text(encoding="utf-8")))
    tables = (STATUS_LABELS, FINAL_REASONS, STATE_LABELS, LABELS, SHORT_LABELS, PAYOUT_LABELS)
    found |= set(CSV_HEADER) | set(COMMON_REASONS)
    found |= {text for table in tables for text in table.values() if text != "—"}
    return found


def test_every_shown_text_has_its_english() -> None:
    missing = sorted(text for text in shown_texts() if text not in EN)
    assert missing == [], "missing from app/catalogue/: " + repr(missing)


def test_the_scan_sees_code_bindings_templates_and_tables() -> None:
    texts = shown_texts()
    assert "Avoir sur la facture n° {invoice} du {date}" in texts  # a document template
    assert "N° Commande" in texts  # a mail template
    assert "Paiements bloqués : renseignez un IBAN valide dans le Profil (3)" in texts
    assert "Annulée" in texts  # a status label
    assert len(texts) > 300


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
