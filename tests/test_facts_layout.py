"""Key facts from layouts without a value next to its label.

Covers tax read from a table column, labels printed apart from their values,
and parties named only in a salutation, an address block or a legal notice.
Every text here was written for these tests, in several languages.
"""

from __future__ import annotations

import pytest

from docflow.core.facts import extract_facts
from docflow.core.models import ExtractedDocument, Fact, Page


def _facts(text: str, category: str = "invoice") -> dict[str, Fact]:
    document = ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text=text)],
    )
    return {fact.kind: fact for fact in extract_facts(document, category)}


def _span_text(text: str, fact: Fact) -> str:
    assert fact.start is not None
    assert fact.end is not None
    return text[fact.start : fact.end]


# -- tax in a table column -------------------------------------------------------

ALIGNED_MWST_TABLE = """\
Rechnung Nr. 2024-117
Rechnungsdatum: 12.03.2024

Pos  Bezeichnung              Netto        MwSt        Brutto
1    Wartung Heizanlage      420,00       79,80        499,80
2    Ersatzteile              80,00       15,20         95,20

Summe                        500,00       95,00        595,00
Gesamtbetrag: 595,00 EUR
"""

SINGLE_SPACED_BTW_TABLE = """\
Factuur 88-2031
Factuurdatum: 4 april 2024
Omschrijving Aantal Prijs excl. Bedrag excl.
Ontwerp logo 1 250,00 250,00
Totaal te betalen € 302,50
Tarief Grondslag BTW Totaal
21% 250,00 52,50 302,50
Totaal 250,00 52,50 302,50
"""

GST_SUMMARY_RECEIPT = """\
KEDAI RUNCIT SERI MAJU
Date: 14/02/2019
Item Qty Amount
Beras 5kg 1 21.20
Gula 1kg 2 5.30
TOTAL RM 26.50
GST Summary Amount(RM) Tax(RM)
SR @ 6% 25.00 1.50
ZR @ 0% 0.00 0.00
"""


def test_tax_from_aligned_column() -> None:
    facts = _facts(ALIGNED_MWST_TABLE)
    assert facts["tax"].normalized == "95.00"
    assert _span_text(ALIGNED_MWST_TABLE, facts["tax"]) == "95,00"


def test_tax_from_single_spaced_table() -> None:
    facts = _facts(SINGLE_SPACED_BTW_TABLE)
    assert facts["tax"].normalized == "52.50"
    assert facts["tax"].currency == "EUR"


def test_tax_from_rate_summary_row() -> None:
    facts = _facts(GST_SUMMARY_RECEIPT, "receipt")
    assert facts["tax"].normalized == "1.50"
    assert _span_text(GST_SUMMARY_RECEIPT, facts["tax"]) == "1.50"


def test_tax_column_needs_matching_sum() -> None:
    # A "TVA" column whose totals row has no net + tax = gross triple, in
    # text without aligned columns, gives no tax rather than a guess.
    text = (
        "Facture 2024-09\n"
        "Désignation Quantité TVA Montant\n"
        "Conseil 2 oui 300,00\n"
        "Total 300,00 15,00\n"
        "Net à payer : 300,00 €\n"
    )
    facts = _facts(text)
    assert "total" in facts
    assert "tax" not in facts


def test_tax_column_without_total_ignored() -> None:
    # A table with a tax column in a document that states no total.
    text = (
        "Quarterly tax report\n"
        "Region Revenue Tax Net\n"
        "North 1200.00 200.00 1000.00\n"
        "All regions 1200.00 200.00 1000.00\n"
    )
    facts = _facts(text, "report")
    assert "total" not in facts
    assert "tax" not in facts


def test_letter_without_amounts_has_no_tax() -> None:
    text = (
        "Dear Mr Holloway,\n"
        "Thank you for your letter about the VAT rules for small traders.\n"
        "In total, three of our members raised the same question.\n"
        "Yours sincerely,\n"
        "Ruth Evans\n"
    )
    facts = _facts(text, "letter")
    assert "tax" not in facts
    assert "total" not in facts


# -- labels printed apart from their values -------------------------------------

VALUES_THEN_LABELS = """\
INVOICE
Kestrel Design Studio
Mar 3, 2023
Apr 2, 2023
$840.00
Date:
Due Date:
Amount Due:
Service Hours Rate
Illustration 12 $70.00
"""

LABELS_THEN_VALUES = """\
RECHNUNG
Rechnungsdatum:
Fällig am:
Gesamtbetrag:
05.06.2024
19.06.2024
1.250,00 EUR
Vielen Dank für Ihren Auftrag.
"""


def test_labels_after_values_pair_in_order() -> None:
    facts = _facts(VALUES_THEN_LABELS)
    assert facts["document_date"].normalized == "2023-03-03"
    assert facts["due_date"].normalized == "2023-04-02"
    assert facts["total"].normalized == "840.00"
    assert _span_text(VALUES_THEN_LABELS, facts["total"]) == "840.00"


def test_labels_before_values_pair_in_order() -> None:
    facts = _facts(LABELS_THEN_VALUES)
    assert facts["document_date"].normalized == "2024-06-05"
    assert facts["due_date"].normalized == "2024-06-19"
    assert facts["total"].normalized == "1250.00"


def test_extra_values_pair_with_nearest() -> None:
    # Five value lines, three labels: the labels take the last three values.
    text = (
        "Sandpiper Supplies\n"
        "orders@example.org\n"
        "1 Jan 2023\n"
        "15 Jan 2023\n"
        "$99.00\n"
        "Date:\n"
        "Due Date:\n"
        "Total:\n"
    )
    facts = _facts(text)
    assert facts["due_date"].normalized == "2023-01-15"
    assert facts["total"].normalized == "99.00"


def test_single_label_line_not_paired() -> None:
    # One label alone on its line is a heading, not a column of labels.
    text = "Notes:\n€ 45,00 were refunded last month\nThank you\n"
    facts = _facts(text, "letter")
    assert "total" not in facts


# -- a row of labels over a row of values ----------------------------------------

# The PO number cell is empty, and the due date stays under its own label.
HEADER_ROW_EMPTY_CELL = """\
INVOICE
Acme Tools Ltd
Invoice No      Date          PO Number     Due Date
INV-2041        12/03/2024                  11/04/2024

Total: 120.00 EUR
"""
# The date cell is empty, so the only date of the row is the due date.
HEADER_ROW_NO_DATE = """\
INVOICE
Acme Tools Ltd
Invoice No    Date        Terms     Due Date
INV-2041                  Net 30    11/04/2024
Delivered on 01/04/2024
Total: 120.00 EUR
"""


def test_due_date_under_its_label() -> None:
    facts = _facts(HEADER_ROW_EMPTY_CELL)
    assert facts["document_date"].normalized == "2024-03-12"
    assert facts["due_date"].normalized == "2024-04-11"
    assert _span_text(HEADER_ROW_EMPTY_CELL, facts["due_date"]) == "11/04/2024"


def test_empty_date_cell_not_filled_by_due_date() -> None:
    facts = _facts(HEADER_ROW_NO_DATE)
    assert facts["due_date"].normalized == "2024-04-11"
    assert facts["document_date"].normalized == "2024-04-01"


def test_date_column_of_rows_no_document_date() -> None:
    # "Date" heads the date of each row, not the statement's date.
    text = (
        "First National Bank\n"
        "Statement of account 31/10/2026\n"
        "Date          Description            Amount\n"
        "01/10/2026    Opening balance        3,214.55\n"
        "03/10/2026    Salary                 4,250.00\n"
    )
    assert _facts(text, "bank_statement")["document_date"].normalized == "2026-10-31"


def test_total_under_its_label_not_last() -> None:
    text = (
        "INVOICE\nAcme Tools Ltd\n"
        "Invoice No   Date         Amount Due   Paid\n"
        "INV-2041     12/03/2024   120.00       20.00\n"
    )
    assert _facts(text)["total"].normalized == "120.00"


def test_empty_total_cell_gives_no_total() -> None:
    text = (
        "INVOICE\nAcme Tools Ltd\n"
        "Invoice No   Date         Amount Due   Paid\n"
        "INV-2041     12/03/2024                20.00\n"
    )
    assert "total" not in _facts(text)


# -- parties -------------------------------------------------------------------


# Vendor, ship-to and bill-to blocks stacked under a row of labels apart by
# single spaces, as a PDF text layer prints three address columns.
STACKED_PARTY_BLOCKS = """\
Purchase Order
PO Number: 4500914652
Vendor Ship to Bill to
Hughes & Walker Energy
153 Riverside Way
Portland, OR 97205
Price Martin Kitchen
IT Department
104 Oak Avenue
Denver, CO 80202
Price Martin Builders
Accounts Payable
156 Church Lane
Columbus, OH 43215
Item Description Qty Unit price Total
1 Docking station USB-C 20 109.03 2,180.60
"""
# The same parties side by side, each name ending in a company form.
SIDE_BY_SIDE_PARTIES = """\
Purchase Order
Vendor Ship to Bill to
Hughes Energy Inc. Price Martin Kitchen Ltd Price Martin Builders Pvt. Ltd.
153 Riverside Way 104 Oak Avenue 156 Church Lane
"""
# The ship-to cell is empty, so only its column puts the bill-to name under
# "Bill to".
PARTY_ROW_EMPTY_CELL = """\
INVOICE INV-2041
Vendor              Ship to             Bill to
Blue Fin Supplies                       Harbor Foods
14 Quay Street                          12 Dock Road

Total: 120.00 EUR
"""


@pytest.mark.parametrize(
    ("text", "buyer"),
    [
        (STACKED_PARTY_BLOCKS, "Price Martin Builders"),
        (SIDE_BY_SIDE_PARTIES, "Price Martin Builders Pvt. Ltd."),
    ],
    ids=["stacked", "side by side"],
)
def test_single_spaced_label_row(text: str, buyer: str) -> None:
    order = _facts(text, "purchase_order")
    assert order["sender"].value == buyer
    assert _span_text(text, order["sender"]) == buyer
    invoice = _facts(text)
    assert invoice["recipient"].value == buyer
    assert invoice["sender"].value == order["recipient"].value


def test_party_under_its_label_column() -> None:
    invoice = _facts(PARTY_ROW_EMPTY_CELL)
    assert invoice["sender"].value == "Blue Fin Supplies"
    assert invoice["recipient"].value == "Harbor Foods"
    order = _facts(PARTY_ROW_EMPTY_CELL, "purchase_order")
    assert order["sender"].value == "Harbor Foods"
    assert order["recipient"].value == "Blue Fin Supplies"


def test_empty_first_column_names_no_vendor() -> None:
    text = (
        "INVOICE INV-2041\n"
        "Vendor              Ship to             Bill to\n"
        "                    Harbor Kitchen      Harbor Foods\n"
        "                    3 Mill Lane         12 Dock Road\n"
    )
    order = _facts(text, "purchase_order")
    assert "recipient" not in order
    assert order["sender"].value == "Harbor Foods"


@pytest.mark.parametrize(
    ("salutation", "expected"),
    [
        ("Dear Ms Jane Porter,", "Jane Porter"),
        ("Sehr geehrte Frau Albers,", "Albers"),
        ("Sehr geehrter Herr Dr. Weiß,", "Weiß"),
        ("Beste Sanne de Wit,", "Sanne de Wit"),
        ("Cher Monsieur Garnier,", "Garnier"),
        ("Szanowny Panie Nowak,", "Nowak"),
    ],
)
def test_recipient_from_salutation(salutation: str, expected: str) -> None:
    text = f"Invoice 2024-5\n{salutation}\nPlease find our invoice below.\n"
    facts = _facts(text)
    assert facts["recipient"].value == expected


def test_recipient_prefers_fuller_address_line() -> None:
    text = (
        "Dhr. P. J. Bakker\n"
        "Lindelaan 12\n"
        "3512 AB Utrecht\n"
        "Geachte heer Bakker,\n"
        "Hierbij ontvangt u de factuur.\n"
    )
    facts = _facts(text)
    assert facts["recipient"].value == "P. J. Bakker"
    assert _span_text(text, facts["recipient"]) == "P. J. Bakker"


@pytest.mark.parametrize(
    "salutation",
    ["Dear Customer,", "Sehr geehrte Damen und Herren,", "Beste klant,", "Dear Sir,"],
)
def test_generic_salutation_names_nobody(salutation: str) -> None:
    facts = _facts(f"Invoice 7\n{salutation}\nThank you for your order.\n")
    assert "recipient" not in facts


def test_salutation_ignored_outside_invoices() -> None:
    facts = _facts("Dear Jane Porter,\nI write about the meeting.\n", "letter")
    assert "recipient" not in facts


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Rechnungsadresse:", "Bäckerei Lindner GmbH"),
        ("Factuur aan", "Van Dijk Installaties B.V."),
        ("Adresse de facturation", "Claire Morel"),
        ("Invoice to:", "Harbour Café Ltd"),
    ],
)
def test_recipient_after_billing_label(label: str, name: str) -> None:
    text = f"Invoice 311\n{label}\n{name}\nHauptstraße 4\n10115 Berlin\n"
    facts = _facts(text)
    assert facts["recipient"].value == name


def test_sender_not_taken_from_bill_to_block() -> None:
    """A company form under "Bill to" names the addressee, not the sender."""
    text = (
        "Chloe Miller\n"
        "173 Park Road\n"
        "Invoice\n"
        "Invoice No.: 763\n"
        "Bill to\n"
        "Driftwood Logistics PLC\n"
        "44 Riverside Way\n"
        "Total due 2,457.75 USD\n"
    )
    facts = _facts(text)
    assert facts["sender"].value == "Chloe Miller"
    assert facts["recipient"].value == "Driftwood Logistics PLC"


def test_recipient_from_address_block() -> None:
    text = (
        "Boulangerie du Parc\n"
        "Facture n° 4471 du 3 mai 2024\n"
        "Martin Lefèvre\n"
        "12 rue des Tilleuls\n"
        "69003 Lyon\n"
        "Montant TTC : 48,00 €\n"
    )
    facts = _facts(text)
    assert facts["sender"].value == "Boulangerie du Parc"
    assert facts["recipient"].value == "Martin Lefèvre"


def test_address_block_skips_sender() -> None:
    text = (
        "Atelier Vogel GmbH\n"
        "Gartenweg 3\n"
        "80331 München\n"
        "Rechnung 19\n"
        "Anna Keller\n"
        "Seestraße 21\n"
        "8002 Zürich\n"
    )
    facts = _facts(text)
    assert facts["sender"].value == "Atelier Vogel GmbH"
    assert facts["recipient"].value == "Anna Keller"


def test_label_column_gives_no_recipient() -> None:
    # "Nom du client" heads a column of labels, so the next line is a label.
    text = "Facture 55\nNom du client\nAdresse de livraison\nService Clients Paris\n"
    facts = _facts(text)
    assert "recipient" not in facts


def test_sender_from_legal_notice() -> None:
    lines = [f"Ligne de détail {number} 10,00" for number in range(40)]
    text = (
        "Madame Claire Morel\n"
        + "\n".join(lines)
        + "\nAtelier Brun SARL au capital de 8 000 euros - RCS Lyon 123 456 789\n"
    )
    facts = _facts(text)
    assert facts["sender"].value == "Atelier Brun SARL"
    assert _span_text(text, facts["sender"]) == "Atelier Brun SARL"


def test_sender_cut_from_longer_line() -> None:
    text = (
        "Service Provider:\n"
        "Questions? See the notes at the end of this Invoice Nordlicht Software Inc.\n"
        "Total: $12.00\n"
    )
    facts = _facts(text)
    assert facts["sender"].value == "Nordlicht Software Inc."


def test_lowercase_company_kept_whole() -> None:
    text = "kaffeebar.de gmbh\nRechnung 3\nGesamtbetrag: 9,50 EUR\n"
    facts = _facts(text)
    assert facts["sender"].value == "kaffeebar.de gmbh"


# The client's address block comes first, so the issuer is found by its form.
@pytest.mark.parametrize("form", ["B.V.", "V.O.F.", "VOF", "v.o.f."])
def test_sender_by_dutch_company_form(form: str) -> None:
    text = (
        "FACTUUR\nDe Vries Installatietechniek\nWillemslaan 4\n1216 JD Hilversum\n"
        f"Jansen Bouw {form}\nKerkstraat 12, 3511 AB Utrecht\n"
        "Factuurdatum: 12-03-2024\nTotaal te betalen: € 1.210,00\n"
    )
    assert _facts(text)["sender"].value == f"Jansen Bouw {form}"


def test_lowercase_vof_after_label() -> None:
    text = "Inkooporder 118\nLeverancier: bouwbedrijf jansen v.o.f.\n"
    facts = _facts(text, "purchase_order")
    assert facts["recipient"].value == "bouwbedrijf jansen v.o.f."
