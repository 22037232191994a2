"""Lawful invoices (issue 11): frozen once issued, VAT regimes, mentions, seller required,
business customers. Every check reads the PDF back with pdftotext."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.cli import main
from app.clock import utcnow
from app.config import Config
from app.documents.render import invoice_of, render_document_pdf
from app.errors import ComptoirError
from app.intake.files import import_files
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from storage.models import Document, Order, OrderLine
from tests.docs_fixtures import MIXED, PROFILE, mixed_order, pdf_text, set_up_shop, squeeze
from tests.factories import order_doc, write_json

COMPANY = {"name": "Bistrot des Halles SARL", "siren": "732829320", "vat_number": "FR44732829320"}
FRANCHISE = "TVA non applicable, art. 293 B du CGI"
B2B = "indemnité forfaitaire pour frais de recouvrement de 40 €"


def _pdf(number: str, tmp_path: Path) -> str:
    return pdf_text(render_document_pdf(number), tmp_path)


def test_an_issued_invoice_never_changes(db: str, config: Config, tmp_path: Path) -> None:
    set_up_shop(tmp_path, config, mixed_order())
    number = invoice_of(MIXED).number
    before = _pdf(number, tmp_path)
    # the profile, the regime, the order and the catalogue's wording all change since
    save_profile(
        name="Autre Nom SAS",
        address="1 avenue Neuve, 75001 Paris",
        legal_form="SAS",
        vat_regime="franchise",
    )
    Order.update(customer_name="Quelqu'un d'autre").where(Order.number == MIXED).execute()
    OrderLine.update(product="Produit renommé").execute()
    assert _pdf(number, tmp_path) == before
    assert "Épicerie Fine du Marché" in before and "Autre Nom" not in before
    from app.i18n import _english, set_language

    set_language("en")
    english = _pdf(number, tmp_path)
    _english()["Total TTC"] = "Grand total (changed wording)"
    try:
        assert _pdf(number, tmp_path) == english and "Total incl. VAT" in english
    finally:
        _english()["Total TTC"] = "Total incl. VAT"
        set_language("fr")
    # a document issued after the change is the only one to show it
    import_files(
        [write_json(tmp_path / "n.json", order_doc(number="N-1"))],
        config=config,
        now=datetime(2021, 2, 1, 9),
    )
    later = _pdf(invoice_of("N-1").number, tmp_path)
    assert "Autre Nom SAS" in later and FRANCHISE in " ".join(later.split())


def test_the_credit_note_is_frozen_too(db: str, config: Config, tmp_path: Path) -> None:
    set_up_shop(tmp_path, config, mixed_order())
    change_status(MIXED, OrderStatus.CANCELLED, config=config, reason="Rupture de stock")
    credit = Document.get(Document.kind == "credit")
    before = _pdf(credit.number, tmp_path)
    assert "Rupture de stock" in before and "31,90 €" in before
    save_profile(name="Autre Nom SAS")
    Order.update(cancel_reason="autre").execute()
    assert _pdf(credit.number, tmp_path) == before


def test_franchise_shows_no_vat_and_its_mention(db: str, config: Config, tmp_path: Path) -> None:
    save_profile(**PROFILE, vat_regime="franchise")
    set_up_shop(tmp_path, config, mixed_order(), profile=False)
    text = _pdf(invoice_of(MIXED).number, tmp_path)
    flat = squeeze(text)
    assert FRANCHISE in " ".join(text.split())
    assert "%" not in text and "TVA2" not in flat and "TotalTVA" not in flat
    assert "TotalHT31,90€" in flat and "TotalTTC31,90€" in flat  # HT = TTC


def test_a_zero_rate_line_carries_its_reason(db: str, config: Config, tmp_path: Path) -> None:
    doc = order_doc(number="Z-1")
    doc["lines"][0]["vat_rate"] = "0.00"
    set_up_shop(tmp_path, config, doc)
    text = " ".join(_pdf(invoice_of("Z-1").number, tmp_path).split())
    assert "TVA à 0 % : Exonération de TVA (art. 261 du CGI)" in text
    save_profile(vat_exemption="Exonération, art. 262 ter I du CGI")
    import_files([write_json(tmp_path / "z.json", {**doc, "number": "Z-2"})], config=config)
    text = " ".join(_pdf(invoice_of("Z-2").number, tmp_path).split())
    assert "Exonération, art. 262 ter I du CGI" in text


def test_two_lines_of_one_euro_add_up_on_the_invoice(
    db: str, config: Config, tmp_path: Path
) -> None:
    doc = order_doc(number="C-1", total="2.00")
    doc["lines"] = [{**doc["lines"][0], "vat_rate": "20.00", "product": f"Thé {i}"} for i in (1, 2)]
    set_up_shop(tmp_path, config, doc)
    flat = squeeze(_pdf(invoice_of("C-1").number, tmp_path))
    assert "0,84€1,00€" in flat and "0,83€1,00€" in flat  # line HT, line TTC
    assert "20,00%1,67€0,33€2,00€" in flat and "TotalHT1,67€" in flat


def test_legal_mentions_of_the_seller(db: str, config: Config, tmp_path: Path) -> None:
    save_profile(
        **PROFILE,
        legal_form="SARL",
        share_capital="10000",
        registry="RCS Lyon",
        registry_number="732 829 320",
    )
    set_up_shop(tmp_path, config, mixed_order(), profile=False)
    text = " ".join(_pdf(invoice_of(MIXED).number, tmp_path).split())
    assert "SARL au capital de 10 000,00 €" in text and "RCS Lyon 732 829 320" in text
    assert B2B not in text  # a consumer: no B2B mentions


def test_no_invoice_without_a_seller_then_issued_in_order(
    db: str, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    set_up_shop(tmp_path, config, mixed_order(), order_doc(number="T-2"), profile=False)
    assert Order.select().count() == 2 and Document.select().count() == 0
    with pytest.raises(ComptoirError, match="le profil n'indique pas Nom, Adresse, SIRET"):
        invoice_of(MIXED)
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", db)
    assert main(["invoice", MIXED]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Nom, Adresse, SIRET" in err
    save_profile(name="Épicerie")
    assert Document.select().count() == 0
    save_profile(address=PROFILE["address"], siret=PROFILE["siret"])
    invoices = list(Document.select().order_by(Document.number))
    year = f"F{utcnow().year}"  # dated the day the profile was completed
    assert [(d.order.number, d.number[:5]) for d in invoices] == [(MIXED, year), ("T-2", year)]
    assert invoices[0].number < invoices[1].number  # in the order the orders arrived


def test_business_customer_shown_with_b2b_mentions(db: str, config: Config, tmp_path: Path) -> None:
    doc = mixed_order()
    doc["customer"] = {**doc["customer"], "company": COMPANY}
    set_up_shop(tmp_path, config, doc)
    text = " ".join(_pdf(invoice_of(MIXED).number, tmp_path).split())
    assert "Bistrot des Halles SARL" in text and "SIREN 732829320" in text
    assert "N° TVA intracommunautaire FR44732829320" in text
    assert B2B in text and "pénalités au taux de trois fois l'intérêt légal" in text


@pytest.mark.parametrize(
    ("company", "words"),
    [
        ({"name": "X", "siren": "732829321"},
         "champ customer.company.siren : n'est pas un SIREN valide"),
        ({"name": "X", "vat_number": "FR45732829320"}, "n'est pas un numéro de TVA valide"),
        ({"name": "X", "siren": "303265045", "vat_number": "FR44732829320"},
         "ne porte pas le SIREN 303265045"),
        ({"siren": "732829320"}, "champ customer.company.name : manque"),
    ],
)  # fmt: skip
def test_a_bad_company_is_refused(db: str, config: Config, tmp_path: Path, company, words) -> None:
    doc = order_doc(number="B-1")
    doc["customer"] = {**doc["customer"], "company": company}
    from app.errors import IntakeError

    with pytest.raises(IntakeError, match=words):
        import_files([write_json(tmp_path / "b.json", doc)], config=config)


def test_regional_rates_are_shown(db: str, tmp_path: Path) -> None:
    reunion = Config(holiday_region="974")
    doc = order_doc(number="RE-1")
    doc["lines"][0]["vat_rate"] = "8.50"
    set_up_shop(tmp_path, reunion, doc)
    flat = squeeze(_pdf(invoice_of("RE-1").number, tmp_path))
    assert "8,50%0,92€0,08€1,00€" in flat


def test_finances_of_a_franchise_month_show_no_vat_amount(
    db: str, config: Config, tmp_path: Path
) -> None:
    """Sold under the franchise: the month's VAT line names the mention and the amount sold,
    never « TVA 0,00 € » beside « TVA non applicable »."""
    from app.money.books import month_finances
    from screens.finances import FinancesScreen

    save_profile(**PROFILE, vat_regime="franchise")
    set_up_shop(tmp_path, config, mixed_order(), profile=False)
    issued = invoice_of(MIXED).issued_at
    view = month_finances(issued.year, issued.month, config=config)
    text = FinancesScreen._vat_text(view)
    assert f"{FRANCHISE} : 31,90 €" in text
    assert "TVA 0,00" not in text and "base" not in text
