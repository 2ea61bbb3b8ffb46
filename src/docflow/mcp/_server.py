"""Plumbing shared by docflow's MCP servers: stdio guard, settings, state, batches.

Both servers are stdio MCP servers built on the SDK's ``MCPServer``. Each owns
a sandboxed WorkerPool (``docflow.core.sandbox``) that parses documents in
child processes, a Roots set that bounds which files the tools may read, and
counters for ``get_statistics``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from io import TextIOWrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import anyio
from pydantic import BaseModel, Field

from docflow.core.models import DocumentResult, Status
from docflow.core.roots import OutsideRoots, Roots, resolve_roots
from docflow.core.sandbox import LATENCY_WINDOW
from docflow.errors import DocflowError

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context, MCPServer

    from docflow.core.config import Settings
    from docflow.core.sandbox import WorkerPool

__all__ = [
    "PARENT_PID_ENV",
    "SETTINGS_FILE_ENV",
    "BatchResult",
    "LatencySummary",
    "ServerState",
    "exit_after",
    "guard_stdio",
    "load_server_settings",
    "run_main",
    "run_server",
    "serve_stdio",
]

log = logging.getLogger(__name__)

SETTINGS_FILE_ENV = "DOCFLOW_SETTINGS_FILE"
PARENT_PID_ENV = "DOCFLOW_PARENT_PID"
LOG_LEVEL_ENV = "DOCFLOW_LOG_LEVEL"
_PR_SET_PDEATHSIG = 1
#: Seconds a server whose parent died may spend shutting down before it exits
#: regardless (stopping document workers takes up to a few seconds).
_ORPHAN_GRACE_SECONDS = 10.0


class BatchResult(BaseModel):
    """Results of a batch tool, in the order of the paths given."""

    results: list[DocumentResult]
    documents: int
    errors: int = Field(description="documents whose status is not ok")


class LatencySummary(BaseModel):
    """Per-document processing time in milliseconds, over the last 10,000 documents."""

    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None


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
    """

    def __init__(self, settings: Settings, roots: Roots, *, load_model: bool) -> None:
        from docflow.core.sandbox import WorkerPool

        self.settings = settings
        self.roots = roots
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

    def check_path(self, path: str) -> str:
        """Return the real path of ``path`` or raise ToolError naming it."""
        from mcp.server.mcpserver.exceptions import ToolError

        try:
            return self.roots.check(path)
        except OutsideRoots as exc:
            raise ToolError(str(exc)) from None

    async def process(
        self, path: str, *, classify: bool, quality: bool
    ) -> DocumentResult:
        """Process one document in the sandbox, or return a rejection result."""
        started = time.perf_counter()
        _inject_server_fault(path)
        try:
            real = self.roots.check(path)
        except OutsideRoots as exc:
            result = DocumentResult(path=path, status=Status.UNREADABLE, error=str(exc))
        else:
            if not _valid_utf8(real):
                # A link the orchestrator made for a name that is not valid
                # UTF-8: through the real name, no result could be sent back.
                real = path
            future = self.pool.submit(real, classify=classify, quality=quality)
            result = await asyncio.wrap_future(future)
            result.path = path
        self._count(result, (time.perf_counter() - started) * 1000)
        return result

    async def process_batch(
        self,
        paths: list[str],
        ctx: Context | None,
        *,
        classify: bool,
        quality: bool,
    ) -> BatchResult:
        """Process ``paths`` concurrently, reporting progress once per document."""
        total = len(paths)
        tasks = [
            asyncio.ensure_future(
                self.process(path, classify=classify, quality=quality)
            )
            for path in paths
        ]
        done = 0
        for finished in asyncio.as_completed(tasks):
            result = await finished
            done += 1
            if ctx is not None:
                await ctx.report_progress(
                    done, total, f"{result.path}: {result.status.value}"
                )
        results = [task.result() for task in tasks]
        errors = sum(1 for result in results if not result.ok)
        return BatchResult(results=results, documents=total, errors=errors)

    def _count(self, result: DocumentResult, elapsed_ms: float) -> None:
        self.documents += 1
        if not result.ok:
            self.errors += 1
        self.latencies_ms.append(elapsed_ms)

    def uptime(self) -> float:
        return round(time.monotonic() - self.started, 3)


def _valid_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _inject_server_fault(path: str) -> None:
    """Misbehave in the server for paths named in DOCFLOW_FAULT (tests only).

    ``print`` writes to stdout and fd 1; ``server-kill`` kills the server
    process itself with SIGKILL, as the kernel OOM killer would.
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


def load_server_settings() -> Settings:
    """Load the settings a parent passed in a JSON file, or the usual sources."""
    from docflow.core.config import Settings, load_settings

    path = os.environ.get(SETTINGS_FILE_ENV)
    if path:
        return Settings.model_validate_json(Path(path).read_bytes())
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
    server: MCPServer[Any], protocol_in: int, protocol_out: int
) -> None:
    """Serve MCP over the private descriptors made by ``guard_stdio``."""
    from mcp.server.stdio import stdio_server

    reader = TextIOWrapper(
        os.fdopen(protocol_in, "rb", buffering=0), encoding="utf-8", errors="replace"
    )
    writer = TextIOWrapper(os.fdopen(protocol_out, "wb"), encoding="utf-8")
    async with stdio_server(
        stdin=anyio.wrap_file(reader), stdout=anyio.wrap_file(writer)
    ) as (read_stream, write_stream):
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
        logging.Formatter(
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
) -> None:
    """Run one docflow MCP server on stdio until its client disconnects."""
    protocol_in, protocol_out = guard_stdio()
    if not logging.getLogger().handlers:
        configure_server_logging()
    exit_with_parent()
    # SIGTERM (PDEATHSIG, the client's shutdown) must run the finally below so
    # the sandboxed children are stopped, not orphaned until their own watchdog.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    state = ServerState(
        settings, Roots(resolve_roots(roots, settings)), load_model=load_model
    )
    server = build(state)
    log.info("%s serving on stdio, roots %s", server.name, state.roots)
    try:
        anyio.run(serve_stdio, server, protocol_in, protocol_out)
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
    """Parse ``--root`` and ``-v`` and run the server; return the exit status."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--root",
        action="append",
        default=[],
        metavar="DIR",
        help="folder the tools may read (repeatable; default: mcp.roots, else cwd)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log to stderr (-vv: debug)"
    )
    args = parser.parse_args(argv)
    configure_server_logging(args.verbose)
    try:
        settings = load_server_settings()
        run_server(build, settings, args.root, load_model=load_model)
    except DocflowError as exc:
        log.error("%s", exc)
        return int(exc.exit_code)
    return 0
