"""Tests for how quality judges short texts and e-mails by their body."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page
from docflow.core.quality import analyze_quality

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_files import analyze_file, codes  # noqa: E402

SHORT_NOTE = "Hi Tom, the meeting moved to Thursday 3 pm, room 2. Kim\n"

HEADERS = (
    "From: Kim Lee <kim@example.com>\n"
    "To: Tom Berg <tom@example.com>\n"
    "Subject: Weekly planning meeting of the sales team\n"
    "Date: Mon, 02 Dec 2024 09:00:00 +0100\n"
)

ATTACHMENT_ONLY = (
    HEADERS + "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="b1"\n'
    "\n"
    "--b1\n"
    "Content-Type: image/jpeg\n"
    'Content-Disposition: attachment; filename="plan.jpg"\n'
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==\n"
    "--b1--\n"
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def test_email_headers_are_not_body_text(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "note.eml", HEADERS + "\n" + SHORT_NOTE, settings)
    assert result.metrics["characters_total"] == len("".join(SHORT_NOTE.split()))
    assert result.metrics["total_words"] == 12


def test_email_with_attachment_only(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "photo.eml", ATTACHMENT_ONLY, settings)
    [issue] = [i for i in result.issues if i.code == "empty_document"]
    assert issue.message == (
        "The e-mail has no body text, only 1 attachment: plan.jpg (image/jpeg)."
    )
    assert "attachments" in issue.recommendation
    assert "rescan" not in issue.recommendation
    assert result.overall_score == 0.0


def test_short_note_is_not_near_empty(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "note.txt", SHORT_NOTE, settings)
    assert "near_empty_document" not in codes(result)
    assert result.content_quality_score == 100.0


def test_short_note_in_email_matches_text(tmp_path: Path, settings: Settings):
    text = analyze_file(tmp_path / "note.txt", SHORT_NOTE, settings)
    mail = analyze_file(tmp_path / "note.eml", HEADERS + "\n" + SHORT_NOTE, settings)
    assert mail.overall_score == text.overall_score


def test_whole_page_without_sentence(settings: Settings):
    lines = "Quarterly figures\nSales rose in the north\nand fell in the south"
    page = Page(number=1, method="text_layer", text=lines)
    document = ExtractedDocument(path="page.pdf", detected_type="pdf", pages=[page])
    result = analyze_quality(document, settings)
    assert "near_empty_document" not in codes(result)


@pytest.mark.parametrize(
    ("detected_type", "method", "expected"),
    [
        ("text", "native", "saved in full"),
        ("pdf", "text_layer", "all pages"),
        ("pdf", "ocr", "scanned"),
    ],
)
def test_near_empty_advice_by_kind(
    detected_type: str, method: str, expected: str, settings: Settings
):
    page = Page(number=1, method=method, text="Invoice 12", ocr_confidence=90.0)
    document = ExtractedDocument(path="x", detected_type=detected_type, pages=[page])
    result = analyze_quality(document, settings)
    [issue] = [i for i in result.issues if i.code == "near_empty_document"]
    assert expected in issue.recommendation
    if detected_type == "text":
        assert "pages" not in issue.recommendation


def test_raised_minimum_flags_whole_note(tmp_path: Path) -> None:
    settings = Settings(quality={"min_document_chars": 5000})
    result = analyze_file(tmp_path / "note.txt", SHORT_NOTE, settings)
    [issue] = [i for i in result.issues if i.code == "near_empty_document"]
    assert issue.message.endswith("fewer than 5000 (quality.min_document_chars).")


def test_base64_line_is_not_whole_text(settings: Settings):
    encoded = "8uPr5e8gVGVzbGEgLSDw4/j5+iDn+unu5CDy7CDk4ff55CDs+On55e0g"
    page = Page(number=1, method="native", text=encoded)
    document = ExtractedDocument(path="a.txt", detected_type="text", pages=[page])
    result = analyze_quality(document, settings)
    assert "near_empty_document" in codes(result)


def test_short_email_body_names_attachments(tmp_path: Path, settings: Settings):
    text = ATTACHMENT_ONLY.replace(
        "--b1\nContent-Type: image/jpeg",
        "--b1\nContent-Type: text/plain\n\nSent from my phone\n"
        "--b1\nContent-Type: image/jpeg",
    )
    result = analyze_file(tmp_path / "photo.eml", text, settings)
    [issue] = [i for i in result.issues if i.code == "near_empty_document"]
    assert "attachments" in issue.recommendation
