"""Protocol input of a stdio MCP server, with a warning for each line it ignores.

The stdio transport of the MCP SDK (mcp 2.3, ``mcp.server.stdio``) ignores a
line that is not a JSON-RPC message. Its dispatcher logs that only at DEBUG
level, which docflow shows for the ``mcp`` loggers only under ``docflow mcp
-vv``, among all other debug output. So a client wired up by hand that sends
such a line gets no response and no error.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
import mcp_types
from pydantic import ValidationError

__all__ = ["CheckedInputLines"]

log = logging.getLogger(__name__)

#: Characters of an ignored line shown in its warning. Few, because a
#: malformed tool call can carry a password further on.
EXCERPT_CHARS = 50
#: Warnings logged per server, so that a client sending a stream of other
#: data does not flood stderr.
MAX_WARNINGS = 10


class CheckedInputLines(anyio.AsyncFile[str]):
    """Protocol input that logs a warning for a line that is not a JSON-RPC message.

    Every line is passed on unchanged, so the SDK's transport still decides
    what to do with it. Lines are checked with the SDK's own validator, so the
    warnings name the lines the transport ignores, except blank lines and the
    lines after ``MAX_WARNINGS`` warnings.
    """

    def __init__(self, fp: Any) -> None:
        super().__init__(fp)
        self._line_number = 0
        self._warnings = 0

    async def __aiter__(self) -> AsyncIterator[str]:
        async for line in super().__aiter__():
            self._line_number += 1
            if line.strip() and self._warnings < MAX_WARNINGS:
                self._check(line)
            yield line

    def _check(self, line: str) -> None:
        try:
            mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
        except ValidationError as exc:
            self._warnings += 1
            self._warn(line, exc)

    def _warn(self, line: str, exc: ValidationError) -> None:
        text = line.rstrip("\r\n")
        # repr escapes control characters, so the excerpt cannot move the cursor
        # or recolor a terminal.
        excerpt = repr(text[:EXCERPT_CHARS])
        if len(text) > EXCERPT_CHARS:
            excerpt += "..."
        if exc.errors()[0]["type"] == "json_invalid":
            reason = "invalid JSON"
        else:
            reason = "valid JSON, but no request, notification or response"
        if self._warnings == MAX_WARNINGS:
            last = " Later lines like it are ignored without a warning."
        else:
            last = ""
        log.warning(
            "line %d of stdin was ignored because it is not a JSON-RPC message "
            "(%s): %s. MCP over stdio expects one JSON-RPC message per line, "
            'such as {"jsonrpc": "2.0", "id": 1, "method": "ping"}.%s',
            self._line_number,
            reason,
            excerpt,
            last,
        )
