"""The preparation day (issue 13): pick list, checklist, notes, removals, timers, pickup, bulk."""

EN = {
    "note": "note",
    "--to doit venir après --day.": "--to must come after --day.",
    "Et {n} relance(s) de retrait programmée(s), si elles ne sont pas retirées.": (
        "And {n} pickup reminder(s) scheduled, if not collected."
    ),
    "{path} est la base de données : choisissez un autre fichier.": (
        "{path} is the database: choose another file."
    ),
    "Ajouter une note interne": "Add a staff note",
    "Annuler la commande non retirée": "Cancel the order not collected",
    "Annuler le lot": "Undo the batch",
    "Aucun changement groupé à annuler.": "No bulk change to undo.",
    "Aucun retrait de ligne à annuler sur cette commande.": "No line removal to undo on this order.",
    "Aucune commande choisie.": "No order selected.",
    "Aucune ligne {position} dans cette commande.": "No line {position} in this order.",
    "Avoir n° {credit}": "Credit note no. {credit}",
    "Cette commande attend depuis moins de {days} jour(s) : Entrée pour l'ouvrir.": (
        "This order has waited less than {days} day(s): Enter opens it."
    ),
    "Changement en cours…": "Changing…",
    "Changement groupé abandonné : rien n'a changé.": "Bulk change abandoned: nothing changed.",
    "Choisissez d'abord des commandes (Espace, ou a pour toutes).": (
        "Select orders first (Space, or a for all)."
    ),
    "Cocher (ou décocher) la ligne comme préparée": "Tick (or untick) the line as prepared",
    "Commande au statut « {status} » : une ligne ne se retire qu'avant « Commande prête ».": (
        "Order in status “{status}”: a line can only be removed before “Order ready”."
    ),
    "Commande déjà prête ou close : ses lignes ne se cochent plus.": (
        "Order already ready or closed: its lines can no longer be ticked."
    ),
    "Commande {number} annulée.": "Order {number} cancelled.",
    "Commandes commençant par « {start} »": "Orders starting with “{start}”",
    "Commandes du {first} au {last}": "Orders from {first} to {last}",
    "Créneau": "Slot",
    "Créneau / détails": "Slot / details",
    "Ctrl+Z pour tout annuler pendant {s} s.": "Ctrl+Z undoes them all for {s} s.",
    "Date attendue AAAA-MM-JJ (par exemple 2021-01-18), pas « {value} ».": (
        "Expected a date YYYY-MM-DD (e.g. 2021-01-18), not “{value}”."
    ),
    "Dernière ligne retirée : commande annulée, {amount} remboursé(s).": (
        "Last line removed: order cancelled, {amount} refunded."
    ),
    "Dernière ligne retirée : la commande est annulée.": "Last line removed: the order is cancelled.",
    "Deux dates AAAA-MM-JJ, la première avant la seconde.": (
        "Two dates YYYY-MM-DD, the first before the second."
    ),
    "Du … au … (AAAA-MM-JJ AAAA-MM-JJ) puis Entrée :": "From … to … (YYYY-MM-DD YYYY-MM-DD) then Enter:",
    "En retard": "Late",
    "La commande a changé depuis le retrait : il ne se défait plus.": (
        "The order changed since the removal: it can no longer be undone."
    ),
    "La commande a changé entre-temps : recommencez.": "The order changed meanwhile: try again.",
    "Ligne {line} inconnue : la commande a {n} ligne(s).": "Unknown line {line}: the order has {n} line(s).",
    "Liste de préparation — {title}": "Pick list — {title}",
    "Merci de votre compréhension.": "Thank you for your understanding.",
    "Motif de l'annulation (obligatoire)": "Reason for cancelling (required)",
    "Ni courriel ni mobile : ce client ne peut pas être relancé.": (
        "Neither mail nor mobile: this customer cannot be reminded."
    ),
    "Note": "Note",
    "Note enregistrée (jamais envoyée au client).": "Note saved (never sent to the customer).",
    "Note interne — {number}": "Staff note — {number}",
    "Note trop longue ({n} caractères au plus).": "Note too long ({n} characters at most).",
    "Nous sommes désolés : un produit de votre commande {number} n'est plus disponible.": (
        "We are sorry: a product of your order {number} is no longer available."
    ),
    "Nouveau statut (flèches, Entrée) :": "New status (arrows, Enter):",
    "Nouveau total de la commande : {total}": "New order total: {total}",
    "Plusieurs commandes : choisissez (flèches, Entrée ou 1–9).": (
        "Several orders: choose one (arrows, Enter or 1–9)."
    ),
    "Pour l'équipe seulement, jamais envoyée au client. Entrée : garder.": (
        "For the team only, never sent to the customer. Enter: keep."
    ),
    "Préparation": "Preparation",
    "Préparer": "Prepare",
    "Préparé": "Prepared",
    "Préparée": "Prepared",
    "Prête depuis": "Ready for",
    "Période": "Period",
    "Quantité entre 1 et {max}.": "Quantity between 1 and {max}.",
    "Quantité totale": "Total quantity",
    "Quantité à retirer (sur {max}), puis le motif (obligatoire). "
    "Entrée : valider · Échap : retour.": (
        "Quantity to remove (of {max}), then the reason (required). Enter: next · Escape: back."
    ),
    "Quantité à retirer entre 1 et {max}, pas {n}.": "Quantity to remove between 1 and {max}, not {n}.",
    "Relance de {number} en file ({n} message(s)).": "Reminder for {number} queued ({n} message(s)).",
    "Relancer": "Remind",
    "Relancer le client maintenant": "Remind the customer now",
    "Relances": "Reminders",
    "Remboursé : {amount}": "Refunded: {amount}",
    "Retirer la ligne (ou une partie) et la rembourser": "Remove the line (or part of it) and refund it",
    "Retirer {quantity} × {product} ({amount}) ? C'est la dernière ligne : la commande sera "
    "annulée et remboursée. Entrée ou y : confirmer · Échap : retour.": (
        "Remove {quantity} × {product} ({amount})? It is the last line: the order will be "
        "cancelled and refunded. Enter or y: confirm · Escape: back."
    ),
    "Retirer {quantity} × {product} ? Motif : {reason}. {amount} remboursé(s), avoir émis, "
    "client prévenu. Entrée ou y : confirmer · Échap : retour.": (
        "Remove {quantity} × {product}? Reason: {reason}. {amount} refunded, credit note "
        "issued, customer told. Enter or y: confirm · Escape: back."
    ),
    "Retirer « {product} »": "Remove “{product}”",
    "Retiré : {quantity} × {product}": "Removed: {quantity} × {product}",
    "Retrait abandonné : la commande n'a pas changé.": "Removal abandoned: the order did not change.",
    "Retrait annulé : {what}, messages retirés.": "Removal undone: {what}, messages withdrawn.",
    "Rien à préparer.": "Nothing to prepare.",
    "Rupture": "Out of stock",
    "Sans catégorie": "No category",
    "Seule une commande prête à retirer peut être relancée.": (
        "Only an order ready for pickup can be reminded."
    ),
    "Statut de {n} commande(s)": "Status of {n} order(s)",
    "Statut du lot": "Batch status",
    "Tout choisir": "Select all",
    "Toutes les lignes sont cochées : passer la commande en « Commande prête »": (
        "Every line is ticked: move the order to “Order ready”"
    ),
    "Toutes les lignes sont préparées : c pour « Commande prête ».": (
        "Every line is prepared: c for “Order ready”."
    ),
    "Toutes les lignes sont préparées. « Commande prête » se propose une fois la commande "
    "« En cours de traitement » (n).": (
        "Every line is prepared. “Order ready” is offered once the order is “Processing” (n)."
    ),
    "Un retrait de ligne demande un motif.": "Removing a line needs a reason.",
    "Une ligne ne se retire qu'avant « Commande prête ».": (
        "A line can only be removed before “Order ready”."
    ),
    "Une note ne peut pas être vide.": "A note cannot be empty.",
    "Votre commande {number} est prête depuis le {date} et vous attend en boutique.": (
        "Your order {number} has been ready since {date} and is waiting for you in the shop."
    ),
    "au statut « {s} »": "in status “{s}”",
    "commande inconnue": "unknown order",
    "en retard": "late",
    "et {n} autre(s).": "and {n} more.",
    "lecture…": "reading…",
    "non": "no",
    "oui": "yes",
    "{n} · proch. {when}": "{n} · next {when}",
    "{n} · une en file": "{n} · one queued",
    "rien à préparer": "nothing to prepare",
    "y : confirmer · Échap : abandonner.": "y: confirm · Escape: abandon.",
    "{age} dans ce statut": "{age} in this status",
    "{age} dans ce statut (objectif {goal})": "{age} in this status (target {goal})",
    "{done}/{total} préparé(s)": "{done}/{total} prepared",
    "{d} j {h} h": "{d} d {h} h",
    "{h} h {m:02d}": "{h} h {m:02d}",
    "{m} min": "{m} min",
    "{number} : {quantity} × {product} retiré(s), {amount} remboursé(s) ; avoir {credit}.": (
        "{number}: {quantity} × {product} removed, {amount} refunded; credit note {credit}."
    ),
    "{n} changement(s) annulé(s), messages retirés.": "{n} change(s) undone, messages withdrawn.",
    "{n} commande(s) choisie(s)": "{n} order(s) selected",
    "{n} commande(s) choisie(s) : b pour changer leur statut, w pour les préparer.": (
        "{n} order(s) selected: b changes their status, w prepares them."
    ),
    "{n} commande(s) passeront à « {target} » : {mails} courriel(s), {texts} SMS.": (
        "{n} order(s) will move to “{target}”: {mails} mail(s), {texts} SMS."
    ),
    "{n} commande(s) passée(s) à « {target} », {m} message(s) en file.": (
        "{n} order(s) moved to “{target}”, {m} message(s) queued."
    ),
    "{n} commande(s) à préparer": "{n} order(s) to prepare",
    "{n} commande(s), {p} produit(s)": "{n} order(s), {p} product(s)",
    "{n} envoyée(s)": "{n} sent",
    "{n} n'ont pas pu l'être : {why}": "{n} could not be: {why}",
    "{n} ne le peuvent pas :": "{n} cannot:",
    "{n} refusée(s).": "{n} refused.",
    "{n} à annuler ?": "{n} to cancel?",
    "{quantity} × {product}": "{quantity} × {product}",
    "{quantity} × {product} ({amount}) : {reason}": "{quantity} × {product} ({amount}): {reason}",
    "{quantity} × {product} retiré(s), {amount} remboursé(s), avoir {credit}. "
    "Ctrl+Z pour annuler pendant {seconds} s.": (
        "{quantity} × {product} removed, {amount} refunded, credit note {credit}. "
        "Ctrl+Z undoes it for {seconds} s."
    ),
    "{quantity} × {product} rétabli(s)": "{quantity} × {product} restored",
    "{reason} ({quantity} × {product} retiré(s) : dernière ligne)": (
        "{reason} ({quantity} × {product} removed: last line)"
    ),
    "« {line} » ne désigne pas une seule ligne. Lignes : {names}.": (
        "“{line}” does not name one line. Lines: {names}."
    ),
    "À bientôt !": "See you soon!",
    "À retirer": "To collect",
    "À retirer — {n} commande(s) prête(s)": "To collect — {n} order(s) ready",
    "à annuler ?": "cancel?",
    "⚠ En retard : {age} dans ce statut (objectif {goal})": (
        "⚠ Late: {age} in this status (target {goal})"
    ),
    # The history's rows of the preparation (app.preparation.journal.KIND_LABELS)
    "Ligne préparée": "Line prepared",
    "Ligne décochée": "Line unticked",
    "Note interne": "Staff note",
    "Ligne retirée": "Line removed",
    "Retrait annulé": "Removal undone",
    "Relance de retrait": "Pickup reminder",
    # Mails and SMS (app.messages.render)
    "{shop} : commande {number} — produit retiré et remboursé": (
        "{shop}: order {number} — product removed and refunded"
    ),
    "{shop} : votre commande {number} vous attend": "{shop}: your order {number} is waiting for you",
    "{shop} : commande {number} : {quantity} x {product} indisponible, {amount} rembourse(s).": (
        "{shop}: order {number}: {quantity} x {product} unavailable, {amount} refunded."
    ),
    "{shop} : votre commande {number} est prete et vous attend en boutique.": (
        "{shop}: your order {number} is ready and waiting for you in the shop."
    ),
    # The CLI's preparation commands.
    "AAAA-MM-JJ": "YYYY-MM-DD",
    "LIGNE": "LINE",
    "changer le statut d'une ou de plusieurs commandes (mêmes règles que l'interface)": (
        "change the status of one or several orders (same rules as the TUI)"
    ),
    "un ou plusieurs numéros": "one or several numbers",
    "les produits à préparer, additionnés sur les commandes du jour": (
        "the products to prepare, summed over the day's orders"
    ),
    "les commandes de ce jour (par défaut aujourd'hui)": "the orders of this day (default today)",
    "jusqu'à ce jour aussi (une période)": "up to this day too (a range)",
    "rupture de stock : retirer une ligne (ou une partie), la rembourser": (
        "out of stock: remove a line (or part of it), refund it"
    ),
    "la position de la ligne depuis 1, ou son produit": "the line's position from 1, or its product",
    "n'en retirer que N unités": "remove only N of its units",
    "pourquoi (dit au client)": "why (told to the customer)",
    "membre de l'équipe": "staff member",
    "{n} commande(s) plus ancienne(s) à préparer (r : Période)": (
        "{n} older order(s) to prepare (r: Period)"
    ),
}
