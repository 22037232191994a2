"""Finances (SPEC §5): per order of a month, what was sold, the fees, the payout and when.

Free of Textual: the Finances screen, `comptoir export` and the tests read the same rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from app import locations, money
from app.config import Config
from app.documents.pdf import write_atomically
from app.errors import ComptoirError, ValidationError
from app.i18n import _, format_day
from app.orders.statuses import OrderStatus
from app.shop.profile import load_profile
from storage.db import tuples
from storage.models import Document, Order

ZERO = Decimal("0.00")

# Payout states; the French labels are the catalogue's keys.
PAID, UPCOMING, BLOCKED, NONE = "paid", "upcoming", "blocked", "none"
PAYOUT_LABELS = {PAID: "payé", UPCOMING: "à venir", BLOCKED: "bloqué", NONE: "—"}


@dataclass(frozen=True)
class FinanceRow:
    """One order of the month: its invoice, amounts and payout."""

    order_number: str
    placed_on: date
    status: OrderStatus
    invoice_number: str
    credit_number: str
    gross: Decimal
    fees: Decimal
    net: Decimal
    refund: Decimal
    payout_on: date | None
    payout_state: str  # paid | upcoming | blocked | none

    @property
    def payout_label(self) -> str:
        """'payé', 'à venir', 'bloqué' or '—' in the current language."""
        return _(PAYOUT_LABELS[self.payout_state])

    @property
    def document_number(self) -> str:
        """The document Enter opens: the credit note of a cancelled order, else the invoice."""
        return self.credit_number or self.invoice_number


@dataclass(frozen=True)
class FinanceMonth:
    """A month of rows with its totals."""

    year: int
    month: int
    rows: tuple[FinanceRow, ...]
    gross: Decimal
    fees: Decimal
    net: Decimal
    refunds: Decimal
    iban_valid: bool


def parse_month(text: str) -> tuple[int, int]:
    """'2021-01' → (2021, 1), else ValidationError."""
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise ValidationError(
            _("Mois invalide « {value} » : attendu AAAA-MM.", value=text)
        ) from None
    return moment.year, moment.month


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def finance_row(
    order: Order, invoice: str, credit: str, *, today: date, iban_valid: bool
) -> FinanceRow:
    """The row of one order (SPEC §5): fees 2,9 % + 0,25 €, payout 10 business days later."""
    status = OrderStatus(order.status)
    if status is OrderStatus.ERROR:
        # The payment failed: nothing was sold, nothing is paid out.
        gross = fee = net = refund = ZERO
        payout_on, state = None, NONE
    elif status is OrderStatus.CANCELLED:
        gross, fee, net = order.total, ZERO, money.payout(order.total, cancelled=True)
        refund = order.refund
        payout_on, state = None, NONE
    else:
        gross, fee, net, refund = (
            order.total,
            money.fees(order.total),
            money.payout(order.total),
            order.refund,
        )
        payout_on = money.payout_date(order.placed_day)
        state = (PAID if payout_on <= today else UPCOMING) if iban_valid else BLOCKED
    return FinanceRow(
        order_number=order.number,
        placed_on=order.placed_day,
        status=status,
        invoice_number=invoice,
        credit_number=credit,
        gross=gross,
        fees=fee,
        net=net,
        refund=refund,
        payout_on=payout_on,
        payout_state=state,
    )


def month_finances(
    year: int, month: int, *, config: Config, today: date | None = None
) -> FinanceMonth:
    """Every order placed in the month (shop time), oldest first, with the month's totals."""
    today = today or datetime.now(UTC).astimezone(config.tz).date()
    iban_valid = load_profile().iban_valid
    first, after = _month_bounds(year, month)
    orders = list(
        Order.select()
        .where((Order.placed_day >= first) & (Order.placed_day < after))
        .order_by(Order.placed_at, Order.id)
    )
    invoices: dict[int, str] = {}
    credits: dict[int, str] = {}
    if orders:
        documents = (
            Document.select(Document.order, Document.kind, Document.number)
            .join(Order)
            .where((Order.placed_day >= first) & (Order.placed_day < after))
            .order_by(Document.id)
        )
        for order_id, kind, number in tuples(documents):
            target = invoices if kind == "invoice" else credits
            target.setdefault(order_id, number)
    rows = tuple(
        finance_row(
            order,
            invoices.get(order.id, ""),
            credits.get(order.id, ""),
            today=today,
            iban_valid=iban_valid,
        )
        for order in orders
    )
    return FinanceMonth(
        year=year,
        month=month,
        rows=rows,
        gross=sum((r.gross for r in rows), start=ZERO),
        fees=sum((r.fees for r in rows), start=ZERO),
        net=sum((r.net for r in rows), start=ZERO),
        refunds=sum((r.refund for r in rows), start=ZERO),
        iban_valid=iban_valid,
    )


def csv_amount(amount: Decimal) -> str:
    """An amount with a French decimal comma and no thousands separator: '1234,50'."""
    return f"{amount:.2f}".replace(".", ",")


CSV_HEADER = (
    "N° facture",
    "N° avoir",
    "N° commande",
    "Date",
    "Brut",
    "Frais",
    "Net",
    "Remboursement",
    "Date de versement",
    "État du versement",
)


def finances_csv(view: FinanceMonth) -> str:
    """The month as CSV text: ';' separated, decimal commas, a last line of totals."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(h) for h in CSV_HEADER])
    for row in view.rows:
        writer.writerow(
            [
                row.invoice_number,
                row.credit_number,
                row.order_number,
                format_day(row.placed_on),
                csv_amount(row.gross),
                csv_amount(row.fees),
                csv_amount(row.net),
                csv_amount(row.refund),
                format_day(row.payout_on) if row.payout_on else "",
                row.payout_label if row.payout_state != NONE else "",
            ]
        )
    writer.writerow(
        [
            _("Total"),
            "",
            "",
            "",
            csv_amount(view.gross),
            csv_amount(view.fees),
            csv_amount(view.net),
            csv_amount(view.refunds),
            "",
            "",
        ]
    )
    return out.getvalue()


def export_csv(
    year: int,
    month: int,
    path: Path | None = None,
    *,
    config: Config,
    today: date | None = None,
) -> Path:
    """Write the month's finances as CSV (UTF-8 with BOM for spreadsheets); return where."""
    view = month_finances(year, month, config=config, today=today)
    target = path or locations.documents_dir() / f"finances-{year:04d}-{month:02d}.csv"
    try:
        return write_atomically(target, finances_csv(view).encode("utf-8-sig"))
    except OSError as exc:
        raise ComptoirError(
            _("Impossible d'écrire {path} : {reason}", path=target, reason=exc.strerror or exc)
        ) from None


def current_month(config: Config, today: date | None = None) -> tuple[int, int]:
    """The shop's current (year, month)."""
    today = today or datetime.now(UTC).astimezone(config.tz).date()
    return today.year, today.month


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month `delta` months after (or before, if negative) `year`-`month`."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
