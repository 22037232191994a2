"""Order statuses and the transitions staff may make (SPEC §3)."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """The life of an order; values are the stable keys used in the database and CLI."""

    REGISTERED = "registered"
    CONFIRMING = "confirming"
    PROCESSING = "processing"
    READY = "ready"
    IN_DELIVERY = "in_delivery"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    ERROR = "error"


S = OrderStatus

# French labels are the catalogue's keys: `_(STATUS_LABELS[s])` gives the current language.
STATUS_LABELS: dict[OrderStatus, str] = {
    S.REGISTERED: "Commande Enregistrée",
    S.CONFIRMING: "Confirmation en cours",
    S.PROCESSING: "En cours de traitement",
    S.READY: "Commande prête",
    S.IN_DELIVERY: "Livraison/retrait en cours",
    S.FINISHED: "Terminé",
    S.CANCELLED: "Annulée",
    S.ERROR: "Erreur",
}

# Colours of the status dot; named colours so that 16-colour terminals show them too.
STATUS_COLOURS: dict[OrderStatus, str] = {
    S.REGISTERED: "blue",
    S.CONFIRMING: "cyan",
    S.PROCESSING: "yellow",
    S.READY: "magenta",
    S.IN_DELIVERY: "bright_blue",
    S.FINISHED: "green",
    S.CANCELLED: "bright_black",
    S.ERROR: "red",
}

TRANSITIONS: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    S.REGISTERED: (S.CONFIRMING, S.PROCESSING, S.FINISHED, S.CANCELLED),
    S.CONFIRMING: (S.PROCESSING, S.FINISHED, S.CANCELLED),
    S.PROCESSING: (S.READY, S.FINISHED, S.CANCELLED),
    S.READY: (S.IN_DELIVERY, S.FINISHED, S.CANCELLED),
    S.IN_DELIVERY: (S.FINISHED, S.CANCELLED),
    S.FINISHED: (),
    S.CANCELLED: (),
    S.ERROR: (),
}

# The normal flow that `n` (next status) follows.
NORMAL_FLOW: tuple[OrderStatus, ...] = (
    S.REGISTERED,
    S.CONFIRMING,
    S.PROCESSING,
    S.READY,
    S.IN_DELIVERY,
    S.FINISHED,
)

# Statuses whose entry mails (and texts) the customer by default; the config may change it.
DEFAULT_NOTIFY: frozenset[OrderStatus] = frozenset(NORMAL_FLOW)

# Orders in these statuses count in the calendar but add no amount, and pay nothing out.
NO_AMOUNT: frozenset[OrderStatus] = frozenset({S.CANCELLED, S.ERROR})

# Why the dropdown is disabled, per final status (French, translated by the catalogue).
FINAL_REASONS: dict[OrderStatus, str] = {
    S.FINISHED: "Commande terminée : son statut ne change plus.",
    S.CANCELLED: "Commande annulée : son statut ne change plus.",
    S.ERROR: "Commande en erreur : seul le système peut changer ce statut.",
}


def allowed_targets(status: OrderStatus) -> tuple[OrderStatus, ...]:
    """The statuses staff may move an order to from `status`, in display order."""
    return TRANSITIONS[status]


def next_in_flow(status: OrderStatus) -> OrderStatus | None:
    """The next status of the normal flow, or None at its end or outside it."""
    if status not in NORMAL_FLOW or status is S.FINISHED:
        return None
    return NORMAL_FLOW[NORMAL_FLOW.index(status) + 1]
