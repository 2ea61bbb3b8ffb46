"""Orchestrator: a pool of docflow MCP server processes that share out documents.

The CLI and the watch daemon hand paths to an ``Orchestrator``. It starts
``workers`` server processes per kind it needs (``sys.executable -m
docflow.mcp.<kind>_server``, or on Linux a fork of this process:
``workers.fork_servers``, ``docflow.mcp._stdio.fork_server``) and keeps one
MCP ClientSession to each. The SDK
requires a session to be opened and closed by the same asyncio task, so every
server has one task that owns its session, takes batches of documents from a
shared queue, and restarts its server when it dies.

- The documents of a ``process`` call are queued longest expected first (by
  file size and kind), so a long document does not start last while the
  other servers sit idle.
- Batches are carved from the queue when a server requests work, sized from
  ``workers.batch_size`` or automatically from what is left, so batches shrink
  at the end of a run and the servers finish together.
- A server that dies, or sends neither a reply nor a progress notification
  for ``workers.call_timeout`` seconds, is restarted. The documents it held
  are retried once, alone, and then get status ``crashed``.
- An idle server is asked for its statistics every ``workers.health_interval``
  seconds. The reply proves it alive, and a document worker that died while
  idle is logged here, because the server's own log is a file by default.
- With both analyses, one classification call does both by default
  (``with_quality``), so each document is extracted once in one process.
  ``workers.separate_quality_servers`` sends each document on to a quality
  server instead, which reuses the extraction through the extraction cache.
  It runs twice the processes and, on 100 corpus documents on a 2-core
  machine, used about 1.2x the CPU time (``bench/bench_protocol.py
  --both-only``), so it only pays off when spare cores outnumber servers.

Servers exit with their parent: stdin EOF ends a stdio server, and each server
also asks for SIGTERM when the orchestrator's process dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Sequence,
)
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from docflow.core.models import DocumentResult, ReviewStatus, Status
from docflow.core.own_folders import server_log_folder
from docflow.core.quoting import cut_value, quote_value
from docflow.core.roots import resolve_roots
from docflow.core.sandbox import LATENCY_WINDOW, with_utf8_mode
from docflow.core.worker_template import TEMPLATE_FD_ENV
from docflow.errors import ServerError

if TYPE_CHECKING:
    from anyio import CancelScope
    from mcp.client.session import ClientSession
    from mcp.types import CallToolResult

    from docflow.core.config import Settings
    from docflow.core.worker_template import WorkerTemplate
    from docflow.mcp._stdio import ServerProcess

__all__ = [
    "Orchestrator",
    "OrchestratorStats",
    "ServerStats",
    "run_documents",
]

log = logging.getLogger(__name__)

CLASSIFICATION = "classification"
QUALITY = "quality"
_MODULES = {
    CLASSIFICATION: "docflow.mcp.classification_server",
    QUALITY: "docflow.mcp.quality_server",
}
# Imported by the SDK's client as well as its server: once this process has
# it, a forked server need not import the SDK again.
_SDK_MODULE = "mcp.server.mcpserver"
_BATCH_TOOLS = {CLASSIFICATION: "classify_documents", QUALITY: "analyze_documents"}
# Consecutive failed starts after which a server slot gives up.
_MAX_START_FAILURES = 3
# Batches per server that the automatic size aims for, so the last batches
# are small and the servers finish close together.
_BATCHES_PER_SERVER = 4
_PING_TIMEOUT = 10.0
# How often a run checks that some server task is still alive to finish it.
_LIVENESS_SECONDS = 5.0
# Parts of the queue's estimated cost per server that bound an automatic
# batch. With 2, one server of bench_scaling (200 documents, scans first) sat
# idle for 2.7-4.0 s of a 12-13 s run while the other finished the scans.
# With 4, it sat idle for at most 0.13 s. Text PDFs ran 5-8% slower with 4
# than with no cost bound (six alternated runs on a noisy host), because
# their batches were smaller.
_COST_SHARES_PER_SERVER = 4
# Upper bound of an automatic batch; past it the per-call overhead no longer
# shrinks noticeably and a dead server has more documents to redo.
_MAX_AUTO_BATCH = 16
# A server's first automatic batch carries at most this many documents, and
# each later call up to twice as many as the one before, until
# _MAX_AUTO_BATCH. A call returns its results only when its last document is
# done, so a first batch of 16 large documents kept every result of a long
# run back for about half a second.
_FIRST_AUTO_BATCH = 1
# Processing time per byte, relative to a PDF's, by the kind the file
# extension names (``docflow.core.detect.declared_kind``). Estimated from one
# server's document times on the labeled corpus: PDF bytes are mostly
# compressed fonts and images, so text and Markdown take about 20 times
# longer per byte, and images are OCR'd as a whole.
_COST_PER_BYTE = {
    "pdf": 1.0,
    "text": 20.0,
    "markdown": 20.0,
    "html": 20.0,
    "eml": 3.0,
    "docx": 3.0,
    "image": 20.0,
}

ResultCallback = Callable[[DocumentResult], None]
ProgressCallback = Callable[[str], None]
#: The SDK's progress callback: progress, total and message of a notification.
ProgressHandler = Callable[[float, float | None, str | None], Awaitable[None]]


class ServerStats(BaseModel):
    """Counters of one server slot (a slot keeps its name across restarts)."""

    name: str
    kind: str
    pid: int | None = None
    alive: bool = False
    documents: int = 0
    errors: int = 0
    calls: int = 0
    restarts: int = 0
    call_seconds: float = Field(
        default=0.0, description="wall time spent in tool calls"
    )
    gave_up: bool = Field(
        default=False,
        description="the slot stopped restarting its server after failed starts",
    )
    ready_seconds: float | None = Field(
        default=None,
        description="seconds from the orchestrator's start until this server "
        "answered initialize (its latest start)",
    )
    worker_idle_deaths: int = Field(
        default=0,
        description="document workers of this slot's servers that died while "
        "idle and were replaced, as the health checks found them",
    )


class OrchestratorStats(BaseModel):
    """Counters since the orchestrator started, over every ``process`` call.

    Latency percentiles cover the last 10,000 documents.
    """

    documents: int = 0
    errors: int = Field(default=0, description="documents whose status is not ok")
    restarts: int = 0
    retries: int = Field(
        default=0, description="documents sent again after a server died"
    )
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    servers: list[ServerStats] = Field(default_factory=list)


@dataclass
class _Run:
    """One ``process`` call: its results and callbacks."""

    # None when the caller takes results through on_result only, so a long run
    # does not hold every result in memory.
    results: list[DocumentResult | None] | None
    finished: bytearray
    on_result: ResultCallback | None
    on_progress: ProgressCallback | None
    remaining: int
    done: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled: bool = False


@dataclass
class _Item:
    """One document of a run, on its way through the stages."""

    run: _Run
    index: int
    path: str
    stages: list[str]
    with_quality: bool
    attempts: int = 0
    partial: DocumentResult | None = None
    # The path the servers get when ``path`` is not valid UTF-8: a link to the
    # file under a name JSON can carry (``Orchestrator._link_name``).
    sent: str | None = None
    # The estimated processing time, in the units of ``_estimate_cost``.
    cost: float = 0.0


@dataclass
class _Slot:
    kind: str
    number: int
    stats: ServerStats
    inflight: list[_Item] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    failed: bool = False
    task: asyncio.Task[None] | None = None
    # A server started before its task connects to it.
    process: ServerProcess | None = None
    # The idle deaths of document workers that the running server reported.
    idle_deaths_seen: int = 0


class Orchestrator:
    """Drive a pool of docflow MCP servers; use as ``async with``."""

    def __init__(
        self,
        settings: Settings,
        *,
        classify: bool,
        quality: bool,
        roots: list[str] | None = None,
        workers: int | None = None,
    ) -> None:
        if not (classify or quality):
            raise ValueError("Orchestrator needs classify, quality or both")
        self.settings = settings
        self.classify = classify
        self.quality = quality
        # The CLI's user named the files, so the servers may read anywhere
        # unless the caller gives roots. mcp.roots bounds only the servers
        # that `docflow mcp` and external MCP clients start.
        chosen = roots or [os.sep]
        self.roots = [str(root) for root in resolve_roots(chosen)]
        self.workers = max(1, workers or settings.worker_count)
        self._kinds = self._choose_kinds()
        self._queues: dict[str, deque[_Item]] = {kind: deque() for kind in self._kinds}
        # The estimated cost of what each queue contains, for sizing batches.
        self._queued_cost: dict[str, float] = dict.fromkeys(self._kinds, 0.0)
        self._wakeups: dict[str, asyncio.Event] = {}
        self._slots: list[_Slot] = []
        self._closing = False
        self._settings_file: str | None = None
        # The descriptor of the settings file when it lives in memory only.
        self._settings_fd: int | None = None
        # Folder of the links made for file names that are not valid UTF-8.
        self._links: str | None = None
        self._link_count = 0
        self._latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self._stats = OrchestratorStats()
        self._log_files: dict[str, IO[str]] = {}
        self._started = time.perf_counter()
        self._template: WorkerTemplate | None = None
        self._one_per_call = _warn_if_call_timeout_short(settings)

    def _choose_kinds(self) -> list[str]:
        if (
            self.classify
            and self.quality
            and self.settings.workers.separate_quality_servers
        ):
            return [CLASSIFICATION, QUALITY]
        return [CLASSIFICATION] if self.classify else [QUALITY]

    # --- lifecycle -----------------------------------------------------------

    async def __aenter__(self) -> Orchestrator:
        self._started = time.perf_counter()
        self._settings_file, self._settings_fd = _write_settings_file(self.settings)
        self._template = self._start_template()
        self._wakeups = {kind: asyncio.Event() for kind in self._kinds}
        for kind in self._kinds:
            for number in range(self.workers):
                name = f"{kind}-{number + 1}"
                self._slots.append(
                    _Slot(kind, number, ServerStats(name=name, kind=kind))
                )
        self._start_servers()
        for slot in self._slots:
            slot.task = asyncio.create_task(
                self._own_server(slot), name=slot.stats.name
            )
        try:
            await self._wait_until_started()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _wait_until_started(self) -> None:
        waits = [asyncio.ensure_future(self._wait_ready(slot)) for slot in self._slots]
        await asyncio.gather(*waits)
        for kind in self._kinds:
            if not any(
                slot.ready.is_set() for slot in self._slots if slot.kind == kind
            ):
                raise ServerError(
                    f"no docflow {kind} MCP server could be started; rerun with -v "
                    "to see the server log, or check the files under .docflow/logs"
                )

    async def _wait_ready(self, slot: _Slot) -> None:
        assert slot.task is not None
        ready = asyncio.ensure_future(slot.ready.wait())
        await asyncio.wait({ready, slot.task}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()

    async def aclose(self) -> None:
        """Stop every server and wait for them to exit."""
        self._closing = True
        for event in self._wakeups.values():
            event.set()
        tasks = [slot.task for slot in self._slots if slot.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for slot in self._slots:  # started early, but its task never connected
            if slot.process is not None:
                _stop_now(slot.process)
                slot.process = None
        for kind, queue in self._queues.items():
            while queue:
                item = queue.popleft()
                reason = f"the orchestrator stopped before the {kind} step"
                self._finish(item, _failed_result(item.path, Status.CRASHED, reason))
        if self._template is not None:
            self._template.close()
            self._template = None
        for handle in self._log_files.values():
            handle.close()
        self._log_files.clear()
        if self._settings_fd is not None:
            os.close(self._settings_fd)
            self._settings_fd = None
        elif self._settings_file:
            with contextlib.suppress(OSError):
                os.unlink(self._settings_file)
        self._settings_file = None
        if self._links is not None:
            import shutil

            shutil.rmtree(self._links, ignore_errors=True)
            self._links = None

    # --- public API -------------------------------------------------------------

    async def process(
        self,
        paths: list[str],
        on_result: ResultCallback | None = None,
        on_progress: ProgressCallback | None = None,
        *,
        keep_results: bool = True,
    ) -> list[DocumentResult]:
        """Process ``paths`` and return one result per path, in the order given.

        ``on_result`` is called as each document finishes; ``on_progress`` gets
        the message of each progress notification, which names a document that
        just finished. A server sends at most about 4 of them a second.
        With ``keep_results`` false the results reach only ``on_result`` and the
        returned list is empty.
        """
        if self._closing:
            raise ServerError("the orchestrator is closed")
        run = _Run(
            [None] * len(paths) if keep_results else None,
            bytearray(len(paths)),
            on_result,
            on_progress,
            remaining=len(paths),
        )
        if not paths:
            return []
        first = self._kinds[0]
        items = []
        for index, path in enumerate(paths):
            item = _Item(run, index, str(path), list(self._kinds), self._with_quality())
            if not _is_encodable(item.path):
                item.sent = self._link_name(item.path)
            if item.sent is None and not _is_encodable(item.path):
                self._finish(item, _undecodable_name_result(item.path))
            else:
                items.append(item)
        self._queues[first].extend(_order_longest_first(items))
        self._queued_cost[first] += sum(item.cost for item in items)
        self._wakeups[first].set()
        self._fail_if_no_servers(first)
        try:
            await self._wait_done(run, items)
        except asyncio.CancelledError:
            self._drop(run)
            raise
        if run.results is None:
            return []
        return [result for result in run.results if result is not None]

    async def _wait_done(self, run: _Run, items: list[_Item]) -> None:
        """Wait until every document of ``run`` has its result.

        Each server's task fails or requeues its documents when it ends, so
        the run normally finishes by itself. Should every task end and leave
        documents behind anyway, those get a crash result instead of a wait
        that never ends.
        """
        while not run.done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.done.wait(), _LIVENESS_SECONDS)
            if run.done.is_set() or self._closing:
                continue
            if any(
                slot.task is not None and not slot.task.done() for slot in self._slots
            ):
                continue
            left = [item for item in items if not run.finished[item.index]]
            log.error(
                "every MCP server task has ended with %d documents unfinished",
                len(left),
            )
            self._unqueue(run)
            for item in left:
                reason = (
                    "no docflow MCP server is left to process it (rerun the "
                    "command; -v shows the server logs)"
                )
                self._finish(item, _failed_result(item.path, Status.CRASHED, reason))

    def _link_name(self, path: str) -> str | None:
        """Return a link to ``path`` whose name is valid UTF-8, or None.

        JSON, and so MCP, carries only valid UTF-8, and a name with other
        bytes (``bad\\xff.txt``) cannot be sent as it is. The link keeps the
        file's extension when that is valid UTF-8, and the servers follow it.
        """
        suffix = os.path.splitext(path)[1]
        if not _is_encodable(suffix):
            suffix = ""
        for attempt in range(2):
            try:
                if self._links is None or attempt:
                    # A second attempt makes a new folder, in case a cleaner
                    # of the temporary folder removed the first.
                    self._links = _make_link_folder()
                self._link_count += 1
                link = os.path.join(self._links, f"{self._link_count}{suffix}")
                os.symlink(os.path.abspath(path), link)
                return link
            except OSError as exc:
                error = exc
        from docflow.core.store._rows import display_path

        log.warning(
            "%s: cannot make a link to it under a valid UTF-8 name in %s: %s",
            display_path(path),
            tempfile.gettempdir(),
            error.strerror or error,
        )
        return None

    def _drop(self, run: _Run) -> None:
        """Forget a cancelled run: unqueue its documents and silence its callbacks."""
        run.cancelled = True
        self._unqueue(run)

    def _unqueue(self, run: _Run) -> None:
        for kind, queue in self._queues.items():
            kept = [item for item in queue if item.run is not run]
            queue.clear()
            queue.extend(kept)
            self._queued_cost[kind] = sum(item.cost for item in kept)

    def statistics(self) -> OrchestratorStats:
        """Return counts of documents, errors, restarts, latency and per server."""
        stats = self._stats.model_copy()
        p50, p95 = _percentiles(self._latencies)
        stats.latency_p50_ms = p50
        stats.latency_p95_ms = p95
        stats.servers = [slot.stats.model_copy() for slot in self._slots]
        return stats

    def server_pids(self, kind: str | None = None) -> list[int]:
        """Return the process ids of the running servers (of ``kind`` if given)."""
        return [
            slot.stats.pid
            for slot in self._slots
            if slot.stats.pid is not None
            and slot.stats.alive
            and (kind is None or slot.kind == kind)
        ]

    def _with_quality(self) -> bool:
        return self.quality and self._kinds == [CLASSIFICATION]

    # --- server ownership -----------------------------------------------------

    async def _own_server(self, slot: _Slot) -> None:
        """Run one server for the orchestrator's lifetime; restart it when it dies."""
        failures = 0
        while not self._closing:
            started = False
            try:
                async with self._connect(slot) as session:
                    started = True
                    slot.idle_deaths_seen = 0  # a new server counts from 0
                    failures = 0
                    slot.stats.alive = True
                    slot.stats.ready_seconds = time.perf_counter() - self._started
                    slot.ready.set()
                    await self._serve(slot, session)
            except asyncio.CancelledError:
                self._requeue(slot, "the orchestrator stopped")
                raise
            except Exception as exc:  # any failure of the server or its pipes
                reason = _describe_failure(exc)
                retried, failed = self._requeue(slot, reason)
                log.warning(
                    "%s failed: %s%s",
                    slot.stats.name,
                    reason,
                    _requeue_summary(retried, failed, closing=self._closing),
                )
                log.debug("%s failure details", slot.stats.name, exc_info=True)
            finally:
                slot.stats.alive = False
            if self._closing:
                break
            failures = 0 if started else failures + 1
            if failures >= _MAX_START_FAILURES:
                self._give_up(slot)
                return
            slot.stats.restarts += 1
            self._stats.restarts += 1
            log.info("restarting %s", slot.stats.name)

    def _start_server(self, slot: _Slot) -> ServerProcess:
        from docflow.mcp._server import CLI_ADVICE_OPTION
        from docflow.mcp._stdio import fork_server, start_server

        # The errors the servers return go to a user of the docflow command.
        args: list[str] = [CLI_ADVICE_OPTION]
        for root in self.roots:
            args += ["--root", root]
        errlog = self._log_stream(slot.stats.name)
        env = self._server_environment()
        keep = [] if self._template is None else [self._template.fd]
        if self._settings_fd is not None:
            keep.append(self._settings_fd)
        if self._forks_servers():
            module = importlib.import_module(_MODULES[slot.kind])
            try:
                return fork_server(
                    module.main, args, env, errlog, f"docflow-{slot.kind}", keep
                )
            except OSError as exc:  # EAGAIN, ENOMEM: a new interpreter may still start
                log.warning(
                    "cannot fork %s (%s); starting a new interpreter",
                    slot.stats.name,
                    exc,
                )
        return start_server(
            [sys.executable, "-m", _MODULES[slot.kind], *args], env, errlog, keep
        )

    def _start_template(self) -> WorkerTemplate | None:
        """Start the worker template when workers are forked from one (Linux)."""
        settings = self.settings
        if not (settings.workers.fork_workers and sys.platform.startswith("linux")):
            return None
        from docflow.core.sandbox import child_environment
        from docflow.core.worker_template import start_template

        env = child_environment()
        env["DOCFLOW_LOG_LEVEL"] = logging.getLevelName(_effective_level())
        return start_template(settings, env, self._log_stream("template"))

    def _forks_servers(self) -> bool:
        """Return True when servers are forked from this process."""
        return self.settings.workers.fork_servers and sys.platform.startswith("linux")

    def _start_servers(self) -> None:
        """Start the first servers before the MCP SDK is imported.

        Importing the SDK takes about 0.5 s of CPU, which the servers use to
        load their own libraries and models meanwhile. When servers are
        forked (``workers.fork_servers``), only the first server of each kind
        starts now, and it imports the SDK itself. Its fork skips the
        interpreter's start and docflow's imports, so its document worker
        started 0.4-0.7 s sooner (``docflow classify --workers 2``, 2 cores,
        a loaded machine). The others are forked once this process has
        imported the SDK, so they do not import it again. When the SDK is
        already imported, every server is forked now.

        With a worker template, whose workers need no warm-up, every forked
        server waits for the SDK. An early server would import it a second
        time and get no document sooner, because documents reach the servers
        only once this process has the SDK too.
        """
        defer = self._forks_servers() and _SDK_MODULE not in sys.modules
        for slot in self._slots:
            if defer and (slot.number > 0 or self._template is not None):
                continue
            try:
                slot.process = self._start_server(slot)
            except OSError as exc:  # the slot's task tries again and reports it
                log.debug("cannot start %s early: %s", slot.stats.name, exc)

    @contextlib.asynccontextmanager
    async def _connect(self, slot: _Slot) -> AsyncIterator[ClientSession]:
        from docflow.mcp._stdio import server_streams

        process, slot.process = slot.process, None
        try:
            # Imported before a server is started here, so it can be forked.
            from mcp.client.session import ClientSession
        except BaseException:
            if process is not None:
                _stop_now(process)
            raise
        if process is None:
            process = self._start_server(slot)
        slot.stats.pid = process.pid
        start_timeout = self.settings.workers.start_timeout
        async with server_streams(process) as (read, write):
            async with ClientSession(read, write) as session:
                with _fail_after(start_timeout, f"{slot.stats.name} did not start"):
                    result = await session.initialize()
                log.debug("%s started (%s)", slot.stats.name, result.server_info.name)
                yield session

    def _server_environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DOCFLOW_SETTINGS_FILE"] = self._settings_file or ""
        env["DOCFLOW_PARENT_PID"] = str(os.getpid())
        env["DOCFLOW_LOG_LEVEL"] = logging.getLevelName(_effective_level())
        if self._template is not None:
            env[TEMPLATE_FD_ENV] = str(self._template.fd)
        return with_utf8_mode(env)

    def _log_stream(self, name: str) -> IO[str]:
        """Return where a server's or the template's stderr goes.

        That is ours at -v, else the log file ``name``.log under
        ``.docflow/logs/`` (the parent folder of ``store.cache_dir``), which
        a server slot keeps across restarts.
        """
        if _logs_to_stderr():
            return sys.stderr
        if name not in self._log_files:
            self._log_files[name] = _open_log(self.settings, name)
        return self._log_files[name]

    def _give_up(self, slot: _Slot) -> None:
        slot.failed = True
        slot.stats.gave_up = True
        log.error(
            "%s failed to start %d times in a row; running without it",
            slot.stats.name,
            _MAX_START_FAILURES,
        )
        self._fail_if_no_servers(slot.kind)

    def _fail_if_no_servers(self, kind: str) -> None:
        """Fail every queued document of ``kind`` when no server of it is left."""
        if any(not slot.failed for slot in self._slots if slot.kind == kind):
            return
        queue = self._queues[kind]
        self._queued_cost[kind] = 0.0
        while queue:
            item = queue.popleft()
            reason = f"no docflow {kind} MCP server is running"
            self._finish(item, _failed_result(item.path, Status.CRASHED, reason))

    # --- work -----------------------------------------------------------------

    async def _serve(self, slot: _Slot, session: ClientSession) -> None:
        interval = self.settings.workers.health_interval
        while not self._closing:
            batch = await self._take_batch(
                slot.kind, interval, _ramp_limit(slot.stats.calls)
            )
            if not batch:
                await self._check_health(slot, session)
                continue
            slot.inflight = batch
            results = await self._call_batch(slot, session, batch)
            slot.inflight = []
            for item, result in zip(batch, results, strict=True):
                self._advance(item, result)

    async def _check_health(self, slot: _Slot, session: ClientSession) -> None:
        """Request an idle server's statistics, and log new idle worker deaths.

        The reply proves the server alive, as a ping would. The server logs an
        idle death of a document worker only in its own log, which is a file
        unless -v is given, so watch would not show it otherwise.
        """
        name = slot.stats.name
        with _fail_after(_PING_TIMEOUT, f"{name} did not answer a health check"):
            result = await _call_tool(session, "get_statistics", {})
        sandbox = (result.structured_content or {}).get("sandbox") or {}
        deaths = int(sandbox.get("idle_deaths") or 0)
        new = deaths - slot.idle_deaths_seen
        slot.idle_deaths_seen = deaths
        if new <= 0:
            return
        slot.stats.worker_idle_deaths += new
        newest = sandbox.get("last_idle_death") or "no details"
        # The event field lets watch --log-format json be filtered on it.
        fields = {"event": "worker_replaced", "server": name, "count": new}
        if new == 1:
            log.warning(
                "%s: a document worker died while idle and was replaced: %s",
                name,
                newest,
                extra=fields,
            )
        else:
            log.warning(
                "%s: %d document workers died while idle and were replaced; "
                "the newest: %s",
                name,
                new,
                newest,
                extra=fields,
            )

    async def _take_batch(
        self, kind: str, wait: float, limit: int | None = None
    ) -> list[_Item]:
        """Return the next batch for a ``kind`` server, or [] after ``wait`` seconds.

        ``limit`` caps an automatic batch (see ``_ramp_limit``). A configured
        ``workers.batch_size`` is kept.
        """
        queue = self._queues[kind]
        wakeup = self._wakeups[kind]
        deadline = time.monotonic() + wait
        while not queue and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
        if self._closing:
            return []
        if queue[0].attempts:  # a retry goes alone, so a poison document hurts no other
            batch = [queue.popleft()]
        else:
            size = min(self._batch_size(kind, len(queue)), len(queue))
            if limit is not None and not self.settings.workers.batch_size:
                size = min(size, limit)
            budget = self._cost_budget(kind)
            batch = [queue.popleft()]
            cost = batch[0].cost
            # The queue runs longest first, so expensive documents (scans)
            # go in small batches that the servers share, and cheap ones in
            # big batches whose calls cost little per document.
            while len(batch) < size and cost + queue[0].cost <= budget:
                cost += queue[0].cost
                batch.append(queue.popleft())
        spent = sum(item.cost for item in batch)
        self._queued_cost[kind] = max(0.0, self._queued_cost[kind] - spent)
        if queue:
            wakeup.set()
        return batch

    def _cost_budget(self, kind: str) -> float:
        """Return the estimated cost an automatic batch of ``kind`` may carry.

        That is one of ``_COST_SHARES_PER_SERVER`` equal parts per server of
        the queue's cost, so no server takes much more than its share of the
        work.
        A configured ``workers.batch_size`` is kept whatever the cost.
        """
        if self.settings.workers.batch_size:
            return float("inf")
        servers = sum(
            1 for slot in self._slots if slot.kind == kind and not slot.failed
        )
        return self._queued_cost[kind] / (max(1, servers) * _COST_SHARES_PER_SERVER)

    def _batch_size(self, kind: str, queued: int) -> int:
        # The servers reject a call with more paths than mcp.max_batch_paths.
        return min(
            self._planned_batch_size(kind, queued), self.settings.mcp.max_batch_paths
        )

    def _planned_batch_size(self, kind: str, queued: int) -> int:
        configured = self.settings.workers.batch_size
        if configured:
            return configured
        if self._one_per_call:
            # A working server may be killed while it processes a slow
            # document, so that document goes alone and takes no other with it.
            return 1
        servers = sum(
            1 for slot in self._slots if slot.kind == kind and not slot.failed
        )
        share = -(-queued // (max(1, servers) * _BATCHES_PER_SERVER))
        return max(1, min(share, _MAX_AUTO_BATCH))

    async def _call_batch(
        self, slot: _Slot, session: ClientSession, batch: list[_Item]
    ) -> list[DocumentResult]:
        arguments: dict[str, Any] = {
            "paths": [item.sent or item.path for item in batch]
        }
        if slot.kind == CLASSIFICATION:
            arguments["with_quality"] = batch[0].with_quality
        progress = self._progress_callback(slot, batch)
        started = time.perf_counter()
        timeout = self.settings.workers.call_timeout
        message = (
            f"{slot.stats.name}: the tool call timed out after {timeout:g} s "
            "without a reply or a progress notification (workers.call_timeout)"
        )
        try:
            result = await _call_tool_until_silent(
                session, _BATCH_TOOLS[slot.kind], arguments, timeout, message, progress
            )
        except TimeoutError:
            # A hung server may not read its stdin, so the transport's graceful
            # shutdown would wait out its grace periods; kill it instead.
            _kill_server(slot)
            raise
        slot.stats.calls += 1
        slot.stats.call_seconds += time.perf_counter() - started
        return _batch_results(slot, batch, result)

    def _progress_callback(
        self, slot: _Slot, batch: list[_Item]
    ) -> ProgressHandler | None:
        """Return a handler that forwards a batch's progress to its runs, or None."""
        runs = list({id(item.run): item.run for item in batch}.values())
        if not any(run.on_progress for run in runs):
            return None

        async def report(
            progress: float, total: float | None, message: str | None
        ) -> None:
            text = f"{slot.stats.name}: {message or f'{progress:g}/{total:g}'}"
            for run in runs:
                if run.on_progress is None or run.cancelled:
                    continue
                try:
                    run.on_progress(text)
                except Exception:  # a display bug must not break the session
                    log.exception("on_progress callback failed: %s", text)

        return report

    def _requeue(self, slot: _Slot, reason: str) -> tuple[int, int]:
        """Send the documents of a failed call again once, or fail them.

        Returns how many were sent again and how many failed.
        """
        inflight, slot.inflight = slot.inflight, []
        retried = 0
        for item in reversed(inflight):
            if item.attempts == 0 and not self._closing:
                item.attempts += 1
                self._stats.retries += 1
                self._queues[slot.kind].appendleft(item)
                self._queued_cost[slot.kind] += item.cost
                retried += 1
            else:
                failure = (
                    f"the {slot.kind} server failed while processing it ({reason})"
                )
                if not self._closing:
                    failure += ", also on the retry"
                self._finish(item, _failed_result(item.path, Status.CRASHED, failure))
        if inflight and not self._closing:
            self._wakeups[slot.kind].set()
        return retried, len(inflight) - retried

    def _advance(self, item: _Item, result: DocumentResult) -> None:
        """Record a stage's result and queue the next stage, or finish the document."""
        item.stages.pop(0)
        item.partial = _merge(item.partial, result)
        item.attempts = 0
        if item.stages and item.partial.ok:
            next_kind = item.stages[0]
            self._queues[next_kind].append(item)
            self._queued_cost[next_kind] += item.cost
            self._wakeups[next_kind].set()
            self._fail_if_no_servers(next_kind)
            return
        self._finish(item, item.partial)

    def _finish(self, item: _Item, result: DocumentResult) -> None:
        run = item.run
        if run.finished[item.index]:
            log.error("%s: a second result arrived and was ignored", item.path)
            return
        run.finished[item.index] = 1
        if item.sent is not None:
            # docflow watch runs for days: remove each link when it is done.
            with contextlib.suppress(OSError):
                os.unlink(item.sent)
        # process() keeps every item until the run ends, so a result left on
        # the item would make a long run's memory grow with each document.
        item.partial = None
        if run.results is not None:
            run.results[item.index] = result
        run.remaining -= 1
        self._stats.documents += 1
        if not result.ok:
            self._stats.errors += 1
        self._latencies.append(result.duration_ms)
        if run.on_result is not None and not run.cancelled:
            try:
                run.on_result(result)
            except Exception:  # a callback bug must not lose the other results
                log.exception("on_result callback failed for %s", result.path)
        if run.remaining == 0:
            run.done.set()


async def _call_tool(
    session: ClientSession,
    name: str,
    arguments: dict[str, Any],
    progress_callback: Any = None,
) -> CallToolResult:
    """Call a docflow tool without the SDK's JSON Schema check of its output.

    ``ClientSession.call_tool`` (mcp 2.3) lists the tools before the first call
    and checks every structured result against the tool's output schema with
    jsonschema. That check took about 4 ms of the client's CPU per document,
    80% of the orchestrator's work (cProfile, 200 corpus documents), and on a
    2-core machine that CPU is taken from the document workers.
    ``_batch_results`` validates the same content with the pydantic model the
    schema is generated from, which is much faster.
    """
    from mcp import types

    request = types.CallToolRequest(
        params=types.CallToolRequestParams(name=name, arguments=arguments)
    )
    return await session.send_request(
        request, types.CallToolResult, progress_callback=progress_callback
    )


async def _call_tool_until_silent(
    session: ClientSession,
    name: str,
    arguments: dict[str, Any],
    silence: float,
    message: str,
    on_progress: ProgressHandler | None = None,
) -> CallToolResult:
    """Call a docflow batch tool, which may run as long as it reports progress.

    The call requests progress notifications and raises TimeoutError(message)
    once ``silence`` seconds pass without the reply or a notification. A batch
    of any size thus completes while its documents keep finishing.
    ``on_progress`` gets every notification.
    """
    import anyio

    with _fail_after(silence, message) as scope:

        async def report(
            progress: float, total: float | None, text: str | None
        ) -> None:
            # The SDK (mcp 2.3) runs this in a task of its own. A deadline
            # that passed already is kept, so the call still times out.
            if not scope.cancel_called:
                scope.deadline = anyio.current_time() + silence
            if on_progress is not None:
                await on_progress(progress, total, text)

        return await _call_tool(session, name, arguments, report)


def _batch_results(
    slot: _Slot, batch: list[_Item], result: Any
) -> list[DocumentResult]:
    """Turn a batch tool's result into one DocumentResult per item."""
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        log.warning("%s: batch tool failed: %s", slot.stats.name, text)
        return [_failed_result(item.path, Status.ERROR, text) for item in batch]
    from docflow.mcp._server import BatchResult

    results = BatchResult.model_validate(result.structured_content).results
    if len(results) != len(batch):
        raise ServerError(
            f"{slot.stats.name} returned {len(results)} results "
            f"for {len(batch)} documents"
        )
    for item, document in zip(batch, results, strict=True):
        document.path = item.path
        if item.sent is not None:
            _name_original(document, item.sent, item.path)
        slot.stats.documents += 1
        if not document.ok:
            slot.stats.errors += 1
    return results


def _merge(base: DocumentResult | None, stage: DocumentResult) -> DocumentResult:
    """Combine a classification result with the quality result of the same file."""
    if base is None:
        return stage
    if not stage.ok:
        return stage.model_copy(update={"classification": base.classification})
    merged = base.model_copy(
        update={
            "quality": stage.quality,
            "duration_ms": base.duration_ms + stage.duration_ms,
            "warnings": list(dict.fromkeys(base.warnings + stage.warnings)),
            "review_reasons": list(
                dict.fromkeys(base.review_reasons + stage.review_reasons)
            ),
        }
    )
    if ReviewStatus.NEEDS_REVIEW in (base.review_status, stage.review_status):
        merged.review_status = ReviewStatus.NEEDS_REVIEW
    return merged


def _order_longest_first(items: list[_Item]) -> list[_Item]:
    """Sort ``items`` by expected processing time, longest first.

    Each item's estimate is kept in ``item.cost``, for sizing batches.

    Longest-processing-time-first scheduling: when a long document (an OCR'd
    scan) starts last, one server finishes it while the others sit idle, so
    the long ones go first and the short ones fill the gaps at the end.
    Documents with equal estimates keep the order given.
    """
    from docflow.core.detect import declared_kind

    for item in items:
        item.cost = _estimate_cost(item.path, declared_kind(item.path))
    return sorted(items, key=lambda item: item.cost, reverse=True)


def _ramp_limit(calls: int) -> int:
    """Return the largest automatic batch for a server that made ``calls`` calls."""
    return _FIRST_AUTO_BATCH << min(calls, _MAX_AUTO_BATCH.bit_length())


def _estimate_cost(path: str, kind: str) -> float:
    """Estimate the processing time of ``path`` from its size and ``kind``.

    Only ``os.stat`` is used: opening a file here could block on a FIFO, and
    parsing it (page count, text layer) is the sandbox's job, because parsers
    crash on hostile input. So a scanned PDF is estimated like a text PDF of
    the same size. A path that cannot be stat'ed gets 0 and goes last.
    """
    try:
        size = os.stat(path).st_size
    except (OSError, ValueError):
        return 0.0
    return size * _COST_PER_BYTE.get(kind, 1.0)


def _is_encodable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Prefix of link folders; the folder name also carries the owner's process id.
_LINK_PREFIX = "docflow-names-"


def _make_link_folder() -> str:
    """Make a link folder, after removing those whose process has died (a
    ``kill -9`` leaves its folder behind)."""
    import shutil

    temporary = tempfile.gettempdir()
    with contextlib.suppress(OSError):
        for entry in os.scandir(temporary):
            owner = entry.name[len(_LINK_PREFIX) :].split("-", 1)[0]
            if entry.name.startswith(_LINK_PREFIX) and owner.isdigit():
                if not _process_alive(int(owner)):
                    shutil.rmtree(entry.path, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{_LINK_PREFIX}{os.getpid()}-")


def _process_alive(pid: int) -> bool:
    """Return whether ``pid`` exists. Unlike the store's check of a run's
    owner, a pid that now runs another program counts as alive: deleting the
    links of a running orchestrator would fail its documents, while keeping a
    stale folder costs only its links."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _name_original(document: DocumentResult, link: str, path: str) -> None:
    """Put ``path`` where messages of ``document`` name the ``link`` to it."""
    from docflow.core.store._rows import display_path

    display = display_path(path)
    if document.error:
        document.error = document.error.replace(link, display)
    document.warnings = [
        warning.replace(link, display) for warning in document.warnings
    ]


def _undecodable_name_result(path: str) -> DocumentResult:
    """Reject a file name with bytes that are not UTF-8, which JSON cannot
    carry, when no link to it could be made."""
    message = (
        f"{quote_value(path)}: the file name is not valid UTF-8, and no link "
        "with a valid name could be made to send it to an MCP server; rename "
        "the file"
    )
    log.warning("%s", message)
    return DocumentResult(path=path, status=Status.UNREADABLE, error=message)


def _stop_now(process: ServerProcess) -> None:
    """Kill a server that no session uses, and close its pipes."""
    process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


def _kill_server(slot: _Slot) -> None:
    if slot.stats.pid is None:
        return
    log.warning(
        "killing %s (pid %d): it stopped responding", slot.stats.name, slot.stats.pid
    )
    with contextlib.suppress(ProcessLookupError):
        os.kill(slot.stats.pid, signal.SIGKILL)


def _failed_result(path: str, status: Status, reason: str) -> DocumentResult:
    """Return the result of a document that failed for ``reason``.

    The error names a long path by its start and end, and the path field
    keeps it whole.
    """
    return DocumentResult(
        path=path, status=status, error=f"{cut_value(path)}: {reason}"
    )


def _requeue_summary(retried: int, failed: int, *, closing: bool) -> str:
    """Say what happens to a failed server and the documents it was processing."""
    if closing:
        return ""
    parts = ["; starting it again"]
    if retried:
        parts.append(f", its {retried} documents in progress are sent again")
    if failed:
        parts.append(f", {failed} that failed before get status crashed")
    return "".join(parts)


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_describe_failure(inner) for inner in exc.exceptions)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextlib.contextmanager
def _fail_after(seconds: float, message: str) -> Iterator[CancelScope]:
    """Raise TimeoutError(message) when the block runs longer than ``seconds``.

    Moving the deadline of the cancel scope it yields extends the limit.
    """
    import anyio

    try:
        with anyio.fail_after(seconds) as scope:
            yield scope
    except TimeoutError:
        raise TimeoutError(message) from None


def _warn_if_call_timeout_short(settings: Settings) -> bool:
    """Log a warning and return True when a working server may outlast call_timeout.

    Between two progress notifications, a server may start a replacement for a
    document worker that timed out or crashed (up to ``workers.start_timeout``),
    then process one document (up to ``workers.document_timeout``), and it
    delays a notification by up to PROGRESS_INTERVAL_SECONDS. A
    ``workers.call_timeout`` no longer than the sum may kill a working server,
    so automatic batches then carry one document each.

    NOTE: a worker that stalls before it acknowledges a document is replaced,
    up to 3 times for one document (``docflow.core.sandbox``), each time after
    up to document_timeout plus start_timeout, so that rare case can stay
    silent longer than this check assumes.
    """
    from docflow.mcp._server import PROGRESS_INTERVAL_SECONDS

    workers = settings.workers
    silence = workers.start_timeout + workers.document_timeout
    if workers.call_timeout > silence + PROGRESS_INTERVAL_SECONDS:
        return False
    log.warning(
        "workers.call_timeout (%g s) is not above workers.document_timeout "
        "(%g s) plus workers.start_timeout (%g s), so a server busy with one "
        "slow document may be taken for hung and killed, and automatic batches "
        "carry one document each; raise workers.call_timeout above %g s",
        workers.call_timeout,
        workers.document_timeout,
        workers.start_timeout,
        silence + PROGRESS_INTERVAL_SECONDS,
    )
    return True


def _percentiles(values: Sequence[float]) -> tuple[float | None, float | None]:
    from docflow.mcp._server import summarize_latencies

    summary = summarize_latencies(values)
    return summary.p50_ms, summary.p95_ms


def _effective_level() -> int:
    return logging.getLogger("docflow").getEffectiveLevel()


def _has_fileno(stream: Any) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _logs_to_stderr() -> bool:
    """Tell whether the servers' and the template's logs go to our stderr (-v)."""
    return _effective_level() <= logging.INFO and _has_fileno(sys.stderr)


def _open_log(settings: Settings, name: str) -> IO[str]:
    """Open the log file ``name``.log for appending, or os.devnull if it cannot."""
    folder = server_log_folder(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return open(folder / f"{name}.log", "a", encoding="utf-8")
    except OSError as exc:
        log.debug("cannot open a server log under %s: %s", folder, exc)
        return open(os.devnull, "w", encoding="utf-8")


def _write_settings_file(settings: Settings) -> tuple[str, int | None]:
    """Write the settings for the servers; return the file's path and descriptor.

    On Linux the file is a memfd that the servers inherit and read as
    ``/proc/self/fd/N``. It contains any configured PDF passwords, and it
    vanishes with the last process that has it open, so even a command
    killed with SIGKILL leaves no copy. Elsewhere it is a temporary file,
    and the descriptor is None.
    """
    from docflow.core.config import dump_settings

    data = dump_settings(settings)
    if hasattr(os, "memfd_create"):
        try:
            fd = os.memfd_create("docflow-settings")
        except OSError as exc:  # ENOSYS in some sandboxes
            log.debug("memfd_create failed (%s); writing a temporary file", exc)
        else:
            with os.fdopen(os.dup(fd), "wb") as handle:
                handle.write(data)
            return f"/proc/self/fd/{fd}", fd
    fd, path = tempfile.mkstemp(prefix="docflow-settings-", suffix=".json")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path, None


def run_documents(
    paths: list[str],
    settings: Settings,
    *,
    classify: bool,
    quality: bool,
    on_result: ResultCallback | None = None,
    on_progress: ProgressCallback | None = None,
    on_started: Callable[[], None] | None = None,
) -> tuple[list[DocumentResult], OrchestratorStats]:
    """Process ``paths`` with a fresh orchestrator and return results and counters.

    It starts no more servers per kind than there are paths. When ``on_result``
    is given, results go only to it and the returned list is empty.
    ``on_started`` is called once every server has answered, so a thread it
    starts does not import modules while a server is forked: the server
    would wait forever for the lock of a module being imported at the fork.
    """
    workers = max(1, min(settings.worker_count, len(paths)))

    async def run() -> tuple[list[DocumentResult], OrchestratorStats]:
        async with Orchestrator(
            settings, classify=classify, quality=quality, workers=workers
        ) as orchestrator:
            if on_started is not None:
                on_started()
            results = await orchestrator.process(
                paths, on_result, on_progress, keep_results=on_result is None
            )
            return results, orchestrator.statistics()

    with contextlib.ExitStack() as stack:
        # A Ctrl-C that lands while the event loop is built leaves a loop whose
        # __del__ prints "Exception ignored in BaseEventLoop.__del__", and one
        # before the coroutine runs leaves "coroutine ... was never awaited".
        # Until asyncio.Runner.run installs its own SIGINT handler, which
        # cancels the main task (asyncio/runners.py, Python 3.11 to 3.13), a
        # Ctrl-C is held and raised after the setup.
        with _sigint_held():
            runner = stack.enter_context(asyncio.Runner())
            coroutine = run()
            stack.callback(_close_if_unstarted, coroutine)
        return runner.run(coroutine)


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Raise KeyboardInterrupt for a Ctrl-C when the block ends, not inside it.

    Only the main thread runs Python signal handlers, so elsewhere, or when
    SIGINT already has a handler other than Python's default, nothing changes.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if received:
        raise KeyboardInterrupt


def _close_if_unstarted(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Close a coroutine that never ran, so Python does not warn it was not awaited."""
    if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()
