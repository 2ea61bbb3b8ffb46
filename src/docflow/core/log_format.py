"""Log records on one line, for the CLI, the MCP servers and the document workers.

A file name with a newline would split a log line in two, and one with an
escape sequence could rewrite the terminal that shows the log. A run with
``-v`` shows the logs of its servers and document workers on its stderr too.
"""

from __future__ import annotations

import logging
import re

__all__ = ["OneLineFormatter"]

#: The characters that ``escape_controls`` escapes (C0, DEL, C1 and the bidi
#: controls). A message without them does not import ``escape_controls``.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class OneLineFormatter(logging.Formatter):
    """Write a record's message on one line, control characters escaped.

    A traceback (``-vv``) keeps its lines.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        if _CONTROL.search(record.message):
            from docflow.core.store._rows import escape_controls

            record = logging.makeLogRecord(record.__dict__)
            record.message = escape_controls(record.message)
        return super().formatMessage(record)
