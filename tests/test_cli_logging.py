"""The CLI's log lines stay one line each, whatever a file name holds."""

from __future__ import annotations

import logging

import pytest

from docflow.cli._logging import configure_logging


@pytest.fixture
def cli_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_warning_escapes_newline_in_name(cli_logging, capsys):
    configure_logging(verbose=0, quiet=False)
    logging.getLogger("docflow.test").warning("cannot read %s: %s", "a\nb.txt", "gone")
    logging.getLogger("docflow.test").warning("cannot read %s", "tab\\tname.txt")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "docflow: WARNING: cannot read a\\nb.txt: gone",
        "docflow: WARNING: cannot read tab\\tname.txt",
    ]


def test_warning_escapes_terminal_sequence(cli_logging, capsys):
    configure_logging(verbose=0, quiet=False)
    logging.getLogger("docflow.test").warning("bad name %s", "x\x1b[2Jy")
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert err == "docflow: WARNING: bad name x\\x1b[2Jy\n"


def test_traceback_keeps_its_lines(cli_logging, capsys):
    configure_logging(verbose=2, quiet=False)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("docflow.test").exception("failed on %s", "a.txt")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "docflow: ERROR: failed on a.txt"
    assert lines[1] == "Traceback (most recent call last):"
