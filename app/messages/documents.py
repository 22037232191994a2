"""Mail a document (issue 14): an order's invoice or credit note to its customer, or any of
its documents to the shop's own address, through the outbox like every other message.

`queue_document_mail` writes one `document` notification; the notifier renders its PDF when
it sends it (`attachment_pdf`), so the mail carries the issued document as it stands, and
sends it exactly once, retried like the others. Asking again while the same document waits
for the same recipient queues nothing more.

An attachment is named by a short text kept on the row: "document:F2021-000001" (an issued
invoice or credit note), "order" (the order's PDF) or "slip" (its packing slip).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.clock import utcnow
from app.config import Config
from app.errors import ValidationError
from app.i18n import _
from app.orders.rules import get_order
from storage.db import write_transaction
from storage.models import Document, Notification

TEMPLATE = "document"
CUSTOMER, SHOP = "customer", "seller"
_UNSENT = ("pending", "sending", "not_configured")


@dataclass(frozen=True)
class MailChoice:
    """A document that can be mailed, and to whom."""

    attachment: str
    audience: str  # customer | seller
    label: str  # what the chooser says: « Facture F2021-000001 → zoe@example.com »


def attachment_label(attachment: str, words: object = None) -> str:
    """« Facture F2021-000001 », « Avoir A2021-000001 », « Bon de livraison », « Commande »
    (in the current language, or through `words`, a notification's own translator)."""
    say = words if callable(words) else _
    kind, _sep, number = attachment.partition(":")
    if kind == "document":
        if number.startswith("A"):
            return str(say("Avoir {number}", number=number))
        return str(say("Facture {number}", number=number))
    if kind == "slip":
        return str(say("Bon de livraison"))
    return str(say("Commande (PDF)"))


def attachment_filename(attachment: str, order_number: str) -> str:
    """The attached file's name: facture-F2021-000001.pdf, bon-de-livraison-….pdf…"""
    from app.documents.render import document_pdf_name, order_pdf_name, packing_slip_pdf_name

    kind, _sep, number = attachment.partition(":")
    if kind == "document":
        return document_pdf_name(number)
    if kind == "slip":
        return packing_slip_pdf_name(order_number)
    return order_pdf_name(order_number)


def attachment_pdf(attachment: str, order_number: str) -> bytes:
    """The PDF of `attachment`, rendered now (the notifier calls it when sending)."""
    # Jinja2 and the document templates load only when such a mail goes.
    from app.documents import render

    kind, _sep, number = attachment.partition(":")
    if kind == "document":
        return render.render_document_pdf(number)
    if kind == "slip":
        return render.render_packing_slip_pdf(order_number)
    return render.render_order_pdf(order_number)


def mail_choices(number: str) -> list[MailChoice]:
    """What the order screen offers to mail: the invoice and credit notes to the customer
    (when the order has an address), then every document to the shop."""
    order = get_order(number)
    documents = list(Document.select().where(Document.order == order).order_by(Document.id))
    issued = [f"document:{d.number}" for d in documents]
    choices = []
    if order.customer_email:
        choices += [
            MailChoice(
                spec,
                CUSTOMER,
                _("{what} → {email}", what=attachment_label(spec), email=order.customer_email),
            )
            for spec in issued
        ]
    for spec in [*issued, "order", "slip"]:
        choices.append(
            MailChoice(spec, SHOP, _("{what} → la boutique (Profil)", what=attachment_label(spec)))
        )
    return choices


def queue_document_mail(
    number: str, attachment: str, audience: str, *, config: Config, by: str = ""
) -> tuple[Notification, bool]:
    """Queue the mail of `attachment` of order `number` to its customer or the shop.

    Returns the notification and whether it is new: the same document already waiting for
    the same recipient is not queued twice. ValidationError (one line) when it cannot go:
    a document that is not this order's, a customer without an address.
    """
    if audience not in (CUSTOMER, SHOP):
        raise ValidationError(_("Destinataire inconnu : client ou boutique."))
    now = utcnow()
    with write_transaction():
        order = get_order(number)
        kind, _sep, document = attachment.partition(":")
        if kind == "document":
            found = Document.get_or_none((Document.number == document) & (Document.order == order))
            if found is None:
                raise ValidationError(
                    _(
                        "Le document {document} n'est pas celui de la commande {number}.",
                        document=document,
                        number=order.number,
                    )
                )
        elif attachment not in ("order", "slip"):
            raise ValidationError(_("Document inconnu : {what}.", what=attachment))
        elif audience == CUSTOMER:
            raise ValidationError(
                _("Seules la facture et les avoirs partent au client ; le reste à la boutique.")
            )
        recipient = None
        if audience == CUSTOMER:
            recipient = order.customer_email.strip()
            if not recipient:
                raise ValidationError(_("Ce client n'a pas d'adresse mail."))
        waiting = (
            Notification.select()
            .where(
                (Notification.order == order)
                & (Notification.template == TEMPLATE)
                & (Notification.attachment == attachment)
                & (Notification.audience == audience)
                & Notification.state.in_(_UNSENT)
            )
            .first()
        )
        if waiting is not None:
            return waiting, False
        note = Notification.create(
            order=order,
            change=None,
            audience=audience,
            channel="mail",
            template=TEMPLATE,
            order_status=order.status,
            lang=config.lang,
            recipient=recipient,
            state="pending",
            due_at=now,
            created_at=now,
            created_by=by,
            attachment=attachment,
        )
    return note, True
