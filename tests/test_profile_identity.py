"""The seller's identity numbers are checked by python-stdnum, refused in French (issue 11.6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from app.errors import ValidationError
from app.shop.profile import clean_field, load_profile, save_profile

LA_POSTE = "35600000000048"  # the head office: Luhn holds
LA_POSTE_OFFICE = "35600000012341"  # an office: Luhn fails, the digits sum to a multiple of 5


def test_la_poste_sirets_are_accepted() -> None:
    assert clean_field("siret", LA_POSTE) == LA_POSTE
    assert clean_field("siret", "356 000 000 12341") == LA_POSTE_OFFICE
    with pytest.raises(ValidationError, match="clé de contrôle incorrecte"):
        clean_field("siret", "35600000012342")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("73282932000075", "SIRET invalide : clé de contrôle incorrecte."),
        ("7328293200007", "SIRET invalide : 14 caractères attendus."),
        ("7328293200007A", "SIRET invalide : caractères non admis."),
    ],
)
def test_siret_refusals_say_what_is_wrong(value: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_field("siret", value)
    assert str(refused.value) == words


def test_letter_key_vat_numbers_are_checked() -> None:
    assert clean_field("vat_number", "FR K7 399859412") == "FRK7399859412"
    assert clean_field("vat_number", "fr4z123456782") == "FR4Z123456782"
    with pytest.raises(ValidationError, match="caractères non admis"):
        clean_field("vat_number", "FRIO334175221")  # I and O are never keys
    with pytest.raises(ValidationError, match="clé de contrôle incorrecte"):
        clean_field("vat_number", "FR45732829320")
    with pytest.raises(ValidationError, match="le SIREN qu'il contient est invalide"):
        clean_field("vat_number", "FRK7399859413")


def test_the_vat_number_carries_the_sirets_siren(db: str) -> None:
    save_profile(name="Épicerie", siret="73282932000074", vat_number="FR44732829320")
    with pytest.raises(ValidationError, match="porte le SIREN 303265045"):
        save_profile(vat_number="FR40303265045")
    with pytest.raises(ValidationError, match="porte le SIREN 732829320"):
        save_profile(siret=LA_POSTE)
    assert load_profile().vat_number == "FR44732829320"  # nothing written


def test_legal_mentions_fields(db: str) -> None:
    profile = save_profile(
        name="Épicerie",
        legal_form="SARL",
        share_capital="10 000",
        registry="rcs  Lyon",
        registry_number="732 829 320",
        vat_regime="Franchise",
    )
    assert profile.share_capital == "10000.00" and profile.registry == "RCS Lyon"
    assert profile.franchise and profile.vat_regime == "franchise"
    for field, value, words in [
        ("share_capital", "dix mille", "Capital social invalide"),
        ("registry", "Lyon", "Immatriculation invalide"),
        ("registry_number", "732 829 321", "SIREN invalide : clé de contrôle incorrecte."),
        ("vat_regime", "micro", "Régime de TVA inconnu « micro »"),
    ]:
        with pytest.raises(ValidationError, match=words):
            clean_field(field, value)


def _accepted(field: str, value: str) -> bool:
    try:
        clean_field(field, value)
    except ValidationError:
        return False
    return True


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_siret_verdicts_are_stdnums(number: str) -> None:
    assert _accepted("siret", number) is stdnum_siret.is_valid(number)


@given(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=2, max_size=2),
    st.sampled_from(["732829320", "303265045", "399859412", "356000000", "123456782"]),
)
def test_vat_verdicts_are_stdnums(key: str, siren: str) -> None:
    number = f"FR{key}{siren}"
    assert _accepted("vat_number", number) is stdnum_tva.is_valid(number)
