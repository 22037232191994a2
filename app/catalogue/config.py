"""The configuration's refusals (app/config.py): a bad TOML file or COMPTOIR_* variable."""

EN = {
    "COMPTOIR_CONFIG : fichier introuvable : {path}": "COMPTOIR_CONFIG: no such file: {path}",
    "COMPTOIR_SMTP_URL : numéro de port invalide.": "COMPTOIR_SMTP_URL has an invalid port.",
    "COMPTOIR_SMTP_URL : smtps:// chiffre déjà la connexion, retirez ?starttls=1.": (
        "COMPTOIR_SMTP_URL: smtps:// already uses TLS, drop ?starttls=1."
    ),
    "COMPTOIR_SMTP_URL : une adresse smtp://utilisateur:mot-de-passe@hôte:port attendue.": (
        "COMPTOIR_SMTP_URL must look like smtp://user:password@host:port."
    ),
    "COMPTOIR_VONAGE_REST_HOST : hôte[:port] attendu, sans https://.": (
        "COMPTOIR_VONAGE_REST_HOST must be host[:port], without https://."
    ),
    "fuseau horaire inconnu « {timezone} » (par exemple Europe/Paris).": (
        "unknown timezone '{timezone}' (e.g. Europe/Paris)."
    ),
    "l'adresse de base de données doit commencer par sqlite:/// ou postgresql://, pas « {scheme}: ».": (
        "the database URL must start with sqlite:/// or postgresql://, not '{scheme}:'."
    ),
    "langue « {lang} » non prise en charge (fr ou en).": (
        "language '{lang}' is not supported (fr or en)."
    ),
    "{name} : un nombre de secondes attendu, pas « {value} ».": (
        "{name}: expected a number of seconds, got '{value}'."
    ),
    "{name} : zéro ou un nombre positif attendu, pas « {value} ».": (
        "{name}: expected zero or a positive number, got '{value}'."
    ),
    "{path} : fichier TOML invalide ({detail}).": "{path}: not a valid TOML file ({detail}).",
    "{path} : keymap.{binding} : des touches séparées par des virgules attendues, pas « {keys} ».": (
        "{path}: keymap.{binding}: expected keys separated by commas, got '{keys}'."
    ),
    '{path} : keymap.{binding} : une touche attendue, par exemple "ctrl+s".': (
        '{path}: keymap.{binding}: expected a key such as "ctrl+s".'
    ),
    "{path} : notify : statut inconnu « {status} » (par exemple ready, cancelled).": (
        "{path}: notify: unknown status '{status}' (e.g. ready, cancelled)."
    ),
    "{path} : notify.{status} : mail = true/false et sms = true/false attendus.": (
        "{path}: notify.{status}: expected mail = true/false and sms = true/false."
    ),
    "{path} : réglage inconnu « {key} ».": "{path}: unknown setting '{key}'.",
    '{path} : « keymap » doit être une table de raccourcis (identifiant = "touche").': (
        "{path}: 'keymap' must be a table of shortcuts (binding id = \"key\")."
    ),
    "{path} : « notify » doit être une table de statuts ([notify.ready]…).": (
        "{path}: 'notify' must be a table of statuses ([notify.ready]…)."
    ),
    # Read when the TUI starts (app/tui): the theme and Textual's animations.
    "COMPTOIR_THEME : thème inconnu « {name} » (au choix : {themes}).": (
        "COMPTOIR_THEME: unknown theme '{name}' (choose one of: {themes})."
    ),
    "TEXTUAL_ANIMATIONS : none, basic ou full attendu, pas « {level} ».": (
        "TEXTUAL_ANIMATIONS must be none, basic or full, got '{level}'."
    ),
}
