"""Checks of ``[[watch.routes]]`` destination templates, before any file is routed.

A destination is a ``str.format`` template relative to ``watch.output_dir``
(see ``docflow.watch.routing``). It lives in ``core`` so that loading the
settings can check it without importing the watch daemon.
"""

from __future__ import annotations

import difflib
import re
import string
from datetime import datetime
from pathlib import PurePosixPath

from docflow.core.models import FACT_KINDS

__all__ = ["TEMPLATE_FIELDS", "describe_fact_kind_problem", "describe_template_problem"]

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
#: strftime codes of C99 and glibc, plus Python's %f. Python passes the format
#: to the C library, and glibc copies an unknown code such as %Q into the
#: output unchanged, which would make a folder named "%Q".
_STRFTIME_CODES = frozenset("aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZf%")
#: One directive: "%", an optional glibc flag and E or O modifier, the code.
_STRFTIME_DIRECTIVE = re.compile(r"%[-_0^#]?[EO]?(.?)", re.DOTALL)
_FACT_FIELD = re.compile(r"facts\[([^\]]*)\]")


def describe_template_problem(template: str) -> str | None:
    """Return why a destination template is invalid, or None when it is valid."""
    if not template.replace("/", "").strip():
        return (
            "the destination is empty, so files would go to processed/; give a "
            "folder such as 'invoices/{year}'"
        )
    if PurePosixPath(template).is_absolute():
        return "the destination must be relative to watch.output_dir"
    try:
        fields = [
            (field, spec)
            for _, field, spec, _ in string.Formatter().parse(template)
            if field is not None
        ]
    except ValueError as exc:
        return f"{exc}; write fields as {{category}} or {{date:%Y-%m}}"
    for field, spec in fields:
        problem = _field_problem(field, spec or "")
        if problem:
            return problem
    return _format_problem(template)


def _field_problem(field: str, spec: str) -> str | None:
    root = re.split(r"[.\[]", field, maxsplit=1)[0]
    if root not in TEMPLATE_FIELDS:
        known = ", ".join(
            "{facts[kind]}" if name == "facts" else f"{{{name}}}"
            for name in TEMPLATE_FIELDS
        )
        return f"unknown field {{{field}}}; use one of {known}"
    if root == "facts":
        match = _FACT_FIELD.fullmatch(field)
        if match is None:
            return f"field {{{field}}} needs a fact kind, as in {{facts[total]}}"
        if match[1] not in FACT_KINDS:
            return f"field {{{field}}}: {describe_fact_kind_problem(match[1])}"
    if root == "date" and field == "date":
        return _date_format_problem(spec)
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
    values["date"] = datetime(2026, 1, 31)
    values["facts"] = dict.fromkeys(FACT_KINDS, "sample")
    try:
        template.format_map(values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        return (
            f"{type(exc).__name__}: {exc}; write fields as {{category}}, "
            "{date:%Y-%m} or {facts[total]}"
        )
    return None
