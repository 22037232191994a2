"""Factur-X (EN 16931) for business customers (issue 11.10).

The CII XML of an issued invoice (380) or credit note (381) is built from its frozen record
alone, never from the live order, so that it says exactly what the PDF says, years later.
Every value goes through ElementTree, which escapes it: order data is never spliced into
XML text. Amounts are Decimal throughout and come straight from the record, whose columns
already add up to the cent (money.vat_columns): the lines' net amounts sum to each rate's
basis, basis + VAT = TTC per rate and in all.

The invoice PDF of a business customer carries this XML as its Factur-X attachment
(`embed`, with the `factur-x` library, after wkhtmltopdf); a consumer's has none.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.documents.records import RecordView
from app.errors import ComptoirError
from app.i18n import _
from app.shop.profile import FRANCHISE_MENTION

PROFILE = "urn:cen.eu:en16931:2017"
LEVEL = "en16931"
FLAVOR = "factur-x"
CURRENCY = "EUR"
INVOICE, CREDIT_NOTE = "380", "381"
# VAT categories (UNTDID 5305): standard rate, exempt.
STANDARD, EXEMPT = "S", "E"
# The franchise en base (CGI art. 293 B) in the VATEX list, as the French e-invoicing
# specifications use it.
FRANCHISE_CODE = "VATEX-FR-FRANCHISE"
SIRET_SCHEME = "0002"  # ISO 6523: SIRENE (SIREN or SIRET)
UNIT = "C62"  # one (UN/ECE rec. 20)
SHIPPING_LABEL = "Frais de port"  # as the invoice's shipping line reads

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

_CENT = Decimal("0.01")
_PRICE = Decimal("0.0001")
_ZERO = Decimal("0.00")
_POSTCODE_CITY = re.compile(r"^(?P<rest>.*?)[,\s]*\b(?P<postcode>\d{5})\s+(?P<city>[^,\d][^,]*)$")


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name), attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return str(value.quantize(_CENT))


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


@dataclass(frozen=True)
class TaxLine:
    """One line of the XML: a product or the shipping fee's share of one rate."""

    name: str
    quantity: int
    net: Decimal  # the line's net amount (HT)
    category: str
    rate: Decimal

    @property
    def unit_price(self) -> Decimal:
        """The net unit price HT (up to 4 decimals, as Factur-X allows)."""
        exact = self.net / self.quantity
        cents = exact.quantize(_CENT)
        return cents if cents == exact else exact.quantize(_PRICE)


@dataclass(frozen=True)
class TaxRow:
    """One row of the VAT breakdown (BG-23)."""

    category: str
    rate: Decimal
    basis: Decimal
    tax: Decimal
    reason: str = ""
    reason_code: str = ""


def is_business(view: RecordView) -> bool:
    """True when the document is addressed to a business customer (it gets a Factur-X)."""
    return view.order.company is not None


def _category(view: RecordView, rate: Decimal) -> str:
    return EXEMPT if view.franchise or rate == 0 else STANDARD


def tax_lines(view: RecordView) -> list[TaxLine]:
    """The products, then the shipping fee split per rate as the record splits it."""
    lines = [
        TaxLine(
            name=line.product,
            quantity=line.quantity,
            net=line.ht,
            category=_category(view, line.rate),
            rate=_ZERO if view.franchise else line.rate,
        )
        for line in view.order.lines
    ]
    shipping = view.order.shipping
    if shipping.ttc:
        if view.franchise:
            lines.append(TaxLine(SHIPPING_LABEL, 1, shipping.ht, EXEMPT, _ZERO))
        else:
            for row in view.order.vat_rows:
                goods = sum((ln.ht for ln in view.order.lines if ln.rate == row.rate), _ZERO)
                share = row.ht - goods
                if share:
                    lines.append(
                        TaxLine(SHIPPING_LABEL, 1, share, _category(view, row.rate), row.rate)
                    )
    return lines


def tax_rows(view: RecordView) -> list[TaxRow]:
    """The VAT breakdown: the record's rows, or one exempt row under the franchise."""
    if view.franchise:
        return [TaxRow(EXEMPT, _ZERO, view.order.total, _ZERO, FRANCHISE_MENTION, FRANCHISE_CODE)]
    return [
        TaxRow(
            _category(view, row.rate),
            row.rate,
            row.ht,
            row.vat,
            reason=view.exemption if row.rate == 0 else "",
        )
        for row in view.order.vat_rows
    ]


def _address(parent: ET.Element, text: str) -> None:
    """A postal address from the free text on file: postcode and city when recognisable."""
    flat = ", ".join(part.strip() for part in text.splitlines() if part.strip())
    address = _sub(parent, "ram:PostalTradeAddress")
    found = _POSTCODE_CITY.match(flat)
    if found and found["rest"]:
        _sub(address, "ram:PostcodeCode", found["postcode"])
        _sub(address, "ram:LineOne", found["rest"].strip(" ,"))
        _sub(address, "ram:CityName", found["city"].strip())
    elif flat:
        _sub(address, "ram:LineOne", flat)
    _sub(address, "ram:CountryID", "FR")


def _seller(parent: ET.Element, view: RecordView) -> None:
    seller = view.seller
    party = _sub(parent, "ram:SellerTradeParty")
    _sub(party, "ram:Name", seller.name)
    if seller.siret:
        legal = _sub(party, "ram:SpecifiedLegalOrganization")
        _sub(legal, "ram:ID", seller.siret, schemeID=SIRET_SCHEME)
    _address(party, seller.address)
    if seller.vat_number:
        tax = _sub(party, "ram:SpecifiedTaxRegistration")
        _sub(tax, "ram:ID", seller.vat_number, schemeID="VA")


def _buyer(parent: ET.Element, view: RecordView) -> None:
    company = view.order.company
    assert company is not None
    party = _sub(parent, "ram:BuyerTradeParty")
    _sub(party, "ram:Name", company.name)
    if company.siren:
        legal = _sub(party, "ram:SpecifiedLegalOrganization")
        _sub(legal, "ram:ID", company.siren, schemeID=SIRET_SCHEME)
    _address(party, view.order.customer_address)
    if company.vat_number:
        tax = _sub(party, "ram:SpecifiedTaxRegistration")
        _sub(tax, "ram:ID", company.vat_number, schemeID="VA")


def _line_item(parent: ET.Element, position: int, line: TaxLine) -> None:
    item = _sub(parent, "ram:IncludedSupplyChainTradeLineItem")
    _sub(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
    _sub(_sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
    agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
    price = _sub(agreement, "ram:NetPriceProductTradePrice")
    _sub(price, "ram:ChargeAmount", str(line.unit_price))
    delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
    _sub(delivery, "ram:BilledQuantity", str(line.quantity), unitCode=UNIT)
    settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
    tax = _sub(settlement, "ram:ApplicableTradeTax")
    _sub(tax, "ram:TypeCode", "VAT")
    _sub(tax, "ram:CategoryCode", line.category)
    _sub(tax, "ram:RateApplicablePercent", _amount(line.rate))
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", _amount(line.net))


def _tax_row(parent: ET.Element, row: TaxRow) -> None:
    tax = _sub(parent, "ram:ApplicableTradeTax")
    _sub(tax, "ram:CalculatedAmount", _amount(row.tax))
    _sub(tax, "ram:TypeCode", "VAT")
    if row.reason:
        _sub(tax, "ram:ExemptionReason", row.reason)
    _sub(tax, "ram:BasisAmount", _amount(row.basis))
    _sub(tax, "ram:CategoryCode", row.category)
    if row.reason_code:
        _sub(tax, "ram:ExemptionReasonCode", row.reason_code)
    _sub(tax, "ram:RateApplicablePercent", _amount(row.rate))


def _notes(view: RecordView) -> Iterator[str]:
    if view.kind != "invoice" and view.reason:
        yield view.reason
    yield from view.mentions


def build_tree(view: RecordView) -> ET.Element:
    """The CII tree of the issued document `view` (a business customer's)."""
    if not is_business(view):
        raise ComptoirError(_("pas de Factur-X : client particulier"))
    root = ET.Element(_q("rsm:CrossIndustryInvoice"))
    context = _sub(root, "rsm:ExchangedDocumentContext")
    guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _sub(guideline, "ram:ID", PROFILE)

    header = _sub(root, "rsm:ExchangedDocument")
    _sub(header, "ram:ID", view.number)
    _sub(header, "ram:TypeCode", INVOICE if view.kind == "invoice" else CREDIT_NOTE)
    issued = _sub(header, "ram:IssueDateTime")
    _sub(issued, "udt:DateTimeString", _day(view.issued_on), format="102")
    for note in _notes(view):
        _sub(_sub(header, "ram:IncludedNote"), "ram:Content", note)

    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    lines = tax_lines(view)
    for position, line in enumerate(lines, start=1):
        _line_item(transaction, position, line)

    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _sub(agreement, "ram:BuyerReference", view.order.number)
    _seller(agreement, view)
    _buyer(agreement, view)
    delivery = _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    event = _sub(delivery, "ram:ActualDeliverySupplyChainEvent")
    occurred = _sub(event, "ram:OccurrenceDateTime")
    _sub(occurred, "udt:DateTimeString", _day(view.sale_on), format="102")

    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    _sub(settlement, "ram:InvoiceCurrencyCode", CURRENCY)
    rows = tax_rows(view)
    for row in rows:
        _tax_row(settlement, row)
    line_total = sum((line.net for line in lines), _ZERO)
    tax_total = sum((row.tax for row in rows), _ZERO)
    grand_total = line_total + tax_total
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", _amount(line_total))
    _sub(summation, "ram:TaxBasisTotalAmount", _amount(line_total))
    _sub(summation, "ram:TaxTotalAmount", _amount(tax_total), currencyID=CURRENCY)
    _sub(summation, "ram:GrandTotalAmount", _amount(grand_total))
    # Paid on the marketplace (« Facture acquittée »), refunded by it for a credit note.
    _sub(summation, "ram:TotalPrepaidAmount", _amount(grand_total))
    _sub(summation, "ram:DuePayableAmount", _amount(_ZERO))
    if view.kind != "invoice" and view.refers_to_number:
        referenced = _sub(settlement, "ram:InvoiceReferencedDocument")
        _sub(referenced, "ram:IssuerAssignedID", view.refers_to_number)
        if view.refers_to_issued_on is not None:
            when = _sub(referenced, "ram:FormattedIssueDateTime")
            _sub(when, "qdt:DateTimeString", _day(view.refers_to_issued_on), format="102")
    return root


def facturx_xml(view: RecordView) -> bytes:
    """The Factur-X XML (UTF-8, with its declaration) of the issued document `view`."""
    tree = build_tree(view)
    ET.indent(tree)
    body: bytes = ET.tostring(tree, encoding="utf-8", xml_declaration=True)
    return body


def embed(pdf: bytes, xml: bytes, view: RecordView) -> bytes:
    """The PDF with `xml` attached as its Factur-X (factur-x.xml, XMP metadata, AF data)."""
    import facturx

    kind = _("Facture") if view.kind == "invoice" else _("Avoir")
    metadata = {
        "author": view.seller.name,
        "keywords": "Factur-X",
        "title": f"{kind} {view.number}",
        "subject": f"{kind} {view.number} — {view.seller.name}",
    }
    result: bytes = facturx.generate_from_binary(
        pdf, xml, flavor=FLAVOR, level=LEVEL, check_xsd=True, pdf_metadata=metadata, lang="fr-FR"
    )
    return result


def with_facturx(pdf: bytes, view: RecordView) -> bytes:
    """The document's PDF, with its Factur-X embedded when it is a business customer's."""
    return embed(pdf, facturx_xml(view), view) if is_business(view) else pdf
