"""The order list's lines: columns that fit the terminal, cells cut and aligned, one line."""

from __future__ import annotations

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
)


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_the_columns_fit_the_terminal_with_the_scrollbar(width: int) -> None:
    padding, columns = columns_for(width)
    assert sum(column.width + 2 * padding for column in columns) == width - 2
    assert next(c for c in columns if c.key == "number").width >= len(ROW.number)


@pytest.mark.parametrize("width", [80, 120])
def test_a_line_shows_every_cell_in_its_column(width: int) -> None:
    padding, columns = columns_for(width)
    strip = line_of(cells_for(ROW, wide=width >= 100), columns, padding, Style())
    assert strip.cell_length == width - 2
    text = strip.text
    assert text.split() == [
        ROW.number,
        "Léa",
        "Dubois",
        "1,00",
        "€",
        "Livraison",
        "●",
        *(["Commande", "Enregistrée", "Voir", "⏎"] if width >= 100 else ["Enregistrée", "⏎"]),
    ]
    # The amount is aligned right in its column, the name left.
    position = sum(c.width + 2 * padding for c in columns[:3])
    assert text[:position].endswith("1,00 € " if padding else "1,00 €")


def test_cells_are_cut_to_their_column_on_one_line() -> None:
    columns = columns_for(120)[1][:2]
    cells = [Cell("N°\ttab"), Cell("Zoé\nMartin 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字")]
    strip = line_of(cells, columns, 1, Style())
    assert "\n" not in strip.text and "\t" not in strip.text
    assert strip.text.startswith(" N° tab ")
    assert strip.cell_length == sum(c.width + 2 for c in columns)
