"""Printing from the app (issue 14): what prints where, the print keys, mailing a document,
the printers' settings and checks."""

EN = {
    # Settings (app/config.py) and `comptoir doctor` (app/doctor.py)
    "COMPTOIR_PRINTER : « {value} » n'est pas un nom de file CUPS (sans espace, /, \\ ni #) ; voyez lpstat -p.": (
        "COMPTOIR_PRINTER: “{value}” is not a CUPS queue name (no space, /, \\ or #); see lpstat -p."
    ),
    "COMPTOIR_CUPS_SERVER : « {value} » invalide : attendu hôte[:port] (imprimantes.local:631) ou le chemin d'un socket (/run/cups/cups.sock).": (
        "COMPTOIR_CUPS_SERVER: invalid “{value}”: expected host[:port] (printers.local:631) or a socket path (/run/cups/cups.sock)."
    ),
    "Imprimante (CUPS)": "Printer (CUPS)",
    "Imprimante de tickets": "Receipt printer",
    "non configurée (facultatif : COMPTOIR_PRINTER)": "not configured (optional: COMPTOIR_PRINTER)",
    "non configurée (facultatif : COMPTOIR_RECEIPT_PRINTER)": (
        "not configured (optional: COMPTOIR_RECEIPT_PRINTER)"
    ),
    "commande lp introuvable : installez le paquet cups-client": (
        "command lp not found: install the package cups-client"
    ),
    "file « {queue} » inconnue sur {server} (files : {queues}) ; ajoutez-la avec lpadmin": (
        "queue “{queue}” unknown on {server} (queues: {queues}); add it with lpadmin"
    ),
    "serveur CUPS {server} injoignable ({reason})": "CUPS server {server} unreachable ({reason})",
    "file « {queue} » refuse les travaux (cupsaccept {queue} pour la rouvrir)": (
        "queue “{queue}” rejects jobs (cupsaccept {queue} to reopen it)"
    ),
    "file « {queue} » arrêtée ({reason}) : cupsenable {queue}": (
        "queue “{queue}” stopped ({reason}): cupsenable {queue}"
    ),
    "file « {queue} » sur {server}, prête": "queue “{queue}” on {server}, ready",
    "{where} injoignable ({reason})": "{where} unreachable ({reason})",
    "{where} : USB illisible ({reason})": "{where}: cannot read USB ({reason})",
    "{where} introuvable : branchée et allumée ?": "{where} not found: plugged in and on?",
    "{where} : {problem}": "{where}: {problem}",
    "{where} répond (papier {width} mm)": "{where} answers ({width} mm paper)",
    # What prints where (app/printing/jobs.py)
    "file CUPS non configurée": "no CUPS queue configured",
    "« {queue} »": "“{queue}”",
    "imprimante de tickets non configurée": "no receipt printer configured",
    "Un ticket ne se rend pas en PDF.": "A ticket is not rendered as PDF.",
    "Imprimé sur {where} : {what}.": "Printed on {where}: {what}.",
    "{reason} ({printed} sur {total} imprimé(s), arrêt à : {what})": (
        "{reason} ({printed} of {total} printed, stopped at: {what})"
    ),
    "Ticket de la commande {number}": "Ticket of order {number}",
    "Bon de livraison {number}": "Packing slip {number}",
    "Liste de préparation {number}": "Pick list {number}",
    "Liste de préparation du {day}": "Pick list of {day}",
    "Liste de préparation du {first} au {last}": "Pick list of {first} to {last}",
    "Liste de préparation de {n} commande(s)": "Pick list of {n} order(s)",
    "Avoir {number}": "Credit note {number}",
    "Facture {number}": "Invoice {number}",
    "« {kind} » ne s'imprime pas : ticket, slip, picklist, invoice ou order.": (
        "“{kind}” cannot be printed: ticket, slip, picklist, invoice or order."
    ),
    "Donnez un numéro de commande ou un jour (AAAA-MM-JJ).": "Give an order number or a day (YYYY-MM-DD).",
    "Rien à imprimer pour le {day}.": "Nothing to print for {day}.",
    "Rien à préparer : {what}.": "Nothing to prepare: {what}.",
    # The packing slip (app/templates/documents/packing_slip.html)
    "Bon de livraison": "Packing slip",
    "BON DE LIVRAISON": "PACKING SLIP",
    "Commande n°": "Order no.",
    "Fait": "Done",
    "{count} article(s) en {lines} ligne(s).": "{count} item(s) in {lines} line(s).",
    "Notes": "Notes",
    # The screens (screens/printing.py, order.py, finances.py, choose.py)
    "Imprimer": "Print",
    "Imprimer → {where}": "Print → {where}",
    "Imprimer (non configuré)": "Print (not configured)",
    "tickets {where}": "tickets {where}",
    "Réessayer": "Retry",
    "Imprimer à nouveau ce qui n'a pas été imprimé": "Print again what did not print",
    "Impression : {what} → {where}…": "Printing: {what} → {where}…",
    "{n} documents": "{n} documents",
    "{n} documents imprimés.": "{n} documents printed.",
    "{error} — {key} pour réessayer.": "{error} — {key} to retry.",
    "Imprimer le ticket, le bon de livraison, la facture ou la commande": (
        "Print the ticket, the packing slip, the invoice or the order"
    ),
    "Imprimer la facture ou l'avoir sélectionné": "Print the selected invoice or credit note",
    "Imprimer la liste de préparation affichée": "Print the pick list shown",
    "Impression": "Printing",
    "Ticket de préparation": "Preparation ticket",
    "Facture et avoirs": "Invoice and credit notes",
    "Commande (PDF)": "Order (PDF)",
    "Ticket de préparation → {where}": "Preparation ticket → {where}",
    "Bon de livraison (sans prix) → {where}": "Packing slip (no prices) → {where}",
    "Facture et avoirs → {where}": "Invoice and credit notes → {where}",
    "Commande (PDF) → {where}": "Order (PDF) → {where}",
    "Envoyer un document": "Mail a document",
    "Envoyer la facture au client, ou un document à la boutique": (
        "Mail the invoice to the customer, or a document to the shop"
    ),
    "Envoyer par courriel": "Send by mail",
    "Choix": "Choice",
    "la boutique": "the shop",
    "{what} : courriel vers {to} en file d'envoi.": "{what}: mail to {to} queued.",
    "{what} attend déjà son envoi vers {to}.": "{what} already waits to be sent to {to}.",
    # Mailing a document (app/messages/documents.py, app/templates/mail/document.*)
    "{what} → {email}": "{what} → {email}",
    "{what} → la boutique (Profil)": "{what} → the shop (Profile)",
    "Destinataire inconnu : client ou boutique.": "Unknown recipient: customer or shop.",
    "Le document {document} n'est pas celui de la commande {number}.": (
        "Document {document} is not one of order {number}."
    ),
    "Document inconnu : {what}.": "Unknown document: {what}.",
    "Seules la facture et les avoirs partent au client ; le reste à la boutique.": (
        "Only the invoice and credit notes go to the customer; the rest to the shop."
    ),
    "Ce client n'a pas d'adresse mail.": "This customer has no mail address.",
    "PDF du document impossible à produire : {reason}": "Cannot produce the document's PDF: {reason}",
    "{shop} : {document} de la commande {number}": "{shop}: {document} of order {number}",
    "Ci-joint : {document} de la commande {number} ({name}).": (
        "Attached: {document} of order {number} ({name})."
    ),
    "Veuillez trouver ci-joint : {document} de votre commande {number}.": (
        "Please find attached: {document} of your order {number}."
    ),
}
