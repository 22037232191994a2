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
    # The receipt printer (app/printing/escpos.py)
    "Adresse d'imprimante de tickets invalide « {url} » : attendu tcp://hôte:9100, usb:VENDEUR:PRODUIT (hexadécimal) ou le chemin d'un périphérique (/dev/usb/lp0).": (
        "Invalid receipt printer address “{url}”: expected tcp://host:9100, usb:VENDOR:PRODUCT (hexadecimal) or a device path (/dev/usb/lp0)."
    ),
    "Aucune imprimante de tickets : définissez {env} (tcp://hôte:9100, usb:VENDEUR:PRODUIT ou /dev/usb/lp0).": (
        "No receipt printer: set {env} (tcp://host:9100, usb:VENDOR:PRODUCT or /dev/usb/lp0)."
    ),
    "Largeur de papier {width} mm non prise en charge : 58 ou 80.": "Paper width {width} mm not supported: 58 or 80.",
    "Imprimante de tickets {where} : profil « {profile} » inconnu de python-escpos ({reason}).": (
        "Receipt printer {where}: profile “{profile}” unknown to python-escpos ({reason})."
    ),
    "Imprimante de tickets {where} éteinte ou injoignable (connexion refusée).": (
        "Receipt printer {where} is off or unreachable (connection refused)."
    ),
    "Imprimante de tickets {where} injoignable (pas de réponse en {seconds} s) : est-elle allumée et sur le réseau ?": (
        "Receipt printer {where} unreachable (no answer in {seconds} s): is it on and on the network?"
    ),
    "Imprimante de tickets {where} introuvable : est-elle branchée et allumée ? ({reason})": (
        "Receipt printer {where} not found: is it plugged in and on? ({reason})"
    ),
    "Imprimante de tickets {where} injoignable ({reason}).": "Receipt printer {where} unreachable ({reason}).",
    "L'imprimante de tickets {where} a coupé la connexion pendant l'impression : le ticket est incomplet, relancez.": (
        "Receipt printer {where} dropped the connection while printing: the ticket is incomplete, try again."
    ),
    "L'imprimante de tickets {where} a échoué pendant l'impression ({reason}) : le ticket est peut-être incomplet, relancez.": (
        "Receipt printer {where} failed while printing ({reason}): the ticket may be incomplete, try again."
    ),
    "L'imprimante de tickets {where} ne répond plus (délai de {seconds} s dépassé) : le ticket est peut-être incomplet, relancez.": (
        "Receipt printer {where} stopped answering ({seconds} s timeout): the ticket may be incomplete, try again."
    ),
    "L'imprimante de tickets {where} n'a pas confirmé la fin du ticket en {seconds} s : vérifiez-le avant de relancer (ou ajoutez ?waiteof=0 à son adresse).": (
        "Receipt printer {where} did not confirm the end of the ticket within {seconds} s: check it before trying again (or add ?waiteof=0 to its address)."
    ),
    # The order ticket (app/printing/ticket.py)
    "Client : {name}": "Customer: {name}",
    "Retrait : {slot}": "Pickup: {slot}",
    "Livraison : {address}": "Delivery: {address}",
    "Notes :": "Notes:",
    # A device file that is no device (app/printing/escpos.py: DeviceFile, device_problem)
    "un dossier": "a folder",
    "un fichier ordinaire": "a regular file",
    "n'est pas un périphérique : {kind}": "is not a device: {kind}",
    "non accessible en écriture": "not writable",
    "Imprimante de tickets {where} : ce n'est pas un périphérique mais {kind} ; rien n'y a été écrit (attendu /dev/usb/lp0, /dev/ttyUSB0…).": (
        "Receipt printer {where}: not a device but {kind}; nothing was written to it (expected /dev/usb/lp0, /dev/ttyUSB0…)."
    ),
}
