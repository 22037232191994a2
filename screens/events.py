"""Messages the App sends to its screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """Another terminal or process added or changed orders; screens refresh what they show."""

    new_orders: tuple[str, ...]
