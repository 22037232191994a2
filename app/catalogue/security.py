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
}
