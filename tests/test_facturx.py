"""Factur-X for business customers (issue 11.10): the EN 16931 XML built from the issued
record, checked against the official schema by the `factur-x` library's own XSD check, and
read back from the invoice PDF. (The library's schematron check needs a Saxon server, which
this machine has not: it is not run.)"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
import pytest

from app.cli import main
from app.config import Config
from app.documents.facturx import NS, facturx_xml
from app.documents.render import invoice_of, render_document_pdf
from app.documents.views import document_view
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop.profile import save_profile
from storage.models import Document
from tests.docs_fixtures import MIXED, PROFILE, mixed_order, pdf_text, set_up_shop
from tests.factories import order_doc

COMPANY = {"name": "Bistrot des Halles SARL", "siren": "732829320", "vat_number": "FR44732829320"}
HOSTILE = 'Bistrot <b>&amp;</b> "Halles" ]]> <!--x--> & Fils'


def _business(doc: dict[str, Any], company: dict[str, str] | None = None) -> dict[str, Any]:
    doc["customer"] = {**doc["customer"], "company": company or COMPANY}
    return doc


def _xml(document: Document) -> bytes:
    return facturx_xml(document_view(document))


def _valid(xml: bytes) -> ET.Element:
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    return ET.fromstring(xml)


def _all(tree: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in tree.findall(path, NS)]


def _one(tree: ET.Element, path: str) -> str:
    (found,) = _all(tree, path)
    return found


SUM = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
TAX = ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
LINE = ".//ram:IncludedSupplyChainTradeLineItem"


def _check_sums(tree: ET.Element, record: Any) -> None:
    """The XML's amounts add up, and equal the record's."""
    lines = [Decimal(t) for t in _all(tree, f"{LINE}//ram:LineTotalAmount")]
    line_total = Decimal(_one(tree, SUM + "ram:LineTotalAmount"))
    basis = Decimal(_one(tree, SUM + "ram:TaxBasisTotalAmount"))
    tax_total = Decimal(_one(tree, SUM + "ram:TaxTotalAmount"))
    grand = Decimal(_one(tree, SUM + "ram:GrandTotalAmount"))
    assert sum(lines) == line_total == basis
    rows = tree.findall(TAX, NS)
    assert sum(Decimal(r.findtext("ram:BasisAmount", "", NS)) for r in rows) == basis
    assert sum(Decimal(r.findtext("ram:CalculatedAmount", "", NS)) for r in rows) == tax_total
    for row in rows:  # each rate's basis is the sum of its lines
        rate = row.findtext("ram:RateApplicablePercent", "", NS)
        mine = [
            Decimal(item.findtext(".//ram:LineTotalAmount", "", NS))
            for item in tree.findall(LINE, NS)
            if item.findtext(".//ram:RateApplicablePercent", "", NS) == rate
        ]
        assert sum(mine) == Decimal(row.findtext("ram:BasisAmount", "", NS))
    for item in tree.findall(LINE, NS):  # quantity × net price = line amount, to the cent
        quantity = Decimal(item.findtext(".//ram:BilledQuantity", "", NS))
        price = Decimal(item.findtext(".//ram:ChargeAmount", "", NS))
        amount = Decimal(item.findtext(".//ram:LineTotalAmount", "", NS))
        assert abs(quantity * price - amount) < Decimal("0.005")
    assert basis + tax_total == grand == record.amount == record.order.total
    assert basis == record.order.total_ht and tax_total == record.order.total_vat
    assert tree.find(SUM + "ram:TaxTotalAmount", NS).get("currencyID") == "EUR"  # type: ignore[union-attr]
    assert Decimal(_one(tree, SUM + "ram:DuePayableAmount")) == 0  # paid on the marketplace
    assert Decimal(_one(tree, SUM + "ram:TotalPrepaidAmount")) == grand


def test_b2b_invoice_is_valid_en16931(db: str, config: Config, tmp_path: Path) -> None:
    set_up_shop(tmp_path, config, _business(mixed_order()))
    invoice = invoice_of(MIXED)
    tree = _valid(_xml(invoice))
    assert _one(tree, ".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    assert _one(tree, "rsm:ExchangedDocument/ram:ID") == invoice.number
    assert _one(tree, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert _one(tree, ".//ram:IssueDateTime/udt:DateTimeString") == "20210120"
    seller = tree.find(".//ram:SellerTradeParty", NS)
    assert seller is not None
    assert _one(seller, "ram:Name") == PROFILE["name"]
    legal = seller.find("ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert legal is not None and legal.text == PROFILE["siret"] and legal.get("schemeID") == "0002"
    assert _one(seller, "ram:SpecifiedTaxRegistration/ram:ID") == PROFILE["vat_number"]
    assert _one(seller, "ram:PostalTradeAddress/ram:PostcodeCode") == "69001"
    assert _one(seller, "ram:PostalTradeAddress/ram:CityName") == "Lyon"
    assert _one(seller, "ram:PostalTradeAddress/ram:CountryID") == "FR"
    buyer = tree.find(".//ram:BuyerTradeParty", NS)
    assert buyer is not None
    assert _one(buyer, "ram:Name") == COMPANY["name"]
    assert _one(buyer, "ram:SpecifiedLegalOrganization/ram:ID") == COMPANY["siren"]
    assert _one(buyer, "ram:SpecifiedTaxRegistration/ram:ID") == COMPANY["vat_number"]
    names = _all(tree, f"{LINE}/ram:SpecifiedTradeProduct/ram:Name")
    assert names[:2] == ["Café moulu Éthiopie", "Tasse en grès"] and "Frais de port" in names
    assert _all(tree, f"{TAX}/ram:CategoryCode") == ["S", "S"]
    assert sorted(_all(tree, f"{TAX}/ram:RateApplicablePercent")) == ["20.00", "5.50"]
    _check_sums(tree, document_view(invoice))


def test_credit_note_is_valid_and_refers_to_the_invoice(
    db: str, config: Config, tmp_path: Path
) -> None:
    set_up_shop(tmp_path, config, _business(mixed_order()))
    change_status(MIXED, OrderStatus.CANCELLED, config=config, reason="Rupture de stock")
    credit = Document.get(Document.kind == "credit")
    tree = _valid(_xml(credit))
    assert _one(tree, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert _one(tree, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == (
        invoice_of(MIXED).number
    )
    assert _one(tree, ".//ram:InvoiceReferencedDocument//qdt:DateTimeString") == "20210120"
    assert "Rupture de stock" in _all(tree, ".//ram:IncludedNote/ram:Content")
    _check_sums(tree, document_view(credit))
    # The credit note's PDF carries its XML too.
    embedded = facturx.get_xml_from_pdf(render_document_pdf(credit.number))[1]
    assert embedded == _xml(credit)


def test_zero_rate_line_is_exempt_with_its_reason(db: str, config: Config, tmp_path: Path) -> None:
    doc = mixed_order()
    doc["lines"][0]["vat_rate"] = "0.00"
    set_up_shop(tmp_path, config, _business(doc))
    invoice = invoice_of(MIXED)
    tree = _valid(_xml(invoice))
    rows = {r.findtext("ram:CategoryCode", "", NS): r for r in tree.findall(TAX, NS)}
    assert set(rows) == {"E", "S"}
    assert rows["E"].findtext("ram:ExemptionReason", "", NS) == (
        "Exonération de TVA (art. 261 du CGI)"
    )
    assert rows["E"].findtext("ram:CalculatedAmount", "", NS) == "0.00"
    assert rows["E"].findtext("ram:RateApplicablePercent", "", NS) == "0.00"
    _check_sums(tree, document_view(invoice))


def test_franchise_seller_is_exempt_art_293_b(db: str, config: Config, tmp_path: Path) -> None:
    save_profile(**PROFILE, vat_regime="franchise")
    set_up_shop(tmp_path, config, _business(mixed_order()), profile=False)
    invoice = invoice_of(MIXED)
    tree = _valid(_xml(invoice))
    (row,) = tree.findall(TAX, NS)
    assert row.findtext("ram:CategoryCode", "", NS) == "E"
    assert row.findtext("ram:ExemptionReason", "", NS) == "TVA non applicable, art. 293 B du CGI"
    assert row.findtext("ram:ExemptionReasonCode", "", NS) == "VATEX-FR-FRANCHISE"
    assert set(_all(tree, f"{LINE}//ram:CategoryCode")) == {"E"}
    assert set(_all(tree, f"{LINE}//ram:RateApplicablePercent")) == {"0.00"}
    assert _one(tree, SUM + "ram:TaxTotalAmount") == "0.00"
    assert _one(tree, SUM + "ram:GrandTotalAmount") == "31.90"  # HT = TTC
    _check_sums(tree, document_view(invoice))


def test_pdf_embeds_the_xml_the_cli_writes(
    db: str, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    set_up_shop(tmp_path, config, _business(mixed_order()))
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", db)
    written = tmp_path / "f.xml"
    assert main(["invoice", MIXED, "--xml", "-o", str(written)]) == 0
    assert capsys.readouterr().out.strip() == str(written)
    _valid(written.read_bytes())
    pdf = tmp_path / "f.pdf"
    assert main(["invoice", MIXED, "-o", str(pdf)]) == 0
    name, embedded = facturx.get_xml_from_pdf(pdf.read_bytes(), check_xsd=True)
    assert name == "factur-x.xml" and embedded == written.read_bytes()
    text = pdf_text(pdf.read_bytes(), tmp_path)  # the PDF still reads as the invoice
    assert "Bistrot des Halles SARL" in text and invoice_of(MIXED).number in text


def test_a_consumer_invoice_has_no_factur_x(
    db: str, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    set_up_shop(tmp_path, config, mixed_order())
    pdf = render_document_pdf(invoice_of(MIXED).number)
    assert facturx.get_xml_from_pdf(pdf, check_xsd=False) == (False, False)
    assert b"factur-x.xml" not in pdf
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", db)
    written = tmp_path / "c.xml"
    assert main(["invoice", MIXED, "--xml", "-o", str(written)]) == 1
    err = capsys.readouterr().err
    assert err == "comptoir: pas de Factur-X : client particulier\n"
    assert not written.exists()


def test_hostile_company_name_stays_literal(db: str, config: Config, tmp_path: Path) -> None:
    doc = _business(order_doc(number="H-1"), {"name": HOSTILE, "siren": "732829320"})
    doc["lines"][0]["product"] = "Thé <script>&lt;</script>"
    set_up_shop(tmp_path, config, doc)
    invoice = invoice_of("H-1")
    xml = _xml(invoice)
    tree = _valid(xml)
    assert _one(tree, ".//ram:BuyerTradeParty/ram:Name") == HOSTILE
    assert _all(tree, f"{LINE}/ram:SpecifiedTradeProduct/ram:Name") == ["Thé <script>&lt;</script>"]
    assert b"<b>" not in xml and b"<script>" not in xml and b"<!--x-->" not in xml
    embedded = facturx.get_xml_from_pdf(render_document_pdf(invoice.number))[1]
    assert embedded == xml
