"""Tests for the quality metrics catalog and the Markdown report."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import DocumentResult, ExtractedDocument, Page, Status
from docflow.core.quality import analyze_quality, quality_metrics_catalog, render_report

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CONTRACT = CORPUS / "labeled" / "contract" / "ghpol__github-event-terms.md"

EXPECTED_CODES = {
    "empty_document",
    "near_empty_document",
    "empty_page",
    "no_text_layer",
    "garbage_text",
    "low_ocr_confidence",
    "ocr_truncated",
    "long_sentences",
    "low_readability",
    "no_headings_long_document",
    "wall_of_text",
    "repeated_text",
    "extension_mismatch",
    "no_words",
    "few_distinct_words",
    "repeated_phrase",
    "score_not_applicable",
}


def test_catalog_lists_every_issue_code() -> None:
    issues = [entry for entry in quality_metrics_catalog() if entry["kind"] == "issue"]
    assert {entry["name"] for entry in issues} == EXPECTED_CODES
    for entry in issues:
        assert entry["severity"] in ("info", "warning", "error")
        assert entry["description"]
        assert entry["recommendation"]


def test_catalog_lists_scores() -> None:
    scores = {e["name"] for e in quality_metrics_catalog() if e["kind"] == "score"}
    assert scores == {
        "overall_score",
        "readability_score",
        "structure_score",
        "content_quality_score",
    }


@pytest.mark.skipif(not CONTRACT.is_file(), reason="corpus not present")
def test_catalog_covers_result_metrics() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    document = ExtractedDocument(
        path=str(CONTRACT),
        detected_type="markdown",
        pages=[Page(number=1, method="ocr", ocr_confidence=80.0, text=text)],
    )
    result = analyze_quality(document, Settings())
    described = {e["name"] for e in quality_metrics_catalog() if e["kind"] == "metric"}
    assert set(result.metrics) - described == set()


def test_report_on_document_results() -> None:
    blank = ExtractedDocument(
        path="blank.pdf",
        detected_type="pdf",
        pages=[Page(number=1, method="text_layer", text="Invoice 12")],
    )
    quality = analyze_quality(blank, Settings())
    results = [
        DocumentResult(path="blank.pdf", status=Status.OK, quality=quality),
        DocumentResult(
            path="locked.pdf",
            status=Status.PASSWORD_REQUIRED,
            error="locked.pdf: the PDF is encrypted",
        ),
    ]
    report = render_report(results)
    assert report.startswith("# Document quality report\n")
    assert "2 documents, 1 analyzed" in report
    assert "| blank.pdf | ok |" in report
    assert "| locked.pdf | password_required | - |" in report
    assert "| near_empty_document | warning | 1 |" in report
    assert (
        "Not analyzed (password_required): locked.pdf: the PDF is encrypted" in report
    )
    assert "What to do:" in report


def test_report_on_quality_results() -> None:
    document = ExtractedDocument(
        path="a|b.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text="  ")],
    )
    report = render_report([analyze_quality(document, Settings())])
    assert "| document 1 | ok | 0.0 |" in report
    assert "`empty_document`" in report


def test_report_without_documents() -> None:
    assert "No documents." in render_report([])


def test_report_escapes_markup_in_names() -> None:
    """A file name or error with Markdown or HTML in it renders as plain text."""
    markdown_it = pytest.importorskip("markdown_it")  # installed with rich
    name = "<b>odd*x*_y_`z`[a](b)|c~~d~~&amp;#.txt"
    document = ExtractedDocument(
        path=name,
        detected_type="text",
        pages=[Page(number=1, method="native", text="  ")],
    )
    quality = analyze_quality(document, Settings())
    results = [
        DocumentResult(path=name, status=Status.OK, quality=quality),
        DocumentResult(
            path="locked.pdf",
            status=Status.PASSWORD_REQUIRED,
            error=f"{name}:\nthe PDF is **encrypted**",
        ),
    ]

    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    html = renderer.render(render_report(results))

    assert "<b>" not in html
    assert "<em>" not in html
    assert "<code>z</code>" not in html
    assert "<a " not in html
    assert "<s>" not in html
    assert "<strong>encrypted</strong>" not in html
    literal = "&lt;b&gt;odd*x*_y_`z`[a](b)|c~~d~~&amp;amp;#.txt"
    assert f"<td>{literal}</td>" in html
    assert f"<h3>{literal}</h3>" in html
    assert f"{literal}: the PDF is **encrypted**</p>" in html


def test_report_shows_control_characters_and_blank_path() -> None:
    """generate_report lists a path with a NUL, or a blank one, as a row."""
    results = [
        DocumentResult(
            path="\0x\tz",
            status=Status.UNREADABLE,
            error="the path contains a NUL character (\\x00)",
        ),
        DocumentResult(path=" ", status=Status.UNREADABLE, error="the path is empty"),
    ]

    report = render_report(results)

    # The CLI prints the name as \x00x\tz, and Markdown doubles backslashes.
    assert "\0" not in report
    assert "\t" not in report
    assert "| \\\\x00x\\\\tz | unreadable |" in report
    assert "### \\\\x00x\\\\tz" in report
    assert "| (empty path) | unreadable |" in report
    assert "### (empty path)\n\nNot analyzed (unreadable): the path is empty" in report
