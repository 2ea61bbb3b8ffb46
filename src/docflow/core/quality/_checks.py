"""The quality checks: each adds issues, metrics and score penalties to Findings."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docflow.core import readability
from docflow.core.detect import describe_type, suggest_extension
from docflow.core.language import detect_language
from docflow.core.models import ExtractedDocument, Page, QualityIssue
from docflow.core.plurals import count_noun
from docflow.core.quality._catalog import ISSUES
from docflow.core.quality._text import (
    MAX_PHRASE_REPEAT_SHARE,
    MIN_DISTINCT_WORDS,
    MIN_PHRASE_TEXT_WORDS,
    MIN_REPEAT_CHARS,
    PHRASE_SAMPLE_TOKENS,
    PhraseRepetition,
    TableShape,
    count_amount_lines,
    count_prose_words,
    count_text_headings,
    count_words,
    find_table,
    is_amount_list,
    measure_phrase_repetition,
    measure_repeated_share,
    reads_as_complete,
)
from docflow.core.textcheck import judge_text, language_may_matter

if TYPE_CHECKING:
    from docflow.core.config import QualitySettings

log = logging.getLogger(__name__)

# Score penalties, in points out of 100 (see the package docstring).
_NO_HEADINGS_PENALTY = 30.0
_MAX_REPEAT_PENALTY = 50.0
_MAX_LONG_SENTENCE_PENALTY = 30.0
_GARBAGE_PAGE_WEIGHT = 80.0
_NO_TEXT_PAGE_WEIGHT = 80.0
_EMPTY_PAGE_WEIGHT = 40.0
_LOW_OCR_PAGE_WEIGHT = 50.0
_OCR_TRUNCATED_PENALTY = 20.0
_EXTENSION_MISMATCH_PENALTY = 10.0
_NEAR_EMPTY_CAP = 30.0
# A whole short text (see reads_as_complete) is near-empty only under this
# share of quality.min_document_chars: 20 characters, about five short words,
# with the default of 80. A raised minimum so still flags whole texts far
# below it.
_WHOLE_TEXT_MIN_SHARE = 0.25
# low_readability needs sentences of this many words on average. Resumes
# and bullet lists have short items full of long job and skill terms, which
# Flesch rates as hard, although the items are not hard prose. The limit is
# a judgement: such items averaged 5 to 17 words, hard letters 27 to 34.
LOW_READABILITY_SENTENCE_WORDS = 20
# A paragraph of this many words of running text or more is very long. A
# document with at most _TITLE_HEADINGS headings and this share of its running
# text in such paragraphs is a wall of text. A one-line note or a short e-mail
# stays below.
WALL_OF_TEXT_WORDS = 200
WALL_OF_TEXT_SHARE = 0.7
_TITLE_HEADINGS = 1
_WALL_OF_TEXT_PENALTY = 70.0
# An image without text is named as low resolution under this header dpi or,
# without a dpi, under this many pixels on its longer side. An A4 page at
# 100 dpi is 827 x 1169 pixels.
_LOW_IMAGE_DPI = 150
_SMALL_IMAGE_PIXELS = 1000
# Extractors of these types keep the writer's blank lines between paragraphs.
# A PDF or OCR page seldom has blank lines, so there each line counts as a
# paragraph, and only a line of WALL_OF_TEXT_WORDS or more is a long one.
_BLANK_LINE_PARAGRAPH_TYPES = frozenset({"text", "markdown"})
# Types whose text comes in pages: a PDF, and an image, one page per frame.
_PAGED_TYPES = frozenset({"pdf", "image"})
# Characters of one page judged for garbage. The word checks take seconds on
# a whole 3 MB text page.
_GARBAGE_SAMPLE_CHARS = 50_000
# Readability needs at least this share of words among the tokens with a
# letter or digit. Scored documents in sample_docs have 0.41 or more, bank
# statements being lowest, and a table of figures under a header row has 0.03.
MIN_LETTER_WORD_SHARE = 0.25

# Page flags that extraction sets when a page got no text, with the reason.
# A page with method "none" and none of these flags is blank.
_NO_TEXT_REASONS = {
    "ocr_disabled": "OCR is disabled (extraction.ocr)",
    "ocr_skipped": "the OCR page limit was reached (extraction.max_ocr_pages)",
    "unrenderable_page": "the page could not be rendered for OCR",
    "unreadable_page": "the page could not be loaded",
    "unreadable_text_layer": "its text layer could not be read",
    "no_text_layer": "it has no text layer",
}


@dataclass
class Findings:
    """Issues, metrics and penalties collected while checking one document."""

    config: QualitySettings
    issues: list[QualityIssue] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    penalties: dict[str, float] = field(
        default_factory=lambda: {"readability": 0.0, "structure": 0.0, "content": 0.0}
    )
    readable_pages: list[Page] = field(default_factory=list)
    page_problems: dict[str, int] = field(default_factory=dict)
    empty_document: bool = False
    content_cap: float | None = None
    readability_base: float = 100.0
    readability_applicable: bool = False
    structure_applicable: bool = False
    # Why readability or structure is not scored, by score name, when no
    # other issue explains it.
    unscored: dict[str, str] = field(default_factory=dict)
    # The kind of each reason in ``unscored``, which picks its advice: short,
    # numbers, language or sentences.
    unscored_kind: dict[str, str] = field(default_factory=dict)
    # The rows of the readable text when it is a table, which the prose
    # checks (paragraphs, headings, sentences, word variety) leave alone.
    table: TableShape | None = None
    # Lines of the readable text with an amount, and all its lines.
    amount_lines: tuple[int, int] = (0, 0)
    language: str = "en"
    # What turned OCR off: "--no-ocr", or the file or variable that set
    # extraction.ocr (``Settings.origin_of``). None while the settings have
    # OCR on, as for a page extracted under other settings.
    ocr_off_by: str | None = None

    def readability_score(self) -> float:
        """Return the readability score as stored: 0-100, one decimal."""
        return bound_score(self.readability_base - self.penalties["readability"])

    def has_issue(self, *codes: str) -> bool:
        return any(issue.code in codes for issue in self.issues)

    def add(
        self, code: str, message: str, recommendation: str, page: int | None = None
    ) -> None:
        self.issues.append(
            QualityIssue(
                code=code,
                message=message,
                severity=ISSUES[code].severity,
                page=page,
                recommendation=recommendation,
            )
        )

    def add_page_issues(self, code: str, entries: list[tuple[int, str, str]]) -> None:
        """Add one issue per (page, message, recommendation), summarising the
        pages past ``max_page_issues``."""
        limit = self.config.max_page_issues
        for page, message, recommendation in entries[:limit]:
            self.add(code, message, recommendation, page)
        if len(entries) > limit:
            rest = [page for page, _, _ in entries[limit:]]
            if len(rest) == 1:
                more = f"1 more page has {code} (page {rest[0]})"
            else:
                more = (
                    f"{len(rest)} more pages have {code} (pages {rest[0]}-{rest[-1]})"
                )
            listed = "page is" if limit == 1 else f"{limit} are"
            self.add(
                code,
                f"{more}; only the first {listed} listed (quality.max_page_issues).",
                ISSUES[code].advice,
            )


def bound_score(value: float) -> float:
    """Return ``value`` limited to 0-100 and rounded to one decimal."""
    return round(min(100.0, max(0.0, value)), 1)


def _visible_chars(text: str) -> int:
    # str.split treats no-break and ideographic spaces as space, but not the
    # zero-width ones, although they print nothing either.
    return len("".join(text.translate(_ZERO_WIDTH).split()))


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _judge_garbage(page: Page, language: str) -> list[str]:
    """Return the reasons the text of ``page`` is garbage, or an empty list."""
    # NOTE: only the start of a very long page is judged, so garbage that
    # begins after the first _GARBAGE_SAMPLE_CHARS characters goes unnoticed.
    confidence = page.ocr_confidence if page.method == "ocr" else None
    check = page.text_check
    if (
        check is not None
        and len(page.text) <= _GARBAGE_SAMPLE_CHARS
        and not language_may_matter(
            check.judged_words, check.implausible_word_share, confidence
        )
    ):
        # Extraction judged this same text, and the language cannot change it.
        reasons = list(check.reasons)
    else:
        verdict = judge_text(
            page.text[:_GARBAGE_SAMPLE_CHARS], language, ocr_confidence=confidence
        )
        reasons = list(verdict.reasons) if verdict.is_garbage else []
    if "garbage_text" in page.flags and not reasons:
        reasons = ["flagged by extraction"]
    return reasons


def _find_page_problem(
    findings: Findings, page: Page, text_elsewhere: bool
) -> tuple[str, str, str] | None:
    """Return the (code, message, recommendation) that keeps ``page`` out of
    readability, or None when its text is usable.

    A page with text under ``quality.empty_page_chars`` is empty only when
    ``text_elsewhere`` is true, that is when another page reaches that length.
    Otherwise its text is the document's text, such as a one-line note.
    """
    config = findings.config
    number = page.number
    no_text = [
        _NO_TEXT_REASONS[flag] for flag in page.flags if flag in _NO_TEXT_REASONS
    ]
    if page.method == "none" and no_text:
        if "ocr_disabled" in page.flags and findings.ocr_off_by is not None:
            message = (
                f"Page {number} has no text because {_describe_ocr_off(findings)}."
            )
            return "no_text_layer", message, _ocr_disabled_advice(findings)
        message = f"Page {number} has no text because {no_text[0]}."
        if "ocr_skipped" in page.flags:
            return "no_text_layer", message, _OCR_LIMIT_ADVICE
        return "no_text_layer", message, ISSUES["no_text_layer"].advice
    chars = _visible_chars(page.text)
    short = chars < config.empty_page_chars and text_elsewhere
    if chars == 0 or short or "empty" in page.flags:
        message = (
            f"Page {number} has {count_noun(chars, 'non-space character')}, "
            "fewer than "
            f"{config.empty_page_chars} (quality.empty_page_chars)."
        )
        return "empty_page", message, _empty_page_advice(page)
    reasons = _judge_garbage(page, findings.language)
    if reasons:
        message = f"Page {number} text is unreadable: {'; '.join(reasons)}."
        # A text layer is advised against only where it was used.
        advice = {
            "ocr": _OCR_GARBAGE_ADVICE,
            "native": _FILE_GARBAGE_ADVICE,
        }.get(page.method, _LAYER_GARBAGE_ADVICE)
        return "garbage_text", message, advice
    return None


def _describe_ocr_off(findings: Findings) -> str:
    """Say what turned OCR off: --no-ocr, a settings file or a variable."""
    if findings.ocr_off_by == "--no-ocr":
        return "OCR was turned off with --no-ocr"
    return f"OCR is disabled by {findings.ocr_off_by}"


def _ocr_disabled_advice(findings: Findings) -> str:
    """Return the advice for a page that had no text layer and no OCR.

    Tesseract is not mentioned, because a run with OCR on reports a missing
    tesseract, with install advice, for each scan it cannot read.
    """
    if findings.ocr_off_by == "--no-ocr":
        return (
            "Run the command again without --no-ocr so that OCR reads the page, "
            "or ask for a PDF with a text layer."
        )
    return (
        f"Enable OCR: set {findings.ocr_off_by} to true, or give --ocr. Else "
        "ask for a PDF with a text layer."
    )


def _ocr_disabled_empty_advice(findings: Findings) -> str:
    """Return the advice for a document without text read with OCR off."""
    if findings.ocr_off_by is None:
        return ISSUES["empty_document"].advice
    if findings.ocr_off_by == "--no-ocr":
        enable = "run the command again without --no-ocr"
    else:
        enable = f"set {findings.ocr_off_by} to true or give --ocr"
    return (
        f"Check that the file is the intended document. If it is a scan, {enable}, "
        "so that OCR reads it."
    )


def _empty_page_advice(page: Page) -> str:
    if page.method == "ocr":
        return "Remove the page if it is blank on purpose, or rescan it."
    if page.method == "none":
        # A PDF page without text has no text layer, and either no image or
        # one in which OCR found nothing, and the page does not say which.
        return (
            "Remove the page if it is blank on purpose. If it is a scan of "
            "text, rescan it at 300 dpi or more."
        )
    return (
        "Remove the page if it is blank on purpose, or check the source of the "
        "file if it should carry text."
    )


#: Advice for a scan or image without text whose pages OCR could read.
_BLANK_SCAN_ADVICE = (
    "Check that the file is the intended document and not blank; rescan it "
    "at 300 dpi or more if the scan is faint."
)
#: Advice for a PDF without text and without OCR'd pages: its pages have no
#: text layer and either no image or one in which OCR found nothing.
_BLANK_PDF_ADVICE = (
    "Check that the file is the intended document and not blank. If its pages "
    "are scans of text, rescan them at 300 dpi or more."
)
#: Advice for a text, Markdown, HTML, DOCX or e-mail file without text.
_BLANK_FILE_ADVICE = (
    "Check that the file is the intended document and that it was saved with "
    "its content."
)
_LAYER_GARBAGE_ADVICE = (
    "Re-export the PDF with embedded fonts that map to Unicode, or OCR the "
    "page instead of using its text layer."
)
#: Advice for garbage read from a text, Markdown, HTML, DOCX or e-mail file.
_FILE_GARBAGE_ADVICE = (
    "Check that the file is the intended document and that its text is in a "
    "common encoding such as UTF-8; an encoding docflow guessed wrong reads "
    "as garbage."
)
_OCR_GARBAGE_ADVICE = (
    "Check the OCR language: add the document's language to "
    "extraction.ocr_languages (--lang, for example eng+deu), and rescan the page "
    "at 300 dpi or more if it is blurred."
)
# Advice for a page that OCR skipped. OCR was on, so the page limit is what
# kept it from the page, and a run that reaches the page reports a missing
# tesseract with install advice.
_OCR_LIMIT_ADVICE = (
    "Raise extraction.max_ocr_pages so that OCR reads the page, or ask for a "
    "PDF with a text layer."
)


def _check_ocr_confidence(findings: Findings, pages: list[Page]) -> None:
    config = findings.config
    confidences = [
        page.ocr_confidence
        for page in pages
        if page.method == "ocr" and page.ocr_confidence is not None
    ]
    findings.metrics["mean_ocr_confidence"] = (
        round(sum(confidences) / len(confidences), 1) if confidences else None
    )
    findings.metrics["min_ocr_confidence"] = (
        round(min(confidences), 1) if confidences else None
    )
    low = []
    for page in pages:
        confidence = page.ocr_confidence
        if page.method != "ocr" or confidence is None:
            continue
        if confidence < config.low_ocr_confidence:
            message = (
                f"OCR confidence on page {page.number} is {confidence:.0f}, below "
                f"{config.low_ocr_confidence:.0f} (quality.low_ocr_confidence)."
            )
            low.append((page.number, message, _low_confidence_advice(page)))
    findings.add_page_issues("low_ocr_confidence", low)
    findings.page_problems["low_ocr_confidence"] = len(low)


def _low_confidence_advice(page: Page) -> str:
    if "reocr_used" in page.flags:
        # The PDF page had a text layer that failed. Such a page is mostly born
        # digital, where a rescan cannot help, but a scan may carry a poor
        # OCR layer too.
        return (
            "The page's text layer was unusable, so it was OCR'd: re-export the "
            "PDF with embedded fonts that map to Unicode if it was made "
            "digitally, else rescan it at 300 dpi or more, and check the OCR "
            "language (extraction.ocr_languages)."
        )
    return (
        "Rescan the page at 300 dpi or higher, straight and with good "
        "contrast, and check the OCR language (extraction.ocr_languages)."
    )


def _is_scan(document: ExtractedDocument) -> bool:
    """Return whether ``document`` is an image or has a page OCR'd from a scan."""
    if document.detected_type == "image":
        return True
    return any(
        page.method == "ocr" and "reocr_used" not in page.flags
        for page in document.pages
    )


def check_pages(findings: Findings, document: ExtractedDocument) -> None:
    """Find pages without text, empty pages, garbage pages and weak OCR.

    Only pages with none of the first three problems are used for
    readability and structure; low OCR confidence keeps a page in.
    """
    problems: dict[str, list[tuple[int, str, str]]] = {
        "no_text_layer": [],
        "empty_page": [],
        "garbage_text": [],
    }
    page_chars = [_visible_chars(page.text) for page in document.pages]
    text_elsewhere = max(page_chars, default=0) >= findings.config.empty_page_chars
    for page in document.pages:
        problem = _find_page_problem(findings, page, text_elsewhere)
        if problem is None:
            findings.readable_pages.append(page)
        else:
            code, message, advice = problem
            problems[code].append((page.number, message, advice))

    page_count = len(document.pages)
    ocr_pages = sum(1 for page in document.pages if page.method == "ocr")
    total_chars = sum(page_chars)
    findings.empty_document = total_chars == 0
    findings.metrics.update(
        pages=page_count,
        characters_total=total_chars,
        empty_pages=len(problems["empty_page"]),
        garbage_pages=len(problems["garbage_text"]),
        no_text_layer_pages=len(problems["no_text_layer"]),
        ocr_pages=ocr_pages,
        ocr_share=round(ocr_pages / page_count, 3) if page_count else 0.0,
    )

    if findings.empty_document:
        # The empty_document issue covers every page, so empty_page would repeat it.
        problems["empty_page"] = []
    for code, entries in problems.items():
        findings.add_page_issues(code, entries)
        findings.page_problems[code] = len(entries)
    _check_ocr_confidence(findings, findings.readable_pages)

    if page_count:
        weights = {
            "garbage_text": _GARBAGE_PAGE_WEIGHT,
            "no_text_layer": _NO_TEXT_PAGE_WEIGHT,
            "empty_page": _EMPTY_PAGE_WEIGHT,
            "low_ocr_confidence": _LOW_OCR_PAGE_WEIGHT,
        }
        for code, weight in weights.items():
            share = findings.page_problems[code] / page_count
            findings.penalties["content"] += weight * share


def _describe_low_resolution(document: ExtractedDocument) -> str:
    """Return a sentence naming an image's low resolution, or an empty string.

    The image extractor stores the first frame's size and header dpi. A
    resolution is low under ``_LOW_IMAGE_DPI`` dpi or, without a dpi, when
    the longer side is under ``_SMALL_IMAGE_PIXELS`` pixels.
    """
    metadata = document.metadata
    width = metadata.get("image_width")
    height = metadata.get("image_height")
    if document.detected_type != "image" or not width or not height:
        return ""
    dpi = metadata.get("image_dpi")
    if dpi is not None:
        if dpi >= _LOW_IMAGE_DPI:
            return ""
        size = f"{width} x {height} pixels at {dpi} dpi"
    elif max(width, height) < _SMALL_IMAGE_PIXELS:
        size = f"{width} x {height} pixels, with no dpi in its header"
    else:
        return ""
    frame = "first frame of the image" if metadata.get("frames", 1) > 1 else "image"
    # tesseract's "Improving the quality of the output" page (tessdoc,
    # ImproveQuality.md) states that it works best at 300 dpi or more.
    return (
        f" The {frame} is {size}, probably too low a resolution for OCR, "
        "which works best at 300 dpi or more."
    )


def drop_email_headers(document: ExtractedDocument) -> ExtractedDocument:
    """Return ``document`` with only the body text of an e-mail on its page.

    The e-mail extractor writes the Subject, From, To, Cc and Date lines, then
    a blank line and the body. The headers help the classifier but are not
    text to judge, so an e-mail with an empty body is empty here. Other
    documents are returned unchanged.
    """
    if document.detected_type != "eml":
        return document
    pages = []
    for page in document.pages:
        _, _, body = page.text.partition("\n\n")
        pages.append(page.model_copy(update={"text": body, "text_check": None}))
    return document.model_copy(update={"pages": pages})


def _describe_empty_email(document: ExtractedDocument) -> tuple[str, str]:
    """Return the message and advice of empty_document for an e-mail."""
    attachments = document.metadata.get("attachments") or []
    if not attachments:
        return (
            "The e-mail has no body text and no attachments.",
            "Check that the file is the intended e-mail and was saved whole.",
        )
    listed = ", ".join(
        f"{item.get('filename') or 'unnamed'} ({item.get('content_type')})"
        for item in attachments[:5]
    )
    if len(attachments) > 5:
        listed += f" and {len(attachments) - 5} more"
    return (
        "The e-mail has no body text, only "
        f"{count_noun(len(attachments), 'attachment')}: {listed}.",
        "docflow does not read attachments: save them from the e-mail and "
        "analyze them as files of their own.",
    )


def _check_near_empty(findings: Findings, document: ExtractedDocument) -> None:
    """Find a document under ``quality.min_document_chars`` that was barely read.

    A short text that reads as complete, such as a note of one sentence, is
    left alone when it has ``_WHOLE_TEXT_MIN_SHARE`` of the minimum or more,
    so only text that looks like the remains of a capture is flagged.
    """
    config = findings.config
    total_chars = findings.metrics["characters_total"]
    texts = [page.text for page in findings.readable_pages]
    whole_page = len(document.pages) == 1 and document.pages[0].method in (
        "native",
        "text_layer",
    )
    long_enough = total_chars >= _WHOLE_TEXT_MIN_SHARE * config.min_document_chars
    complete = reads_as_complete(texts, whole_page)
    if long_enough and complete:
        return
    reason = "" if complete else ", and no full sentence, greeting or closing"
    findings.add(
        "near_empty_document",
        f"The document has {count_noun(total_chars, 'non-space character')}, "
        f"fewer than {config.min_document_chars} (quality.min_document_chars)"
        f"{reason}.",
        _near_empty_advice(document),
    )
    findings.content_cap = _NEAR_EMPTY_CAP


def _near_empty_advice(document: ExtractedDocument) -> str:
    if _is_scan(document):
        return (
            "Check that the whole document was scanned (all pages, not a cover "
            "sheet only) and that the scan is sharp enough for OCR."
        )
    if document.detected_type == "pdf":
        return ISSUES["near_empty_document"].advice
    if document.detected_type == "eml" and document.metadata.get("attachments"):
        return (
            "The e-mail carries little more than its attachments: docflow does "
            "not read attachments, so save them and analyze them as files of "
            "their own."
        )
    return "Check that the file is the intended document and was saved in full."


def _describe_empty(findings: Findings, document: ExtractedDocument) -> tuple[str, str]:
    """Return the message and advice of empty_document for ``document``."""
    pages = len(document.pages)
    if document.detected_type not in _PAGED_TYPES and pages:
        whitespace = any(page.text for page in document.pages)
        found = "The file has only whitespace." if whitespace else "The file is empty."
        return found, _BLANK_FILE_ADVICE
    found = (
        f"No text was found in {count_noun(pages, 'page')}."
        if pages
        else "It has no pages."
    )
    if any("ocr_disabled" in page.flags for page in document.pages):
        return found, _ocr_disabled_empty_advice(findings)
    found += _describe_low_resolution(document)
    if _is_scan(document):
        return found, _BLANK_SCAN_ADVICE
    return found, _BLANK_PDF_ADVICE


def check_document(findings: Findings, document: ExtractedDocument) -> None:
    """Find an empty or near-empty document, a wrong extension and cut-off OCR."""
    config = findings.config
    total_chars = findings.metrics["characters_total"]
    findings.metrics["extension_mismatch"] = document.extension_mismatch
    findings.metrics["detected_type"] = document.detected_type
    if findings.empty_document and document.detected_type == "eml":
        found, advice = _describe_empty_email(document)
        findings.add("empty_document", found, advice)
        findings.content_cap = 0.0
    elif findings.empty_document:
        found, advice = _describe_empty(findings, document)
        findings.add("empty_document", found, advice)
        findings.content_cap = 0.0
    elif total_chars < config.min_document_chars:
        _check_near_empty(findings, document)

    if document.extension_mismatch:
        suffix = document.path.rsplit(".", 1)[-1] if "." in document.path else ""
        kind, mime = document.detected_type, document.mime_type
        expected = suggest_extension(kind, mime)
        advice = (
            f"Rename the file with the {expected} extension."
            if expected
            else ISSUES["extension_mismatch"].advice
        )
        findings.add(
            "extension_mismatch",
            f"The extension .{suffix} does not match the detected type "
            f"{describe_type(kind, mime)}.",
            advice,
        )
        findings.penalties["content"] += _EXTENSION_MISMATCH_PENALTY

    skipped = [page.number for page in document.pages if "ocr_skipped" in page.flags]
    if skipped:
        findings.add(
            "ocr_truncated",
            f"{count_noun(len(skipped), 'page was', 'pages were')} not OCR'd, "
            f"from page {skipped[0]}, because the page limit "
            "extraction.max_ocr_pages was reached.",
            ISSUES["ocr_truncated"].advice,
        )
        findings.penalties["content"] += _OCR_TRUNCATED_PENALTY


def check_words(findings: Findings) -> None:
    """Find a document without text, readable text without words, or text
    with only a few words or one phrase repeated.

    Such text has no reading ease to judge, so readability is left unscored,
    and so is structure for text without words. The content score is capped
    as for a near-empty document (an empty document keeps its content score
    of 0).
    """
    config = findings.config
    texts = [page.text for page in findings.readable_pages]
    # The same sample of tokens that readability analyses.
    counts = count_words(texts, max_tokens=config.readability_max_words)
    repetition = measure_phrase_repetition(
        texts, max_tokens=config.readability_max_words
    )
    findings.metrics["letter_words"] = counts.words
    findings.metrics["distinct_words"] = counts.distinct_words
    # Table rules and bullets ("|", "---", "*") are neither words nor numbers.
    findings.metrics["letter_word_share"] = (
        round(counts.words / counts.alphanumeric_tokens, 3)
        if counts.alphanumeric_tokens
        else None
    )
    findings.metrics["repeated_phrase_share"] = round(repetition.share, 3)
    findings.metrics["repeated_phrase_words"] = repetition.phrase_words
    findings.table = find_table(texts)
    findings.metrics["table_rows"] = findings.table.rows if findings.table else 0
    findings.amount_lines = count_amount_lines(texts)
    amounts, lines = findings.amount_lines
    findings.metrics["amount_line_share"] = round(amounts / lines, 3) if lines else 0.0
    if findings.empty_document:
        # The advice of empty_document fits this document, so both issues
        # carry it and the recommendations list it once.
        advice = next(
            issue.recommendation
            for issue in findings.issues
            if issue.code == "empty_document"
        )
        findings.add(
            "no_words",
            "The document has no text, so readability and structure are not scored.",
            advice,
        )
    elif counts.tokens and not counts.words:
        findings.add(
            "no_words",
            f"{_no_letter_tokens(counts.tokens)}, so readability and structure "
            "are not scored.",
            ISSUES["no_words"].advice,
        )
    elif findings.table is not None:
        # A column of product names or labels repeats its few words by design.
        return
    elif (
        counts.words >= config.readability_min_words
        and counts.distinct_words < MIN_DISTINCT_WORDS
    ):
        findings.add(
            "few_distinct_words",
            f"The readable text has {count_noun(counts.words, 'word')} but only "
            f"{count_noun(counts.distinct_words, 'distinct word')}, fewer than "
            f"{MIN_DISTINCT_WORDS}, so readability is not scored.",
            ISSUES["few_distinct_words"].advice,
        )
    elif (
        repetition.words >= MIN_PHRASE_TEXT_WORDS
        and repetition.share > MAX_PHRASE_REPEAT_SHARE
    ):
        findings.add(
            "repeated_phrase",
            _describe_repeated_phrase(repetition),
            ISSUES["repeated_phrase"].advice,
        )
    else:
        return
    cap = _NEAR_EMPTY_CAP
    findings.content_cap = (
        cap if findings.content_cap is None else min(cap, findings.content_cap)
    )


def _describe_repeated_phrase(repetition: PhraseRepetition) -> str:
    length = repetition.phrase_words
    before = "the word" if length == 1 else f"the {length} words"
    scope = "first " if repetition.words_read == PHRASE_SAMPLE_TOKENS else ""
    return (
        f"{repetition.share:.0%} of the {scope}{repetition.words} words of the "
        f"readable text repeat {before} before them, as in {repetition.phrase!r} "
        f"repeated back to back. That is more than {MAX_PHRASE_REPEAT_SHARE:.0%}, "
        "so the text is one phrase repeated and readability is not scored."
    )


def _no_letter_tokens(tokens: int) -> str:
    if tokens == 1:
        return "The one token of the readable text contains no letter"
    return f"None of the {tokens} tokens of the readable text contains a letter"


def explain_unscored(findings: Findings) -> None:
    """Add an issue for each score left out that no other issue explains."""
    names = {"readability": "Readability", "structure": "Structure"}
    for score, reason in findings.unscored.items():
        kind = findings.unscored_kind.get(score, "short")
        findings.add(
            "score_not_applicable",
            f"{names[score]} is not scored and the overall score leaves it out: "
            f"{reason}.",
            _unscored_advice(findings, kind),
        )


#: Issues that explain why a document has too little text to score, in the
#: order their advice is preferred.
_TEXT_LOSS_ISSUES = (
    "garbage_text",
    "no_text_layer",
    "empty_page",
    "near_empty_document",
    "ocr_truncated",
)


def _unscored_advice(findings: Findings, kind: str) -> str:
    """Return the advice for a score left out for a reason of ``kind``."""
    if kind == "numbers":
        return (
            "Nothing to do: tables, receipts and lists of figures have no "
            "reading ease, so the other scores judge them."
        )
    if kind == "language":
        return (
            f"Nothing to do: docflow has no readability formula for language "
            f"{findings.language!r}, so the other scores judge the document."
        )
    if kind == "sentences":
        return "Nothing to do if the text is a list or a form without sentences."
    for code in _TEXT_LOSS_ISSUES:
        if findings.has_issue(code):
            return f"See {code}, which explains why so little text was read."
    return ISSUES["score_not_applicable"].advice


def resolve_language(findings: Findings, document: ExtractedDocument) -> None:
    """Take the language from extraction, else guess it, else use the fallback."""
    language = readability.normalize_language(document.language)
    source = "document"
    if language is None:
        sample = "\n".join(page.text for page in document.pages[:20])
        language = detect_language(sample)
        source = "detected"
    if language is None:
        language = readability.normalize_language(findings.config.fallback_language)
        source = "fallback"
    findings.language = language or "en"
    findings.metrics["language"] = findings.language
    findings.metrics["language_source"] = source


def check_readability(findings: Findings, document: ExtractedDocument) -> None:
    """Count text statistics once, derive the formulas and judge sentence length."""
    config = findings.config
    language = findings.language
    pages, ocr_gap = _pages_for_readability(findings)
    stats = readability.count_text_statistics(
        (page.text for page in pages),
        language,
        max_words=config.readability_max_words,
        long_sentence_words=config.long_sentence_words,
        # The DOCX extractor writes each paragraph and table row on one line,
        # so a line without a full stop is a heading, list item or row.
        paragraph_lines=document.detected_type == "docx",
    )
    formulas = readability.compute_readability(stats)
    counts = stats.as_dict()
    counts["readability_sampled"] = counts.pop("sampled")
    counts.pop("language")
    findings.metrics.update(counts)
    findings.metrics.update(formulas)
    findings.metrics["readability_max_words"] = config.readability_max_words
    findings.metrics["words_per_sentence"] = (
        round(stats.words / stats.sentences, 2) if stats.sentences else None
    )

    reading_ease = formulas["flesch_reading_ease"]
    variant = readability.FLESCH_VARIANTS.get(language)
    findings.metrics["readability_formula"] = variant.name if variant else None
    gap = ocr_gap or _find_readability_gap(findings, reading_ease, variant is not None)
    if gap is not None:
        note, kind = gap
        findings.readability_applicable = False
        findings.metrics["readability_applicable"] = False
        findings.metrics["readability_note"] = note
        # The formulas still give numbers here, such as a reading ease of -30
        # for one word repeated, but no score rests on them, so they are null.
        findings.metrics.update(dict.fromkeys(formulas, None))
        # low_ocr_confidence, raised page by page, already explains an OCR gap.
        explained = ("no_words", "few_distinct_words", "repeated_phrase") + (
            ("low_ocr_confidence",) if kind == "ocr" else ()
        )
        if not findings.has_issue(*explained):
            findings.unscored["readability"] = note
            findings.unscored_kind["readability"] = kind
        _check_long_sentences(findings, stats)
        return

    findings.readability_applicable = True
    findings.metrics["readability_applicable"] = True
    findings.metrics["readability_note"] = readability.describe_left_out_formulas(
        language
    )
    findings.readability_base = 100.0 * reading_ease / config.readability_target
    # The long-sentence penalty comes first, so that the low_readability
    # message can give the score that is stored.
    long_sentence_penalty = _long_sentence_penalty(findings, stats)
    findings.penalties["readability"] += long_sentence_penalty
    _check_low_readability(findings, stats, reading_ease, long_sentence_penalty)
    _check_long_sentences(findings, stats)


def _pages_for_readability(
    findings: Findings,
) -> tuple[list[Page], tuple[str, str] | None]:
    """Return the readable pages whose words can be trusted, and a gap when none.

    OCR text below ``quality.low_ocr_confidence`` is mostly misread words
    (at 44-50 a paper page reads "Acurte document you analyse"), so its
    reading ease measures tesseract, not the document. Such pages are left
    out of readability, and when no page is left readability is not scored
    (the words of every page are then counted, and the formulas left out).
    """
    floor = findings.config.low_ocr_confidence
    low, kept = [], []
    for page in findings.readable_pages:
        confidence = page.ocr_confidence if page.method == "ocr" else None
        (low if confidence is not None and confidence < floor else kept).append(page)
    findings.metrics["readability_low_ocr_pages"] = len(low)
    if not low or kept:
        return kept, None
    # The words are still counted for the metrics and the structure checks.
    # Only the formulas are left out.
    confidences = ", ".join(f"{page.ocr_confidence:.0f}" for page in low)
    numbers = ", ".join(str(page.number) for page in low)
    return low, (
        f"the OCR confidence of page{'s' if len(low) > 1 else ''} {numbers} "
        f"({confidences}) is below {floor:.0f} (quality.low_ocr_confidence), "
        "so the recognized words are too often misread to measure the "
        "document's readability",
        "ocr",
    )


def _find_readability_gap(
    findings: Findings, reading_ease: float | None, has_formula: bool
) -> tuple[str, str] | None:
    """Return why readability cannot be scored and the kind of reason
    (short, numbers, distinct, repeated, language or sentences), or None
    when it can.

    Flesch counts numbers as words, so text that is mostly numbers (a table
    of figures) is left unscored rather than given a reading ease.
    """
    config = findings.config
    words = findings.metrics.get("words", 0)
    letter_share = findings.metrics["letter_word_share"] or 0.0
    distinct = findings.metrics["distinct_words"]
    if not has_formula:
        return f"no Flesch formula for language {findings.language!r}", "language"
    if words < config.readability_min_words:
        return (
            f"{count_noun(words, 'word')}, fewer than "
            f"{config.readability_min_words} "
            "(quality.readability_min_words)",
            "short",
        )
    if letter_share < MIN_LETTER_WORD_SHARE:
        return (
            f"only {letter_share:.0%} of the tokens with a letter or digit contain "
            f"a letter, fewer than {MIN_LETTER_WORD_SHARE:.0%}, so the text is "
            "mostly numbers",
            "numbers",
        )
    if findings.table is not None:
        return _describe_table(findings.table), "numbers"
    if is_amount_list(*findings.amount_lines):
        amounts, lines = findings.amount_lines
        return (
            f"{amounts} of its {lines} lines have an amount, so the text is a "
            "receipt, invoice or statement rather than prose",
            "numbers",
        )
    if distinct < MIN_DISTINCT_WORDS:
        return (
            f"only {count_noun(distinct, 'distinct word')}, "
            f"fewer than {MIN_DISTINCT_WORDS}",
            "distinct",
        )
    if findings.has_issue("repeated_phrase"):
        share = findings.metrics["repeated_phrase_share"]
        return f"{share:.0%} of the words repeat one phrase back to back", "repeated"
    if reading_ease is None:
        return "no sentences", "sentences"
    return None


_SEPARATOR_NAMES = {
    "semicolon": "semicolons",
    "tab": "tabs",
    "comma": "commas",
    "pipe": "pipes (|)",
    "spaces": "gaps of two or more spaces",
}


def _describe_table(table: TableShape) -> str:
    return (
        f"the text is a table: {table.rows} of its {table.lines} lines have the "
        f"same number of {_SEPARATOR_NAMES[table.separator]} between short cells"
    )


def _check_low_readability(
    findings: Findings,
    stats: readability.TextStatistics,
    reading_ease: float,
    long_sentence_penalty: float,
) -> None:
    """Explain a readability score far below the review threshold.

    Every other score loses points only through an issue, so without this a
    readability score of 0 would come with no reason. The issue fires when
    the Flesch part alone is below ``quality.review_threshold``, because a
    long-sentence penalty comes with its own long_sentences issue. With the
    default weights and target, it names every Flesch part that takes more
    than 10 points off the overall score, that is a reading ease under 36.
    Text whose sentences average fewer than ``LOW_READABILITY_SENTENCE_WORDS``
    words, such as a resume or a bullet list, keeps its low score but gets no
    issue, because its long words are names and terms, not hard prose.
    """
    config = findings.config
    limit = config.review_threshold
    flesch_part = max(0.0, min(100.0, findings.readability_base))
    if flesch_part >= limit:
        return
    if stats.words < LOW_READABILITY_SENTENCE_WORDS * stats.sentences:
        return
    if long_sentence_penalty:
        gives = (
            f"which gives {flesch_part:.1f}, less {long_sentence_penalty:.1f} for "
            f"long sentences (long_sentences), so a readability score of "
            f"{findings.readability_score():.1f}"
        )
    else:
        gives = f"which gives a readability score of {findings.readability_score():.1f}"
    findings.add(
        "low_readability",
        f"Flesch reading ease is {reading_ease:.1f} against a target of "
        f"{config.readability_target:g} (quality.readability_target), {gives}, "
        f"below {limit:g} (quality.review_threshold). The analyzed text has "
        f"{stats.words / stats.sentences:.1f} words per sentence and "
        f"{stats.syllables / stats.words:.2f} syllables per word.",
        ISSUES["low_readability"].advice,
    )


def _long_sentence_share(
    findings: Findings, stats: readability.TextStatistics
) -> float:
    share = stats.long_sentences / stats.sentences if stats.sentences else 0.0
    findings.metrics["long_sentence_share"] = round(share, 3)
    return share


def _long_sentence_penalty(
    findings: Findings, stats: readability.TextStatistics
) -> float:
    """Return the points the long_sentences issue takes off readability."""
    excess = _long_sentence_share(findings, stats) - findings.config.long_sentence_share
    if excess <= 0:
        return 0.0
    return min(_MAX_LONG_SENTENCE_PENALTY, 100.0 * excess)


def _check_long_sentences(
    findings: Findings, stats: readability.TextStatistics
) -> None:
    config = findings.config
    share = _long_sentence_share(findings, stats)
    if stats.sentences == 0 or share <= config.long_sentence_share:
        return
    few_words = findings.metrics["distinct_words"] < MIN_DISTINCT_WORDS
    # One word or a short phrase repeated without a full stop counts as one
    # long sentence, but such text has no sentences worth judging. A repeated
    # phrase longer than the sentence limit is itself a long sentence.
    short_phrase = (
        findings.metrics["repeated_phrase_words"] <= config.long_sentence_words
    )
    if few_words or (findings.has_issue("repeated_phrase") and short_phrase):
        return
    if findings.table is not None or is_amount_list(*findings.amount_lines):
        # A row without a full stop runs into the next one as one sentence.
        return
    scope = f" in the first {count_noun(stats.words, 'word')}" if stats.sampled else ""
    sentences = "sentence" if stats.sentences == 1 else "sentences"
    verb = "has" if stats.long_sentences == 1 else "have"
    findings.add(
        "long_sentences",
        f"{stats.long_sentences} of {stats.sentences} {sentences}{scope} "
        f"({share:.0%}) {verb} more than {config.long_sentence_words} words "
        f"(quality.long_sentence_words), above the limit of "
        f"{config.long_sentence_share:.0%} (quality.long_sentence_share). "
        f"The longest has {count_noun(stats.max_sentence_words, 'word')}.",
        f"Split sentences over {config.long_sentence_words} words into shorter ones.",
    )


def check_structure(findings: Findings, document: ExtractedDocument) -> None:
    """Find long documents without headings and repeated lines or paragraphs."""
    config = findings.config
    texts = [page.text for page in findings.readable_pages]
    headings = len(document.headings)
    source = "extraction"
    if not headings:
        headings = count_text_headings(texts)
        source = "text"
    findings.metrics.update(
        headings=headings, headings_source=source, tables=document.tables
    )
    total_words = findings.metrics.get("total_words", 0)
    expected = config.headings_expected_words
    prose_words = 0
    # Tables and form fields need no headings, so only running text counts.
    # It is counted only when the check can fire, because a 3 MB book took
    # 0.25 s on a 2-core machine.
    if headings == 0 and total_words >= expected and findings.table is None:
        prose_words = count_prose_words(texts, findings.language)
        if prose_words >= expected:
            findings.add(
                "no_headings_long_document",
                f"The document has {count_noun(total_words, 'word')}, "
                f"{prose_words} of them in running text, and no headings. "
                f"Headings are expected from {count_noun(expected, 'word')} "
                "of running text "
                "(quality.headings_expected_words).",
                "Add headings that divide the document into sections.",
            )
            findings.penalties["structure"] += _NO_HEADINGS_PENALTY

    _check_wall_of_text(findings, document, headings)
    share, compared_lines = measure_repeated_share(texts)
    findings.metrics["repeated_text_share"] = round(share, 3)
    _judge_structure_basis(findings, headings, prose_words, compared_lines)
    if share > config.repeated_text_ratio:
        findings.add(
            "repeated_text",
            f"{share:.0%} of the text repeats earlier lines or paragraphs, more "
            f"than {config.repeated_text_ratio:.0%} (quality.repeated_text_ratio).",
            ISSUES["repeated_text"].advice,
        )
        findings.penalties["structure"] += min(_MAX_REPEAT_PENALTY, 100.0 * share)


def _judge_structure_basis(
    findings: Findings, headings: int, prose_words: int, compared_lines: int
) -> None:
    """Decide whether the structure checks had anything to judge.

    Repetition is judged from two lines of 20 or more characters, and
    headings from ``quality.headings_expected_words`` words when the
    document has headings or that much running text. A single line, or a few
    short ones, leaves structure unscored instead of scoring it 100.
    """
    if findings.has_issue("no_words"):
        return
    total_words = findings.metrics.get("total_words", 0)
    expected = findings.config.headings_expected_words
    judged_headings = total_words >= expected and (
        headings > 0 or prose_words >= expected
    )
    wall = findings.has_issue("wall_of_text")
    if compared_lines >= _MIN_COMPARED_LINES or judged_headings or wall:
        findings.structure_applicable = True
        return
    if total_words < expected:
        found = count_noun(total_words, "word")
    else:
        # Tables and form fields are not running text (see check_structure).
        found = f"{count_noun(total_words, 'word')}, {prose_words} of running text"
    findings.unscored["structure"] = (
        f"repeated text needs {_MIN_COMPARED_LINES} lines of {MIN_REPEAT_CHARS} "
        f"or more characters to compare, and the text has {compared_lines}. "
        "Headings are expected from "
        f"{expected} words of running text (quality.headings_expected_words), "
        f"and it has {found}"
    )


#: Lines of ``MIN_REPEAT_CHARS`` or more characters that repetition needs to
#: compare before it judges structure.
_MIN_COMPARED_LINES = 2


def split_paragraphs(texts: list[str], blank_line_breaks: bool) -> list[str]:
    """Split ``texts`` into the paragraphs that have a word character.

    Paragraphs end at blank lines when ``blank_line_breaks`` is true, else at
    every line break. A page break always ends a paragraph.
    """
    separator = re.compile(r"\n[^\S\n]*\n" if blank_line_breaks else r"\n")
    return [
        paragraph
        for text in texts
        for paragraph in separator.split(text)
        if _WORD_CHARACTER.search(paragraph)
    ]


def count_paragraphs(texts: list[str], blank_line_breaks: bool) -> int:
    """Count the paragraphs with a word character in ``texts``."""
    return len(split_paragraphs(texts, blank_line_breaks))


_WORD_CHARACTER = re.compile(r"\w")


def _check_wall_of_text(
    findings: Findings, document: ExtractedDocument, headings: int
) -> None:
    """Find running text written mostly in very long paragraphs.

    The document is a wall of text when ``WALL_OF_TEXT_SHARE`` or more of its
    running-text words are in paragraphs of ``WALL_OF_TEXT_WORDS`` or more
    running-text words, and it has at most one heading, which reads as a
    title rather than as sections. A salutation, a one-line introduction or a
    closing beside one long block therefore does not hide it.
    """
    texts = [page.text for page in findings.readable_pages]
    blank_line_breaks = document.detected_type in _BLANK_LINE_PARAGRAPH_TYPES
    paragraphs = split_paragraphs(texts, blank_line_breaks)
    findings.metrics["paragraphs"] = len(paragraphs)
    total_words = findings.metrics.get("total_words", 0)
    if headings > _TITLE_HEADINGS or total_words < WALL_OF_TEXT_WORDS:
        return
    if findings.has_issue("no_words", "few_distinct_words", "repeated_phrase"):
        # The text is not language, and that issue already explains it.
        return
    if findings.table is not None:
        return
    # Tables, form fields and lists of figures need no paragraphs, so only
    # running text counts, in the long paragraphs and in the whole text.
    language = findings.language
    long_words = []
    prose_words = 0
    for paragraph in paragraphs:
        words = count_prose_words([paragraph], language)
        prose_words += words
        if words >= WALL_OF_TEXT_WORDS:
            long_words.append(words)
    if not long_words or sum(long_words) < WALL_OF_TEXT_SHARE * prose_words:
        return
    unit = "paragraph" if blank_line_breaks else "line"
    blocks = count_noun(len(long_words), unit)
    title = "one heading" if headings else "no headings"
    findings.add(
        "wall_of_text",
        f"{sum(long_words)} of the {prose_words} words of running text "
        f"({sum(long_words) / prose_words:.0%}) are in {blocks} of "
        f"{WALL_OF_TEXT_WORDS} words or more, and the document has {title}. "
        f"Running text is expected to have paragraphs under "
        f"{WALL_OF_TEXT_WORDS} words.",
        ISSUES["wall_of_text"].advice,
    )
    findings.penalties["structure"] += _WALL_OF_TEXT_PENALTY
