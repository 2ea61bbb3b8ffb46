"""Tests that the global options work before and after each command that uses them.

The table ``USED`` lists, per command, the global options (``docflow --help``)
whose settings the command reads. Each of them must be accepted after the
command as well as before it.
"""

from __future__ import annotations

import json

import pytest
import typer
import typer.core
import typer.main
from typer.testing import CliRunner

from docflow.cli.main import app

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
    # Training files are read through the extraction cache.
    "train": {*_READ, *_EXTRACTION, "no_cache"},
    # The servers extract and classify, but their size comes from
    # workers.children_per_server, not --workers.
    "mcp": {"config", "timeout", "threshold", "no_cache", *_EXTRACTION, *_LOGGING},
    "watch": {
        "config",
        "db",
        "workers",
        "timeout",
        "threshold",
        "no_cache",
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
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout) == {"states": {}, "routes": {}, "queue": []}
    assert f"no database at {str(database)!r}" in outcome.stderr


@pytest.mark.parametrize("position", ["before", "after"])
def test_stats_config_both_positions(isolated_cwd, position):
    database = isolated_cwd / "configured.duckdb"
    settings = isolated_cwd / "settings.toml"
    settings.write_text(f'[store]\ndatabase = "{database}"\n')
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
