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
}
