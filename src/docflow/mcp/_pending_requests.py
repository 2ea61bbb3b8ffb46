"""Requests that a stdio MCP server has read and not yet sent a response to.

The dispatcher of the MCP SDK (mcp 2.3, ``mcp.shared.jsonrpc_dispatcher``)
cancels every request still in progress when its input ends, so a client
that writes its requests and then closes stdin, as ``printf ... | docflow
mcp`` does, loses the responses to the last ones. ``PendingRequests`` records
the id of each request read from stdin and of each response written to
stdout, so that the server can wait for the missing responses before it lets
the SDK see the end of the input.
"""

from __future__ import annotations

import logging
from collections import Counter
from types import TracebackType
from typing import Protocol, Self

import anyio
import mcp_types
from mcp.shared.dispatcher import as_request_id, coerce_request_id
from mcp.shared.message import SessionMessage

__all__ = ["PendingRequests", "TrackedWriteStream"]

log = logging.getLogger(__name__)


class PendingRequests:
    """Ids of the requests read from the client that have no response yet.

    A request that the client cancels with ``notifications/cancelled`` counts
    as done, because the SDK never sends a response to it.
    """

    def __init__(self) -> None:
        # A Counter, because a client may reuse an id and each request with
        # it gets its own response.
        self._unanswered: Counter[mcp_types.RequestId] = Counter()
        self._changed = anyio.Event()

    def __len__(self) -> int:
        return self._unanswered.total()

    def record_input(self, message: mcp_types.JSONRPCMessage) -> None:
        """Record a request, or a cancellation of one, read from the client."""
        if isinstance(message, mcp_types.JSONRPCRequest):
            self._unanswered[coerce_request_id(message.id)] += 1
        elif (
            isinstance(message, mcp_types.JSONRPCNotification)
            and message.method == "notifications/cancelled"
        ):
            request_id = as_request_id((message.params or {}).get("requestId"))
            if request_id is not None:
                self._settle(request_id)

    def record_output(self, message: mcp_types.JSONRPCMessage) -> None:
        """Record a message sent to the client: a response settles its request."""
        if isinstance(message, mcp_types.JSONRPCResponse | mcp_types.JSONRPCError):
            if message.id is not None:
                self._settle(message.id)
        # Any output, a progress notification too, shows that the server works.
        self._changed.set()

    def _settle(self, request_id: mcp_types.RequestId) -> None:
        key = coerce_request_id(request_id)
        if self._unanswered[key] > 1:
            self._unanswered[key] -= 1
        else:
            self._unanswered.pop(key, None)

    async def wait_answered(self, idle_timeout: float) -> bool:
        """Wait until every request has a response, and return whether all do.

        The wait ends early when the server sends nothing to the client for
        ``idle_timeout`` seconds.
        """
        while self._unanswered:
            self._changed = anyio.Event()
            with anyio.move_on_after(idle_timeout):
                await self._changed.wait()
                continue
            return False
        return True

    def describe(self) -> str:
        """List the ids of the unanswered requests, for a log message."""
        return ", ".join(repr(request_id) for request_id in self._unanswered)


class MessageStream(Protocol):
    """The write stream of the SDK's stdio transport."""

    async def send(self, item: SessionMessage, /) -> None: ...

    async def aclose(self) -> None: ...


class TrackedWriteStream:
    """The transport's write stream, recording each message in ``PendingRequests``."""

    def __init__(self, stream: MessageStream, pending: PendingRequests) -> None:
        self._stream = stream
        self._pending = pending

    async def send(self, item: SessionMessage, /) -> None:
        await self._stream.send(item)
        self._pending.record_output(item.message)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()
