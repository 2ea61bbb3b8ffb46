"""Training: held-out comparison, corrections, and the guard against worse models.

Each test trains on a handful of files copied from the training corpus into
tmp_path, so a run takes seconds per model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docflow.core.classify import classify_document, train_model
from docflow.core.classify._features import input_from_text
from docflow.core.classify.train import (
    MIN_CATEGORY_DOCUMENTS,
    Sample,
    category_folders,
    collect_folder,
    heldout_quota,
    split_heldout,
)
from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page
from docflow.errors import ModelError, ModelRejected, UsageError
from processes import docflow_env, run_console_script  # noqa: E402

TRAIN_CORPUS = Path(__file__).resolve().parents[1] / "sample_docs" / "train"
TINY_CATEGORIES = ("invoice", "resume", "email", "meeting_minutes")
#: Training files with a text layer, so reading them needs no OCR.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf", ".eml")
FILES_PER_CATEGORY = 6

pytestmark = pytest.mark.skipif(
    not all((TRAIN_CORPUS / name).is_dir() for name in TINY_CATEGORIES),
    reason=f"training corpus not found at {TRAIN_CORPUS}",
)


def _settings(tmp_path: Path, model_dir: Path) -> Settings:
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "classification": {"model_path": str(model_dir)},
        }
    )


def _source_files(category: str) -> list[Path]:
    files = sorted(p for p in (TRAIN_CORPUS / category).iterdir() if p.is_file())
    return files[:FILES_PER_CATEGORY]


def _copy_tiny_corpus(target: Path) -> Path:
    for category in TINY_CATEGORIES:
        (target / category).mkdir(parents=True)
        for path in _source_files(category):
            shutil.copy(path, target / category / path.name)
    return target


def _heldout_names(folder: Path, settings: Settings) -> set[str]:
    samples, _ = collect_folder(folder, settings)
    _, heldout = split_heldout(samples, [])
    return {Path(sample.source).name for sample in heldout}


def _text_document(text: str) -> ExtractedDocument:
    return ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", chars=len(text), text=text)],
    )


def test_train_writes_model_and_report(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)

    report = train_model(folder, settings, output=model_dir)

    assert report.written
    assert not report.replaced
    assert report.before is None
    assert (
        report.training_documents + report.heldout_documents
        == len(TINY_CATEGORIES) * FILES_PER_CATEGORY
    )
    assert set(report.after.per_category) == set(TINY_CATEGORIES)
    assert report.correction_check_skipped is None  # no corrections to check
    trained = FILES_PER_CATEGORY - heldout_quota(FILES_PER_CATEGORY)
    assert report.documents_per_category == dict.fromkeys(
        sorted(TINY_CATEGORIES), trained
    )
    metadata = json.loads((model_dir / "model.json").read_text())
    assert metadata["version"] == report.version
    assert sorted(metadata["categories"]) == sorted(TINY_CATEGORIES)
    assert "metrics" in metadata
    assert "en" in metadata["languages"]

    resume = _source_files("resume")[0]
    text = resume.read_text(encoding="utf-8", errors="replace")
    result = classify_document(_text_document(text), settings)
    assert result.metadata.model_version == report.version


def test_retrain_reports_before_and_after(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)

    first = train_model(folder, settings, output=model_dir)
    second = train_model(folder, settings, output=model_dir)

    assert second.replaced
    assert second.before is not None
    assert second.before.model_version == first.version
    assert second.before.macro_f1 == second.after.macro_f1
    assert second.version.split("+")[0].endswith("-2")
    assert second.version.split("+")[1] == first.version.split("+")[1]


def test_correction_changes_next_training(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    text = (
        "Quarterly planning notes\n"
        "Project Falcon: budget review and vendor shortlist.\n"
        "Owner: Priya. Next step: compare three vendor offers.\n"
    )
    without_dir, with_dir = tmp_path / "without", tmp_path / "with"
    without = _settings(tmp_path, without_dir)
    train_model(folder, without, output=without_dir)
    before = classify_document(_text_document(text), without)
    corrected = next(c for c in TINY_CATEGORIES if c != before.category)

    with_correction = _settings(tmp_path, with_dir)
    report = train_model(
        folder, with_correction, corrections=[(text, corrected)], output=with_dir
    )
    after = classify_document(_text_document(text), with_correction)

    assert report.corrections == 1
    assert after.category == corrected or (
        after.category == "unknown"
        and after.metadata.runners_up[0].category == corrected
    )


def test_correction_by_path_counts(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    extra = next(p for p in sorted((TRAIN_CORPUS / "invoice").iterdir()) if p.is_file())
    model_dir = tmp_path / "model"
    steps: list[str] = []
    # In a folder this small the correct label still turns one meeting
    # minutes into an invoice out of fold, which the correction check rejects.
    report = train_model(
        folder,
        _settings(tmp_path, model_dir),
        corrections=[(str(extra), "invoice")],
        output=model_dir,
        force=True,
        on_step=steps.append,
    )
    trained = FILES_PER_CATEGORY - heldout_quota(FILES_PER_CATEGORY)
    assert report.corrections == 1
    assert "checking the corrections: 1 correction out of fold" in steps
    assert report.documents_per_category["invoice"] == trained + 1
    assert report.documents_per_category["resume"] == trained
    assert sum(report.documents_per_category.values()) == report.training_documents


def test_train_skips_no_category_labels(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    novel = "Chapter one. It was a bright cold day in April, and the clocks..."
    model_dir = tmp_path / "model"
    report = train_model(
        folder,
        _settings(tmp_path, model_dir),
        corrections=[(novel, "none")],
        output=model_dir,
    )
    assert report.corrections == 0
    assert report.no_category_labels == 1
    metadata = json.loads((model_dir / "model.json").read_text())
    assert "none" not in metadata["categories"]


def _poisoned_corrections(folder: Path, settings: Settings) -> list[tuple[str, str]]:
    """Return every document's text filed under the next category.

    Corrections always train and never enter the held-out part, so the split
    stays the same while the new model learns the held-out texts wrongly.
    """
    samples, _ = collect_folder(folder, settings)
    corrections = []
    for sample in samples:
        index = TINY_CATEGORIES.index(sample.label)
        wrong = TINY_CATEGORIES[(index + 1) % len(TINY_CATEGORIES)]
        corrections.append((f"{sample.item.text}\n\n", wrong))
    return corrections


def test_train_rejects_worse_model(tmp_path: Path) -> None:
    good = _copy_tiny_corpus(tmp_path / "good")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    train_model(good, settings, output=model_dir)
    description = (model_dir / "model.json").read_text()
    poison = _poisoned_corrections(good, settings)

    with pytest.raises(ModelRejected, match="--force") as caught:
        train_model(good, settings, corrections=poison, output=model_dir)
    assert (model_dir / "model.json").read_text() == description
    rejected = caught.value.report
    assert not rejected.written
    assert not rejected.replaced
    assert rejected.before is not None
    assert rejected.after.macro_f1 < rejected.before.macro_f1

    forced = train_model(
        good, settings, corrections=poison, output=model_dir, force=True
    )
    assert forced.written
    assert forced.replaced
    assert forced.forced
    assert forced.before is not None
    assert forced.after.macro_f1 < forced.before.macro_f1


def test_train_rejects_worse_model_in_new_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = _copy_tiny_corpus(tmp_path / "good")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    train_model(good, settings, output=model_dir)
    poison = _poisoned_corrections(good, settings)
    new_dir = tmp_path / "new-model"

    with pytest.raises(ModelError, match="--force"):
        train_model(good, settings, corrections=poison, output=new_dir)
    assert not (new_dir / "model.json").exists()

    caplog.clear()
    forced = train_model(good, settings, corrections=poison, output=new_dir, force=True)
    assert forced.forced
    assert (new_dir / "model.json").is_file()
    # A worse model written with --force is reported on stderr, not only in JSON.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("written anyway because of --force" in text for text in warnings)


def test_train_cli_rejected_prints_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app
    from docflow.core.models import DocumentResult
    from docflow.core.store import ResultWriter, Store

    monkeypatch.setenv("COLUMNS", "200")
    good = _copy_tiny_corpus(tmp_path / "good")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    train_model(good, settings, output=model_dir)
    # The poisoned corrections, as files that a person labeled wrongly.
    poison = tmp_path / "poison"
    poison.mkdir()
    labels = []
    for index, (text, category) in enumerate(_poisoned_corrections(good, settings)):
        path = poison / f"{index}.txt"
        path.write_text(text, encoding="utf-8")
        labels.append((str(path), category))
    store = Store(str(tmp_path / "t.duckdb"))
    with ResultWriter(store, fingerprint="fp") as writer:
        for path, _ in labels:
            writer.add(DocumentResult(path=path, status="ok"))
    for path, category in labels:
        store.add_label(path, category, "ann")
    args = ["train", str(good), "--output", str(model_dir), "--db", str(store.path)]

    table = CliRunner().invoke(app, [*args, "-f", "table"])
    as_json = CliRunner().invoke(app, [*args, "-f", "json"])

    assert table.exit_code == 7
    assert "per category" in table.stdout
    assert "meeting_minutes" in table.stdout
    assert "not written to" in table.stdout
    assert "macro-F1" in table.stderr
    assert as_json.exit_code == 7
    report = json.loads(as_json.stdout)
    assert report["written"] is False
    assert report["before"]["macro_f1"] > report["after"]["macro_f1"]


def _mislabeled_copies(
    folder: Path, settings: Settings, target: Path, count: int
) -> list[tuple[str, str]]:
    """Label copies of ``count`` training resumes as email, as by mistake.

    Each copy has one line added, so its content hash differs from the
    resume's and it trains as a correction, not as a relabeled folder document.
    """
    samples, _ = collect_folder(folder, settings)
    train, _ = split_heldout(samples, [])
    resumes = [sample for sample in train if sample.label == "resume"][:count]
    target.mkdir()
    labels = []
    for index, sample in enumerate(resumes):
        path = target / f"{Path(sample.source).stem}.txt"
        path.write_text(f"{sample.item.text}\nChecked {index}.\n", encoding="utf-8")
        labels.append((str(path), "email"))
    return labels


def test_train_rejects_corrections_breaking_documents(tmp_path: Path) -> None:
    folder = _copy_counts(tmp_path / "corpus", {"resume": 4, "email": 4})
    # No current model, so the held-out comparison has nothing to reject on.
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    labels = _mislabeled_copies(folder, settings, tmp_path / "labeled", 2)

    with pytest.raises(ModelRejected, match="--force") as caught:
        train_model(folder, settings, corrections=labels, output=model_dir)

    assert not (model_dir / "model.json").exists()
    report = caught.value.report
    assert report.before is None
    assert "corrections from docflow label" in report.rejected
    check = report.correction_check
    assert check is not None
    assert check.worse
    without = check.without_corrections.per_category["resume"]
    assert check.with_corrections.per_category["resume"].recall < without.recall
    turned = {(item.category, item.predicted) for item in check.regressions}
    assert turned == {("resume", "email")}
    assert {item.blamed for item in check.regressions} <= {p for p, _ in labels}
    named = {item.correction for item in check.contradictions}
    assert named == {path for path, _ in labels}
    assert all(item.other_category == "resume" for item in check.contradictions)
    assert check.corrections.documents == len(labels)


#: A folder in which labeling the memo MEMO_FILE as a letter turns exactly
#: one memo of the folder into a letter, out of fold, and none the other way.
ONE_REGRESSION_COUNTS = {"memo": 6, "letter": 6, "invoice": 4}
MEMO_FILE = TRAIN_CORPUS.parent / "memo_office_closure.txt"


def test_train_rejects_single_regression(tmp_path: Path) -> None:
    folder = _copy_counts(tmp_path / "corpus", ONE_REGRESSION_COUNTS)
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    memo = tmp_path / "a.txt"
    shutil.copy(MEMO_FILE, memo)
    labels = [(str(memo), "letter")]

    with pytest.raises(ModelRejected) as caught:
        train_model(folder, settings, corrections=labels, output=model_dir)

    assert not (model_dir / "model.json").exists()
    report = caught.value.report
    check = report.correction_check
    assert check is not None
    assert len(check.regressions) == 1
    assert check.improvements == 0
    regression = check.regressions[0]
    assert regression.blamed == str(memo)
    assert f"{regression.source} (memo to letter, blamed on the correction " in (
        report.rejected
    )
    assert f"blamed on the correction {memo})" in report.rejected
    assert "rerun with --force" in report.rejected

    forced = train_model(
        folder, settings, corrections=labels, output=model_dir, force=True
    )
    assert forced.written
    assert forced.forced


def test_train_cli_single_regression_exits_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    # No configured model, so only the correction check can reject the model.
    monkeypatch.setenv("DOCFLOW_CLASSIFICATION_MODEL_PATH", str(tmp_path / "none"))
    folder = _copy_counts(tmp_path / "corpus", ONE_REGRESSION_COUNTS)
    memo = tmp_path / "a.txt"
    shutil.copy(MEMO_FILE, memo)
    database = _store_with_labels(tmp_path / "t.duckdb", [(str(memo), "letter")])
    output = tmp_path / "model"
    args = ["train", str(folder), "-o", str(output), "--db", database]

    outcome = CliRunner().invoke(app, [*args, "-f", "jsonl"])

    assert outcome.exit_code == 7, outcome.stderr
    assert not (output / "model.json").exists()
    # JSON Lines: the whole report on one line.
    assert len(outcome.stdout.splitlines()) == 1
    report = json.loads(outcome.stdout)
    assert report["written"] is False
    assert report["before"] is None
    regressions = report["correction_check"]["regressions"]
    assert report["correction_check_skipped"] is None
    assert len(regressions) == 1
    assert report["correction_check"]["improvements"] == 0
    assert report["rejected"]
    assert f"blamed on the correction {memo})" in outcome.stderr
    assert f"{regressions[0]['source']} (memo to letter" in outcome.stderr
    assert "--force" in outcome.stderr


@pytest.mark.parametrize(
    ("regressions", "improvements", "worse"),
    [(0, 0, False), (1, 0, True), (1, 1, False), (2, 1, True), (3, 0, True)],
)
def test_correction_check_worse(
    regressions: int, improvements: int, worse: bool
) -> None:
    from docflow.core.classify._correction_check import (
        CorrectionCheck,
        CorrectionOutcome,
        DocumentRegression,
    )
    from docflow.core.classify.metrics import evaluate_predictions

    scores = evaluate_predictions(["memo"], ["memo"], [1.0])
    turned = DocumentRegression(
        source="memo.pdf", category="memo", predicted="letter", confidence=0.9
    )
    # A disputed correction is no reason on its own.
    dispute = CorrectionOutcome(
        source="a.txt", category="letter", predicted="memo", confidence=0.99
    )
    check = CorrectionCheck(
        folds=2,
        without_corrections=scores,
        with_corrections=scores,
        regressions=[turned] * regressions,
        improvements=improvements,
        corrections=scores,
        outcomes=[],
        contradictions=[],
        disputed=[dispute],
    )

    assert check.worse is worse


def _rejected_message(tmp_path: Path, *, worse: bool, blamed: str | None) -> str:
    """Return the rejection message for harmful corrections, also worse if ``worse``."""
    from docflow.core.classify._correction_check import (
        CorrectionCheck,
        DocumentRegression,
    )
    from docflow.core.classify.metrics import evaluate_predictions
    from docflow.core.classify.train import TrainReport, _guard_worse_model

    right = evaluate_predictions(["memo"], ["memo"], [1.0], model_version="old")
    wrong = evaluate_predictions(["memo"], ["letter"], [1.0])
    turned = DocumentRegression(
        source="memo.pdf",
        category="memo",
        predicted="letter",
        confidence=0.9,
        blamed=blamed,
    )
    check = CorrectionCheck(
        folds=2,
        without_corrections=right,
        with_corrections=wrong,
        regressions=[turned],
        improvements=0,
        corrections=right,
        outcomes=[],
        contradictions=[],
    )
    report = TrainReport(
        output="model",
        version="new",
        written=False,
        replaced=False,
        training_documents=4,
        heldout_documents=2,
        corrections=1,
        documents_per_category={"memo": 2, "letter": 2},
        before=right,
        after=wrong,
        correction_check=check,
    )
    with pytest.raises(ModelRejected) as raised:
        _guard_worse_model(report, worse, True, tmp_path / "model", force=False)
    assert report.rejected == str(raised.value)
    return str(raised.value)


def test_rejection_two_reasons_capitalized(tmp_path: Path) -> None:
    message = _rejected_message(tmp_path, worse=True, blamed="a.txt")

    assert message.startswith("the new model scores macro-F1 0.000")
    assert "(old). The corrections from docflow label make" in message
    assert ". the corrections" not in message


def test_rejection_advice_blamed_only_if_any(tmp_path: Path) -> None:
    blamed = _rejected_message(tmp_path, worse=False, blamed="a.txt")
    unblamed = _rejected_message(tmp_path, worse=False, blamed=None)

    assert "blamed on the correction a.txt" in blamed
    assert "starting with any blamed above" in blamed
    assert "blamed on the correction" not in unblamed
    assert "starting with any blamed" not in unblamed
    assert "Check the labels of the corrections and relabel the wrong" in unblamed


def test_class_count_warning_ignored() -> None:
    import warnings

    from sklearn.utils.multiclass import check_classification_targets

    from docflow.core.classify.train import _class_count_warning_ignored

    # 22 samples of 12 categories, as in one fold of a small folder.
    labels = [f"category{index % 12}" for index in range(22)]
    with pytest.warns(UserWarning, match="number of unique classes"):
        check_classification_targets(labels)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _class_count_warning_ignored():
            check_classification_targets(labels)


def test_verbose_rejection_has_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    import typer

    from docflow.cli._errors import guard
    from docflow.core.classify.train import TrainReport
    from docflow.errors import StoreError

    report = TrainReport(
        output="model",
        version="new",
        written=False,
        replaced=False,
        training_documents=4,
        heldout_documents=2,
        corrections=0,
        documents_per_category={"memo": 2, "letter": 2},
    )

    @guard
    def train_command() -> None:
        raise ModelRejected("the new model scores lower", report=report)

    @guard
    def results_command() -> None:
        raise StoreError("the database is locked")

    caplog.set_level(logging.INFO)  # as with -v
    with pytest.raises(typer.Exit) as rejected:
        train_command()
    with pytest.raises(typer.Exit) as failed:
        results_command()

    assert rejected.value.exit_code == 7
    assert failed.value.exit_code == 5
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert tracebacks == ["results_command failed"]


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_train_cli_rejects_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path, source: str
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(tmp_path / "corpus", {"resume": 2, "email": 2})
    args = ["train", str(folder), "-o", str(tmp_path / "model")]
    if source == "flag":
        args += ["-f", "csv"]
    else:
        monkeypatch.setenv("DOCFLOW_OUTPUT_FORMAT", "csv")

    outcome = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "t.duckdb")])

    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert "invalid output format 'csv' for docflow train" in outcome.stderr
    assert "Use --format table, json, jsonl or auto" in outcome.stderr
    if source == "environment":
        assert "output.format from environment variable DOCFLOW_OUTPUT_FORMAT" in (
            outcome.stderr
        )
    assert not (tmp_path / "model").exists()


def test_train_help_format_lists_no_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    monkeypatch.setenv("COLUMNS", "200")
    outcome = CliRunner().invoke(app, ["train", "--help"])

    assert outcome.exit_code == 0
    [line] = [line for line in outcome.stdout.splitlines() if "--format" in line]
    assert "table, json, jsonl, or auto" in line
    assert "csv" not in line


def test_train_small_folder_skips_correction_check(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _copy_counts(tmp_path / "corpus", {"resume": 2, "email": 2})
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    labels = _mislabeled_copies(folder, settings, tmp_path / "labeled", 1)

    report = train_model(folder, settings, corrections=labels, output=model_dir)

    assert report.written
    assert report.correction_check is None
    assert report.correction_check_skipped == (
        "these categories have fewer than 2 training documents outside the "
        "held-out split: email, resume"
    )
    assert report.model_dump(mode="json")["correction_check_skipped"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "corrections are not checked" in text and "email, resume" in text
        for text in warnings
    )


def test_train_cli_forced_prints_correction_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app
    from docflow.core.models import DocumentResult
    from docflow.core.store import ResultWriter, Store

    monkeypatch.setenv("COLUMNS", "200")
    folder = _copy_counts(tmp_path / "corpus", {"resume": 4, "email": 4})
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    labels = _mislabeled_copies(folder, settings, tmp_path / "labeled", 2)
    store = Store(str(tmp_path / "t.duckdb"))
    with ResultWriter(store, fingerprint="fp") as writer:
        for path, _ in labels:
            writer.add(DocumentResult(path=path, status="ok"))
    for path, category in labels:
        store.add_label(path, category, "ann")
    args = ["train", str(folder), "--output", str(model_dir), "--db", str(store.path)]

    table = CliRunner().invoke(app, [*args, "--force", "-f", "table"])

    assert table.exit_code == 0, table.stderr
    assert "corrections check, out of fold" in table.stdout
    assert "turned wrong: " in table.stdout
    assert f"contradiction: correction {labels[0][0]} (email)" in table.stdout
    contradictions = [
        line for line in table.stdout.splitlines() if line.startswith("contradiction:")
    ]
    turned = [line for line in contradictions if " wrong" in line]
    assert turned
    for line in contradictions:
        assert "turned " in line or "nearly the same text" in line
        # A similarity below 0.9 is no reason for the line, so it is left out.
        for value in re.findall(r"similarity (\d\.\d+)", line):
            assert float(value) >= 0.9
    assert "corrections from docflow label make" in table.stderr
    assert "written anyway because of --force" in table.stderr
    assert (model_dir / "model.json").is_file()
    # 4 documents per category, 1 of each held out, and the 2 corrections.
    assert "(trained on 6 folder documents and 2 corrections)" in table.stdout


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            {"invoice": 5, "resume": 5, "email": 5},
            {"invoice": 1, "resume": 1, "email": 1},
        ),
        ({"invoice": 8, "resume": 2, "email": 1}, {"invoice": 2, "resume": 1}),
    ],
)
def test_heldout_split_is_stratified(
    counts: dict[str, int], expected: dict[str, int]
) -> None:
    samples = []
    for label, count in counts.items():
        for number in range(count):
            text = f"{label} document number {number}"
            key = hashlib.sha256(text.encode()).hexdigest()
            samples.append(Sample(input_from_text(text, 1000), label, key, text))

    train, heldout = split_heldout(samples, [])

    assert Counter(sample.label for sample in heldout) == expected
    assert Counter(sample.label for sample in train + heldout) == counts


def test_train_needs_two_categories(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "invoice").mkdir(parents=True)
    for path in _source_files("invoice"):
        shutil.copy(path, folder / "invoice" / path.name)
    model_dir = tmp_path / "model"
    with pytest.raises(UsageError, match="at least two") as raised:
        train_model(folder, _settings(tmp_path, model_dir), output=model_dir)
    assert repr(str(folder)) in str(raised.value)
    assert f"invoice: {FILES_PER_CATEGORY} documents" in str(raised.value)


def test_train_missing_folder(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    with pytest.raises(UsageError, match="not found"):
        train_model(tmp_path / "absent", _settings(tmp_path, model_dir))


def _copy_counts(folder: Path, counts: dict[str, int]) -> Path:
    for category, count in counts.items():
        (folder / category).mkdir(parents=True)
        for path in _source_files(category)[:count]:
            shutil.copy(path, folder / category / path.name)
    return folder


def test_min_category_documents_matches_split() -> None:
    assert heldout_quota(MIN_CATEGORY_DOCUMENTS - 1) == 0
    assert heldout_quota(MIN_CATEGORY_DOCUMENTS) >= 1
    assert MIN_CATEGORY_DOCUMENTS - heldout_quota(MIN_CATEGORY_DOCUMENTS) >= 1


def test_train_one_category_plus_correction(tmp_path: Path) -> None:
    """A correction of a second category does not make one category trainable."""
    folder = _copy_counts(tmp_path / "corpus", {"invoice": 4})
    model_dir = tmp_path / "model"
    text = _source_files("resume")[0].read_text(encoding="utf-8", errors="replace")

    with pytest.raises(UsageError) as raised:
        train_model(
            folder,
            _settings(tmp_path, model_dir),
            corrections=[(text, "resume")],
            output=model_dir,
        )

    message = str(raised.value)
    assert repr(str(folder)) in message
    assert "invoice: 4 documents" in message
    assert "training needs at least two categories" in message
    assert f"at least {MIN_CATEGORY_DOCUMENTS} documents" in message
    assert not model_dir.exists()


def test_train_correction_without_subfolder_left_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A correction of a category the folder lacks is left out with a warning."""
    folder = _copy_counts(tmp_path / "corpus", {"invoice": 4, "resume": 4})
    model_dir = tmp_path / "model"
    text = _source_files("email")[0].read_text(encoding="utf-8", errors="replace")

    report = train_model(
        folder,
        _settings(tmp_path, model_dir),
        corrections=[(text, "email"), (text + "\n", "email"), (text, "invoice")],
        output=model_dir,
        force=True,
    )

    assert report.written
    assert report.left_out_corrections == {"email": 2}
    assert report.corrections == 1
    assert set(report.documents_per_category) == {"invoice", "resume"}
    metadata = json.loads((model_dir / "model.json").read_text())
    assert sorted(metadata["categories"]) == ["invoice", "resume"]
    [warning] = [r.getMessage() for r in caplog.records if "leaving out" in r.msg]
    assert "2 corrections" in warning
    assert "email (2)" in warning
    assert str(folder / "email") in warning


@pytest.mark.parametrize(
    ("counts", "short", "described"),
    [
        ({"invoice": 4, "resume": 1}, "resume", "resume: 1 document"),
        ({"invoice": 4, "resume": 4, "email": 0}, "email", "email: 0 documents"),
    ],
    ids=["one document", "empty subfolder"],
)
def test_train_category_too_small(
    tmp_path: Path, counts: dict[str, int], short: str, described: str
) -> None:
    folder = _copy_counts(tmp_path / "corpus", counts)
    model_dir = tmp_path / "model"

    with pytest.raises(UsageError) as raised:
        train_model(folder, _settings(tmp_path, model_dir), output=model_dir)

    message = str(raised.value)
    assert "too few documents to both train on and hold out" in message
    assert "Each category needs at least 2 documents in its subfolder." in message
    longest = max(len(sentence.split()) for sentence in message.split(". "))
    assert longest <= 30, message
    assert message.endswith("whose category the model should not learn")
    assert described in message
    assert "invoice: 4 documents" in message
    assert repr(str(folder / short)) in message
    assert not model_dir.exists()


def test_train_minimum_category_size(tmp_path: Path) -> None:
    counts = dict.fromkeys(("invoice", "resume"), MIN_CATEGORY_DOCUMENTS)
    folder = _copy_counts(tmp_path / "corpus", counts)
    model_dir = tmp_path / "model"

    report = train_model(folder, _settings(tmp_path, model_dir), output=model_dir)

    assert report.written
    assert set(report.after.per_category) == set(counts)


@pytest.mark.parametrize(
    ("top_level_files", "ignored"),
    [(0, None), (2, "ignores the 2 files at its top level")],
    ids=["empty", "files only"],
)
def test_train_folder_without_subfolders(
    tmp_path: Path, top_level_files: int, ignored: str | None
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in _source_files("invoice")[:top_level_files]:
        shutil.copy(path, folder / path.name)
    (folder / ".hidden").mkdir()
    model_dir = tmp_path / "model"

    with pytest.raises(UsageError) as raised:
        train_model(folder, _settings(tmp_path, model_dir), output=model_dir)

    message = str(raised.value)
    assert f"{str(folder)!r} has no category subfolders" in message
    assert "in a subfolder named after it" in message
    if ignored is not None:
        assert ignored in message
    assert "hold" not in message


def test_train_folder_is_a_file(tmp_path: Path) -> None:
    path = _source_files("invoice")[0]
    model_dir = tmp_path / "model"

    with pytest.raises(UsageError) as raised:
        train_model(path, _settings(tmp_path, model_dir), output=model_dir)

    message = str(raised.value)
    assert f"{str(path)!r} is a file, not a folder" in message
    assert "not found" not in message


@pytest.mark.parametrize("name", ["unknown", "None"])
def test_train_reserved_category_folder(tmp_path: Path, name: str) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    reserved = folder / name
    reserved.mkdir()
    for index in range(3):
        (reserved / f"note-{index}.txt").write_text(f"Note {index} about nothing.\n")
    model_dir = tmp_path / "model"

    with pytest.raises(UsageError) as raised:
        train_model(folder, _settings(tmp_path, model_dir), output=model_dir)

    message = str(raised.value)
    assert f"category subfolder named {name!r}" in message
    assert "docflow reserves" in message
    assert not model_dir.exists()


def test_train_undecodable_category_folder(tmp_path: Path) -> None:
    folder = _copy_counts(tmp_path / "corpus", {"invoice": 4, "resume": 4})
    memo = folder / os.fsdecode(b"memo\xfd")
    memo.mkdir()
    for index in range(3):
        (memo / f"memo-{index}.txt").write_text(f"Memo {index}: parking rules.\n")
    model_dir = tmp_path / "model"

    with pytest.raises(UsageError) as raised:
        train_model(folder, _settings(tmp_path, model_dir), output=model_dir)

    message = str(raised.value)
    assert "category subfolder whose name is not valid UTF-8: memo\\xfd." in message
    assert "\udcfd" not in message
    assert not model_dir.exists()


def test_category_folder_with_backslash_name(tmp_path: Path) -> None:
    folder = _copy_counts(tmp_path / "corpus", {"invoice": 1})
    (folder / "memo\\xfd").mkdir()  # valid UTF-8 that reads like an escape

    found = category_folders(folder)

    assert [path.name for path in found] == ["invoice", "memo\\xfd"]


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    (folder / "invoice" / "empty.pdf").write_bytes(b"")
    model_dir = tmp_path / "model"
    report = train_model(folder, _settings(tmp_path, model_dir), output=model_dir)
    assert len(report.skipped) == 1
    assert "empty.pdf" in report.skipped[0]


def test_train_reports_each_step(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    model_dir = tmp_path / "model"
    steps: list[str] = []

    train_model(
        folder, _settings(tmp_path, model_dir), output=model_dir, on_step=steps.append
    )

    total = len(TINY_CATEGORIES) * FILES_PER_CATEGORY
    reads = [step for step in steps if step.startswith("reading ")]
    assert reads[0].startswith(f"reading 1/{total} ")
    assert f"reading {total}/{total} " in reads[total - 1]
    assert any(step.startswith("fitting the model") for step in steps)
    assert "fitting: the classifier and its temperature" in steps
    assert "fitting: the confidence map, round 1/5" in steps
    assert steps[-1].startswith("scoring the new model")


def test_train_keeps_categories_unless_forced(tmp_path: Path) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    first = train_model(folder, settings, output=model_dir)
    shutil.rmtree(folder / "email")

    with pytest.raises(
        ModelError, match="would not know 1 of the categories"
    ) as caught:
        train_model(folder, settings, output=model_dir)
    assert caught.value.report.lost_categories == ["email"]
    metadata = json.loads((model_dir / "model.json").read_text())
    assert metadata["version"] == first.version

    forced = train_model(folder, settings, output=model_dir, force=True)
    assert forced.forced
    assert forced.lost_categories == ["email"]
    [warning] = forced.warnings
    assert ": email. It replaces the model in" in warning
    assert "because of --force" in warning
    assert (
        "email" not in json.loads((model_dir / "model.json").read_text())["categories"]
    )


def test_train_into_new_folder_may_drop_categories(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _copy_tiny_corpus(tmp_path / "corpus")
    settings = _settings(tmp_path, tmp_path / "model")
    train_model(folder, settings, output=tmp_path / "model")
    shutil.rmtree(folder / "email")

    report = train_model(folder, settings, output=tmp_path / "other")
    assert report.written
    assert not report.replaced
    assert not report.forced
    messages = [r.getMessage() for r in caplog.records]
    [warning] = [text for text in messages if "does not know" in text]
    assert "the new model does not know 1 category of model " in warning
    assert ": email. It goes to the new folder" in warning
    assert "no model is replaced" in warning
    assert f"add a subfolder of documents for each to {str(folder)!r}" in warning
    assert report.warnings == [warning]


def test_train_cli_names_lost_categories(tmp_path: Path, isolated_cwd: Path) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_tiny_corpus(tmp_path / "corpus")
    model_dir = tmp_path / "model"
    train_model(folder, _settings(tmp_path, model_dir), output=model_dir)
    shutil.rmtree(folder / "email")
    # The model in use is the one in model_dir; the new one goes elsewhere.
    env = {"DOCFLOW_CLASSIFICATION_MODEL_PATH": str(model_dir)}
    args = ["train", str(folder), "--output"]

    as_json = CliRunner().invoke(
        app, [*args, str(tmp_path / "first"), "-f", "json"], env=env
    )
    table = CliRunner().invoke(
        app, [*args, str(tmp_path / "second"), "-f", "table"], env=env
    )

    assert as_json.exit_code == 0
    report = json.loads(as_json.stdout)
    assert report["lost_categories"] == ["email"]
    [warning] = report["warnings"]
    assert warning.startswith("the new model does not know 1 category of model ")
    assert table.exit_code == 0
    assert "warning: the new model does not know 1 category" in table.stdout
    assert ": email. It goes to the new folder" in table.stdout


def _copy_by_language(folder: Path, languages: Sequence[str], count: int) -> Path:
    """Copy ``count`` text-layer files per language of each tiny category.

    The training corpus names each file after its language, such as
    ``001_telecom_de.docx``. Image files are left out, so no OCR runs.
    """
    for category in TINY_CATEGORIES:
        (folder / category).mkdir(parents=True, exist_ok=True)
        names = sorted(p for p in (TRAIN_CORPUS / category).iterdir() if p.is_file())
        for language in languages:
            chosen = [
                path
                for path in names
                if path.stem.endswith(f"_{language}") and path.suffix in TEXT_SUFFIXES
            ]
            for path in chosen[:count]:
                shutil.copy(path, folder / category / path.name)
    return folder


def test_train_keeps_languages_unless_forced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    both = _copy_by_language(tmp_path / "both", ["en", "de"], 4)
    english = _copy_by_language(tmp_path / "english", ["en"], 4)
    model_dir = tmp_path / "model"
    settings = _settings(tmp_path, model_dir)
    first = train_model(both, settings, output=model_dir)
    trained = json.loads((model_dir / "model.json").read_text())["languages"]
    assert trained == ["de", "en"]

    with pytest.raises(ModelError, match="languages the current model") as caught:
        train_model(english, settings, output=model_dir)
    assert ": de. Documents in them would become unknown" in str(caught.value)
    assert "--force" in str(caught.value)
    metadata = json.loads((model_dir / "model.json").read_text())
    assert metadata["version"] == first.version

    elsewhere = train_model(english, settings, output=tmp_path / "other")
    assert elsewhere.written
    assert not elsewhere.forced
    assert elsewhere.lost_languages == ["de"]

    caplog.clear()
    forced = train_model(english, settings, output=model_dir, force=True)
    assert forced.written
    assert forced.forced
    assert forced.lost_languages == ["de"]
    assert json.loads((model_dir / "model.json").read_text())["languages"] == ["en"]
    [warning] = [r.getMessage() for r in caplog.records if "classify text" in r.msg]
    assert "not classify text in 1 language of" in warning
    assert ": de. Documents in them become unknown" in warning


def test_train_cli_lost_languages_prints_report(
    tmp_path: Path, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    both = _copy_by_language(tmp_path / "both", ["en", "de"], 4)
    english = _copy_by_language(tmp_path / "english", ["en"], 4)
    model_dir = tmp_path / "model"
    train_model(both, _settings(tmp_path, model_dir), output=model_dir)
    # No --db: the default database in isolated_cwd is missing, so no labels.
    args = ["train", str(english), "--output", str(model_dir)]

    as_json = CliRunner().invoke(app, [*args, "-f", "json"])
    table = CliRunner().invoke(app, [*args, "-f", "table"])

    assert as_json.exit_code == 7
    report = json.loads(as_json.stdout)
    assert report["written"] is False
    assert report["after"] is None
    assert "languages the current model" in report["rejected"]
    assert report["lost_languages"] == ["de"]  # named in the rejection's report too
    assert report["lost_categories"] == []
    assert "languages the current model" in as_json.stderr
    assert table.exit_code == 7
    assert f"not written to {model_dir}" in table.stdout


def test_train_status_counts_slow_reading(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from docflow.cli._admin import PROGRESS_SECONDS, _TrainStatus

    now = [100.0]
    with _TrainStatus(enabled=True, clock=lambda: now[0]) as status:
        for number in range(1, 5):
            status.update(f"reading {number}/4 invoice/{number}.pdf")
            now[0] += PROGRESS_SECONDS / 2
        status.update("reading the corrections")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "docflow: reading 4 files",
        "docflow: read 3/4 files",
        "docflow: reading the corrections",
    ]


def test_train_steps_logged_off_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from docflow.cli._admin import _TrainStatus

    with _TrainStatus(enabled=True) as status:
        for number in range(1, 4):
            status.update(f"reading {number}/3 invoice/{number}.pdf")
        status.update("fitting the model and its confidence map on 3 documents")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "docflow: reading 3 files",
        "docflow: fitting the model and its confidence map on 3 documents",
    ]


def test_one_document_does_not_teach_a_language() -> None:
    from docflow.core.classify._features import ClassifierInput
    from docflow.core.classify.train import (
        MIN_LANGUAGE_DOCUMENTS,
        Sample,
        trained_languages,
    )

    def samples(language: str | None, count: int) -> list[Sample]:
        item = ClassifierInput(text="text", language=language)
        return [Sample(item, "contract", f"{language}{n}", "s") for n in range(count)]

    languages = trained_languages(
        samples("en", MIN_LANGUAGE_DOCUMENTS)
        + samples("zh", 1)
        + samples(None, MIN_LANGUAGE_DOCUMENTS)
    )

    assert languages == ["en"]


def test_train_cli_missing_default_database_notes_it(isolated_cwd: Path) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(isolated_cwd / "corpus", {"invoice": 4, "resume": 4})
    args = ["train", str(folder), "-o", "model", "-f", "json"]

    outcome = CliRunner().invoke(app, [*args, "--force"])

    assert outcome.exit_code == 0, outcome.stderr
    assert "no database at '.docflow/docflow.duckdb' yet" in outcome.stderr
    assert "without corrections from docflow label" in outcome.stderr
    assert json.loads(outcome.stdout)["corrections"] == 0
    assert not (isolated_cwd / ".docflow" / "docflow.duckdb").exists()


@pytest.mark.parametrize("source", ["flag", "environment", "settings file"])
def test_train_cli_missing_named_database_exits_5(
    isolated_cwd: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(isolated_cwd / "corpus", {"invoice": 4, "resume": 4})
    args = ["train", str(folder), "-o", "model", "-f", "json"]
    if source == "flag":
        args += ["--db", "typo.duckdb"]
        named = "given with --db"
    elif source == "environment":
        monkeypatch.setenv("DOCFLOW_DB", "typo.duckdb")
        named = "named by environment variable DOCFLOW_DB"
    else:
        (isolated_cwd / "docflow.toml").write_text(
            '[store]\ndatabase = "typo.duckdb"\n'
        )
        named = "named by store.database in docflow.toml"

    outcome = CliRunner().invoke(app, args)

    assert outcome.exit_code == 5
    assert outcome.stdout == ""
    assert f"the database 'typo.duckdb' {named} does not exist" in outcome.stderr
    assert "reading" not in outcome.stderr  # stopped before the files were read
    assert not (isolated_cwd / "typo.duckdb").exists()
    assert not (isolated_cwd / "model").exists()


def test_train_cli_label_without_subfolder(isolated_cwd: Path) -> None:
    """docflow label, then docflow train on a folder without that category."""
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(isolated_cwd / "corpus", {"invoice": 4, "resume": 4})
    document = isolated_cwd / "minutes.txt"
    shutil.copy(_source_files("meeting_minutes")[0], document)
    database = ["--db", str(isolated_cwd / "docflow.duckdb")]
    runner = CliRunner()
    classified = runner.invoke(app, ["classify", str(document), *database])
    assert classified.exit_code == 0, classified.stderr
    labeled = runner.invoke(app, ["label", str(document), "form", *database])
    assert labeled.exit_code == 0, labeled.stderr

    args = ["train", str(folder), *database, "-o", "model", "--force"]
    trained = runner.invoke(app, [*args, "-f", "json"])

    assert trained.exit_code == 0, trained.stderr
    report = json.loads(trained.stdout)
    assert report["written"]
    assert report["left_out_corrections"] == {"form": 1}
    assert report["corrections"] == 0
    assert "leaving out 1 correction" in trained.stderr
    assert str(folder / "form") in trained.stderr

    table = runner.invoke(app, [*args, "-f", "table"])
    assert table.exit_code == 0, table.stderr
    assert "1 left out (no subfolder): form" in table.stdout


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not found")
@pytest.mark.parametrize("position", ["before", "after"])
def test_train_cli_invalid_lang_stops_early(isolated_cwd: Path, position: str) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(isolated_cwd / "corpus", {"invoice": 4, "resume": 4})
    train = ["train", str(folder), "-o", "model", "--db", "t.duckdb"]
    lang = ["--lang", "zzz"]
    args = [*lang, *train] if position == "before" else [*train, *lang]

    outcome = CliRunner().invoke(app, args)

    assert outcome.exit_code == 2
    assert "OCR language 'zzz' (--lang or extraction.ocr_languages)" in outcome.stderr
    assert "installed: " in outcome.stderr
    assert "reading" not in outcome.stderr  # stopped before the files were read
    assert outcome.stdout == ""
    assert sorted(p.name for p in isolated_cwd.iterdir()) == ["corpus"]


def _mislabeled_resumes(folder: Path, count: int) -> list[tuple[str, str]]:
    """Label ``count`` resumes that are not in ``folder`` as email, as by mistake."""
    files = sorted(p for p in (TRAIN_CORPUS / "resume").iterdir() if p.is_file())
    inside = {path.name for path in (folder / "resume").iterdir()}
    outside = [path for path in files if path.name not in inside]
    return [(str(path), "email") for path in outside[:count]]


def test_train_names_disputed_corrections(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _copy_counts(tmp_path / "corpus", {"resume": 6, "email": 6})
    model_dir = tmp_path / "model"
    labels = _mislabeled_resumes(folder, 2)

    # The wrong labels also turn a folder resume into an email, and that
    # regression rejects the model. test_correction_check_worse shows that a
    # dispute alone does not.
    with pytest.raises(ModelRejected) as caught:
        train_model(
            folder, _settings(tmp_path, model_dir), corrections=labels, output=model_dir
        )

    report = caught.value.report
    check = report.correction_check
    assert check is not None
    assert {item.source for item in check.disputed} == {p for p, _ in labels}
    assert all(item.predicted == "resume" for item in check.disputed)
    assert all(item.confidence >= 0.8 for item in check.disputed)
    assert len(check.regressions) > check.improvements
    assert report.rejected.startswith("the corrections from docflow label make")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    disputed = [text for text in warnings if "disputed" in text]
    assert len(disputed) == 1
    assert "docflow label" in disputed[0]
    assert labels[0][0] in disputed[0]


def _store_with_labels(path: Path, labels: Sequence[tuple[str, str]]) -> str:
    """Return a new database at ``path`` that has ``labels`` from docflow label."""
    from docflow.core.models import DocumentResult
    from docflow.core.store import ResultWriter, Store

    store = Store(str(path))
    with ResultWriter(store, fingerprint="fp") as writer:
        for source, _ in labels:
            writer.add(DocumentResult(path=source, status="ok"))
    for source, category in labels:
        store.add_label(source, category, "ann")
    return str(store.path)


def test_train_cli_prints_disputed_corrections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cwd: Path
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    monkeypatch.setenv("COLUMNS", "200")
    folder = _copy_counts(tmp_path / "corpus", {"resume": 6, "email": 6})
    labels = _mislabeled_resumes(folder, 2)
    database = _store_with_labels(tmp_path / "t.duckdb", labels)
    output = str(tmp_path / "model")
    args = ["train", str(folder), "--output", output, "--db", database]

    # The shipped model beats this small one on the held-out split.
    table = CliRunner().invoke(app, [*args, "--force", "-f", "table"])

    assert table.exit_code == 0, table.stderr
    for source, _ in labels:
        assert f"disputed: correction {source} labeled email, the model" in table.stdout
    assert "trained without corrections says resume" in table.stdout
    assert table.stderr.count("disputed by a model") == 1
    assert "Check these labels with docflow label" in table.stderr


@pytest.mark.parametrize("output_format", ["json", "table"])
def test_train_cli_notes_skipped_none_labels(
    tmp_path: Path, isolated_cwd: Path, output_format: str
) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    folder = _copy_counts(tmp_path / "corpus", {"resume": 2, "email": 2})
    novel = tmp_path / "novel.txt"
    novel.write_text("Chapter one. It was a bright cold day in April.\n")
    database = _store_with_labels(tmp_path / "t.duckdb", [(str(novel), "none")])
    output = str(tmp_path / "model")
    args = ["train", str(folder), "--output", output, "--db", database]

    # The shipped model beats this small one on the held-out split.
    result = CliRunner().invoke(app, [*args, "--force", "-f", output_format])

    assert result.exit_code == 0, result.stderr
    assert (
        "skipped 1 document labeled none (no category) with docflow label, "
        "because a label of none trains no category\n"
    ) in result.stderr


def test_train_cli_json_undecodable_names(tmp_path: Path) -> None:
    """Names that are not UTF-8 read as docflow process writes them, ``\\xNN``."""
    folder = _copy_counts(tmp_path / "corpus", {"invoice": 4, "resume": 4})
    invoice = b"INVOICE No. 2041\nInvoice date: 2026-03-14\nTotal due: 1,250.00 EUR\n"
    # Python's own spelling of the name 'labeled_\xfd.txt': a lone surrogate.
    labeled = tmp_path / os.fsdecode(b"labeled_\xfd.txt")
    labeled.write_bytes(invoice)
    (folder / "invoice" / os.fsdecode(b"invoice_\xff.txt")).write_bytes(invoice)
    (folder / "invoice" / os.fsdecode(b"empty_\xfe.txt")).write_bytes(b"")
    database = _store_with_labels(tmp_path / "t.duckdb", [(str(labeled), "invoice")])
    args = ["train", "corpus", "-o", "model", "--db", database, "--force"]

    run = run_console_script(tmp_path, *args, "-f", "json", env=docflow_env(tmp_path))

    assert run.returncode == 0, run.stderr.decode(errors="replace")
    report = json.loads(run.stdout.decode("utf-8"))
    assert report["skipped"] == [
        "corpus/invoice/empty_\\xfe.txt: file is empty (0 bytes)"
    ]
    sources = [outcome["source"] for outcome in report["correction_check"]["outcomes"]]
    assert sources == [f"{tmp_path}/labeled_\\xfd.txt"]
    warning = b"skipping training file corpus/invoice/empty_\\xfe.txt: file is empty"
    assert warning in run.stderr
    assert b"\\udc" not in run.stderr
