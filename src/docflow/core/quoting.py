"""Quoting of user-given paths and values in error messages.

A client can send a path or a name of any length, and an error that quotes a
100,000-character path in full is unreadable. ``quote_value`` keeps the start
and the end of a long value and states its length.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

__all__ = [
    "MAX_QUOTED_CHARS",
    "cut_value",
    "quote_value",
    "shell_argument",
    "shell_quote_value",
]

#: Maximum length, in characters, of a value that ``quote_value`` quotes in
#: full. A Linux path can have 4,095 bytes (PATH_MAX less the NUL), but a
#: message that quotes several lines of one value is hard to read.
MAX_QUOTED_CHARS = 300


def quote_value(value: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """Quote ``value`` as repr does, cut to its start and end when it is long.

    A value of more than ``limit`` characters keeps its first and last
    ``limit // 2`` characters, joined by "…", followed by its length:
    ``'/data/aaa…aaa/report.pdf' (100,000 characters)``.
    """
    return _quote_cut(value, limit, repr)


def cut_value(value: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """Return ``value`` unquoted, cut as ``quote_value`` cuts it when it is long.

    For messages of the form "PATH: reason", which name the path without
    quotes: ``/data/aaa…aaa/report.pdf (100,000 characters)``.
    """
    return _quote_cut(value, limit, str)


def shell_quote_value(value: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """Quote ``value`` as shlex.quote does, cut as ``quote_value`` cuts it when long.

    For messages that name the command line of a run:
    ``'/data/aaa…aaa/report.pdf' (100,000 characters)``.
    """
    return _quote_cut(value, limit, shlex.quote)


def _quote_cut(value: str, limit: int, quote: Callable[[str], str]) -> str:
    """Return ``quote(value)``, or of its start and end and then its length."""
    if len(value) <= limit:
        return quote(value)
    keep = limit // 2
    cut = value[:keep] + "…" + value[-keep:]
    return f"{quote(cut)} ({len(value):,} characters)"


def shell_argument(path: str) -> str:
    """Quote ``path`` for a suggested command line, where it must not read as an option.

    A relative name that starts with ``-`` gets ``./`` in front, so
    ``-dash.md`` is suggested as ``./-dash.md``.
    """
    if path.startswith("-"):
        path = "./" + path
    return shlex.quote(path)
