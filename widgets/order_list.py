"""The order list of Commandes, drawn line by line (Textual's Line API).

A DataTable spends about 85 ms of CPU replacing 50 rows (clearing, adding each row,
measuring, rebuilding its caches). This list knows its columns in advance: each row is
rendered to segments once, when it is first drawn, and styled once (zebra or cursor);
`render_line` only crops what is cached. A new width or theme renders them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.i18n import _, format_day, format_short_day
from app.text import printable
from widgets.money_cell import money
from widgets.status_badge import status_parts

if TYPE_CHECKING:
    from storage.queries import OrderRow

# From this terminal width the columns get their padding and the statuses their long labels.
WIDE = 120
# From this width the date column shows the year (below, the list's title or the order does).
FULL_DATE = 100
# A tab or a newline in a customer's name would move the terminal's cursor: a space instead.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # cells of content, padding excluded


class Layout(NamedTuple):
    """The columns for one terminal width, and how the cells are written in them."""

    padding: int  # cells each side of a column's content
    columns: list[Column]
    full_date: bool  # '15/03/2021' rather than '15/03'
    short_status: bool  # 'Enregistrée' rather than 'Commande Enregistrée'
    wide: bool  # padded columns, the Actions column

    @property
    def width(self) -> int:
        return sum(column.width + 2 * self.padding for column in self.columns)


def _longest(*texts: str) -> int:
    return max(cell_len(text) for text in texts)


def columns_for(width: int) -> Layout:
    """Columns that fit a terminal `width` (and its scrollbar): numbers and dates whole,
    names cut to fit (with an ellipsis)."""
    wide = width >= WIDE
    full_date = width >= FULL_DATE
    number = 30
    day = 10 if full_date else 5
    if wide:
        total, actions = 11, 7
        mode = _longest(_("Livraison"), _("Retrait"))
        rest = max(16, width - 14 - 2 - number - day - total - mode - actions)  # 14: padding
        status = 28 if rest >= 28 + 20 else 13  # long labels when the names keep 20 cells
        client = max(8, rest - status)
        return Layout(
            1,
            [
                Column("number", _("N° Commande"), number),
                Column("date", _("Date"), day),
                Column("client", _("Client"), client),
                Column("total", _("Total"), total),
                Column("mode", _("Livraison"), mode),
                Column("status", _("Statut"), status),
                Column("actions", _("Actions"), actions),
            ],
            full_date,
            status < 28,
            wide,
        )
    # Narrow terminals: no padding, the cells keep a one-space gap themselves (the amount,
    # aligned right, has one on its left); no Actions column (the footer says ⏎ Ouvrir),
    # short modes and statuses.
    total, status = 11, 13
    mode = 2 + _longest(_("Livr."), _("Retr."), _("Mode"))
    client = max(8, width - 2 - (number + 1) - (day + 1) - total - mode - status)
    return Layout(
        0,
        [
            Column("number", _("N° Commande"), number + 1),
            Column("date", _("Date"), day + 1),
            Column("client", _("Client"), client),
            Column("total", _("Total"), total),
            Column("mode", " " + _("Mode"), mode),
            Column("status", _("Statut"), status),
        ],
        full_date,
        True,
        wide,
    )


class Cell(NamedTuple):
    text: str
    style: str | None = None  # a colour name (status), never markup
    right: bool = False  # aligned right (amounts)


# An order past its status's target (age timers): a sign instead of the dot, and a colour
# that reads in 16 colours. A selected order (bulk changes): a sign before its customer.
LATE_SIGN = "!"
LATE_STYLE = "bold red"
SELECTED_SIGN = "■ "


def cells_for(
    row: OrderRow, layout: Layout, *, late: bool = False, selected: bool = False
) -> tuple[Cell, ...]:
    """What each column shows of an order; plain strings: names come from customers."""
    status, colour = status_parts(row.status, short=layout.short_status)
    if late:
        status, colour = LATE_SIGN + status[1:], LATE_STYLE
    client = SELECTED_SIGN + row.customer_name if selected else row.customer_name
    day = row.placed_day
    when = "" if day is None else (format_day(day) if layout.full_date else format_short_day(day))
    if layout.wide:
        mode = _("Livraison") if row.fulfilment_mode == "delivery" else _("Retrait")
        return (
            Cell(row.number),
            Cell(when),
            Cell(client),
            Cell(money(row.total), right=True),
            Cell(mode),
            Cell(status, colour),
            Cell(_("Voir ⏎")),
        )
    mode = _("Livr.") if row.fulfilment_mode == "delivery" else _("Retr.")
    return (
        Cell(f"{row.number} "),
        Cell(f"{when} "),
        Cell(client),
        Cell(money(row.total), right=True),
        Cell(f" {mode} "),
        Cell(status, colour),
    )


def fit(text: str, width: int) -> tuple[str, int]:
    """`text` on one line, cut to `width` cells with an ellipsis, and the cells it takes."""
    if not text.isprintable():
        text = printable(CONTROL.sub(" ", text))  # and a bidi override written out
    length = len(text) if text.isascii() else cell_len(text)
    if length > width:
        if width < 2:
            return set_cell_size(text, width), width
        cut = set_cell_size(text, width - 1).rstrip() + ELLIPSIS
        return cut, cell_len(cut)
    return text, length


def line_of(
    cells: Sequence[Cell],
    columns: Sequence[Column],
    padding: int,
    style: Style,
    post_style: Style | None = None,
) -> Strip:
    """One line of `cells` in `columns` over `style` (and under `post_style`): a segment
    per cell, three for a coloured one (as a DataTable draws them)."""
    segments: list[Segment] = []
    add = segments.append
    total = 0
    outer = style + post_style if post_style is not None else style
    for cell, column in zip(cells, columns, strict=True):
        width = column.width
        total += width + 2 * padding
        text, length = fit(cell.text, width)
        space = width - length
        left = padding + (space if cell.right else 0)
        right = padding + (0 if cell.right else space)
        if cell.style is None:
            add(Segment(" " * left + text + " " * right, outer))
            continue
        inner = style + Style.parse(cell.style)
        if post_style is not None:
            inner += post_style
        if inner == outer:  # the cursor's colour over the status's: one segment
            add(Segment(" " * left + text + " " * right, outer))
            continue
        if left:
            add(Segment(" " * left, outer))
        add(Segment(text, inner))
        if right:
            add(Segment(" " * right, outer))
    return Strip(segments, total)


class OrderList(ScrollView, can_focus=True):
    """Orders one per line under a fixed header; a row cursor; Enter opens the order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Ouvrir", id="orders-open"),
        Binding("up", "cursor_up", "Ligne précédente", show=False, id="orders-up"),
        Binding("down", "cursor_down", "Ligne suivante", show=False, id="orders-down"),
        Binding("pageup", "page_up", "Page précédente", show=False, id="orders-page-up"),
        Binding("pagedown", "page_down", "Page suivante", show=False, id="orders-page-down"),
        Binding("home,ctrl+home", "first", "Tout en haut", show=False, id="orders-first"),
        Binding("end,ctrl+end", "last", "Tout en bas", show=False, id="orders-last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "order-list--header",
        "order-list--even-row",
        "order-list--odd-row",
        "order-list--cursor",
    }

    # The DataTable's look, so that the list reads the same as the other tables.
    DEFAULT_CSS = """
    OrderList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .order-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .order-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .order-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .order-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .order-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .order-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .order-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    @dataclass
    class RowMessage(Message):
        order_list: OrderList
        cursor_row: int
        key: str  # the order's number

        @property
        def control(self) -> OrderList:
            return self.order_list

    class RowHighlighted(RowMessage):
        """The cursor moved to a row (or a first row appeared under it)."""

    class RowSelected(RowMessage):
        """Enter (or a click) on a row: open that order."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[OrderRow] = []
        self._keys: list[str] = []
        self._lines: dict[int, Strip] = {}  # rows with their stripe, made when first drawn
        self._cursor_line: tuple[int, Strip] | None = None
        self._header: Strip | None = None
        self._cursor = 0
        self._basis = -1  # the terminal width the columns were laid out for
        self._layout = columns_for(80)
        # Bulk changes select orders (by number); the age timers tell which rows are late.
        self.selected: set[str] = set()
        self.late: Callable[[OrderRow], bool] | None = None

    # Rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def set_rows(self, rows: Sequence[OrderRow]) -> None:
        """Show `rows` instead: rows of the same orders are updated in place (cursor and
        scroll kept); otherwise the cursor stays on its order if it is still listed."""
        self._ensure_layout()
        keys = [row.number for row in rows]
        if keys == self._keys:
            for index, (before, after) in enumerate(zip(self._rows, rows, strict=True)):
                if before != after:
                    self._rows[index] = after
                    self._forget_line(index)
                    self.refresh_line(index + 1)
            return
        current = self._keys[self._cursor] if self._keys else None
        self._rows = list(rows)
        self._keys = keys
        self._lines.clear()
        self._cursor_line = None
        self._cursor = keys.index(current) if current in keys else 0
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, force=True)
        self._scroll_to_row(self._cursor)
        self.refresh()
        if rows:
            self.post_message(self.RowHighlighted(self, self._cursor, keys[self._cursor]))

    def add_rows(self, rows: Sequence[OrderRow]) -> None:
        """Append `rows` (the next page) under those shown."""
        self._ensure_layout()
        was_empty = not self._rows
        start = len(self._rows)
        self._rows.extend(rows)
        self._keys.extend(row.number for row in rows)
        self._update_virtual_size()
        self.refresh_lines(start + 1, len(rows))
        if was_empty and rows:
            self.post_message(self.RowHighlighted(self, 0, self._keys[0]))

    def row_cells(self, index: int) -> list[str]:
        """The plain text of each cell of row `index`, stripped (whole: a narrow column
        shows its start)."""
        return [cell.text.strip() for cell in self._cells(index)]

    def _cells(self, index: int) -> tuple[Cell, ...]:
        row = self._rows[index]
        late = self.late is not None and self.late(row)
        return cells_for(row, self._layout, late=late, selected=row.number in self.selected)

    @property
    def numbers(self) -> list[str]:
        """The numbers of the orders listed, in order."""
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        return self._keys[self._cursor] if self._keys else None

    def set_selected(self, numbers: set[str]) -> None:
        """Mark `numbers` as selected (the rows whose mark changes are drawn again)."""
        changed = self.selected ^ numbers
        self.selected = set(numbers)
        for index, key in enumerate(self._keys):
            if key in changed:
                self._forget_line(index)
                self.refresh_line(index + 1)

    def redraw(self) -> None:
        """Render every row again (the late marks moved on with the clock)."""
        self._lines.clear()
        self._cursor_line = None
        self.refresh()

    # The cursor

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on `row` (clamped to the rows shown) and keep it in view."""
        row = max(0, min(row, len(self._rows) - 1))
        if scroll:
            self._scroll_to_row(row)
        if row == self._cursor or not self._rows:
            return
        before, self._cursor = self._cursor, row
        self.refresh_line(before + 1)
        self.refresh_line(row + 1)
        self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _scroll_to_row(self, row: int) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = offset.y - 1 + round(self.scroll_y)
        if row < len(self._rows):
            self.move_cursor(row=row)
            self.action_select_cursor()

    # Drawing

    def _ensure_layout(self) -> None:
        """Lay the columns out for the terminal's width, re-rendering the rows if it changed."""
        width = self.app.size.width
        if width == self._basis:
            return
        self._basis = width
        self._layout = columns_for(width)
        self._header = None
        self._lines.clear()
        self._cursor_line = None
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._layout.width, len(self._rows) + 1)

    def _forget_line(self, index: int) -> None:
        self._lines.pop(index, None)
        if self._cursor_line is not None and self._cursor_line[0] == index:
            self._cursor_line = None

    def notify_style_update(self) -> None:
        # Focus, theme: the zebra, cursor and header styles change; the cells do not.
        super().notify_style_update()
        self._lines.clear()
        self._cursor_line = None
        self._header = None
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.app.size.width != self._basis and self._basis != -1:
            self._ensure_layout()
            self.refresh()

    def on_mount(self) -> None:
        self._ensure_layout()

    def _row_style(self, index: int) -> Style:
        return self.get_component_rich_style(
            "order-list--odd-row" if index % 2 else "order-list--even-row"
        )

    def _styled(self, index: int) -> tuple[Strip, Style]:
        """Row `index` with its stripe, or the cursor, over the cells' own styles."""
        style = self._row_style(index)
        if index == self._cursor:
            style += self.get_component_rich_style("order-list--cursor")
            cached = self._cursor_line
            if cached is None or cached[0] != index:
                # The cursor's colour wins over the cells' (DataTable's "css" priority).
                post = Style.from_color(color=style.color)
                cached = self._cursor_line = (index, self._line(index, style, post))
            return cached[1], style
        strip = self._lines.get(index)
        if strip is None:
            strip = self._lines[index] = self._line(index, style)
        return strip, style

    def _line(self, index: int, style: Style, post_style: Style | None = None) -> Strip:
        layout = self._layout
        return line_of(self._cells(index), layout.columns, layout.padding, style, post_style)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            header_style = self.get_component_rich_style("order-list--header")
            if self._header is None:
                layout = self._layout
                labels = [Cell(column.label) for column in layout.columns]
                self._header = line_of(labels, layout.columns, layout.padding, header_style)
            return self._header.crop_extend(scroll_x, scroll_x + width, header_style)
        index = y - 1 + round(self.scroll_y)
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        strip, style = self._styled(index)
        return strip.crop_extend(scroll_x, scroll_x + width, style)
