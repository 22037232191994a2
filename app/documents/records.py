"""The frozen record of an issued invoice or credit note (issue 11.1).

When a document is issued, everything it shows is written once into its `Document.record`
(JSON): the seller as they were (identity, legal mentions, VAT regime), the customer and
their company, the lines with their VAT split, the per-rate totals, the mentions, its number
and dates, and which wording of the templates it was issued with (`DocumentWording`). The
PDF is rendered from the record alone, so a later change of the profile, of the catalogue's
wording or of the order never changes a document already issued.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from app.i18n import _, format_money, language, translate
from app.orders.view import OrderView
from app.shop.profile import (
    DEFAULT_EXEMPTION,
    FRANCHISE,
    FRANCHISE_MENTION,
    ProfileData,
)
from storage.models import DocumentWording

RECORD_VERSION = 1
LANGUAGES = ("fr", "en")
ZERO = Decimal("0.00")

# The mentions, by case (French is the key; the record keeps both languages' text).
GENERAL_MENTION = "Prix exprimés en euros. Pas d'escompte pour paiement anticipé."
B2B_MENTION = (
    "En cas de retard de paiement : pénalités au taux de trois fois l'intérêt légal et "
    "indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du "
    "Code de commerce)."
)
EXEMPTION_MENTION = "TVA à 0 % : {reason}"
# The seller's identity fields a document shows (the IBAN and mobile never appear on it).
SELLER_FIELDS = (
    "name",
    "address",
    "email",
    "point_of_sale",
    "siret",
    "vat_number",
    "legal_form",
    "share_capital",
    "registry",
    "registry_number",
    "vat_regime",
)
_TEMPLATE_TEXT = re.compile(r'_\(\s*"([^"]+)"')


@cache
def template_texts() -> tuple[str, ...]:
    """Every text the document templates pass to `_()`, sorted."""
    folder = resources.files("app") / "templates" / "documents"
    found: set[str] = {"Livraison", "Retrait"}
    for entry in folder.iterdir():
        if entry.name.endswith(".html"):
            found |= set(_TEMPLATE_TEXT.findall(entry.read_text(encoding="utf-8")))
    return tuple(sorted(found))


@cache
def _wording() -> tuple[str, str]:
    """(key, JSON) of the templates' wording in every language, as this program has it."""
    texts = {lang: {t: translate(t, lang) for t in template_texts()} for lang in LANGUAGES}
    body = json.dumps(texts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(body.encode("utf-8")).hexdigest(), body


def keep_wording() -> str:
    """Store the current wording (once per distinct wording); return its key."""
    key, body = _wording()
    DocumentWording.insert(key=key, texts=body).on_conflict_ignore().execute()
    return key


def wording_of(key: str) -> dict[str, dict[str, str]]:
    """The wording a record names ({} when unknown)."""
    row = DocumentWording.get_or_none(DocumentWording.key == key)
    return json.loads(row.texts) if row is not None else {}


def both_languages(text: str, **values: object) -> dict[str, str]:
    """`text` translated into each language, filled with `values`."""
    return {lang: translate(text, lang).format(**values) for lang in LANGUAGES}


def _exemption(seller: ProfileData) -> dict[str, str]:
    """The reason of a 0 % line: the seller's own words (the same in every language)."""
    if seller.vat_exemption:
        return {lang: seller.vat_exemption for lang in LANGUAGES}
    return both_languages(DEFAULT_EXEMPTION)


def mentions(seller: ProfileData, view: OrderView) -> list[dict[str, str]]:
    """The mentions a document to this customer from this seller carries, in each language."""
    found = [both_languages(GENERAL_MENTION)]
    if seller.vat_regime == FRANCHISE:
        found.append(both_languages(FRANCHISE_MENTION))
    elif _has_zero_rate(view):
        reason = _exemption(seller)
        found.append(
            {
                lang: translate(EXEMPTION_MENTION, lang).format(reason=reason[lang])
                for lang in LANGUAGES
            }
        )
    if view.company is not None:
        found.append(both_languages(B2B_MENTION))
    return found


def _has_zero_rate(view: OrderView) -> bool:
    return any(line.rate == 0 for line in view.lines)


def without_vat(view: OrderView) -> OrderView:
    """The view as a seller under the franchise en base shows it: no VAT, HT = TTC."""
    lines = tuple(
        dataclasses.replace(line, unit_price_ht=line.unit_price, ht=line.total, vat=ZERO)
        for line in view.lines
    )
    shipping = dataclasses.replace(view.shipping, ht=view.shipping.ttc, vat=ZERO, rates=())
    return dataclasses.replace(
        view, lines=lines, shipping=shipping, vat_rows=(), total_ht=view.total, total_vat=ZERO
    )


def seller_record(seller: ProfileData) -> dict[str, str]:
    """The seller's fields a document shows."""
    return {name: getattr(seller, name) for name in SELLER_FIELDS}


def build_record(
    *,
    number: str,
    kind: str,
    issued_on: date,
    sale_on: date,
    amount: Decimal,
    view: OrderView,
    seller: ProfileData,
    refers_to: dict[str, str] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """The record of a document issued now (the view already as the regime shows it)."""
    shown = without_vat(view) if seller.vat_regime == FRANCHISE else view
    return {
        "version": RECORD_VERSION,
        "number": number,
        "kind": kind,
        "issued_on": issued_on.isoformat(),
        "sale_on": sale_on.isoformat(),
        "amount": str(amount),
        "refers_to": refers_to,
        "reason": reason,
        "seller": seller_record(seller),
        "order": shown.to_dict(),
        "mentions": mentions(seller, view),
        "exemption": (
            _exemption(seller) if seller.vat_regime != FRANCHISE and _has_zero_rate(view) else None
        ),
        "wording": keep_wording(),
    }


@dataclasses.dataclass(frozen=True)
class RecordView:
    """A record read back, as the templates use it."""

    number: str
    kind: str
    issued_on: date
    sale_on: date
    amount: Decimal
    refers_to_number: str
    refers_to_issued_on: date | None
    reason: str
    order: OrderView
    seller: ProfileData
    mentions: tuple[str, ...]  # in the current language
    exemption: str  # the reason beside a 0 % line ('' if none)
    wording: dict[str, dict[str, str]]

    @property
    def franchise(self) -> bool:
        return self.seller.vat_regime == FRANCHISE

    def translator(self) -> Any:
        """`_` as the templates call it, in the wording the document was issued with."""
        table = self.wording.get(language(), {})

        def recorded(text: str, **values: object) -> str:
            words = table.get(text)
            if words is None:
                return _(text, **values)
            return words.format(**values) if values else words

        return recorded


def read_record(data: dict[str, Any]) -> RecordView:
    """The view of a stored record."""
    refers = data.get("refers_to") or {}
    lang = language()
    return RecordView(
        number=data["number"],
        kind=data["kind"],
        issued_on=date.fromisoformat(data["issued_on"]),
        sale_on=date.fromisoformat(data["sale_on"]),
        amount=Decimal(data["amount"]),
        refers_to_number=refers.get("number", ""),
        refers_to_issued_on=(
            date.fromisoformat(refers["issued_on"]) if refers.get("issued_on") else None
        ),
        reason=data.get("reason", ""),
        order=OrderView.from_dict(data["order"]),
        seller=ProfileData(**data["seller"]),
        mentions=tuple(m.get(lang, m.get("fr", "")) for m in data["mentions"]),
        exemption=(data.get("exemption") or {}).get(lang, ""),
        wording=wording_of(data["wording"]),
    )


def capital_text(seller: ProfileData) -> str:
    """'10 000,00 €' for a share capital on file, else ''."""
    return format_money(Decimal(seller.share_capital)) if seller.share_capital else ""


def to_json(record: dict[str, Any]) -> str:
    """The record as stored."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)
