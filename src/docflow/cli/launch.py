"""The ``docflow`` console script: replay an unchanged run, or run the command.

This module imports nothing heavy, so a re-run whose replay record is still
valid (see ``_replay``) prints its output without loading typer, pydantic,
DuckDB or the MCP SDK.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "note_stop_signal",
    "raise_if_stop_lost",
    "run",
    "stop_signals_interrupt",
]


def run() -> None:
    """Run ``docflow``: print a valid replay record, or start the full command."""
    try:
        _reexec_for_utf8_names()
        # Importing the signal module takes a few ms (enum, functools), so a
        # Ctrl-C can land in it. Inside this try, it exits 130 with one line.
        stop_signals_interrupt()
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


def stop_signals_interrupt() -> None:
    """Make SIGTERM and SIGHUP (a closed terminal) stop docflow as Ctrl-C does.

    Commands install their own handlers once they run. These cover the
    start-up and the reading of paths from stdin, where the default action
    would end the process silently with status 143 or 129 instead of 130.
    A signal before this runs still gets the default action (or Python's
    own message for Ctrl-C), but then docflow has opened and started nothing.
    """
    import signal

    def interrupt(signum: int, frame: object) -> None:
        note_stop_signal(signum)
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        try:
            signal.signal(getattr(signal, name), interrupt)
        except (AttributeError, OSError, ValueError):  # not on this platform
            pass


#: Stop signals received (SIGTERM, SIGHUP), whether or not they took effect.
_STOP_SIGNALS: list[int] = []


def note_stop_signal(signum: int) -> None:
    """Record that a stop signal came, for ``raise_if_stop_lost``."""
    _STOP_SIGNALS.append(signum)


def raise_if_stop_lost() -> None:
    """Raise KeyboardInterrupt when a stop signal came but the run goes on.

    A handler's KeyboardInterrupt can land in code that swallows it: an
    exception raised inside a C extension's callback is printed as
    "Exception ignored" and dropped. Commands call this before long work.
    """
    if _STOP_SIGNALS:
        raise KeyboardInterrupt


def _reexec_for_utf8_names() -> None:
    """Start again in UTF-8 mode when file names would be decoded as ASCII.

    Under a C locale with ``PYTHONUTF8=0``, Python decodes every byte above
    127 of a file name as an escape, so ``müller.txt`` could not be sent to an
    MCP server and got status unreadable. UTF-8 mode reads such names as
    they are; stdout keeps its encoding through PYTHONIOENCODING.
    """
    if sys.flags.utf8_mode or sys.getfilesystemencoding().lower() not in _ASCII:
        return
    env = dict(os.environ)
    env["PYTHONUTF8"] = "1"
    if "PYTHONIOENCODING" not in env and sys.stdout is not None:
        env["PYTHONIOENCODING"] = sys.stdout.encoding
    argv = [sys.executable, "-X", "utf8", *sys.orig_argv[1:]]
    try:
        os.execve(sys.executable, argv, env)
    except OSError:  # go on without UTF-8 mode: such names get unreadable
        return


#: Names Python gives the ASCII codec as a file-system encoding.
_ASCII = frozenset({"ascii", "us-ascii", "ansi_x3.4-1968", "646"})
