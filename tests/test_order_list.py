"""The order list's lines: columns that fit the terminal, cells cut and aligned, one line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from rich.style import Style

from storage.queries import OrderRow
from widgets.order_list import Cell, cells_for, columns_for, line_of

ROW = OrderRow(
    id=1,
    number="6006f3a2-c1f882001c-52bb13-001",
    customer_name="Léa Dubois",
    total=Decimal("1.00"),
    fulfilment_mode="delivery",
    status="registered",
    placed_day=date(2021, 1, 19),
)


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_the_columns_fit_the_terminal_with_the_scrollbar(width: int) -> None:
    layout = columns_for(width)
    assert layout.width == width - 2
    columns = {column.key: column for column in layout.columns}
    assert columns["number"].width >= len(ROW.number)
    assert columns["date"].width >= (len("19/01/2021") if width >= 100 else len("19/01"))
    assert columns["client"].width >= 10  # a name cut with an ellipsis, still readable


@pytest.mark.parametrize("width", [80, 120, 160])
def test_a_line_shows_every_cell_in_its_column(width: int) -> None:
    layout = columns_for(width)
    strip = line_of(cells_for(ROW, layout), layout.columns, layout.padding, Style())
    assert strip.cell_length == width - 2
    text = strip.text
    if width == 80:  # no padding, short labels, no Actions column
        expected = [ROW.number, "19/01", "Léa", "Dubois", "1,00", "€", "Livr.", "●", "Enregistrée"]
    else:
        status = ["Commande", "Enregistrée"] if width >= 160 else ["Enregistrée"]
        day = "19/01/2021"
        expected = [ROW.number, day, "Léa", "Dubois", "1,00", "€", "Livraison", "●", *status]
        expected += ["Voir", "⏎"]
    assert text.split() == expected
    # The amount is aligned right in its column, the name left.
    position = sum(c.width + 2 * layout.padding for c in layout.columns[:4])
    assert text[:position].endswith("1,00 € " if layout.padding else "1,00 €")


def test_a_name_too_long_for_its_column_ends_with_an_ellipsis() -> None:
    layout = columns_for(80)
    client = next(c for c in layout.columns if c.key == "client")
    long = replace(ROW, customer_name="Marie-Clémentine de La Tour d'Auvergne")
    cells = cells_for(long, layout)
    text = line_of(cells, layout.columns, layout.padding, Style()).text
    start = sum(c.width for c in layout.columns[:2])
    shown = text[start : start + client.width]
    assert shown.endswith("…") and shown.startswith("Marie-Cl")
    # A name that fits is shown whole, without one.
    assert "Léa Dubois" in line_of(cells_for(ROW, layout), layout.columns, 0, Style()).text


def test_cells_are_cut_to_their_column_on_one_line() -> None:
    columns = columns_for(120).columns[:3:2]  # the number and the client
    cells = [Cell("N°\ttab"), Cell("Zoé\nMartin 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字")]
    strip = line_of(cells, columns, 1, Style())
    assert "\n" not in strip.text and "\t" not in strip.text
    assert strip.text.startswith(" N° tab ")
    assert strip.cell_length == sum(c.width + 2 for c in columns)
