"""Help text of positional arguments without typer's Python type names.

typer 0.29 appends the annotation of every argument to its help entry
(``PATH... <list[str]>``), and on the usage line it wraps a required argument
in braces and appends ``...`` when the argument takes several values
(``{PATH...}...``), even when the argument declares a metavar.
``hide_argument_types`` makes the help entry show only the argument's name or
metavar, and makes the usage line show a declared metavar as written, which is
what click does. Each metavar therefore carries its own brackets and dots
(``PATH...``, ``[ID|PATH]``). Options need nothing here because typer shows an
option's metavar alone, so every option declares one.

NOTE: this replaces ``display_type_rich`` and ``get_usage_pieces`` on the
``typer.core.TyperArgument`` instances of typer 0.29. Another typer version
may format arguments differently, which test_command_help_shows_no_python_types
catches.
"""

from __future__ import annotations

from typing import Any

import typer.core

__all__ = ["hide_argument_types"]


def hide_argument_types(command: Any) -> None:
    """Remove the Python type names from the argument help of ``command`` and
    its subcommands."""
    for param in command.params:
        if isinstance(param, typer.core.TyperArgument):
            _hide_type(param)
    for subcommand in getattr(command, "commands", {}).values():
        hide_argument_types(subcommand)


def _hide_type(argument: typer.core.TyperArgument) -> None:
    # typer leaves the type out of the help entry when this returns None.
    def display_no_type(ctx: Any) -> None:
        return None

    argument.display_type_rich = display_no_type  # type: ignore[method-assign]
    if argument.metavar is None:
        return
    metavar = argument.metavar

    def get_metavar_pieces(ctx: Any) -> list[str]:
        return [metavar]

    argument.get_usage_pieces = get_metavar_pieces  # type: ignore[method-assign]
