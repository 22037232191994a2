"""A one-line banner shown only while it has something to say."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def show_banner(banner: Static, text: str) -> None:
    """Show `text` (plain, never markup) in `banner`, or hide the banner when it is ''."""
    banner.display = bool(text)
    banner.update(Text(text))
