"""The marketplace hears back: each status change as a signed Standard Webhooks POST.

With COMPTOIR_MARKETPLACE_URL and COMPTOIR_MARKETPLACE_SECRET set, a status change, a
cancellation and an undo write, in their own transaction, a row of the outbox (`Notification`,
channel `webhook`, audience `marketplace`) and its frozen body with a webhook-id
of its own (`MarketplaceMessage`). The notifier sends it like a mail: after the grace
period, under a lease, with retries and backoff, marked sent once the marketplace answered
2xx. Every attempt carries the same webhook-id and the same bytes (only the timestamp and
its signature change), so the marketplace recognises a copy. Not configured: nothing is
queued at all.

The body::

    {"type": "order.status_changed", "timestamp": "2021-01-18T15:05:12Z",
     "data": {"number": "…", "status": "ready", "previous": "preparing",
              "reason": null, "refund": null, "at": "2021-01-18T15:05:12Z"}}

`refund` is the amount refunded (a string, like "12.50") on a cancellation, else null.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app import webhooks
from app.config import Config
from app.i18n import _
from app.messages.delivery import DeliveryError, NotConfigured
from app.messages.states import NotificationState as N
from storage.models import MarketplaceMessage, Notification, Order, StatusChange

# The outbox's columns: channel `webhook` (at most 8 characters), audience `marketplace`.
CHANNEL = "webhook"
AUDIENCE = "marketplace"
EVENT = "order.status_changed"
TIMEOUT_SECONDS = 15.0
# Answers worth trying again (RFC 9110): 408 Request Timeout, 429 Too Many Requests, and 5xx.
TEMPORARY_4XX = frozenset({408, 429})


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def status_body(
    number: str,
    status: str,
    previous: str | None,
    reason: str | None,
    refund: Decimal | None,
    at: datetime,
) -> str:
    """The JSON text of one status message (`at`: naive UTC)."""
    data = {
        "number": number,
        "status": status,
        "previous": previous,
        "reason": reason,
        "refund": None if refund is None else f"{refund:.2f}",
        "at": _iso(at),
    }
    return json.dumps(
        {"type": EVENT, "timestamp": _iso(at), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def queue_status_message(
    order: Order,
    change: StatusChange,
    *,
    config: Config,
    due: datetime,
    refund: Decimal | None = None,
) -> Notification | None:
    """Queue the marketplace's message of `change` (inside its transaction); None when the
    marketplace is not configured."""
    if not config.marketplace_enabled:
        return None
    notification = Notification.create(
        order=order,
        change=change,
        audience=AUDIENCE,
        channel=CHANNEL,
        template="status_changed",
        order_status=change.to_status,
        lang=config.lang,
        recipient=None,
        state=N.PENDING,
        due_at=due,
        created_at=change.at,
        created_by=change.by,
    )
    MarketplaceMessage.create(
        notification=notification,
        webhook_id=f"msg_{uuid.uuid4().hex}",
        body=status_body(
            order.number, change.to_status, change.from_status, change.reason, refund, change.at
        ),
    )
    return notification


@dataclass(frozen=True)
class Outgoing:
    """One message ready to be posted: its webhook-id and body."""

    webhook_id: str
    body: bytes


class MarketplaceSender:
    """Posts the messages to COMPTOIR_MARKETPLACE_URL over one aiohttp session."""

    def __init__(self, config: Config, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = config.marketplace_url if config.marketplace_enabled else ""
        self.keys = webhooks.decode_secrets(config.marketplace_secret) if self.url else ()
        self.timeout = timeout
        self._session: Any = None

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def load(self, notification_id: int) -> Outgoing:
        """The message's frozen body (in the notifier's database thread)."""
        if not self.configured:
            raise NotConfigured(
                _(
                    "Place de marché non configurée "
                    "(COMPTOIR_MARKETPLACE_URL et COMPTOIR_MARKETPLACE_SECRET)."
                )
            )
        row = MarketplaceMessage.get_or_none(MarketplaceMessage.notification == notification_id)
        if row is None:
            raise DeliveryError(_("Message sans contenu."), temporary=False)
        return Outgoing(webhook_id=row.webhook_id, body=row.body.encode("utf-8"))

    def headers(self, outgoing: Outgoing, timestamp: int) -> dict[str, str]:
        """Content type and the Standard Webhooks headers, signed with every secret."""
        signatures = " ".join(
            webhooks.signature(key, outgoing.webhook_id, timestamp, outgoing.body)
            for key in self.keys
        )
        return {
            "content-type": "application/json",
            "webhook-id": outgoing.webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signatures,
        }

    async def send(self, outgoing: Outgoing) -> None:
        """POST one message; DeliveryError (temporary or not) unless answered 2xx."""
        import aiohttp

        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        headers = self.headers(outgoing, int(time.time()))
        try:
            async with self._session.post(
                self.url, data=outgoing.body, headers=headers, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return
                words = (await response.text(errors="replace"))[:200]
                status = response.status
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryError(
                _(
                    "Place de marché injoignable : {reason}",
                    reason=str(exc) or type(exc).__name__,
                ),
                temporary=True,
            ) from exc
        words = " ".join(words.split())
        raise DeliveryError(
            _("La place de marché répond HTTP {status} : {words}", status=status, words=words),
            temporary=status in TEMPORARY_4XX or status >= 500,
        )

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
