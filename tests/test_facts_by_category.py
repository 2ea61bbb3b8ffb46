"""Key facts that depend on the kind of document.

An e-mail names its parties in its headers, a bank statement's total is its
closing balance and its sender the bank, and a letter is dated by its date
line. Names lose the address printed after them, and the currency comes
from a column header or a VAT number when no amount carries one. The short
texts were written for these tests; the sample documents are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.facts import extract_facts
from docflow.core.models import ExtractedDocument, Fact, Page

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs"

EMAIL_TEXT = """\
Subject: Q4 budget review
From: "Moore, Olivia" <olivia.moore@driftwood.test>
To: Aisha Jackson <aisha@driftwood.example>, Carlos King <carlos@example.net>
Date: Sun, 17 Oct 2021 13:20:36 +0000

Hi Aisha,

Could you send me the updated figures before Thursday?

--
Olivia Moore
Buyer
Driftwood Networks Inc.
"""

STATEMENT_TEXT = """\
Unity Business Bank

KONTOAUSZUG 8/2022
Kontoinhaber: Ironbridge Energie GmbH
Währung:      CHF

Buchung     Verwendungszweck              CHF        Saldo
01.12.2022  Gehalt PIONEER             3.613,80   86.698,25
31.12.2022  Kartenzahlung IKEA          -453,57   99.971,51

Summe Haben:      23.077,36
Summe Soll:       6.299,68
Neuer Kontostand: 99.971,51 CHF
"""

# An HTML table gives each cell its own line.
STATEMENT_CELLS_TEXT = """\
Commerce Trust Bank
Account Statement 3/2019
Account holder
Atlas Systems Group Ltd
Total credits
4,529.35
Closing balance
88,239.60 EUR
"""


def _facts(text: str, category: str) -> dict[str, Fact]:
    document = ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text=text)],
    )
    return {fact.kind: fact for fact in extract_facts(document, category)}


def _file_facts(tmp_path: Path, path: Path, category: str) -> dict[str, Fact]:
    """Extract ``path`` with docflow's extractors and return its facts by kind."""
    from docflow.core.pipeline import extract_cached, hash_file

    settings = Settings.model_validate({"store": {"cache_dir": str(tmp_path / "c")}})
    document = extract_cached(str(path), hash_file(path)[0], settings)
    return {fact.kind: fact for fact in extract_facts(document, category)}


# -- e-mail headers ------------------------------------------------------------------


def test_email_parties_from_headers(tmp_path: Path) -> None:
    path = tmp_path / "update.eml"
    path.write_text(EMAIL_TEXT, encoding="utf-8")
    facts = _file_facts(tmp_path, path, "email")
    assert facts["sender"].value == "Moore, Olivia"
    assert facts["recipient"].value == "Aisha Jackson"


def test_email_fact_span_points_at_name() -> None:
    facts = _facts(EMAIL_TEXT, "email")
    recipient = facts["recipient"]
    assert EMAIL_TEXT[recipient.start : recipient.end] == "Aisha Jackson"


def test_email_address_without_display_name() -> None:
    text = "From: news@lists.example.org\nTo: team@example.com\n\nHello\n"
    facts = _facts(text, "email")
    assert facts["sender"].value == "news@lists.example.org"
    assert facts["recipient"].value == "team@example.com"


def test_one_header_line_is_no_header_block() -> None:
    text = "To: Supplier\nInvoice 12\nBill to: Harbor Cafe\n"
    assert _facts(text, "invoice")["recipient"].value == "Harbor Cafe"


def test_sample_email_parties(tmp_path: Path) -> None:
    facts = _file_facts(tmp_path, SAMPLES / "email_project_update.eml", "email")
    assert facts["sender"].value == "Olivia Moore"
    assert facts["recipient"].value == "Aisha Jackson"


# -- bank statements -----------------------------------------------------------------


def test_statement_total_is_closing_balance(tmp_path: Path) -> None:
    path = tmp_path / "kontoauszug.txt"
    path.write_text(STATEMENT_TEXT, encoding="utf-8")
    facts = _file_facts(tmp_path, path, "bank_statement")
    assert facts["total"].normalized == "99971.51"
    assert facts["total"].currency == "CHF"


def test_statement_sender_is_bank() -> None:
    facts = _facts(STATEMENT_TEXT, "bank_statement")
    assert facts["sender"].value == "Unity Business Bank"


def test_statement_balance_in_next_cell() -> None:
    facts = _facts(STATEMENT_CELLS_TEXT, "bank_statement")
    assert facts["total"].normalized == "88239.60"
    assert facts["sender"].value == "Commerce Trust Bank"


def test_invoice_ignores_closing_balance() -> None:
    text = "Invoice 7\nTotal: 120.00 EUR\nClosing balance: 80.00 EUR\n"
    assert _facts(text, "invoice")["total"].normalized == "120.00"


@pytest.mark.parametrize(
    ("relative", "total"),
    [
        ("bank_statement/037_business_de.txt", "99971.51"),
        ("bank_statement/015_business_es.txt", "29733.05"),
    ],
)
def test_sample_statement_total(tmp_path: Path, relative: str, total: str) -> None:
    facts = _file_facts(tmp_path, SAMPLES / "train" / relative, "bank_statement")
    assert facts["total"].normalized == total


# -- letter dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yannick Michel\n59000 LILLE\n\nLille, le 15 juillet 2019\n\n"
            "Objet : Votre demande du 20 janvier 2023\n",
            "2019-07-15",
        ),
        (
            "Betreff: Ihr Schreiben vom 18. Juli 2019\n"
            "München, den 17. Mai 2024\n\nSehr geehrter Herr Neumann,\n",
            "2024-05-17",
        ),
        ("Pan Jan Nowak\n   Gdańsk, 2 marca 2024 r.\nDotyczy: wniosku\n", "2024-03-02"),
        (
            "Re: your letter of June 18, 2019\n\nApril 23, 2022\n\nDear Omar,\n",
            "2022-04-23",
        ),
    ],
)
def test_letter_date_from_date_line(text: str, expected: str) -> None:
    assert _facts(text, "letter")["document_date"].normalized == expected


def test_letter_quoted_date_not_used() -> None:
    text = "Objet : Votre demande du 20 janvier 2023\n\nMadame, Monsieur,\n"
    assert "document_date" not in _facts(text, "letter")


def test_sample_letter_date(tmp_path: Path) -> None:
    path = SAMPLES / "train" / "letter" / "021_official_fr.html"
    facts = _file_facts(tmp_path, path, "letter")
    assert facts["document_date"].normalized == "2019-07-15"


# -- names printed with their address ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "NABYWCA\n"
            "CEDAR SYSTEMY SP.J. UL. KWIATOWA 224 80-001 GDAŃSK +48 301 201 742\n",
            "CEDAR SYSTEMY SP.J.",
        ),
        ("Bill to: Pia Rutschmann, Marktgasse 28, 9400 Rorschach\n", "Pia Rutschmann"),
        ("Kunde: Felix Lange Bahnhofstrasse 12 8001 Zürich\n", "Felix Lange"),
        ("Client: Yannick Michel 193 rue Pasteur 59000 LILLE\n", "Yannick Michel"),
    ],
)
def test_recipient_address_cut_off(text: str, expected: str) -> None:
    assert _facts(f"Invoice 12\n{text}", "invoice")["recipient"].value == expected


@pytest.mark.parametrize("name", ["TANKSTATION A12", "Studio 54 Events"])
def test_name_with_number_kept(name: str) -> None:
    assert (
        _facts(f"Invoice 12\nCustomer: {name}\n", "invoice")["recipient"].value == name
    )


# -- currency ------------------------------------------------------------------------


def test_currency_from_column_header() -> None:
    # OCR read an item code as "£8318", and the amount column is in ringgit.
    text = (
        "YONGFATT ENTERPRISE\nItem Qty Amount\n£8318 1 80.91\n"
        "Amt(RM) Tax\nTotal 80.91\n"
    )
    assert _facts(text, "receipt")["total"].currency == "MYR"


@pytest.mark.parametrize(
    ("vat_line", "currency"),
    [
        ("BTW NL272034681B01", "EUR"),
        ("VAT Reg No: GB123456789", "GBP"),
        ("NIP: PL5260250274", "PLN"),
    ],
)
def test_currency_from_vat_number(vat_line: str, currency: str) -> None:
    text = f"TANKSTATION A12\n{vat_line}\nTOTAAL 34,45\n"
    assert _facts(text, "receipt")["total"].currency == currency


def test_sample_fuel_receipt_currency(tmp_path: Path) -> None:
    path = SAMPLES / "train" / "receipt" / "012_fuel_nl.html"
    facts = _file_facts(tmp_path, path, "receipt")
    assert facts["total"].currency == "EUR"


# -- letters' address blocks ---------------------------------------------------------

LETTER_BLOCKS_TEXT = """\
Bezirksamt Mitte – Bürgeramt
Lindenallee 78
1010 Wien

Frau Marie  Zimmermann
Lindenallee 136
04109 Leipzig

München, 17. Mai 2024

Betreff: Ihr Antrag vom 18. Juli 2019
"""

# A department line under the company's name, and one-line blocks.
LETTER_DEPARTMENT_TEXT = """\
Chloe Sullivan
38 High Street
Manchester M2 3AW
Nimbus Media LLP
Customer Service
20 High Street
Portland, OR 97205
September 22, 2024
Dear Mrs. Bennett,
"""

# A department line above the company's name.
LETTER_DEPARTMENT_ABOVE_TEXT = """\
Chloe Sullivan
38 High Street
Manchester M2 3AW

Customer Service
Nimbus Media LLP
20 High Street
Portland, OR 97205

Dear Sir or Madam,
"""

LETTER_ONE_LINE_TEXT = """\
      Granite Handel Sp. z o.o. ul. Polna 234 00-001 Warszawa +48 227 730 069

Pan Jan Kowalski al. Jana Pawła II 49 60-001 Poznań
                                          Gdańsk, 2 marca 2024 r.
Dotyczy: Odpowiedź na wniosek
"""


@pytest.mark.parametrize(
    ("text", "sender", "recipient"),
    [
        (LETTER_BLOCKS_TEXT, "Bezirksamt Mitte – Bürgeramt", "Marie Zimmermann"),
        (LETTER_DEPARTMENT_TEXT, "Chloe Sullivan", "Nimbus Media LLP"),
        (LETTER_DEPARTMENT_ABOVE_TEXT, "Chloe Sullivan", "Nimbus Media LLP"),
        (LETTER_ONE_LINE_TEXT, "Granite Handel Sp. z o.o.", "Jan Kowalski"),
    ],
)
def test_letter_parties_from_address_blocks(
    text: str, sender: str, recipient: str
) -> None:
    facts = _facts(text, "letter")
    assert facts["sender"].value == sender
    assert facts["recipient"].value == recipient


@pytest.mark.parametrize(
    ("above", "name", "expected"),
    [
        ("Service clients", "Informatique Granite SA", "Informatique Granite SA"),
        ("Kundendienst", "Sable Bau GmbH", "Sable Bau GmbH"),
        ("Accounts Dept.", "Nimbus Media LLP", "Nimbus Media LLP"),
        # A person above the company is the addressee, not a department.
        ("Tom Harris", "Nimbus Media LLP", "Tom Harris"),
        # A company named after a department's word is no department.
        ("Acme Billing Ltd", "Customer Service", "Acme Billing Ltd"),
    ],
)
def test_letter_department_above_company(above: str, name: str, expected: str) -> None:
    text = LETTER_DEPARTMENT_ABOVE_TEXT.replace(
        "Customer Service\nNimbus Media LLP", f"{above}\n{name}"
    )
    assert _facts(text, "letter")["recipient"].value == expected


def test_letter_name_span_covers_spaced_name() -> None:
    recipient = _facts(LETTER_BLOCKS_TEXT, "letter")["recipient"]
    assert LETTER_BLOCKS_TEXT[recipient.start : recipient.end] == "Marie  Zimmermann"


# A letter written in Markdown opens with a title above the address blocks.
@pytest.mark.parametrize(
    "heading",
    [
        "# Letter of complaint\n\n",
        "## Complaint about the late delivery of my order\n\n",
        "Letter of complaint\n===================\n\n",
        "**Letter of complaint**\n\n",
        "__Letter of complaint__\n\n",
    ],
)
def test_letter_heading_names_no_party(heading: str) -> None:
    facts = _facts(heading + LETTER_DEPARTMENT_TEXT, "letter")
    assert facts["sender"].value == "Chloe Sullivan"
    assert facts["recipient"].value == "Nimbus Media LLP"


def test_letter_bold_name_above_address_kept() -> None:
    text = LETTER_DEPARTMENT_TEXT.replace("Chloe Sullivan", "**Chloe Sullivan**")
    facts = _facts(text, "letter")
    assert facts["sender"].value.strip("*") == "Chloe Sullivan"
    assert facts["recipient"].value == "Nimbus Media LLP"


def test_letter_heading_before_unnamed_sender() -> None:
    text = (
        "# Letter of complaint\n\n38 High Street\nManchester M2 3AW\n\n"
        "Nimbus Media LLP\n20 High Street\nPortland, OR 97205\n\nDear Sir,\n"
    )
    facts = _facts(text, "letter")
    assert "sender" not in facts
    assert facts["recipient"].value == "Nimbus Media LLP"


def test_letter_town_line_is_no_sender() -> None:
    text = "Madison, WI 53703\nMarch 8, 2021\nDear Tyler,\n"
    assert "sender" not in _facts(text, "letter")


@pytest.mark.parametrize(
    "relative", ["letter/009_official_de.md", "letter/045_business_pl.txt"]
)
def test_sample_letter_parties(tmp_path: Path, relative: str) -> None:
    facts = _file_facts(tmp_path, SAMPLES / "train" / relative, "letter")
    assert "sender" in facts
    assert "recipient" in facts


# -- letters' signatures -------------------------------------------------------------

# A letter without a letterhead, whose writer signs under a redacted line.
SIGNED_LETTER_TEXT = """\
To whom it may concern,

We report several fake copies of our contact-tracing page on your platform.
Please remove them.

Best Regards,

[private]
Cyber Security Division
Technology Crime Bureau
"""


@pytest.mark.parametrize(
    ("closing", "signature", "expected"),
    [
        (
            "Best Regards,",
            "[private]\nCyber Security Division",
            "Cyber Security Division",
        ),
        ("Yours faithfully,", "Page 1/1\nDaniel Davis\nDirector", "Daniel Davis"),
        ("Mit freundlichen Grüßen", "Anna  Schmidt", "Anna Schmidt"),
        ("Best Regards,", "Samuel .", "Samuel"),
    ],
)
def test_letter_sender_from_signature(
    closing: str, signature: str, expected: str
) -> None:
    text = (
        f"To whom it may concern,\nPlease remove the pages.\n{closing}\n{signature}\n"
    )
    sender = _facts(text, "letter")["sender"]
    assert sender.value == expected
    assert sender.kind == "sender"


def test_signed_letter_sender_span() -> None:
    sender = _facts(SIGNED_LETTER_TEXT, "letter")["sender"]
    assert sender.start == SIGNED_LETTER_TEXT.index("Cyber Security Division")


def test_letter_due_phrase_in_body_no_crash() -> None:
    # The due-date label is below the letter's head, which ends at "Dear".
    text = (
        "Dear Ms Porter,\nPlease pay the invoice.\n"
        "The payment due date was 3 May 2024.\nRegards,\nTom Reed\n"
    )
    facts = _facts(text, "letter")
    assert "document_date" not in facts
    assert facts["due_date"].normalized == "2024-05-03"


def test_letterhead_wins_over_signature() -> None:
    text = (
        "Harbor Tools Ltd\n12 Dock Road, Leeds LS1 4AB\n\n"
        "Jane Porter\n4 Mill Lane, Leeds LS2 1AA\n\n"
        "Dear Ms Porter,\nThank you for your order.\n\nBest regards,\nTom Reed\n"
    )
    assert _facts(text, "letter")["sender"].value == "Harbor Tools Ltd"


def test_signature_only_read_in_letters() -> None:
    text = "Minutes of the board\nThe board met.\nBest regards,\nTom Reed\n"
    assert "sender" not in _facts(text, "meeting_minutes")
    assert "sender" not in _facts(text, "report")


# -- purchase orders and invoice labels ----------------------------------------------

ORDER_TEXT = """\
Gasthaus Kowalski
ul. Polna 69, 50-001 Wrocław
ZAMÓWIENIE #2577
Dostawca: Cedar Usługi Sp. z o.o.
  30 case   Takeaway boxes                     999,60
Bestellsumme: 1.780,05 EUR
Zamawiający: Tomasz (chef)
"""


def test_order_total_and_parties() -> None:
    facts = _facts(ORDER_TEXT, "purchase_order")
    assert facts["total"].normalized == "1780.05"
    assert facts["sender"].value == "Gasthaus Kowalski"
    assert facts["recipient"].value == "Cedar Usługi Sp. z o.o."


# A row of labels over a row of values, and over blocks that a text layer
# joins by a tab to the last line of the block before.
ORDER_VALUE_ROW_TEXT = """\
PURCHASE ORDER
PO Number: PO-4471
Vendor                        Bill to
Blue Fin Supplies             Harbor Foods
14 Quay Street                12 Dock Road
"""
ORDER_CELL_BLOCKS_TEXT = """\
Purchase Order PO-4471
Vendor\tShip to\tBill to
Blue Fin Supplies
14 Quay Street
Leeds LS2 1AA\tHarbor Foods Kitchen
3 Mill Lane
Leeds LS1 2BB\tHarbor Foods
12 Dock Road
Leeds LS1 4AB
"""


@pytest.mark.parametrize(
    "text",
    [ORDER_VALUE_ROW_TEXT, ORDER_CELL_BLOCKS_TEXT],
    ids=["value row", "cell blocks"],
)
def test_order_buyer_in_label_column(text: str) -> None:
    facts = _facts(text, "purchase_order")
    assert facts["sender"].value == "Harbor Foods"
    assert facts["recipient"].value == "Blue Fin Supplies"


def test_order_buyer_span_in_its_column() -> None:
    text = "Vendor              Bill to\nHarbor Foods Supply    Harbor Foods\n"
    sender = _facts(text, "purchase_order")["sender"]
    assert sender.start == text.rindex("Harbor Foods")


@pytest.mark.parametrize(
    "label",
    [
        "Bill-to:",
        "Billing address:",
        "Rechnungsanschrift:",
        "Adresse de facturation :",
        "Facturer à :",
        "Facturé à :",
        "Invoice address:",
        "Facturar a:",
    ],
)
def test_order_buyer_after_billing_label(label: str) -> None:
    text = f"PURCHASE ORDER PO-4471\n{label} Harbor Foods\n12 Dock Road\n"
    assert _facts(text, "purchase_order")["sender"].value == "Harbor Foods"


def test_sample_order_buyer_in_label_column(tmp_path: Path) -> None:
    path = SAMPLES / "train" / "purchase_order" / "017_it_procurement_en.txt"
    facts = _file_facts(tmp_path, path, "purchase_order")
    assert facts["sender"].value == "Polaris Media LLP"


# A narrow table cell puts a total's amount, or the end of its label, on the
# next lines.
@pytest.mark.parametrize(
    "total_lines",
    ["Total del\npedido\n21.920,35\nEUR\n", "TOTAL (EUR)\n21.920,35\n"],
)
def test_order_total_below_label(total_lines: str) -> None:
    text = (
        "ORDEN DE COMPRA\nN.º de pedido: OA-31428\n"
        "1 Monitor 27 pulgadas 12 ud 280,75 3.369,00\n"
        f"{total_lines}Indique el número de pedido en todas las facturas.\n"
    )
    facts = _facts(text, "purchase_order")
    assert facts["total"].normalized == "21920.35"
    assert facts["total"].currency == "EUR"


def test_total_column_header_no_total() -> None:
    text = "Orden de compra OA-31428\nTotal\n3.369,00\n9.234,60\n"
    assert "total" not in _facts(text, "purchase_order")


def test_sample_order_total_below_label(tmp_path: Path) -> None:
    path = SAMPLES / "train" / "purchase_order" / "045_public_body_es.pdf"
    facts = _file_facts(tmp_path, path, "purchase_order")
    assert facts["total"].normalized == "21920.35"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Facturar a: Raúl Gómez, Calle de Alcalá, 37, 48001 Bilbao", "Raúl Gómez"),
        ("Facturer à : Boulangerie Petit", "Boulangerie Petit"),
        ("Invoice address: Greenfield Catering", "Greenfield Catering"),
        ("ZAHLBAR DURCH:      FELIX LANGE", "FELIX LANGE"),
        ("   Pagabile da:        Giulia Rossi   ", "Giulia Rossi"),
    ],
)
def test_invoice_recipient_labels(line: str, expected: str) -> None:
    facts = _facts(f"Lakeside Distribuciones S.A.\nFactura 6220\n{line}\n", "invoice")
    assert facts["recipient"].value == expected


@pytest.mark.parametrize(
    "label_lines",
    ["Bill to:\nCustomer Service\n", "Bill to: Accounts Payable\n"],
)
def test_invoice_recipient_below_department(label_lines: str) -> None:
    text = (
        f"Harbor Lights Ltd\nINVOICE 22\n{label_lines}Nimbus Media LLP\n"
        "200 Aldersgate Street\nLondon EC1A 4HD\n"
    )
    recipient = _facts(text, "invoice")["recipient"]
    assert recipient.value == "Nimbus Media LLP"
    assert recipient.start == text.index("Nimbus Media LLP")


def test_order_buyer_below_department() -> None:
    text = (
        "PURCHASE ORDER PO-4471\nBill to:\nAccounts Dept.\nHarbor Foods\n12 Dock Road\n"
    )
    assert _facts(text, "purchase_order")["sender"].value == "Harbor Foods"


def test_memo_department_recipient_kept() -> None:
    text = "MEMO\nTo:    Human Resources\nFrom:  Mei Hall\nDate:  04/17/2024\n"
    assert _facts(text, "memo")["recipient"].value == "Human Resources"


def test_payment_method_is_no_recipient() -> None:
    text = "Rechnung 12\nZahlbar durch Überweisung auf unser Konto\n"
    assert "recipient" not in _facts(text, "invoice")


@pytest.mark.parametrize(
    "marked", ["**Jane Porter**", "__Jane Porter__", "*Jane Porter*"]
)
def test_letter_sender_in_markdown_emphasis(marked: str) -> None:
    text = (
        f"{marked}\n14 Mill Lane\nLeeds LS1 4AB\n\n3 March 2024\n\n"
        "Harbor Tools Ltd\n4 Quay Street\nLeeds LS2 7HQ\n\nDear Sir or Madam,\n\n"
        "I am writing to complain about the late delivery of my order.\n\n"
        "Yours faithfully,\nJane Porter\n"
    )
    facts = _facts(text, "letter")
    assert facts["sender"].value == "Jane Porter"
    assert facts["recipient"].value == "Harbor Tools Ltd"


@pytest.mark.parametrize(
    ("category", "kind"), [("invoice", "recipient"), ("purchase_order", "sender")]
)
def test_label_word_inside_party_value(category: str, kind: str) -> None:
    # "Customer" is a label too, but here it starts the department's name.
    text = (
        "INVOICE\nInvoice number: INV-2291\nInvoice date: 4 March 2024\n"
        "Bill to: Customer Service\nNimbus Media LLP\n12 Harbour Road, Bristol\n\n"
        "Total due: 1,200.00 GBP\n"
    )
    assert _facts(text, category)[kind].value == "Nimbus Media LLP"
