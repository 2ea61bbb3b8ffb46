"""classify, process, label and train through the real command line.

A small model is trained once from generated text, so these tests do not
depend on the model shipped with docflow.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATES = {
    "invoice": "INVOICE number {n} total due {a} EUR payment within 30 days VAT "
    "subtotal bill to customer account line items amount",
    "letter": "Dear Mr Smith, thank you for your letter of {n} March about the "
    "visit. We look forward to seeing you. Kind regards, Anna {a}",
    "memo": "MEMO TO: all staff FROM: facilities SUBJECT: parking garage {n} "
    "closed on Friday, please use the public garage {a} instead",
    "contract": "This agreement between the parties {n} sets out the obligations "
    "of the licensee, who agrees to the terms; either party may terminate {a}",
}


def write_documents(folder: Path, per_category: int, seed: int) -> None:
    generator = random.Random(seed)
    for category, template in TEMPLATES.items():
        (folder / category).mkdir(parents=True)
        for index in range(per_category):
            words = template.format(n=index, a=generator.randint(1, 999)).split()
            tail = words[3:]
            generator.shuffle(tail)
            text = " ".join(words[:3] + tail)
            (folder / category / f"{category}-{index}.txt").write_text(text * 3)


def command_env(workdir: Path, model: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["DOCFLOW_CONFIG"] = os.devnull
    if model is not None:
        env["DOCFLOW_CLASSIFICATION_MODEL_PATH"] = str(model)
    return env


def docflow(workdir: Path, *args: str, model: Path | None = None):
    return subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()", *args],
        cwd=workdir,
        input=b"",
        capture_output=True,
        env=command_env(workdir, model),
        timeout=300,
    )


def json_lines(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode().splitlines()]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, dict]:
    """Train a model on generated documents; return its folder and the report."""
    workdir = tmp_path_factory.mktemp("training")
    write_documents(workdir / "train", per_category=12, seed=1)
    completed = docflow(workdir, "train", "train", "--output", "model", "-f", "json")
    assert completed.returncode == 0, completed.stderr.decode()
    return workdir / "model", json.loads(completed.stdout)


def test_train_default_output_is_working_state(tmp_path):
    """Without --output the model goes to .docflow/models, not the shipped one."""
    from docflow.core.classify._model import METADATA_FILE, SHIPPED_MODEL_DIR

    shipped = (SHIPPED_MODEL_DIR / METADATA_FILE).read_bytes()
    write_documents(tmp_path / "train", per_category=12, seed=1)
    completed = docflow(tmp_path, "train", "train", "-f", "json")
    assert completed.returncode == 0, completed.stderr.decode()
    expected = tmp_path / ".docflow" / "models" / "train"
    assert json.loads(completed.stdout)["output"] == str(expected)
    assert (expected / "model.json").is_file()
    assert (SHIPPED_MODEL_DIR / METADATA_FILE).read_bytes() == shipped
    stderr = completed.stderr.decode()
    assert f"classification.model_path = {str(expected)!r}" in stderr
    assert f"DOCFLOW_CLASSIFICATION_MODEL_PATH={expected}" in stderr


def test_train_default_output_follows_cache_dir(tmp_path):
    write_documents(tmp_path / "train", per_category=12, seed=1)
    env = command_env(tmp_path)
    env["DOCFLOW_STORE_CACHE_DIR"] = str(tmp_path / "state" / "cache")
    completed = subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()"]
        + ["train", "train", "-f", "json"],
        cwd=tmp_path,
        input=b"",
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    expected = tmp_path / "state" / "models" / "train"
    assert json.loads(completed.stdout)["output"] == str(expected)
    assert (expected / "model.json").is_file()


def test_train_into_model_in_use_prints_no_setting(tmp_path, trained):
    model, _ = trained
    write_documents(tmp_path / "train", per_category=12, seed=1)
    target = tmp_path / "mine"
    shutil.copytree(model, target)
    completed = docflow(
        tmp_path, "train", "train", "-o", "mine", "--force", "-f", "json", model=target
    )
    assert completed.returncode == 0, completed.stderr.decode()
    assert "DOCFLOW_CLASSIFICATION_MODEL_PATH" not in completed.stderr.decode()


@pytest.fixture
def inbox(tmp_path) -> Path:
    write_documents(tmp_path / "inbox", per_category=2, seed=2)
    return tmp_path / "inbox"


def test_train_reports_metrics_per_category(trained):
    model, report = trained
    assert report["written"] is True
    assert report["replaced"] is False  # the first model in a new folder
    assert set(report["after"]["per_category"]) <= set(TEMPLATES)
    for metrics in report["after"]["per_category"].values():
        assert 0.0 <= metrics["precision"] <= 1.0
        assert 0.0 <= metrics["recall"] <= 1.0
    assert (model / "model.json").is_file()


def test_process_classifies_and_judges(tmp_path, trained, inbox):
    model, _ = trained
    completed = docflow(tmp_path, "process", "inbox", model=model)
    assert completed.returncode == 0, completed.stderr.decode()
    records = json_lines(completed.stdout)
    assert len(records) == 8
    for record in records:
        assert record["classification"]["category"] in {*TEMPLATES, "unknown"}
        assert 0.0 <= record["classification"]["confidence"] <= 1.0
        assert record["quality"] is not None
    assert b"categories:" in completed.stderr


def test_classify_rerun_is_cached(tmp_path, trained, inbox):
    model, _ = trained
    docflow(tmp_path, "classify", "inbox", model=model)
    again = docflow(tmp_path, "classify", "inbox", model=model)
    assert all(record["cached"] for record in json_lines(again.stdout))


def test_threshold_change_reprocesses(tmp_path, trained, inbox):
    model, _ = trained
    docflow(tmp_path, "classify", "inbox/memo", model=model)
    again = docflow(
        tmp_path, "classify", "--threshold", "0.99", "inbox/memo", model=model
    )
    assert not any(record["cached"] for record in json_lines(again.stdout))


def test_results_filter_by_category(tmp_path, trained, inbox):
    model, _ = trained
    completed = docflow(tmp_path, "classify", "inbox", model=model)
    found = {r["classification"]["category"] for r in json_lines(completed.stdout)}
    category = sorted(found)[0]
    listed = docflow(tmp_path, "results", "--category", category)
    categories = {r["classification"]["category"] for r in json_lines(listed.stdout)}
    assert categories == {category}


def test_label_feeds_training(tmp_path, trained, inbox):
    model, _ = trained
    docflow(tmp_path, "classify", "inbox", model=model)
    labeled = docflow(tmp_path, "label", "inbox/memo/memo-0.txt", "letter", "--by", "t")
    assert labeled.returncode == 0, labeled.stderr.decode()
    write_documents(tmp_path / "train", per_category=12, seed=3)
    completed = docflow(
        tmp_path,
        "train",
        "train",
        "--output",
        "retrained",
        "--force",
        "-f",
        "json",
        model=model,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    report = json.loads(completed.stdout)
    trained = report["documents_per_category"]
    assert report["corrections"] == 1
    assert trained["letter"] == trained["memo"] + 1
    assert sum(trained.values()) == report["training_documents"]


def test_train_one_category_plus_label(tmp_path, trained, inbox):
    """One folder category plus one labeled document of another is rejected.

    The correction's category has no subfolder, so it is left out with a
    warning, and one category remains.
    """
    model, _ = trained
    database = ["--db", str(tmp_path / "label.duckdb")]
    memo = "inbox/memo/memo-0.txt"
    classified = docflow(tmp_path, "classify", *database, memo, model=model)
    assert classified.returncode == 0, classified.stderr.decode()
    labeled = docflow(tmp_path, "label", *database, memo, "letter", "--by", "t")
    assert labeled.returncode == 0, labeled.stderr.decode()
    write_documents(tmp_path / "train", per_category=12, seed=3)
    for category in set(TEMPLATES) - {"invoice"}:
        shutil.rmtree(tmp_path / "train" / category)

    completed = docflow(
        tmp_path, "train", *database, "train", "-o", "out", "-f", "json", model=model
    )

    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert "leaving out 1 correction" in stderr
    assert "letter (1)" in stderr
    assert "'train' has documents of 1 category (invoice: 12 documents)" in stderr
    assert "training needs at least two categories" in stderr
    assert "at least 2 documents" in stderr
    assert completed.stdout == b""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("file", "'train' is a file, not a folder; give the folder whose subfolders"),
        ("empty", "'train' has no category subfolders."),
        ("flat", "'train' has no category subfolders, and training ignores the 2"),
    ],
)
def test_train_folder_layout_errors(tmp_path, layout, expected):
    if layout == "file":
        (tmp_path / "train").write_text("INVOICE number 1 total due 10 EUR")
    else:
        (tmp_path / "train").mkdir()
    if layout == "flat":
        for index in range(2):
            (tmp_path / "train" / f"{index}.txt").write_text("INVOICE total due")

    # The default database, which may be missing; a missing --db is an error.
    completed = docflow(tmp_path, "train", "train", "-o", "out")

    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert expected in stderr
    assert "not found" not in stderr
    assert "hold" not in stderr
    assert not (tmp_path / "out").exists()


def test_classify_again_shows_label(tmp_path, trained, inbox):
    """A labeled document classified again prints the person's category."""
    model, _ = trained
    first = docflow(tmp_path, "classify", "inbox/memo/memo-0.txt", model=model)
    (record,) = json_lines(first.stdout)
    said = record["classification"]["category"]
    label = "letter" if said != "letter" else "memo"
    labeled = docflow(tmp_path, "label", "inbox/memo/memo-0.txt", label, "--by", "t")
    assert labeled.returncode == 0, labeled.stderr.decode()
    shutil.copy(tmp_path / "inbox/memo/memo-0.txt", tmp_path / "copy.txt")
    again = docflow(
        tmp_path, "classify", "inbox/memo/memo-0.txt", "copy.txt", model=model
    )
    records = {Path(r["path"]).name: r for r in json_lines(again.stdout)}
    for name in ("memo-0.txt", "copy.txt"):  # the labeled file and a copy of it
        classification = records[name]["classification"]
        assert classification["category"] == label
        assert classification["correction"]["model_category"] == said
    assert f"categories: 2 {label}" in again.stderr.decode()


STORY = (
    "Chapter one\n\nThe fog lay low over the harbour when the fishing boats "
    "came home. Old Tom stood on the pier and watched the gulls circle the "
    "masts, remembering the summer his brother sailed away and never wrote "
    "again. The lamps of the village flickered one by one.\n"
)


def test_labeled_unknown_reads_as_labeled(tmp_path):
    """A label replaces the classifier's unknown and its reason for review."""
    (tmp_path / "story.txt").write_text(STORY)
    first = docflow(tmp_path, "classify", "story.txt")
    (classified,) = json_lines(first.stdout)
    labeled = docflow(tmp_path, "label", "story.txt", "letter", "--by", "ann")
    shown = docflow(tmp_path, "report", "story.txt", "-f", "jsonl")
    (record,) = json_lines(shown.stdout)
    before = classified["classification"]
    after = record["classification"]
    sent = [item for item in before["evidence"] if "sent to review" in item["term"]]

    assert first.returncode == 0, first.stderr.decode()
    assert before["category"] == "unknown"
    assert sent  # the classifier's reason, which the label replaces
    assert labeled.returncode == 0, labeled.stderr.decode()
    assert shown.returncode == 0, shown.stderr.decode()
    assert after["category"] == "letter"
    assert after["confidence"] == 1.0
    assert after["processing_method"] == "label"
    assert after["correction"]["labeled_by"] == "ann"
    assert after["correction"]["model_category"] == "unknown"
    assert not [item for item in after["evidence"] if item in sent]
    assert record["review_status"] == "approved"


def test_classify_csv_names_labeler(tmp_path, trained, inbox):
    model, _ = trained
    docflow(tmp_path, "classify", "inbox/memo/memo-0.txt", model=model)
    docflow(tmp_path, "label", "inbox/memo/memo-0.txt", "letter", "--by", "ann")
    again = docflow(
        tmp_path, "classify", "-f", "csv", "inbox/memo/memo-0.txt", model=model
    )
    header, row = again.stdout.decode().splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["category"] == "letter"
    assert values["labeled_by"] == "ann"
    assert values["review"] == "approved"
    table = docflow(
        tmp_path, "classify", "-f", "table", "inbox/memo/memo-0.txt", model=model
    )
    assert "labeled_by" in table.stdout.decode()


def test_json_array_keeps_input_order(tmp_path, trained):
    """Longest documents are processed first, but the array follows the input."""
    model, _ = trained
    inbox = tmp_path / "ordered"
    inbox.mkdir()
    names = ["a-short.txt", "b-long.txt", "c-medium.txt"]
    for name, repeat in zip(names, (1, 40, 10), strict=True):
        (inbox / name).write_text(TEMPLATES["memo"].format(n=1, a=2) * repeat)

    streamed = docflow(tmp_path, "classify", "ordered", "-f", "jsonl", model=model)
    assert streamed.returncode == 0, streamed.stderr.decode()
    arrival = [Path(r["path"]).name for r in json_lines(streamed.stdout)]
    assert arrival == ["b-long.txt", "c-medium.txt", "a-short.txt"]

    (tmp_path / ".docflow").rename(tmp_path / "first-run")  # no cache hits
    collected = docflow(tmp_path, "classify", "ordered", "-f", "json", model=model)
    assert collected.returncode == 0, collected.stderr.decode()
    assert [Path(r["path"]).name for r in json.loads(collected.stdout)] == names


def test_train_table_shows_trained_counts(capsys, monkeypatch):
    from docflow.cli._admin import _print_train_report

    monkeypatch.setenv("COLUMNS", "160")
    scores = {"precision": 1.0, "recall": 0.5, "f1": 0.67, "support": 2}
    data = {
        "output": "model",
        "version": "v2",
        "written": True,
        "replaced": True,
        "training_documents": 11,
        "corrections": 1,
        "documents_per_category": {"invoice": 10, "receipt": 1},
        "before": None,
        "after": {
            "macro_f1": 0.67,
            "accuracy": 0.5,
            "per_category": {"invoice": scores},
        },
    }
    _print_train_report(data)
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:3]
    assert rows["category"] == ["trained on", "held out"]
    assert rows["invoice"] == ["10", "2"]
    # Known only from the correction, so nothing of it was held out.
    assert rows["receipt"] == ["1", "0"]
    # training_documents counts the correction too, so the summary counts it once.
    assert "(trained on 10 folder documents and 1 correction)" in out


def test_train_table_escapes_control_characters(capsys, monkeypatch):
    from docflow.cli._admin import _print_train_report

    monkeypatch.setenv("COLUMNS", "160")
    data = {
        "output": "models/new\x1b[2J\nmodel",
        "version": "v2",
        "written": True,
        "replaced": False,
        "training_documents": 3,
        "corrections": 0,
        "documents_per_category": {"bad\x1b[31m[bold]name": 3},
        "before": None,
        "after": {"macro_f1": 1.0, "accuracy": 1.0, "per_category": {}},
    }
    _print_train_report(data)
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "bad\\x1b[31m[bold]name" in out
    assert "written to models/new\\x1b[2J\\nmodel (trained on 3 folder documents" in out


def test_csv_keeps_numbers_as_stored(tmp_path, trained, inbox):
    """CSV shows confidence and quality as JSON does; only the table rounds."""
    import csv
    import io

    model, _ = trained
    # Words of two categories, so that the confidence is not a round 1.0.
    path = "mixed.txt"
    (tmp_path / path).write_text(
        "Dear Mr Smith, thank you for your letter about the visit. MEMO TO: "
        "all staff FROM: facilities SUBJECT: parking garage closed on Friday. "
        "Kind regards, Anna"
    )
    database = ["--db", str(tmp_path / "csv.duckdb")]
    listed = docflow(tmp_path, "process", *database, "-f", "jsonl", path, model=model)
    assert listed.returncode == 0, listed.stderr.decode()
    (record,) = json_lines(listed.stdout)
    confidence = record["classification"]["confidence"]
    quality = record["quality"]["overall_score"]
    as_csv = docflow(tmp_path, "process", *database, "-f", "csv", path, model=model)
    (row,) = csv.DictReader(io.StringIO(as_csv.stdout.decode()))
    table = docflow(tmp_path, "process", *database, "-f", "table", path, model=model)

    assert round(confidence, 2) != confidence, "pick a less round confidence"
    assert float(row["confidence"]) == confidence
    assert float(row["quality"]) == quality
    assert str(round(confidence, 2)) in table.stdout.decode()
    assert str(confidence) not in table.stdout.decode()
