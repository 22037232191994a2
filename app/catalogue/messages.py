"""Messages: the outbox's states, `comptoir worker`, the footer's warning, the log."""

EN = {
    "Remplacé": "Superseded",
    "Non envoyé": "Not sent",
    "Seul un message en échec ou non envoyé peut être renvoyé.": (
        "Only a failed or unsent message can be sent again."
    ),
    "Envoyés : {sent}, nouvelles tentatives : {retried}, en échec : {failed}, "
    "non envoyés (canal non configuré) : {skipped}, en attente : {pending}.": (
        "Sent: {sent}, retries: {retried}, failed: {failed}, "
        "not sent (channel not configured): {skipped}, pending: {pending}."
    ),
    "{count} message(s) en échec d'avant restent à renvoyer (comptoir --order).": (
        "{count} message(s) that failed earlier remain to be sent again (comptoir --order)."
    ),
    # the App's one policy for failed workers (their descriptions, then the notice)
    "{what} : {error}": "{what}: {error}",
    "Échec": "Failed",
    "Suivi en direct": "Live refresh",
    "Recherche de la commande": "Looking up the order",
    "Envoi des messages": "Sending the messages",
    "Comptage des messages en échec": "Counting the failed messages",
    "Chargement des finances": "Loading the finances",
    "Création du PDF": "Making the PDF",
    "Export CSV": "CSV export",
    "PDF du mois": "The month's PDF",
    "Chargement du calendrier": "Loading the calendar",
    "Lecture du mois suivant": "Reading the next month",
    "Chargement des commandes": "Loading the orders",
    "Préparation de l'écran": "Preparing the screen",
    "Chargement de la commande": "Loading the order",
    "Suivi de la commande": "Following the order",
    "Modification de la commande": "Changing the order",
    "PDF de la commande": "The order's PDF",
    "Chargement du profil": "Loading the profile",
    "Enregistrement du profil": "Saving the profile",
    "Connexion": "Sign-in",
    "Connexion impossible : {reason}": "Cannot sign in: {reason}",
    # every footer, and doctor
    "⚠ {count} message(s) en échec": "⚠ {count} message(s) failed",
    "serveur de mail injoignable": "mail server unreachable",
    "Messages": "Messages",
    "⚠ {failed} message(s) en échec, {waiting} en attente : voir les commandes "
    "concernées (r renvoie)": (
        "⚠ {failed} message(s) failed, {waiting} waiting: see their orders (r sends again)"
    ),
    "aucun en échec, {waiting} en attente": "none failed, {waiting} waiting",
}
