"""Invoice columns add up to the cent (issue 11.4): per rate first, then each line's share."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.money import VAT_RATES, from_cents, regional_vat_rates, vat_breakdown, vat_columns
from app.orders.view import order_view
from storage.models import Order, OrderLine

D = Decimal
RATES = sorted(set(VAT_RATES) | set(regional_vat_rates("974")) | set(regional_vat_rates("Corse")))


def _order(lines: list[tuple[Decimal, Decimal, int]], fee: Decimal) -> tuple[Order, list]:
    records = [
        OrderLine(
            position=i,
            product=f"P{i}",
            unit_price=price,
            quantity=quantity,
            vat_rate=str(rate),
            total=from_cents(int(price * 100) * quantity),
        )
        for i, (rate, price, quantity) in enumerate(lines, start=1)
    ]
    total = sum((r.total for r in records), start=fee)
    order = Order(
        number="C-1",
        placed_at=datetime(2021, 1, 20, 9),
        status="registered",
        customer_name="X",
        customer_email="x@example.org",
        fulfilment_mode="delivery",
        shipping_fee=fee,
        total=total,
        refund=D("0.00"),
    )
    return order, records


def test_two_lines_of_one_euro_add_up_to_the_total_ht() -> None:
    order, lines = _order([(D("20.00"), D("1.00"), 1), (D("20.00"), D("1.00"), 1)], D("0.00"))
    view = order_view(order, lines)
    assert [line.ht for line in view.lines] == [D("0.84"), D("0.83")]
    assert view.total_ht == D("1.67") and view.total_vat == D("0.33")


cents = st.integers(min_value=0, max_value=100_000).map(from_cents)
small = st.integers(min_value=0, max_value=300).map(from_cents)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(RATES), st.one_of(small, cents), st.integers(1, 12)),
        min_size=1,
        max_size=10,
    ),
    fee=st.one_of(small, cents),
)
def test_every_column_adds_up_on_random_orders(lines: list, fee: Decimal) -> None:
    order, records = _order(lines, fee)
    view = order_view(order, records)
    columns = vat_columns(((ln.rate, ln.total) for ln in records), fee)
    # the VAT table is the per-rate split of SPEC §2, unchanged
    assert list(view.vat_rows) == vat_breakdown(((ln.rate, ln.total) for ln in records), fee)
    for row in view.vat_rows:
        at_rate = [line for line in view.lines if line.rate == row.rate]
        shipping_ht = columns.shipping_ht.get(row.rate, D("0.00"))
        # the lines' HT (and the shipping's share) sum to the rate's Total HT, the table's base
        assert sum((line.ht for line in at_rate), start=shipping_ht) == row.ht
        assert row.ht + row.vat == row.ttc
        assert sum((ln.total for ln in at_rate), start=columns.shipping_ttc.get(row.rate, 0)) == (
            row.ttc
        )
    for line in view.lines:
        assert line.ht + line.vat == line.total and 0 <= line.ht <= line.total
    assert view.shipping.ht + view.shipping.vat == view.shipping.ttc == fee
    assert sum((line.ht for line in view.lines), start=view.shipping.ht) == view.total_ht
    assert sum((line.vat for line in view.lines), start=view.shipping.vat) == view.total_vat
    assert view.total_ht + view.total_vat == view.total
    assert sum((r.ttc for r in view.vat_rows), start=D("0")) == view.total
