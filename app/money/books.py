"""Finances (SPEC §5): per order of a month, what was sold, the fees, the payout and when.

Free of Textual: the Finances screen, `comptoir export` and the tests read the same rows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import locations, money
from app.config import Config
from app.documents.pdf import write_file
from app.errors import ValidationError
from app.i18n import _, format_day, format_rate
from app.orders.statuses import OrderStatus
from app.shop.profile import load_profile, missing_labels
from app.text import text_cell
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
class MonthVat:
    """The VAT of a month: per rate, the invoices issued that month less the credit notes
    issued that month (a document belongs to the month it is issued in, never to its
    order's), and what was sold under the franchise en base (no VAT)."""

    rows: tuple[money.VatRow, ...]
    untaxed: Decimal  # TTC of documents issued under the franchise en base, credits less

    @property
    def total(self) -> money.VatRow:
        """The rates added up (rate 0)."""
        return money.VatRow(
            rate=ZERO,
            ht=sum((r.ht for r in self.rows), start=ZERO),
            vat=sum((r.vat for r in self.rows), start=ZERO),
            ttc=sum((r.ttc for r in self.rows), start=ZERO),
        )


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
    missing_seller: str = ""  # the profile fields invoices wait for ('' when none)
    vat: MonthVat = MonthVat(rows=(), untaxed=ZERO)


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


def _utc_bounds(year: int, month: int, config: Config) -> tuple[datetime, datetime]:
    """The month in the shop's time as naive UTC bounds [first, after)."""
    first, after = _month_bounds(year, month)
    return tuple(  # type: ignore[return-value]
        datetime(d.year, d.month, d.day, tzinfo=config.tz).astimezone(UTC).replace(tzinfo=None)
        for d in (first, after)
    )


def month_vat(year: int, month: int, *, config: Config) -> MonthVat:
    """The month's VAT from the records of the documents issued in it (see MonthVat)."""
    from app.documents.issuing import invoice_record

    start, end = _utc_bounds(year, month, config)
    cents: dict[Decimal, list[int]] = {}
    untaxed = 0
    for document in Document.select().where(
        (Document.issued_at >= start) & (Document.issued_at < end)
    ):
        record = json.loads(invoice_record(document))
        sign = -1 if document.kind == "credit" else 1
        if record["seller"]["vat_regime"] == "franchise":
            untaxed += sign * money.to_cents(document.amount)
            continue
        for row in record["order"]["vat_rows"]:
            sums = cents.setdefault(Decimal(row["rate"]), [0, 0, 0])
            for index, key in enumerate(("ht", "vat", "ttc")):
                sums[index] += sign * money.to_cents(Decimal(row[key]))
    rows = tuple(
        money.VatRow(rate=rate, ht=money.from_cents(ht), vat=money.from_cents(vat),
                     ttc=money.from_cents(ttc))
        for rate, (ht, vat, ttc) in sorted(cents.items(), reverse=True)
    )  # fmt: skip
    return MonthVat(rows=rows, untaxed=money.from_cents(untaxed))


def finance_row(
    order: Order, invoice: str, credit: str, *, today: date, iban_valid: bool, region: str = ""
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
        payout_on = money.payout_date(order.placed_day, region)
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
    profile = load_profile()
    iban_valid = profile.iban_valid
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
            region=config.holiday_region,
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
        missing_seller=missing_labels(profile),
        vat=month_vat(year, month, config=config),
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


VAT_HEADER = ("Taux de TVA", "Base HT", "TVA", "TTC")


def _writer(out: io.StringIO) -> Any:
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


def finances_csv(view: FinanceMonth) -> str:
    """The month as CSV text: ';' separated, decimal commas, a last line of totals."""
    out = io.StringIO()
    writer = _writer(out)
    writer.writerow([_(h) for h in CSV_HEADER])
    for row in view.rows:
        writer.writerow(
            [
                text_cell(row.invoice_number),
                text_cell(row.credit_number),
                text_cell(row.order_number),
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


def vat_lines(vat: MonthVat) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """The VAT table of a month as (label, HT, VAT, TTC): each rate, the franchise, the total."""
    lines = [(format_rate(r.rate), r.ht, r.vat, r.ttc) for r in vat.rows]
    if vat.untaxed:
        lines.append((_("TVA non applicable, art. 293 B du CGI"), vat.untaxed, ZERO, vat.untaxed))
    if vat.rows:
        total = vat.total
        lines.append((_("Total"), total.ht, total.vat, total.ttc))
    return lines


def vat_csv(view: FinanceMonth) -> str:
    """The month's VAT per rate as CSV (documents issued in the month, credit notes less)."""
    out = io.StringIO()
    writer = _writer(out)
    writer.writerow([_(h) for h in VAT_HEADER])
    for label, ht, vat, ttc in vat_lines(view.vat):
        writer.writerow([label, csv_amount(ht), csv_amount(vat), csv_amount(ttc)])
    return out.getvalue()


def vat_path(path: Path) -> Path:
    """Where the VAT file of the CSV export at `path` goes: beside it, '-tva' added."""
    return path.with_name(f"{path.stem}-tva{path.suffix or '.csv'}")


_write = write_file


def export_csv(
    year: int,
    month: int,
    path: Path | None = None,
    *,
    config: Config,
    today: date | None = None,
) -> Path:
    """Write the month's finances as CSV (UTF-8 with BOM for spreadsheets), and its VAT per
    rate beside it (vat_path); return where the finances went."""
    view = month_finances(year, month, config=config, today=today)
    target = path or locations.documents_dir() / f"finances-{year:04d}-{month:02d}.csv"
    _write(target, finances_csv(view).encode("utf-8-sig"))
    _write(vat_path(target), vat_csv(view).encode("utf-8-sig"))
    return target


def export_xlsx(
    year: int,
    month: int,
    path: Path | None = None,
    *,
    config: Config,
    today: date | None = None,
) -> Path:
    """Write the month as an Excel workbook (openpyxl): a sheet of orders and a sheet of VAT,
    amounts as numbers and dates as dates, so any locale reads them; return where."""
    from openpyxl import Workbook

    view = month_finances(year, month, config=config, today=today)
    target = path or locations.documents_dir() / f"finances-{year:04d}-{month:02d}.xlsx"
    book = Workbook()
    orders = book.active
    orders.title = _("Commandes")
    orders.append([_(h) for h in CSV_HEADER])
    for row in view.rows:
        _append(
            orders,
            [row.invoice_number, row.credit_number, row.order_number, row.placed_on,
             row.gross, row.fees, row.net, row.refund, row.payout_on,
             row.payout_label if row.payout_state != NONE else ""],
        )  # fmt: skip
    _append(orders, [_("Total"), "", "", None, view.gross, view.fees, view.net, view.refunds])
    vat = book.create_sheet(_("TVA"))
    vat.append([_(h) for h in VAT_HEADER])
    for label, ht, tax, ttc in vat_lines(view.vat):
        _append(vat, [label, ht, tax, ttc])
    out = io.BytesIO()
    book.save(out)
    return _write(target, out.getvalue())


def _append(sheet: Any, values: list[Any]) -> None:
    """One row: text always as text (never a formula), amounts as numbers, dates as dates."""
    sheet.append([None] * len(values))
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=sheet.max_row, column=column)
        if isinstance(value, Decimal):
            cell.value = value
            cell.number_format = "#,##0.00"
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = "DD/MM/YYYY"
        elif value:
            cell.value = str(value)
            cell.data_type = "s"  # openpyxl would take "=…" for a formula


def current_month(config: Config, today: date | None = None) -> tuple[int, int]:
    """The shop's current (year, month)."""
    today = today or datetime.now(UTC).astimezone(config.tz).date()
    return today.year, today.month


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month `delta` months after (or before, if negative) `year`-`month`."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
