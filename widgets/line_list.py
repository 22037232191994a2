"""A list of prepared one-line rows with a cursor, drawn by the Line API.

For long read-only lists (the pick list of a busy day: thousands of lines): each row is a
few (text, colour) parts given in advance; a row becomes a Strip only when it is drawn, and
replacing every row costs no layout beyond the new height.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from widgets.order_list import fit


@dataclass(frozen=True)
class Row:
    """One line: parts of (text, style or None: never markup) and an optional key."""

    parts: tuple[tuple[str, str | None], ...]
    key: str = ""

    @property
    def plain(self) -> str:
        return "".join(text for text, _style in self.parts)


class LineList(ScrollView, can_focus=True):
    """Rows under the cursor; Enter on a row with a key posts `Chosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Ouvrir", id="lines-open"),
        Binding("up", "move(-1)", "Ligne précédente", show=False, id="lines-up"),
        Binding("down", "move(1)", "Ligne suivante", show=False, id="lines-down"),
        Binding("pageup", "page(-1)", "Page précédente", show=False, id="lines-page-up"),
        Binding("pagedown", "page(1)", "Page suivante", show=False, id="lines-page-down"),
        Binding("home", "edge(0)", "Tout en haut", show=False, id="lines-first"),
        Binding("end", "edge(1)", "Tout en bas", show=False, id="lines-last"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor"}
    DEFAULT_CSS = """
    LineList { background: $surface; color: $foreground; }
    LineList > .line-list--cursor { background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground; }
    LineList:focus > .line-list--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; text-style: $block-cursor-text-style; }
    """

    @dataclass
    class Chosen(Message):
        """Enter on a row that has a key."""

        key: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.cursor = 0
        self._strips: dict[int, Strip] = {}

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show `rows` instead; the cursor stays on the same key when it is still there."""
        key = self.rows[self.cursor].key if self.rows and self.cursor < len(self.rows) else ""
        self.rows = list(rows)
        self._strips.clear()
        keys = [row.key for row in self.rows]
        self.cursor = (
            keys.index(key) if key and key in keys else min(self.cursor, max(0, len(rows) - 1))
        )
        width = max((sum(len(t) for t, _s in row.parts) for row in self.rows), default=0)
        self.virtual_size = Size(width, len(self.rows))
        self.refresh()

    def current_key(self) -> str:
        return self.rows[self.cursor].key if self.rows else ""

    def action_move(self, delta: int) -> None:
        self._go(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self._go(self.cursor + delta * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self._go(len(self.rows) - 1 if end else 0)

    def _go(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        before, self.cursor = self.cursor, row
        self.refresh_line(before)
        self.refresh_line(row)
        visible = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, force=True)

    def action_choose(self) -> None:
        key = self.current_key()
        if key:
            self.post_message(self.Chosen(key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self._go(offset.y + round(self.scroll_y))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_y)
        width = self.size.width
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        if index == self.cursor:
            style = base + self.get_component_rich_style("line-list--cursor")
            strip = self._strip(index, style, cursor=True)
        else:
            strip = self._strips.get(index) or self._strips.setdefault(
                index, self._strip(index, base, cursor=False)
            )
            style = base
        scroll_x = round(self.scroll_x)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _strip(self, index: int, style: Style, *, cursor: bool) -> Strip:
        segments = []
        for text, colour in self.rows[index].parts:
            shown, _cells = fit(text, 10_000)
            part = style if cursor or colour is None else style + Style.parse(colour)
            segments.append(Segment(shown, part))
        return Strip(segments)
