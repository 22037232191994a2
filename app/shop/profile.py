"""The seller's profile: identity, legal mentions, VAT regime, contact, point of sale and IBAN.

Every value is validated on entry: the SIREN, SIRET and French VAT numbers by python-stdnum
(La Poste's SIRETs and letter-key VAT numbers included), the IBAN by schwifty. Each refusal
says in French what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from app.clock import utcnow
from app.errors import ValidationError
from app.i18n import _
from app.shop import placeholders
from app.text import check_text, printable
from storage.db import get_row, write_transaction
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
    "legal_form": "Forme juridique",
    "share_capital": "Capital social",
    "registry": "RCS ou RM, ville",
    "registry_number": "N° RCS ou RM",
    "vat_regime": "Régime de TVA",
    "vat_exemption": "Motif TVA 0 %",
}

# The VAT regimes (`comptoir profile --vat-regime`): the normal one, and the franchise en base
# of most micro-entrepreneurs (CGI art. 293 B), under which no VAT is shown nor owed.
NORMAL, FRANCHISE = "normal", "franchise"
VAT_REGIMES = (NORMAL, FRANCHISE)
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
# The reason printed beside a 0 % line in the normal regime, unless the profile gives its own.
DEFAULT_EXEMPTION = "Exonération de TVA (art. 261 du CGI)"
# Without these, an invoice would not name its seller: invoices wait until they are given.
SELLER_REQUIRED = ("name", "address", "siret")


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
    legal_form: str = ""
    share_capital: str = ""  # "10000.00" (euros), shown as 10 000,00 €
    registry: str = ""  # "RCS Lyon" or "RM Lyon"
    registry_number: str = ""  # "732 829 320"
    vat_regime: str = NORMAL
    vat_exemption: str = ""

    @property
    def franchise(self) -> bool:
        """True under the franchise en base de TVA (no VAT on documents)."""
        return self.vat_regime == FRANCHISE

    @property
    def exemption_text(self) -> str:
        """The reason shown beside a 0 % line (the default one unless the profile sets it)."""
        return self.vat_exemption or DEFAULT_EXEMPTION

    @property
    def missing_for_invoices(self) -> list[str]:
        """The fields an invoice needs that are empty (field names; LABELS names them)."""
        return [name for name in SELLER_REQUIRED if not getattr(self, name)]

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
    row = get_row(Profile, "id", 1)  # its SQL written once: an intake reads it per order
    if row is None:
        return ProfileData()
    values = {f.name: getattr(row, f.name) or "" for f in fields(ProfileData)}
    values["vat_regime"] = values["vat_regime"] or NORMAL
    return ProfileData(**values)


def missing_labels(profile: ProfileData) -> str:
    """'Adresse, SIRET': the missing seller fields of `profile`, named in the current language."""
    return ", ".join(_(LABELS[name]) for name in profile.missing_for_invoices)


def _stdnum_reason(error: stdnum_errors.ValidationError, length: int) -> str:
    """What python-stdnum found wrong, in French."""
    if isinstance(error, stdnum_errors.InvalidChecksum):
        return _("clé de contrôle incorrecte")
    if isinstance(error, stdnum_errors.InvalidLength):
        return _("{count} caractères attendus", count=length)
    if isinstance(error, stdnum_errors.InvalidComponent):
        return _("le SIREN qu'il contient est invalide")
    return _("caractères non admis")


def _validated(validate: Callable[[str], str], value: str, refusal: str, length: int) -> str:
    """`validate(value)` (a python-stdnum check), or ValidationError: `refusal` and why."""
    try:
        return validate(value)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_(refusal, reason=_stdnum_reason(exc, length))) from None


def clean_siren(value: str) -> str:
    """A SIREN (9 digits, Luhn key) compacted, or ValidationError saying what is wrong."""
    return _validated(stdnum_siren.validate, value, "SIREN invalide : {reason}.", 9)


def clean_french_vat(value: str) -> str:
    """A French VAT number as FR + 11 characters (letter keys included), or ValidationError."""
    try:
        return "FR" + stdnum_tva.validate(value)
    except stdnum_errors.ValidationError as exc:
        if isinstance(exc, stdnum_errors.InvalidChecksum) and _siren_part_invalid(value):
            exc = stdnum_errors.InvalidComponent()
        raise ValidationError(
            _(
                "N° de TVA invalide : {reason} (attendu FR suivi de 11 caractères, "
                "ex. FR40303265045).",
                reason=_stdnum_reason(exc, 13),
            )
        ) from None


def _siren_part_invalid(value: str) -> bool:
    compact = stdnum_tva.compact(value)
    return len(compact) == 11 and compact[2:5] != "000" and not stdnum_siren.is_valid(compact[2:])


def vat_siren(vat_number: str) -> str:
    """The SIREN a French VAT number carries ('' for Monaco's, which carry none)."""
    compact = stdnum_tva.compact(vat_number)
    return "" if compact[2:5] == "000" else compact[2:]


def _clean_capital(value: str) -> str:
    text = value.replace("€", "").replace(" ", "").replace("\xa0", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Capital social invalide : un montant en euros (ex. 10 000)."))
    return f"{amount:.2f}"


def clean_field(name: str, value: str) -> str:
    """The normalised value of one profile field, or ValidationError saying why."""
    if name not in LABELS:
        raise ValidationError(_("Champ de profil inconnu « {name} ».", name=printable(name)))
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
        from app.intake.files import normalise_mobile  # intake issues documents, which read us

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
        return _validated(stdnum_siret.validate, value, "SIRET invalide : {reason}.", 14)
    if name == "vat_number":
        return clean_french_vat(value)
    if name == "share_capital":
        return _clean_capital(value)
    if name == "registry":
        match = re.fullmatch(r"(RCS|RM)\s+(\S.*)", value, flags=re.IGNORECASE)
        if match is None:
            raise ValidationError(
                _("Immatriculation invalide : RCS ou RM suivi de la ville (ex. RCS Lyon).")
            )
        return f"{match.group(1).upper()} {match.group(2).strip()}"
    if name == "registry_number":
        digits = re.sub(r"[\s.]", "", value)
        clean_siren(digits[:9])
        return value
    if name == "vat_regime":
        regime = value.casefold()
        if regime not in VAT_REGIMES:
            raise ValidationError(
                _("Régime de TVA inconnu « {value} » : normal ou franchise.", value=value)
            )
        return regime
    return value


def _check_together(profile: ProfileData) -> None:
    """The checks across fields: the VAT number carries the SIRET's SIREN."""
    if profile.siret and profile.vat_number:
        carried = vat_siren(profile.vat_number)
        if carried and carried != profile.siret[:9]:
            raise ValidationError(
                _(
                    "N° de TVA invalide : il porte le SIREN {vat}, le SIRET le SIREN {siret}.",
                    vat=carried,
                    siret=profile.siret[:9],
                )
            )


def save_profile(**changes: str) -> ProfileData:
    """Validate every given field, then save them together (all or none); a profile now
    complete issues the invoices that waited for it, dated today, in the same transaction."""
    cleaned = {name: clean_field(name, value) for name, value in changes.items()}
    if cleaned.get("vat_regime") == "":
        cleaned["vat_regime"] = NORMAL
    with write_transaction():
        current = load_profile()
        _check_together(replace(current, **cleaned))
        Profile.insert(id=1, updated_at=utcnow()).on_conflict_ignore().execute()
        if cleaned:
            Profile.update(updated_at=utcnow(), **cleaned).where(Profile.id == 1).execute()
        # Imported here: the documents read the profile through this module.
        from app.documents.issuing import issue_waiting_invoices

        issue_waiting_invoices(utcnow())
    return load_profile()
