"""At the counter (issue 10 items 10–14, 16): Profil's questions, the order screen's jumps,
the order list's columns, the status filter, help's statuses, the demo's notice."""

EN = {
    # Profil: unsaved edits, emptied fields, leaving a field
    "Quitter le champ": "Leave the field",
    "• modifié, non enregistré (Ctrl+S : enregistrer)": "• changed, not saved (Ctrl+S: save)",
    "(non enregistré)": "(not saved)",
    "IBAN invalide : les versements seront bloqués.": "Invalid IBAN: payouts will be blocked.",
    "Effacer {fields} du profil ? La valeur enregistrée sera perdue.": (
        "Clear {fields} from the profile? The saved value will be lost."
    ),
    "effacer et enregistrer": "clear and save",
    "revenir au formulaire": "back to the form",
    "Profil non enregistré : rien n'a été effacé.": "Profile not saved: nothing was cleared.",
    "Modifications non enregistrées : {fields}.": "Unsaved changes: {fields}.",
    # The questions
    "Oui": "Yes",
    "Non": "No",
    "Rester": "Stay",
    "Abandonner les saisies": "Discard the changes",
    "Entrée : {yes}   ·   Échap : {no}": "Enter: {yes}   ·   Escape: {no}",
    "Ctrl+S ou e : enregistrer   ·   a : abandonner les saisies   ·   Échap : rester": (
        "Ctrl+S or e: save   ·   a: discard the changes   ·   Escape: stay"
    ),
    # schwifty's reasons for refusing an IBAN
    "la clé de contrôle ne correspond pas (faute de frappe ?)": (
        "the check digits do not match (a typo?)"
    ),
    "longueur incorrecte pour ce pays": "wrong length for this country",
    "code pays inconnu (il commence par deux lettres, ex. FR)": (
        "unknown country code (it starts with two letters, e.g. FR)"
    ),
    "caractères inattendus pour ce pays": "unexpected characters for this country",
    "la clé RIB ne correspond pas": "the national check digits do not match",
    "code banque inconnu": "unknown bank code",
    "code guichet invalide": "invalid branch code",
    "numéro de compte invalide": "invalid account number",
    "format non reconnu": "format not recognised",
    # The palette and help
    "Chercher une action ou un écran…": "Search for an action or a screen…",
    "Aucune action ne correspond à « {query} »": "No action matches “{query}”",
    "Partie suivante / précédente de l'écran": "Next / previous part of the screen",
    "Palette : écrans et actions par leur nom": "Palette: screens and actions by name",
    "↑↓ PgUp PgDn : défiler · Échap : fermer": "↑↓ PgUp PgDn: scroll · Escape: close",
    "Parcours normal (n : statut suivant) : {flow}.": "Normal flow (n: next status): {flow}.",
    "statut final": "final status",
    "Une annulation demande un motif et enregistre le remboursement ; Ctrl+Z rétablit le "
    "statut précédent pendant le délai d'annulation.": (
        "A cancellation asks for a reason and records the refund; Ctrl+Z restores the "
        "previous status during the undo delay."
    ),
    # The demo
    "Démonstration": "Demo",
    "Démonstration : les mails envoyés arrivent dans {path}": (
        "Demo: the mails sent arrive in {path}"
    ),
    # The order screen
    "Paiement refusé": "Payment failed",
    "Défaire": "Undo",
    "Envois": "Messages",
    "Aller à l'historique des statuts": "Go to the status history",
    "Aller aux notifications (mails et SMS) de la commande": (
        "Go to the order's notifications (mails and SMS)"
    ),
    "Envoyé le {when}": "Sent {when}",
    "({n} essai(s))": "({n} attempt(s))",
    # The order list
    "Calendrier": "Calendar",
    "Mode": "Mode",
    "Livr.": "Deliv",
    "Retr.": "Pickup",
    # The status filter
    "Statuts à lister": "Statuses to list",
    "Tout décocher": "Untick all",
    "Espace : cocher · Entrée : appliquer · a : aucun · Échap : annuler": (
        "Space: tick · Enter: apply · a: none · Escape: cancel"
    ),
    "Aucun statut coché : toutes les commandes sont listées.": (
        "No status ticked: every order is listed."
    ),
    "{n} statut(s) coché(s) : seules ces commandes seront listées.": (
        "{n} status(es) ticked: only those orders will be listed."
    ),
}
