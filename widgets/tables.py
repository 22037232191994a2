"""Filling a DataTable whose columns fit their content from the first paint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

# A column made narrower to fit keeps at least this many cells (and its whole header).
NARROWEST = 10


def column_widths(
    labels: Sequence[str],
    rows: Sequence[Sequence[Text]],
    *,
    room: int | None = None,
    padding: int = 1,
    shrink: Mapping[int, int] | None = None,
) -> list[int]:
    """Each column as wide as its widest cell; with `room` (the cells the table may take),
    the columns of `shrink` (index → narrowest width, taken in that order) give up cells
    until the table fits, never below their header: their text then wraps."""
    widths = [
        max([Text(label).cell_len, *(row[index].cell_len for row in rows)])
        for index, label in enumerate(labels)
    ]
    if room is None or not shrink:
        return widths
    excess = sum(widths) + 2 * padding * len(widths) - room
    for index, narrowest in shrink.items():
        if excess <= 0:
            break
        floor = max(Text(labels[index]).cell_len, narrowest)
        cut = min(excess, max(0, widths[index] - floor))
        widths[index] -= cut
        excess -= cut
    return widths


def fill_table(
    table: DataTable[Text],
    labels: Sequence[str],
    rows: Sequence[Sequence[Text]],
    *,
    keys: Sequence[str] | None = None,
    room: int | None = None,
    shrink: Mapping[int, int] | None = None,
) -> None:
    """Replace the columns and rows of `table`, each column as wide as its widest cell.

    DataTable measures auto-width columns on a later idle, so a table filled with
    `add_row` paints once with header-wide columns and then again; the header can even stay
    at the old widths. Measuring here, with the rows in hand, paints it right the first time.
    With `room` and `shrink` (see `column_widths`) a table too wide for the screen makes
    the named columns narrower and its rows as tall as their wrapped text.
    """
    natural = column_widths(labels, rows)
    widths = column_widths(labels, rows, room=room, padding=table.cell_padding, shrink=shrink)
    height = 1 if widths == natural else None  # None: as tall as the wrapped cells
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(label, width=width)
    for index, row in enumerate(rows):
        table.add_row(*row, key=keys[index] if keys is not None else None, height=height)
