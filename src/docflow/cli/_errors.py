"""The one place where exceptions become exit codes and short messages.

Every command body runs inside ``guard``: a DocflowError prints its message
and exits with its code, Ctrl-C exits 130 (also when another exception was
raised from it), a reader that closed the pipe
(``docflow stats | head -1``) ends the output quietly with exit 0, and any
other exception is a bug that exits 70. Tracebacks are printed only with -v,
and never for ModelRejected, the expected outcome of a worse model.
"""

from __future__ import annotations

import errno
import functools
import io
import logging
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from docflow.errors import (
    DocflowError,
    ExitCode,
    ModelRejected,
    is_query_interrupted,
)

__all__ = [
    "Interrupted",
    "NoInput",
    "fail",
    "guard",
    "note_stored_change",
    "say",
    "silence_stdout",
    "silence_terminal",
    "terminal_gone",
]

log = logging.getLogger("docflow.cli")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

F = TypeVar("F", bound=Callable[..., Any])


class NoInput(DocflowError):
    """No documents were found under the paths given."""

    exit_code = ExitCode.NO_INPUT


class Interrupted(KeyboardInterrupt):
    """A stopped command that reports what it finished.

    A Ctrl-C or SIGTERM exits 130. A run stopped because its stdout reader
    left exits 74 (``ExitCode.OUTPUT``), because its output was not written.
    """

    def __init__(
        self, message: str, exit_code: ExitCode = ExitCode.INTERRUPTED
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise with ``code``."""
    say(f"docflow: error: {message}")
    return typer.Exit(int(code))


def say(line: str) -> None:
    """Write ``line`` to stderr; when stderr is gone (a closed terminal), drop it.

    A message of several lines keeps its line breaks. Any other control
    character, as in a file name the message quotes, is escaped.
    """
    if _CONTROL.search(line.replace("\n", "")):
        from docflow.core.store._rows import escape_controls

        line = "\n".join(escape_controls(part) for part in line.split("\n"))
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        _silence(2)


def terminal_gone(exc: BaseException) -> bool:
    """Return whether ``exc`` is a write to a terminal that was closed (EIO)."""
    return isinstance(exc, OSError) and exc.errno == errno.EIO


def silence_terminal() -> None:
    """Point stdout and stderr at /dev/null where they are the closed terminal.

    A stream redirected to a file or pipe keeps working, so the final
    message still reaches a log file.
    """
    for fd in (1, 2):
        try:
            on_terminal = os.isatty(fd)
        except OSError:
            continue
        if on_terminal:
            _silence(fd)


def _silence(fd: int) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader closed the pipe.

    The interpreter flushes stdout on exit; without this that flush raises
    BrokenPipeError again and the exit code becomes 120.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


#: The change the running command has stored before printing it, as a clause
#: for the message of a failed output, or None while it has stored none.
_stored_change: str | None = None


def note_stored_change(change: str) -> None:
    """Record that the command has stored ``change``, so a failed output says so.

    ``change`` is a clause that says what was stored and which command shows
    it, as in "document 5 was labeled invoice; docflow report 5 shows it".
    Running such a command again would not make the same change again.
    """
    global _stored_change
    _stored_change = change


def _verbose() -> bool:
    return logging.getLogger().getEffectiveLevel() <= logging.INFO


def _caused_by_interrupt(exc: BaseException) -> bool:
    """Return whether ``exc`` is a Ctrl-C, or was raised from or while handling one.

    An extension module interrupted while it initializes raises ImportError
    from the KeyboardInterrupt (duckdb 2.0.1 does), and a ROLLBACK run while
    handling an interrupted query can fail with "no transaction is active".
    Neither is a docflow bug.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt) or is_query_interrupted(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def guard(command: F) -> F:
    """Wrap a command so its exceptions become exit codes and messages."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _stored_change
        _stored_change = None
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(int(ExitCode.OK)) from None
        except Interrupted as exc:
            say(f"docflow: {exc.message}")
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            say("docflow: interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except DocflowError as exc:
            # A rejected model is the verdict of docflow train, whose report is
            # already printed, so a traceback into train adds nothing.
            if _verbose() and not isinstance(exc, ModelRejected):
                log.exception("%s failed", command.__name__)
            raise fail(str(exc), exc.exit_code) from None
        except OSError as exc:
            if terminal_gone(exc):
                # The terminal was closed, which also sends SIGHUP: stop as
                # for Ctrl-C. Nothing can be shown any more.
                silence_terminal()
                say("docflow: interrupted: the terminal was closed")
                raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
            if exc.errno not in _NO_ROOM or _caused_by_interrupt(exc):
                raise _internal_error(command.__name__, exc) from None
            raise fail(
                _output_failed_message(command.__name__, exc), ExitCode.OUTPUT
            ) from None
        except Exception as exc:
            raise _internal_error(command.__name__, exc) from None

    return wrapper  # type: ignore[return-value]


def _output_failed_message(name: str, exc: OSError) -> str:
    """Return what failed for lack of room and what to do, for the command ``name``."""
    reason = f"cannot write the output: {exc.strerror or exc}"
    if _stored_change is not None:
        # Running the command again would fail, the change being made already.
        return (
            f"{reason}, but the change is stored: {_stored_change}. Free some "
            "space before the next command"
        )
    kept_note = " (finished results are kept)" if name in _PROCESSING_COMMANDS else ""
    return f"{reason}; free some space and run the same command again{kept_note}"


#: Commands that store results as they go, so a failed output loses none.
_PROCESSING_COMMANDS = frozenset({"classify", "analyze", "process"})

#: errno values of a write that failed for lack of room, not because of a bug.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _internal_error(name: str, exc: Exception) -> typer.Exit:
    """Report ``exc`` as an interrupt or an internal error; return the exit to raise."""
    if _caused_by_interrupt(exc):
        say("docflow: interrupted")
        return typer.Exit(int(ExitCode.INTERRUPTED))
    log.critical(
        "internal error in %s: %s: %s",
        name,
        type(exc).__name__,
        exc,
        exc_info=_verbose(),
    )
    return fail(
        "internal error (a bug in docflow); rerun with -v for the "
        "traceback and report it",
        ExitCode.SOFTWARE,
    )
