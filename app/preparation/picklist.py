"""The pick list: the products to take from the shelves, summed over the orders to prepare.

Orders are those of a day or a range of days (their local `placed_day`) or a chosen set of
numbers, in the statuses the configuration names (default: registered, confirming,
processing). Products are grouped by category, each with the orders it goes into and their
pickup slot or delivery details. One read of the lines joined to their orders: the day's
range of the (placed_day, status, total) index, then the lines by order.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from app.config import Config
from app.i18n import _, format_day
from app.text import text_cell
from storage.models import Order, OrderLine, database


@dataclass(frozen=True)
class PickOrder:
    """One order a product goes into."""

    number: str
    quantity: int
    mode: str  # pickup | delivery
    slot: str  # the fulfilment details: pickup slot or delivery address
    prepared: bool


@dataclass(frozen=True)
class PickProduct:
    """A product to take, its quantity summed over the orders."""

    category: str
    product: str
    quantity: int
    orders: tuple[PickOrder, ...]

    @property
    def prepared(self) -> int:
        """How many of its units are ticked as prepared already."""
        return sum(order.quantity for order in self.orders if order.prepared)


@dataclass(frozen=True)
class PickList:
    """The products by category (categories and products in alphabetical order)."""

    title: str
    order_count: int
    categories: tuple[tuple[str, tuple[PickProduct, ...]], ...]

    @property
    def products(self) -> list[PickProduct]:
        return [product for _category, products in self.categories for product in products]


@dataclass(frozen=True)
class PickQuery:
    """What the pick list covers: days (first to last, inclusive) or order numbers."""

    first: date | None = None
    last: date | None = None
    numbers: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.numbers:
            return _("{n} commande(s) choisie(s)", n=len(self.numbers))
        assert self.first is not None
        if self.last is None or self.last == self.first:
            return _("Commandes du {day}", day=format_day(self.first))
        return _(
            "Commandes du {first} au {last}",
            first=format_day(self.first),
            last=format_day(self.last),
        )


def pick_list(query: PickQuery, *, config: Config) -> PickList:
    """The pick list of `query` for the statuses `config.picklist_statuses`."""
    statuses = sorted(s.value for s in config.picklist_statuses)
    select = (
        OrderLine.select(
            Order.id,
            Order.number,
            Order.fulfilment_mode,
            Order.fulfilment_details,
            OrderLine.category,
            OrderLine.product,
            OrderLine.quantity,
            OrderLine.prepared_at,
        )
        .join(Order)
        .where(Order.status.in_(statuses))
    )
    if query.numbers:
        select = select.where(Order.number.in_(sorted(set(query.numbers))))
    else:
        select = select.where(
            (Order.placed_day >= query.first) & (Order.placed_day <= (query.last or query.first))
        )
    select = select.order_by(Order.placed_at, Order.id, OrderLine.position)
    return build(database.obj.execute(select).fetchall(), title=query.describe())


def earlier_to_prepare(day: date, *, config: Config) -> int:
    """How many orders placed before `day` still wait to be prepared (a morning's list
    of the day does not show last evening's orders): one range of the (status, placed_at)
    index."""
    statuses = sorted(s.value for s in config.picklist_statuses)
    start = datetime.combine(day, time(), tzinfo=config.tz).astimezone(UTC).replace(tzinfo=None)
    return int(Order.select().where(Order.status.in_(statuses) & (Order.placed_at < start)).count())


def build(rows: Iterable[Sequence[Any]], *, title: str) -> PickList:
    """Sum the (order id, number, mode, details, category, product, quantity, prepared at)
    rows by category and product."""
    grouped: dict[tuple[str, str], list[PickOrder]] = {}
    orders: set[object] = set()
    for order_id, number, mode, details, category, product, quantity, prepared in rows:
        orders.add(order_id)
        key = (str(category or ""), str(product))
        grouped.setdefault(key, []).append(
            PickOrder(
                str(number), int(quantity), str(mode), str(details or ""), prepared is not None
            )
        )
    categories: dict[str, list[PickProduct]] = {}
    for (category, product), picks in sorted(
        grouped.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1].casefold())
    ):
        categories.setdefault(category, []).append(
            PickProduct(category, product, sum(p.quantity for p in picks), tuple(picks))
        )
    return PickList(
        title=title,
        order_count=len(orders),
        categories=tuple((name, tuple(products)) for name, products in categories.items()),
    )


def category_label(category: str) -> str:
    return category or _("Sans catégorie")


def as_text(picks: PickList) -> str:
    """The pick list as plain text, for a terminal or a receipt printer."""
    out = [_("Liste de préparation — {title}", title=picks.title)]
    out.append(_("{n} commande(s) à préparer", n=picks.order_count))
    if not picks.categories:
        out.append(_("Rien à préparer."))
    for category, products in picks.categories:
        out.append("")
        out.append(f"== {category_label(category)} ==")
        for product in products:
            out.append(f"[ ] {product.quantity:>4} × {product.product}")
            for order in product.orders:
                mark = "x" if order.prepared else " "
                out.append(
                    f"      [{mark}] {order.quantity:>3}  {order.number}  {order.slot}".rstrip()
                )
    return "\n".join(_printable(line) for line in out) + "\n"


def as_csv(picks: PickList) -> str:
    """One row per product and order: ';' separated, as the Finances export, and as it no
    text cell a spreadsheet would read as a formula (« =HYPERLINK(…) » gets its apostrophe)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Catégorie"),
            _("Produit"),
            _("Quantité totale"),
            _("N° Commande"),
            _("Quantité"),
            _("Livraison"),
            _("Créneau / détails"),
            _("Préparée"),
        ]
    )
    for category, products in picks.categories:
        for product in products:
            for order in product.orders:
                writer.writerow(
                    [
                        text_cell(_printable(category)),
                        text_cell(_printable(product.product)),
                        product.quantity,
                        text_cell(order.number),
                        order.quantity,
                        _("Livraison") if order.mode == "delivery" else _("Retrait"),
                        text_cell(_printable(order.slot)),
                        _("oui") if order.prepared else _("non"),
                    ]
                )
    return buffer.getvalue()


def as_html(picks: PickList) -> str:
    """An HTML page of the pick list (every value escaped), for the PDF."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "body{font-family:sans-serif;font-size:11pt}"
        "h2{margin:14px 0 4px;border-bottom:1px solid #999}"
        "td{padding:2px 6px;vertical-align:top} .q{text-align:right;font-weight:bold}"
        ".o{color:#444;font-size:9pt}</style></head><body>",
        f"<h1>{e(_('Liste de préparation — {title}', title=picks.title))}</h1>",
        f"<p>{e(_('{n} commande(s) à préparer', n=picks.order_count))}</p>",
    ]
    for category, products in picks.categories:
        parts.append(f"<h2>{e(category_label(category))}</h2><table>")
        for product in products:
            orders = ", ".join(
                f"{e(o.number)} ×{o.quantity}" + (f" ({e(o.slot)})" if o.slot else "")
                for o in product.orders
            )
            parts.append(
                f"<tr><td>☐</td><td class='q'>{product.quantity}</td><td>{e(product.product)}"
                f"<div class='o'>{orders}</div></td></tr>"
            )
        parts.append("</table>")
    if not picks.categories:
        parts.append(f"<p>{e(_('Rien à préparer.'))}</p>")
    parts.append("</body></html>")
    return "".join(parts)


def as_pdf(picks: PickList) -> bytes:
    """The pick list as a PDF (wkhtmltopdf, as the order documents)."""
    from app.documents.pdf import html_to_pdf

    return html_to_pdf(as_html(picks))


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)
