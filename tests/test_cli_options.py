"""Tests that the global options work before and after each command that uses them.

The table ``USED`` lists, per command, the global options (``docflow --help``)
whose settings the command reads. Each of them must be accepted after the
command as well as before it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import typer
import typer.core
import typer.main
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.core.store import Store

#: Command-line forms of each global option, by parameter name, with a value.
FORMS: dict[str, list[list[str]]] = {
    "config": [["--config", "settings.toml"]],
    "db": [["--db", "typo.duckdb"]],
    "workers": [["--workers", "2"], ["-j", "2"]],
    "timeout": [["--timeout", "5"]],
    "password": [["--password", "secret"]],
    "password_file": [["--password-file", "passwords.txt"]],
    "ocr": [["--ocr"], ["--no-ocr"]],
    "lang": [["--lang", "eng"]],
    "threshold": [["--threshold", "0.5"]],
    "output_format": [["--format", "json"], ["-f", "json"]],
    "rehash": [["--rehash"]],
    "no_cache": [["--no-cache"]],
    "restart": [["--restart"]],
    "verbose": [["--verbose"], ["-v"]],
    "quiet": [["--quiet"], ["-q"]],
}

_LOGGING = {"verbose", "quiet"}
_EXTRACTION = {"password", "password_file", "ocr", "lang"}
_READ = {"config", "db", "output_format", *_LOGGING}
_PROCESSING = set(FORMS)

#: Global options each command uses. categories reads the model and the rules
#: but no database, so it takes no --db.
USED: dict[str, set[str]] = {
    "classify": _PROCESSING,
    "analyze": _PROCESSING,
    "process": _PROCESSING,
    "categories": {"config", "output_format", *_LOGGING},
    "stats": _READ,
    "results": _READ,
    "report": _READ,
    "review": _READ,
    "label": _READ,
    "forget": _READ,
    # Training files are read through the extraction cache.
    "train": {*_READ, *_EXTRACTION, "no_cache"},
    # The servers extract and classify, but their size comes from
    # workers.children_per_server, not --workers.
    "mcp": {"config", "timeout", "threshold", "no_cache", *_EXTRACTION, *_LOGGING},
    # watch takes --format for --status only, and rejects --rehash because it
    # hashes every file it takes anyway.
    "watch": {
        "config",
        "db",
        "workers",
        "timeout",
        "threshold",
        "no_cache",
        "output_format",
        *_EXTRACTION,
        *_LOGGING,
    },
}

CASES = [
    pytest.param(command, form, id=f"{command} {form[0]}")
    for command, names in USED.items()
    for name in sorted(names)
    for form in FORMS[name]
]


def group() -> typer.core.TyperGroup:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    return command


def global_names() -> set[str]:
    return {param.name for param in group().params if param.name != "version"}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_table_lists_every_global_option():
    assert set(FORMS) == global_names()


def test_table_lists_every_command():
    assert set(USED) == set(group().commands)


@pytest.mark.parametrize("command", sorted(USED))
def test_command_declares_used_global_options(command):
    declared = {param.name for param in group().commands[command].params}
    assert declared & global_names() == USED[command]


@pytest.mark.parametrize(("command", "form"), CASES)
def test_option_accepted_after_command(command, form):
    # --help is eager, but click parses every option first, so an unknown one
    # fails with "No such option" before the help is printed.
    outcome = invoke(command, *form, "--help")
    assert "No such option" not in outcome.stderr
    assert outcome.exit_code == 0


@pytest.mark.parametrize(("command", "form"), CASES)
def test_option_accepted_before_command(command, form):
    outcome = invoke(*form, command, "--help")
    assert "No such option" not in outcome.stderr
    assert outcome.exit_code == 0


@pytest.mark.parametrize("position", ["before", "after"])
def test_watch_status_config_both_positions(isolated_cwd, position):
    database = isolated_cwd / "configured.duckdb"
    settings = isolated_cwd / "settings.toml"
    settings.write_text(f'[store]\ndatabase = "{database}"\n')
    config = ["--config", str(settings)]
    if position == "before":
        outcome = invoke(*config, "watch", "--status", "inbox")
    else:
        outcome = invoke("watch", "--status", *config, "inbox")
    # The settings file names a database that does not exist, and the error
    # names the file, so both positions read it.
    assert outcome.exit_code == 5
    assert f"the database {str(database)!r} named by" in outcome.stderr
    assert f"store.database in {settings}" in outcome.stderr


@pytest.mark.parametrize("position", ["before", "after"])
def test_stats_config_both_positions(isolated_cwd, position):
    database = isolated_cwd / "configured.duckdb"
    settings = isolated_cwd / "settings.toml"
    settings.write_text(f'[store]\ndatabase = "{database}"\n')
    Store(database).check_writable()
    config = ["--config", str(settings)]
    if position == "before":
        outcome = invoke(*config, "stats", "-f", "json")
    else:
        outcome = invoke("stats", "-f", "json", *config)
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["database"] == str(database)


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize(
    ("command", "option", "message"),
    [
        (["mcp", "quality"], ["--threshold", "2"], "invalid --threshold 2;"),
        (["mcp", "classification"], ["--timeout", "0"], "invalid --timeout 0;"),
        (["watch", "--status"], ["--threshold", "2"], "invalid --threshold 2;"),
        (["watch", "--status"], ["--timeout", "0"], "invalid --timeout 0;"),
        (["mcp", "quality"], ["--timeout", "inf"], "invalid --timeout inf;"),
    ],
)
def test_option_value_checked_both_positions(
    isolated_cwd, position, command, option, message
):
    if position == "before":
        outcome = invoke(*option, *command)
    else:
        outcome = invoke(*command, *option)
    assert outcome.exit_code == 2
    assert message in outcome.stderr
    assert list(isolated_cwd.iterdir()) == []  # no server or daemon started


@pytest.mark.parametrize("option", ["--poll", "--wait-unchanged"])
def test_watch_wait_rejects_infinity(isolated_cwd, option):
    outcome = invoke("watch", "--status", option, "inf")
    assert outcome.exit_code == 2
    assert f"invalid {option} inf;" in outcome.stderr
    assert list(isolated_cwd.iterdir()) == []


@pytest.mark.parametrize("position", ["before", "after"])
def test_watch_lang_both_positions(isolated_cwd, position):
    inbox = isolated_cwd / "inbox"
    inbox.mkdir()
    lang = ["--lang", "zzz"]
    database = ["--db", str(isolated_cwd / "watch.duckdb")]
    if position == "before":
        outcome = invoke(*lang, "watch", "--once", str(inbox), *database)
    else:
        outcome = invoke("watch", "--once", str(inbox), *lang, *database)
    assert "OCR language 'zzz'" in outcome.stderr
    assert outcome.exit_code != 0


@pytest.mark.parametrize(
    "watch",
    [["watch", "--status"], ["watch", "--once", "inbox"]],
    ids=["status", "once"],
)
def test_watch_rejects_rehash(isolated_cwd, watch):
    (isolated_cwd / "inbox").mkdir()
    outcome = invoke("--rehash", *watch, "--db", "w.duckdb")
    assert outcome.exit_code == 2
    assert "--rehash does not apply to docflow watch" in outcome.stderr
    assert "leave out --rehash" in outcome.stderr
    assert sorted(path.name for path in isolated_cwd.iterdir()) == ["inbox"]


@pytest.mark.parametrize("position", ["before", "after"])
def test_watch_format_needs_status(isolated_cwd, position):
    (isolated_cwd / "inbox").mkdir()
    watch = ["watch", "--once", "inbox", "--db", "w.duckdb"]
    form = ["-f", "json"]
    outcome = invoke(*form, *watch) if position == "before" else invoke(*watch, *form)
    assert outcome.exit_code == 2
    assert "--format json applies only to docflow watch --status" in outcome.stderr
    assert "--log-format" in outcome.stderr
    assert sorted(path.name for path in isolated_cwd.iterdir()) == ["inbox"]


@pytest.fixture
def watch_database(isolated_cwd):
    """Return a database whose watch state has one file done and one waiting."""
    from docflow.watch.readiness import snapshot_of
    from docflow.watch.state import StateStore

    inbox = isolated_cwd / "inbox"
    inbox.mkdir()
    done, waiting = inbox / "done.txt", inbox / "new\nline.txt"
    done.write_text("done")
    waiting.write_text("waiting")
    database = isolated_cwd / "w.duckdb"
    with StateStore(database).session() as session:
        row = session.record_seen(str(done), str(inbox), snapshot_of(str(done)))
        session.set_fields(row.id, state="done", route="processed")
        session.record_seen(str(waiting), str(inbox), snapshot_of(str(waiting)))
    return database, waiting


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("output_format", ["json", "jsonl"])
def test_watch_status_json_formats(watch_database, position, output_format):
    database, waiting = watch_database
    watch = ["watch", "--status", "--db", str(database)]
    form = ["-f", output_format]
    outcome = invoke(*form, *watch) if position == "before" else invoke(*watch, *form)
    assert outcome.exit_code == 0
    expected = {
        "states": {"done": 1, "seen": 1},
        "routes": {"processed": 1},
        "queue": [str(waiting)],
        "daemon": {"running": False, "pid": None},
    }
    assert json.loads(outcome.stdout) == expected
    indented = outcome.stdout.startswith('{\n  "states"')
    assert indented == (output_format == "json")
    assert outcome.stdout.endswith("}\n")


def test_watch_status_csv(watch_database):
    database, waiting = watch_database
    outcome = invoke("watch", "--status", "-f", "csv", "--db", str(database))
    assert outcome.exit_code == 0
    rows = list(csv.reader(io.StringIO(outcome.stdout)))
    assert rows == [
        ["key", "value"],
        ["states.done", "1"],
        ["states.seen", "1"],
        ["routes.processed", "1"],
        ["queue.0", str(waiting)],
        ["daemon.running", "false"],
        ["daemon.pid", ""],
    ]


def test_watch_status_csv_empty_database(isolated_cwd):
    outcome = invoke("watch", "--status", "-f", "csv")
    assert outcome.exit_code == 0
    assert outcome.stdout.splitlines() == [
        "key,value",
        "daemon.running,false",
        "daemon.pid,",
    ]
    assert "no database at '.docflow/docflow.duckdb' yet" in outcome.stderr


def test_watch_status_table(watch_database):
    database, waiting = watch_database
    outcome = invoke("watch", "--status", "-f", "table", "--db", str(database))
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("daemon: not running\nfiles by state:\n")
    assert "  processed    1\n" in outcome.stdout
    escaped = str(waiting).replace("\n", "\\n")  # one line per queued file
    assert f"  {escaped}\n" in outcome.stdout


@pytest.mark.parametrize("position", ["before", "after"])
def test_watch_no_cache_both_positions(isolated_cwd, monkeypatch, position):
    memo = Path(__file__).parents[1] / "sample_docs" / "memo_office_closure.txt"
    cache = isolated_cwd / "cache"
    monkeypatch.setenv("DOCFLOW_STORE_CACHE_DIR", str(cache))

    def watch(name: str, *no_cache: str) -> Path:
        inbox = isolated_cwd / name
        inbox.mkdir()
        shutil.copy(memo, inbox / memo.name)
        args = ["watch", "--once", "--in-process", str(inbox), "-o", f"{name}-out"]
        args += ["--db", str(isolated_cwd / f"{name}.duckdb")]
        outcome = (
            invoke(*no_cache, *args)
            if position == "before"
            else invoke(*args, *no_cache)
        )
        assert outcome.exit_code == 0, outcome.stderr
        (routed,) = (isolated_cwd / f"{name}-out").rglob(memo.name)
        return routed.relative_to(isolated_cwd / f"{name}-out").parent

    assert watch("first") == Path("processed/memo")
    # An emptied cache entry: a watch that used it would find too little text.
    (entry,) = (cache / "extract").rglob("*.json")
    cached = json.loads(entry.read_text(encoding="utf-8"))
    cached["pages"][0].update(text="", chars=0)
    entry.write_text(json.dumps(cached), encoding="utf-8")
    assert watch("cached") == Path("review")
    assert watch("fresh", "--no-cache") == Path("processed/memo")


def test_unused_global_options_get_a_warning(isolated_cwd):
    outcome = invoke("--rehash", "--workers", "2", "--no-ocr", "stats", "--db", "s.db")
    assert (
        "--workers, --no-ocr and --rehash have no effect on docflow stats; "
        "leave them out" in outcome.stderr
    )
    outcome = invoke("--db", "s.db", "categories", "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert "--db has no effect on docflow categories; leave it out" in outcome.stderr
    assert json.loads(outcome.stdout)  # the command ran as without --db


def test_used_global_options_get_no_warning(isolated_cwd):
    outcome = invoke("--db", "s.db", "--format", "json", "stats")
    assert "no effect" not in outcome.stderr
    outcome = invoke("--config", "missing.toml", "categories")
    assert "no effect" not in outcome.stderr


def test_quiet_silences_the_unused_option_warning(isolated_cwd):
    outcome = invoke("-q", "--rehash", "categories", "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert "no effect" not in outcome.stderr


@pytest.mark.parametrize("position", ["before", "after"])
def test_restart_needs_no_cache(isolated_cwd, position):
    (isolated_cwd / "docs").mkdir()
    process = ["process", "docs", "--db", "p.duckdb"]
    if position == "before":
        outcome = invoke("--restart", *process)
    else:
        outcome = invoke(*process, "--restart")
    assert outcome.exit_code == 2
    assert "--restart applies only with --no-cache" in outcome.stderr
    assert sorted(path.name for path in isolated_cwd.iterdir()) == ["docs"]


def test_restart_warned_on_read_command(isolated_cwd):
    outcome = invoke("--restart", "results")
    assert outcome.exit_code == 0
    assert "--restart has no effect on docflow results" in outcome.stderr
