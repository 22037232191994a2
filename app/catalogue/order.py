"""The order detail screen, its status change, undo, notifications and cancellation modal."""

EN = {
    # Keys (footer, palette)
    "Appliquer": "Apply",
    "Abandonner": "Abandon",
    "Retour": "Back",
    "Statut": "Status",
    "Suivant": "Next",
    "Suite": "Next",
    "Journal": "History",
    "Revenir à l'écran précédent": "Back to the previous screen",
    "Choisir le nouveau statut dans la liste": "Choose the new status from the list",
    "Passer au statut suivant du parcours normal": "Move to the next status of the normal flow",
    "Rétablir le statut précédent et retirer ses messages": (
        "Restore the previous status and withdraw its messages"
    ),
    "Renvoyer la notification en échec sélectionnée": "Resend the selected failed notification",
    "Enregistrer le PDF de la commande": "Save the order's PDF",
    "Annuler la modification": "Undo the change",
    "Renvoyer": "Resend",
    "Relance": "Resend",
    "PDF": "PDF",
    "Valider": "Validate",
    "Confirmer": "Confirm",
    # Blocks and tables
    "{label} : ": "{label}: ",
    "Commande {number}": "Order {number}",
    "Client": "Customer",
    "COMMANDE EFFECTUÉE LE": "ORDER PLACED ON",
    "FRAIS DE PORT": "SHIPPING",
    "TOTAL": "TOTAL",
    "N° DE COMMANDE": "ORDER NUMBER",
    "Changer le statut ({key})": "Change the status ({key})",
    "Statut définitif": "Final status",
    "remboursée : {amount}": "refunded: {amount}",
    "Produits": "Products",
    "Produit": "Product",
    "Catégorie": "Category",
    "Vendu par": "Sold by",
    "Total": "Total",
    "TVA": "VAT",
    "Quantité": "Quantity",
    "Historique": "History",
    "Quand": "When",
    "Par": "By",
    "De → À": "From → To",
    "Motif": "Reason",
    "annulée": "undone",
    "Notifications": "Notifications",
    "{waiting} en attente, {failed} en échec": "{waiting} pending, {failed} failed",
    "La commande a changé sur un autre poste (statut : {status}) : "
    "la modification proposée est abandonnée.": (
        "The order changed at another terminal (status: {status}): "
        "the proposed change is abandoned."
    ),
    "Canal": "Channel",
    "Destinataire": "Recipient",
    "État": "State",
    "Essais": "Attempts",
    "Dernière erreur": "Last error",
    "Envoyé le": "Sent on",
    "SMS": "SMS",
    "vendeur (profil)": "seller (profile)",
    # Preview of a change
    "{target} : {effects}.": "{target}: {effects}.",
    "courriel à {email}": "mail to {email}",
    "SMS au {mobile}": "SMS to {mobile}",
    "remboursement intégral de {amount}": "full refund of {amount}",
    "aucun message au client": "no message to the customer",
    # Notices
    "Statut : {status}. Ctrl+Z pour annuler pendant {seconds} s.": (
        "Status: {status}. Ctrl+Z to undo for {seconds} s."
    ),
    "Statut : {status}.": "Status: {status}.",
    "Commande annulée. Remboursement intégral de {amount} enregistré.": (
        "Order cancelled. Full refund of {amount} recorded."
    ),
    "Modification abandonnée : la commande n'a pas changé.": (
        "Change abandoned: the order has not changed."
    ),
    "Annulation abandonnée : la commande n'a pas changé.": (
        "Cancellation abandoned: the order has not changed."
    ),
    "Statut changé sur un autre poste : {status}.": "Status changed at another terminal: {status}.",
    "Pas de statut suivant pour cette commande.": "No next status for this order.",
    "Modification annulée : statut {status} rétabli, messages retirés.": (
        "Change undone: status {status} restored, messages withdrawn."
    ),
    "Aucune modification à annuler sur cette commande.": "No change to undo on this order.",
    "Une annulation ne se défait pas : le remboursement et l'avoir sont enregistrés.": (
        "A cancellation cannot be undone: the refund and the credit note are recorded."
    ),
    "L'annulation des modifications est désactivée.": "Undoing changes is turned off.",
    "Trop tard pour annuler : le délai de {seconds} s est passé.": (
        "Too late to undo: the {seconds} s delay is over."
    ),
    "Aucune notification pour cette commande.": "No notification for this order.",
    "Choisissez une notification en échec (flèches) puis r.": (
        "Choose a failed notification (arrows), then r."
    ),
    "Notification renvoyée à {recipient} : elle repart au prochain passage.": (
        "Notification to {recipient} queued again: it goes out on the next round."
    ),
    "PDF indisponible.": "PDF unavailable.",
    "PDF en cours de création…": "Creating the PDF…",
    "PDF enregistré : {path}": "PDF saved: {path}",
    "Erreur inattendue : {error}": "Unexpected error: {error}",
    # Cancellation modal
    "Annuler la commande {number}": "Cancel order {number}",
    "Motif de l'annulation (obligatoire). Flèches : choisir · Entrée : valider · Échap : retour.": (
        "Reason for the cancellation (required). Arrows: choose · Enter: validate · Escape: back."
    ),
    "Précisions (texte libre)": "Details (free text)",
    "Rupture de stock": "Out of stock",
    "Client injoignable": "Customer unreachable",
    "Demande du client": "Customer's request",
    "Commande en double": "Duplicate order",
    "Retrait non effectué": "Not collected",
    "Autre…": "Other…",
    "Précisez le motif : l'annulation ne peut pas se faire sans motif.": (
        "Give the reason: a cancellation cannot be made without one."
    ),
    "Choisissez un motif ou écrivez-le : il ne peut pas être vide.": (
        "Choose a reason or write it: it cannot be empty."
    ),
    "Annuler la commande {number} ? Motif : {reason}. "
    "Remboursement intégral de {amount}. "
    "Entrée ou y : confirmer · Échap : revenir au motif.": (
        "Cancel order {number}? Reason: {reason}. Full refund of {amount}. "
        "Enter or y: confirm · Escape: back to the reason."
    ),
    "Motif trop long ({n} caractères au plus).": "Reason too long ({n} characters at most).",
}
