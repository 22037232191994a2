"""Staff sign-in."""

EN = {
    "Nom invalide : lettres, chiffres, espace, - _ . ' (64 au plus).": (
        "Invalid name: letters, digits, space, - _ . ' (64 at most)."
    ),
    "Le code doit compter au moins 4 caractères.": "The code must have at least 4 characters.",
    "« {name} » existe déjà.": "“{name}” already exists.",
    "Aucun membre « {name} ».": "No staff member “{name}”.",
    "Nom ou code incorrect.": "Wrong name or code.",
    "Trop d'essais : réessayez dans {s} s.": "Too many attempts: try again in {s} s.",
    "Bonjour {name}.": "Hello {name}.",
    "Membre ajouté : {name}": "Staff member added: {name}",
    "Membre désactivé : {name}": "Staff member disabled: {name}",
    "Code changé pour {name}": "Code changed for {name}",
    "Aucun membre : la connexion est désactivée.": "No staff members: sign-in is off.",
    "désactivé": "disabled",
    "actif": "active",
    "Code (PIN ou mot de passe) : ": "Code (PIN or password): ",
    "Encore une fois : ": "Once more: ",
    "Les deux saisies diffèrent.": "The two entries differ.",
    "Cette commande demande un NOM.": "This command needs a NAME.",
    "Quitter": "Quit",
    "Comptoir — connexion": "Comptoir — sign in",
    "Verrouillé après inactivité.": "Locked after inactivity.",
    "Nom": "Name",
    "Code": "Code",
}
