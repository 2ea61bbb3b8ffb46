"""Logging for the CLI: levels from -q/-v/-vv, records on stderr."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from docflow.core.log_format import OneLineFormatter

__all__ = ["configure_logging", "level_for"]

#: Dependencies that log page-level chatter; shown only with -vv.
NOISY_LOGGERS = (
    "pdfminer",
    "pdfplumber",
    "PIL",
    "pypdfium2",
    "mcp",
    "httpx",
    "asyncio",
)


class _StderrHandler(logging.StreamHandler):
    """Write to the current ``sys.stderr``.

    The progress bar swaps ``sys.stderr`` for a proxy that prints above the
    bar, so the stream is looked up on every record instead of once.
    """

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def level_for(verbose: int, quiet: bool) -> int:
    """Return the docflow log level for the -v count and -q flag."""
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


def configure_logging(verbose: int, quiet: bool) -> None:
    """Send log records to stderr at the level the flags ask for."""
    level = level_for(verbose, quiet)
    handler = _StderrHandler()
    handler.setFormatter(OneLineFormatter("docflow: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _StderrHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    noisy_level = logging.DEBUG if verbose >= 2 else max(level, logging.ERROR)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(noisy_level)
