"""Log records of the watch daemon as text lines or JSON Lines on stderr.

Records about a file carry ``extra`` fields (``event``, ``path``,
``destination``, ``route``, ``category``, ...). The JSON formatter writes
them as keys of one object per line, so a log shipper can filter on
``event`` without parsing the message.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from docflow.core.store._rows import escape_controls

__all__ = ["JsonFormatter", "TextFormatter", "configure_watch_logging"]

# Attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_extra_fields(record))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-12-04T16:00:00Z info message`` lines, times in UTC."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        # One record, one line: a file name may contain a newline or a tab.
        message = escape_controls(record.getMessage())
        line = f"{stamp} {record.levelname.lower()} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_watch_logging(log_format: str, verbose: int, quiet: bool) -> None:
    """Format the stderr handlers for the daemon and log docflow at INFO.

    The CLI has installed its stderr handler already, at the level of
    ``-q``/``-v``. A daemon logs every file it receives and routes, so unless
    ``-q`` is given the records of ``docflow.watch`` are shown from INFO up. The rest
    of docflow keeps its level, which also keeps the MCP servers' own log
    lines in their log files instead of mixing into the daemon's stderr.
    """
    formatter: logging.Formatter = (
        JsonFormatter() if log_format == "json" else TextFormatter()
    )
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(formatter)
    if not quiet and verbose == 0:
        logging.getLogger("docflow.watch").setLevel(logging.INFO)
