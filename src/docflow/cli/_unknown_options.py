"""Errors for an unknown option that suggest only close matches and name --help.

click, as copied into typer 0.29 (``typer._click.parser``), suggests the long
options that ``difflib.get_close_matches`` rates at least 0.6 similar to an
unknown one. It compares the names with their leading dashes, and the shared
``--`` alone lifts a pair such as ``--bogus`` and ``--verbose`` to a ratio of
0.625, so click suggested options that share nothing with the unknown one.
``explain_unknown_options`` makes every command compare the names without
their dashes, with the same cutoff of 0.6, and end the error with the
``--help`` command that lists the options. An option given a value it does
not take, or none it needs, gets the same usage line and ``--help`` command,
which typer printed without.

NOTE: this replaces ``parse_args`` on the command instances and catches
``NoSuchOption`` and ``BadOptionUsage`` of ``typer._click.exceptions`` in
typer 0.29. With a typer without that module, the commands keep click's own
errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import typer

try:
    from typer._click.exceptions import BadOptionUsage, NoSuchOption
except ImportError:  # another typer version: click's own error stays
    BadOptionUsage = NoSuchOption = None

__all__ = ["SIMILARITY_CUTOFF", "explain_unknown_options", "find_close_options"]

#: Minimum difflib ratio of a suggested option name, the default of
#: ``difflib.get_close_matches`` that click uses too.
SIMILARITY_CUTOFF = 0.6
#: Suggestions per error, as click gives.
MAX_SUGGESTIONS = 3


def find_close_options(unknown: str, options: Iterable[str]) -> list[str]:
    """Return the long options in ``options`` whose names are close to ``unknown``.

    The names are compared without their leading dashes. A short option such
    as ``-z`` gets no suggestion, because one letter is close to nothing.
    """
    if not unknown.startswith("--"):
        return []
    by_name = {option.lstrip("-"): option for option in options}
    close = difflib.get_close_matches(
        unknown.lstrip("-"), by_name, n=MAX_SUGGESTIONS, cutoff=SIMILARITY_CUTOFF
    )
    return [by_name[name] for name in close]


def explain_unknown_options(command: Any) -> None:
    """Make ``command`` and its subcommands raise ``UnknownOption`` for an
    option they do not take."""
    if NoSuchOption is None:
        return
    _wrap_parse_args(command)
    for subcommand in getattr(command, "commands", {}).values():
        explain_unknown_options(subcommand)


def _wrap_parse_args(command: Any) -> None:
    parse_args = command.parse_args

    def parse_args_explained(ctx: Any, args: list[str]) -> list[str]:
        try:
            return parse_args(ctx, args)
        except NoSuchOption as error:
            raise UnknownOption(error, ctx) from None
        except BadOptionUsage as error:
            # "Option '--verbose' does not take a value", "Option '--format'
            # requires an argument": the same usage line and --help pointer.
            raise MisusedOption(error, ctx) from None

    command.parse_args = parse_args_explained


def _long_options(ctx: Any) -> list[str]:
    """Return the long options of the command of ``ctx``, --help included."""
    options = []
    for param in ctx.command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        names = [*param.opts, *getattr(param, "secondary_opts", ())]
        options += [name for name in names if name.startswith("--")]
    return options


if NoSuchOption is not None:

    class UnknownOption(NoSuchOption):
        """An option the command does not take, with close names and --help.

        Printed as click prints a usage error, but without click's line
        ``Try 'docflow COMMAND -h' for help``, because the message itself
        names ``docflow COMMAND --help``.
        """

        def __init__(self, error: Any, ctx: Any) -> None:
            possibilities = find_close_options(error.option_name, _long_options(ctx))
            # error.message already has control characters escaped.
            super().__init__(
                error.option_name,
                message=error.message,
                possibilities=possibilities,
                ctx=ctx,
            )

        def format_message(self) -> str:
            message = f"{self.message}."
            if self.possibilities:
                *others, last = self.possibilities
                names = f"{', '.join(others)} or {last}" if others else last
                message += f" Did you mean {names}?"
            command = self.ctx.command_path if self.ctx else "docflow"
            return f"{message} Run '{command} --help' to list the options it takes."

        def show(self, file: Any = None) -> None:
            color = self.ctx.color if self.ctx else None
            if self.ctx is not None:  # the usage line, then a blank line
                typer.echo(
                    f"{self.ctx.get_usage()}\n", file=file, err=True, color=color
                )
            typer.echo(
                f"Error: {self.format_message()}", file=file, err=True, color=color
            )

    class MisusedOption(BadOptionUsage):
        """An option given a value it does not take, or none it needs,
        printed as ``UnknownOption`` prints, with the --help command."""

        def __init__(self, error: Any, ctx: Any) -> None:
            super().__init__(error.option_name, error.message, ctx=ctx)

        def format_message(self) -> str:
            command = self.ctx.command_path if self.ctx else "docflow"
            return (
                f"{self.message.rstrip('.')}. "
                f"Run '{command} --help' to list the options it takes."
            )

        show = UnknownOption.show
