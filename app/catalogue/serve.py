"""`comptoir serve`: its refusals and warnings."""

EN = {
    "Accès refusé : cette adresse n'est pas celle de ce serveur Comptoir.": (
        "Access refused: this address is not this Comptoir server's."
    ),
    "Accès refusé : connexion sans page d'origine (en-tête Origin).": (
        "Access refused: connection without an originating page (Origin header)."
    ),
    "Accès refusé : cette connexion vient d'une page d'un autre site.": (
        "Access refused: this connection comes from another site's page."
    ),
    "--host {host} n'est pas une adresse locale (127.0.0.1, ::1, localhost) : ajoutez --allow-remote, derrière un proxy inverse qui authentifie.": (
        "--host {host} is not a local address (127.0.0.1, ::1, localhost): add --allow-remote, behind a reverse proxy that authenticates."
    ),
    "--public-url demande --allow-remote (un accès depuis le réseau).": (
        "--public-url needs --allow-remote (access from the network)."
    ),
    "--public-url attend une adresse http:// ou https:// (par exemple https://comptoir.example), reçu : {url}": (
        "--public-url expects an http:// or https:// address (e.g. https://comptoir.example), got: {url}"
    ),
    "--host {host} écoute sur toutes les adresses : donnez aussi --public-url, l'adresse qu'ouvrent les navigateurs.": (
        "--host {host} listens on every address: also give --public-url, the address browsers open."
    ),
    "Attention : avec --allow-remote, Comptoir ne demande pas qui se connecte ; un proxy inverse doit authentifier chaque accès.": (
        "Warning: with --allow-remote, Comptoir does not ask who connects; a reverse proxy must authenticate every access."
    ),
    "Comptoir : {url} (Ctrl+C pour arrêter)": "Comptoir: {url} (Ctrl+C to stop)",
}
