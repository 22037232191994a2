"""Statuses, money and command-line messages."""

EN = {
    # Statuses (SPEC §3)
    "Commande Enregistrée": "Order registered",
    "Confirmation en cours": "Confirmation in progress",
    "En cours de traitement": "Processing",
    "Commande prête": "Order ready",
    "Livraison/retrait en cours": "Delivery/pickup in progress",
    "Terminé": "Finished",
    "Annulée": "Cancelled",
    "Erreur": "Error",
    "Commande terminée : son statut ne change plus.": "Order finished: its status no longer changes.",
    "Commande annulée : son statut ne change plus.": "Order cancelled: its status no longer changes.",
    "Commande en erreur : seul le système peut changer ce statut.": (
        "Order in error: only the system can change this status."
    ),
    # Fulfilment
    "Retrait": "Pickup",
    "Livraison": "Delivery",
    # People
    "système": "system",
    # Rules
    "Passage de « {current} » à « {target} » impossible. Statuts possibles : {allowed}.": (
        "Cannot move from “{current}” to “{target}”. Allowed statuses: {allowed}."
    ),
    "aucun": "none",
    "Une annulation demande un motif.": "A cancellation needs a reason.",
    "La commande {number} a été modifiée entre-temps (statut actuel : {status}). "
    "Rechargez-la et recommencez.": (
        "Order {number} was changed meanwhile (current status: {status}). Reload it and try again."
    ),
    "Aucune commande n° {number}.": "No order number {number}.",
    "Statut inconnu « {status} ». Statuts : {allowed}.": (
        "Unknown status “{status}”. Statuses: {allowed}."
    ),
    "Rien à annuler : le délai est passé ou les messages sont partis.": (
        "Nothing to undo: the delay is over or the messages have gone."
    ),
    "Annulation de la modification": "Change undone",
    "Remboursement intégral de {amount}": "Full refund of {amount}",
    # Command line
    "{number} : {current} → {target}": "{number}: {current} → {target}",
    "{imported} commande(s) importée(s), {skipped} déjà connue(s), {errors} en erreur de paiement.": (
        "{imported} order(s) imported, {skipped} already known, {errors} with a failed payment."
    ),
    "{file} : commande {number} déjà connue, ignorée.": (
        "{file}: order {number} already known, skipped."
    ),
    "Profil enregistré.": "Profile saved.",
    "Nom": "Name",
    "Adresse": "Address",
    "Courriel": "Email",
    "Mobile": "Mobile",
    "IBAN": "IBAN",
    "SIRET": "SIRET",
    "N° TVA": "VAT number",
    "Point d'activité": "Point of sale",
    "(vide)": "(empty)",
    "IBAN invalide : {reason}": "Invalid IBAN: {reason}",
    "SIRET invalide : 14 chiffres attendus, clé de Luhn correcte.": (
        "Invalid SIRET: 14 digits with a valid Luhn key expected."
    ),
    "N° de TVA invalide : attendu FR suivi de 11 caractères (ex. FR40303265045).": (
        "Invalid VAT number: expected FR followed by 11 characters (e.g. FR40303265045)."
    ),
    "Numéro de mobile invalide : {value}": "Invalid mobile number: {value}",
    "Adresse mail invalide : {reason}": "Invalid email address: {reason}",
    "Le nom ne peut pas être vide.": "The name cannot be empty.",
    # Outbox states
    "En attente": "Pending",
    "Envoi en cours": "Sending",
    "Envoyé": "Sent",
    "Échec": "Failed",
    "Retiré": "Withdrawn",
    "Non configuré": "Not configured",
}
