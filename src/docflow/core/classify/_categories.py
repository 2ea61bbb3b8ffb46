"""Descriptions of the categories, and the list the CLI and MCP tools show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from docflow.core.classify._model import read_configured_metadata
from docflow.core.models import CATEGORIES
from docflow.errors import ModelError

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["DESCRIPTIONS", "CategoryInfo", "list_categories"]

DESCRIPTIONS: dict[str, str] = {
    "invoice": "a bill from a seller asking for payment, with line items and a total",
    "receipt": "proof of a payment already made, from a till, shop or hotel",
    "purchase_order": "a buyer's order to a supplier: items, quantities, prices",
    "contract": "an agreement or terms setting out the parties' obligations",
    "resume": "a CV: a person's experience, education and skills",
    "letter": "correspondence with a salutation, body, closing and signature",
    "memo": "an internal note with TO/FROM/SUBJECT lines",
    "report": "a longer analysis or status document with sections, tables or figures",
    "scientific_paper": "a research article with abstract, sections and references",
    "form": "a form with fields to fill in, such as a tax or application form",
    "bank_statement": "an account statement listing transactions and balances",
    "meeting_minutes": "the record of a meeting: attendees, agenda, decisions, actions",
    "email": "an e-mail message with From/To/Subject headers",
}


class CategoryInfo(BaseModel):
    """A category docflow can assign, and what feeds it."""

    name: str
    description: str
    in_model: bool = Field(description="the classifier model was trained on it")
    training_documents: int | None = None
    keyword_rules: int = 0
    pattern_rules: int = 0


def list_categories(settings: Settings) -> list[CategoryInfo]:
    """Return the model's categories, then any that only rules define."""
    try:
        metadata = read_configured_metadata(settings)
    except ModelError:
        metadata = {}
    in_model = [str(name) for name in metadata.get("categories", [])]
    counts = metadata.get("training_documents", {})
    rules = settings.classification.rules
    names = [name for name in CATEGORIES if name in in_model or name in rules]
    names += sorted((set(in_model) | set(rules)) - set(names))
    return [
        CategoryInfo(
            name=name,
            description=DESCRIPTIONS.get(name, "defined by docflow.toml or training"),
            in_model=name in in_model,
            training_documents=counts.get(name),
            keyword_rules=len(rules[name].keywords) if name in rules else 0,
            pattern_rules=len(rules[name].patterns) if name in rules else 0,
        )
        for name in names
    ]
