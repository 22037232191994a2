"""The time of the shop's records: now as the naive UTC datetime the database stores."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as the naive UTC datetime stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)
