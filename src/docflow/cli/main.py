"""Entry point of the ``docflow`` command.

The application and its global options live in ``_app``, the subcommands in
``_commands``; ``guard`` (``_errors``) turns exceptions into exit codes.
``docflow watch`` comes from ``docflow.cli.watch`` when that module imports.
"""

from __future__ import annotations

import logging

import typer

from docflow.cli import _commands  # noqa: F401  (registers the subcommands)
from docflow.cli._app import app

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
    """Run the docflow command line (the ``docflow`` console script)."""
    app(prog_name="docflow")
