"""A text about a category's subject is not a document of that category."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docflow.core.classify._about import count_code_lines
from docflow.core.classify._classify import DISAGREEMENT_CONFIDENCE
from docflow.core.config import Settings
from docflow.core.models import DocumentResult, ReviewStatus
from docflow.core.pipeline import process_document

LABELED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"

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

INVOICE_ADVICE = """\
Invoice tips for new freelancers

Put an invoice number on every invoice, and name the client under Bill To.
List each service with its quantity and unit price, then the subtotal, the VAT
and the invoice total. State the amount due and the payment terms, such as
net 30, and add your bank details so the client can pay the balance due.
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
        (
            "blog.txt",
            CONTRACT_ADVICE,
            "contract",
            "no 'this agreement', 'these terms' or 'hereby'",
        ),
        ("tips.txt", INVOICE_ADVICE, "invoice", "no amount or date found"),
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


def test_fenced_prose_is_not_code() -> None:
    memo = "```\nMEMO\nTo: Sales\nFrom: Ana\n\nThe drill is next week.\n```\n"

    assert count_code_lines(memo) == (2, 6)
