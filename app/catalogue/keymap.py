"""The `[keymap]` of config.toml (app/tui/keys.py)."""

EN = {
    "Annulation": "Cancellation",
    "Connexion": "Sign-in",
    "Confirmation": "Confirmation",
    "Saisies non enregistrées": "Unsaved entries",
    "[keymap] : aucune touche n'a l'identifiant « {id} »": "[keymap]: no key has the id '{id}'",
    "[keymap] : « {key} » n'est pas une touche ({id}) ; par exemple ctrl+s, f2, pageup, x": (
        "[keymap]: '{key}' is not a key ({id}); for example ctrl+s, f2, pageup, x"
    ),
    " (vouliez-vous dire « {id} » ?)": " (did you mean '{id}'?)",
    "[keymap] : la touche {key} ferait deux choses sur l'écran {screen} : "
    "« {first} » ({first_id}) et « {second} » ({second_id})": "[keymap]: the key {key} would do "
    "two things on the {screen} screen: '{first}' ({first_id}) and '{second}' ({second_id})",
}
