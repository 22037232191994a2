"""Messages: the outbox's states, `comptoir worker`, the footer's warning, the log."""

EN = {
    "Remplacé": "Superseded",
    "Non envoyé": "Not sent",
    "Envoyés : {sent}, nouvelles tentatives : {retried}, en échec : {failed}, "
    "non envoyés (canal non configuré) : {skipped}, en attente : {pending}.": (
        "Sent: {sent}, retries: {retried}, failed: {failed}, "
        "not sent (channel not configured): {skipped}, pending: {pending}."
    ),
    "{count} message(s) en échec d'avant restent à renvoyer (comptoir --order).": (
        "{count} message(s) that failed earlier remain to be sent again (comptoir --order)."
    ),
}
