"""Readability is not scored on OCR text below quality.low_ocr_confidence."""

from __future__ import annotations

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page
from docflow.core.quality import analyze_quality

PROSE = " ".join(
    [
        "The committee met on Monday to review the budget for the next year.",
        "Members agreed that the library needs new shelves and better lights.",
        "The treasurer explained that the costs rose by a small amount.",
        "Several people asked whether the reading room could stay open later.",
        "The chair promised to write to the city council before the summer.",
        "A short vote approved the plan, and the meeting ended at nine.",
        "The minutes will be sent to every member by the end of the week.",
        "Questions about the budget can be sent to the treasurer by mail.",
        "The next meeting will take place in the small hall on the first floor.",
        "Coffee and tea will be served before the meeting starts at seven.",
    ]
)


def analyze_ocr_page(confidence: float):
    page = Page(
        number=1, method="ocr", chars=len(PROSE), text=PROSE, ocr_confidence=confidence
    )
    document = ExtractedDocument(
        path="/scans/minutes.png", detected_type="image", pages=[page], language="en"
    )
    return analyze_quality(document, Settings())


def test_low_ocr_confidence_not_scored() -> None:
    result = analyze_ocr_page(45.0)
    assert result.readability_score is None
    assert result.metrics["readability_applicable"] is False
    assert "quality.low_ocr_confidence" in result.metrics["readability_note"]
    assert result.metrics["flesch_reading_ease"] is None
    assert result.metrics["words"] > 100


def test_confident_ocr_scored() -> None:
    result = analyze_ocr_page(90.0)
    assert result.readability_score is not None
    assert result.metrics.get("readability_note") is None


def test_low_ocr_gap_explained_by_page_issue() -> None:
    issues = analyze_ocr_page(45.0).issues
    assert "low_ocr_confidence" in [issue.code for issue in issues]
    assert not any(issue.message.startswith("Readability") for issue in issues)


GERMAN = " ".join(
    [
        "Der Vorstand hat am Montag den Haushalt für das nächste Jahr geprüft.",
        "Die Mitglieder waren sich einig, dass die Bibliothek neue Regale braucht.",
        "Der Kassenwart erklärte, dass die Kosten nur leicht gestiegen sind.",
        "Einige fragten, ob der Lesesaal am Abend länger geöffnet bleiben kann.",
        "Die Vorsitzende versprach, vor dem Sommer an die Stadt zu schreiben.",
        "Nach einer kurzen Abstimmung wurde der Plan ohne Gegenstimme angenommen.",
        "Das Protokoll geht bis zum Ende der Woche an alle Mitglieder.",
        "Fragen zum Haushalt können per Post an den Kassenwart gehen.",
    ]
)


def test_german_text_notes_left_out_grades() -> None:
    text = f"{GERMAN}\n\n{GERMAN}"
    page = Page(number=1, method="text_layer", chars=len(text), text=text)
    document = ExtractedDocument(
        path="/docs/protokoll.txt", detected_type="text", pages=[page], language="de"
    )
    result = analyze_quality(document, Settings())
    assert result.readability_score is not None
    assert result.metrics["flesch_kincaid_grade"] is None
    assert "flesch_kincaid_grade" in result.metrics["readability_note"]
