"""Conversion of option values of plain types without building pydantic adapters.

typer 0.29 converts each command-line value through a pydantic TypeAdapter
that it builds the first time the parameter is processed. Every parameter is
processed, given or not, so a processing command built 24 adapters and
imported ``typer._adapters`` on every run, 15-25 ms of CPU time (cProfile and
``time.process_time`` of a cached re-run). ``PlainConvertingGroup`` gives the
parameters of plain types (str, int, float, bool and list[str]) a converter
that handles the common values with ``int()`` and ``float()``. Any other
value, such as ``1e-3`` or ``abc``, and any other type go to typer's own
converter. When that converter rejects the value of a number option, the
error names the option, the value and the range the option accepts, in place
of pydantic's "Input should be a valid number".

NOTE: this uses typer internals (``typer._coercion.RuntimeParam`` and the
``_runtime_param`` slot of ``typer.core`` parameters) that exist in typer
0.29. With a typer without them the group changes nothing and typer converts
every value itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, get_args, get_origin

import typer
import typer.core

from docflow.cli._help import hide_argument_types
from docflow.cli._options import OPTION_RANGES, describe_range
from docflow.cli._unknown_options import explain_unknown_options

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
except ImportError:  # another typer version: typer converts every value
    RuntimeParam = None

__all__ = ["InvalidNumber", "PlainConvertingGroup", "install_plain_conversion"]

#: Values converted here; anything else (signs, spaces, underscores, exponents,
#: inf and nan) is left to typer, which accepts more forms.
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")

_PLAIN_TYPES = (str, int, float, bool)
_NOT_CONVERTED = object()


def _convert(annotation: Any, value: Any) -> Any:
    """Return ``value`` converted to ``annotation``, or ``_NOT_CONVERTED``."""
    if annotation is str:
        return value if isinstance(value, str) else _NOT_CONVERTED
    if annotation is bool:
        return value if isinstance(value, bool) else _NOT_CONVERTED
    if annotation is int:
        if type(value) is int:
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return _NOT_CONVERTED
    if annotation is float:
        if type(value) is float:
            return value
        if isinstance(value, str) and _DECIMAL.fullmatch(value):
            return float(value)
        return _NOT_CONVERTED
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return list(value)
    return _NOT_CONVERTED


def _is_plain(descriptor: Any) -> bool:
    annotation = descriptor.annotation
    if annotation not in _PLAIN_TYPES and annotation != list[str]:
        return False
    # typer builds an adapter that checks more for a parser, a range or a
    # file; a path or a choice cannot have these annotations.
    info = descriptor.parameter_info
    return (
        info.parser is None
        and info.min is None
        and info.max is None
        and descriptor.file_annotation is None
    )


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _PlainParam(RuntimeParam):
        """Converter of one parameter that falls back to typer's adapter."""

        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            converted = _convert(self.annotation, value)
            if converted is not _NOT_CONVERTED:
                return converted
            # Built only for the rare values that _convert leaves to typer.
            fallback = build_runtime_param(self.descriptor)
            try:
                return fallback._coerce_value(value, param=param, ctx=ctx)
            except typer.BadParameter:
                if self.annotation not in (int, float):
                    raise
                raise InvalidNumber(
                    _option_name(param), value, whole=self.annotation is int
                ) from None


class InvalidNumber(typer.BadParameter):
    """A number option given a value that is not a number, such as ``abc``.

    Printed as docflow prints an out-of-range value (``check_range``), and
    without the usage text that click adds to its own errors.
    """

    def __init__(self, option: str, value: Any, *, whole: bool) -> None:
        kind = "whole number" if whole else "number"
        message = f"invalid {option} {str(value)!r}: not a {kind}"
        if option in OPTION_RANGES:
            message += f"; {describe_range(option, whole=whole)}"
        super().__init__(message)

    def show(self, file: Any = None) -> None:
        from docflow.cli._errors import say

        say(f"docflow: error: {self.message}")


def _option_name(param: Any) -> str:
    """Return the long name of an option (``--workers`` for ``-j``)."""
    names = [name for name in getattr(param, "opts", ()) if name.startswith("--")]
    return names[0] if names else str(getattr(param, "name", "value"))


def install_plain_conversion(command: Any) -> None:
    """Install a converter that needs no pydantic adapter on the parameters of
    plain types of ``command`` and its subcommands."""
    if RuntimeParam is None:
        return
    for param in command.params:
        _install(param)
    _wrap_help_option(command)
    for subcommand in getattr(command, "commands", {}).values():
        install_plain_conversion(subcommand)


def _install(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if (
        descriptor is not None
        and getattr(param, "_runtime_param", False) is None
        and _is_plain(descriptor)
    ):
        param._runtime_param = _PlainParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            descriptor=descriptor,
        )


def _wrap_help_option(command: Any) -> None:
    """Install the converter on ``--help`` too, which click creates per command
    when the command is first parsed."""
    get_help_option = getattr(command, "get_help_option", None)
    if get_help_option is None:
        return

    def get_plain_help_option(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            _install(option)
        return option

    command.get_help_option = get_plain_help_option


class PlainConvertingGroup(typer.core.TyperGroup):
    """The typer group of docflow, with ``install_plain_conversion``,
    ``hide_argument_types`` and ``explain_unknown_options`` applied."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        install_plain_conversion(self)
        hide_argument_types(self)
        explain_unknown_options(self)
