"""Document templates, one module per docflow category."""

from . import (
    bank_statement,
    contract,
    email,
    form,
    invoice,
    letter,
    meeting_minutes,
    memo,
    purchase_order,
    receipt,
    report,
    resume,
    scientific_paper,
)

CATEGORY_MODULES = {
    "invoice": invoice,
    "receipt": receipt,
    "purchase_order": purchase_order,
    "contract": contract,
    "resume": resume,
    "letter": letter,
    "memo": memo,
    "report": report,
    "scientific_paper": scientific_paper,
    "form": form,
    "bank_statement": bank_statement,
    "meeting_minutes": meeting_minutes,
    "email": email,
}
