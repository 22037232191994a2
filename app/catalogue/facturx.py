"""Factur-X for business customers (issue 11.10)."""

EN = {
    "pas de Factur-X : client particulier": "no Factur-X: consumer customer",
    "écrire seulement le XML Factur-X de la facture (client professionnel)": (
        "write only the invoice's Factur-X XML (business customer)"
    ),
    "--xml demande un numéro de commande.": "--xml needs an order number.",
}
