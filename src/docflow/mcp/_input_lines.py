"""Protocol input of a stdio MCP server, with a warning and a response for bad lines.

The stdio transport of the MCP SDK (mcp 2.3, ``mcp.server.stdio``) ignores a
line that is not a JSON-RPC message. Its dispatcher logs that only at DEBUG
level, which docflow shows for the ``mcp`` loggers only under ``docflow mcp
-vv``, among all other debug output. So a client wired up by hand that sends
such a line would get no response and no error.

``CheckedInputLines`` logs a warning on stderr for each such line, and sends
a JSON-RPC error response on stdout when the client waits for one. The rules
follow JSON-RPC 2.0 (https://www.jsonrpc.org/specification, sections 4 and 5):

- A line that is not JSON gets a Parse error (-32700) with a null id, because
  the specification requires null when the id cannot be read.
- A request with a lone UTF-16 surrogate in a string, such as the
  ``\\udcff`` that Python's ``json`` module writes for a file name that is
  not valid UTF-8, is not JSON that the SDK's parser reads. Its id is read
  with Python's ``json`` module, and it gets an Invalid params error
  (-32602) when the surrogate is in "params", else an Invalid Request error
  (-32600). An error about "params" says to send a file name as docflow
  prints it.
- A line nested more than ``MAX_JSON_DEPTH`` levels deep, which the SDK's JSON
  parser stops reading, also gets a Parse error. Its id is read with Python's
  ``json`` module when that can parse the line, and is null otherwise.
- A JSON object with an "id" member and no "result" or "error" member is a
  request, so it gets an Invalid Request error (-32600) with that id. The id is
  null when it is not a string or an integer. The SDK would read a request
  with such an id, such as null, as a notification and never answer it.
- A JSON array is a batch, which the SDK reads in no protocol revision. It
  gets a single -32600 response with a null id, saying that batches are not
  supported, as the SDK's own streamable HTTP transport responds to one. A
  batch that contains only notifications and responses gets the warning
  only, as a single notification or response does.
- Any other JSON value that is neither a notification (an object with
  "method" and no "id") nor a response (an object with "result" or "error")
  gets a -32600 response with a null id: a number, a string, null, a boolean,
  or an object such as ``{}``. The examples in the specification respond
  to such lines in the same way.
- A notification or a response gets the warning only, even when it is
  invalid. A notification never gets a response. An error response to a
  response could start an endless exchange of errors between two peers.

A UTF-8 byte order mark (BOM) at the start of the input is removed, with
an INFO log record. On a later line, the Parse error message names the
BOM at the start of the line.

Blank lines get neither a warning nor a response. A rejected line is not
passed on to the SDK. Warnings stop after ``MAX_WARNINGS``, and the number of
rejected lines that got no warning is logged when the input ends. Error
responses have no such limit.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

import anyio
import mcp_types
import pydantic_core
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from docflow.core.quoting import MAX_QUOTED_CHARS, cut_value
from docflow.mcp._pending_requests import PendingRequests

__all__ = ["MAX_JSON_DEPTH", "CheckedInputLines"]

log = logging.getLogger(__name__)

#: Characters of an ignored line shown in its warning. Few, because a
#: malformed tool call can carry a password further on.
EXCERPT_CHARS = 50
#: Warnings logged per server, so that a client sending a stream of other
#: data does not flood stderr.
MAX_WARNINGS = 10
#: Levels of nested arrays and objects that the SDK's JSON parser reads, as
#: measured with pydantic-core 2.50.5. A test checks it against the installed
#: version.
MAX_JSON_DEPTH = 201
#: Byte order mark as decoded from UTF-8. Some Windows tools write it at the
#: start of a file, and the SDK's JSON parser rejects it.
BOM = "\ufeff"
#: Code points of UTF-16 surrogates, which a JSON string can spell alone.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A valid line, shown in warnings and error responses.
EXAMPLE_REQUEST = '{"jsonrpc": "2.0", "id": 1, "method": "ping"}'


class MessageSink(Protocol):
    """The transport's write stream, which one task empties onto stdout."""

    async def send(self, item: SessionMessage, /) -> None: ...


@dataclass(frozen=True)
class Rejection:
    """Reason for rejecting a line, with the error responses to send for it."""

    reason: str
    responses: tuple[mcp_types.JSONRPCError, ...] = ()


class CheckedInputLines(anyio.AsyncFile[str]):
    """Protocol input that warns about and responds to lines that are not JSON-RPC.

    Lines are checked with the SDK's own validator. A line it accepts is
    passed on unchanged, and so is a blank line, which the SDK ignores. A rejected
    line is withheld, so the SDK cannot act on a line that got an error
    response. ``send_responses_to`` must be called before the first error
    response can be sent.

    At the end of the input it waits until each request it passed on has a
    response, or was cancelled by the client, before it ends. Only then does
    the SDK stop the requests still in progress. It gives up when the server
    sends nothing for ``idle_timeout`` seconds.
    """

    def __init__(self, fp: Any, pending: PendingRequests, idle_timeout: float) -> None:
        super().__init__(fp)
        self._pending = pending
        self._idle_timeout = idle_timeout
        self._line_number = 0
        self._warnings = 0
        self._unwarned = 0
        self._sink: MessageSink | None = None
        self._sink_ready = anyio.Event()

    def send_responses_to(self, sink: MessageSink) -> None:
        """Send error responses through ``sink``, the transport's write stream.

        The SDK writes its own responses from that stream in one task, so the
        error responses cannot interleave with them on stdout.
        """
        self._sink = sink
        self._sink_ready.set()

    async def __aiter__(self) -> AsyncIterator[str]:
        try:
            async for line in super().__aiter__():
                self._line_number += 1
                if self._line_number == 1 and line.startswith(BOM):
                    line = line.removeprefix(BOM)
                    log.info(
                        "removed the UTF-8 byte order mark (BOM) at the start of "
                        "stdin; JSON-RPC messages are read without one"
                    )
                checked = check_line(line, self._line_number)
                if isinstance(checked, Rejection):
                    self._report(line, checked)
                    await self._respond(checked.responses)
                    continue
                if checked is not None:
                    self._pending.record_input(checked)
                yield line
            await self._wait_for_responses()
        finally:
            self._log_unwarned()

    async def _wait_for_responses(self) -> None:
        """Keep the input open until the requests read so far have responses.

        The SDK cancels the requests in progress once the input ends.
        """
        if not self._pending:
            return
        log.info(
            "stdin closed; waiting for the responses to requests %s",
            self._pending.describe(),
        )
        if await self._pending.wait_answered(self._idle_timeout):
            return
        log.warning(
            "stopped waiting for the responses to requests %s after stdin closed, "
            "because the server sent nothing for %g s (workers.call_timeout). "
            "They get error -32000 (Connection closed). Raise workers.call_timeout "
            "if these requests need more time",
            self._pending.describe(),
            self._idle_timeout,
        )

    def _report(self, line: str, rejection: Rejection) -> None:
        if self._warnings < MAX_WARNINGS:
            self._warnings += 1
            self._warn(line, rejection)
        else:
            self._unwarned += 1

    async def _respond(self, responses: tuple[mcp_types.JSONRPCError, ...]) -> None:
        if not responses:
            return
        await self._sink_ready.wait()
        assert self._sink is not None
        for response in responses:
            try:
                await self._sink.send(SessionMessage(response))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                log.info(
                    "no error response sent for line %d of stdin because the "
                    "server is shutting down",
                    self._line_number,
                )
                return

    def _warn(self, line: str, rejection: Rejection) -> None:
        text = line.rstrip("\r\n")
        # repr escapes control characters, so the excerpt cannot move the cursor
        # or recolor a terminal.
        excerpt = repr(text[:EXCERPT_CHARS])
        if len(text) > EXCERPT_CHARS:
            excerpt += "..."
        answered = ""
        if rejection.responses:
            answered = (
                f" The server sent JSON-RPC error "
                f"{rejection.responses[0].error.code} in response."
            )
        last = ""
        if self._warnings == MAX_WARNINGS:
            last = " Later rejected lines get no warning, only a count at the end."
        log.warning(
            "line %d of stdin was ignored because it is not a JSON-RPC message "
            "(%s): %s. MCP over stdio expects one JSON-RPC message per line, "
            "such as %s.%s%s",
            self._line_number,
            rejection.reason,
            excerpt,
            EXAMPLE_REQUEST,
            answered,
            last,
        )

    def _log_unwarned(self) -> None:
        if self._unwarned:
            log.warning(
                "%d more lines of stdin were not JSON-RPC messages and got no "
                "warning, because warnings stop after %d",
                self._unwarned,
                MAX_WARNINGS,
            )
            self._unwarned = 0


def check_line(
    line: str, line_number: int
) -> mcp_types.JSONRPCMessage | Rejection | None:
    """Check one line of input: return its message, its rejection, or None if blank."""
    if not line.strip():
        return None
    try:
        message = mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as exc:
        return reject_line(line, exc, line_number)
    # The SDK reads a request with an invalid id, such as null, as a
    # notification, because its models ignore unknown members.
    if isinstance(message, mcp_types.JSONRPCNotification) and '"id"' in line:
        value = pydantic_core.from_json(line)
        if is_request(value):
            return reject_value(value, line_number)
    return message


def reject_line(line: str, exc: ValidationError, line_number: int) -> Rejection:
    """Describe a line that the SDK's validator rejected with ``exc``."""
    error = exc.errors()[0]
    if error["type"] != "json_invalid":
        return reject_value(pydantic_core.from_json(line), line_number)

    # NOTE: pydantic-core 2.50 gives a too deeply nested line the same error
    # type as invalid JSON, so only the message distinguishes the two.
    if "recursion limit exceeded" in error["msg"]:
        return reject_deep_line(line, line_number)
    surrogate = reject_lone_surrogate(line, line_number)
    if surrogate is not None:
        return surrogate
    detail = error["msg"].removeprefix("Invalid JSON: ")
    if line.startswith(BOM):
        detail = (
            "it starts with a UTF-8 byte order mark (BOM), which is accepted "
            "only at the start of stdin"
        )
    message = (
        f"Parse error: line {line_number} is not valid JSON ({detail}). "
        f"Send one JSON-RPC message per line, such as {EXAMPLE_REQUEST}."
    )
    return Rejection(
        f"invalid JSON: {detail}",
        (error_response(mcp_types.PARSE_ERROR, None, message),),
    )


def reject_deep_line(line: str, line_number: int) -> Rejection:
    """Describe a line nested deeper than the SDK's JSON parser reads."""
    reason = f"nested too deeply: more than {MAX_JSON_DEPTH} levels"
    message = (
        f"Parse error: line {line_number} is nested too deeply. This server "
        f"reads at most {MAX_JSON_DEPTH} levels of nested arrays and objects. "
        f"Send the request with less nesting, one JSON-RPC message per line, "
        f"such as {EXAMPLE_REQUEST}."
    )
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # json stops at the recursion limit
        return Rejection(
            reason, (error_response(mcp_types.PARSE_ERROR, None, message),)
        )
    if is_notification(value) or is_response(value):
        return Rejection(reason)
    request_id = read_request_id(value) if is_request(value) else None
    return Rejection(
        reason, (error_response(mcp_types.PARSE_ERROR, request_id, message),)
    )


def reject_lone_surrogate(line: str, line_number: int) -> Rejection | None:
    """Describe a request with a lone surrogate in a string, or return None.

    A JSON string can spell half of a UTF-16 surrogate pair, such as
    ``\\udcff``, without the other half. That is no Unicode character, and the
    SDK's JSON parser rejects the line. Python's ``json`` module reads it, and
    writes one for a file name that is not valid UTF-8, because
    ``os.fsdecode`` keeps each undecodable byte as such a surrogate. The
    request gets an error under its own id, so that a client waiting for the
    response gets it. A notification or a response gets the warning only.
    None is returned for any other line, which gets a Parse error.
    """
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    found = find_lone_surrogate(value)
    if found is None:
        return None
    location, text, is_key = found
    where = describe_location(location, is_key=is_key)
    reason = f"a lone surrogate in {where}"
    if is_notification(value) or is_response(value):
        return Rejection(reason)
    if not is_request(value):
        return None

    in_params = location[0] == "params"
    kind = "Invalid params" if in_params else "Invalid Request"
    message = (
        f"{kind}: line {line_number} has a lone UTF-16 surrogate "
        f"({describe_surrogates(text)}) in {where}, which is not a Unicode "
        "character."
    )
    if in_params and not is_key:
        message += " " + describe_name_advice(text)
    code = mcp_types.INVALID_PARAMS if in_params else mcp_types.INVALID_REQUEST
    request_id = read_request_id(value)
    if isinstance(request_id, str) and has_surrogate(request_id):
        request_id = None  # a response can carry only valid Unicode
    return Rejection(reason, (error_response(code, request_id, message),))


def find_lone_surrogate(
    value: object, location: tuple[str | int, ...] = ()
) -> tuple[tuple[str | int, ...], str, bool] | None:
    """Find the first string with a lone surrogate: its location, text, and
    whether it is a member name.

    The location lists the member names and array indexes from the message
    down to the string. A member name with a lone surrogate ends its own
    location.
    """
    if isinstance(value, str):
        return (location, value, False) if has_surrogate(value) else None
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, list):
        items = list(enumerate(value))
    elif isinstance(value, dict):
        items = list(value.items())
    for key, item in items:
        if isinstance(key, str) and has_surrogate(key):
            return ((*location, key), key, True)
        found = find_lone_surrogate(item, (*location, key))
        if found is not None:
            return found
    return None


def describe_location(location: tuple[str | int, ...], *, is_key: bool) -> str:
    """Write ``location`` as ``params.arguments.paths[0]``, surrogates escaped."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    text = text.removeprefix(".").encode("utf-8", "backslashreplace").decode()
    if is_key:
        return f"the member name {text}"
    return text or "the message"


def has_surrogate(text: str) -> bool:
    """Return whether ``text`` contains a code point of a UTF-16 surrogate."""
    return _SURROGATE.search(text) is not None


def describe_surrogates(text: str) -> str:
    """List the lone surrogates of ``text`` as JSON escapes, such as \\udcff."""
    found = dict.fromkeys(_SURROGATE.findall(text))
    return ", ".join(f"\\u{ord(char):04x}" for char in found)


def describe_name_advice(text: str) -> str:
    """Say how to send ``text`` if it is a file name that is not valid UTF-8."""
    from docflow.core.store._rows import display_path

    advice = (
        "Send a file name that is not valid UTF-8 as docflow prints it, with "
        "each byte that is not UTF-8 written as the four characters \\xNN."
    )
    try:
        printed = display_path(text)
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return advice
    if len(printed) > MAX_QUOTED_CHARS:
        return advice
    return f"{advice} For this name, send the JSON string {json.dumps(printed)}."


def reject_value(value: object, line_number: int) -> Rejection:
    """Describe a line of valid JSON that is not a JSON-RPC message."""
    if isinstance(value, list):
        return reject_batch(value, line_number)

    if is_notification(value) or is_response(value):
        return Rejection("valid JSON, but no valid notification or response")
    if not is_request(value):
        kind = describe_json_kind(value)
        message = (
            f"Invalid Request: line {line_number} is {kind}, not a JSON-RPC 2.0 "
            f"request. Send one request object per line, such as "
            f"{EXAMPLE_REQUEST}."
        )
        return Rejection(
            f"{kind}, not a request, notification or response",
            (error_response(mcp_types.INVALID_REQUEST, None, message),),
        )

    problems = describe_request_problems(value)
    message = (
        f"Invalid Request: line {line_number} is not a valid JSON-RPC 2.0 request "
        f"({problems}). Send one request per line, such as {EXAMPLE_REQUEST}."
    )
    request_id = read_request_id(value)
    return Rejection(
        f"invalid request: {problems}",
        (error_response(mcp_types.INVALID_REQUEST, request_id, message),),
    )


#: Ids of a batch's requests that its error message lists; the rest are counted.
MAX_LISTED_IDS = 10


def reject_batch(batch: list[Any], line_number: int) -> Rejection:
    """Describe a JSON-RPC batch, with a single error response for the whole line.

    MCP protocol revision 2025-03-26 added JSON-RPC batches and 2025-06-18
    removed them (https://modelcontextprotocol.io/specification/2025-06-18/changelog).
    The SDK (mcp 2.3) negotiates 2024-11-05 to 2025-11-25 over stdio, 2025-11-25
    by default, but reads no batch in any of them, so the server runs none of
    the batch's requests. An error with a null id is the response that
    JSON-RPC 2.0 gives to a message whose id cannot be read, and the SDK's
    streamable HTTP transport responds to a batch with the same code.

    NOTE: a client that negotiated 2025-03-26 may expect an array of
    responses to a batch. It gets this error instead.
    """
    if not batch:
        message = (
            f"Invalid Request: line {line_number} is an empty JSON-RPC batch (an "
            f"empty array). Send one request object per line, such as "
            f"{EXAMPLE_REQUEST}."
        )
        return Rejection(
            "an empty JSON-RPC batch",
            (error_response(mcp_types.INVALID_REQUEST, None, message),),
        )

    reason = "a JSON-RPC batch, which this server does not support"
    if all(is_notification(item) or is_response(item) for item in batch):
        return Rejection(reason)
    request_ids = [
        cut_value(json.dumps(read_request_id(item)))
        for item in batch
        if is_request(item)
    ]
    not_run = ""
    if request_ids:
        listed = ", ".join(request_ids[:MAX_LISTED_IDS])
        if len(request_ids) > MAX_LISTED_IDS:
            listed += f" and {len(request_ids) - MAX_LISTED_IDS:,} more"
        not_run = f" None of its requests was run (ids {listed})."
    message = (
        f"Invalid Request: line {line_number} is a JSON-RPC batch (an array), "
        f"and batches are not supported, because MCP removed them in protocol "
        f"revision 2025-06-18.{not_run} Send one request per line, such as "
        f"{EXAMPLE_REQUEST}."
    )
    return Rejection(
        reason, (error_response(mcp_types.INVALID_REQUEST, None, message),)
    )


def is_request(value: object) -> bool:
    """Return whether ``value`` is meant as a request: an object with an id."""
    return (
        isinstance(value, dict)
        and "id" in value
        and "result" not in value
        and "error" not in value
    )


def is_notification(value: object) -> bool:
    """Return whether ``value`` is meant as a notification: a method, no id."""
    return isinstance(value, dict) and "method" in value and "id" not in value


def is_response(value: object) -> bool:
    """Return whether ``value`` is meant as a response: a result or an error."""
    return isinstance(value, dict) and ("result" in value or "error" in value)


def describe_json_kind(value: object) -> str:
    """Name the kind of a JSON value, for an error message."""
    if isinstance(value, dict):
        if not value:
            return "an empty JSON object"
        return 'a JSON object without a "method", "result" or "error" member'
    if value is None:
        return "JSON null"
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, int | float):
        return "a JSON number"
    if isinstance(value, str):
        return "a JSON string"
    return "a JSON value"


def read_request_id(request: dict[str, Any]) -> str | int | None:
    """Return the id of ``request`` if an MCP response can carry it, else None."""
    request_id = request["id"]
    if isinstance(request_id, str):
        return request_id
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        return request_id
    return None


def describe_request_problems(request: dict[str, Any]) -> str:
    """List the members of ``request`` that make it an invalid JSON-RPC request."""
    try:
        mcp_types.JSONRPCRequest.model_validate(request, by_name=False)
    except ValidationError as exc:
        errors_by_member: dict[str, list[ErrorDetails]] = {}
        for error in exc.errors():
            member = str(error["loc"][0]) if error["loc"] else "request"
            errors_by_member.setdefault(member, []).append(error)
        return "; ".join(
            describe_member_problem(member, errors)
            for member, errors in errors_by_member.items()
        )
    return "it matches no request, notification or response"


def describe_member_problem(member: str, errors: list[ErrorDetails]) -> str:
    """Describe the validation ``errors`` of one member of a request."""
    if member == "id":
        return '"id" must be a string or an integer'
    if errors[0]["type"] == "missing":
        return f'"{member}" is missing'
    # A member typed as a union gets one error per type it does not match.
    messages = " or ".join(error["msg"] for error in errors)
    return f'"{member}": {messages}'


def error_response(
    code: int, request_id: str | int | None, message: str
) -> mcp_types.JSONRPCError:
    """Build the JSON-RPC error response ``code`` to the request ``request_id``."""
    return mcp_types.JSONRPCError(
        jsonrpc="2.0",
        id=request_id,
        error=mcp_types.ErrorData(code=code, message=message),
    )
