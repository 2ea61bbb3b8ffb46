"""Rendering and checks of ``[[watch.routes]]`` destination templates.

A destination is a ``str.format`` template relative to ``watch.output_dir``
(see ``docflow.watch.routing``). It lives in ``core`` so that loading the
settings can check it, with the same renderer the watch daemon uses, without
importing the daemon.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from docflow.core.models import FACT_KINDS

__all__ = [
    "TEMPLATE_FIELDS",
    "clean_segment",
    "describe_fact_kind_problem",
    "describe_glob_problem",
    "describe_template_problem",
    "fill_template",
    "number_field",
]

#: Fields a destination template may use; ``docflow.watch.routing`` fills them.
TEMPLATE_FIELDS = (
    "category",
    "confidence",
    "quality",
    "name",
    "stem",
    "suffix",
    "inbox",
    "date",
    "year",
    "month",
    "day",
    "facts",
)
#: Fields whose values are numbers, with the format used when none is given.
NUMBER_FIELDS = {"confidence": ".2f", "quality": ".0f"}
#: Route folders of the daemon itself that a rule's destination must not start with.
_RESERVED_FOLDERS = ("quarantine",)
#: strftime codes of C99 and glibc, plus Python's %f. Python passes the format
#: to the C library, and glibc copies an unknown code such as %Q into the
#: output unchanged, which would make a folder named "%Q".
_STRFTIME_CODES = frozenset("aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZf%")
#: One directive: "%", an optional glibc flag and E or O modifier, the code.
_STRFTIME_DIRECTIVE = re.compile(r"%[-_0^#]?[EO]?(.?)", re.DOTALL)
_FACT_FIELD = re.compile(r"facts\[([^\]]*)\]")
#: Characters a folder name may not contain: control characters and separators.
_UNSAFE = re.compile(r"[\x00-\x1f/\\]")
#: The same without "/", for a date format, which may name nested folders.
_UNSAFE_IN_DATE = re.compile(r"[\x00-\x1f\\]")


class _DestinationFormatter(string.Formatter):
    """A ``str.format`` that keeps each field value inside one folder name.

    The exception is a date: its format is written by the user, so a "/" in
    ``{date:%Y/%m}`` makes nested folders. ``{date}`` with no format is the
    ISO date (``2026-01-31``).
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, datetime):
            if not format_spec:
                return value.date().isoformat()
            return _UNSAFE_IN_DATE.sub("_", value.strftime(format_spec))
        return _UNSAFE.sub("_", super().format_field(value, format_spec))


_FORMATTER = _DestinationFormatter()


class _Number(float):
    """A number field that takes the format in the template (``{confidence:.0%}``).

    Without a format in the template it takes ``default_format``.
    """

    default_format: str

    def __format__(self, format_spec: str) -> str:
        return float.__format__(self, format_spec or self.default_format)


class _NoNumber:
    """A number field of a document that has none: empty with any format."""

    def __format__(self, format_spec: str) -> str:
        return ""


def number_field(name: str, value: float | None) -> object:
    """Return the value of the number field ``name`` for a template.

    Without a format it reads as before (``0.83``, ``75``). None, for a
    document without a classification or a quality score, reads as empty text.
    """
    if value is None:
        return _NoNumber()
    number = _Number(value)
    number.default_format = NUMBER_FIELDS[name]
    return number


def fill_template(template: str, values: Mapping[str, Any]) -> str:
    """Fill a destination template and return a relative POSIX path.

    Only the template's own text and date formats can add a "/", and each
    folder named "." or ".." becomes "_", so a fact such as ``../../etc``
    never leads out of the output folder. Raises what ``str.format`` raises
    for a template ``describe_template_problem`` would reject.
    """
    text = _FORMATTER.vformat(template, (), values)
    segments = (clean_segment(segment) for segment in text.split("/"))
    return "/".join(segment for segment in segments if segment)


def clean_segment(segment: str) -> str:
    """Return ``segment`` as one safe folder name: never ".", ".." or a path."""
    cleaned = _UNSAFE.sub("_", segment).strip()
    if cleaned in {".", ".."}:
        return "_"
    return cleaned


def describe_template_problem(template: str) -> str | None:
    """Return why a destination template is invalid, or None when it is valid."""
    if not template.replace("/", "").strip():
        return (
            "the destination is empty, so files would go to processed/; give a "
            "folder such as 'invoices/{year}'"
        )
    if PurePosixPath(template).is_absolute():
        return "the destination must be relative to watch.output_dir"
    if "\0" in template:
        return (
            "the destination contains a NUL character (\\x00), which no folder "
            "name can contain; remove it"
        )
    try:
        fields = [
            (field, spec, conversion)
            for _, field, spec, conversion in string.Formatter().parse(template)
            if field is not None
        ]
    except ValueError as exc:
        return f"{exc}; write fields as {{category}} or {{date:%Y-%m}}"
    for field, spec, conversion in fields:
        problem = _field_problem(field, spec or "", conversion)
        if problem:
            return problem
    return _format_problem(template)


def _field_problem(field: str, spec: str, conversion: str | None) -> str | None:
    root = re.split(r"[.\[]", field, maxsplit=1)[0]
    if root not in TEMPLATE_FIELDS:
        known = ", ".join(
            "{facts[kind]}" if name == "facts" else f"{{{name}}}"
            for name in TEMPLATE_FIELDS
        )
        return f"unknown field {{{field}}}; use one of {known}"
    if conversion:
        return (
            f"field {{{field}!{conversion}}} has a conversion ('!{conversion}'), "
            f"which a destination does not allow; write {{{field}}}"
        )
    if "{" in spec:
        return (
            f"field {{{field}:{spec}}} has a field inside its format, which a "
            "destination does not allow; write the format out, as in {quality:.0f}"
        )
    if root == "facts":
        match = _FACT_FIELD.fullmatch(field)
        if match is None:
            return f"field {{{field}}} needs a fact kind, as in {{facts[total]}}"
        if match[1] not in FACT_KINDS:
            return f"field {{{field}}}: {describe_fact_kind_problem(match[1])}"
    elif field != root:
        access = "an attribute" if field[len(root)] == "." else "an index"
        return (
            f"field {{{field}}} reads {access} of {{{root}}}, which a destination "
            f"does not allow; write {{{root}}}. Only {{facts[kind]}} takes an index"
        )
    if root == "date":
        return _date_format_problem(spec)
    if spec:
        return _spec_problem(field, root, spec)
    return None


def _spec_problem(field: str, root: str, spec: str) -> str | None:
    """Return why ``spec`` cannot format ``field`` (named ``root``), or None."""
    sample = number_field(root, 0.5) if root in NUMBER_FIELDS else "sample"
    try:
        format(sample, spec)
    except ValueError as exc:
        if root in NUMBER_FIELDS:
            return (
                f"invalid format {spec!r} in {{{field}:{spec}}}: {{{field}}} is a "
                "number, so use a number format, as in {confidence:.0%} or "
                "{quality:03.0f}"
            )
        return (
            f"invalid format {spec!r} in {{{field}:{spec}}} ({exc}). Only "
            "{confidence} and {quality} are numbers, so use a text format such "
            f"as {{{field}:.20}}"
        )
    return None


def describe_glob_problem(pattern: str) -> str | None:
    """Return why a glob pattern is invalid, or None when it is valid.

    ``fnmatch`` takes a '[' without its ']' as a literal '[', which is far
    more often a typo than a wish, so that is the one problem reported.
    """
    position = 0
    while (start := pattern.find("[", position)) != -1:
        end = start + 1
        if end < len(pattern) and pattern[end] == "!":
            end += 1
        if end < len(pattern) and pattern[end] == "]":
            end += 1  # a ']' first in the set is a member, not its end
        close = pattern.find("]", end)
        if close == -1:
            return (
                f"the glob {pattern!r} has a '[' without its ']'; close the set, "
                "as in '[0-9]', or write '[[]' to match a '['"
            )
        position = close + 1
    return None


def describe_fact_kind_problem(kind: str) -> str:
    """Return why ``kind`` is not a fact kind, with the closest one to use."""
    listed = f"(fact kinds: {', '.join(FACT_KINDS)})"
    close = difflib.get_close_matches(kind, FACT_KINDS, n=1)
    if close:
        return f"unknown fact kind {kind!r}; did you mean {close[0]!r}? {listed}"
    return f"unknown fact kind {kind!r} {listed}; use one of them"


def _date_format_problem(spec: str) -> str | None:
    for directive in _STRFTIME_DIRECTIVE.finditer(spec):
        code = directive[1]
        if not code:
            return f"the date format {spec!r} ends with a lone '%'; write '%%' for '%'"
        if code not in _STRFTIME_CODES:
            return (
                f"unknown date code {directive[0]!r} in {{date:{spec}}}; use "
                "strftime codes such as %Y, %m, %d or %B"
            )
    return None


def _format_problem(template: str) -> str | None:
    """Return the error of filling the template with sample values, or None."""
    values: dict[str, object] = {field: "sample" for field in TEMPLATE_FIELDS}
    values.update({name: number_field(name, 0.5) for name in NUMBER_FIELDS})
    values["date"] = datetime(2026, 1, 31)
    values["facts"] = dict.fromkeys(FACT_KINDS, "sample")
    try:
        text = _FORMATTER.vformat(template, (), values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        return (
            f"{type(exc).__name__}: {exc}; write fields as {{category}}, "
            "{date:%Y-%m} or {facts[total]}"
        )
    if text.startswith("/"):
        return (
            f"it renders as {text!r}, an absolute path; the destination must be "
            "relative to watch.output_dir"
        )
    if {".", ".."} & set(text.split("/")):
        return (
            f"it renders as {text!r}, with a '.' or '..' folder; name each "
            "folder, because a destination stays inside watch.output_dir"
        )
    first = next((part for part in text.split("/") if part.strip()), "")
    if first.strip() in _RESERVED_FOLDERS:
        return (
            f"it renders as {text!r}, inside the {first.strip()}/ folder, where "
            "docflow watch puts unreadable files with their error reports; "
            "choose another folder"
        )
    return None
