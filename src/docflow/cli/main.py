"""Entry point of the ``docflow`` command.

The application and its global options live in ``_app``, the subcommands in
``_commands``; ``guard`` (``_errors``) turns exceptions into exit codes.
``docflow watch`` comes from ``docflow.cli.watch`` when that module imports.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

import typer

from docflow.cli import _commands  # noqa: F401  (registers the subcommands)
from docflow.cli._app import app
from docflow.cli._errors import say, silence_stdout
from docflow.cli._output import escape_unencodable_output
from docflow.errors import ExitCode

__all__ = ["app", "run"]

log = logging.getLogger(__name__)


def _register_watch() -> None:
    """Add ``docflow watch`` when the watch module is installed and imports."""
    try:
        from docflow.cli import watch
    except ImportError as exc:
        log.debug("docflow watch is unavailable: %s", exc)
        return
    register = getattr(watch, "register", None)
    if callable(register):
        register(app)
    elif isinstance(getattr(watch, "app", None), typer.Typer):
        app.add_typer(watch.app, name="watch")
    elif callable(getattr(watch, "watch", None)):
        app.command("watch")(watch.watch)


_register_watch()


def run() -> None:
    """Run the docflow command line (the ``docflow`` console script).

    Once the command has returned, the process flushes its output and ends
    with ``os._exit``. A normal interpreter exit tears down every module, which
    took 0.3-0.5 s after a processing command (mostly the MCP SDK's pydantic
    models), longer than a cached re-run itself. Commands close their
    databases, servers and files before they return.
    """
    try:
        status = _run_app()
        # The command has finished: a stop signal from now on changes nothing.
        _ignore_stop_signals()
    except KeyboardInterrupt:  # outside a command's guard, as while typer starts
        say("docflow: interrupted")
        status = int(ExitCode.INTERRUPTED)
    _flush_output()
    logging.shutdown()
    os._exit(status)


def _run_app() -> int:
    from docflow.cli.launch import stop_signals_interrupt

    stop_signals_interrupt()  # again when started without the console script
    limit_malloc_arenas()
    _open_closed_standard_streams()
    escape_unencodable_output()
    try:
        app(prog_name="docflow")
    except SystemExit as exc:
        if _unreported_interrupt(exc):
            say("docflow: interrupted")
        return _exit_status(exc.code)
    return 0


def _unreported_interrupt(exc: SystemExit) -> bool:
    """Return whether typer ended the command for a Ctrl-C that was not reported.

    typer's Command.main (typer 0.29) turns a KeyboardInterrupt raised
    while click parses the options, before ``guard`` runs, into a silent
    ``Exit(130)`` raised from it. ``guard`` raises its Exit from None.
    """
    context = exc.__context__
    return isinstance(context, typer.Exit) and isinstance(
        context.__cause__, KeyboardInterrupt
    )


def _ignore_stop_signals() -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):  # not on this platform
            pass


#: glibc's mallopt parameter for the most malloc arenas (M_ARENA_MAX).
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas at ``arenas``, unless MALLOC_ARENA_MAX is set.

    glibc gives threads that allocate at the same time arenas of their own,
    up to 8 per core, and keeps their freed memory. The command's threads
    (the asyncio loop, the database writer, DuckDB's) grew its resident
    memory by about 6 MB per 1,000 documents with the default, and by about
    2.6 MB with 2 arenas, at the same speed (``bench/bench_memory.py``).
    Return True when the cap was set; other C libraries are left alone.
    """
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc: musl has no mallopt
        return False


def _open_closed_standard_streams() -> None:
    """Put the null device on stdin, stdout or stderr when started without one.

    A command run with ``2>&-`` or ``>&-`` (some cron and daemon set-ups)
    has no such descriptor. The next file docflow opens, perhaps the
    database, would get that number and receive the output meant for it.
    Python then also leaves ``sys.stdout`` or ``sys.stderr`` as None.
    """
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115


def _exit_status(code: object) -> int:
    """Return the process status ``sys.exit(code)`` would give."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _flush_output() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left early, as with docflow ... | head
        silence_stdout()
    except (OSError, ValueError):
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
