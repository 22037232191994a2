"""The seller's profile: identity, contact, point of sale and IBAN, validated on entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from schwifty.exceptions import SchwiftyException

from app.clock import utcnow
from app.errors import ValidationError
from app.i18n import _
from app.intake.files import normalise_mobile
from app.shop import placeholders
from app.text import check_text
from storage.db import write_transaction
from storage.models import Profile

# Field name → French label (the catalogue translates it).
LABELS = {
    "name": "Nom",
    "address": "Adresse",
    "email": "Courriel",
    "mobile": "Mobile",
    "point_of_sale": "Point d'activité",
    "siret": "SIRET",
    "vat_number": "N° TVA",
    "iban": "IBAN",
}


@dataclass(frozen=True)
class ProfileData:
    """The profile as plain values ('' when not set)."""

    name: str = ""
    address: str = ""
    email: str = ""
    mobile: str = ""
    point_of_sale: str = ""
    siret: str = ""
    vat_number: str = ""
    iban: str = ""

    @property
    def shown_point_of_sale(self) -> str:
        """The point of sale as documents print it: nothing for the marketplace's
        placeholder, nor when it only repeats the shop's name."""
        value = placeholders.shown(self.point_of_sale).strip()
        return "" if value.casefold() == self.name.strip().casefold() else value

    @property
    def iban_valid(self) -> bool:
        """True when payouts can be made (a valid IBAN is on file)."""
        try:
            return bool(self.iban) and bool(IBAN(self.iban))
        except SchwiftyException:
            return False


# schwifty's reasons are English; staff read these (French source, the catalogue translates).
IBAN_REASONS: tuple[tuple[type[SchwiftyException], str], ...] = (
    (iban_errors.InvalidChecksumDigits, "la clé de contrôle ne correspond pas (faute de frappe ?)"),
    (iban_errors.InvalidLength, "longueur incorrecte pour ce pays"),
    (iban_errors.InvalidCountryCode, "code pays inconnu (il commence par deux lettres, ex. FR)"),
    (iban_errors.InvalidStructure, "caractères inattendus pour ce pays"),
    (iban_errors.InvalidBBANChecksum, "la clé RIB ne correspond pas"),
    (iban_errors.InvalidBankCode, "code banque inconnu"),
    (iban_errors.InvalidBranchCode, "code guichet invalide"),
    (iban_errors.InvalidAccountCode, "numéro de compte invalide"),
)


def iban_reason(error: SchwiftyException) -> str:
    """Why schwifty refused an IBAN, in the current language."""
    for kind, reason in IBAN_REASONS:
        if isinstance(error, kind):
            return _(reason)
    return _("format non reconnu")


def load_profile() -> ProfileData:
    """The stored profile, or an empty one."""
    row = Profile.get_or_none(Profile.id == 1)
    if row is None:
        return ProfileData()
    return ProfileData(**{f.name: getattr(row, f.name) or "" for f in fields(ProfileData)})


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def clean_field(name: str, value: str) -> str:
    """The normalised value of one profile field, or ValidationError saying why."""
    if name not in LABELS:
        raise ValidationError(f"unknown profile field '{name}'")
    value = check_text(value.strip(), _(LABELS[name]), newlines=name == "address")
    if name == "name" and not value:
        raise ValidationError(_("Le nom ne peut pas être vide."))
    if not value:
        return ""
    if name == "email":
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError(_("Adresse mail invalide : {reason}", reason=exc)) from None
    if name == "mobile":
        try:
            return normalise_mobile(value)
        except ValueError:
            raise ValidationError(_("Numéro de mobile invalide : {value}", value=value)) from None
    if name == "iban":
        try:
            return IBAN(value).formatted
        except SchwiftyException as exc:
            raise ValidationError(_("IBAN invalide : {reason}", reason=iban_reason(exc))) from None
    if name == "siret":
        digits = value.replace(" ", "")
        if not (len(digits) == 14 and digits.isdigit() and _luhn_ok(digits)):
            raise ValidationError(_("SIRET invalide : 14 chiffres attendus, clé de Luhn correcte."))
        return digits
    if name == "vat_number":
        compact = value.replace(" ", "").upper()
        match = re.fullmatch(r"FR([0-9A-Z]{2})(\d{9})", compact)
        if match is None or (
            match.group(1).isdigit()
            and int(match.group(1)) != (12 + 3 * (int(match.group(2)) % 97)) % 97
        ):
            raise ValidationError(
                _("N° de TVA invalide : attendu FR suivi de 11 caractères (ex. FR40303265045).")
            )
        return compact
    return value


def save_profile(**changes: str) -> ProfileData:
    """Validate every given field, then save them together (all or none)."""
    cleaned = {name: clean_field(name, value) for name, value in changes.items()}
    with write_transaction():
        Profile.insert(id=1, updated_at=utcnow()).on_conflict_ignore().execute()
        if cleaned:
            Profile.update(updated_at=utcnow(), **cleaned).where(Profile.id == 1).execute()
    return load_profile()
