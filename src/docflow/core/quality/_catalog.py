"""Descriptions of every quality metric, issue code and score.

``quality_metrics_catalog`` returns them for the ``get_quality_metrics`` MCP
tool. The issue table also gives each code its severity and the advice that
the per-document recommendations repeat.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from docflow.core.ocr import INSTALL_HINT
from docflow.core.quality._text import (
    LONG_PHRASE_CANDIDATES,
    MAX_PHRASE_REPEAT_SHARE,
    MAX_TABLE_CELL_CHARS,
    MIN_AMOUNT_LINE_SHARE,
    MIN_COMPLETE_WORDS,
    MIN_DISTINCT_WORDS,
    MIN_PHRASE_TEXT_WORDS,
    MIN_TABLE_NUMBER_SHARE,
    MIN_TABLE_ROW_SHARE,
    MIN_TABLE_ROWS,
    MIN_WHOLE_PAGE_WORDS,
    PHRASE_SAMPLE_TOKENS,
    SHORT_PHRASE_WORDS,
)

Severity = Literal["info", "warning", "error"]


class IssueSpec(NamedTuple):
    severity: Severity
    description: str
    advice: str
    setting: str | None


ISSUES: dict[str, IssueSpec] = {
    "empty_document": IssueSpec(
        "error",
        "No text was found in the whole document. For an image under 150 dpi, "
        "or without a dpi and under 1000 pixels on its longer side, the message "
        "names its size and resolution. An e-mail is judged by its body alone, "
        "so one without body text is empty, and the message lists its "
        "attachments.",
        "Check that the file is the intended document; if it is a scan and "
        "OCR was off, enable OCR (extraction.ocr), else rescan it.",
        None,
    ),
    "near_empty_document": IssueSpec(
        "warning",
        "The document has fewer non-space characters than the minimum and "
        "does not read as a whole text of a quarter of the minimum or more. "
        "A short text is whole with "
        f"{MIN_COMPLETE_WORDS} words or more and a full sentence, a greeting "
        f"or a closing, or with {MIN_WHOLE_PAGE_WORDS} words or more on a "
        "single page read from a text layer or a text file.",
        "Check that the whole document was captured (all pages, not a cover "
        "sheet only).",
        "quality.min_document_chars",
    ),
    "empty_page": IssueSpec(
        "warning",
        "A page has no text, or fewer non-space characters than the minimum "
        "while another page reaches it. A document without any text gets "
        "empty_document in its place.",
        "Remove blank pages, or rescan them if they should carry text.",
        "quality.empty_page_chars",
    ),
    "no_text_layer": IssueSpec(
        "error",
        "A page got no text: it has no text layer and OCR was disabled, "
        "skipped at the page limit or failed to render it.",
        "If OCR was off, turn it on with --ocr or extraction.ocr = true; OCR "
        f"needs tesseract (`{INSTALL_HINT}`). If the OCR page limit was reached, "
        "raise extraction.max_ocr_pages. Else ask for a PDF with a text layer.",
        None,
    ),
    "garbage_text": IssueSpec(
        "error",
        "A page's text is unreadable: unmapped glyphs (cid:N), replacement "
        "characters or mostly non-word tokens.",
        "For a text layer, re-export the PDF with embedded fonts that map to "
        "Unicode, or OCR the page instead; for OCR'd text, check the OCR "
        "language (extraction.ocr_languages).",
        None,
    ),
    "low_ocr_confidence": IssueSpec(
        "warning",
        "tesseract's mean word confidence on an OCR'd page is below the minimum.",
        "Rescan at 300 dpi or higher, straight and with good contrast, and "
        "check the OCR language (extraction.ocr_languages).",
        "quality.low_ocr_confidence",
    ),
    "ocr_truncated": IssueSpec(
        "warning",
        "OCR stopped before the last page because of the page limit, so some "
        "pages were not read.",
        "Raise extraction.max_ocr_pages or split the document.",
        "extraction.max_ocr_pages",
    ),
    "low_readability": IssueSpec(
        "info",
        "Flesch reading ease is so far below quality.readability_target that "
        "it alone puts the readability score under quality.review_threshold, "
        "and sentences average 20 words or more. Short items, as in a resume "
        "or a bullet list, get no issue.",
        "If the document is meant for general readers, write shorter "
        "sentences and use shorter, more common words.",
        "quality.readability_target, quality.review_threshold",
    ),
    "long_sentences": IssueSpec(
        "info",
        "Too large a share of sentences exceeds the word limit. Text of "
        f"fewer than {MIN_DISTINCT_WORDS} distinct words, or with "
        "repeated_phrase, is not judged.",
        "Split long sentences into shorter ones.",
        "quality.long_sentence_words, quality.long_sentence_share",
    ),
    "no_headings_long_document": IssueSpec(
        "info",
        "A document with a long running text has no headings. Lines of "
        "tables and form fields do not count towards its length.",
        "Add headings that divide the document into sections.",
        "quality.headings_expected_words",
    ),
    "wall_of_text": IssueSpec(
        "warning",
        "70% or more of the running text is in paragraphs of 200 words or "
        "more, and the document has no headings or only a title. A paragraph "
        "is one line, or for text and Markdown files one block without blank "
        "lines. Tables and form fields do not count towards the words.",
        "Break the text into paragraphs of a few sentences each, and add "
        "headings if it covers several topics.",
        None,
    ),
    "repeated_text": IssueSpec(
        "warning",
        "A large share of the text repeats lines or paragraphs found earlier.",
        "Remove duplicated passages, or check that extraction did not read "
        "the same layer twice.",
        "quality.repeated_text_ratio",
    ),
    "no_words": IssueSpec(
        "warning",
        "The readable text has no words: its tokens are numbers, punctuation, "
        "symbols or emoji only, or the document has no text at all. "
        "Readability and structure are not scored.",
        "Check that the file is the intended document and that extraction "
        "read its text; a scan of a page of words needs OCR (extraction.ocr).",
        None,
    ),
    "few_distinct_words": IssueSpec(
        "warning",
        f"The readable text repeats fewer than {MIN_DISTINCT_WORDS} distinct "
        "words, so it is not language. Readability is not scored.",
        "Check that the file is the intended document and not filler or test "
        "text, and that extraction did not repeat one word of the page.",
        "quality.readability_min_words",
    ),
    "repeated_phrase": IssueSpec(
        "warning",
        f"More than {MAX_PHRASE_REPEAT_SHARE:.0%} of the words of the readable "
        "text repeat one phrase, a sentence or a paragraph back to back, so it "
        "is not language. Text of fewer than "
        f"{MIN_PHRASE_TEXT_WORDS} words is not judged. Readability is not scored.",
        "Check that the file is the intended document and not filler or test "
        "text, and that extraction did not read one text object many times.",
        None,
    ),
    "score_not_applicable": IssueSpec(
        "info",
        "Readability or structure is not scored because the text gives it "
        "nothing to judge: no Flesch formula for the language, too few words, "
        "mostly numbers, no sentences, or a single line. The overall score is "
        "the weighted mean of the others. The advice follows the reason, and "
        "for too few words it names the issue that explains the missing text "
        "(garbage_text, no_text_layer, empty_page, near_empty_document or "
        "ocr_truncated) when there is one.",
        "Nothing to do if the document is short by design.",
        "quality.readability_min_words, quality.headings_expected_words",
    ),
    "extension_mismatch": IssueSpec(
        "warning",
        "The file extension names another type than the content has.",
        "Rename the file with the extension of its real type.",
        None,
    ),
}

SCORES: dict[str, str] = {
    "overall_score": "Weighted mean of the three scores below with weights "
    "quality.readability_weight, structure_weight and content_weight; "
    "a score that is null is left out. 0 for an empty document.",
    "readability_score": "100 x Flesch reading ease / quality.readability_target, "
    "capped to 0-100, minus up to 30 when long_sentences fires; low_readability "
    "explains a Flesch part under quality.review_threshold when sentences "
    "average 20 words or more. Null, with "
    "an issue that explains it, when not applicable: a language without a Flesch "
    "variant, fewer than quality.readability_min_words words, text that is "
    "mostly numbers, a table (table_rows), a receipt, invoice or statement "
    f"(amount_line_share), fewer than {MIN_DISTINCT_WORDS} distinct words, or one "
    "phrase repeated (repeated_phrase).",
    "structure_score": "100 minus 30 for no_headings_long_document, minus 70 "
    "for wall_of_text and minus 100 x the repeated-text share (at most 50) for "
    "repeated_text. Null, with an issue that explains it, when the text has no "
    "words, or fewer than two lines of 20 or more characters, no headings to "
    "judge and no wall_of_text.",
    "content_quality_score": "100 minus 80 x share of garbage pages, 80 x share "
    "of pages without a text layer, 40 x share of empty pages, 50 x share of "
    "low-confidence OCR pages, 20 for ocr_truncated and 10 for "
    "extension_mismatch; at most 30 for a near-empty document and for "
    "no_words, few_distinct_words and repeated_phrase, and 0 for an empty "
    "document.",
}

METRICS: dict[str, str] = {
    "language": "ISO 639-1 code the readability formulas used",
    "language_source": "document (from extraction), detected (stopwords, "
    "docflow.core.language) or fallback (quality.fallback_language)",
    "pages": "number of pages",
    "empty_pages": "pages without text, or below quality.empty_page_chars "
    "non-space characters while another page reaches it",
    "garbage_pages": "pages judged garbage, left out of readability",
    "no_text_layer_pages": "pages with neither a text layer nor OCR text",
    "ocr_pages": "pages whose text came from tesseract",
    "ocr_share": "ocr_pages / pages",
    "mean_ocr_confidence": "mean of tesseract page confidences (0-100), None "
    "without OCR pages",
    "min_ocr_confidence": "lowest tesseract page confidence",
    "characters_total": "non-space characters in all pages",
    "total_words": "whitespace-separated tokens in the pages used for readability",
    "words": "words analyzed for readability (punctuation removed)",
    "sentences": "sentences of three or more words in the analyzed text",
    "syllables": "pyphen syllables in the analyzed words",
    "polysyllables": "words of three or more syllables",
    "complex_words": "Gunning fog complex words: 3+ syllables, not on the "
    "Dale-Chall easy-word list",
    "long_words": "words of more than six letters",
    "letters": "letters and digits in the analyzed words",
    "characters": "non-space characters in the analyzed text",
    "tokens": "whitespace-separated tokens in the analyzed text",
    "non_word_tokens": "URLs, e-mail addresses, host names, file names and paths "
    "left out of the readability counts",
    "readability_sampled": "true when only the first quality.readability_max_words "
    "words were analyzed",
    "readability_max_words": "the quality.readability_max_words limit in force",
    "letter_words": "tokens with a letter in the first "
    "quality.readability_max_words tokens of the pages used for readability",
    "distinct_words": "distinct words among letter_words, compared lowercased",
    "letter_word_share": "letter_words / tokens with a letter or a digit; "
    "readability is not scored below 0.25",
    "readability_applicable": "false when readability is not scored, and then "
    "the formula metrics from flesch_reading_ease to automated_readability_index "
    "are null",
    "readability_note": "why readability is not applicable, when it is not. "
    "For a scored text in a language other than English, which grade-level "
    "formulas are left out (null) and why",
    "readability_low_ocr_pages": "OCR pages below quality.low_ocr_confidence, "
    "left out of readability",
    "readability_formula": "the Flesch variant used (Amstad, Kandel-Moles, ...)",
    "flesch_reading_ease": "language-specific Flesch reading ease, 0 hard to 100 easy",
    "flesch_kincaid_grade": "Flesch-Kincaid US school grade; "
    "English only, null for other languages",
    "gunning_fog": "Gunning fog index (grade); English only, null for other languages",
    "smog_index": "SMOG grade; English only, null for other languages",
    "coleman_liau_index": "Coleman-Liau index (grade); "
    "English only, null for other languages",
    "automated_readability_index": "automated readability index (grade); "
    "English only, null for other languages",
    "words_per_sentence": "mean words per sentence",
    "long_sentences": "sentences over quality.long_sentence_words words",
    "long_sentence_share": "long_sentences / sentences",
    "max_sentence_words": "words in the longest sentence",
    "headings": "headings found",
    "headings_source": "extraction, or text (Markdown # lines, CHAPTER/Section "
    "lines, short capitalised lines) when extraction found none",
    "tables": "tables found by extraction",
    "paragraphs": "paragraphs with a word character: blocks between blank "
    "lines in text and Markdown files, lines in other types",
    "repeated_text_share": "share of characters in lines of 20+ characters that "
    "repeat an earlier line",
    "repeated_phrase_share": "share of the words in the first "
    f"{PHRASE_SAMPLE_TOKENS:,} tokens, lines with a digit or a blank to fill in "
    "left out, that equal the word repeated_phrase_words places before. The "
    f"phrase lengths tried are 1 to {SHORT_PHRASE_WORDS} words and the "
    f"{LONG_PHRASE_CANDIDATES} most frequent longer distances from a word to its "
    f"previous occurrence. Phrases longer than {SHORT_PHRASE_WORDS} words are "
    "compared within one page. The largest share wins; repeated_phrase fires "
    f"above {MAX_PHRASE_REPEAT_SHARE}",
    "table_rows": "lines of the readable text that are rows of one table, "
    f"sharing a cell separator (;, tab, comma, | or a gap of two or more "
    f"spaces) the same number of times in cells of {MAX_TABLE_CELL_CHARS} "
    f"characters or fewer on average, {MIN_TABLE_NUMBER_SHARE:.0%} of them "
    f"with a digit; 0 unless they are {MIN_TABLE_ROWS} or "
    f"more and {MIN_TABLE_ROW_SHARE:.0%} of the non-blank lines. A table is "
    "not judged as prose: readability is not scored, and wall_of_text, "
    "no_headings_long_document, long_sentences, few_distinct_words and "
    "repeated_phrase do not fire",
    "amount_line_share": "share of the non-blank lines of the readable text "
    "(the first 2,000) with an amount of two decimals; from "
    f"{MIN_AMOUNT_LINE_SHARE}, and {MIN_TABLE_ROWS} such lines or more, the "
    "text is a receipt, invoice or statement, "
    "readability is not scored and long_sentences does not fire",
    "repeated_phrase_words": "words in the phrase of repeated_phrase_share; 0 "
    "when no word equals the word at any tried length before it",
    "extension_mismatch": "true when the extension names another type",
    "detected_type": "file type extraction detected from the content",
}


def quality_metrics_catalog() -> list[dict[str, Any]]:
    """Return every score, metric and issue code with its description."""
    entries: list[dict[str, Any]] = []
    for name, description in SCORES.items():
        entries.append({"kind": "score", "name": name, "description": description})
    for name, description in METRICS.items():
        entries.append({"kind": "metric", "name": name, "description": description})
    for code, spec in ISSUES.items():
        entries.append(
            {
                "kind": "issue",
                "name": code,
                "severity": spec.severity,
                "description": spec.description,
                "recommendation": spec.advice,
                "setting": spec.setting,
            }
        )
    return entries
