"""The HTML report is one self-contained file with inline SVG charts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.core.classify.corrections import corrected_results
from docflow.core.htmlreport import render_report
from docflow.core.models import (
    ClassificationMetadata,
    ClassificationResult,
    DocumentResult,
    QualityIssue,
    QualityResult,
)
from docflow.core.store import ResultWriter, Store

CHARTS = ("category-chart", "status-chart", "quality-histogram", "confidence-histogram")


class PageParser(HTMLParser):
    """Collect element ids, tag names, external references and text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.tags: list[str] = []
        self.references: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = tag
        for name in ("src", "href"):
            if attributes.get(name):
                self.references.append(attributes[name])

    def handle_data(self, data):
        self.text.append(data)


def make_result(index: int, category: str, score: float, status: str = "ok"):
    ok = status == "ok"
    return DocumentResult(
        path=f"/docs/<b>{index}</b>.pdf",
        status=status,
        error=None if ok else "damaged <script>alert(1)</script>",
        content_hash=f"h{index}",
        classification=ClassificationResult(
            category=category,
            confidence=min(1.0, 0.1 + index / 20),
            metadata=ClassificationMetadata(model_version="m1"),
        )
        if ok
        else None,
        quality=QualityResult(
            overall_score=score,
            readability_score=score,
            structure_score=score,
            content_quality_score=score,
            issues=[QualityIssue(code="empty_page", message="page 2 is <empty>")],
        )
        if ok
        else None,
        review_status=("needs_review" if score < 60 else "approved") if ok else None,
    )


@pytest.fixture
def database(tmp_path) -> str:
    path = str(tmp_path / "report.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        for index in range(12):
            category = ("invoice", "contract", "unknown")[index % 3]
            writer.add(make_result(index, category, score=index * 8.0))
        writer.add(make_result(99, "", 0, status="corrupt"))
    return path


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def test_report_has_every_chart(database):
    page = parse(render_report(Store(database).results()))
    for chart in CHARTS:
        assert page.ids.get(chart) == "svg", chart
    assert page.ids.get("review-queue") == "table"
    assert page.ids.get("worst-documents") == "table"


def test_report_is_self_contained(database):
    html = render_report(Store(database).results())
    page = parse(html)
    assert "script" not in page.tags
    assert page.references == []
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_report_escapes_document_text(database):
    html = render_report(Store(database).results())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>3</b>" not in html


def test_report_counts_categories(database):
    html = render_report(Store(database).results())
    chart = html[html.index('id="category-chart"') :]
    chart = chart[: chart.index("</svg>")]
    for category in ("invoice", "contract", "unknown"):
        assert f"<title>{category}: 4</title>" in chart


def test_report_empty_store(tmp_path):
    page = parse(render_report([]))
    assert "No data." in "".join(page.text)


def test_report_command_writes_file(database, tmp_path):
    output = tmp_path / "out.html"
    outcome = CliRunner().invoke(
        app, ["report", "--db", database, "--html", str(output), "-c", "invoice"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""
    page = parse(output.read_text(encoding="utf-8"))
    assert page.ids.get("quality-histogram") == "svg"
    assert "category invoice" in "".join(page.text)


def test_report_command_unwritable_path(database, tmp_path):
    outcome = CliRunner().invoke(
        app, ["report", "--db", database, "--html", str(tmp_path / "no" / "x.html")]
    )
    assert outcome.exit_code == 74  # output not written
    assert "cannot write the report" in outcome.stderr


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


# CI installs Chromium (make test), so there the test runs or fails.
@pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("CI"),
    reason="chromium not installed; make test installs it",
)
def test_report_renders_in_chromium(database, tmp_path):
    output = tmp_path / "report.html"
    output.write_text(render_report(Store(database).results()), encoding="utf-8")
    completed = subprocess.run(
        [
            "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            output.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    page = parse(completed.stdout)
    for chart in CHARTS:
        assert page.ids.get(chart) == "svg", chart
    assert "unknown" in "".join(page.text)


@pytest.mark.parametrize(("count", "words"), [(1, "document"), (2, "documents")])
def test_summary_counts_documents(tmp_path, count, words):
    path = str(tmp_path / "count.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        for index in range(count):
            writer.add(make_result(index, "invoice", score=80.0))
    html = render_report(Store(path).results())
    summary = html[html.index('<p class="summary">') :]
    summary = summary[: summary.index("</p>")]

    assert f"<span><b>{count}</b> {words}</span>" in summary
    assert "<b>0</b> waiting for review" in summary


def test_review_table_says_how_many_are_shown(tmp_path):
    path = str(tmp_path / "queue.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        for index in range(30):
            writer.add(make_result(index, "unknown", score=10.0))
    page = render_report(Store(path).results())
    assert page.count("<tr><td") >= 25
    assert "25 of 30 shown" in page


def test_review_table_without_note_when_all_shown(database):
    assert " shown;" not in render_report(Store(database).results())


def test_report_uses_corrected_category(database, tmp_path):
    store = Store(database)
    store.add_label("/docs/<b>2</b>.pdf", "receipt", "ann")
    output = tmp_path / "corrected.html"
    outcome = CliRunner().invoke(
        app, ["report", "--db", database, "--html", str(output)]
    )
    html = output.read_text(encoding="utf-8")
    chart = html[html.index('id="category-chart"') :]
    chart = chart[: chart.index("</svg>")]
    corrections = html[html.index('id="corrections"') :]
    corrections = corrections[: corrections.index("</table>")]
    review = html[html.index('id="review-queue"') :]
    review = review[: review.index("</table>")]

    assert outcome.exit_code == 0
    assert "<title>receipt: 1</title>" in chart
    assert "<title>unknown: 3</title>" in chart
    assert "ann" in corrections
    assert "unknown (0.20)" in corrections
    assert "&lt;b&gt;2&lt;/b&gt;.pdf" not in review
    assert "corrected by a person" in html


def test_review_table_keeps_labeled_low_quality(tmp_path):
    path = str(tmp_path / "labeled.duckdb")
    reasons = ["quality 30 under quality.review_threshold 60"]
    waiting = make_result(1, "unknown", score=30.0).model_copy(
        update={"review_reasons": ["category unknown: too little text", *reasons]}
    )
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(waiting)
    store = Store(path)
    store.add_label("/docs/<b>1</b>.pdf", "receipt", "ann")
    html = render_report(corrected_results(store))
    review = html[html.index('id="review-queue"') :]
    review = review[: review.index("</table>")]

    assert "&lt;b&gt;1&lt;/b&gt;.pdf" in review
    assert "<td>receipt</td>" in review
    assert "quality 30 under quality.review_threshold 60" in review
    assert "too little text" not in review


def test_confidence_histogram_uses_classifier_confidence(database):
    store = Store(database)
    store.add_label("/docs/<b>2</b>.pdf", "receipt", "ann")
    html = render_report(corrected_results(store))
    histogram = html[html.index('id="confidence-histogram"') :]
    histogram = histogram[: histogram.index("</svg>")]
    counts = re.findall(r"<title>[\d.]+-[\d.]+: (\d+)</title>", histogram)

    # The classifier gave the labeled document 0.2 and no document 0.9 or more.
    assert "<title>0.9-1: 0</title>" in histogram
    assert "<title>0.2-0.3: 2</title>" in histogram
    assert sum(int(count) for count in counts) == 12
    assert "classifier confidence" in histogram
    assert "before the correction" in html
    assert "For a document labeled by a person, the confidence" in html


def test_report_without_corrections_says_so(database):
    html = render_report(Store(database).results())
    assert "No category was corrected." in html
    assert "labeled by a person" not in html


def test_report_of_classify_run_names_analyze(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "memo.txt").write_text(
        "MEMO\nTo: All staff\nFrom: Facilities\nSubject: Office closure\n\n"
        "The office is closed on Friday for maintenance of the heating.\n",
        encoding="utf-8",
    )
    database = str(tmp_path / "classified.duckdb")
    env = {"DOCFLOW_STORE_CACHE_DIR": str(tmp_path / "cache")}
    classified = CliRunner().invoke(
        app, ["classify", "--db", database, str(docs), "-f", "json"], env=env
    )
    output = tmp_path / "classified.html"
    written = CliRunner().invoke(
        app, ["report", "--db", database, "--html", str(output)], env=env
    )
    html = output.read_text(encoding="utf-8")
    quality = html[html.index("<h2>Quality scores</h2>") :]
    quality = quality[: quality.index("<h2>", 4)]

    assert classified.exit_code == 0, classified.stderr
    assert written.exit_code == 0, written.stderr
    assert "No data." not in quality
    assert "<code>docflow analyze</code>" in quality
    assert "<code>docflow process</code>" in quality
    assert "labeled by a person" not in html


def test_review_table_gives_reasons(tmp_path):
    path = str(tmp_path / "reasons.duckdb")
    waiting = make_result(1, "invoice", score=30.0).model_copy(
        update={"review_reasons": ["quality 30 under quality.review_threshold <60>"]}
    )
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(waiting)
    html = render_report(Store(path).results())
    review = html[html.index('id="review-queue"') :]
    review = review[: review.index("</table>")]
    assert "<th>reasons</th>" in review
    assert "quality 30 under quality.review_threshold &lt;60&gt;" in review


def test_report_quality_one_decimal(tmp_path):
    path = str(tmp_path / "report.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(make_result(1, "unknown", score=99.6))
    html = render_report(Store(path).results())
    queue = html.split('id="review-queue"')[1].split("</table>")[0]
    assert '<td class="num">99.6</td>' in queue
    assert '<td class="num">100</td>' not in queue


def test_worst_documents_issue_text():
    from docflow.core.htmlreport import _issue_text

    quality = QualityResult(
        overall_score=70.0,
        readability_score=40.0,
        structure_score=80.0,
        content_quality_score=90.0,
        issues=[
            QualityIssue(code="empty_page", message="Page 2 is empty."),
            QualityIssue(code="few_headings", message="No headings"),
        ],
    )
    assert _issue_text(quality) == (
        "empty_page: Page 2 is empty. few_headings: No headings."
    )
    quality.issues = []
    assert _issue_text(quality) == (
        "no issue; part scores: readability 40, structure 80, content 90"
    )


def worst_table(html: str) -> str:
    return html.split('id="worst-documents"')[1].split("</table>")[0]


def test_worst_documents_give_recommendations(tmp_path):
    path = str(tmp_path / "report.duckdb")
    result = make_result(1, "invoice", score=30.0)
    result.quality.issues = [
        QualityIssue(
            code="low_ocr_confidence",
            message="OCR confidence on page 1 is 44, below 60.",
            page=1,
            recommendation="Rescan page 1 at <300> dpi or higher.",
        ),
        QualityIssue(code="empty_page", message="Page 2 is empty."),
    ]
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(result)
    table = worst_table(render_report(Store(path).results()))
    assert "<th>issues and recommendations</th>" in table
    assert "Recommendation: Rescan page 1 at &lt;300&gt; dpi or higher." in table
    assert table.count("Recommendation:") == 1


def test_worst_documents_recommend_once(tmp_path):
    """An empty document's two issues carry the same advice, shown once."""
    from docflow.core.config import Settings
    from docflow.core.models import ExtractedDocument, Page
    from docflow.core.quality import analyze_quality

    blank = Page(number=1, method="none", text="", flags=["empty"])
    document = ExtractedDocument(path="blank.pdf", detected_type="pdf", pages=[blank])
    result = make_result(1, "unknown", score=0.0)
    result.quality = analyze_quality(document, Settings())
    codes = [issue.code for issue in result.quality.issues]
    assert codes == ["empty_document", "no_words"]
    with ResultWriter(Store(str(tmp_path / "r.duckdb")), fingerprint="fp") as writer:
        writer.add(result)
    table = worst_table(render_report(Store(str(tmp_path / "r.duckdb")).results()))
    assert "<b>no_words</b>" in table
    assert table.count("Recommendation:") == 1


def test_worst_documents_show_readability(tmp_path):
    path = str(tmp_path / "report.duckdb")
    result = make_result(1, "invoice", score=55.0)
    result.quality.issues = []
    result.quality.readability_score = 71.7
    result.quality.metrics = {
        "language": "de",
        "language_source": "detected",
        "readability_formula": "Amstad (German Flesch)",
        "flesch_reading_ease": 43.0,
        "words": 200,
        "sentences": 10,
        "syllables": 400,
        "words_per_sentence": 20.0,
        "readability_applicable": True,
        "readability_note": None,
        "flesch_kincaid_grade": None,
        "gunning_fog": None,
    }
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(result)

    table = worst_table(render_report(Store(path).results(), readability_target=60))

    assert "<th>readability</th>" in table
    assert "language de (detected)" in table
    assert "formula Amstad (German Flesch)" in table
    assert "reading ease 43.0" in table
    assert "2.00 syllables per word" in table
    assert "- 20.0 for 20.0 words per sentence" in table
    assert "- 117.0 for 2.00 syllables per word" in table
    assert "100 x 43.0 / 60 (quality.readability_target), capped to 0-100." in table
    assert "Note: flesch_kincaid_grade" in table


def test_worst_documents_unscored_readability_note(tmp_path):
    path = str(tmp_path / "report.duckdb")
    result = make_result(1, "invoice", score=30.0)
    result.quality.readability_score = None
    result.quality.metrics = {
        "language": "en",
        "readability_formula": "Flesch reading ease",
        "flesch_reading_ease": None,
        "readability_applicable": False,
        "readability_note": "15 words, fewer than 100 (quality.readability_min_words)",
    }
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(result)
    table = worst_table(render_report(Store(path).results()))
    assert "Note: not scored: 15 words, fewer than 100" in table


def test_report_of_failed_documents_names_no_classify(tmp_path):
    path = str(tmp_path / "failed.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(make_result(1, "", 0, status="corrupt"))
    html = render_report(Store(path).results())
    quality = html[html.index("<h2>Quality scores</h2>") :]
    quality = quality[: quality.index("<h2>", 4)]

    assert "No data." in quality
    assert "docflow classify" not in quality
