"""The notifier: mails, SMS, delivery errors and `comptoir worker`."""

EN = {
    # Mail templates
    "Message automatique envoyé par Comptoir.": "Automatic message sent by Comptoir.",
    "N° Commande": "Order No.",
    "Client": "Customer",
    "Total": "Total",
    "Statut": "Status",
    "Produit": "Product",
    "Prix unitaire": "Unit price",
    "Quantité": "Quantity",
    "TVA": "VAT",
    "vendu par": "sold by",
    "Frais de port": "Shipping",
    "Total TTC": "Total incl. VAT",
    "Commande {number}": "Order {number}",
    "Bonjour {name},": "Hello {name},",
    "Votre commande {number} est maintenant au statut :": "Your order {number} is now at:",
    "Commande passée le {date}.": "Order placed on {date}.",
    "Merci de votre commande.": "Thank you for your order.",
    "Nouvelle commande {number}": "New order {number}",
    "Nouvelle commande reçue le {date}.": "New order received on {date}.",
    "Pour l'ouvrir dans Comptoir :": "To open it in Comptoir:",
    "Nouvelle commande {number} : {client}, {total}": "New order {number}: {client}, {total}",
    "{shop} : commande {number} — {status}": "{shop}: order {number} — {status}",
    # SMS
    "Nouvelle commande {number} : {total}, {client}. comptoir --order {number}": (
        "New order {number}: {total}, {client}. comptoir --order {number}"
    ),
    "{shop} : votre commande {number} : {status}.": "{shop}: your order {number}: {status}.",
    # Delivery errors (stored as last_error, shown on the order screen)
    "Destinataire refusé : {words}": "Recipient refused: {words}",
    "Le serveur de mail refuse l'identification : {words}": (
        "The mail server refuses the login: {words}"
    ),
    "Le serveur de mail répond : {words}": "The mail server answers: {words}",
    "Le serveur de mail ne répond pas (délai dépassé).": "The mail server does not answer (timed out).",
    "Serveur de mail injoignable : {reason}": "Mail server unreachable: {reason}",
    "Aucun serveur de mail configuré (COMPTOIR_SMTP_URL).": (
        "No mail server configured (COMPTOIR_SMTP_URL)."
    ),
    "SMS non configurés (COMPTOIR_VONAGE_API_KEY et COMPTOIR_VONAGE_API_SECRET).": (
        "SMS not configured (COMPTOIR_VONAGE_API_KEY and COMPTOIR_VONAGE_API_SECRET)."
    ),
    "Vonage refuse le SMS : {status} {words}": "Vonage refuses the SMS: {status} {words}",
    "Vonage refuse le SMS : {words}": "Vonage refuses the SMS: {words}",
    "Vonage répond HTTP {code} : {words}": "Vonage answers HTTP {code}: {words}",
    "Vonage injoignable : {reason}": "Vonage unreachable: {reason}",
    "Le profil n'a pas d'adresse mail pour les alertes (Profil → Courriel).": (
        "The profile has no mail address for alerts (Profile → Email)."
    ),
    "Le profil n'a pas de mobile pour les alertes SMS (Profil → Mobile).": (
        "The profile has no mobile for SMS alerts (Profile → Mobile)."
    ),
    "Aucun destinataire.": "No recipient.",
    "Abandon après {attempts} tentatives : {error}": "Gave up after {attempts} attempts: {error}",
    "PDF de la commande impossible à produire : {reason}": "Cannot produce the order's PDF: {reason}",
    # comptoir worker
    "Notificateur démarré ({owner}) ; Ctrl+C pour l'arrêter.": (
        "Notifier started ({owner}); Ctrl+C to stop it."
    ),
    "Notificateur arrêté.": "Notifier stopped.",
}
