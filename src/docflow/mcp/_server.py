"""Plumbing shared by docflow's MCP servers: stdio guard, settings, state, batches.

Both servers are stdio MCP servers built on the SDK's ``MCPServer`` (through
``create_server``, which words every tool error as one plain sentence). Each owns
a sandboxed WorkerPool (``docflow.core.sandbox``) that parses documents in
child processes, a Roots set that bounds which files the tools may read, and
counters for ``get_statistics``.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import logging
import math
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from io import TextIOWrapper
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import anyio
from pydantic import BaseModel, Field, ValidationError

from docflow.core.extract._passwords import candidate_passwords, password_message
from docflow.core.log_format import OneLineFormatter
from docflow.core.models import DocumentResult, Status
from docflow.core.quoting import cut_value, quote_value
from docflow.core.roots import OutsideRoots, Roots, resolve_roots
from docflow.core.sandbox import LATENCY_WINDOW
from docflow.errors import DocflowError

if TYPE_CHECKING:
    from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.types import Tool

    from docflow.core.config import Settings
    from docflow.core.sandbox import WorkerPool

__all__ = [
    "ARGUMENT_DESCRIPTIONS",
    "CLI_ADVICE_OPTION",
    "PARENT_PID_ENV",
    "PROGRESS_INTERVAL_SECONDS",
    "SETTINGS_FILE_ENV",
    "BatchResult",
    "InvalidArgument",
    "LatencySummary",
    "PasswordArgument",
    "ServerState",
    "create_server",
    "describe_invalid_values",
    "join_problems",
    "quote_names",
    "exit_after",
    "reword_tool_error",
    "register_batch_tool",
    "guard_stdio",
    "load_server_settings",
    "run_main",
    "run_server",
    "serve_stdio",
    "user_cache_dir",
    "warn_relative_cache",
]

log = logging.getLogger(__name__)

SETTINGS_FILE_ENV = "DOCFLOW_SETTINGS_FILE"
PARENT_PID_ENV = "DOCFLOW_PARENT_PID"
LOG_LEVEL_ENV = "DOCFLOW_LOG_LEVEL"
#: Server option that docflow's orchestrator passes, see ``ServerState``.
CLI_ADVICE_OPTION = "--cli-advice"
_PR_SET_PDEATHSIG = 1
#: Seconds a server whose parent died may spend shutting down before it exits
#: regardless (stopping document workers takes up to a few seconds).
_ORPHAN_GRACE_SECONDS = 10.0
#: Advice that ends the error of an encrypted PDF that the call's ``password``,
#: or the server's own passwords, did not open.
PASSWORD_ARGUMENT_ADVICE = "pass the right one in the tool's 'password' argument"
#: Advice that ends the error of an encrypted PDF when no password was tried.
MISSING_PASSWORD_ADVICE = "pass it in the tool's 'password' argument"
#: Minimum seconds between two progress notifications of a batch call. The
#: last document of a call is always reported. A notification costs CPU in the
#: server and in its client, and a label that changes more than 4 times a
#: second is hard to read. The orchestrator kills a server after
#: ``workers.call_timeout`` seconds without a notification, so that limit must
#: stay far above this interval.
PROGRESS_INTERVAL_SECONDS = 0.25


class InvalidArgument(Exception):
    """A tool argument that a tool rejects after the SDK's schema check.

    ``reason`` is a clause that completes "argument 'name' is invalid
    because ...". ``create_server``'s server turns it into a tool error
    that names the tool, the argument and the reason.
    """

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"argument {argument!r} is invalid because {reason}")
        self.argument = argument
        self.reason = reason


#: The optional ``password`` argument of the tools that read documents.
PasswordArgument = Annotated[
    str | None,
    Field(
        description="password of an encrypted PDF, tried after the server's own "
        "passwords for this call only; it is not stored or logged. Other "
        "documents ignore it."
    ),
]


class BatchResult(BaseModel):
    """Results of a batch tool, in the order of the paths given."""

    results: list[DocumentResult]
    documents: int
    errors: int = Field(description="documents whose status is not ok")


class LatencySummary(BaseModel):
    """Processing time per document in milliseconds, over the last 10,000 documents.

    It is the time a sandboxed document worker spends on one document
    (``DocumentResult.duration_ms``), or for a timeout or a crash the time
    until the worker was stopped. Time spent waiting for a free worker is not
    included, and documents rejected before they reach a worker (a path
    outside the roots) are not counted.
    """

    p50_ms: float | None = Field(
        default=None,
        description="median processing time of one document in a worker, in ms, "
        "not counting time spent waiting for a free worker",
    )
    p95_ms: float | None = Field(
        default=None, description="95th percentile of the processing time, in ms"
    )
    max_ms: float | None = Field(
        default=None, description="maximum processing time, in ms"
    )


def summarize_latencies(values: Sequence[float]) -> LatencySummary:
    """Return nearest-rank percentiles of ``values`` (empty gives None fields)."""
    if not values:
        return LatencySummary()
    ordered = sorted(values)

    def rank(share: float) -> float:
        index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
        return round(ordered[index], 1)

    return LatencySummary(
        p50_ms=rank(0.5), p95_ms=rank(0.95), max_ms=round(ordered[-1], 1)
    )


class ServerState:
    """State of one server process between tool calls.

    It contains the settings, the roots, the sandboxed pool and the counters.
    With ``cli_advice``, a document's error keeps the advice for a user of the
    docflow command line (``--password``), because the client is a docflow
    command such as ``docflow process``. Otherwise the advice is for an MCP
    client, and it names the tool's ``password`` argument.
    """

    def __init__(
        self,
        settings: Settings,
        roots: Roots,
        *,
        load_model: bool,
        cli_advice: bool = False,
    ) -> None:
        from docflow.core.sandbox import WorkerPool

        self.settings = settings
        self.roots = roots
        self.cli_advice = cli_advice
        self.pool: WorkerPool = WorkerPool(settings, load_model=load_model)
        self.started = time.monotonic()
        self.documents = 0
        self.errors = 0
        self.latencies_ms: deque[float] = deque(maxlen=LATENCY_WINDOW)

    def close(self) -> None:
        from docflow.core.sandbox import FAULT_ENV

        if "server-hang-on-close:" in os.environ.get(FAULT_ENV, ""):  # tests only
            while True:
                time.sleep(3600)
        self.pool.close()

    def replace_settings(self, settings: Settings) -> None:
        """Use ``settings`` for every later document (children read it per request)."""
        self.settings = settings
        self.pool.settings = settings

    def check_path(
        self,
        path: str,
        argument: str = "path",
        expected: str = "the path of a document",
    ) -> str:
        """Return the real path of ``path``, else raise InvalidArgument for it.

        ``expected`` describes what ``argument`` takes, for the message about
        an empty path.
        """
        try:
            return self.roots.check(path, expected)
        except OutsideRoots as exc:
            raise InvalidArgument(argument, str(exc)) from None

    async def process(
        self,
        path: str,
        *,
        classify: bool,
        quality: bool,
        password: str | None = None,
    ) -> DocumentResult:
        """Process one document in the sandbox, or return a rejection result.

        ``password`` is tried on an encrypted PDF for this document only. It
        goes to the worker with the request and is neither kept nor logged.
        """
        _inject_server_fault(path)
        try:
            real = self.roots.check(path)
        except OutsideRoots as exc:
            result = DocumentResult(path=path, status=Status.UNREADABLE, error=str(exc))
            self._count(result, None)
            return result
        if not _valid_utf8(real):
            # The worker's messages name the path it gets, and JSON carries
            # only valid UTF-8. So a link that the orchestrator made for such
            # a name is read through the link, and a name that the client gave
            # as docflow prints it is read by its own name, with the messages
            # escaped below.
            real = self.roots.find_named_file(path)
        passwords = (password,) if password else ()
        future = self.pool.submit(
            real, classify=classify, quality=quality, passwords=passwords
        )
        result = await asyncio.wrap_future(future)
        if self._advises_password_argument(result):
            result.error = f"{real}: {self._password_message(password)}"
        if not _valid_utf8(real):
            _escape_undecodable_messages(result)
        result.path = path
        # duration_ms is the worker's time on the document, so the time the
        # document waited in the pool's queue for a free worker is left out.
        self._count(result, result.duration_ms)
        return result

    def _advises_password_argument(self, result: DocumentResult) -> bool:
        """Return whether ``result``'s error should name the ``password`` argument.

        An encrypted Office file also gets password_required, but no password
        opens it in docflow, so its error keeps its own advice.
        """
        return (
            not self.cli_advice
            and result.status is Status.PASSWORD_REQUIRED
            and result.detected_type == "pdf"
        )

    def _password_message(self, password: str | None) -> str:
        """Return why an encrypted PDF stayed closed, naming the tool's argument."""
        if password:
            return password_message(1, PASSWORD_ARGUMENT_ADVICE)
        # The worker tried the server's own passwords, so count them alike.
        tried = len(candidate_passwords(self.settings.extraction, []))
        advice = PASSWORD_ARGUMENT_ADVICE if tried else MISSING_PASSWORD_ADVICE
        return password_message(tried, advice)

    def check_batch_size(self, paths: list[str]) -> None:
        """Raise InvalidArgument when ``paths`` is longer than mcp.max_batch_paths.

        Every path of a call gets its task and its result in memory at once,
        and the reply carries all the results, so the limit bounds the memory
        of the server and of its client.
        """
        limit = self.settings.mcp.max_batch_paths
        if len(paths) > limit:
            raise InvalidArgument(
                "paths",
                f"it names {len(paths)} paths, more than the {limit} that one call "
                f"may take (mcp.max_batch_paths); split the paths into calls of "
                f"at most {limit}",
            )

    async def process_batch(
        self,
        paths: list[str],
        ctx: Context | None,
        *,
        classify: bool,
        quality: bool,
        password: str | None = None,
    ) -> BatchResult:
        """Process ``paths`` concurrently, reporting progress as documents finish.

        A progress notification names the document that just finished. It is
        sent when PROGRESS_INTERVAL_SECONDS have passed since the call started
        or since the previous notification, and always for the last document.
        ``password`` is tried on every encrypted PDF of the call. Raises
        InvalidArgument for more paths than mcp.max_batch_paths.
        """
        self.check_batch_size(paths)
        total = len(paths)
        tasks = [
            asyncio.ensure_future(
                self.process(
                    path, classify=classify, quality=quality, password=password
                )
            )
            for path in paths
        ]
        done = 0
        reported = time.monotonic()
        for finished in asyncio.as_completed(tasks):
            result = await finished
            done += 1
            now = time.monotonic()
            due = now - reported >= PROGRESS_INTERVAL_SECONDS or done == total
            if ctx is not None and due:
                reported = now
                await ctx.report_progress(
                    done, total, f"{cut_value(result.path)}: {result.status.value}"
                )
        results = [task.result() for task in tasks]
        errors = sum(1 for result in results if not result.ok)
        return BatchResult(results=results, documents=total, errors=errors)

    def _count(self, result: DocumentResult, processing_ms: float | None) -> None:
        """Count ``result``, and add ``processing_ms`` to latency unless None."""
        self.documents += 1
        if not result.ok:
            self.errors += 1
        if processing_ms is not None:
            self.latencies_ms.append(processing_ms)

    def uptime(self) -> float:
        return round(time.monotonic() - self.started, 3)


def _valid_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escape_undecodable_messages(result: DocumentResult) -> None:
    """Write the undecodable bytes of ``result``'s error and warnings as ``\\xNN``.

    They name the file, and the response cannot carry a name that is not
    valid UTF-8. The CLI prints a result's error the same way.
    """
    from docflow.core.store._rows import display_text

    if result.error:
        result.error = display_text(result.error)
    result.warnings = [display_text(warning) for warning in result.warnings]


def _inject_server_fault(path: str) -> None:
    """Misbehave in the server for paths named in DOCFLOW_FAULT (tests only).

    ``print`` writes to stdout and fd 1; ``server-kill`` kills the server
    process itself with SIGKILL, as the kernel OOM killer would.
    ``server-raise`` raises RuntimeError in the tool, a fake of a bug.
    ``server-hang-on-close`` (read by ``ServerState.close``) makes the
    server's shutdown hang, a fake of a hang whose cause is not known.
    """
    from docflow.core.sandbox import FAULT_ENV

    for item in os.environ.get(FAULT_ENV, "").split(","):
        kind, _, needle = item.partition(":")
        if not needle or needle not in path:
            continue
        if kind == "print":
            print("stray print from an MCP tool")
            os.write(1, b"stray write to fd 1 from an MCP tool\n")
        elif kind == "server-kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif kind == "server-raise":
            raise RuntimeError(f"fault injected for {path!r}")


#: Expected value of each tool argument, by name, for invalid-argument messages.
#: An argument not named here is described from its JSON schema type.
ARGUMENT_DESCRIPTIONS = {
    "path": "a file path",
    "paths": "a list of file paths",
    "model_path": "the path of a model folder or of its model.joblib",
    "thresholds": 'an object of quality settings, such as {"review_threshold": 60}',
    "password": "a string, the password of an encrypted PDF",
}
#: Arguments whose rejected value an error describes by its type only.
SECRET_ARGUMENTS = frozenset({"password"})
_SCHEMA_TYPES = {
    "string": "a string",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
#: Maximum length of a number, or of a number string, that an invalid-argument
#: message shows.
_MAX_NUMBER_TEXT = 32
_SCHEMA_ITEM_TYPES = {
    "string": "strings",
    "boolean": "booleans",
    "integer": "whole numbers",
    "number": "numbers",
    "object": "objects",
}


def create_server(**options: Any) -> MCPServer[Any]:
    """Create an ``MCPServer`` whose tool errors all start with the tool's name.

    The SDK (mcp 2.3) returns the whole ValidationError text for arguments that
    fail its pydantic argument model, it ignores unknown arguments and unknown
    tool names, and it puts "Error executing tool NAME: " before an error that
    a tool raises. This server returns every tool error as "NAME: argument
    'ARGUMENT' ..." with the reason (see ``reword_tool_error``), and an
    unknown tool name gets a list of the server's tools.
    A tool with a plain ``bool``, ``int`` or ``float`` parameter raises
    TypeError when it is registered, because pydantic's lax mode would accept
    "yes" and 1 as a boolean and "60" and true as a number.

    The SDK (mcp 2.3) sends a tool's ``__doc__`` as its description, with the
    docstring's indentation and reStructuredText markup. This server sends the
    tool descriptions, and the descriptions in the argument and result
    schemas, as plain text (see ``plain_text``). A tools/call request whose
    parameters the SDK rejects gets an error that names the invalid parameter
    (see ``explain_invalid_call``). ``options`` go to ``MCPServer``.
    """
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    class DocflowServer(MCPServer[Any]):
        def add_tool(
            self,
            fn: Callable[..., Any],
            name: str | None = None,
            title: str | None = None,
            description: str | None = None,
            **kwargs: Any,
        ) -> None:
            check_strict_scalars(fn)
            text = plain_text(description or inspect.getdoc(fn) or "")
            super().add_tool(fn, name, title, text, **kwargs)

        async def list_tools(self) -> list[Tool]:
            return [
                tool.model_copy(
                    update={
                        "input_schema": plain_schema(tool.input_schema),
                        "output_schema": plain_schema(tool.output_schema),
                    }
                )
                for tool in await super().list_tools()
            ]

        async def call_tool(
            self, name: str, arguments: dict[str, Any], context: Any = None
        ) -> Any:
            schema = await self._input_schema(name)
            if schema is None:
                names = [tool.name for tool in await self.list_tools()]
                raise ToolError(
                    f"Unknown tool {quote_value(name)}. The tools of {self.name} are "
                    f"{quote_names(names)}."
                )
            check_argument_names(name, arguments, schema)
            try:
                return await super().call_tool(name, arguments, context)
            except ToolError as exc:
                raise reword_tool_error(name, exc, schema) from exc.__cause__

        async def _input_schema(self, name: str) -> dict[str, Any] | None:
            # The SDK's own list: this runs on every call, and the plain-text
            # copies that list_tools makes are for clients only.
            for tool in await super().list_tools():
                if tool.name == name:
                    return tool.input_schema
            return None

    server = DocflowServer(**options)
    server.middleware.append(explain_invalid_call)
    server.middleware.append(explain_uninitialized_request)
    return server


#: Pairs of double backticks, reStructuredText's inline literal.
_INLINE_LITERAL = re.compile(r"``([^`]+)``")


def plain_text(docstring: str) -> str:
    """Return ``docstring`` dedented, with ``name`` written as `name`.

    An MCP client shows a tool's description to a person or a language model,
    and neither reads a docstring's indentation or reStructuredText markup.
    """
    return _INLINE_LITERAL.sub(r"`\1`", inspect.cleandoc(docstring))


def plain_schema(schema: Any) -> Any:
    """Return a copy of the JSON schema ``schema`` whose descriptions are plain text.

    Pydantic takes a model's description from its docstring. Values given as
    examples, defaults or constants are copied unchanged.
    """
    if isinstance(schema, list):
        return [plain_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    plain = {}
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            plain[key] = plain_text(value)
        elif key in ("default", "examples", "const", "enum"):
            plain[key] = value
        else:
            plain[key] = plain_schema(value)
    return plain


async def explain_invalid_call(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """Say which parameter of a tools/call request the SDK rejects, and why.

    The SDK (mcp 2.3) rejects a request whose parameters fail its pydantic
    models with the error "Invalid request parameters" and an empty ``data``. For a
    tools/call request, this middleware appends a sentence on the invalid
    parameter to that message, such as that ``arguments`` must be a JSON
    object, and sends the sentence as ``data`` too. Other requests keep the
    SDK's error.

    NOTE: mcp 2.3 calls the ``middleware`` list of MCPServer provisional, so
    its call signature may change in a later 2.x release.
    """
    try:
        return await call_next(ctx)
    except ValidationError as exc:
        if ctx.method != "tools/call":
            raise
        from mcp.shared.exceptions import MCPError
        from mcp.types import INVALID_PARAMS

        detail = describe_invalid_call(exc)
        raise MCPError(
            code=INVALID_PARAMS,
            message=f"Invalid request parameters: {detail}",
            data=detail,
        ) from exc


async def explain_uninitialized_request(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """Say that a request sent before ``initialize`` must wait for it.

    The SDK (mcp 2.3, ``mcp.server.runner``) rejects a request other than
    ``ping`` that comes before the client's ``initialize`` request with error
    -32602, the message "Invalid request parameters" and an empty ``data``,
    which do not name the cause. This middleware keeps the code and the id,
    and replaces the message and ``data`` with the cause and the fix: send
    ``initialize`` first.

    NOTE: the SDK (mcp 2.3) offers no public way to read whether a session
    is initialized, other than the client's ``initialize`` parameters. So the
    error is recognized by those parameters being None, by its code and by
    its empty ``data``, which no other -32602 error that reaches a middleware
    has in mcp 2.3.
    """
    from mcp.shared.exceptions import MCPError
    from mcp.types import INVALID_PARAMS

    try:
        return await call_next(ctx)
    except MCPError as exc:
        if (
            exc.code != INVALID_PARAMS
            or exc.error.data != ""
            or ctx.method == "initialize"
            or ctx.session.client_params is not None
        ):
            raise
        detail = (
            f"the session is not initialized, so {quote_value(ctx.method)} "
            "cannot run yet. Send the initialize request first and, after its "
            "response, the notifications/initialized notification, as the MCP "
            "lifecycle requires."
        )
        raise MCPError(
            code=INVALID_PARAMS,
            message=f"Invalid request parameters: {detail}",
            data=detail,
        ) from exc


def describe_invalid_call(exc: ValidationError) -> str:
    """Describe the first tools/call parameter that ``exc`` rejects, as a sentence."""
    error = exc.errors()[0]
    location = [str(part) for part in error["loc"]]
    if location[:1] == ["params"]:  # the SDK validates the whole request
        location = location[1:]
    parameter = ".".join(location) or "params"
    given_type = describe_type(error["input"])
    if parameter == "name" and error["type"] == "missing":
        return "'name' is missing; give the name of a tool that tools/list returns."
    if parameter == "name":
        return (
            f"'name' must be the name of a tool as a string, not {given_type}; "
            "tools/list lists the tools."
        )
    if parameter == "arguments":
        return (
            "'arguments' must be a JSON object mapping argument names to values, "
            f"not {given_type}."
        )
    return f"{quote_value(parameter)} is invalid: {error['msg']}."


def register_batch_tool(
    server: MCPServer[Any], state: ServerState
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator that registers a tool taking a list of ``paths``.

    The tool's description is its docstring plus the maximum number of paths
    per call, which the settings the server started with fix.
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        limit = state.settings.mcp.max_batch_paths
        description = (
            f"{inspect.getdoc(function)}\n\nAt most {limit} paths per call "
            "(mcp.max_batch_paths); a longer list is rejected, so split it into "
            "several calls."
        )
        return server.tool(description=description)(function)

    return register


def reword_tool_error(
    tool: str, exc: Exception, schema: Mapping[str, Any] | None
) -> Exception:
    """Return the ToolError for ``exc`` that the client gets, named after ``tool``.

    ``exc`` is what the SDK's ``call_tool`` raised, and its ``__cause__`` is
    what failed: an InvalidArgument from the tool, a ValidationError from the
    SDK's argument check, the tool's own ToolError, or any other exception
    (a crash). A crash stays an UnexpectedToolError, so the SDK still logs
    its traceback, and its text stays in the server's log.
    """
    from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError

    cause = exc.__cause__
    if isinstance(cause, InvalidArgument):
        return ToolError(f"{tool}: {_as_sentence(str(cause))}")
    if isinstance(exc, UnexpectedToolError):
        return UnexpectedToolError(
            f"{tool}: the tool failed unexpectedly, "
            "and the server's log has the details."
        )
    if isinstance(cause, ValidationError):
        return ToolError(describe_invalid_arguments(tool, cause, schema or {}))
    return ToolError(f"{tool}: {_as_sentence(str(cause or exc))}")


def _as_sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


#: Pydantic's strict type for each lax annotation of a tool parameter.
_STRICT_TYPES: dict[type, str] = {
    bool: "StrictBool",
    int: "StrictInt",
    float: "StrictFloat",
}


def check_strict_scalars(function: Callable[..., Any]) -> None:
    """Raise TypeError for a parameter of ``function`` annotated bool, int or float.

    A ``StrictBool``, ``StrictInt`` or ``StrictFloat`` parameter has the same
    JSON schema, but it rejects what lax pydantic converts: "yes" and 1 to a
    boolean, "60" and true to a number. ``StrictFloat`` still accepts 60.
    """
    for name, parameter in inspect.signature(function).parameters.items():
        for lax, strict in _STRICT_TYPES.items():
            # A string annotation comes from ``from __future__ import annotations``.
            if parameter.annotation in (lax, lax.__name__):
                raise TypeError(
                    f"tool {function.__name__}: annotate argument {name!r} as "
                    f"pydantic.{strict}, not {lax.__name__}, so that strings and "
                    "values of other types are rejected"
                )


def check_argument_names(
    tool: str, arguments: Mapping[str, Any], schema: Mapping[str, Any]
) -> None:
    """Raise ToolError for an argument that ``schema`` does not define."""
    from mcp.server.mcpserver.exceptions import ToolError

    known = list(schema.get("properties", {}))
    unknown = [name for name in arguments if name not in known]
    if not unknown:
        return
    noun = "argument" if len(unknown) == 1 else "arguments"
    if len(known) == 1:
        expected = f"Its only argument is {quote_names(known)}."
    elif known:
        expected = f"Its arguments are {quote_names(known)}."
    else:
        expected = "It takes no arguments."
    raise ToolError(f"{tool}: unknown {noun} {quote_names(unknown)}. {expected}")


def describe_invalid_arguments(
    tool: str, exc: ValidationError, schema: Mapping[str, Any]
) -> str:
    """Return one or two sentences on the arguments of ``tool`` that ``exc`` rejects."""
    return f"{tool}: {join_problems(describe_invalid_values(exc, schema))}"


def join_problems(problems: Sequence[str]) -> str:
    """Join the first two phrases as sentences and count the rest."""
    sentences = [problem[0].upper() + problem[1:] for problem in problems[:2]]
    text = ". ".join(sentences)
    if len(problems) > 2:
        text += f", and {len(problems) - 2} more"
    return text[0].lower() + text[1:] + "."


def describe_invalid_values(
    exc: ValidationError,
    schema: Mapping[str, Any],
    *,
    noun: str = "argument",
    descriptions: Mapping[str, str] = ARGUMENT_DESCRIPTIONS,
) -> list[str]:
    """Describe each invalid top-level value in ``exc``, one phrase per name.

    ``schema`` is the JSON schema of the model that raised ``exc``, and it
    supplies what a value must be when ``descriptions`` does not name it.
    A phrase shows a number, a boolean or a number string the caller gave,
    but of other values only their type, so no document text or path ends up
    in the message. Of an argument in SECRET_ARGUMENTS only the type shows.
    A value that a validator of docflow's own rejects, such as an unknown
    quality.fallback_language, gets that validator's message, which may show
    the value.
    """
    properties = schema.get("properties", {})
    problems: dict[str, str] = {}
    for error in exc.errors():
        location = error["loc"]
        if not location and error["type"] == "value_error":
            # A validator of the whole model, which rejects a combination of
            # values, such as three quality weights of 0.
            problems[""] = str(error["ctx"]["error"])
            continue
        name = str(location[0]) if location else noun
        if name in problems:
            continue
        quoted = quote_value(name)
        expected = descriptions.get(name) or describe_schema(properties.get(name, {}))
        describe = describe_type if name in SECRET_ARGUMENTS else describe_value
        if error["type"] == "missing":
            problems[name] = f"missing {noun} {quoted}, which must be {expected}"
        elif error["type"] == "extra_forbidden":
            problems[name] = f"{noun} {quoted} is unknown"
        elif error["type"] == "value_error":
            problems[name] = f"in {noun} {quoted}, {error['ctx']['error']}"
        elif len(location) > 1:
            item = "".join(f"[{part!r}]" for part in location[1:])
            problems[name] = (
                f"{noun} {quoted} must be {expected}, "
                f"but {name}{item} is {describe(error['input'])}"
            )
        else:
            problems[name] = (
                f"{noun} {quoted} must be {expected}, got {describe(error['input'])}"
            )
    return list(problems.values())


def describe_schema(schema: Mapping[str, Any]) -> str:
    """Describe the values a JSON schema accepts: type, then bounds if any."""
    kind = schema.get("type")
    if kind == "array":
        items = _SCHEMA_ITEM_TYPES.get(schema.get("items", {}).get("type"))
        return f"a list of {items}" if items else "a list"
    text = _SCHEMA_TYPES.get(kind, "a value of the type in the schema")
    low = schema.get("minimum")
    high = schema.get("maximum")
    above = schema.get("exclusiveMinimum")
    if low is not None and high is not None:
        return f"{text} from {_format_bound(low)} to {_format_bound(high)}"
    if above is not None:
        text += f" greater than {_format_bound(above)}"
        if high is not None:
            text += f" and at most {_format_bound(high)}"
        return text
    if low is not None:
        return f"{text} of at least {_format_bound(low)}"
    if high is not None:
        return f"{text} of at most {_format_bound(high)}"
    return text


def _format_bound(number: float) -> str:
    """Write a schema bound as 100 or 0.5, and 1000000 rather than 1e+06."""
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}"


def describe_value(value: Any) -> str:
    """Name the JSON type of ``value``, or show it when it is a number or boolean.

    A string is shown only when it reads as a number, such as "60" given for a
    number, so that no document text or path ends up in a message. A whole
    number of more than 32 digits is described by its length. NaN and
    infinity are shown as NaN, infinity and -infinity, not as Python's nan.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            return "NaN"
        return "infinity" if value > 0 else "-infinity"
    if isinstance(value, int) and abs(value) >= 10**_MAX_NUMBER_TEXT:
        return f"a whole number of more than {_MAX_NUMBER_TEXT} digits"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if not value:
            return "an empty string"
        if _is_number_text(value):
            return f"the string {json.dumps(value)}"
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def describe_type(value: Any) -> str:
    """Name the JSON type of ``value`` without showing any part of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def _is_number_text(text: str) -> bool:
    """Return whether ``text`` is a short string that Python reads as a number."""
    if len(text) > _MAX_NUMBER_TEXT:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def quote_names(names: Sequence[str]) -> str:
    """Quote ``names`` and join them as 'a', 'b' and 'c'.

    A name a client gave can be of any length, so ``quote_value`` cuts a
    long one to its start and end.
    """
    quoted = [quote_value(name) for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def user_cache_dir() -> Path:
    """Return docflow's folder under the user's cache folder (XDG base directories).

    That is ``$XDG_CACHE_HOME/docflow``, else ``~/.cache/docflow``. A relative
    XDG_CACHE_HOME is ignored, as the XDG Base Directory specification requires.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if base and os.path.isabs(base):
        return Path(base) / "docflow"
    return Path.home() / ".cache" / "docflow"


def place_standalone_cache(settings: Settings) -> Settings:
    """Put a standalone server's extraction cache in ``user_cache_dir()``.

    The default ``store.cache_dir`` is relative, and a server that an MCP
    client starts may run in / or the user's home. A cache folder set in the
    settings file or DOCFLOW_STORE_CACHE_DIR is kept. So is the folder of a
    server that docflow's orchestrator started, because its settings file
    names every setting. The returned settings are a copy when they change.
    """
    explicit = "cache_dir" in settings.store.model_fields_set
    if explicit or settings.origin_of("store", "cache_dir") is not None:
        return settings
    if os.environ.get(SETTINGS_FILE_ENV):
        return settings
    store = settings.store.model_copy(update={"cache_dir": str(user_cache_dir())})
    return settings.model_copy(update={"store": store})


def warn_relative_cache(settings: Settings) -> None:
    """Log a warning when a standalone server's cache folder is relative.

    A relative ``store.cache_dir`` is resolved against the working folder,
    which for a server an MCP client starts is whatever folder the client
    chose. A server started by docflow's orchestrator is not warned about,
    because it shares the folder of the docflow command that started it.
    """
    if os.environ.get(SETTINGS_FILE_ENV):
        return
    configured = os.path.expanduser(settings.store.cache_dir)
    if os.path.isabs(configured):
        return
    log.warning(
        "store.cache_dir %r is relative, so this server keeps its extraction "
        "cache in %s, under the working folder it was started in; give "
        "store.cache_dir (or DOCFLOW_STORE_CACHE_DIR) an absolute path",
        settings.store.cache_dir,
        os.path.abspath(configured),
    )


def load_server_settings() -> Settings:
    """Load the settings a parent passed in a JSON file, or the usual sources."""
    from docflow.core.config import load_dumped_settings, load_settings

    path = os.environ.get(SETTINGS_FILE_ENV)
    if path:
        return load_dumped_settings(Path(path).read_bytes())
    return load_settings()


def guard_stdio() -> tuple[int, int]:
    """Keep private copies of fd 0 and 1 for the protocol, and divert the originals.

    After this, fd 1 and ``sys.stdout`` point to stderr and fd 0 reads the null
    device, so a print in a tool, a library or a child process cannot write into
    the protocol stream. Returns the private (input, output) descriptors.
    """
    sys.stdout.flush()
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = sys.stderr
    return protocol_in, protocol_out


async def serve_stdio(
    server: MCPServer[Any], protocol_in: int, protocol_out: int, idle_timeout: float
) -> None:
    """Serve MCP over the private descriptors made by ``guard_stdio``.

    When stdin closes, the server waits for the responses to the requests it
    has read. It gives up when it sends nothing for ``idle_timeout`` seconds.
    """
    from mcp.server.stdio import stdio_server

    from docflow.mcp._input_lines import CheckedInputLines
    from docflow.mcp._pending_requests import PendingRequests, TrackedWriteStream

    reader = TextIOWrapper(
        os.fdopen(protocol_in, "rb", buffering=0), encoding="utf-8", errors="replace"
    )
    writer = TextIOWrapper(os.fdopen(protocol_out, "wb"), encoding="utf-8")
    pending = PendingRequests()
    lines = CheckedInputLines(reader, pending, idle_timeout)
    async with stdio_server(stdin=lines, stdout=anyio.wrap_file(writer)) as streams:
        read_stream, transport_write_stream = streams
        write_stream = TrackedWriteStream(transport_write_stream, pending)
        lines.send_responses_to(write_stream)
        # NOTE: MCPServer (mcp 2.3) has no public way to serve on given streams,
        # so this reaches its low-level server, as run_stdio_async does.
        lowlevel = server._lowlevel_server
        await lowlevel.run(
            read_stream, write_stream, lowlevel.create_initialization_options()
        )


def configure_server_logging(verbose: int = 0) -> None:
    """Send log records to stderr at the level the parent or ``-v`` asked for."""
    level_name = os.environ.get(LOG_LEVEL_ENV, "")
    if verbose:
        level = logging.DEBUG if verbose > 1 else logging.INFO
    else:
        level = getattr(logging, level_name.upper(), logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        OneLineFormatter(
            f"%(asctime)s server[{os.getpid()}] %(levelname)s %(name)s: %(message)s"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pdfminer", "PIL", "mcp"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    os.environ[LOG_LEVEL_ENV] = logging.getLevelName(level)


def exit_with_parent() -> None:
    """Ask for SIGTERM when the parent dies, and exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            log.debug("prctl(PR_SET_PDEATHSIG) unavailable")
    expected = os.environ.get(PARENT_PID_ENV)
    if expected and os.getppid() != int(expected):
        log.warning("parent process %s is gone; exiting", expected)
        os._exit(0)
    if expected:  # started by docflow's orchestrator, not by another client
        threading.Thread(
            target=_exit_when_orphaned,
            args=(int(expected),),
            name="docflow-orphan",
            daemon=True,
        ).start()


def _exit_when_orphaned(parent: int, grace: float = _ORPHAN_GRACE_SECONDS) -> None:
    """End the process once it has outlived its parent by ``grace`` seconds.

    SIGTERM and the end of stdin normally stop the server first. This thread
    ends a server whose shutdown hangs, which has happened after a kill -9 of
    its orchestrator. Document workers exit with the server, because their
    lifeline pipe closes.

    NOTE: the cause of that hang is not known; this only bounds it.
    """
    while os.getppid() == parent:
        time.sleep(1.0)
    time.sleep(grace)
    log.warning(
        "parent process %s is gone and shutdown did not finish; exiting", parent
    )
    logging.shutdown()
    os._exit(0)


def run_server(
    build: Callable[[ServerState], MCPServer[Any]],
    settings: Settings,
    roots: Sequence[str] | None,
    *,
    load_model: bool,
    cli_advice: bool = False,
) -> None:
    """Run one docflow MCP server on stdio until its client disconnects.

    ``cli_advice`` is for a server that a docflow command started, see
    ``ServerState``.
    """
    protocol_in, protocol_out = guard_stdio()
    if not logging.getLogger().handlers:
        configure_server_logging()
    exit_with_parent()
    # SIGTERM (PDEATHSIG, the client's shutdown) must run the finally below so
    # the sandboxed children are stopped, not orphaned until their own watchdog.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    settings = place_standalone_cache(settings)
    log.info("extraction cache in %s", settings.store.cache_dir)
    warn_relative_cache(settings)
    state = ServerState(
        settings,
        Roots(resolve_roots(roots, settings)),
        load_model=load_model,
        cli_advice=cli_advice,
    )
    server = build(state)
    log.info("%s serving on stdio, roots %s", server.name, state.roots)
    try:
        anyio.run(
            serve_stdio,
            server,
            protocol_in,
            protocol_out,
            settings.workers.call_timeout,
        )
    except KeyboardInterrupt:
        log.info("%s interrupted", server.name)
    finally:
        state.close()
        log.info("%s stopped", server.name)
        _exit_if_threads_linger()


def _exit_if_threads_linger(grace: float = 2.0) -> None:
    """Exit at once when non-daemon threads outlive the server loop.

    A SIGTERM that interrupts anyio.run can leave an idle AnyIO worker thread
    that nothing stops (seen with anyio 4.16), and the interpreter then waits
    for it forever at exit: an orphaned server whose client is gone.
    """
    deadline = time.monotonic() + grace
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    lingering = [
        thread.name
        for thread in threading.enumerate()
        if thread is not threading.main_thread() and not thread.daemon
    ]
    if lingering:
        log.warning("threads still running at exit (%s); exiting now", lingering)
        logging.shutdown()
        os._exit(0)


def exit_after(main: Callable[[], int]) -> NoReturn:
    """Run a server's ``main`` and end the process with its status.

    The process ends even when threads outlive the server or a second SIGTERM
    (PDEATHSIG after the client's own shutdown) lands during cleanup, either of
    which otherwise leaves the interpreter waiting at exit with no client.
    """
    status = 1
    try:
        status = main()
    except KeyboardInterrupt:  # SIGTERM: the client or the parent stopped us
        status = 0
    except SystemExit as exc:  # argparse: 0 after --help, 2 for invalid options
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        logging.shutdown()
        os._exit(status)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_main(
    build: Callable[[ServerState], MCPServer[Any]],
    argv: Sequence[str] | None = None,
    *,
    description: str,
    load_model: bool,
) -> int:
    """Parse ``--root``, ``--cli-advice`` and ``-v`` and run the server.

    Return the exit status.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--root",
        action="append",
        default=[],
        metavar="DIR",
        help="folder the tools may read, in place of mcp.roots (repeatable; "
        "default: mcp.roots, else the current folder)",
    )
    parser.add_argument(
        CLI_ADVICE_OPTION,
        action="store_true",
        help="word the advice in document errors for the docflow command that "
        "started this server (--password), not for an MCP client (the tool's "
        "'password' argument)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log to stderr (-vv: debug)"
    )
    args = parser.parse_args(argv)
    configure_server_logging(args.verbose)
    try:
        settings = load_server_settings()
        run_server(
            build,
            settings,
            args.root,
            load_model=load_model,
            cli_advice=args.cli_advice,
        )
    except DocflowError as exc:
        log.error("%s", exc)
        return int(exc.exit_code)
    return 0
