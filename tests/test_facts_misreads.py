"""Key facts: no fact rather than a sentence fragment or a wrong value.

Watch routes build folder names from ``{facts[sender]}``, so a fragment of
running text, a document number or a past employer must not come out as a
party. The short texts were written for these tests. The corpus cases are
real documents that gave such values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.facts import extract_facts, parse_date
from docflow.core.models import ExtractedDocument, Fact, Page

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

STATEMENT_TEXT = """\
First National Bank
Account Statement
Account holder: Jonathan Reyes
Account number: 0123 4567 8901
Statement period: 01 Oct 2026 - 31 Oct 2026

Date        Description                     Debit      Credit     Balance
01 Oct      Opening balance                                       3,214.55
03 Oct      Salary ACME Corp                            4,250.00  7,464.55
05 Oct      Rent payment - Oak Street       1,800.00              5,664.55
12 Oct      Grocery Store #221                 143.27             5,521.28
31 Oct      Closing balance                                       5,226.99
"""

PURCHASE_ORDER_TEXT = """\
PURCHASE ORDER

PO Number: PO-2026-0815
Date: 14 November 2026
Vendor: Northwind Office Supplies Ltd, 12 Harbour Road, Leeds LS1 4AB
Ship to: Contoso Engineering GmbH, Receiving Dock 3, Hauptstrasse 5, 80331 Munich

Item  Description                    Qty   Unit Price   Line Total
1     A4 copy paper, 80 g, box of 5  40    24.50        980.00
2     Black toner cartridge TN-2420  12    61.00        732.00

Subtotal: 1,712.00
Total: GBP 1,757.00
Authorized by: Maria Jensen, Procurement Manager
"""

PORTUGUESE_INVOICE_TEXT = """\
FATURA N.º FT 2026/1234
Data de emissão: 10-11-2026
Vencimento: 10-12-2026
Fornecedor: Lusotec Soluções Informáticas, Lda, NIF 501234567
Cliente: Padaria Central, Lda, NIF 509876543

Descrição                     Qtd   Preço unit.   Total
Manutenção de servidores       1     350,00       350,00
Licença de software anual      2     120,00       240,00

Total sem IVA: 590,00 EUR
IVA 23%: 135,70 EUR
Total a pagar: 725,70 EUR
"""

# A row of labels over three address blocks, the vendor's first.
LABEL_ROW_ORDER_TEXT = """\
Purchase Order
PO Number: 4500914652
Order date: 24/12/2020
Vendor Ship to Bill to
Hughes & Walker Energy Inc.
153 Riverside Way
Portland, OR 97205
Price & Martin Builders Co.
IT Department
104 Oak Avenue, Suite 232
Denver, CO 80202
Price & Martin Builders Co.
Accounts Payable
156 Church Lane
Columbus, OH 43215
Item Description Qty Unit price Total
1 Docking station USB-C 20 109.03 2,180.60
Total: 2,180.60 USD
"""


def _read_text_file(tmp_path: Path, name: str, text: str) -> ExtractedDocument:
    """Write ``text`` to a file and read it back with docflow's extractor."""
    from docflow.core.pipeline import extract_cached, hash_file

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    settings = Settings.model_validate({"store": {"cache_dir": str(tmp_path / "c")}})
    return extract_cached(str(path), hash_file(path)[0], settings)


def _facts_of(document: ExtractedDocument, category: str) -> dict[str, Fact]:
    return {fact.kind: fact for fact in extract_facts(document, category)}


def _facts(text: str, category: str = "invoice") -> dict[str, Fact]:
    document = ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text=text)],
    )
    return _facts_of(document, category)


def _corpus_facts(tmp_path: Path, relative: str, category: str) -> dict[str, Fact]:
    from docflow.core.pipeline import extract_cached, hash_file

    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file not found at {path}")
    settings = Settings.model_validate({"store": {"cache_dir": str(tmp_path)}})
    document = extract_cached(str(path), hash_file(path)[0], settings)
    return _facts_of(document, category)


# -- parties -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Customer: see the [customer terms](https://github.com/customer-terms).",
        "Supplier: General Terms, the Corporate Terms of Service or other agreement),",
        "once the service provider\nhas been notified that it has been removed, or",
        "Vendor: FATURA N.º FT 2026/1234",
        "Client: 03 Oct      Salary",
        "Client: Who is moving?",
        "Customer: Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Mu Nu Xi",
        "Customer: ## Corporate Terms of Service",
    ],
)
def test_party_fragment_rejected(line: str) -> None:
    facts = _facts(f"Notice\n{line}\n", category="contract")
    assert "sender" not in facts
    assert "recipient" not in facts


def test_label_inside_sentence_skips_next_line() -> None:
    text = (
        "Other customers are directed to the Customer Agreement terms available at\n"
        "## GitHub Corporate Terms of Service\n"
    )
    assert "recipient" not in _facts(text, category="contract")


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Bill to: de Lattre Alexis\n", "recipient", "de Lattre Alexis"),
        ("To: email@domain.com\n", "recipient", "email@domain.com"),
        ("Sold by: bol.com b.v.\n", "sender", "bol.com b.v."),
    ],
)
def test_lower_case_names_kept(text: str, kind: str, expected: str) -> None:
    facts = _facts(text)
    assert kind in facts
    assert facts[kind].value == expected


@pytest.mark.parametrize(
    "text",
    [
        "Business Operating Division Client Code\n",
        "Codice cliente:\nChi si trasferisce\n",
        "Iñigo López, El Cliente\n\nAlejandro Ruiz, El Prestador\n",
    ],
)
def test_label_in_field_name_or_caption(text: str) -> None:
    assert "recipient" not in _facts(text, category="form")


def test_resume_has_no_parties() -> None:
    text = (
        "• Updated monthly reports to reflect the standings of each client\n"
        "Harrison Money Management, New Orleans, LA, Junior Accountant\n"
        "Vendor relations: Acme Supplies Ltd\n"
    )
    facts = _facts(text, category="resume")
    assert "recipient" not in facts
    assert "sender" not in facts


def test_statement_row_is_not_sender(tmp_path: Path) -> None:
    document = _read_text_file(tmp_path, "statement.txt", STATEMENT_TEXT)
    facts = _facts_of(document, "bank_statement")
    assert facts["sender"].value == "First National Bank"


def test_purchase_order_parties(tmp_path: Path) -> None:
    document = _read_text_file(tmp_path, "po.txt", PURCHASE_ORDER_TEXT)
    facts = _facts_of(document, "purchase_order")
    assert facts["sender"].value == "Contoso Engineering GmbH"
    assert facts["recipient"].value == "Northwind Office Supplies Ltd"


def test_label_row_gives_first_label_only() -> None:
    facts = _facts(LABEL_ROW_ORDER_TEXT, category="purchase_order")
    assert facts["recipient"].value == "Hughes & Walker Energy Inc."
    # The buyer comes from its company line, not from the labels after "Vendor".
    assert facts["sender"].value == "Price & Martin Builders Co."


def test_portuguese_invoice_facts(tmp_path: Path) -> None:
    document = _read_text_file(tmp_path, "fatura_pt.txt", PORTUGUESE_INVOICE_TEXT)
    facts = _facts_of(document, "invoice")
    assert facts["tax"].normalized == "135.70"
    assert facts["total"].normalized == "725.70"
    assert facts["sender"].value == "Lusotec Soluções Informáticas, Lda"
    assert facts["recipient"].value == "Padaria Central, Lda"


# -- amounts and dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Total sem IVA: 590,00 EUR",
        "Summe ohne MwSt: 590,00 EUR",
        "Total hors TVA : 590,00 €",
        "Total before tax: 590.00",
    ],
)
def test_net_total_is_not_tax(line: str) -> None:
    facts = _facts(f"Invoice 12\n{line}\nTotal: 725,70 EUR\n")
    assert "tax" not in facts


@pytest.mark.parametrize(
    "text",
    [
        "c 2009 ACM 978-1-60558-392-1/09/06. . . $5.00",
        "Reference INV-2024-03-01",
        "Order 12/03/2020/7",
    ],
)
def test_date_inside_identifier_ignored(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Statement period: 01/10/2026-31/10/2026", date(2026, 10, 1)),
        ("PLDI’09, June 15–20, 2009, Dublin, Ireland.", date(2009, 6, 15)),
        ("Date: 2021-04-26T10:00", date(2021, 4, 26)),
    ],
)
def test_date_ranges_and_times_parse(text: str, expected: date) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed[0] == expected


# -- real documents ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "category"),
    [
        ("labeled/contract/ghpol__github-sponsors-additional-terms.md", "contract"),
        ("labeled/contract/ghpol__github-pre-release-license-terms.md", "contract"),
        ("labeled/contract/ghpol__github-corporate-terms-of-service.md", "contract"),
        ("labeled/report/pminer__dmca.pdf", "report"),
        ("labeled/resume/soupb__01-Accountant.pdf", "resume"),
        ("edge/unst__pdf2image-memory-error-test-400p.pdf", "report"),
    ],
)
def test_corpus_document_has_no_fragment_party(
    tmp_path: Path, relative: str, category: str
) -> None:
    facts = _corpus_facts(tmp_path, relative, category)
    assert "sender" not in facts
    assert "recipient" not in facts


def test_corpus_paper_date_not_from_isbn(tmp_path: Path) -> None:
    relative = "labeled/scientific_paper/pdfjs__tracemonkey.pdf"
    facts = _corpus_facts(tmp_path, relative, "scientific_paper")
    assert facts["document_date"].normalized == "2009-06-15"
