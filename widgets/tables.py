"""Filling a DataTable whose columns fit their content from the first paint."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


def fill_table(
    table: DataTable[Text],
    labels: Sequence[str],
    rows: Sequence[Sequence[Text]],
    *,
    keys: Sequence[str] | None = None,
) -> None:
    """Replace the columns and rows of `table`, each column as wide as its widest cell.

    DataTable measures auto-width columns on a later idle, so a table filled with
    `add_row` paints once with header-wide columns and then again; the header can even stay
    at the old widths. Measuring here, with the rows in hand, paints it right the first time.
    """
    widths = [
        max([Text(label).cell_len, *(row[index].cell_len for row in rows)])
        for index, label in enumerate(labels)
    ]
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(label, width=width)
    for index, row in enumerate(rows):
        table.add_row(*row, key=keys[index] if keys is not None else None)
