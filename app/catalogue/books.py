"""Lawful books (issue 11): identity checks, VAT regimes, frozen documents, the month's VAT."""

EN = {
    # Finances: the franchise line (screens/finances.py, from main at 85752e6)
    "{label} : {ttc}": "{label}: {ttc}",
    # Profile: fields and refusals
    "Forme juridique": "Legal form",
    "Capital social": "Share capital",
    "RCS ou RM, ville": "RCS or RM, city",
    "N° RCS ou RM": "Registration number",
    "Régime de TVA": "VAT regime",
    "Motif TVA 0 %": "0 % VAT reason",
    "TVA non applicable, art. 293 B du CGI": "VAT not applicable, art. 293 B of the French Tax Code",
    "Exonération de TVA (art. 261 du CGI)": "VAT exempt (art. 261 of the French Tax Code)",
    "clé de contrôle incorrecte": "wrong check key",
    "{count} caractères attendus": "{count} characters expected",
    "le SIREN qu'il contient est invalide": "the SIREN it holds is invalid",
    "caractères non admis": "characters not allowed",
    "SIREN invalide : {reason}.": "Invalid SIREN: {reason}.",
    "SIRET invalide : {reason}.": "Invalid SIRET: {reason}.",
    "N° de TVA invalide : {reason} (attendu FR suivi de 11 caractères, ex. FR40303265045).": (
        "Invalid VAT number: {reason} (expected FR and 11 characters, e.g. FR40303265045)."
    ),
    "N° de TVA invalide : il porte le SIREN {vat}, le SIRET le SIREN {siret}.": (
        "Invalid VAT number: it carries SIREN {vat}, the SIRET carries SIREN {siret}."
    ),
    "Capital social invalide : un montant en euros (ex. 10 000).": (
        "Invalid share capital: an amount in euros (e.g. 10 000)."
    ),
    "Immatriculation invalide : RCS ou RM suivi de la ville (ex. RCS Lyon).": (
        "Invalid registration: RCS or RM and the city (e.g. RCS Lyon)."
    ),
    "Régime de TVA inconnu « {value} » : normal ou franchise.": (
        "Unknown VAT regime '{value}': normal or franchise."
    ),
    # Documents
    "Facture en attente : le profil n'indique pas {fields} (comptoir profile).": (
        "Invoice waiting: the profile lacks {fields} (comptoir profile)."
    ),
    "Montant": "Amount",
    "SIREN": "SIREN",
    "au capital de {amount}": "with a share capital of {amount}",
    "TVA à 0 % : {reason}": "VAT at 0 %: {reason}",
    "En cas de retard de paiement : pénalités au taux de trois fois l'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).": (
        "Late payment: penalties at three times the legal interest rate and a fixed recovery "
        "fee of €40 (art. L441-10 and D441-5 of the French Commercial Code)."
    ),
}
EN["Factures en attente : renseignez {fields} dans le Profil (3)"] = (
    "Invoices waiting: fill in {fields} in the Profile (3)"
)
EN["Facture en attente : renseignez {fields} dans le Profil (3)"] = (
    "Invoice waiting: fill in {fields} in the Profile (3)"
)
EN["TTC"] = "Incl. VAT"
EN["Commandes"] = "Orders"
EN["TVA du mois (factures émises moins avoirs émis) : {lines}"] = (
    "VAT of the month (invoices issued less credit notes issued): {lines}"
)
EN["aucune facture émise"] = "no invoice issued"
EN["{label} : base {ht}, TVA {vat}"] = "{label}: net {ht}, VAT {vat}"
