"""The states of a notification (a row of the outbox), their labels and their groups.

The values are what the database stores: stable keys, never translated. A notification is
`pending` (waits for its due time: the grace period, or a retry), `sending` (leased by one
notifier), then `sent`, `failed` (permanently, with the server's words), `withdrawn` (its
change was undone in the grace period), `superseded` (a later change of the same order
owes the customer a newer message before this one left) or `skipped` (its channel is not
configured: recorded, never sent later unless staff send it again).
"""

from __future__ import annotations

from enum import StrEnum


class NotificationState(StrEnum):
    """Where a notification stands; values are the database's keys."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    SKIPPED = "skipped"


N = NotificationState

# French labels are the catalogue's keys: `_(STATE_LABELS[s])` gives the current language.
STATE_LABELS: dict[NotificationState, str] = {
    N.PENDING: "En attente",
    N.SENDING: "Envoi en cours",
    N.SENT: "Envoyé",
    N.FAILED: "Échec",
    N.WITHDRAWN: "Retiré",
    N.SUPERSEDED: "Remplacé",
    N.SKIPPED: "Non envoyé",
}

# Still to be sent: what "en attente" counts and what a drain waits for.
WAITING: tuple[NotificationState, ...] = (N.PENDING, N.SENDING)
# Not gone and not going on their own: an undo in the grace period may withdraw them.
UNSENT: tuple[NotificationState, ...] = (N.PENDING, N.SKIPPED)
# Never left and never will by themselves: an undo may still be made around them.
NOT_LEFT: tuple[NotificationState, ...] = (*UNSENT, N.WITHDRAWN, N.SUPERSEDED)
# What staff may send again by hand.
RESENDABLE: tuple[NotificationState, ...] = (N.FAILED, N.SKIPPED)


def state_label(state: str) -> str:
    """The French label of a stored state (the key itself for an unknown one)."""
    try:
        return STATE_LABELS[NotificationState(state)]
    except ValueError:
        return state
