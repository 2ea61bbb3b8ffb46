"""docflow report shows how readability was measured: formula, language, metrics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import DocumentResult, QualityResult
from docflow.core.quality import analyze_quality
from docflow.core.store import ResultWriter, Store

# Short resume lines full of long words: a low reading ease, and no
# low_readability issue because the sentences are short.
RESUME = "\n".join(
    [
        "Jane Example",
        "Professional Experience",
        "- Coordinated international procurement negotiations with suppliers.",
        "- Implemented automated reconciliation procedures for accounting.",
        "- Administered organizational documentation and regulatory reporting.",
        "- Supervised operational budgeting and quarterly forecasting activities.",
        "- Negotiated contractual agreements with transportation providers.",
        "- Developed comprehensive onboarding documentation for employees.",
        "Education",
        "- Bachelor of Business Administration, University of Illinois.",
        "- Certification in Intermediate Financial Accounting Principles.",
        "Skills",
        "- Statistical analysis, spreadsheet modelling, presentation design.",
        "- Communication, organization, prioritization, collaboration.",
        "- Multilingual correspondence in English, Spanish and Portuguese.",
        "- Inventory optimization and logistics coordination.",
        "- Administrative management of international subsidiaries.",
        "- Preparation of consolidated financial statements annually.",
        "- Evaluation of departmental expenditure against projections.",
        "- Standardization of procurement documentation across divisions.",
        "- Facilitation of interdepartmental planning conferences.",
        "- Development of performance indicators for administrative operations.",
    ]
)

# 170 words in 11 sentences: a mean of 15.4545 words per sentence, stored
# rounded as 15.45.
ELEVEN_SENTENCES = " ".join(
    [
        "On Monday the new clerk checked every invoice before lunch and then "
        "called our supplier.",
        "Sarah quickly wrote a short note to the landlord about the broken "
        "heater in the kitchen.",
        "Our driver left the depot early because heavy snow was expected along "
        "the northern road.",
        "The school board agreed to repaint three classrooms during the long "
        "summer holiday next year.",
        "A small bakery near the station sells fresh bread, cheese rolls and "
        "strong black coffee.",
        "Peter forgot his umbrella at the museum, so he walked home through the "
        "cold rain.",
        "Every Friday the office manager orders pizza for the whole team and "
        "opens the windows.",
        "Two nurses stayed late at the clinic to finish the weekly report for "
        "the director.",
        "The old bridge over the river will close in April while workers "
        "replace its steel beams.",
        "My sister plays the violin in a local orchestra that tours small towns "
        "each autumn.",
        "After the meeting the lawyer sent a signed copy of the lease to both "
        "tenants by post today.",
    ]
)

ITALIAN = (
    "Buongiorno a tutti, vi scrivo per confermare l'ordine della settimana. "
    "Il materiale deve arrivare entro venerdì mattina al nostro magazzino. "
    "Vi chiedo di controllare le quantità prima della spedizione. "
    "Se qualcosa manca, scriveteci subito così possiamo avvisare il cliente. "
    "La fattura va mandata all'ufficio acquisti con il numero dell'ordine. "
    "Il pagamento sarà fatto entro trenta giorni dalla data della fattura. "
    "Per qualsiasi domanda potete chiamare Marco o scrivere a lui. "
    "Vi ringrazio per la collaborazione e vi auguro una buona giornata. "
    "Ci sentiamo la prossima settimana per il nuovo ordine del mese. "
    "Grazie ancora per il vostro lavoro e per la vostra pazienza con noi. "
    "A presto, e buon lavoro a tutto il vostro gruppo di lavoro."
)


def analyze_text(folder: Path, name: str, text: str) -> DocumentResult:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    settings = Settings()
    document = extract_document(str(path), settings)
    return DocumentResult(
        path=str(path),
        status="ok",
        content_hash=f"hash-{name}",
        size=len(text),
        detected_type="text",
        pages=1,
        quality=analyze_quality(document, settings),
    )


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in list(os.environ):
        if name.startswith("DOCFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(analyze_text(tmp_path, "resume.txt", RESUME))
        writer.add(analyze_text(tmp_path, "ordine.txt", ITALIAN))
        writer.add(analyze_text(tmp_path, "memo.txt", "Call me back today, please."))
        writer.add(analyze_text(tmp_path, "notes.txt", ELEVEN_SENTENCES))
    return path


def report(database: str, path: str, output_format: str) -> str:
    outcome = CliRunner().invoke(
        app, ["report", "--db", database, "-f", output_format, path]
    )
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def test_report_json_readability_summary(database: str, tmp_path: Path) -> None:
    record = json.loads(report(database, str(tmp_path / "resume.txt"), "json"))
    quality = record["quality"]
    summary = quality["readability"]
    assert quality["issues"] == []
    assert quality["readability_score"] < 100
    assert summary["formula"] == "Flesch reading ease"
    assert summary["language"] == "en"
    assert summary["flesch_reading_ease"] == quality["metrics"]["flesch_reading_ease"]
    assert summary["words_per_sentence"] < 20
    assert summary["syllables_per_word"] > 1.6
    assert "syllables per word" in summary["explanation"]
    assert "quality.readability_target" in summary["explanation"]
    assert summary["notes"] == []


def test_report_table_readability_line(database: str, tmp_path: Path) -> None:
    output = report(database, str(tmp_path / "resume.txt"), "table")
    assert "formula Flesch reading ease" in output
    assert "language en" in output
    assert "syllables per word" in output
    assert "quality.readability_target" in output


def test_report_rounds_sentence_length_once(database: str, tmp_path: Path) -> None:
    record = json.loads(report(database, str(tmp_path / "notes.txt"), "json"))
    assert record["quality"]["metrics"]["words_per_sentence"] == 15.45
    output = report(database, str(tmp_path / "notes.txt"), "table")
    assert output.count("15.5 words per sentence") == 2
    assert "15.4 words per sentence" not in output


def test_report_italian_names_left_out_formulas(database: str, tmp_path: Path) -> None:
    record = json.loads(report(database, str(tmp_path / "ordine.txt"), "json"))
    summary = record["quality"]["readability"]
    assert summary["formula"] == "Flesch-Vacca (Italian Flesch)"
    assert summary["language"] == "it"
    assert summary["grade_levels"]["flesch_kincaid_grade"] is None
    assert any("flesch_kincaid_grade" in note for note in summary["notes"])
    output = report(database, str(tmp_path / "ordine.txt"), "table")
    assert "note: flesch_kincaid_grade" in output


def test_report_unscored_gives_note(database: str, tmp_path: Path) -> None:
    record = json.loads(report(database, str(tmp_path / "memo.txt"), "json"))
    summary = record["quality"]["readability"]
    assert record["quality"]["readability_score"] is None
    assert summary["explanation"] is None
    assert any("quality.readability_min_words" in note for note in summary["notes"])
    output = report(database, str(tmp_path / "memo.txt"), "table")
    assert "note: not scored" in output


def test_report_without_quality_has_no_summary(tmp_path: Path) -> None:
    path = str(tmp_path / "t.duckdb")
    result = DocumentResult(path="/d/a.pdf", status="corrupt", error="damaged")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(result)
    record = json.loads(report(path, "/d/a.pdf", "json"))
    assert record["quality"] is None


def test_summary_of_metrics_without_counts() -> None:
    from docflow.core.readability import summarize_readability

    quality = QualityResult(
        overall_score=50.0,
        readability_score=50.0,
        structure_score=50.0,
        content_quality_score=50.0,
    )
    summary = summarize_readability(quality.metrics, 50.0, 60.0)
    assert summary["explanation"] is None
    assert summary["syllables_per_word"] is None


def test_summary_shows_stored_formula_note_once() -> None:
    from docflow.core.readability import (
        describe_left_out_formulas,
        summarize_readability,
    )

    note = describe_left_out_formulas("de")
    metrics = {
        "language": "de",
        "flesch_reading_ease": 50.0,
        "readability_applicable": True,
        "readability_note": note,
    }
    summary = summarize_readability(metrics, 83.3, 60.0)
    assert summary["notes"] == [note]
