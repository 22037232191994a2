"""What Comptoir prints, and where (issue 14): the same jobs for the screens and the CLI.

    jobs = plan(Kind.SLIP, "5fec417c-c1f882001c-318c84-001", config)   # or a day: 2021-01-02
    run_jobs(jobs, config)        # a line per job printed; PrintFailure on the first failure

- an **order ticket** (`Kind.TICKET`) goes to the receipt printer (`COMPTOIR_RECEIPT_PRINTER`),
  built from the one view of the order (`app.orders.view.OrderView`) and its staff notes;
- the **packing slip**, the **pick list**, the **order** PDF and the **invoice** with its
  credit notes go to the CUPS queue (`COMPTOIR_PRINTER`, on `COMPTOIR_CUPS_SERVER` if set).

A job renders its whole document before anything is sent, and returns only once the printer
(or CUPS) has it all: every failure is a PrintError of one French line, never a silent half
print. Jobs of one printer run one after the other, whichever thread asks (a lock each).
Functions here read the database: call them from a thread that has a connection.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.config import Config
from app.errors import NotFoundError
from app.i18n import _, format_day
from app.orders.rules import get_order
from app.orders.view import OrderView, order_lines, order_view
from app.printing import PrintError
from app.printing.cups import print_pdf, require_queue
from app.printing.escpos import parse_receipt_url
from app.printing.ticket import Fulfilment, Ticket, TicketLine, print_ticket

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TODAY = ("today", "aujourd'hui", "aujourdhui")
# Statuses whose orders are still to prepare or hand over: a day's tickets and slips.
_DONE = ("cancelled", "error", "finished")


class Kind(StrEnum):
    """What to print (the CLI's `comptoir print KIND`)."""

    TICKET = "ticket"
    SLIP = "slip"
    PICKLIST = "picklist"
    INVOICE = "invoice"
    ORDER = "order"


@dataclass(frozen=True)
class PrintJob:
    """One document to print: an order's (`number`), an issued invoice or credit note's
    (`document`), or a pick list (of the day `day`, the days `day` to `last`, or the orders
    `numbers`); `title` is what staff and CUPS read."""

    kind: Kind
    title: str
    number: str = ""
    document: str = ""
    day: date | None = None
    last: date | None = None  # a pick list of the days `day` to `last`
    numbers: tuple[str, ...] = ()  # a pick list of these orders

    @property
    def receipt(self) -> bool:
        """True when the job goes to the receipt printer rather than the CUPS queue."""
        return self.kind is Kind.TICKET


class PrintFailure(PrintError):
    """A job did not print; `remaining` are the jobs not printed, that one first."""

    def __init__(self, message: str, remaining: Sequence[PrintJob], printed: int) -> None:
        super().__init__(message)
        self.remaining = tuple(remaining)
        self.printed = printed


_LOCKS = {True: threading.Lock(), False: threading.Lock()}  # receipt printer, CUPS queue


# -- where a job goes --------------------------------------------------------------------


def queue_label(config: Config) -> str:
    """« Bureau » (the CUPS queue), or what to set when there is none."""
    if not config.printer:
        return _("file CUPS non configurée")
    return _("« {queue} »", queue=config.printer)


def receipt_label(config: Config) -> str:
    """The receipt printer as its address says it (tcp://host:9100, usb:04b8:0e15…)."""
    if not config.receipt_printer:
        return _("imprimante de tickets non configurée")
    try:
        return str(parse_receipt_url(config.receipt_printer))
    except PrintError:  # load_config refuses it: only a hand-made Config gets here
        return config.receipt_printer


def where(job_or_kind: PrintJob | Kind, config: Config) -> str:
    """Where a job (or kind of job) goes, as the footer and the messages say it."""
    receipt = (
        job_or_kind.receipt if isinstance(job_or_kind, PrintJob) else job_or_kind is Kind.TICKET
    )
    return receipt_label(config) if receipt else queue_label(config)


# -- what a job prints -------------------------------------------------------------------


def staff_notes(order: int) -> tuple[str, ...]:
    """The staff notes of an order (issue 13, `app.preparation.notes`), oldest first, for its
    ticket. Only the ticket: the packing slip goes into the customer's bag, and the notes
    are the team's (never mailed, never handed over)."""
    from app.preparation.notes import notes

    return tuple(note.text for note in notes(order) if not note.undone and note.text)


def order_ticket(view: OrderView, shop: str, notes: Sequence[str] = ()) -> Ticket:
    """The receipt-printer ticket of an order, from its one view."""
    delivery = view.mode == "delivery"
    details = view.details or (view.customer_address if delivery else "")
    return Ticket(
        shop=shop or "Comptoir",
        number=view.number,
        customer=view.customer_name,
        mode=Fulfilment.DELIVERY if delivery else Fulfilment.PICKUP,
        details=details,
        lines=tuple(TicketLine(line.product, line.quantity) for line in view.lines),
        notes=tuple(notes),
    )


def ticket_for(number: str) -> Ticket:
    """The ticket of order `number`, read from the database (NotFoundError if none)."""
    # The name alone, read from its row: app.shop.profile would import the IBAN and mail
    # checks (a tenth of a second) on the way to the first ticket.
    from storage.models import Profile

    order = get_order(number)
    view = order_view(order, order_lines(order))
    profile = Profile.get_or_none(Profile.id == 1)
    return order_ticket(view, profile.name if profile else "", staff_notes(order.id))


def picklist_pdf(job: PrintJob, config: Config) -> bytes:
    """The pick list of issue 13 as PDF: of a day, or of one order."""
    from app.preparation.picklist import PickQuery, as_pdf, pick_list

    if job.day is not None:
        query = PickQuery(first=job.day, last=job.last or job.day)
    else:
        query = PickQuery(numbers=job.numbers or (job.number,))
    picks = pick_list(query, config=config)
    if not picks.order_count:  # a blank sheet helps nobody
        raise NotFoundError(_("Rien à préparer : {what}.", what=job.title))
    return as_pdf(picks)


def render_pdf(job: PrintJob, config: Config) -> bytes:
    """The PDF of a page job, rendered whole before anything is sent to CUPS."""
    # Jinja2 and the templates load on the first page printed, not at start.
    from app.documents import render

    if job.kind is Kind.SLIP:
        return render.render_packing_slip_pdf(job.number)
    if job.kind is Kind.ORDER:
        return render.render_order_pdf(job.number)
    if job.kind is Kind.INVOICE:
        return render.render_document_pdf(job.document)
    if job.kind is Kind.PICKLIST:
        return picklist_pdf(job, config)
    raise PrintError(_("Un ticket ne se rend pas en PDF."))


def run_job(job: PrintJob, config: Config) -> str:
    """Print one job and return the line that says so; PrintError (one line) if it did not."""
    if job.receipt:
        ticket = ticket_for(job.number)
        with _LOCKS[True]:
            print_ticket(ticket, config.receipt_printer)
    else:
        require_queue(config.printer)  # before rendering a PDF that could not go anywhere
        pdf = render_pdf(job, config)
        with _LOCKS[False]:
            print_pdf(pdf, config.printer, server=config.cups_server or None, title=job.title)
    return _("Imprimé sur {where} : {what}.", where=where(job, config), what=job.title)


def run_jobs(
    jobs: Sequence[PrintJob], config: Config, *, done: Callable[[str], None] | None = None
) -> list[str]:
    """Print `jobs` in order; `done(line)` after each. Stops at the first that fails, raising
    PrintFailure with the jobs left (that one first) and a line saying what did not print."""
    lines: list[str] = []
    for index, job in enumerate(jobs):
        try:
            line = run_job(job, config)
        except Exception as error:  # PrintError, a document that cannot render, a bug
            reason = str(error) or type(error).__name__
            if len(jobs) > 1:
                reason = _(
                    "{reason} ({printed} sur {total} imprimé(s), arrêt à : {what})",
                    reason=reason.rstrip("."),
                    printed=index,
                    total=len(jobs),
                    what=job.title,
                )
            raise PrintFailure(reason, jobs[index:], index) from error
        lines.append(line)
        if done is not None:
            done(line)
    return lines


# -- which jobs a command asks for -------------------------------------------------------


def parse_day(text: str, today: date) -> date | None:
    """A day written YYYY-MM-DD (or « aujourd'hui »), else None."""
    value = text.strip().casefold()
    if value in _TODAY:
        return today
    if not _DAY.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def order_jobs(kind: Kind, number: str) -> list[PrintJob]:
    """The jobs of one order (read from the database: NotFoundError if there is none)."""
    order = get_order(number)
    number = order.number
    if kind is Kind.TICKET:
        return [PrintJob(kind, _("Ticket de la commande {number}", number=number), number)]
    if kind is Kind.SLIP:
        return [PrintJob(kind, _("Bon de livraison {number}", number=number), number)]
    if kind is Kind.ORDER:
        return [PrintJob(kind, _("Commande {number}", number=number), number)]
    if kind is Kind.PICKLIST:
        return [PrintJob(kind, _("Liste de préparation {number}", number=number), number)]
    from app.documents.views import order_documents

    documents = order_documents(number)
    if not documents:
        raise NotFoundError(
            _("La commande {number} n'a pas de facture (paiement en erreur).", number=number)
        )
    return [document_job(d.number, number) for d in documents]


def picklist_job(
    first: date | None, last: date | None = None, numbers: Sequence[str] = ()
) -> PrintJob:
    """The job of a pick list: of the day `first` (to `last`), or of the orders `numbers`."""
    if numbers:
        title = _("Liste de préparation de {n} commande(s)", n=len(numbers))
        return PrintJob(Kind.PICKLIST, title, numbers=tuple(numbers))
    assert first is not None
    if last is None or last == first:
        title = _("Liste de préparation du {day}", day=format_day(first))
        return PrintJob(Kind.PICKLIST, title, day=first)
    title = _(
        "Liste de préparation du {first} au {last}",
        first=format_day(first),
        last=format_day(last),
    )
    return PrintJob(Kind.PICKLIST, title, day=first, last=last)


def document_job(document: str, number: str = "") -> PrintJob:
    """The job of an issued invoice (F…) or credit note (A…)."""
    title = (
        _("Avoir {number}", number=document)
        if document.startswith("A")
        else _("Facture {number}", number=document)
    )
    return PrintJob(Kind.INVOICE, title, number=number, document=document)


def plan(
    kind: Kind | str, target: str, config: Config, *, today: date | None = None
) -> list[PrintJob]:
    """The jobs `comptoir print KIND TARGET` runs: TARGET is an order number (for `invoice`
    also an invoice or credit-note number) or a day (YYYY-MM-DD, « aujourd'hui »): the pick
    list of that day, or every order placed that day (tickets and slips: those still to
    prepare or hand over)."""
    try:
        kind = Kind(kind)
    except ValueError:
        raise PrintError(
            _(
                "« {kind} » ne s'imprime pas : ticket, slip, picklist, invoice ou order.",
                kind=kind,
            )
        ) from None
    target = target.strip()
    if not target:
        raise PrintError(_("Donnez un numéro de commande ou un jour (AAAA-MM-JJ)."))
    from storage.db import tuples
    from storage.models import Document, Order

    if Order.get_or_none(Order.number == target) is not None:
        return order_jobs(kind, target)
    if kind is Kind.INVOICE and Document.get_or_none(Document.number == target) is not None:
        return [document_job(target)]
    day = parse_day(target, today or datetime.now(config.tz).date())
    if day is None:
        return order_jobs(kind, target)  # NotFoundError: no such order
    if kind is Kind.PICKLIST:
        return [picklist_job(day)]
    if kind is Kind.INVOICE:
        jobs = [
            document_job(document, number)
            for document, number in tuples(
                Document.select(Document.number, Order.number)
                .join(Order)
                .where(Order.placed_day == day)
                .order_by(Order.placed_at, Order.id, Document.id)
            )
        ]
    else:
        orders = Order.select(Order.number, Order.status).where(Order.placed_day == day)
        jobs = [
            job
            for number, status in tuples(orders.order_by(Order.placed_at, Order.id))
            if kind is Kind.ORDER or status not in _DONE
            for job in order_jobs(kind, number)
        ]
    if not jobs:
        raise NotFoundError(_("Rien à imprimer pour le {day}.", day=format_day(day)))
    return jobs
