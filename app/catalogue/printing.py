"""Printing: the CUPS queue, the receipt printer and the order ticket."""

EN = {
    # CUPS (app/printing/cups.py)
    "Aucune imprimante de pages : définissez {env} (le nom d'une file CUPS).": (
        "No page printer: set {env} (the name of a CUPS queue)."
    ),
    "Document à imprimer illisible : {path} ({reason}).": "Cannot read the document to print: {path} ({reason}).",
    "Le document à imprimer n'est pas un PDF.": "The document to print is not a PDF.",
    "Serveur d'impression CUPS injoignable ({server}) : est-il démarré ?": (
        "CUPS print server unreachable ({server}): is it running?"
    ),
    "File d'impression « {queue} » inconnue sur {server} (files : {queues}).": (
        "Unknown print queue “{queue}” on {server} (queues: {queues})."
    ),
    "CUPS refuse l'impression sur « {queue} » : {detail}": "CUPS refuses to print on “{queue}”: {detail}",
    "Impression abandonnée par CUPS sur « {queue} » ({reason}) : relancez.": (
        "CUPS gave up printing on “{queue}” ({reason}): try again."
    ),
    "Impression impossible sur « {queue} » ({reason}) : travail annulé, relancez.": (
        "Cannot print on “{queue}” ({reason}): job cancelled, try again."
    ),
    "Imprimante « {queue} » arrêtée ({reason}) : impression annulée, relancez-la une fois l'imprimante remise en route.": (
        "Printer “{queue}” is stopped ({reason}): printing cancelled, try again once the printer is back."
    ),
    "L'impression sur « {queue} » n'est pas terminée après {seconds} s ({reason}) : travail annulé, relancez.": (
        "Printing on “{queue}” not finished after {seconds} s ({reason}): job cancelled, try again."
    ),
    "Le serveur CUPS {server} ne répond pas (plus de {seconds} s) : vérifiez la file « {queue} » avant de relancer.": (
        "The CUPS server {server} does not answer (over {seconds} s): check the queue “{queue}” before trying again."
    ),
    "Le serveur CUPS {server} ne répond plus pendant l'impression : vérifiez la file « {queue} » avant de relancer.": (
        "The CUPS server {server} stopped answering while printing: check the queue “{queue}” before trying again."
    ),
    "Commande {command} introuvable : installez le paquet Debian cups-client.": (
        "Command {command} not found: install the Debian package cups-client."
    ),
    "aucune": "none",
    "en attente": "waiting",
    "le serveur local": "the local server",
}
