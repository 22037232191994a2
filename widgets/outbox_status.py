"""« ⚠ N message(s) en échec · serveur de mail injoignable » at the right of every footer.

The App counts the outbox every few seconds (one indexed count, app.messages.outbox) and
keeps the sentence in `app.outbox_notice`; this widget shows it while there is one and is
hidden otherwise, so a screen looks the same when all is well.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class OutboxStatus(Static):
    """The outbox's warning, read from the App once a second."""

    DEFAULT_CSS = """
    OutboxStatus {
        dock: right;
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    """

    _shown = ""

    def on_mount(self) -> None:
        self._refresh_notice()
        self.set_interval(1.0, self._refresh_notice, name="outbox-notice")

    def _refresh_notice(self) -> None:
        narrow = self.app.size.width < 100
        notice = str(getattr(self.app, "outbox_short" if narrow else "outbox_notice", "") or "")
        if notice != self._shown or self.display != bool(notice):
            self._shown = notice
            self.update(Text(notice))
            self.display = bool(notice)
        self.styles.padding = (0, 0) if narrow else (0, 1)
