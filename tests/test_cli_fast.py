"""Tests of the cached re-run path: option conversion, one database open, storing.

A re-run of an unchanged folder reuses every stored result. These tests check
that it still stores its run and the rows it must store, converts options as
typer does, opens the database once, and imports none of the processing
libraries.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from docflow.cli._convert import PlainConvertingGroup, install_plain_conversion
from docflow.core.models import DocumentResult
from docflow.core.store import ResultWriter, Store

LETTER = """Dear Mr Okafor,

Thank you for your order of 12 May. The books you asked for are in stock and
will be sent by post tomorrow; the invoice follows by e-mail.

Yours sincerely,
Anna Berg
"""

MEMO = """MEMO

TO: All staff
FROM: Office manager
SUBJECT: New printer on the second floor

The old printer has been replaced. Print jobs go to the new one automatically.
"""


def docflow_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["DOCFLOW_CONFIG"] = os.devnull
    # A database named by DOCFLOW_DB needs its folder to exist.
    (tmp_path / "db").mkdir(exist_ok=True)
    env["DOCFLOW_DB"] = str(tmp_path / "db" / "docflow.duckdb")
    env.update(extra)
    return env


def run_docflow(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()", *args],
        cwd=tmp_path,
        input=b"",
        capture_output=True,
        env=env or docflow_env(tmp_path),
        timeout=180,
    )


def json_lines(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode().splitlines()]


def query(tmp_path: Path, sql: str) -> list[tuple]:
    database = duckdb.connect(str(tmp_path / "db" / "docflow.duckdb"), read_only=True)
    try:
        return database.execute(sql).fetchall()
    finally:
        database.close()


def lock_tickets(tmp_path: Path) -> int:
    """Return the number of the last ticket taken for the database lock."""
    tail = tmp_path / "db" / "docflow.duckdb.lock.d" / ".tail"
    return int(tail.read_text().strip() or 0)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "letter.txt").write_text(LETTER)
    (folder / "memo.md").write_text(MEMO)
    return folder


# -- option conversion -----------------------------------------------------------


def _probe_app(group_class: type[typer.core.TyperGroup]) -> typer.Typer:
    app = typer.Typer(add_completion=False, cls=group_class)
    seen: dict[str, object] = {}

    @app.callback()
    def main() -> None:
        pass

    @app.command()
    def probe(
        paths: list[str],
        name: str | None = None,
        count: int | None = None,
        share: float | None = None,
        flag: Annotated[bool | None, typer.Option("--flag/--no-flag")] = None,
        tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
        verbose: Annotated[int, typer.Option("--verbose", "-v", count=True)] = 0,
    ) -> None:
        seen.update(
            paths=paths,
            name=name,
            count=count,
            share=share,
            flag=flag,
            tag=tag,
            verbose=verbose,
        )
        typer.echo(repr(sorted((k, type(v).__name__, v) for k, v in seen.items())))

    return app


CONVERSION_CASES = [
    ["probe", "a"],
    ["probe", "a", "b", "--name", "x y", "--count", "7", "--share", "0.5"],
    ["probe", "a", "--count", "007", "--share", "-0", "--flag", "-vv"],
    ["probe", "a", "--count", "-12", "--share", "12.250", "--no-flag"],
    ["probe", "a", "--tag", "one", "--tag", "two"],
    # Forms left to typer's own converter.
    ["probe", "a", "--count", "+3", "--share", ".5"],
    ["probe", "a", "--count", " 4", "--share", "1e-3"],
    ["probe", "a", "--count", "1_000", "--share", "inf"],
    ["probe", "a", "--count", "12345678901234567890123"],
    # A missing argument: the error message must be typer's.
    ["probe"],
]

# Values neither converter reads, with the words of docflow's own message.
INVALID_NUMBER_CASES = [
    (["probe", "a", "--count", "abc"], "invalid --count 'abc': not a whole number"),
    (["probe", "a", "--count", "1.5"], "invalid --count '1.5': not a whole number"),
    (["probe", "a", "--share", "half"], "invalid --share 'half': not a number"),
]


@pytest.mark.parametrize("args", CONVERSION_CASES)
def test_plain_conversion_matches_typer(args):
    runner = CliRunner()
    expected = runner.invoke(_probe_app(typer.core.TyperGroup), args)
    converted = runner.invoke(_probe_app(PlainConvertingGroup), args)
    assert converted.exit_code == expected.exit_code
    assert converted.output == expected.output


def test_missing_option_value_names_help():
    """typer's words for an option without its value, plus the --help command."""
    converted = CliRunner().invoke(
        _probe_app(PlainConvertingGroup), ["probe", "a", "--count"]
    )
    assert converted.exit_code == 2
    assert "Option '--count' requires an argument." in converted.output
    assert "Run 'root probe --help'" in converted.output


@pytest.mark.parametrize(("args", "message"), INVALID_NUMBER_CASES)
def test_invalid_number_names_option_and_value(args, message):
    runner = CliRunner()
    expected = runner.invoke(_probe_app(typer.core.TyperGroup), args)
    converted = runner.invoke(_probe_app(PlainConvertingGroup), args)
    assert converted.exit_code == expected.exit_code == 2
    assert message in converted.output


def test_plain_conversion_covers_docflow_options():
    from typer._coercion import RuntimeParam

    from docflow.cli.main import app

    command = typer.main.get_command(app)
    process = command.commands["process"]
    for param in [*command.params, *process.params]:
        assert isinstance(param._runtime_param, RuntimeParam), param.name


def test_plain_conversion_skips_ranged_option():
    app = typer.Typer(add_completion=False)

    @app.command()
    def ranged(level: Annotated[int, typer.Option(min=0, max=3)] = 1) -> None:
        typer.echo(str(level))

    command = typer.main.get_command(app)
    install_plain_conversion(command)
    [param] = command.params
    assert param._runtime_param is None
    result = CliRunner().invoke(app, ["--level", "5"])
    assert result.exit_code == 2


# -- the cached re-run -------------------------------------------------------------


def test_rerun_opens_database_once(tmp_path, docs):
    first = run_docflow(tmp_path, "analyze", "docs")
    assert first.returncode == 0, first.stderr.decode()
    before = lock_tickets(tmp_path)
    second = run_docflow(tmp_path, "analyze", "docs")
    assert second.returncode == 0, second.stderr.decode()
    assert lock_tickets(tmp_path) == before + 1
    assert all(record["cached"] for record in json_lines(second.stdout))


def test_rerun_records_its_run(tmp_path, docs):
    run_docflow(tmp_path, "analyze", "docs")
    second = run_docflow(tmp_path, "analyze", "docs")
    assert second.returncode == 0, second.stderr.decode()
    runs = query(
        tmp_path,
        "SELECT status, total, done, cache_hits, status_counts FROM runs ORDER BY id",
    )
    assert len(runs) == 2
    status, total, done, cache_hits, counts = runs[1]
    assert status == "finished"
    assert (total, done, cache_hits) == (2, 2, 2)
    assert json.loads(counts) == {"ok": 2}
    assert "run 2 stored in" in second.stderr.decode()


def test_rerun_stores_empty_file_row(tmp_path, docs):
    (docs / "empty.txt").write_bytes(b"")
    run_docflow(tmp_path, "analyze", "docs")
    second = run_docflow(tmp_path, "analyze", "docs")
    assert second.returncode == 1, second.stderr.decode()
    statuses = {Path(r["path"]).name: r["status"] for r in json_lines(second.stdout)}
    assert statuses == {"empty.txt": "empty", "letter.txt": "ok", "memo.md": "ok"}
    rows = query(
        tmp_path,
        "SELECT run_id, is_current FROM documents WHERE status = 'empty' ORDER BY id",
    )
    assert rows == [(1, False), (2, True)]


def test_rerun_of_moved_folder_stores_every_row(tmp_path):
    # Every hit of a moved folder is stored again under its new path, in the
    # connection that looked it up, even when the results fill several flushes.
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(5):
        (folder / f"letter-{number:02d}.txt").write_text(f"{LETTER}\nRef. {number}\n")
    env = docflow_env(
        tmp_path, DOCFLOW_STORE_FLUSH_ROWS="1", DOCFLOW_STORE_LOCK_TIMEOUT="20"
    )
    run_docflow(tmp_path, "analyze", "docs", env=env)
    shutil.move(folder, tmp_path / "moved")
    second = run_docflow(tmp_path, "analyze", "moved", env=env)
    assert second.returncode == 0, second.stderr.decode()
    records = json_lines(second.stdout)
    assert len(records) == 5
    assert all(record["cached"] for record in records)
    current = query(
        tmp_path, "SELECT count(*) FROM documents WHERE is_current AND run_id = 2"
    )
    assert current == [(5,)]


def test_rerun_output_formats_match_first_run(tmp_path, docs):
    for output_format in ("jsonl", "csv", "json"):
        first = run_docflow(tmp_path, "analyze", "-f", output_format, "docs")
        second = run_docflow(tmp_path, "analyze", "-f", output_format, "docs")
        assert second.returncode == first.returncode
        assert second.stdout.count(b"\n") == first.stdout.count(b"\n")
    records = json_lines(run_docflow(tmp_path, "analyze", "-f", "jsonl", "docs").stdout)
    assert [Path(r["path"]).name for r in records] == ["letter.txt", "memo.md"]


def test_rerun_imports_no_processing_library(tmp_path, docs):
    run_docflow(tmp_path, "analyze", "docs")
    completed = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "from docflow.cli.main import run; run()",
            "analyze",
            "docs",
        ],
        cwd=tmp_path,
        input=b"",
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=180,
    )
    assert completed.returncode == 0
    lines = completed.stderr.decode().splitlines()
    imported = {line.split("|")[-1].strip() for line in lines if "|" in line}
    for heavy in (
        "mcp",
        "docflow.mcp.orchestrator",
        "pyarrow",
        "sklearn",
        "rich",
        "typer._adapters",
        "docflow.core.classify",
    ):
        assert heavy not in imported, f"{heavy} imported by a cached re-run"


# -- the writer without a background thread ------------------------------------------


def _results(count: int) -> list[DocumentResult]:
    return [
        DocumentResult(path=f"/in/{n}.txt", status="ok", content_hash=f"{n:064x}")
        for n in range(count)
    ]


def test_writer_without_thread_stores_on_close(tmp_path):
    store = Store(tmp_path / "x.duckdb")
    writer = ResultWriter(store, fingerprint="fp", flush_rows=1, background=False)
    for result in _results(3):
        writer.add(result)
    assert not store.exists()
    writer.close()
    assert len(store.results()) == 3


def test_writer_finishes_inside_session(tmp_path):
    from docflow.core.store import RunProgress

    store = Store(tmp_path / "x.duckdb", lock_timeout=5)
    run = RunProgress("analyze", {}, total=5)
    writer = ResultWriter(
        store, fingerprint="fp", run=run, flush_rows=2, background=False
    )
    with store.session():
        for result in _results(5):
            writer.add(result)
        writer.finish("finished")
    assert len(store.results()) == 5
    [record] = store.runs()
    assert (record.status, record.done) == ("finished", 5)


def test_writer_finish_twice_records_once(tmp_path):
    from docflow.core.store import RunProgress

    store = Store(tmp_path / "x.duckdb")
    writer = ResultWriter(store, fingerprint="fp", run=RunProgress("analyze", {}, 1))
    writer.add(_results(1)[0])
    writer.finish("finished")
    writer.finish("interrupted")
    [record] = store.runs()
    assert record.status == "finished"


def test_run_started_before_results_stored(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.txt").write_text(MEMO)
    (folder / "letter.txt").write_text(LETTER)
    first = run_docflow(tmp_path, "analyze", "docs")
    assert first.returncode == 0, first.stderr.decode()
    again = run_docflow(tmp_path, "analyze", "docs")
    assert again.returncode == 0, again.stderr.decode()

    stats = json.loads(run_docflow(tmp_path, "stats", "-f", "json").stdout)
    results = json_lines(run_docflow(tmp_path, "results", "-f", "jsonl").stdout)
    cached_run, first_run = stats["runs"]
    first_processed = min(result["processed_at"] for result in results)
    assert first_run["started_at"] < first_processed
    assert first_run["started_at"] < first_run["finished_at"]
    # Every document of the second run is a cache hit, so its row is stored
    # only when it finishes.
    assert cached_run["cache_hits"] == 2
    assert cached_run["started_at"] < cached_run["finished_at"]


def test_copy_with_other_extension_is_processed(tmp_path):
    """The extension changes detection and its checks, so it is part of the key."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.txt").write_text(MEMO)
    run_docflow(tmp_path, "analyze", "docs")
    shutil.copy(folder / "memo.txt", folder / "memo.md")
    shutil.copy(folder / "memo.txt", folder / "copy.TXT")

    again = run_docflow(tmp_path, "analyze", "docs")
    assert again.returncode == 0, again.stderr.decode()
    cached = {Path(r["path"]).name: r["cached"] for r in json_lines(again.stdout)}
    assert cached == {"memo.txt": True, "copy.TXT": True, "memo.md": False}


def test_rehash_finds_change_behind_same_stat(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    memo = folder / "memo.txt"
    memo.write_text(MEMO)
    first = json_lines(run_docflow(tmp_path, "analyze", "docs").stdout)[0]
    before = memo.stat()
    memo.write_text(MEMO.replace("printer", "plotter"))  # same length
    os.utime(memo, ns=(before.st_atime_ns, before.st_mtime_ns))

    trusted = json_lines(run_docflow(tmp_path, "analyze", "docs").stdout)[0]
    assert trusted["cached"]
    assert trusted["content_hash"] == first["content_hash"]

    rehashed = json_lines(run_docflow(tmp_path, "analyze", "--rehash", "docs").stdout)
    assert not rehashed[0]["cached"]
    assert rehashed[0]["content_hash"] != first["content_hash"]
