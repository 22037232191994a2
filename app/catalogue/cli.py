"""The command line (app/cli.py): help texts, argparse's own words, the last-resort lines."""

EN = {
    # argparse's words: the English is argparse's own message (app.cli.ARGPARSE_FRENCH).
    "utilisation : ": "usage: ",
    "arguments positionnels": "positional arguments",
    "options": "options",
    "afficher cette aide et quitter": "show this help message and exit",
    "argument %(argument_name)s : %(message)s": "argument %(argument_name)s: %(message)s",
    "choix invalide : %(value)r (au choix : %(choices)s)": (
        "invalid choice: %(value)r (choose from %(choices)s)"
    ),
    "valeur invalide (%(type)s) : %(value)r": "invalid %(type)s value: %(value)r",
    "arguments non reconnus : %s": "unrecognized arguments: %s",
    "arguments obligatoires manquants : %s": "the following arguments are required: %s",
    "l'un des arguments %s est obligatoire": "one of the arguments %s is required",
    "incompatible avec l'argument %s": "not allowed with argument %s",
    "valeur ignorée : %r": "ignored explicit argument %r",
    "une valeur attendue": "expected one argument",
    "au plus une valeur attendue": "expected at most one argument",
    "au moins une valeur attendue": "expected at least one argument",
    "%s valeur(s) attendue(s)": "expected %s arguments",
    "option ambiguë : %(option)s peut désigner %(matches)s": (
        "ambiguous option: %(option)s could match %(matches)s"
    ),
    "option inattendue : %s": "unexpected option string: %s",
    "commande inconnue %(parser_name)r (au choix : %(choices)s)": (
        "unknown parser %(parser_name)r (choices: %(choices)s)"
    ),
    "impossible d'ouvrir « %(filename)s » : %(error)s": "can't open '%(filename)s': %(error)s",
    # Refusals and last-resort lines.
    "voir « {prog} --help »": "see '{prog} --help'",
    "un nombre entier d'au moins {low}": "a whole number of at least {low}",
    "un nombre entier de {low} à {high}": "a whole number from {low} to {high}",
    "{expected} attendu, pas « {value} »": "expected {expected}, got '{value}'",
    "interrompu": "interrupted",
    "erreur inattendue : {kind} : {detail} (COMPTOIR_DEBUG=1 pour le détail)": (
        "unexpected error: {kind}: {detail} (set COMPTOIR_DEBUG=1 for details)"
    ),
    # Names of the arguments.
    "AAAA-MM": "YYYY-MM",
    "FICHIER": "FILE",
    "MOTIF": "REASON",
    "NOM": "NAME",
    "NUMÉRO": "NUMBER",
    "STATUT": "STATUS",
    "SOUS-COMMANDE": "COMMAND",
    # Help texts.
    "Comptoir : le back-office des commandes d'une boutique de quartier.": (
        "Comptoir: the order back office of a local shop."
    ),
    "adresse de la base de données (sqlite:///fichier.db ou postgresql://…)": (
        "database URL (sqlite:///file.db or postgresql://…)"
    ),
    "langue de l'interface et des messages (fr par défaut)": (
        "language of the interface and messages (default fr)"
    ),
    "afficher la version et quitter": "show the version and exit",
    "ouvrir le calendrier sur ce mois": "open the calendar on this month",
    "ouvrir cette commande": "open this order",
    "une base de démonstration jetable et une capture locale des mails": (
        "a throwaway seeded database and a local mail capture"
    ),
    "importer des commandes depuis des fichiers JSON (tout ou rien par fichier)": (
        "import orders from JSON files (all or nothing per file)"
    ),
    "changer le statut d'une commande (mêmes règles et messages que l'interface)": (
        "change an order's status (same rules and messages as the TUI)"
    ),
    "par exemple confirming, ready, cancelled": "e.g. confirming, ready, cancelled",
    "pourquoi (obligatoire pour cancelled)": "why (required for cancelled)",
    "membre de l'équipe qui fait le changement": "staff member making the change",
    "afficher le profil du vendeur, ou en changer des champs": (
        "show the seller's profile, or set fields of it"
    ),
    "nom du vendeur": "seller name",
    "adresse postale": "postal address",
    "mail des alertes de nouvelle commande": "mail for new-order alerts",
    "mobile des alertes SMS": "mobile for SMS alerts",
    "IBAN des versements": "IBAN for payouts",
    "SIRET (14 chiffres)": "SIRET (14 digits)",
    "n° de TVA intracommunautaire": "intra-EU VAT number",
    "point d'activité": "point of sale",
    "faire tourner le notificateur seul": "run the notifier alone",
    "attendre la fin des délais, envoyer, sortir avec 0 quand il ne reste rien": (
        "wait out grace periods, send, exit 0 when nothing is left"
    ),
    "messages réservés à la fois, envoyés sur une connexion (100 par défaut)": (
        "messages claimed at a time, sent over one connection (default 100)"
    ),
    "gérer la connexion de l'équipe": "manage staff sign-in",
    "écrire le PDF de la commande": "write the order's PDF",
    "écrire la facture PDF de la commande (et son avoir si annulée)": (
        "write the order's invoice PDF (and its credit note if cancelled)"
    ),
    "chaque facture et avoir des commandes du mois": (
        "every invoice and credit note of the month's orders"
    ),
    "écrire un mois de finances en CSV": "write a month of finances as CSV",
    "servir l'interface dans un navigateur": "serve the TUI in a browser",
    "adresse d'écoute (127.0.0.1 par défaut)": "address to listen on (default 127.0.0.1)",
    "accepter un --host autre que local (un proxy inverse doit authentifier)": (
        "allow a --host other than loopback (a reverse proxy must authenticate)"
    ),
    "l'adresse qu'ouvrent les navigateurs, par exemple https://comptoir.example (demande --allow-remote)": (
        "the address browsers open, e.g. https://comptoir.example (needs --allow-remote)"
    ),
    "point d'entrée d'intake + dossier de dépôt + notificateur, un processus": (
        "intake endpoint + drop folder + notifier, one process"
    ),
    "port (8470 par défaut ; 0 : n'importe lequel de libre)": "port (default 8470; 0: any free one)",
    "chaîne de certificats TLS (PEM)": "TLS certificate chain (PEM)",
    "sa clé privée (PEM)": "its private key (PEM)",
    "vérifier la base de données, SMTP, Vonage et wkhtmltopdf": (
        "check database, SMTP, Vonage and wkhtmltopdf"
    ),
    # Elsewhere: the demo's announcement, two refusals that only a race or a bug shows.
    "base de démonstration dans {folder}, mails capturés dans {maildir} (effacés en sortant)": (
        "demo database in {folder}, mails captured in {maildir} (deleted on exit)"
    ),
    "Champ de profil inconnu « {name} ».": "Unknown profile field '{name}'.",
    "Seul un message en échec ou non configuré peut être renvoyé.": (
        "Only a failed or not configured message can be sent again."
    ),
    "pg_trgm indisponible ({detail}) : la recherche lira toute la table des commandes": (
        "pg_trgm is not available ({detail}): searches read the whole orders table"
    ),
    "imprimer sur les imprimantes du comptoir : un ticket de commande (imprimante à "
    "tickets), un bon de livraison, la liste de préparation, la facture et les avoirs, "
    "ou la commande (file CUPS)": (
        "print on the counter's printers: an order ticket (receipt printer), a packing slip, "
        "the pick list, the invoice and credit notes, or the order (CUPS queue)"
    ),
    "NUMÉRO-ou-JOUR": "NUMBER-or-DAY",
    "un numéro de commande (facture : aussi F…/A…), ou un jour AAAA-MM-JJ : la liste "
    "de préparation du jour (par défaut aujourd'hui), ou chaque commande passée ce "
    "jour-là": (
        "an order number (invoice: also F…/A… numbers), or a day YYYY-MM-DD: the day's "
        "pick list (today by default), or every order placed that day"
    ),
    "vérifier la base de données, SMTP, Vonage, wkhtmltopdf et les imprimantes": (
        "check database, SMTP, Vonage, wkhtmltopdf and the printers"
    ),
    "RCS ou RM et sa ville, par exemple « RCS Lyon »": "RCS or RM and its city, e.g. 'RCS Lyon'",
    "capital social en euros": "share capital in euros",
    "csv (conventions des tableurs français, la TVA dans un -tva.csv à côté) ou xlsx": (
        "csv (French spreadsheet conventions, VAT in a -tva.csv beside it) or xlsx"
    ),
    "forme juridique, par exemple SARL, EI, SAS": "legal form, e.g. SARL, EI, SAS",
    "le motif imprimé à côté des lignes à 0 %%": "the reason printed beside 0 %% lines",
    "normal, ou franchise (franchise en base, art. 293 B du CGI)": (
        "normal, or franchise (franchise en base, art. 293 B du CGI)"
    ),
    "numéro d'immatriculation (commence par le SIREN)": (
        "registration number (starts with the SIREN)"
    ),
    "écrire un mois de finances (commandes, versements, TVA par taux)": (
        "write a month of finances (orders, payouts, VAT per rate)"
    ),
}
