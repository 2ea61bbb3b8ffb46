"""Data models that travel between core, the MCP servers, the store and the CLI.

Every model is a pydantic model so the MCP tools can return it as structured
output with a JSON schema, and the store and CLI can serialise it unchanged.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

__all__ = [
    "CATEGORIES",
    "FACT_KINDS",
    "NO_CATEGORY",
    "CategoryCorrection",
    "ClassificationMetadata",
    "ClassificationResult",
    "DocumentResult",
    "Evidence",
    "ExtractedDocument",
    "Fact",
    "Page",
    "QualityIssue",
    "QualityResult",
    "ReviewStatus",
    "ScoredCategory",
    "Status",
    "TextCheck",
    "model_cache_key",
]

#: Categories the shipped model predicts, plus ``unknown`` for abstentions.
CATEGORIES: tuple[str, ...] = (
    "invoice",
    "receipt",
    "purchase_order",
    "contract",
    "resume",
    "letter",
    "memo",
    "report",
    "scientific_paper",
    "form",
    "bank_statement",
    "meeting_minutes",
    "email",
)

#: Kinds of the facts ``docflow.core.facts`` finds in a document's text.
FACT_KINDS: tuple[str, ...] = (
    "document_date",
    "due_date",
    "total",
    "tax",
    "sender",
    "recipient",
)

#: The label ``docflow label ID none`` stores for a document that belongs to
#: none of the categories (a novel, a README). It is shown as the document's
#: category and settles the classification like any label, and ``docflow
#: train`` skips it.
NO_CATEGORY = "none"


class Status(StrEnum):
    """Outcome of processing one document. Only ``ok`` counts as success."""

    OK = "ok"
    UNSUPPORTED = "unsupported"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    PASSWORD_REQUIRED = "password_required"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    OCR_UNAVAILABLE = "ocr_unavailable"
    OCR_FAILED = "ocr_failed"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    CRASHED = "crashed"
    ERROR = "error"


class ReviewStatus(StrEnum):
    """Whether a person should look at a processed document."""

    APPROVED = "approved"
    NEEDS_REVIEW = "needs_review"


class TextCheck(BaseModel):
    """The garbage-text judgement made when a page was extracted.

    Quality analysis reuses it instead of judging the text again, unless the
    document's language could change the judgement.
    """

    reasons: list[str] = Field(
        default_factory=list, description="why the text is garbage; empty if it is not"
    )
    judged_words: int = Field(
        default=0, description="Latin-script words the word statistics counted"
    )
    implausible_word_share: float = 0.0


class Page(BaseModel):
    """One page (or image frame) of an extracted document."""

    number: int = Field(description="1-based page number")
    method: Literal["text_layer", "ocr", "native", "none"] = Field(
        description="how the text was obtained: PDF text layer, tesseract, "
        "native format (DOCX, HTML, text, e-mail) or none"
    )
    chars: int = 0
    ocr_confidence: float | None = Field(
        default=None, description="mean tesseract word confidence, 0-100"
    )
    text: str = ""
    flags: list[str] = Field(
        default_factory=list,
        description="page-level findings such as empty, garbage_text, reocr_used, "
        "not_read",
    )
    text_check: TextCheck | None = Field(
        default=None, description="garbage judgement of ``text`` made at extraction"
    )


class ExtractedDocument(BaseModel):
    """Text and structure read from one file, before any judgement."""

    path: str
    detected_type: str = Field(
        description="pdf, docx, image, text, markdown, html, eml"
    )
    mime_type: str = ""
    extension_mismatch: bool = Field(
        default=False, description="the file extension names another type"
    )
    pages: list[Page] = Field(default_factory=list)
    headings: list[tuple[int, str]] = Field(
        default_factory=list, description="(level, text) pairs in document order"
    )
    tables: int = 0
    metadata: dict[str, Any] = Field(default_factory=dict)
    language: str | None = None
    warnings: list[str] = Field(default_factory=list)
    pages_read: int | None = Field(
        default=None,
        description="pages whose content was read when extraction stopped early "
        "because classification had enough text (the others are flagged "
        "not_read); None when every page was read",
    )

    @property
    def text(self) -> str:
        """Return the text of all pages joined by form feeds."""
        return "\f".join(page.text for page in self.pages)


class Evidence(BaseModel):
    """A term or rule that pushed a document towards its category.

    Model and layout weights are what a feature added to the category's
    linear model score (its value times the model's coefficient). Rule
    weights are the weights of keywords and patterns in
    ``classification.rules`` (0.5, 1.0 or 1.5 in the shipped rules), which
    move the result only through ``classification.rule_weight``. The two
    scales cannot be compared, so ``scale`` names the one that applies.
    """

    term: str
    weight: float
    source: Literal["model", "rule", "layout"]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def scale(self) -> Literal["model_score", "rule_weight"]:
        """Scale of ``weight``: ``rule_weight`` for rules, else ``model_score``."""
        return "rule_weight" if self.source == "rule" else "model_score"


class ScoredCategory(BaseModel):
    category: str
    score: float


class ClassificationMetadata(BaseModel):
    model_version: str
    model_sha256: str | None = Field(
        default=None,
        description="SHA-256 of the model.joblib that classified; None in "
        "results stored before it was recorded",
    )
    runners_up: list[ScoredCategory] = Field(default_factory=list)
    pages: int = 0
    language: str | None = None
    extraction: list[str] = Field(
        default_factory=list,
        description="extraction method of each page, in order; not_read for a "
        "page left unread because classification had enough text",
    )
    chars_used: int = Field(default=0, description="characters the classifier read")
    pages_read: int | None = Field(
        default=None,
        description="pages whose text was read, the same as the result's "
        "``pages_read``; None in results stored before it was always set",
    )


def model_cache_key(version: str, sha256: str | None) -> str:
    """Return the key under which the result cache stores a model's results.

    It names the model file's content too, because a ``model.joblib`` replaced
    beside an unchanged ``model.json`` keeps the version.
    """
    return version if sha256 is None else f"{version} sha256:{sha256[:16]}"


class Fact(BaseModel):
    """A key fact found in the text, with where it came from."""

    kind: str = Field(description="one of FACT_KINDS: document_date, total, ...")
    value: str
    normalized: str | None = None
    currency: str | None = None
    page: int | None = None
    start: int | None = Field(default=None, description="character offset in the page")
    end: int | None = None


class CategoryCorrection(BaseModel):
    """A person's correction of a document's category (``docflow label``)."""

    labeled_by: str
    labeled_at: datetime
    model_category: str = Field(description="the category the classifier returned")
    model_confidence: float = Field(
        ge=0.0, le=1.0, description="the classifier's confidence in model_category"
    )


class ClassificationResult(BaseModel):
    category: str
    confidence: float = Field(ge=0.0, le=1.0)
    keywords: list[str] = Field(
        default_factory=list,
        description="terms that drove the decision, strongest first",
    )
    evidence: list[Evidence] = Field(default_factory=list)
    processing_method: Literal["model", "rules", "model+rules", "label"] = Field(
        default="model",
        description="what decided the category: the model, the rules, both, "
        "or a person's label (docflow label)",
    )
    facts: list[Fact] = Field(default_factory=list)
    metadata: ClassificationMetadata
    correction: CategoryCorrection | None = Field(
        default=None,
        description="set when a person corrected the category, which is then "
        "theirs and the confidence 1",
    )


class QualityIssue(BaseModel):
    code: str = Field(description="stable identifier, for example empty_page")
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    page: int | None = None
    recommendation: str = ""


class QualityResult(BaseModel):
    overall_score: float = Field(ge=0.0, le=100.0)
    readability_score: float | None = Field(
        ge=0.0,
        le=100.0,
        description="None when the text gives no basis for a reading ease, "
        "with an issue that explains it",
    )
    structure_score: float | None = Field(
        ge=0.0,
        le=100.0,
        description="None when the text has no words or too few lines to judge, "
        "with an issue that explains it",
    )
    content_quality_score: float = Field(ge=0.0, le=100.0)
    issues: list[QualityIssue] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    metrics: dict[str, Any] = Field(default_factory=dict)

    def list_problems(self) -> list[QualityIssue]:
        """Return the issues that report a problem, most severe first.

        score_not_applicable only explains why a score is left out, so it is
        not a problem. Issues of one severity keep their order.
        """
        problems = [issue for issue in self.issues if issue.code not in _EXPLANATIONS]
        return sorted(problems, key=lambda issue: _SEVERITIES.index(issue.severity))


#: Issue codes that explain a score rather than report a problem.
_EXPLANATIONS = frozenset({"score_not_applicable"})
#: Quality issue severities, most severe first.
_SEVERITIES = ("error", "warning", "info")


class DocumentResult(BaseModel):
    """Everything docflow records about one input file after a run."""

    path: str
    status: Status
    error: str | None = Field(default=None, description="why status is not ok")
    content_hash: str | None = None
    size: int | None = None
    detected_type: str | None = None
    extension_mismatch: bool = False
    pages: int = Field(default=0, description="pages (or frames) of the document")
    pages_read: int | None = Field(
        default=None,
        description="pages whose text was read; fewer than ``pages`` when only "
        "classification ran and it had enough text before the end",
    )
    classification: ClassificationResult | None = None
    quality: QualityResult | None = None
    review_status: ReviewStatus | None = None
    review_reasons: list[str] = Field(
        default_factory=list,
        description="why the document needs review, with the settings it fell "
        "short of; empty when approved",
    )
    cached: bool = False
    duration_ms: float = 0.0
    warnings: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK
