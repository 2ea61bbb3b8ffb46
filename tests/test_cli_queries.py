"""Tests of the read commands (results, stats, report, review, label) in process.

The database is filled through the Store API, then each command runs through
typer's CliRunner against the same real DuckDB file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from docflow.cli._queries import missing_database_message
from docflow.cli.main import app
from docflow.core.config import load_settings
from docflow.core.models import (
    ClassificationMetadata,
    ClassificationResult,
    DocumentResult,
    QualityIssue,
    QualityResult,
)
from docflow.core.store import ResultWriter, Store, database_origin

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import (  # noqa: E402
    docflow_env,
    read_terminal,
    run_console_script,
)


def make_result(path: str, category: str, score: float, status: str = "ok"):
    ok = status == "ok"
    return DocumentResult(
        path=path,
        status=status,
        error=None if ok else f"{path}: damaged beyond repair",
        content_hash=f"hash-{path}",
        size=10,
        detected_type="pdf",
        pages=1,
        classification=ClassificationResult(
            category=category,
            confidence=0.3 if category == "unknown" else 0.9,
            metadata=ClassificationMetadata(model_version="m1"),
        )
        if ok
        else None,
        quality=QualityResult(
            overall_score=score,
            readability_score=score,
            structure_score=score,
            content_quality_score=score,
            issues=[QualityIssue(code="low_ocr_confidence", message="blurry scan")],
        )
        if ok
        else None,
        review_status=("needs_review" if score < 60 else "approved") if ok else None,
    )


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    for name in list(os.environ):
        if name.startswith("DOCFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(make_result("/d/invoice.pdf", "invoice", 90))
        writer.add(make_result("/d/blurry.pdf", "invoice", 40))
        writer.add(make_result("/d/odd.pdf", "unknown", 75))
        writer.add(make_result("/d/broken.pdf", "", 0, status="corrupt"))
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_results_filter_by_category(database):
    outcome = invoke("results", "--db", database, "--category", "invoice")
    assert outcome.exit_code == 0
    assert sorted(r["path"] for r in lines(outcome.stdout)) == [
        "/d/blurry.pdf",
        "/d/invoice.pdf",
    ]


def test_results_filter_by_status(database):
    outcome = invoke("results", "--db", database, "--status", "corrupt")
    assert [r["path"] for r in lines(outcome.stdout)] == ["/d/broken.pdf"]


def test_results_since_in_future_is_empty(database):
    outcome = invoke("results", "--db", database, "--since", "2999-01-01")
    assert outcome.exit_code == 0
    assert outcome.stdout == ""
    assert "no stored results match" in outcome.stderr


def test_results_empty_table_prints_nothing(database):
    outcome = invoke(
        "results", "--db", database, "--since", "2999-01-01", "-f", "table"
    )
    assert outcome.exit_code == 0
    assert outcome.stdout == ""
    assert "match" in outcome.stderr


def test_results_until_includes_today(database):
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    outcome = invoke("results", "--db", database, "--until", today)
    assert len(lines(outcome.stdout)) == 4


def test_results_invalid_date_is_usage_error(database):
    outcome = invoke("results", "--db", database, "--since", "yesterday")
    assert outcome.exit_code == 2
    assert "invalid --since 'yesterday'" in outcome.stderr


@pytest.mark.parametrize(
    ("since", "until", "relation"),
    [
        ("2026-12-06", "2026-12-01", "after"),
        ("2026-12-02", "2026-12-01", "after"),  # --until 12-01 ends at 12-02
        ("2026-12-01T08:00", "2026-12-01T08:00", "equal to"),
    ],
)
def test_results_since_after_until_rejected(database, since, until, relation):
    outcome = invoke("results", "--db", database, "--since", since, "--until", until)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert f"--since {since} is {relation} --until {until}" in outcome.stderr
    assert "no stored results match" not in outcome.stderr


@pytest.fixture
def dated_database(tmp_path, monkeypatch) -> str:
    """A database with one document processed on each of three days in 2026."""
    from datetime import datetime

    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "dated.duckdb")
    days = {"/d/nov.pdf": 11, "/d/dec.pdf": 12, "/d/broken.pdf": 12}
    for name, month in days.items():
        day = 2 if name == "/d/broken.pdf" else 1
        status = "corrupt" if name == "/d/broken.pdf" else "ok"
        clock = lambda when=datetime(2026, month, day, 9): when  # noqa: E731
        with ResultWriter(Store(path), fingerprint="fp", clock=clock) as writer:
            writer.add(make_result(name, "invoice", 40, status=status))
    return path


@pytest.mark.parametrize(
    ("period", "documents", "errors"),
    [
        ((), 3, 1),
        (("--since", "2026-12-01"), 2, 1),
        (("--since", "2026-12-02T00:00"), 1, 1),
        (("--until", "2026-10-31"), 0, 0),
        (("--until", "2026-12-01"), 2, 0),  # a date alone includes its day
        (("--since", "2026-11-15", "--until", "2026-12-01T12:00"), 1, 0),
    ],
)
def test_stats_counts_documents_in_period(dated_database, period, documents, errors):
    outcome = invoke("stats", "--db", dated_database, "-f", "json", *period)
    stats = json.loads(outcome.stdout)
    assert outcome.exit_code == 0, outcome.stderr
    assert stats["documents"] == documents
    assert stats["errors"] == errors
    assert sum(stats["by_status"].values()) == documents
    assert stats["by_category"].get("invoice", 0) == documents - errors
    assert stats["review_queue"] == documents - errors


def test_stats_json_shows_period(dated_database):
    outcome = invoke(
        "stats",
        "--db",
        dated_database,
        "-f",
        "json",
        "--since",
        "2026-11-15",
        "--until",
        "2026-12-01",
    )
    stats = json.loads(outcome.stdout)
    assert outcome.exit_code == 0, outcome.stderr
    assert stats["since"] == "2026-11-15T00:00:00"
    assert stats["until"] == "2026-12-02T00:00:00"  # the exclusive end


def test_stats_json_without_period(dated_database):
    outcome = invoke("stats", "--db", dated_database, "-f", "json")
    stats = json.loads(outcome.stdout)
    assert "since" not in stats
    assert "until" not in stats


@pytest.mark.parametrize(
    ("period", "heading"),
    [
        (
            ("--since", "2026-11-15", "--until", "2026-12-01"),
            "1 document processed from 2026-11-15 00:00:00 "
            "to before 2026-12-02 00:00:00 in ",
        ),
        (("--since", "2026-12-02T00:00"), "1 document processed from 2026-12-02 "),
        (("--until", "2026-12-01"), "2 documents processed before 2026-12-02 "),
    ],
)
def test_stats_table_shows_period(dated_database, period, heading):
    outcome = invoke("stats", "--db", dated_database, "-f", "table", *period)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.splitlines()[0].startswith(heading)


def test_stats_invalid_date_is_usage_error(dated_database):
    outcome = invoke("stats", "--db", dated_database, "--until", "yesterday")
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert "invalid --until 'yesterday'" in outcome.stderr


def test_stats_since_after_until_rejected(dated_database):
    outcome = invoke(
        "stats",
        "--db",
        dated_database,
        "--since",
        "2026-12-06",
        "--until",
        "2026-12-01",
    )
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert "--since 2026-12-06 is after --until 2026-12-01" in outcome.stderr


def test_results_since_same_day_as_until(database):
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    outcome = invoke("results", "--db", database, "--since", today, "--until", today)
    assert outcome.exit_code == 0
    assert len(lines(outcome.stdout)) == 4


def test_results_csv(database):
    outcome = invoke("results", "--db", database, "--format", "csv")
    rows = outcome.stdout.splitlines()
    assert rows[0].split(",")[:3] == ["id", "path", "status"]
    assert len(rows) == 5


@pytest.mark.parametrize(
    "filters",
    [["--since", "2999-01-01"], ["--category", "letter"], ["--status", "timeout"]],
)
def test_results_csv_no_match_prints_header(database, filters):
    outcome = invoke("results", "--db", database, "--format", "csv", *filters)
    assert outcome.exit_code == 0
    (header,) = outcome.stdout.splitlines()
    assert header.split(",")[:3] == ["id", "path", "status"]
    assert "no stored results match" in outcome.stderr


def test_results_table(database):
    outcome = invoke("results", "--db", database, "--format", "table")
    assert "invoice.pdf" in outcome.stdout
    assert "corrupt" in outcome.stdout


def test_review_lists_unknown_and_low_quality(database):
    outcome = invoke("review", "--db", database)
    assert sorted(r["path"] for r in lines(outcome.stdout)) == [
        "/d/blurry.pdf",
        "/d/odd.pdf",
    ]
    assert "docflow label ID CATEGORY" in outcome.stderr


#: Review reasons as docflow writes them, longer than an 80-column terminal.
LONG_REASONS = {
    "memorandum-to-the-board.pdf": [
        "category unknown: rules point to memo ('memorandum'), not contract: "
        "sent to review"
    ],
    "scanned-receipt-2026-11.pdf": [
        "confidence 0.53 under classification.review_threshold 0.8",
        "quality 53 under quality.review_threshold 60",
    ],
}


def review_on_terminal(tmp_path, columns: int) -> str:
    """Store ``LONG_REASONS`` and return what ``docflow review`` shows on a terminal."""
    folder = "/archive/scans/received-by-post/department-of-finance"
    database = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(database), fingerprint="fp") as writer:
        for name, reasons in LONG_REASONS.items():
            result = make_result(f"{folder}/{name}", "unknown", 53)
            writer.add(result.model_copy(update={"review_reasons": reasons}))

    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["COLUMNS"] = str(columns)
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from docflow.cli.main import run; run()"]
        + ["review", "--db", database],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(terminal)
    try:
        terminal_output = read_terminal(master, process, timeout=60)
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(master)
    assert process.returncode == 0, stderr.decode()

    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", terminal_output.decode())
    return text.replace("\r", "")


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]


def test_review_table_fits_80_columns(tmp_path):
    text = review_on_terminal(tmp_path, 80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text
    table = table_lines(text)
    # rich crops a line wider than the terminal, which loses the right border.
    assert all(line.rstrip()[-1:] in "┓┃┩│┘" for line in table), text
    # Top border, header, header rule, one line per document, bottom border.
    assert len(table) == len(LONG_REASONS) + 4, text
    assert "reasons" not in table[1]

    words = " ".join(text.split())
    for name, reasons in LONG_REASONS.items():
        assert name in text
        for reason in reasons:
            assert reason in words, reason


def test_review_wide_terminal_keeps_reasons_column(tmp_path):
    text = review_on_terminal(tmp_path, 300)
    table = table_lines(text)
    assert "reasons" in table[1]
    assert len(table) == len(LONG_REASONS) + 4, text
    for name, reasons in LONG_REASONS.items():
        [row] = [line for line in table if name in line]
        assert "; ".join(reasons) in row


def test_label_then_review_shrinks(database):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "receipt", "--by", "ann")
    assert outcome.exit_code == 0
    record = lines(outcome.stdout)[0]
    assert record["category"] == "receipt"
    assert record["labeled_by"] == "ann"
    remaining = invoke("review", "--db", database)
    assert [r["path"] for r in lines(remaining.stdout)] == ["/d/blurry.pdf"]
    assert Store(database).corrections()[0].path == "/d/odd.pdf"


def test_label_takes_lock_once(database):
    """label opens the database in one turn, so a busy docflow watch delays it once."""
    tail = Path(database + ".lock.d") / ".tail"
    before = int(tail.read_text())
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "receipt")
    assert outcome.exit_code == 0, outcome.stderr
    assert int(tail.read_text()) - before == 1


def test_label_unknown_category_exit_2(database):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "poem")
    assert outcome.exit_code == 2
    assert "unknown category 'poem'" in outcome.stderr


@pytest.mark.parametrize("category", ["unknown", "Unknown"])
def test_label_unknown_points_to_none(database, category):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", category)
    assert outcome.exit_code == 2
    assert "'unknown' is the category docflow returns when it cannot" in outcome.stderr
    assert "or none for a document that fits no category" in outcome.stderr
    assert Store(database).corrections() == []


def test_report_by_id_and_path(database):
    stored = Store(database).document("/d/invoice.pdf")
    by_id = invoke("report", "--db", database, "-f", "json", str(stored.id))
    by_path = invoke("report", "--db", database, "-f", "json", "/d/invoice.pdf")
    assert by_id.exit_code == 0
    assert json.loads(by_id.stdout) == json.loads(by_path.stdout)
    assert json.loads(by_id.stdout)["quality"]["issues"][0]["code"] == (
        "low_ocr_confidence"
    )


def test_report_table_view(database):
    outcome = invoke("report", "--db", database, "-f", "table", "/d/blurry.pdf")
    assert outcome.exit_code == 0
    assert "blurry scan" in outcome.stdout


@pytest.mark.parametrize("reference", ["/d/none.pdf", "12345"])
def test_report_unknown_document_exit_4(database, reference):
    outcome = invoke("report", "--db", database, reference)
    assert outcome.exit_code == 4
    assert f"docflow --db {database} results" in outcome.stderr


def test_report_needs_reference_or_html(database):
    outcome = invoke("report", "--db", database)
    assert outcome.exit_code == 2


def test_stats_json(database):
    outcome = invoke("stats", "--db", database, "-f", "json")
    stats = json.loads(outcome.stdout)
    assert stats["documents"] == 4
    assert stats["errors"] == 1
    assert stats["by_category"] == {"invoice": 2, "unknown": 1}
    assert stats["review_queue"] == 2


def test_stats_table(database):
    outcome = invoke("stats", "--db", database, "-f", "table")
    assert outcome.exit_code == 0
    assert "by category" in outcome.stdout
    # The summary stays on one line in a pipe, however long the path.
    first = outcome.stdout.splitlines()[0]
    assert first.startswith("4 documents in ")
    assert first.endswith("0 corrected by a person")


DEFAULT_DATABASE = ".docflow/docflow.duckdb"


def test_stats_without_default_database(isolated_cwd):
    outcome = invoke("stats", "-f", "json")
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["documents"] == 0


@pytest.mark.parametrize(
    ("command", "stdout_format"),
    [
        (["stats", "-f", "json"], "json"),
        (["stats", "-f", "csv"], "csv"),
        (["watch", "--status"], "json"),  # JSON when stdout is not a terminal
        (["results"], "empty"),
        (["review"], "empty"),
    ],
)
def test_read_missing_default_database_notes_it(isolated_cwd, command, stdout_format):
    outcome = invoke(*command)
    assert outcome.exit_code == 0
    if stdout_format == "json":
        assert json.loads(outcome.stdout)
    elif stdout_format == "csv":
        assert outcome.stdout.startswith("key,value")
    else:
        assert outcome.stdout == ""
    assert f"no database at {DEFAULT_DATABASE!r} yet" in outcome.stderr
    assert "(the default database of the current folder)" in outcome.stderr
    creator = (
        "docflow watch INBOX" if command[0] == "watch" else "docflow process FOLDER"
    )
    assert f"run {creator} here first" in outcome.stderr
    # No --db was given, so the note must not blame one.
    assert "given with --db" not in outcome.stderr
    assert os.listdir(isolated_cwd) == []  # no database, lock file or cache


@pytest.mark.parametrize("source", ["flag", "variable", "file"])
def test_missing_database_message_names_origin(tmp_path, source):
    database = tmp_path / "typo.duckdb"
    config = tmp_path / "docflow.toml"
    config.write_text("")
    environ = {"DOCFLOW_CONFIG": str(config)}
    overrides = {}
    if source == "flag":
        overrides = {"store": {"database": str(database)}}
        named = "given with --db"
        fix = f"docflow process FOLDER --db {database} first"
    elif source == "variable":
        environ["DOCFLOW_DB"] = str(database)
        named = "set by environment variable DOCFLOW_DB"
        fix = "docflow process FOLDER with the same setting first"
    else:
        config.write_text(f'[store]\ndatabase = "{database}"\n')
        named = f"set by store.database in {config}"
        fix = "docflow process FOLDER with the same setting first"
    settings = load_settings(overrides, environ=environ)
    message = missing_database_message(
        settings.store.database, database_origin(settings)
    )
    assert message.startswith(f"no database at {str(database)!r} {named}; ")
    assert fix in message
    assert "default" not in message


#: Every command that only reads the database, with its arguments.
READ_COMMANDS = [
    ["results"],
    ["review"],
    ["stats", "-f", "json"],
    ["report", "1"],
    ["report", "--html", "out.html"],
    ["label", "1", "invoice"],
    ["forget", "--missing"],
    ["watch", "--status"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_missing_named_database_exits_5(isolated_cwd, command):
    database = isolated_cwd / "x" / "docflow.duckbd"
    outcome = invoke(*command, "--db", str(database))
    assert outcome.exit_code == 5
    assert outcome.stdout == ""
    message = outcome.stderr
    assert f"the database {str(database)!r} given with --db does not exist" in message
    creator = (
        "docflow watch INBOX" if command[0] == "watch" else "docflow process FOLDER"
    )
    assert f"{creator} --db {database} first" in message
    assert "no database at" not in message
    assert os.listdir(isolated_cwd) == []  # no database, lock file or report


@pytest.mark.parametrize("variable", ["DOCFLOW_DB", "DOCFLOW_STORE_DATABASE"])
def test_read_missing_database_from_variable(isolated_cwd, monkeypatch, variable):
    monkeypatch.setenv(variable, "typo.duckdb")
    outcome = invoke("results")
    assert outcome.exit_code == 5
    assert f"'typo.duckdb' named by environment variable {variable}" in (outcome.stderr)
    assert "docflow process FOLDER with the same setting" in outcome.stderr
    assert os.listdir(isolated_cwd) == []


def test_read_missing_database_from_settings_file(isolated_cwd):
    (isolated_cwd / "docflow.toml").write_text('[store]\ndatabase = "typo.duckdb"\n')
    outcome = invoke("stats")
    assert outcome.exit_code == 5
    assert "'typo.duckdb' named by store.database in docflow.toml" in outcome.stderr
    assert os.listdir(isolated_cwd) == ["docflow.toml"]


def test_read_missing_named_database_real_cli(isolated_cwd):
    """A mistyped --db ends the command with exit code 5, for scripts."""
    database = isolated_cwd / "docflow.duckbd"
    env = docflow_env(isolated_cwd)
    completed = run_console_script(
        isolated_cwd, "results", "--db", str(database), env=env
    )
    assert completed.returncode == 5
    assert completed.stdout == b""
    assert b"does not exist" in completed.stderr
    assert os.listdir(isolated_cwd) == []


def test_read_missing_default_database_real_cli(isolated_cwd):
    completed = run_console_script(
        isolated_cwd, "results", env=docflow_env(isolated_cwd)
    )
    assert completed.returncode == 0
    assert completed.stdout == b""
    assert b"no database at '.docflow/docflow.duckdb' yet" in completed.stderr


def test_watch_status_missing_database_json_log(isolated_cwd):
    outcome = invoke("watch", "--status", "--log-format", "json")
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout) == {
        "states": {},
        "routes": {},
        "queue": [],
        "daemon": {"running": False, "pid": None},
    }
    (record,) = lines(outcome.stderr)
    assert record["level"] == "warning"
    assert record["message"].startswith(f"no database at {DEFAULT_DATABASE!r} yet")


@pytest.mark.parametrize("command", [["report", "1"], ["label", "1", "invoice"]])
def test_document_missing_database_names_it(isolated_cwd, command):
    outcome = invoke(*command)
    assert outcome.exit_code == 4
    assert outcome.stdout == ""
    assert f"no database at {DEFAULT_DATABASE!r} yet" in outcome.stderr
    assert "no stored document with id" not in outcome.stderr
    assert os.listdir(isolated_cwd) == []


def test_html_report_missing_database_notes_it(isolated_cwd):
    outcome = invoke("report", "--html", "out.html")
    assert outcome.exit_code == 0
    assert f"no database at {DEFAULT_DATABASE!r} yet" in outcome.stderr
    assert "wrote out.html (0 documents)" in outcome.stderr
    assert os.listdir(isolated_cwd) == ["out.html"]


def test_global_db_option_before_command(database):
    outcome = invoke("--db", database, "results", "--status", "corrupt")
    assert len(lines(outcome.stdout)) == 1


#: A file name that would turn the terminal red and start a new line, and
#: how the tables and messages show it.
EVIL_PATH = "/d/evil\x1b[31mRED\nline2.pdf"
EVIL_SHOWN = "/d/evil\\x1b[31mRED\\nline2.pdf"
BAD_SHOWN = EVIL_SHOWN.replace("evil", "bad")


@pytest.fixture
def evil_database(tmp_path, monkeypatch) -> str:
    """Store a result of ``EVIL_PATH`` that waits for review (id 1) and a
    corrupt one of a name like it (id 2)."""
    for name in list(os.environ):
        if name.startswith("DOCFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    low = make_result(EVIL_PATH, "unknown", 40)
    low = low.model_copy(update={"review_reasons": [f"{EVIL_PATH} is blurry"]})
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(low)
        writer.add(make_result(EVIL_PATH.replace("evil", "bad"), "", 0, "corrupt"))
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["results"], f"{BAD_SHOWN}: damaged beyond repair"),
        (["review"], f"{EVIL_SHOWN} is blurry"),
        (["report", "1"], f"needs review: {EVIL_SHOWN} is blurry"),
        (["report", "2"], f"{BAD_SHOWN}: damaged beyond repair"),
    ],
    ids=["results", "review", "report-ok", "report-error"],
)
def test_table_output_escapes_control_characters(evil_database, args, expected):
    outcome = invoke(*args, "--db", evil_database, "-f", "table")
    assert outcome.exit_code == 0, outcome.stderr
    assert "\x1b" not in outcome.stdout
    assert not any(line.startswith("line2") for line in outcome.stdout.splitlines())
    # Lines that rich wrapped at a space are joined again.
    assert expected in " ".join(outcome.stdout.split())


def test_corrupt_database_exit_5(tmp_path):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    outcome = invoke("results", "--db", str(broken))
    assert outcome.exit_code == 5
    assert "cannot open the database" in outcome.stderr


def test_categories_lists_builtin_ones(database):
    from docflow.core.models import CATEGORIES

    outcome = invoke("categories", "-f", "jsonl")
    assert outcome.exit_code == 0
    names = [record["name"] for record in lines(outcome.stdout)]
    assert set(CATEGORIES) <= set(names)
    assert all(record["description"] for record in lines(outcome.stdout))


def test_categories_csv_has_the_json_fields(database):
    as_json = json.loads(invoke("categories", "-f", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(invoke("categories", "-f", "csv").stdout)))
    assert list(as_csv[0]) == list(as_json[0])
    invoice = next(row for row in as_csv if row["name"] == "invoice")
    assert int(invoice["keyword_rules"]) > 0


def test_every_command_help_has_examples():
    commands = [
        "classify",
        "analyze",
        "process",
        "categories",
        "stats",
        "results",
        "report",
        "review",
        "label",
        "train",
        "mcp",
    ]
    for command in commands:
        outcome = invoke(command, "--help")
        assert outcome.exit_code == 0, command
        assert "Examples" in outcome.stdout, command


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("classify", "classify [OPTIONS] PATH..."),
        ("analyze", "analyze [OPTIONS] PATH..."),
        ("process", "process [OPTIONS] PATH..."),
        ("categories", "categories [OPTIONS]"),
        ("stats", "stats [OPTIONS]"),
        ("results", "results [OPTIONS]"),
        ("report", "report [OPTIONS] [ID|PATH]"),
        ("review", "review [OPTIONS]"),
        ("label", "label [OPTIONS] DOC CATEGORY"),
        ("train", "train [OPTIONS] DIR"),
        ("mcp", "mcp [OPTIONS] KIND"),
        ("watch", "watch [OPTIONS] [INBOX...]"),
    ],
)
def test_command_help_shows_no_python_types(command, usage):
    outcome = invoke(command, "--help")
    assert outcome.exit_code == 0
    first_line = outcome.stdout.splitlines()[0]
    assert first_line.endswith(f"docflow {usage}")
    assert not re.search(r"<(str|int|float|bool|list\[\w+\])>", outcome.stdout)


def test_mcp_unknown_kind_exit_2():
    outcome = invoke("mcp", "search")
    assert outcome.exit_code == 2
    assert "classification or quality" in outcome.stderr


@pytest.mark.parametrize(
    "command", [["stats"], ["report", "1"]], ids=["stats", "report"]
)
def test_closed_pipe_ends_read_command_quietly(database, command):
    import subprocess
    import sys

    reader, writer = os.pipe()
    os.close(reader)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", "from docflow.cli.main import run; run()"]
            + command
            + ["--db", database, "--format", "json"],
            stdout=writer,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert completed.returncode == 0, completed.stderr.decode()
    assert b"Error" not in completed.stderr


@pytest.mark.parametrize(
    ("option", "value", "listed"),
    [("--status", "nonsense", "corrupt"), ("--category", "bogus", "invoice")],
    ids=["status", "category"],
)
def test_results_unknown_filter_value_is_usage_error(database, option, value, listed):
    result = invoke("results", "--db", database, option, value)
    assert result.exit_code == 2
    assert value in result.stderr
    assert listed in result.stderr


def test_results_accepts_category_only_in_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(make_result("/d/custom.pdf", "shipping_label", 90))
    result = invoke("results", "--db", path, "--category", "shipping_label")
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in lines(result.stdout)] == ["/d/custom.pdf"]


def test_results_accepts_category_only_in_labels(database):
    (Path(database).parent / "docflow.toml").write_text(
        '[classification.rules.tax_return]\nkeywords = { "form 1040" = 2.0 }\n'
    )
    labeled = invoke("label", "--db", database, "/d/odd.pdf", "tax_return")
    assert labeled.exit_code == 0, labeled.stderr
    (Path(database).parent / "docflow.toml").unlink()
    result = invoke("results", "--db", database, "--category", "TAX_RETURN")
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in lines(result.stdout)] == ["/d/odd.pdf"]


def test_results_accepts_category_only_in_rules(database):
    (Path(database).parent / "docflow.toml").write_text(
        '[classification.rules.tax_return]\nkeywords = { "form 1040" = 2.0 }\n'
    )
    result = invoke("results", "--db", database, "--category", "tax_return")
    assert result.exit_code == 0, result.stderr
    assert "no stored results match" in result.stderr


def test_results_category_ignores_case(database):
    result = invoke("results", "--db", database, "--category", "INVOICE")
    assert result.exit_code == 0, result.stderr
    assert len(lines(result.stdout)) == 2


def test_report_html_accepts_label_category(database, tmp_path):
    (tmp_path / "docflow.toml").write_text(
        '[classification.rules.tax_return]\nkeywords = { "form 1040" = 2.0 }\n'
    )
    invoke("label", "--db", database, "/d/odd.pdf", "tax_return")
    (tmp_path / "docflow.toml").unlink()
    out = tmp_path / "tax.html"
    result = invoke("report", "--db", database, "--html", str(out), "-c", "tax_return")
    assert result.exit_code == 0, result.stderr
    assert "(1 document)" in result.stderr


def test_results_category_typo_lists_names(database):
    result = invoke("results", "--db", database, "--category", "invoce")
    assert result.exit_code == 2
    assert "invalid --category 'invoce'" in result.stderr
    assert "invoice" in result.stderr


def test_report_id_with_html_is_usage_error(database, tmp_path):
    result = invoke("report", "--db", database, "1", "--html", "y.html")
    assert result.exit_code == 2
    assert "--html" in result.stderr
    assert not (tmp_path / "y.html").exists()


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        (["--category", "invoice"], "--category invoice narrows the HTML report"),
        (["--run", "1"], "--run 1 narrows the HTML report"),
        (
            ["-c", "invoice", "--run", "1"],
            "--category invoice and --run 1 narrow the HTML report",
        ),
    ],
)
def test_report_id_with_filter_is_usage_error(database, filters, named):
    result = invoke("report", "--db", database, "/d/invoice.pdf", *filters)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert named in result.stderr
    assert "show the document with: docflow report /d/invoice.pdf" in result.stderr


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        (["-c", "memo"], "--category memo works only with --html"),
        (["--run", "1"], "--run 1 works only with --html"),
        (["-c", "memo", "--run", "1"], "--category memo and --run 1 work only"),
    ],
)
def test_report_filter_without_html_is_usage_error(database, filters, named):
    result = invoke("report", "--db", database, *filters)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert named in result.stderr
    assert "docflow report --html OUT.html " in result.stderr


def test_report_help_ties_filters_to_html():
    outcome = invoke("report", "--help")
    help_text = " ".join(outcome.stdout.split())
    assert outcome.exit_code == 0
    assert "documents of this category in the --html report" in help_text
    assert "documents stored by this run in the --html report" in help_text


def test_classify_error_cuts_long_path(isolated_cwd, monkeypatch):
    monkeypatch.setenv("DOCFLOW_STORE_CACHE_DIR", str(isolated_cwd / "cache"))
    long_path = str(isolated_cwd / ("y" * 100_000 + ".pdf"))
    database = str(isolated_cwd / "t.duckdb")

    outcome = invoke("classify", "--db", database, long_path)

    [record] = lines(outcome.stdout)
    assert outcome.exit_code == 1
    assert record["path"] == long_path
    assert len(outcome.stderr) < 2000, outcome.stderr[:300]
    assert (
        f"yyy.pdf ({len(long_path):,} characters): cannot stat the file: "
        "File name too long\n"
    ) in outcome.stderr


def test_report_html_dash_writes_stdout(database, tmp_path):
    result = invoke("report", "--db", database, "--html", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout.rstrip().endswith("</html>")
    assert "/d/blurry.pdf" in result.stdout
    assert "wrote the report to stdout (4 documents)" in result.stderr
    assert not (tmp_path / "-").exists()


def test_format_is_case_insensitive(database):
    result = invoke("stats", "--db", database, "-f", "JSON")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 4


def test_single_counts_are_singular(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(make_result("/d/odd.pdf", "unknown", 40))
    review = invoke("review", "--db", path)
    assert "1 document waits for review" in review.stderr
    report = invoke("report", "--db", path, "1", "--format", "table")
    assert "1 page," in report.stdout
    stats = invoke("stats", "--db", path, "--format", "table")
    assert "1 document in" in stats.stdout
    assert "0 corrected by a person" in stats.stdout


def test_results_show_corrected_category(database):
    invoke("label", "--db", database, "/d/odd.pdf", "receipt", "--by", "ann")
    outcome = invoke("results", "--db", database)
    record = next(r for r in lines(outcome.stdout) if r["path"] == "/d/odd.pdf")
    assert record["classification"]["category"] == "receipt"
    assert record["classification"]["confidence"] == 1.0
    correction = record["classification"]["correction"]
    assert correction["labeled_by"] == "ann"
    assert correction["model_category"] == "unknown"
    assert correction["model_confidence"] == 0.3


def test_results_category_filter_uses_correction(database):
    invoke("label", "--db", database, "/d/blurry.pdf", "receipt", "--by", "ann")
    invoices = invoke("results", "--db", database, "--category", "invoice")
    receipts = invoke("results", "--db", database, "--category", "receipt")
    assert [r["path"] for r in lines(invoices.stdout)] == ["/d/invoice.pdf"]
    assert [r["path"] for r in lines(receipts.stdout)] == ["/d/blurry.pdf"]


def test_results_csv_names_labeler(database):
    invoke("label", "--db", database, "/d/odd.pdf", "receipt", "--by", "ann")
    outcome = invoke("results", "--db", database, "--format", "csv")
    header, *rows = outcome.stdout.splitlines()
    columns = header.split(",")
    assert columns[columns.index("category") + 1] == "labeled_by"
    odd = next(row.split(",") for row in rows if "/d/odd.pdf" in row)
    assert odd[columns.index("category")] == "receipt"
    assert odd[columns.index("labeled_by")] == "ann"


def test_results_table_hides_empty_labeler_column(database):
    outcome = invoke("results", "--db", database, "--format", "table")
    assert "labeled_by" not in outcome.stdout


def test_report_shows_correction(database):
    invoke("label", "--db", database, "/d/blurry.pdf", "receipt", "--by", "ann")
    as_json = invoke("report", "--db", database, "-f", "json", "/d/blurry.pdf")
    as_table = invoke("report", "--db", database, "-f", "table", "/d/blurry.pdf")
    classification = json.loads(as_json.stdout)["classification"]
    assert classification["category"] == "receipt"
    assert classification["correction"]["model_category"] == "invoice"
    shown = " ".join(as_table.stdout.split())  # the console wraps long lines
    assert "labeled by ann on" in shown
    assert "the classifier said invoice at 0.90" in shown


def test_newest_label_wins(database):
    invoke("label", "--db", database, "/d/odd.pdf", "receipt", "--by", "ann")
    invoke("label", "--db", database, "/d/odd.pdf", "letter", "--by", "bob")
    outcome = invoke("report", "--db", database, "-f", "json", "/d/odd.pdf")
    classification = json.loads(outcome.stdout)["classification"]
    assert classification["category"] == "letter"
    assert classification["correction"]["labeled_by"] == "bob"
    assert classification["correction"]["model_category"] == "unknown"


def test_label_marks_result_approved(database):
    invoke("label", "--db", database, "/d/blurry.pdf", "letter", "--by", "ann")
    outcome = invoke("results", "--db", database)
    statuses = {r["path"]: r["review_status"] for r in lines(outcome.stdout)}
    assert statuses["/d/blurry.pdf"] == "approved"
    waiting = {r["path"] for r in lines(invoke("review", "--db", database).stdout)}
    assert "/d/blurry.pdf" not in waiting
    needs_review = {p for p, status in statuses.items() if status == "needs_review"}
    assert needs_review <= waiting
    report = lines(invoke("report", "--db", database, "/d/blurry.pdf").stdout)[0]
    assert report["review_status"] == "approved"


@pytest.mark.parametrize("category", ["report", "none"])
def test_label_keeps_quality_review(tmp_path, monkeypatch, category):
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    reason = "quality 40 under quality.review_threshold 60"
    waiting = make_result("/d/blurry.pdf", "unknown", 40).model_copy(
        update={"review_reasons": ["category unknown: too little text", reason]}
    )
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(waiting)
    label = invoke("label", "--db", path, "/d/blurry.pdf", category, "--by", "ann")
    report = lines(invoke("report", "--db", path, "/d/blurry.pdf").stdout)[0]
    review = lines(invoke("review", "--db", path, "-f", "jsonl").stdout)

    assert label.exit_code == 0, label.stderr
    assert f"it still waits for review: {reason}" in label.stderr
    assert report["classification"]["category"] == category
    assert report["review_status"] == "needs_review"
    assert report["review_reasons"] == [reason]
    assert [record["path"] for record in review] == ["/d/blurry.pdf"]
    assert review[0]["review_reasons"] == [reason]


def test_review_limit_counts_whole_queue(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        for number in range(6):
            writer.add(make_result(f"/d/odd-{number}.pdf", "unknown", 40))
    review = invoke("review", "--db", path, "-n", "2", "-f", "jsonl")
    assert review.exit_code == 0, review.stderr
    assert len(lines(review.stdout)) == 2
    assert "6 documents wait for review (2 shown;" in review.stderr


def add_copies(database: str, paths: list[str]) -> None:
    """Store ``paths`` as files with the content of /d/odd.pdf."""
    content_hash = Store(database).document("/d/odd.pdf").result.content_hash
    with ResultWriter(Store(database), fingerprint="fp") as writer:
        for path in paths:
            copy = make_result(path, "unknown", 75)
            writer.add(copy.model_copy(update={"content_hash": content_hash}))


def test_label_names_copies_of_content(database):
    copies = ["/d/copy-1.pdf", "/d/copy-2.pdf", "/d/copy-3.pdf", "/d/copy-4.pdf"]
    add_copies(database, copies)
    ids = [Store(database).document(path).id for path in copies]

    outcome = invoke("label", "--db", database, "/d/odd.pdf", "letter", "--by", "ann")

    assert outcome.exit_code == 0, outcome.stderr
    [record] = lines(outcome.stdout)
    assert record["also_labeled"] == [
        {"id": id_, "path": path} for id_, path in zip(ids, copies, strict=True)
    ]
    assert (
        "4 other stored documents have the same content and got this label too: "
        f"/d/copy-1.pdf (id {ids[0]}), /d/copy-2.pdf (id {ids[1]}), "
        f"/d/copy-3.pdf (id {ids[2]}) and 1 more\n"
    ) in outcome.stderr
    results = lines(invoke("results", "--db", database, "-c", "letter").stdout)
    assert len(results) == 5


def test_label_names_single_copy(database):
    add_copies(database, ["/d/copy.pdf"])
    copy_id = Store(database).document("/d/copy.pdf").id

    outcome = invoke("label", "--db", database, "/d/odd.pdf", "letter", "-f", "json")

    assert outcome.exit_code == 0, outcome.stderr
    [record] = json.loads(outcome.stdout)
    assert record["also_labeled"] == [{"id": copy_id, "path": "/d/copy.pdf"}]
    assert (
        "1 other stored document has the same content and got this label too: "
        f"/d/copy.pdf (id {copy_id})\n"
    ) in outcome.stderr


def test_label_earlier_row_skips_own_file(database):
    earlier_id = Store(database).document("/d/odd.pdf").id
    add_copies(database, ["/d/odd.pdf", "/d/copy.pdf"])
    current_id = Store(database).document("/d/odd.pdf").id
    copy_id = Store(database).document("/d/copy.pdf").id
    assert current_id != earlier_id

    outcome = invoke("label", "--db", database, str(earlier_id), "letter")

    assert outcome.exit_code == 0, outcome.stderr
    assert lines(outcome.stdout)[0]["also_labeled"] == [
        {"id": copy_id, "path": "/d/copy.pdf"}
    ]
    assert (
        "1 other stored document has the same content and got this label too: "
        f"/d/copy.pdf (id {copy_id})\n"
    ) in outcome.stderr
    assert f"the current one is {current_id}" in outcome.stderr


def test_label_without_copies_names_none(database):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "letter")
    assert outcome.exit_code == 0, outcome.stderr
    assert lines(outcome.stdout)[0]["also_labeled"] == []
    assert "same content" not in outcome.stderr


def test_corrected_count_matches_html_report(database, tmp_path):
    add_copies(database, ["/d/copy.pdf"])
    invoke("label", "--db", database, "/d/odd.pdf", "receipt", "--by", "ann")
    invoke("label", "--db", database, "/d/odd.pdf", "letter", "--by", "bob")
    invoke("label", "--db", database, "/d/invoice.pdf", "invoice", "--by", "bob")

    stats = json.loads(invoke("stats", "--db", database, "-f", "json").stdout)
    table = invoke("stats", "--db", database, "-f", "table").stdout
    html_path = tmp_path / "report.html"
    invoke("report", "--db", database, "--html", str(html_path))
    html = html_path.read_text(encoding="utf-8")

    # Three label events on two contents: odd.pdf, its copy and invoice.pdf.
    assert stats["labeled_documents"] == 3
    assert table.splitlines()[0].endswith(", 3 corrected by a person")
    assert "<span><b>3</b> corrected by a person</span>" in html


def test_label_rejects_document_without_text(database):
    result = invoke("label", "--db", database, "/d/broken.pdf", "invoice")
    assert result.exit_code == 2
    assert "has status corrupt" in result.stderr
    stats = invoke("stats", "--db", database, "-f", "json")
    assert json.loads(stats.stdout)["labeled_documents"] == 0


def test_label_prints_stored_category(database):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "Receipt", "--by", "ann")
    assert outcome.exit_code == 0
    assert lines(outcome.stdout)[0]["category"] == "receipt"
    assert "as receipt;" in outcome.stderr


def test_label_none_leaves_review_queue(database):
    outcome = invoke("label", "--db", database, "/d/odd.pdf", "None", "--by", "ann")
    assert outcome.exit_code == 0, outcome.stderr
    assert lines(outcome.stdout)[0]["category"] == "none"
    assert "as none;" in outcome.stderr
    waiting = [r["path"] for r in lines(invoke("review", "--db", database).stdout)]
    assert waiting == ["/d/blurry.pdf"]


def test_label_none_shown_everywhere(database, tmp_path):
    invoke("label", "--db", database, "/d/odd.pdf", "none", "--by", "ann")
    results = invoke("results", "--db", database, "--category", "none")
    [record] = lines(results.stdout)
    assert record["path"] == "/d/odd.pdf"
    assert record["classification"]["category"] == "none"
    assert record["classification"]["correction"]["labeled_by"] == "ann"
    assert record["review_status"] == "approved"
    report = invoke("report", "--db", database, "-f", "table", "/d/odd.pdf")
    assert "category none, labeled by ann" in " ".join(report.stdout.split())
    stats = json.loads(invoke("stats", "--db", database, "-f", "json").stdout)
    assert stats["by_category"] == {"invoice": 2, "none": 1}
    assert stats["review_queue"] == 1
    assert stats["labeled_documents"] == 1
    html_path = tmp_path / "report.html"
    assert invoke("report", "--db", database, "--html", str(html_path)).exit_code == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<td>none</td>" in html
    assert "odd.pdf" not in html.split('id="review-queue"')[-1].split("</table>")[0]


def report_one_document(folder, document, settings):
    """Process ``document``, store its result and run ``report`` on it as a table.

    Returns the result and the outcome of the report command.
    """
    from docflow.core.pipeline import process_document

    result = process_document(str(document), settings)
    database = str(folder / "t.duckdb")
    with ResultWriter(Store(database), fingerprint="fp") as writer:
        writer.add(result)
    outcome = invoke("report", "--db", database, "-f", "table", str(document))
    return result, outcome


@pytest.mark.parametrize(
    ("text", "threshold", "reason"),
    [
        ("Short note.\n", 0.5, "category unknown: too little text"),
        (
            (
                Path(__file__).parents[1] / "sample_docs" / "memo_office_closure.txt"
            ).read_text(encoding="utf-8"),
            0.999,
            "category unknown: best guess memo at confidence",
        ),
    ],
    ids=["too little text", "low confidence"],
)
def test_report_table_shows_reason_once(
    isolated_cwd, monkeypatch, text, threshold, reason
):
    from docflow.core.config import Settings

    monkeypatch.setenv("COLUMNS", "250")  # one line per reason and evidence row
    document = isolated_cwd / "note.txt"
    document.write_text(text, encoding="utf-8")
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(isolated_cwd / "cache")},
            "classification": {"confidence_threshold": threshold},
        }
    )
    result, outcome = report_one_document(isolated_cwd, document, settings)

    assert outcome.exit_code == 0
    assert result.review_reasons[0].startswith(reason)
    evidence = result.classification.evidence
    assert evidence[0].source == "rule"
    assert f"needs review: {result.review_reasons[0]}" in outcome.stdout
    evidence_table = outcome.stdout.partition("\nevidence")[2]
    assert evidence[0].term not in evidence_table
    assert any(item.source == "model" for item in evidence)
    for item in evidence[1:]:
        assert item.term in evidence_table


def test_report_table_splits_evidence_scales(isolated_cwd, monkeypatch):
    from docflow.core.config import Settings

    monkeypatch.setenv("COLUMNS", "250")  # one line per evidence row
    document = Path(__file__).parents[1] / "sample_docs" / "memo_office_closure.txt"
    settings = Settings.model_validate(
        {"store": {"cache_dir": str(isolated_cwd / "cache")}}
    )
    result, outcome = report_one_document(isolated_cwd, document, settings)

    assert outcome.exit_code == 0
    model_part, _, rule_part = outcome.stdout.partition("\nevidence from rules")
    model_table = model_part.partition("\nevidence from the model")[2]
    evidence = result.classification.evidence
    model_terms = [item.term for item in evidence if item.source != "rule"]
    rule_terms = [item.term for item in evidence if item.source == "rule"]
    assert model_terms
    assert rule_terms
    for term in model_terms:
        assert term in model_table
    for term in rule_terms:
        assert term in rule_part
