"""The counter TUI: app shell, Commandes screen, calendar, modals."""

EN = {
    # Sections and global keys
    "Commandes": "Orders",
    "Finances": "Finances",
    "Profil": "Profile",
    "Aller à": "Go to",
    "Aide": "Help",
    "Quitter": "Quit",
    "Bientôt disponible": "Coming soon",
    "Commande {number}": "Order {number}",
    "Retour": "Back",
    "Nouvelle commande n° {number}": "New order {number}",
    "{n} nouvelles commandes": "{n} new orders",
    "Erreur : {error}": "Error: {error}",
    "--month attend AAAA-MM (par exemple 2021-01), pas « {value} ».": (
        "--month expects YYYY-MM (for example 2021-01), not “{value}”."
    ),
    "Base de démonstration : {path}": "Demo database: {path}",
    # Help and go-to
    "Fermer": "Close",
    "Touches": "Keys",
    "Touche": "Key",
    "Action": "Action",
    "Aller à une commande": "Go to an order",
    "N° de commande (ou scannez le code) puis Entrée :": (
        "Order number (or scan its code), then Enter:"
    ),
    "Annuler": "Cancel",
    # Calendar
    "Jour préc.": "Prev. day",
    "Jour suiv.": "Next day",
    "Semaine préc.": "Prev. week",
    "Semaine suiv.": "Next week",
    "Ce jour": "This day",
    # Commandes screen
    "Mois préc.": "Prev. month",
    "Mois suiv.": "Next month",
    "Aujourd'hui": "Today",
    "Chercher": "Search",
    "Statuts": "Statuses",
    "Tout afficher": "Show all",
    "Ouvrir": "Open",
    "N° Commande": "Order No.",
    "Client": "Customer",
    "Total": "Total",
    "Statut": "Status",
    "Actions": "Actions",
    "Voir ⏎": "View ⏎",
    "n°, client, mail, mobile, produit": "no., customer, mail, mobile, product",
    "Recherche « {query} »": "Search “{query}”",
    "Commandes du {day}": "Orders of {day}",
    "Commandes de {month}": "Orders of {month}",
    "statuts : {labels}": "statuses: {labels}",
    "aucune commande": "no orders",
    "{n} commande(s)": "{n} order(s)",
    "(Échap : tout afficher)": "(Esc: show all)",
    "Appliquer": "Apply",
    "Statuts (Espace : cocher, Entrée : appliquer)": "Statuses (Space: tick, Enter: apply)",
}
EN.update(
    {
        "Mois": "Month",
        "Sections": "Sections",
        "Palette": "Palette",
        "recherche…": "searching…",
        # Short status labels (narrow terminals)
        "Enregistrée": "Registered",
        "À confirmer": "Confirming",
        "Traitement": "Processing",
        "Prête": "Ready",
        "Livr./retr.": "Deliv./pick.",
    }
)
