"""Standard Webhooks 1.0 signatures: the `whsec_…` secrets, signing a message, checking one.

A message is signed with HMAC-SHA256 over ``"{webhook-id}.{webhook-timestamp}.{body}"`` (the
body's exact bytes), keyed with the secret's base64-decoded bytes; the `webhook-signature`
header holds one or more space-separated ``v1,<base64 signature>``. The receiver refuses a
timestamp more than five minutes away from its clock, so that a captured message cannot be
replayed later. Both sides of Comptoir use this module: the intake endpoint checks the
marketplace's deliveries, the marketplace sender signs the status messages.

It imports nothing of the app (the configuration checks secrets with it at start).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import string

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
MIN_SECRET_BYTES = 16
MAX_ID_LENGTH = 255
_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + string.punctuation)


class Refused(Exception):
    """A delivery whose headers or signature do not hold; `reason` is a short token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_secret(text: str) -> bytes:
    """The key of one `whsec_<base64>` secret; ValueError if it is not one."""
    if not text.startswith(SECRET_PREFIX):
        raise ValueError("does not start with whsec_")
    encoded = text[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64 after whsec_") from None
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"is shorter than {MIN_SECRET_BYTES} bytes")
    return key


def decode_secrets(text: str) -> tuple[bytes, ...]:
    """The keys of space-separated secrets (two during a rotation); ValueError if none."""
    keys = tuple(decode_secret(part) for part in text.split())
    if not keys:
        raise ValueError("is empty")
    return keys


def _digest(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> bytes:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def signature(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message."""
    return "v1," + base64.b64encode(_digest(key, webhook_id, timestamp, body)).decode("ascii")


def signed_headers(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a signed delivery."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(key, webhook_id, timestamp, body),
    }


def check_id(webhook_id: str | None) -> str:
    """The webhook-id if present and plain (printable ASCII, no space, 255 at most)."""
    if not webhook_id:
        raise Refused("missing-headers")
    if len(webhook_id) > MAX_ID_LENGTH or not set(webhook_id) <= _ID_CHARACTERS:
        raise Refused("bad-id")
    return webhook_id


def check_timestamp(text: str | None, now: float) -> int:
    """The webhook-timestamp (whole seconds) if present and within five minutes of `now`."""
    if not text:
        raise Refused("missing-headers")
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise Refused("bad-timestamp")
    timestamp = int(text)
    if timestamp < now - TOLERANCE_SECONDS:
        raise Refused("stale-timestamp")
    if timestamp > now + TOLERANCE_SECONDS:
        raise Refused("future-timestamp")
    return timestamp


def check_signature(
    keys: tuple[bytes, ...], webhook_id: str, timestamp: int, header: str | None, body: bytes
) -> None:
    """Refused unless one `v1` signature of `header` matches one of the keys."""
    if not header:
        raise Refused("missing-headers")
    given: list[bytes] = []
    for part in header.split(" ")[:10]:
        version, _, encoded = part.partition(",")
        if version != "v1" or not encoded:
            continue
        try:
            given.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    for key in keys:
        expected = _digest(key, webhook_id, timestamp, body)
        # Every candidate is compared (no early exit that a timing could tell apart).
        if any([hmac.compare_digest(expected, candidate) for candidate in given]):
            return
    raise Refused("bad-signature")
