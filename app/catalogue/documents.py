"""Documents, Finances, Profil and doctor: French → English."""

EN = {
    # Document titles and headings
    "COMMANDE": "ORDER",
    "FACTURE": "INVOICE",
    "AVOIR": "CREDIT NOTE",
    "Commande": "Order",
    "Facture": "Invoice",
    "Avoir": "Credit note",
    "avoir": "credit note",
    "N°": "No.",
    "du": "of",
    "Vendeur": "Seller",
    "Client": "Customer",
    "N° TVA intracommunautaire": "EU VAT number",
    "Date d'émission :": "Issue date:",
    "Date de la vente :": "Date of sale:",
    "Commande effectuée le": "Ordered on",
    "N° de commande": "Order number",
    "Statut": "Status",
    "Historique": "History",
    "Commande annulée": "Order cancelled",
    "motif :": "reason:",
    # Lines and totals
    "Désignation": "Description",
    "Qté": "Qty",
    "PU HT": "Unit price excl. VAT",
    "PU TTC": "Unit price incl. VAT",
    "TVA": "VAT",
    "Total HT": "Total excl. VAT",
    "Total TTC": "Total incl. VAT",
    "Total TVA": "Total VAT",
    "vendu par": "sold by",
    "Frais de port": "Shipping",
    "TVA selon les taux des articles": "VAT at the rates of the goods",
    "Taux de TVA": "VAT rate",
    "Base HT": "Net amount",
    "Montant TVA": "VAT amount",
    "Montant remboursé TTC": "Refunded incl. VAT",
    # Legal mentions
    "Facture acquittée": "Invoice paid",
    "payée le {date} sur la place de marché.": "paid on {date} through the marketplace.",
    "Prix exprimés en euros. Pas d'escompte pour paiement anticipé.": (
        "Prices in euros. No discount for early payment."
    ),
    "En cas de retard de paiement d'un professionnel : pénalités au taux de trois fois l'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 du Code de commerce).": (
        "Late payment by a business: penalties at three times the legal interest rate and a "
        "fixed recovery fee of €40 (art. L441-10 of the French Commercial Code)."
    ),
    "Avoir sur la facture n° {invoice} du {date}": "Credit note on invoice no. {invoice} of {date}",
    "Le montant de {amount} est remboursé intégralement au client par la place de marché.": (
        "The amount of {amount} is refunded in full to the customer by the marketplace."
    ),
    "Cet avoir annule la facture n° {invoice} pour le montant indiqué.": (
        "This credit note cancels invoice no. {invoice} for the amount shown."
    ),
    # Documents: errors
    "Aucune facture ni avoir n° {number}.": "No invoice or credit note number {number}.",
    "La commande {number} n'a pas de facture (paiement en erreur).": (
        "Order {number} has no invoice (failed payment)."
    ),
    "wkhtmltopdf est introuvable : installez-le avec « {hint} ».": (
        "wkhtmltopdf is missing: install it with “{hint}”."
    ),
    "wkhtmltopdf n'a pas pu produire le PDF : {detail}": "wkhtmltopdf could not make the PDF: {detail}",
    "wkhtmltopdf n'a pas pu produire le PDF.": "wkhtmltopdf could not make the PDF.",
    "Impossible d'écrire {path} : {reason}": "Cannot write {path}: {reason}",
    "{count} document(s) écrit(s) dans {folder}": "{count} document(s) written to {folder}",
    "Aucune facture pour ce mois.": "No invoice for this month.",
    "Donnez un numéro de commande ou --month, pas les deux.": (
        "Give an order number or --month, not both."
    ),
    "Donnez un numéro de commande (ou --month AAAA-MM).": "Give an order number (or --month YYYY-MM).",
    # Finances
    "Mois invalide « {value} » : attendu AAAA-MM.": "Invalid month “{value}”: expected YYYY-MM.",
    "N° facture": "Invoice no.",
    "N° avoir": "Credit note no.",
    "N° commande": "Order no.",
    "Date": "Date",
    "Brut": "Gross",
    "Frais": "Fees",
    "Net": "Net",
    "Remboursement": "Refund",
    "Remb.": "Refund",
    "Date de versement": "Payout date",
    "État du versement": "Payout state",
    "Versement": "Payout",
    "État": "State",
    "Total": "Total",
    "payé": "paid",
    "à venir": "upcoming",
    "bloqué": "blocked",
    "Paiements bloqués : renseignez un IBAN valide dans le Profil (3)": (
        "Payouts blocked: enter a valid IBAN in the Profile (3)"
    ),
    "Finances — {month} (montants en €)": "Finances — {month} (amounts in €)",
    "{count} commande(s) · brut {gross} · frais {fees} · net {net} · remb. {refunds}": (
        "{count} order(s) · gross {gross} · fees {fees} · net {net} · refunds {refunds}"
    ),
    "Mois préc.": "Prev. month",
    "Mois suiv.": "Next month",
    "PDF": "PDF",
    "Enregistrer la facture ou l'avoir en PDF": "Save the invoice or credit note as PDF",
    "CSV": "CSV",
    "Exporter le mois en CSV": "Export the month as CSV",
    "Factures du mois": "Month's invoices",
    "Factures du mois :": "Month's invoices:",
    "Toutes les factures du mois": "All the month's invoices",
    "Cette commande n'a ni facture ni avoir (paiement en erreur).": (
        "This order has no invoice or credit note (failed payment)."
    ),
    "PDF enregistré : {path}": "PDF saved: {path}",
    "CSV enregistré : {path}": "CSV saved: {path}",
    # Profil
    "Profil du vendeur": "Seller's profile",
    "Enregistrer": "Save",
    "Annuler les saisies": "Discard changes",
    "IBAN valide : les versements sont possibles.": "Valid IBAN: payouts can be made.",
    "Sans IBAN valide, les versements sont bloqués.": "Without a valid IBAN, payouts are blocked.",
    "Profil non enregistré : {label} — {reason}": "Profile not saved: {label} — {reason}",
    # Doctor
    "Base de données": "Database",
    "{url} : vide, pas encore créée": "{url}: empty, not created yet",
    "{url} : schéma v{found}, attendu v{latest}": "{url}: schema v{found}, expected v{latest}",
    "{url} (schéma v{version})": "{url} (schema v{version})",
    "SMTP": "SMTP",
    "non configuré (COMPTOIR_SMTP_URL)": "not configured (COMPTOIR_SMTP_URL)",
    "ne répond pas : {reason}": "does not answer: {reason}",
    "répond à EHLO ({answer})": "answers EHLO ({answer})",
    "Vonage (SMS)": "Vonage (SMS)",
    "identifiants absents ({missing})": "credentials missing ({missing})",
    "identifiants présents": "credentials present",
    "{reason} ; {hint}": "{reason}; {hint}",
    "{version}, rend une page de test": "{version}, renders a test page",
    "Profil": "Profile",
    "illisible ({reason})": "unreadable ({reason})",
    "IBAN valide": "valid IBAN",
    "incomplet : {missing} (comptoir profile --help)": "incomplete: {missing} (comptoir profile --help)",
    "complet": "complete",
    "non vérifié : base de données inaccessible": "not checked: database unreachable",
}
