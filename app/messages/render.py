"""What a notification says: mails from Jinja2 templates (autoescaped HTML + plain text) and
short SMS texts, in the notification's own language.

Rendering works on plain snapshots (the one `OrderView` of app.orders.view, `ShopView`) read
from the database beforehand, so that it never touches the database and can run anywhere.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.catalogue import EN
from app.orders.statuses import NORMAL_FLOW, STATUS_LABELS, OrderStatus
from app.orders.view import OrderView

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
SMS_LIMIT = 160


@dataclass(frozen=True)
class ShopView:
    """The seller's profile at sending time."""

    name: str
    email: str
    mobile: str


@dataclass(frozen=True)
class Job:
    """One claimed notification with everything needed to send it."""

    id: int
    audience: str  # customer | seller
    channel: str  # mail | sms
    template: str  # new_order | status
    order_status: str
    lang: str
    recipient: str | None
    attempts: int
    order: OrderView
    attachment: str | None = None  # a `document` mail's PDF (app.messages.documents)
    # What the message tells beyond the order (a removed line, a reminder), from its row.
    detail: Mapping[str, Any] = field(default_factory=dict)


class Words:
    """Translation and formatting in one language, whatever the terminal's language is."""

    def __init__(self, lang: str, timezone: str) -> None:
        self.lang = lang if lang in _LOCALES else "fr"
        self.locale = _LOCALES[self.lang]
        self.tz = ZoneInfo(timezone)

    def __call__(self, text: str, **values: object) -> str:
        translated = EN.get(text, text) if self.lang == "en" else text
        return translated.format(**values) if values else translated

    def money(self, amount: Decimal) -> str:
        return _money(amount, self.locale)

    def money_text(self, amount: object) -> str:
        """An amount kept as text (a notification's detail), formatted."""
        return _money(Decimal(str(amount)), self.locale)

    def rate(self, rate: Decimal) -> str:
        number = _decimal(rate, self.locale)
        return f"{number} %" if self.lang == "fr" else f"{number}%"

    def status(self, status: str) -> str:
        return self(STATUS_LABELS[OrderStatus(status)])

    def mode(self, mode: str) -> str:
        return self("Livraison") if mode == "delivery" else self("Retrait")

    def moment(self, utc: datetime) -> str:
        return utc.replace(tzinfo=UTC).astimezone(self.tz).strftime("%d/%m/%Y %H:%M")


# Babel's formatting is slow next to the rest of a mail; amounts repeat a lot.
@lru_cache(maxsize=4096)
def _money(amount: Decimal, locale: str) -> str:
    text = format_currency(amount, "EUR", locale=locale)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@lru_cache(maxsize=256)
def _decimal(rate: Decimal, locale: str) -> str:
    return str(format_decimal(rate, format="0.00", locale=locale))


@cache
def environment() -> Environment:
    """The Jinja2 environment of the mail templates: HTML autoescaped, text not."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        auto_reload=False,  # templates ship with the program: no stat() per mail
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def message_id(job_id: int, number: str) -> str:
    """The stable Message-ID of a notification: the same at every attempt."""
    return f"<notif-{job_id}.{_ID_UNSAFE.sub('_', number)}@comptoir>"


def tracker(status: str) -> list[dict[str, object]]:
    """The steps of the normal flow with the current one marked (done / current / todo)."""
    current = OrderStatus(status)
    index = NORMAL_FLOW.index(current) if current in NORMAL_FLOW else -1
    steps: list[dict[str, object]] = []
    for position, step in enumerate(NORMAL_FLOW):
        if index < 0:
            state = "todo"
        elif position < index:
            state = "done"
        elif position == index:
            state = "current"
        else:
            state = "todo"
        steps.append({"status": step.value, "state": state})
    return steps


def _context(job: Job, shop: ShopView, words: Words) -> dict[str, object]:
    return {
        "_": words,
        "w": words,
        "order": job.order,
        "shop": shop,
        "shop_name": shop.name or "Comptoir",
        "status": job.order_status,
        "steps": tracker(job.order_status),
        "in_flow": OrderStatus(job.order_status) in NORMAL_FLOW,
        "document": _document_label(job, words),
        "audience": job.audience,
        "detail": job.detail,
    }


def _document_label(job: Job, words: Words) -> str:
    if job.template != "document" or not job.attachment:
        return ""
    from app.messages.documents import attachment_label

    return attachment_label(job.attachment, words)


def subject(job: Job, shop: ShopView, words: Words) -> str:
    """The mail's subject line."""
    if job.template == "new_order":
        return words(
            "Nouvelle commande {number} : {client}, {total}",
            number=job.order.number,
            client=_one_line(job.order.customer_name),
            total=words.money(job.order.total),
        )
    if job.template == "document":
        return words(
            "{shop} : {document} de la commande {number}",
            shop=_one_line(shop.name or "Comptoir"),
            document=_document_label(job, words),
            number=job.order.number,
        )
    if job.template == "line_removed":
        return words(
            "{shop} : commande {number} — produit retiré et remboursé",
            shop=_one_line(shop.name or "Comptoir"),
            number=job.order.number,
        )
    if job.template == "pickup_reminder":
        return words(
            "{shop} : votre commande {number} vous attend",
            shop=_one_line(shop.name or "Comptoir"),
            number=job.order.number,
        )
    return words(
        "{shop} : commande {number} — {status}",
        shop=_one_line(shop.name or "Comptoir"),
        number=job.order.number,
        status=words.status(job.order_status),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not address:
        return value
    return formataddr((name, address), charset="utf-8") if name else address


# `mail_from` when nothing was configured: a shop with a mail address sends from it instead.
UNSET_MAIL_FROM = "comptoir@localhost"


def sender_headers(mail_from: str, shop: ShopView) -> dict[str, str]:
    """From (with the shop's name unless the configuration names the sender) and Reply-To
    (the profile's mail), so that a customer's answer reaches the shop."""
    name, address = parseaddr(mail_from)
    shop_email = _one_line(shop.email)
    if (not address or address == UNSET_MAIL_FROM) and shop_email:
        address = shop_email
    if not address:
        return {"From": mail_from}
    name = name or _one_line(shop.name)
    headers = {"From": formataddr((name, address), charset="utf-8") if name else address}
    if shop_email:
        headers["Reply-To"] = shop_email
    return headers


def _boundary() -> str:
    # Parts are base64, whose alphabet has no "_": this boundary cannot occur in them, so
    # the generator need not search the whole text for a free one (a tenth of its time).
    return f"=_comptoir_{uuid.uuid4().hex}"


def build_mail(
    job: Job,
    shop: ShopView,
    *,
    recipient: str,
    mail_from: str,
    timezone: str,
    attachment: bytes | None = None,
    now: datetime | None = None,
) -> Message:
    """The complete message: headers, plain text, HTML alternative and any PDF.

    Built with the email package's compat32 classes: they take a third of the time of
    `EmailMessage` for the same bytes, which counts when draining thousands of mails.
    """
    words = Words(job.lang, timezone)
    env = environment()
    context = _context(job, shop, words)
    text = env.get_template(f"{job.template}.txt").render(context)
    html = env.get_template(f"{job.template}.html").render(context)
    message: Message = MIMEMultipart(
        "alternative",
        boundary=_boundary(),
        _subparts=[MIMEText(text, "plain", "utf-8"), MIMEText(html, "html", "utf-8")],
    )
    if attachment is not None:
        pdf = MIMEApplication(attachment, "pdf")
        pdf.add_header(
            "Content-Disposition",
            "attachment",
            filename=_attachment_name(job),
        )
        message = MIMEMultipart("mixed", boundary=_boundary(), _subparts=[message, pdf])
    message["Subject"] = _header(subject(job, shop, words))
    for header, value in sender_headers(mail_from, shop).items():
        message[header] = value
    message["To"] = _address(recipient)
    message["Message-ID"] = message_id(job.id, job.order.number)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = words.lang
    return message


def _attachment_name(job: Job) -> str:
    if job.template == "document" and job.attachment:
        from app.messages.documents import attachment_filename

        return attachment_filename(job.attachment, job.order.number)
    return f"commande-{_ID_UNSAFE.sub('_', job.order.number)}.pdf"


def sms_text(job: Job, shop: ShopView, timezone: str) -> str:
    """A short SMS in GSM 03.38 characters, at most 160 of them."""
    words = Words(job.lang, timezone)
    order = job.order
    if job.template == "new_order":
        fixed = words(
            "Nouvelle commande {number} : {total}, {client}. comptoir --order {number}",
            number=order.number,
            total=words.money(order.total),
            client="{client}",
        )
        room = SMS_LIMIT - gsm_length(to_gsm(fixed.replace("{client}", "")))
        client = _fit(to_gsm(_one_line(order.customer_name)), max(room, 0))
        return _fit(to_gsm(fixed.replace("{client}", client)), SMS_LIMIT)
    if job.template == "line_removed":
        text = words(
            "{shop} : commande {number} : {quantity} x {product} indisponible, {amount} "
            "rembourse(s).",
            shop=_one_line(shop.name or "Comptoir"),
            number=order.number,
            quantity=job.detail.get("quantity", ""),
            product=_one_line(str(job.detail.get("product", ""))),
            amount=words.money(Decimal(str(job.detail.get("amount", "0")))),
        )
        return _fit(to_gsm(text), SMS_LIMIT)
    if job.template == "pickup_reminder":
        text = words(
            "{shop} : votre commande {number} est prete et vous attend en boutique.",
            shop=_one_line(shop.name or "Comptoir"),
            number=order.number,
        )
        return _fit(to_gsm(text), SMS_LIMIT)
    text = words(
        "{shop} : votre commande {number} : {status}.",
        shop=_one_line(shop.name or "Comptoir"),
        number=order.number,
        status=words.status(job.order_status),
    )
    return _fit(to_gsm(text), SMS_LIMIT)


# GSM 03.38: the basic table, and the extension table whose characters count twice.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€")
_GSM_REPLACEMENTS = {
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
    "\xa0": " ",
    "\u202f": " ",
    "\t": " ",
}


def to_gsm(text: str) -> str:
    """`text` in GSM characters: accents the alphabet lacks are dropped (ê → e), others '?'."""
    out: list[str] = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENDED:
            out.append(char)
        elif char in _GSM_REPLACEMENTS:
            out.append(_GSM_REPLACEMENTS[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and all(c in GSM_BASIC for c in base) else "?")
    return "".join(out)


def gsm_length(text: str) -> int:
    """The number of GSM septets `text` takes (extension characters count twice)."""
    return sum(2 if c in GSM_EXTENDED else 1 for c in text)


def _fit(text: str, limit: int) -> str:
    if gsm_length(text) <= limit:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        size = 2 if char in GSM_EXTENDED else 1
        if used + size > limit - 3:
            break
        out.append(char)
        used += size
    return "".join(out) + "..."
