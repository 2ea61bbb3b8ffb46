"""A text about a category's subject is not a document of that category."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docflow.core.classify._about import (
    count_code_lines,
    count_second_person,
    find_about_text,
    is_binding,
    is_quantity_order,
    is_quoted_code,
)
from docflow.core.classify._classify import DISAGREEMENT_CONFIDENCE
from docflow.core.config import Settings
from docflow.core.models import DocumentResult, ReviewStatus
from docflow.core.pipeline import process_document

LABELED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"
TRAIN_CONTRACTS = Path(__file__).resolve().parents[1] / "sample_docs/train/contract"

INVOICING_README = """\
# invoicely

A small Python library for building invoices.

    pip install invoicely

```python
from invoicely import Invoice

invoice = Invoice(number="2024-001", bill_to="Acme Ltd")
invoice.add_line("Consulting", hours=10, rate=95)
print(invoice.total())
```

Each invoice computes its subtotal, VAT and invoice total for you, and prints
the amount due with payment terms such as net 30 and a bill to address.
"""

CONTRACT_ADVICE = """\
Five things to check before you sign a contract

1. Who are the parties? Make sure your name and the other side's legal name are right.
2. What is the term, and how can you terminate early?
3. Which governing law applies if you end up in a dispute?
4. Read the indemnification clause slowly: it decides who pays when things go wrong.
5. Don't be rushed by the "in witness whereof" page. Take it home and read it first.

Posted by Anna, 3 comments
"""

CONTRACT_ARTICLE = """\
Contract

A contract is a legally enforceable agreement between two or more parties that
creates, defines and governs mutual rights and obligations. In common law systems
a contract usually requires an offer, an acceptance, consideration and an
intention to create legal relations.

1 Formation
An offer is a statement of the terms on which the offeror is willing to be bound.
Acceptance must mirror the offer, and a reply that changes its terms is a
counter-offer. Consideration is something of value given by each party.

2 Capacity and legality
Minors and persons lacking mental capacity may avoid many contracts. A contract to
do something illegal is void.

3 Terms
Express terms are stated by the parties, orally or in writing. Implied terms are
read into a contract by statute, by custom or by the courts.

4 Remedies
The usual remedy for breach of contract is damages. Specific performance and
injunctions are equitable remedies granted at the court's discretion.

See also: Contract law, Statute of Frauds, Unconscionability
"""

RESUME_GUIDE = """\
# How to write a resume that gets interviews

Your resume is often the first thing a hiring manager sees. Here is how to make
it count.

## Contact details
Put your name, phone number, email address and LinkedIn profile at the top.

## Professional summary
Two or three sentences that say who you are and what you offer, such as "Software
engineer with five years of experience in Python and cloud services."

## Work experience
For each job, give the job title, the company, the dates and three to five bullet
points of achievements. Start each bullet with an action verb such as led, built or
reduced.

## Education and skills
List your degrees with the university and the year. Add a skills section with the
tools and languages you know well.
"""

INVOICE_ADVICE = """\
Invoice tips for new freelancers

Put an invoice number on every invoice, and name the client under Bill To.
List each service with its quantity and unit price, then the subtotal, the VAT
and the invoice total. State the amount due and the payment terms, such as
net 30, and add your bank details so the client can pay the balance due.
"""


# A lease that never refers to itself. Its numbered clauses, parties defined
# in capitals and signature lines mark it as binding.
LEASE = """\
RESIDENTIAL LEASE

Landlord: Margaret Ellison, 14 Harbour Road, Portland, ME 04101
Tenant: Daniel Okafor

1. Premises. The Landlord lets to the Tenant the apartment at 22 Elm Street, Unit 3B.
2. Term. The term begins on 1 March 2025 and ends on 28 February 2026.
3. Rent. The Tenant shall pay rent of $1,450.00 per month, due on the first day
of each month.
4. Security deposit. The Tenant shall pay a deposit of $1,450.00, which the
Landlord shall return within 30 days after the Tenant moves out.
5. Use. The Tenant shall use the premises only as a private residence and shall
not sublet without the Landlord's written consent.
6. Entry. The Landlord may enter the premises with 24 hours' notice to inspect
or make repairs.
7. Termination. Either party may end the tenancy at the end of the term by
giving 60 days' written notice.

Landlord signature: ______________________  Date: __________

Tenant signature: ________________________  Date: __________
"""

STATEMENT_OF_WORK = """\
STATEMENT OF WORK No. 3

This Statement of Work is issued under the Master Services Agreement dated 12
January 2024 between Northwind Analytics Ltd and Fabrikam Retail plc. Terms not
defined here have the meanings given in the Master Services Agreement.

1. Scope of services
Northwind shall migrate Fabrikam's sales reporting to the new cloud platform,
including data pipelines, dashboards and user training.

2. Deliverables
A migration plan, rebuilt data pipelines and twelve dashboards.

3. Fees and payment
Fabrikam shall pay a fixed fee of GBP 84,000 in three instalments. Invoices are
payable within 30 days.

4. Acceptance
Fabrikam shall accept or reject each deliverable in writing within ten business
days of delivery.
"""

# Each amount comes before its item, and "$ 4.50" is not a shell prompt.
DINER_RECEIPT = """\
ROSIE'S DINER
418 Main St, Springfield, IL 62701
Tel (217) 555-0142

Table 7      Server: Kim
Check #4471

$ 4.50  Coffee
$ 3.25  Orange juice
$ 11.95  Pancake stack
$ 13.50  Western omelette
$ 4.75  Side of bacon
$ 2.50  Toast

Subtotal     $ 40.45
Tax 9%       $ 3.64
Total        $ 44.09

VISA ****1234   $ 44.09
Thank you, come again!
"""

# Whole amounts without a currency and no date, so only the table shows amounts.
PURCHASE_ORDER = """\
PURCHASE ORDER  PO-7731

Buyer: Lindqvist Architects AB, Storgatan 12, Uppsala
Supplier: Nordic Office Supplies AB, Industrivägen 4, Västerås

Deliver to: Lindqvist Architects AB, reception

Item                 Qty   Unit price   Amount
A4 paper box          40       24         960
Toner cartridge HP     5       62         310
Stapler                8       12          96
Desk lamp              2       32          64

TOTAL                                    1430

Payment terms: 30 days net
Approved by: Erik Lindqvist
"""

# A Python module, with no Markdown fences, that bills customers.
BILLING_MODULE = """\
\"\"\"Build and send monthly invoices for the billing service.\"\"\"

import datetime
from decimal import Decimal

from billing.models import Customer, Invoice, LineItem
from billing.mail import send_invoice


def build_invoice(customer: Customer, month: datetime.date) -> Invoice:
    invoice = Invoice(customer=customer, issued=month, terms="net 30")
    for usage in customer.usage_for(month):
        invoice.add(LineItem(usage.description, usage.quantity, usage.unit_price))
    invoice.vat = invoice.subtotal() * Decimal("0.20")
    return invoice


def send_all(month: datetime.date) -> None:
    for customer in Customer.active():
        invoice = build_invoice(customer, month)
        send_invoice(customer.email, invoice)
"""

# Notes that are one fenced code block and a line of prose.
INVOICE_EXPORT_NOTES = """\
# Invoice export

```python
from billing.models import Invoice
from billing.export import to_pdf

invoice = Invoice.get(number="2024-0117")
invoice.bill_to = "Acme Ltd"
invoice.add_line("Consulting", hours=12, rate=95)
pdf = to_pdf(invoice)
pdf.save("invoice-2024-0117.pdf")
```

Exports the invoice total, VAT and amount due.
"""

# A blog post that advises the reader to read "these terms" before signing.
FREELANCE_BLOG = """\
# Freelancing 101: read the small print before you start

Posted on 12 May 2026 by Priya, 4 comments

So a client has sent you their standard terms and wants you to start on Monday.
Before you agree to these terms, take an evening and read them slowly. Here is
what I look for every time.

Payment. When do you get paid, and what happens if the client pays late? If the
contract says 60 days, ask for 30. Your rent does not wait 60 days.

Scope. Make sure the work is described well enough that you can point to it when
the client asks for one more small change.

Ownership. Many clients want every right to your work. That is fine if the fee
reflects it, but check whether you may show the work in your portfolio.

Termination. Can either side end the contract with notice? You want the right to
walk away from a client who stops paying.

If any of these terms worry you, ask for a change before you sign. Most clients
will say yes.
"""

# A German blog post on signing a lease, which speaks to the reader as "Sie".
LEASE_BLOG_DE = """\
# Mietvertrag unterschreiben: Darauf sollten Sie achten

Veröffentlicht am 3. April 2026 von Jana Berger, 12 Kommentare

Sie haben endlich eine Wohnung gefunden, und der Vermieter legt Ihnen den
Mietvertrag vor? Bevor Sie unterschreiben, lesen Sie jeden Paragraphen in Ruhe.

1. Miete und Nebenkosten. Prüfen Sie, ob die Vorauszahlung auf die
Betriebskosten zu Ihrer Wohnung passt. Fragen Sie nach der letzten Abrechnung.
2. Kaution. Die Mietsicherheit darf höchstens drei Nettokaltmieten betragen,
und Sie dürfen sie in drei Raten zahlen.
3. Schönheitsreparaturen. Viele Klauseln dazu sind unwirksam. Im Zweifel fragen
Sie beim Mieterverein nach.
4. Kündigung. Für den Mieter gelten die gesetzlichen Kündigungsfristen. Ein
Kündigungsverzicht ist nur begrenzt zulässig.

Viel Glück mit Ihrer neuen Wohnung!
"""

# A German encyclopedia article on leases.
LEASE_ARTICLE_DE = """\
Mietvertrag

Der Mietvertrag ist ein gegenseitiger Vertrag, in dem sich der Vermieter
verpflichtet, dem Mieter den Gebrauch einer Sache für die Mietzeit zu gewähren.
Der Mieter ist verpflichtet, dem Vermieter die vereinbarte Miete zu zahlen.

Form
Ein Mietvertrag über Wohnraum für längere Zeit als ein Jahr bedarf der
Schriftform. Wird sie nicht beachtet, gilt der Vertrag für unbestimmte Zeit.

Kündigung
Der Mieter kann mit einer Frist von drei Monaten kündigen. Für den Vermieter
verlängert sich die Frist mit der Dauer des Mietverhältnisses.

Kaution
Die Mietsicherheit darf höchstens drei Nettokaltmieten betragen.

Siehe auch: Pachtvertrag, Leihvertrag, Mietpreisbremse
"""

NOT_BINDING = "no 'this agreement', 'hereby', defined parties or signature lines"

LEASE_TIPS = """\
# Seven clauses to check in your lease

Renting your first flat? Before you sign, read the lease with a pen in hand.

1. Rent and late fees. Check when the Tenant must pay and how large the late fee is.
2. Deposit. Your state may cap it. Ask when the Landlord must return it.
3. Repairs. Find out who fixes what. Usually the Landlord handles the heating.
4. Subletting. Many leases forbid it without consent.
5. Early termination. Know what it costs to leave early.
6. Renewal. Some leases renew on their own unless you give notice.

Good luck with your new home!
"""

# Minutes that quote thanks and a request to the parents.
PTA_MINUTES = """\
# Parents' association: minutes of the meeting of 14 November 2025

Present: J. Ortiz (chair), L. Nguyen (secretary), M. Becker (treasurer), 11 parents
Apologies: R. Singh

1. Welcome
The chair opened the meeting at 19:00 and said: "Thank you all for coming."

2. Treasurer's report
M. Becker reported a balance of 2,340.00 after the autumn fair. The meeting
thanked her for her work on the accounts.

3. Winter fair
Agreed: the fair will be held on 6 December. L. Nguyen asked parents: "If you
can bake, tell me by Friday, and if you can staff a stall, put your name on the sheet."

4. Any other business
None. The meeting closed at 20:15. Next meeting: 9 January 2026.
"""


# Minutes of a development team: 5 of their 15 non-blank lines are a fenced
# block of shell commands.
DEV_TEAM_MINUTES = """\
# Backend team: minutes of the weekly meeting, 3 March 2026

Present: R. Alvarez (chair), T. Okafor, M. Lindgren, S. Park
Apologies: J. Weber

1. Local setup
T. Okafor reported that new starters lose a day on setup. The team agreed on
these steps for the onboarding page:

```
$ pip install -r requirements-dev.txt
$ make migrate
$ ./scripts/seed_db.sh
```

2. Release 4.2
Agreed: the release is tagged on Thursday after the smoke tests pass.
Action: S. Park to review the retry policy by 10 March.
The meeting closed at 11:40. Next meeting: 10 March 2026.
"""

# A German lease that names itself once ("dieses Vertrages").
LEASE_DE = """\
MIETVERTRAG ÜBER EINE WOHNUNG

Zwischen Helga Brandt, Lindenstraße 12, 28195 Bremen – Vermieterin
und Jonas Albrecht, Am Wall 3, 28195 Bremen – Mieter

§ 1 Mietsache
Die Vermieterin vermietet dem Mieter die Wohnung im zweiten Obergeschoss des
Hauses Lindenstraße 12 mit drei Zimmern, Küche und Bad.

§ 2 Mietzeit
Das Mietverhältnis beginnt am 1. Mai 2026 und läuft auf unbestimmte Zeit.

§ 3 Miete
Die monatliche Grundmiete beträgt 940,00 EUR zuzüglich einer Vorauszahlung auf
die Betriebskosten von 180,00 EUR. Die Miete ist bis zum dritten Werktag eines
Monats zu zahlen.

§ 4 Kaution
Der Mieter leistet eine Kaution in Höhe von zwei Nettokaltmieten.

§ 5 Schlussbestimmungen
Änderungen dieses Vertrages bedürfen der Schriftform.

Bremen, den 14. April 2026

______________________          ______________________
Vermieterin                     Mieter
"""

# A purchase order with quantities only: no price, no amount and no date.
QUANTITY_ORDER = """\
PURCHASE ORDER
PO Number: PO-20418

Buyer: Harbour Joinery Ltd, 7 Quay Street, Bristol BS1 4DJ
Supplier: Westcountry Timber Supplies, Unit 9, Avonmouth Trade Park

Deliver to: Harbour Joinery Ltd, workshop entrance

Item                          Qty
Oak board 25 x 150 mm, 2.4 m   40
Birch plywood 18 mm sheet       12
Wood glue, 5 litre tub           3 tubs
Brass hinges, pair              60

Prices as agreed in our framework agreement.
Please confirm delivery by reply.
Authorised by: Colin Marsh, Workshop Manager
"""


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"store": {"cache_dir": str(tmp_path / "cache")}})


def _classify(tmp_path: Path, name: str, text: str) -> DocumentResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return process_document(str(path), _settings(tmp_path), quality=False)


@pytest.mark.parametrize(
    ("name", "text", "best", "reason"),
    [
        ("README.md", INVOICING_README, "invoice", "source code on 7 of 11 lines"),
        ("billing.py", BILLING_MODULE, "invoice", "source code on 11 of 15 lines"),
        ("notes.md", INVOICE_EXPORT_NOTES, "invoice", "source code on 8 of 11 lines"),
        ("blog.txt", CONTRACT_ADVICE, "contract", NOT_BINDING),
        ("article.txt", CONTRACT_ARTICLE, "contract", NOT_BINDING),
        ("tips.txt", INVOICE_ADVICE, "invoice", "no amount or date found"),
        ("guide.md", RESUME_GUIDE, "resume", "'you' or 'your' in 5% of the words"),
        (
            "tips.md",
            LEASE_TIPS,
            "contract",
            "no 'this agreement' or 'hereby', and 'you' or 'your' in 6% of the words",
        ),
        (
            "blog.md",
            FREELANCE_BLOG,
            "contract",
            "no 'this agreement' or 'hereby', and 'you' or 'your' in 8% of the words",
        ),
        (
            "mietvertrag.md",
            LEASE_BLOG_DE,
            "contract",
            "'Sie', 'Ihr' or 'du' in 8% of the words",
        ),
        (
            "mietvertrag.txt",
            LEASE_ARTICLE_DE,
            "contract",
            "no 'dieser Vertrag', defined parties or signature lines",
        ),
    ],
)
def test_text_about_category_is_unknown(
    tmp_path: Path, name: str, text: str, best: str, reason: str
) -> None:
    result = _classify(tmp_path, name, text)

    classification = result.classification
    assert classification is not None
    assert classification.category == "unknown"
    assert classification.confidence == pytest.approx(DISAGREEMENT_CONFIDENCE)
    assert classification.metadata.runners_up[0].category == best
    assert classification.evidence[0].term == (
        f"{reason}, unusual for {best}: sent to review"
    )
    assert result.review_status == ReviewStatus.NEEDS_REVIEW


@pytest.mark.parametrize(
    ("source", "category", "min_confidence"),
    [
        ("invoice/i2d__Orlen.txt", "invoice", 0.99),
        ("contract/ghpol__github-event-terms.md", "contract", 0.9),
        ("receipt/i2d__oyo.pdf", "receipt", 0.7),
    ],
)
def test_real_document_keeps_category(
    tmp_path: Path, source: str, category: str, min_confidence: float
) -> None:
    original = LABELED / source
    if not original.is_file():
        pytest.skip(f"labelled corpus file missing: {original}")
    path = tmp_path / original.name
    shutil.copyfile(original, path)

    result = process_document(str(path), _settings(tmp_path), quality=False)

    classification = result.classification
    assert classification is not None
    assert classification.category == category
    assert classification.confidence >= min_confidence
    assert not any("unusual for" in item.term for item in classification.evidence)


@pytest.mark.parametrize(
    ("name", "text", "category"),
    [
        ("lease.txt", LEASE, "contract"),
        ("sow.txt", STATEMENT_OF_WORK, "contract"),
        ("diner.txt", DINER_RECEIPT, "receipt"),
        ("po.txt", PURCHASE_ORDER, "purchase_order"),
        ("minutes.md", PTA_MINUTES, "meeting_minutes"),
        ("minutes.md", DEV_TEAM_MINUTES, "meeting_minutes"),
        ("po.txt", QUANTITY_ORDER, "purchase_order"),
        ("mietvertrag.txt", LEASE_DE, "contract"),
    ],
)
def test_written_document_keeps_category(
    tmp_path: Path, name: str, text: str, category: str
) -> None:
    result = _classify(tmp_path, name, text)

    classification = result.classification
    assert classification is not None
    assert classification.category == category
    assert classification.confidence >= 0.9
    assert not any("unusual for" in item.term for item in classification.evidence)


@pytest.mark.parametrize(
    ("line", "is_code"),
    [
        ("$ pip install docflow", True),
        ("$ ./configure --prefix=/usr", True),
        ("$ 4.50  Coffee", False),
        ("$  12  Pancakes", False),
    ],
)
def test_dollar_line_is_prompt_or_amount(line: str, is_code: bool) -> None:
    assert count_code_lines(line) == (int(is_code), 1)


CLAUSES = "1. Rent is due monthly.\n2. Pets are allowed.\n3. Notice is 60 days.\n"
PARTIES = "Rent is paid by the Tenant to the Landlord.\n"
SIGNATURE = "Signature: ____________\n"
SHALL_PARTIES = "Tenant shall pay rent. Landlord shall fix the heating.\n"
SIGNATURE_BLANKS = "Signed on 15 May.\n\n__________   __________\nLandlord     Tenant\n"
# Numbered tips that name "the Tenant" but speak to the reader.
TIPS = (
    "Before you sign your lease, read it with a pen in hand.\n"
    + CLAUSES
    + PARTIES
    + "Ask your landlord what you pay if you leave early.\n"
)


@pytest.mark.parametrize(
    ("text", "binding"),
    [
        ("This Tenancy starts on 1 May.", True),
        ("Fees are set out in this SOW.", True),
        ("Either party may end this Employment Contract.", True),
        ("This Addendum changes clause 4.", True),
        ("The insurer pays under this Policy.", True),
        ("The parties hereby agree.", True),
        (CLAUSES, False),
        (PARTIES, False),
        (SIGNATURE, False),
        (CLAUSES + PARTIES, True),
        (CLAUSES + SIGNATURE, True),
        (PARTIES + SIGNATURE, True),
        ("The tenant and the landlord sign a lease.\n" + CLAUSES, False),
        (CLAUSES + SHALL_PARTIES, True),
        (CLAUSES + SIGNATURE_BLANKS, True),
        (TIPS, False),
        (TIPS + "These Terms bind you.", True),
        (TIPS + "You hereby accept.", True),
        (TIPS + "These terms bind you.", False),
        (TIPS + "Read this agreement first.", False),
        (CLAUSES + "These terms bind the parties.", True),
        (TIPS + 'A lease starts "This Agreement is made between".', False),
    ],
)
def test_is_binding_marks(text: str, binding: bool) -> None:
    assert is_binding(text) is binding


@pytest.mark.parametrize(
    "path",
    sorted(
        path
        for language in ("en", "de")
        for path in TRAIN_CONTRACTS.glob(f"*_{language}.*")
        if path.suffix in {".txt", ".md"}
    ),
    ids=lambda path: path.name,
)
def test_training_contract_binding(path: Path) -> None:
    # Terms of service among them speak to the reader and write "these Terms".
    language = path.stem.rsplit("_", 1)[1]

    assert is_binding(path.read_text(encoding="utf-8"), language)


DE_CLAUSES = "§ 1 Miete\n§ 2 Kaution\n§ 3 Kündigung\n"
DE_PARTIES = "Anna Roth – Vermieterin\nund\nPaul Weber – Mieter\n"
DE_SIGNATURE = "______________________\nVermieterin\n"
# Numbered tips that speak to the reader as "Sie".
DE_TIPS = (
    "Bevor Sie unterschreiben, prüfen Sie die Miete. Fragen Sie nach der\n"
    "Abrechnung, und lassen Sie sich Zeit, denn Ihre Wohnung ist wichtig.\n"
)


@pytest.mark.parametrize(
    ("text", "binding"),
    [
        ("Die Hausordnung ist Bestandteil dieses Vertrages.", True),
        ("Änderungen dieses Mietvertrags bedürfen der Schriftform.", True),
        ("Diese Vereinbarung tritt am 1. Mai in Kraft.", True),
        ("Es gelten die Allgemeinen Geschäftsbedingungen.", False),
        ("Unter diesen Bedingungen wird kein Vertrag geschlossen.", False),
        (DE_CLAUSES, False),
        (DE_CLAUSES + DE_PARTIES, True),
        (DE_CLAUSES + DE_SIGNATURE, True),
        (DE_PARTIES + DE_SIGNATURE, True),
        ("Der Auftragnehmer, nachfolgend „Lieferant“ genannt, und\n", False),
        (DE_TIPS + DE_CLAUSES + DE_PARTIES, False),
        (DE_TIPS + "Lesen Sie diesen Vertrag genau.", False),
        # "Sie" at the start of a sentence may be "they".
        ("Sie zahlen die Miete. " * 5 + "Bestandteil dieses Vertrages.", True),
    ],
)
def test_is_binding_german_marks(text: str, binding: bool) -> None:
    assert is_binding(text, "de") is binding


@pytest.mark.parametrize(
    "text",
    [
        "Item  Qty  Price\nPaper  40  24\nToner  5  62\n",
        "Order for paper and toner\nTOTAL 1430\n",
        "Order for paper and toner\nGrand total: 1430\n",
        "Order for paper and toner\nTOTAL" + " " * 30 + "680\n",
    ],
)
def test_number_table_is_amount(text: str) -> None:
    assert find_about_text("purchase_order", text, [], "en") is None


def test_single_number_row_is_no_amount() -> None:
    text = "Order for paper and toner\nPaper  40  24\nAsk for 3 quotes first.\n"

    assert find_about_text("purchase_order", text, [], "en") is not None


QUANTITY_TABLE = "Item          Qty\nOak board      40\nBirch sheet    12 pcs\n"


@pytest.mark.parametrize(
    ("text", "quantity_order"),
    [
        ("PURCHASE ORDER\n" + QUANTITY_TABLE, True),
        ("PO Number: 20418\n" + QUANTITY_TABLE, True),
        ("Order PO-20418\n" + QUANTITY_TABLE, True),
        ("Bestellung\nArtikel     Menge\nEichenbrett   40\nSperrholz   12\n", True),
        # No name of a purchase order, and "po" is a Polish word.
        ("Order for the workshop\n" + QUANTITY_TABLE, False),
        ("Zapłacono po 12 dniach\n" + QUANTITY_TABLE, False),
        # One row, or rows above the quantity heading, are not a table.
        ("PURCHASE ORDER\nItem  Qty\nOak board   40\n", False),
        ("PURCHASE ORDER\nOak board   40\nBirch sheet   12\nQty as agreed.\n", False),
        (
            "A purchase order lists each item and its quantity.\n"
            "Keep a copy of every order you send.\n",
            False,
        ),
    ],
)
def test_quantity_order_table(text: str, quantity_order: bool) -> None:
    assert is_quantity_order(text) is quantity_order


def test_quantity_table_needs_purchase_order() -> None:
    # Only a purchase order may leave out every amount and date.
    text = "PURCHASE ORDER\n" + QUANTITY_TABLE

    assert find_about_text("purchase_order", text, [], "en") is None
    assert find_about_text("invoice", text, [], "en") is not None


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        (DEV_TEAM_MINUTES, True),
        # Code outside the fences, or fences on most of the lines, is not quoted.
        (INVOICING_README, False),
        (INVOICE_EXPORT_NOTES, False),
        (BILLING_MODULE, False),
        (DEV_TEAM_MINUTES + "    $ make test\n", False),
    ],
)
def test_code_quoted_in_prose(text: str, quoted: bool) -> None:
    assert is_quoted_code(text) is quoted


def test_fenced_prose_is_not_code() -> None:
    memo = "```\nMEMO\nTo: Sales\nFrom: Ana\n\nThe drill is next week.\n```\n"

    assert count_code_lines(memo) == (2, 6)


def test_second_person_share_threshold() -> None:
    assert count_second_person(RESUME_GUIDE) is not None
    assert count_second_person(LEASE) is None
    # Four uses are too few, however short the text.
    assert count_second_person("you your you your") is None
    # Quoted speech and thanks do not address the reader.
    assert count_second_person('"Can you help? Will you come?" ' * 3) is None
    assert count_second_person("Thank you. " * 10) is None
    # Five uses in 500 words are 1%, under the 2% needed.
    assert count_second_person("you " * 5 + "word " * 495) is None
    assert count_second_person("you " * 10 + "word " * 490) == pytest.approx(0.02)
