"""Refused text, file modes, storage and configuration errors (issue 10's security items)."""

EN = {
    # app.text: the one check of text from outside
    "texte mal codé (U+{code:04X} n'est pas un caractère)": (
        "badly encoded text (U+{code:04X} is not a character)"
    ),
    "caractère de contrôle refusé (U+{code:04X})": "control character refused (U+{code:04X})",
    "{what} : {why}.": "{what}: {why}.",
    "motif": "reason",
    "auteur": "author",
    # app.config: a setting of the wrong type
    "{path} : « {key} » doit être {expected}, pas {given} ({value}).": (
        "{path}: '{key}' must be {expected}, not {given} ({value})."
    ),
    "du texte entre guillemets": "text in quotes",
    "un nombre (sans guillemets)": "a number (no quotes)",
    "true ou false (sans guillemets)": "true or false (no quotes)",
    "texte": "text",
    "booléen": "boolean",
    "nombre": "number",
    "table": "table",
    # storage/errors.py and storage/db.py: what a database failure means
    "base de données : {detail}": "database: {detail}",
    "adresse de base de données invalide : {url}": "invalid database URL: {url}",
    "adresse de base de données invalide : {url} ({detail})": "invalid database URL: {url} ({detail})",
    "adresse de base de données sans fichier (sqlite:///dossier/base.db) : {url}": (
        "database URL has no file (sqlite:///path/to/file.db): {url}"
    ),
    "adresse de base de données sans nom de base (postgresql://hôte/base) : {url}": (
        "database URL names no database (postgresql://host/name): {url}"
    ),
    "l'adresse de base de données doit commencer par sqlite:/// ou postgresql:// : {url}": (
        "database URL must start with sqlite:/// or postgresql://: {url}"
    ),
    "impossible d'ouvrir la base de données {url} : {detail}": (
        "cannot open the database {url}: {detail}"
    ),
    (
        "la base de données {url} est en lecture seule : rien n'a été enregistré "
        "(vérifiez les droits du fichier et de son dossier)"
    ): (
        "the database {url} is read-only: nothing was saved "
        "(check the rights of the file and of its folder)"
    ),
    (
        "la base de données {url} est endommagée ou n'en est pas une ({detail}) : "
        "restaurez une sauvegarde"
    ): "the database {url} is damaged or is not a database ({detail}): restore a backup",
    (
        "disque plein : la base de données {url} ne peut plus grandir, rien n'a été "
        "enregistré (libérez de la place)"
    ): "disk full: the database {url} cannot grow, nothing was saved (free some space)",
    "la base de données {url} est occupée par un autre programme : réessayez": (
        "the database {url} is busy with another program: try again"
    ),
    (
        "la base de données est au schéma v{found}, plus récent que ce Comptoir "
        "(v{latest}) : mettez Comptoir à jour"
    ): (
        "the database is at schema version {found}, newer than this Comptoir "
        "({latest}): upgrade Comptoir"
    ),
    "texte mal codé : {detail}": "badly encoded text: {detail}",
    # app.documents.pdf
    "wkhtmltopdf n'a pas fini en {seconds} s : arrêté, aucun PDF écrit (pdf_timeout_seconds).": (
        "wkhtmltopdf did not finish in {seconds} s: stopped, no PDF written (pdf_timeout_seconds)."
    ),
}
