"""Key facts of letters, e-mails and bank statements that were misread.

A salutation or a body sentence names no party, a courtesy title alone on
its line belongs to the name below it, e-mail headers in raw UTF-8 keep
their accents, and a statement of several accounts totals all of them.
The short texts were written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.facts import extract_facts, parse_date
from docflow.core.models import ExtractedDocument, Fact, Page

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs"
LABELED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"


def _facts(text: str, category: str) -> dict[str, Fact]:
    document = ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text=text)],
    )
    return {fact.kind: fact for fact in extract_facts(document, category)}


def _file_facts(path: Path, category: str) -> dict[str, Fact]:
    document = extract_document(str(path), Settings())
    return {fact.kind: fact for fact in extract_facts(document, category)}


# -- letters -------------------------------------------------------------------------

SALUTATION_FIRST_TEXT = """\
Dear Sir or Madam,

This is the official account of the unit, which has worked since 1999 as the
single point of contact with service providers.

In Spain, judicial authorities supervise websites under article 35 of Law 34/2002.
"""

STREET_LETTER_TEXT = """\
Rosenweg 12
80331 München

Herrn
Peter Schmidt
Hauptstraße 5
10115 Berlin

München, 14. März 2024

Betreff: Kündigung meines Mietvertrags

Sehr geehrter Herr Schmidt,
"""

US_LETTER_TEXT = """\
Margaret Collins
42 Elm Street
Springfield, IL 62704

March 3, 2025

Mr. David Brown
Customer Relations Manager
Acme Insurance Ltd.
100 Market Street
Chicago, IL 60601

Dear Mr. Brown,

I am writing to dispute the denial of my claim number 55-2291.
"""

BODY_DATE_TEXT = """\
To whom it may concern,

On 2020-11-16, the office of the government launched an application for
citizens to record their visits. We have received reports of fake pages.
"""


def test_letter_salutation_and_body_no_party() -> None:
    facts = _facts(SALUTATION_FIRST_TEXT, "letter")
    assert "sender" not in facts
    assert "recipient" not in facts


def test_sample_letter_salutation_no_party() -> None:
    path = LABELED / "letter" / "ghgov__Spain_2019_2019-10-23-GuardiaCivil.md"
    facts = _file_facts(path, "letter")
    assert "sender" not in facts
    assert "recipient" not in facts


def test_letter_title_line_joins_next_name() -> None:
    facts = _facts(STREET_LETTER_TEXT, "letter")
    assert "sender" not in facts
    assert facts["recipient"].value == "Peter Schmidt"


def test_letter_recipient_after_us_date_line() -> None:
    facts = _facts(US_LETTER_TEXT, "letter")
    assert facts["sender"].value == "Margaret Collins"
    assert facts["recipient"].value == "David Brown"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Sra.", "Marta Navarro"),
        ("Sr.", "Raúl Gómez"),
        ("Signora", "Giulia Rossi"),
        ("Monsieur", "Yannick Michel"),
        ("Herrn", "Peter Schmidt"),
    ],
)
def test_letter_recipient_drops_title(title: str, name: str) -> None:
    text = US_LETTER_TEXT.replace("Mr. David Brown", f"{title} {name}")
    assert _facts(text, "letter")["recipient"].value == name


def test_sample_spanish_letter_recipient_without_title() -> None:
    path = SAMPLES / "train" / "letter" / "017_business_es.pdf"
    assert _file_facts(path, "letter")["recipient"].value == "Marta Navarro"


def test_letter_body_date_is_no_document_date() -> None:
    assert "document_date" not in _facts(BODY_DATE_TEXT, "letter")


def test_letter_date_above_salutation_kept() -> None:
    text = "Madison, WI 53703 February 28, 2023\n\nDear Emma,\n\nThank you.\n"
    assert _facts(text, "letter")["document_date"].normalized == "2023-02-28"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Madrid, 8 de junio de 2022", "2022-06-08"),
        ("Lisboa, 3 de março de 2021", "2021-03-03"),
        ("São Paulo, 12 de dezembro de 2020", "2020-12-12"),
        ("Paris, le 1er juillet 2020", "2020-07-01"),
        ("Roma, 5 settembre 2021", "2021-09-05"),
        ("Amsterdam, 8 juni 2022", "2022-06-08"),
        ("Gdańsk, 2 marca 2024 r.", "2024-03-02"),
    ],
)
def test_letter_date_long_forms(line: str, expected: str) -> None:
    text = f"Orbit Construcciones S.L.U.\nCalle Mayor 5\n\n{line}\n\nEstimada Sra.:\n"
    assert _facts(text, "letter")["document_date"].normalized == expected


def test_parse_date_spanish_de_form() -> None:
    found = parse_date("Madrid, 8 de junio de 2022")
    assert found is not None
    assert found[0].isoformat() == "2022-06-08"


def test_company_keeps_partnership_form() -> None:
    text = (
        "Tidewater Energie GmbH & Co. KG\nBergstraße 28\n60311 Frankfurt am Main\n"
        "Frau Klaus Richter\nGoethestraße 146\n80331 München\n"
        "Wien, 18. September 2023\n"
    )
    facts = _facts(text, "letter")
    assert facts["sender"].value == "Tidewater Energie GmbH & Co. KG"


# -- e-mails -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_header", "expected"),
    [
        ('"Müller, Hans" <hans.mueller@example.de>', "Müller, Hans"),
        ("j@example.de (Jürgen Schäfer)", "Jürgen Schäfer"),
        ('"=?UTF-8?B?IErDvHJnZW4gU2Now6RmZXIg?=" <j@example.de>', "Jürgen Schäfer"),
    ],
)
def test_email_utf8_sender(tmp_path: Path, from_header: str, expected: str) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(
        f"From: {from_header}\nTo: b@example.com\nSubject: Hi\n\nHello\n".encode()
    )
    assert _file_facts(path, "email")["sender"].value == expected


def test_email_latin1_header_decoded(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    text = "From: j@example.de (Jürgen)\nTo: b@example.com\nSubject: Grüße\n\nHallo\n"
    path.write_bytes(text.encode("latin-1"))
    document = extract_document(str(path), Settings())
    assert document.metadata["from"] == "j@example.de (Jürgen)"
    assert document.metadata["subject"] == "Grüße"


@pytest.mark.parametrize(
    "to_header", ["undisclosed-recipients:;", "Undisclosed recipients: ;"]
)
def test_email_empty_group_no_recipient(tmp_path: Path, to_header: str) -> None:
    path = tmp_path / "m.eml"
    path.write_text(
        f"From: j@example.de\nTo: {to_header}\nSubject: Hi\n\nHello Jane,\n",
        encoding="utf-8",
    )
    assert "recipient" not in _file_facts(path, "email")


def test_email_group_member_is_recipient() -> None:
    text = "From: j@example.de\nTo: Team: Ann <a@example.de>, b@example.de;\n\nHi\n"
    assert _facts(text, "email")["recipient"].value == "Ann"


# -- bank statements -----------------------------------------------------------------

MULTI_ACCOUNT_TEXT = """\
Northwind Savings Bank
ACCOUNT STATEMENT 05/2024
Account holder: Lena Fischer

Current account 1234 5678
Closing balance current account:                        2,600.00 EUR

Savings account 9876 5432
Closing balance savings account:                       10,025.00 EUR

Total of all accounts:                                 12,625.00 EUR
"""


def test_statement_total_of_all_accounts() -> None:
    facts = _facts(MULTI_ACCOUNT_TEXT, "bank_statement")
    assert facts["total"].value == "12,625.00"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("REKENINGAFSCHRIFT – SABLE BOUW V.O.F.", "SABLE BOUW V.O.F."),
        (
            "Relevé de compte - Services Blanc & Rousseau EURL",
            "Services Blanc & Rousseau EURL",
        ),
        ("KONTOAUSZUG: Ironbridge Energie GmbH", "Ironbridge Energie GmbH"),
    ],
)
def test_statement_sender_without_title(title: str, name: str) -> None:
    text = f"{title}\nRekeningnummer 9441141779\n\nDatum  Omschrijving  Saldo\n"
    assert _facts(text, "bank_statement")["sender"].value == name


def test_sample_statement_sender_without_title() -> None:
    path = SAMPLES / "train" / "bank_statement" / "041_ledger_nl.txt"
    assert _file_facts(path, "bank_statement")["sender"].value == "SABLE BOUW V.O.F."
