"""How a sender says it failed: shared by every channel (mail, SMS, the marketplace's POST).

Apart from `app.messages.senders` so that what only raises them (the marketplace, and through
it every status change) does not import aiosmtplib and the email package: a few hundredths
of a second of the TUI's start.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """Sending failed; `temporary` when a later attempt may succeed, `unreachable` when the
    server could not be reached or did not answer in time."""

    def __init__(self, message: str, *, temporary: bool, unreachable: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.unreachable = unreachable


class NotConfigured(Exception):
    """The channel (or the seller's address for it) is not configured; says which."""
