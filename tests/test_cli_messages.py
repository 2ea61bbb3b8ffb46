"""Messages of the command line for common mistakes, through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import os
import pty
import re

import pytest
from typer.testing import CliRunner

from docflow.cli._output import RESULT_COLUMNS, RecordPrinter
from docflow.cli._progress import file_label
from docflow.cli._unknown_options import find_close_options
from docflow.cli.main import app
from docflow.core.extract._passwords import password_message
from docflow.core.models import DocumentResult
from docflow.core.quoting import shell_argument
from docflow.core.store import ResultWriter, Store


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    for name in list(os.environ):
        if name.startswith("DOCFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DOCFLOW_CONFIG", os.devnull)
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "t.duckdb")
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(
            DocumentResult(path="/d/fine.pdf", status="ok", review_status="approved")
        )
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["classify", "--threshold", "2", "x"],
            "invalid --threshold 2; give a number ",
        ),
        (["--threshold", "-1", "classify", "x"], "invalid --threshold -1;"),
        (["analyze", "--timeout", "0", "x"], "invalid --timeout 0; give a number of "),
        (["process", "--workers", "-1", "x"], "invalid --workers -1;"),
        (["results", "--limit", "0"], "invalid --limit 0; give a number of 1 or more"),
    ],
    ids=["threshold", "global-threshold", "timeout", "workers", "limit"],
)
def test_out_of_range_option_is_docflow_error(database, args, message):
    outcome = invoke(*args)
    assert outcome.exit_code == 2
    assert f"docflow: error: {message}" in outcome.stderr
    assert "Usage:" not in outcome.stderr


def test_error_message_escapes_control_characters(database, tmp_path):
    config = str(tmp_path / "evil\x1b[2J\tname.toml")
    outcome = invoke("--config", config, "stats")
    assert outcome.exit_code == 2
    assert "\x1b" not in outcome.stderr
    assert "\t" not in outcome.stderr
    assert "evil\\x1b[2J\\tname.toml: configuration file not found" in outcome.stderr


def _write_file(folder, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def _foreign_database(folder, name: str) -> str:
    import duckdb

    with duckdb.connect(str(folder / name)) as connection:
        connection.execute("CREATE TABLE notes (text VARCHAR)")
    return str(folder / name)


@pytest.mark.parametrize(
    ("make_args", "code", "message"),
    [
        (
            lambda folder: ["stats", "--config", str(folder / "a\nb.toml")],
            2,
            "a\\nb.toml: configuration file not found",
        ),
        (
            lambda folder: [
                "stats",
                "--config",
                _write_file(folder, "bad\ntoml.toml", "[store\n"),
            ],
            2,
            "bad\\ntoml.toml: not valid TOML: ",
        ),
        (
            lambda folder: [
                "stats",
                "--config",
                _write_file(folder, "bad\nkey.toml", "[store]\nnope = 1\n"),
            ],
            2,
            "bad\\nkey.toml: unknown key 'store.nope'",
        ),
        (
            lambda folder: ["stats", "--db", _foreign_database(folder, "x\ny.duckdb")],
            5,
            "x\\ny.duckdb: a DuckDB database that docflow did not create",
        ),
    ],
    ids=["missing config", "invalid toml", "unknown key", "foreign database"],
)
def test_error_message_path_newline_escaped(
    database, tmp_path, make_args, code, message
):
    outcome = invoke(*make_args(tmp_path))
    assert outcome.exit_code == code
    assert message in outcome.stderr
    assert outcome.stderr.startswith("docflow: error: ")
    assert outcome.stderr.count("\n") == 1  # one line, ended by its newline


def test_config_variable_newline_escaped(database, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCFLOW_CONFIG", str(tmp_path / "c\nd.toml"))
    outcome = invoke("stats")
    assert outcome.exit_code == 2
    assert "c\\nd.toml: configuration file not found, named by DOCFLOW_CONFIG" in (
        outcome.stderr
    )
    assert outcome.stderr.count("\n") == 1


def test_label_failed_document_newline_escaped(database, tmp_path):
    path = str(tmp_path / "broken\nscan.pdf")
    with ResultWriter(Store(database), fingerprint="fp") as writer:
        writer.add(DocumentResult(path=path, status="corrupt", error="damaged"))
    outcome = invoke("label", "--db", database, path, "invoice")
    assert outcome.exit_code == 2
    assert "broken\\nscan.pdf) has status corrupt" in outcome.stderr
    assert outcome.stderr.count("\n") == 1


def test_csv_on_terminal_escapes_controls():
    master, terminal = pty.openpty()
    row = {"path": "/in/new\nline\x1b[2J.pdf", "status": "ok"}
    try:
        with os.fdopen(terminal, "w", encoding="utf-8") as stream:
            printer = RecordPrinter("csv", columns=("path", "status"), stream=stream)
            printer.emit(row)
            printer.close()
        # One read may return the first line only; after the terminal's end is
        # closed, the master reads what is left and then fails with EIO.
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        on_terminal = b"".join(chunks).decode()
    finally:
        os.close(master)
    # The terminal's line discipline turns each \n into \r\n.
    assert on_terminal.replace("\r", "").splitlines() == [
        "path,status",
        "/in/new\\nline\\x1b[2J.pdf,ok",
    ]


def test_csv_to_file_keeps_exact_values(tmp_path):
    row = {"path": "/in/new\nline\x1b[2J.pdf", "status": "ok"}
    with open(tmp_path / "out.csv", "w", encoding="utf-8", newline="") as stream:
        printer = RecordPrinter("csv", columns=("path", "status"), stream=stream)
        printer.emit(row)
        printer.close()
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows == [row]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--threshold", "abc", "classify", "x"],
            "invalid --threshold 'abc': not a number; give a number from 0 to 1",
        ),
        (
            ["classify", "--timeout", "soon", "x"],
            "invalid --timeout 'soon': not a number; give a number of 0.001 or more",
        ),
        (
            ["process", "-j", "1.5", "x"],
            "invalid --workers '1.5': not a whole number; give a whole number of 0 "
            "or more",
        ),
        (["results", "--run", "last"], "invalid --run 'last': not a whole number"),
    ],
    ids=["threshold", "timeout", "workers", "run"],
)
def test_non_number_option_names_value(database, args, message):
    outcome = invoke(*args)
    assert outcome.exit_code == 2
    assert outcome.stderr == f"docflow: error: {message}\n"


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["process", "--bogus", "x"], "docflow process"),
        (["--bogus", "stats"], "docflow"),
        (["process", "-z", "x"], "docflow process"),
    ],
    ids=["after-command", "before-command", "short"],
)
def test_unknown_option_without_close_names(database, args, command):
    outcome = invoke(*args)
    unknown = args[1] if args[0] == "process" else args[0]
    assert outcome.exit_code == 2
    assert f"Error: No such option: {unknown}." in outcome.stderr
    assert "Did you mean" not in outcome.stderr
    assert "Possible options" not in outcome.stderr
    assert "--verbose" not in outcome.stderr
    assert f"Run '{command} --help' to list the options it takes." in outcome.stderr
    assert "Try '" not in outcome.stderr


@pytest.mark.parametrize(
    ("unknown", "suggestion"),
    [
        ("--verbos", "Did you mean --verbose?"),
        ("--pasword", "Did you mean --password or --password-file?"),
        ("--workres", "Did you mean --workers?"),
    ],
)
def test_unknown_option_suggests_close_names(database, unknown, suggestion):
    outcome = invoke("process", unknown, "x")
    assert outcome.exit_code == 2
    assert f"No such option: {unknown}. {suggestion}" in outcome.stderr
    assert "Run 'docflow process --help'" in outcome.stderr


@pytest.mark.parametrize(
    ("args", "error", "command"),
    [
        (
            ["process", "--verbose=2", "x"],
            "Option '--verbose' does not take a value.",
            "docflow process",
        ),
        (
            ["process", "x", "--format"],
            "Option '--format' requires an argument.",
            "docflow process",
        ),
        (
            ["--quiet=1", "stats"],
            "Option '--quiet' does not take a value.",
            "docflow",
        ),
    ],
    ids=["flag-value", "missing-value", "before-command"],
)
def test_misused_option_shows_usage_and_help(database, args, error, command):
    outcome = invoke(*args)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"Usage: {command} [OPTIONS]")
    assert f"Error: {error} Run '{command} --help'" in outcome.stderr


def test_close_options_ignore_dashes():
    known = ["--verbose", "--quiet", "--help"]
    assert find_close_options("--bogus", known) == []
    assert find_close_options("--verbos", known) == ["--verbose"]
    assert find_close_options("-v", known) == []


def test_watch_status_escapes_queued_paths():
    from docflow.cli.watch import _format_status
    from docflow.watch.state import WatchStatus

    queued = ["/in/evil\x1b[2J\nname.pdf"]
    text = _format_status(WatchStatus(counts={"queued": 1}, routes={}, queued=queued))
    assert "\x1b" not in text
    assert "  /in/evil\\x1b[2J\\nname.pdf" in text.splitlines()


@pytest.mark.parametrize("command", ["classify", "process"])
def test_empty_stdin_explains_piping(database, command):
    outcome = CliRunner().invoke(app, [command, "--db", database, "-"], input="\n\n")
    assert outcome.exit_code == 4
    assert "no paths on stdin" in outcome.stderr
    assert f"| docflow {command} -" in outcome.stderr


def test_review_empty_queue_says_so(database):
    outcome = invoke("review", "--db", database)
    assert outcome.exit_code == 0
    assert outcome.stdout == ""
    assert "the review queue is empty" in outcome.stderr


@pytest.mark.parametrize("command", [("report",), ("label", "invoice")])
def test_unprocessed_file_suggests_process(database, tmp_path, command):
    (tmp_path / "new scan.txt").write_text("hello")
    outcome = invoke(command[0], "--db", database, "new scan.txt", *command[1:])
    assert outcome.exit_code == 4, outcome.stderr
    assert "'new scan.txt' has no stored result yet" in outcome.stderr
    # The advice keeps the --db given, so that it stores into that database.
    flag = f"--db {shell_argument(str(database))}"
    assert f"docflow {flag} process 'new scan.txt'" in outcome.stderr


def test_report_unknown_reference_lists_results(database):
    outcome = invoke("report", "--db", database, "no/such/file.pdf")
    assert outcome.exit_code == 4
    flag = f"--db {shell_argument(str(database))}"
    assert f"list stored documents with: docflow {flag} results" in outcome.stderr


def test_password_message_counts():
    assert "the password given does not open it" in password_message(1)
    assert "none of the 2 passwords given opens it" in password_message(2)
    assert "needs a password" in password_message(0)


@pytest.mark.parametrize(
    ("message", "label"),
    [
        ("classification-2: /in/scans/a: b.pdf: ok", "a: b.pdf"),
        ("quality-1: /in/letter.txt: corrupt", "letter.txt"),
        ("quality-1: /in/" + "x" * 60 + ".pdf: ok", "…" + "x" * 35 + ".pdf"),
        ("3/10", "3/10"),
        ("quality-1: /in/evil\x1b[2J\nx.pdf: ok", "evil\\x1b[2J\\nx.pdf"),
        ("bare \x1b[2J", "bare \\x1b[2J"),
    ],
    ids=["colon-in-name", "status", "long-name", "bare-count", "control", "bare"],
)
def test_progress_label_names_file(message, label):
    assert file_label(message) == label


def _store_many(path: str, count: int, folder: str) -> None:
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        for number in range(count):
            writer.add(
                DocumentResult(
                    path=f"{folder}/document-{number:04d}.pdf",
                    status="ok",
                    review_status="approved",
                )
            )


def test_piped_table_keeps_long_paths(database, tmp_path):
    folder = "/archive/" + "/".join(["a-rather-long-folder-name"] * 4)
    _store_many(database, 3, folder)
    outcome = invoke("results", "--db", database, "-f", "table")
    assert outcome.exit_code == 0
    assert f"{folder}/document-0002.pdf" in outcome.stdout


def test_table_into_closed_pipe_exits_zero(database, tmp_path):
    import subprocess
    import sys

    _store_many(database, 2000, "/d")
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-c", "from docflow.cli.main import run; run()"]
        + ["results", "--db", database, "-f", "table"],
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        assert pipe.readline()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()


class _TerminalText(io.StringIO):
    """A text stream whose isatty() is true, so the table takes its terminal form."""

    def isatty(self) -> bool:
        return True


def _classify_rows(folder: str) -> list[dict]:
    names = ["invoice-2024-000123.pdf", "invoice-2024-000124.pdf", "minutes.docx"]
    categories = ["invoice", "scientific_paper", "meeting_minutes"]
    reviews = ["approved", "needs_review", "approved"]
    return [
        {
            "path": f"{folder}/{name}",
            "status": "ok",
            "category": category,
            "confidence": 0.87,
            "review": review,
        }
        for name, category, review in zip(names, categories, reviews, strict=True)
    ]


def _render_table(rows: list[dict], width: int) -> list[str]:
    stream = _TerminalText()
    printer = RecordPrinter("table", columns=RESULT_COLUMNS, stream=stream, width=width)
    for row in rows:
        printer.emit(row, row)
    printer.close()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue())
    return plain.splitlines()


def test_narrow_table_one_line_per_row():
    rows = _classify_rows("/archive/scans/received-by-post/department-of-finance")
    lines = _render_table(rows, 80)
    assert max(map(len, lines)) <= 80
    # Top border, header, header rule, one line per row, bottom border.
    assert len(lines) == len(rows) + 4
    for line, row in zip(lines[3:], rows, strict=False):
        assert row["path"].rsplit("/", 1)[1] in line
        assert row["category"] in line
    assert "│ …" in lines[3]
    assert "status" not in lines[1]


def test_table_at_80_columns_shows_review_and_status():
    rows = _classify_rows("/archive/scans/received-by-post/department-of-finance")
    rows[2]["status"] = "corrupt"
    lines = _render_table(rows, 80)
    header = lines[1]
    assert "status" in header
    assert "review" in header
    assert "corrupt" in lines[5]
    assert "yes" in lines[4]


@pytest.mark.parametrize("quality", [None, 87.5])
@pytest.mark.parametrize("width", [50, 60])
def test_narrow_table_with_failures_fits(width, quality):
    rows = _classify_rows("/archive/scans/received-by-post/department-of-finance")
    for row in rows:
        row["quality"] = quality
    rows[1].update(status="password_required", category=None, confidence=None)
    rows[1]["quality"] = None
    lines = _render_table(rows, width)
    assert max(map(len, lines)) <= width, "\n".join(lines)
    assert len(lines) == len(rows) + 4, "\n".join(lines)
    assert "result" in lines[1]
    assert "password_required" in lines[4]
    assert "invoice" in lines[3]
    assert "meeting_minutes" in lines[5]


@pytest.mark.parametrize("width", [50, 60])
def test_narrow_stored_results_fit(width):
    # Stored results have three-digit ids and a quality of 100.0, and all are
    # ok, so no result column can take the status column's room.
    rows = _classify_rows("/tmp/tmp.07DO3C6Pua/report")
    for number, row in enumerate(rows, start=153):
        row.update(id=number, quality=100.0)
    lines = _render_table(rows, width)
    assert max(map(len, lines)) <= width, "\n".join(lines)
    assert len(lines) == len(rows) + 4, "\n".join(lines)
    assert lines[3].endswith("│"), "\n".join(lines)
    assert "153" in lines[3]


def test_wide_table_keeps_full_values():
    rows = _classify_rows("/d")
    lines = _render_table(rows, 160)
    assert len(lines) == len(rows) + 4
    assert "/d/invoice-2024-000124.pdf" in lines[4]
    assert "needs_review" in lines[4]
    assert "status" in lines[1]


@pytest.mark.parametrize(
    "args", [["results"], ["report", "--html", "r.html"]], ids=["results", "report"]
)
def test_run_that_does_not_exist_is_an_error(database, args):
    outcome = invoke(*args, "--db", database, "--run", "999")
    assert outcome.exit_code == 2
    assert "no run 999 in" in outcome.stderr
    assert "docflow stats lists the latest runs" in outcome.stderr
    assert not os.path.exists("r.html")


def test_run_that_exists_lists_its_results(database):
    from docflow.core.store import RunProgress

    run = RunProgress("process", {"paths": ["/e"]}, total=1)
    with ResultWriter(Store(database), fingerprint="fp", run=run) as writer:
        writer.add(DocumentResult(path="/e/new.pdf", status="ok"))
    assert run.run_id is not None
    outcome = invoke("results", "--db", database, "--run", str(run.run_id), "-f", "csv")
    assert outcome.exit_code == 0, outcome.stderr
    assert "/e/new.pdf" in outcome.stdout
    assert "/d/fine.pdf" not in outcome.stdout


def test_earlier_result_is_named_as_such(database):
    with ResultWriter(Store(database), fingerprint="fp") as writer:
        writer.add(
            DocumentResult(path="/d/fine.pdf", status="corrupt", content_hash="h2")
        )
    earlier = invoke("report", "--db", database, "1", "-f", "json")
    assert earlier.exit_code == 0, earlier.stderr
    assert "document 1 is an earlier result of /d/fine.pdf" in earlier.stderr
    assert "the current one is 2" in earlier.stderr
    current = invoke("report", "--db", database, "2", "-f", "json")
    assert "earlier result" not in current.stderr
    labeled = invoke("label", "--db", database, "1", "invoice")
    assert labeled.exit_code == 0, labeled.stderr
    assert "document 1 is an earlier result" in labeled.stderr
