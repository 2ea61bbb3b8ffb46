"""The ``docflow`` console script: replay an unchanged run, or run the command.

This module imports nothing heavy, so a re-run whose replay record is still
valid (see ``_replay``) prints its output without loading typer, pydantic,
DuckDB or the MCP SDK.
"""

from __future__ import annotations

import os
import sys

__all__ = ["run"]


def run() -> None:
    """Run ``docflow``: print a valid replay record, or start the full command."""
    try:
        from docflow.cli import _replay

        status = _replay.replay()
        if status is None:
            _replay.count_warnings()
            from docflow.cli.main import run as run_command
    except KeyboardInterrupt:  # Ctrl-C before the command's own handling starts
        sys.stderr.write("docflow: interrupted\n")
        os._exit(130)
    if status is None:
        run_command()  # ends the process
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
