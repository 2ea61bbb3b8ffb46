"""Sandboxed document workers: parse each document in a child process.

PDF parsers do not fail cleanly: pdfminer raises arbitrary exceptions, some
inputs make it loop, and C libraries can crash the interpreter. So, as Apache
Tika does, documents are processed in child processes that the parent can kill
and replace:

- a wall-clock limit per document (``workers.document_timeout``): the child is
  killed and the result gets status ``timeout``;
- an address-space limit (``workers.memory_limit_mb``, ``RLIMIT_AS`` set in the
  child): allocation fails with MemoryError, the result gets status
  ``memory_limit`` and the child is replaced;
- a child that dies (segfault, kernel OOM kill, ``os._exit``) after it read a
  document gives that document status ``crashed`` with its signal or exit
  code, and is replaced;
- a child that dies while idle is reaped and replaced within about a second
  (``_IDLE_CHECK_SECONDS``). A child that dies before it acknowledges reading
  a document, or does not acknowledge it within the time limit, is replaced
  too. The document is not to blame, so it goes to the new child (up to
  ``_DELIVERY_ATTEMPTS`` children in all);
- children are replaced after ``workers.recycle_after`` documents.

In a server that a docflow command or ``docflow watch`` started, children
are forked from the command's worker template (``docflow.core.worker_template``),
which has imported the parsers and loaded the model already. Elsewhere, or
when the template is gone, they are plain subprocesses (``python -c``),
started with ``subprocess`` (safe from a process with threads and an event
loop). Either way they talk to the parent over two pipes with pickled
messages. A child acknowledges each request with
``("received",)`` as soon as it has read it and before it works on it, so the
parent can tell a request that was never read from one that killed the child.
Each child warms up (imports the parsers, loads the model) once, then serves
documents until the parent sends stop. The child's fd 1 is the parent's
stderr, so nothing it prints reaches a protocol stream.

No orphans: a child started with ``subprocess`` sets ``PR_SET_PDEATHSIG``, so
the kernel sends it SIGKILL when the thread that started it ends. A watchdog
thread in every child also exits when a lifeline pipe from the parent reaches
EOF, which happens when the parent dies by any means, kill -9 included. Each
slot thread that starts children lives as long as the pool, because PDEATHSIG
follows the starting thread, not the process (prctl(2)).

Fault injection (tests only): ``DOCFLOW_FAULT`` holds comma-separated
``kind:substring`` items, and a child whose document path contains the
substring misbehaves on purpose before parsing: ``hang`` sleeps forever,
``slow`` sleeps ``DOCFLOW_FAULT_SLOW_SECONDS`` (default 1), ``crash`` segfaults,
``exit`` calls ``os._exit(3)``, ``oom`` allocates until the memory limit is hit,
and ``print`` writes to fd 1. The MCP servers read the same variable for faults
of their own (see ``docflow.mcp._server``).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import pickle
import queue
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from docflow.core.models import DocumentResult, Status
from docflow.core.quoting import cut_value, quote_value
from docflow.core.worker_template import EXIT_UNKNOWN
from docflow.errors import DocflowError, ServerError

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.worker_template import TemplateWorker

__all__ = ["FAULT_ENV", "LATENCY_WINDOW", "SandboxStats", "WorkerPool", "run_child"]

log = logging.getLogger(__name__)

FAULT_ENV = "DOCFLOW_FAULT"
_PR_SET_PDEATHSIG = 1
# A child exits with this code when MemoryError escapes its request loop.
_EXIT_MEMORY = 86
_CHILD_COMMAND = "from docflow.core.sandbox import run_child; run_child()"
# The start of the name of each worker's temporary folder.
_TEMPORARY_PREFIX = "docflow-worker-"
_STOP_GRACE_SECONDS = 2.0
# How often an idle slot checks that its child still runs.
_IDLE_CHECK_SECONDS = 1.0
# Children a request may go to when each dies before reading it.
_DELIVERY_ATTEMPTS = 3
#: Document times that the MCP servers and the orchestrator keep for latency
#: percentiles, so a long-running server stays small.
LATENCY_WINDOW = 10_000


@dataclass
class SandboxStats:
    """Counters of one pool, for get_statistics and the orchestrator."""

    documents: int = 0
    timeouts: int = 0
    crashes: int = 0
    memory_limits: int = 0
    children_started: int = 0
    #: Children the idle check found dead and replaced.
    # NOTE: a child found dead only when a document is sent to it is not
    # counted. The pool's log line is then the one record of its death.
    idle_deaths: int = 0
    #: The newest idle death, as "worker pid 123 killed by SIGKILL", or None.
    last_idle_death: str | None = None


@dataclass
class _Job:
    kind: str  # "process" or "call"
    payload: tuple[Any, ...]
    future: Future[Any]
    path: str = ""
    #: PDF passwords for this document only, tried after
    #: ``extraction.passwords``. Left out of the repr so no log shows them.
    passwords: tuple[str, ...] = field(default=(), repr=False)


class _ChildDied(Exception):
    def __init__(self, returncode: int | None) -> None:
        super().__init__(returncode)
        self.returncode = returncode


class _NotDelivered(Exception):
    """The child died or stalled before it read a request, so it was killed.

    The request is not to blame and may go to another child.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Child:
    """One child process and the parent's ends of its pipes."""

    def __init__(self, settings: Settings, *, load_model: bool) -> None:
        self.documents = 0
        # The settings object the child uses for documents. A request carries
        # settings only when the pool's object was replaced since (changing
        # one in place does not reach the child), because pickling and
        # unpickling them costs an estimated 0.5 ms per document.
        self.settings = settings
        self._spawn()
        self.pid = self.process.pid
        self.requests.send(("start", settings, os.getpid(), load_model))
        self._wait_ready(settings.workers.start_timeout)

    def _spawn(self) -> None:
        # The child's temporary files (OCR page images, tesseract's output) go
        # to a folder of its own, removed when it ends, even by SIGKILL.
        env = child_environment()
        self.temporary: str | None = None
        try:
            # The pool's pid in the name lets a later pool remove the folder
            # if this one is killed first (remove_orphaned_temporaries).
            self.temporary = env["TMPDIR"] = tempfile.mkdtemp(
                prefix=f"{_TEMPORARY_PREFIX}{os.getpid()}-"
            )
        except OSError as exc:  # a full disk: text documents still work
            log.warning(
                "cannot make a temporary folder for a document worker (%s); it "
                "writes to %s",
                exc,
                tempfile.gettempdir(),
            )
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        lifeline_read, lifeline_write = os.pipe()
        child_fds = (request_read, reply_write, lifeline_read)
        try:
            forked = _fork_from_template(
                child_fds, env, self.settings.workers.start_timeout
            )
            self.process = forked or subprocess.Popen(
                [sys.executable, "-c", _CHILD_COMMAND, *map(str, child_fds)],
                stdin=subprocess.DEVNULL,
                stdout=sys.stderr.fileno(),
                pass_fds=child_fds,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            for fd in (request_write, reply_read, lifeline_write):
                os.close(fd)
            self._remove_temporary()
            raise
        finally:
            for fd in child_fds:
                os.close(fd)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)
        self._lifeline = lifeline_write

    def _wait_ready(self, start_timeout: float) -> None:
        if not self.replies.poll(start_timeout):
            self.kill()
            raise ServerError(
                f"a document worker did not start within {start_timeout} s; "
                "raise workers.start_timeout if the machine is slow or busy"
            )
        try:
            kind, detail = self.replies.recv()
        except EOFError:
            code = self.kill()
            raise ServerError(
                f"a document worker exited during start-up ({_describe_exit(code)}); "
                "check workers.memory_limit_mb and the server log"
            ) from None
        if kind != "ready":
            self.kill()
            raise ServerError(f"a document worker {detail}")

    def is_alive(self) -> bool:
        """Tell whether the child process still runs (a zombie does not)."""
        return self.process.poll() is None

    def deliver(self, message: tuple[Any, ...], timeout: float) -> None:
        """Send one request and wait until the child acknowledges reading it.

        Raise _NotDelivered, after killing the child, when the send fails, the
        child exits before the acknowledgement, or none comes within
        ``timeout`` seconds.
        """
        try:
            self.requests.send(message)
        except OSError:  # BrokenPipeError when the child has exited
            code = self.kill()
            raise _NotDelivered(
                f"had exited before the request ({_describe_exit(code)})"
            ) from None
        if not self.replies.poll(timeout):
            self.kill()
            raise _NotDelivered(f"did not acknowledge the request within {timeout:g} s")
        try:
            reply = self.replies.recv()
        except EOFError:
            code = self.kill()
            raise _NotDelivered(
                f"exited before reading the request ({_describe_exit(code)})"
            ) from None
        if reply != ("received",):
            self.kill()
            raise _NotDelivered(f"sent {reply!r} instead of an acknowledgement")

    def reply(self, timeout: float) -> Any:
        """Return the reply to a delivered request.

        Raise TimeoutError when none comes in ``timeout`` seconds, and _ChildDied
        when the child exits first.
        """
        if not self.replies.poll(max(timeout, 0.0)):
            raise TimeoutError
        try:
            return self.replies.recv()
        except EOFError:
            raise _ChildDied(self.kill()) from None

    def signal_group(self, signum: int) -> None:
        """Send ``signum`` to the child's process group, if it still runs."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                # A worker forked by the template makes its group just after
                # the fork; until then only the process itself can be reached.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.process.pid, signum)

    def kill(self) -> int | None:
        """Kill the child and its process group, and return its exit status."""
        self.signal_group(signal.SIGKILL)
        code = self.process.wait()
        self._close()
        return code

    def stop(self) -> None:
        """Ask the child to exit, killing it if it does not within a grace period."""
        try:
            self.requests.send(("stop",))
            self.process.wait(_STOP_GRACE_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def _close(self) -> None:
        for connection in (self.requests, self.replies):
            connection.close()
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1
        self._remove_temporary()

    def _remove_temporary(self) -> None:
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
            self.temporary = None


def _fork_from_template(
    fds: tuple[int, int, int], env: dict[str, str], timeout: float
) -> TemplateWorker | None:
    """Return a worker forked by the worker template, or None without one.

    A template that fails is not asked again by this process; its workers
    start as new interpreters from then on.
    """
    from docflow.core import worker_template

    template = worker_template.connection()
    if template is None:
        return None
    try:
        return worker_template.fork_worker(template, fds, env, timeout)
    except OSError as exc:
        log.warning(
            "the worker template failed (%s); document workers start as new "
            "interpreters from now on",
            exc,
        )
        worker_template.forget_connection()
        return None


def child_environment() -> dict[str, str]:
    """Return the environment of a document worker or of the worker template."""
    env = dict(os.environ)
    # tesseract (OpenMP) and BLAS otherwise start a thread per core in every
    # child, oversubscribing the cores the pool already uses.
    env["OMP_THREAD_LIMIT"] = "1"
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    return with_utf8_mode(env)


def with_utf8_mode(env: dict[str, str]) -> dict[str, str]:
    """Give a child interpreter this one's UTF-8 mode.

    ``-X utf8`` is a flag, which children do not inherit. Without it, under a
    C locale, a child cannot open a file whose name the parent could read.
    """
    if sys.flags.utf8_mode:
        env["PYTHONUTF8"] = "1"
    return env


def _job_name(job: _Job) -> str:
    """Return a job's name for a log line: its quoted path, or its function."""
    if job.kind == "process":
        return quote_value(job.path)
    return str(job.payload[0])


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "exit status unknown"
    if returncode == EXIT_UNKNOWN:
        return "exit status unknown: the worker template ended first"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = (
            " (sent by the kernel's OOM killer when memory runs out, or by a user)"
            if -returncode == 9
            else ""
        )
        return f"killed by {name}{hint}"
    return f"exited with code {returncode}"


class WorkerPool:
    """A fixed number of sandboxed children that process documents.

    ``size`` defaults to ``workers.children_per_server``; ``load_model`` makes
    each child load the classifier model while it warms up.

    ``submit`` may be called from any thread and returns a Future that always
    resolves to a DocumentResult: a timeout, crash or memory limit becomes the
    result's status, never an exception.
    """

    def __init__(
        self, settings: Settings, *, size: int | None = None, load_model: bool = True
    ) -> None:
        self.settings = settings
        self.load_model = load_model
        self.size = size or settings.workers.children_per_server
        self.stats = SandboxStats()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._children: dict[int, _Child] = {}
        # The error of each slot's latest failed start, quoted in the results
        # that the slot rejects because it has no child.
        self._start_errors: dict[int, str] = {}
        self._first_starts = threading.Semaphore(0)
        self._closed = False
        remove_orphaned_temporaries()
        self._threads = [
            threading.Thread(
                target=self._serve_slot,
                args=(slot,),
                name=f"sandbox-{slot}",
                daemon=True,
            )
            for slot in range(self.size)
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def submit(
        self,
        path: str,
        *,
        classify: bool = True,
        quality: bool = True,
        passwords: Sequence[str] = (),
    ) -> Future[DocumentResult]:
        """Queue one document and return a Future of its result.

        ``passwords`` are tried on an encrypted PDF after the configured ones,
        for this document only, so the child does not keep them.
        """
        future: Future[DocumentResult] = Future()
        job = _Job("process", (path, classify, quality), future, path, tuple(passwords))
        self._put(job)
        return future

    def call(self, function: str, *args: Any) -> Future[Any]:
        """Run ``module:function(*args)`` in a child, for untrusted loads.

        The Future raises RuntimeError when the function fails, with the
        message of its exception, and before it the exception's type unless
        it is a DocflowError. It raises ServerError when the child dies.
        """
        future: Future[Any] = Future()
        self._put(_Job("call", (function, args), future))
        return future

    def process(
        self, path: str, *, classify: bool = True, quality: bool = True
    ) -> DocumentResult:
        """Process one document and wait for its result."""
        return self.submit(path, classify=classify, quality=quality).result()

    def wait_started(self) -> None:
        """Block until every slot has tried once to start its first child."""
        for _ in self._threads:
            self._first_starts.acquire()
        for _ in self._threads:
            self._first_starts.release()

    def queued(self) -> int:
        """Return the number of jobs waiting for a child (approximate)."""
        return self._jobs.qsize()

    def child_pids(self) -> list[int]:
        """Return the process ids of the children alive now."""
        with self._lock:
            return [child.pid for child in self._children.values()]

    def close(self) -> None:
        """Stop every child, killing any that is still processing a document.

        Documents still queued get status ``crashed``; a document being
        processed gets ``crashed`` too, because its child is killed.
        """
        if self._closed:
            return
        self._closed = True
        self._fail_queued()
        for _ in self._threads:
            self._jobs.put(None)
        with self._lock:
            running = list(self._children.values())
        for child in running:
            child.signal_group(signal.SIGKILL)
        for thread in self._threads:
            thread.join()
        self._fail_queued()

    def _fail_queued(self) -> None:
        rejected = 0
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                reason = "the worker pool closed before processing it"
                rejected += self._reject(job, reason, quiet=True)
        if rejected:
            # One line: a client that disconnects mid-batch leaves thousands.
            log.warning("worker pool closed with %d documents not processed", rejected)

    def _reject(self, job: _Job, reason: str, *, quiet: bool = False) -> int:
        """Resolve a job that no child will run: crashed for a document.

        Return 1 when the job was resolved here, 0 when it already was. With
        ``quiet`` the caller logs the rejections together.
        """
        if job.future.done():
            return 0
        if job.kind == "process":
            message = f"{cut_value(job.path)}: {reason}"
            if not quiet:
                log.error("%s", message)
            result = DocumentResult(path=job.path, status=Status.CRASHED, error=message)
            job.future.set_result(result)
        else:
            job.future.set_exception(ServerError(reason))
        return 1

    def _put(self, job: _Job) -> None:
        if self._closed:
            raise ServerError("the worker pool is closed")
        self._jobs.put(job)

    def _serve_slot(self, slot: int) -> None:
        child = self._start_child(slot)
        self._first_starts.release()
        try:
            while True:
                if child is None and not self._closed:
                    child = self._start_child(slot)
                job, child = self._next_job(slot, child)
                if job is None:
                    break
                if not job.future.set_running_or_notify_cancel():
                    continue  # the caller gave up on it while it was queued
                child = self._run_job(slot, child, job)
        finally:
            if child is not None:
                child.stop()
            with self._lock:
                self._children.pop(slot, None)

    def _next_job(
        self, slot: int, child: _Child | None
    ) -> tuple[_Job | None, _Child | None]:
        """Wait for the next job, replacing the child if it dies meanwhile."""
        while True:
            try:
                return self._jobs.get(timeout=_IDLE_CHECK_SECONDS), child
            except queue.Empty:
                pass
            if child is not None and not child.is_alive():
                child = self._replace_dead(slot, child)

    def _replace_dead(self, slot: int, child: _Child) -> _Child | None:
        """Reap a child that died while idle and start its replacement."""
        code = child.kill()
        with self._lock:
            self.stats.idle_deaths += 1
            self.stats.last_idle_death = (
                f"worker pid {child.pid} {_describe_exit(code)}"
            )
        self._retire(
            slot,
            child,
            f"it died while idle ({_describe_exit(code)})",
            level=logging.WARNING,
        )
        return None if self._closed else self._start_child(slot)

    def _run_job(self, slot: int, child: _Child | None, job: _Job) -> _Child | None:
        """Run one job and return the child to reuse, or None.

        A child that died before it read the job is replaced and the job goes
        to the new child, up to _DELIVERY_ATTEMPTS children in all.
        """
        for _ in range(_DELIVERY_ATTEMPTS):
            if child is not None and not child.is_alive():
                child = self._replace_dead(slot, child)
            if child is None:
                reason = self._start_errors.get(slot, "the pool is closing")
                self._reject(job, f"no document worker could start: {reason}")
                return None
            try:
                if job.kind == "process":
                    return self._run_document(slot, child, job)
                return self._run_call(slot, child, job)
            except _NotDelivered as exc:
                self._retire(
                    slot,
                    child,
                    f"it {exc.reason}, so {_job_name(job)} goes to a new worker",
                    level=logging.WARNING,
                )
            if self._closed:
                self._reject(job, "the worker pool closed before processing it")
                return None
            child = self._start_child(slot)
        self._reject(
            job,
            f"{_DELIVERY_ATTEMPTS} document workers in a row failed to read it "
            "(the log gives each worker's reason)",
        )
        return child

    def _start_child(self, slot: int) -> _Child | None:
        try:
            child = _Child(self.settings, load_model=self.load_model)
        except (ServerError, OSError) as exc:
            log.error("sandbox slot %d: cannot start a document worker: %s", slot, exc)
            self._start_errors[slot] = str(exc)
            return None
        self._start_errors.pop(slot, None)
        with self._lock:
            self._children[slot] = child
            self.stats.children_started += 1
        log.debug("sandbox slot %d: started worker pid %d", slot, child.pid)
        return child

    def _retire(
        self, slot: int, child: _Child, reason: str, *, level: int = logging.INFO
    ) -> None:
        log.log(
            level,
            "sandbox slot %d: replacing worker pid %d: %s",
            slot,
            child.pid,
            reason,
        )
        with self._lock:
            self._children.pop(slot, None)

    def _run_document(self, slot: int, child: _Child, job: _Job) -> _Child | None:
        """Process one document job; return the child to reuse, or None."""
        path, classify, quality = job.payload
        settings = self.settings
        started = time.perf_counter()
        result, replace = self._request_result(
            child, path, classify, quality, job.passwords
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        if not result.duration_ms:  # timeouts and crashes carry the wall time
            result.duration_ms = elapsed_ms
        self._count(result)
        job.future.set_result(result)

        child.documents += 1
        if replace:
            self._retire(slot, child, result.status.value)
            child.kill()
            return None
        if child.documents >= settings.workers.recycle_after:
            self._retire(slot, child, "recycled")
            child.stop()
            return None
        return child

    def _request_result(
        self,
        child: _Child,
        path: str,
        classify: bool,
        quality: bool,
        passwords: tuple[str, ...] = (),
    ) -> tuple[DocumentResult, bool]:
        """Return the child's result for ``path`` and whether to replace the child.

        ``passwords`` travel beside the settings, not in them, so
        ``child.settings`` stays the object the child keeps for later documents.

        Raise _NotDelivered when the child died before it read the document.
        """
        settings = self.settings
        limit = settings.workers.document_timeout
        changed = settings if settings is not child.settings else None
        deadline = time.monotonic() + limit
        message = ("process", path, changed, classify, quality, passwords)
        child.deliver(message, limit)
        child.settings = settings
        log.debug("worker pid %d is processing %s", child.pid, path)
        try:
            kind, payload = child.reply(deadline - time.monotonic())
            result = pickle.loads(payload) if kind == "result" else None
            if not isinstance(result, DocumentResult):
                raise _ChildDied(child.kill())
            return result, result.status is Status.MEMORY_LIMIT
        except TimeoutError:
            child.kill()
            message = (
                f"{cut_value(path)}: processing timed out after {limit:g} s "
                "(--timeout or workers.document_timeout); the worker was killed "
                "and replaced"
            )
            return DocumentResult(path=path, status=Status.TIMEOUT, error=message), True
        except _ChildDied as exc:
            if self._closed:
                message = (
                    f"{cut_value(path)}: the worker pool closed while processing it"
                )
                result = DocumentResult(path=path, status=Status.CRASHED, error=message)
                return result, True
            return self._died_result(path, exc.returncode), True

    def _died_result(self, path: str, returncode: int | None) -> DocumentResult:
        limit_mb = self.settings.workers.memory_limit_mb
        if returncode == _EXIT_MEMORY:
            return DocumentResult(
                path=path,
                status=Status.MEMORY_LIMIT,
                error=f"{cut_value(path)}: the worker ran out of memory under the "
                f"limit of {limit_mb} MB (workers.memory_limit_mb)",
            )
        return DocumentResult(
            path=path,
            status=Status.CRASHED,
            error=f"{cut_value(path)}: the document worker crashed "
            f"({_describe_exit(returncode)}); it was replaced and the batch went on",
        )

    def _count(self, result: DocumentResult) -> None:
        with self._lock:
            self.stats.documents += 1
            if result.status is Status.TIMEOUT:
                self.stats.timeouts += 1
            elif result.status is Status.CRASHED:
                self.stats.crashes += 1
            elif result.status is Status.MEMORY_LIMIT:
                self.stats.memory_limits += 1
        if not result.ok:
            log.info("%s: %s", result.status.value, result.error)

    def _run_call(self, slot: int, child: _Child, job: _Job) -> _Child | None:
        function, args = job.payload
        limit = self.settings.workers.document_timeout
        deadline = time.monotonic() + limit
        child.deliver(("call", function, args), limit)
        try:
            kind, payload = child.reply(deadline - time.monotonic())
        except (TimeoutError, _ChildDied) as exc:
            child.kill()
            self._retire(slot, child, f"call {function} failed")
            job.future.set_exception(
                ServerError(
                    f"{function} did not complete in a document worker ({exc!r})"
                )
            )
            return None
        if kind == "value":
            job.future.set_result(payload)
        else:
            job.future.set_exception(RuntimeError(payload))
        return child


# --- child side ------------------------------------------------------------


def run_child(fds: Sequence[int] = (), *, forked: bool = False) -> None:
    """Serve requests from the parent until it sends stop or dies.

    ``fds`` are the request, reply and lifeline descriptors, read from the
    command line when not given. ``forked`` marks a worker that the worker
    template forked. Its parent is the template, not its pool, so it relies
    on the lifeline alone to exit with its pool.
    """
    request_fd, reply_fd, lifeline_fd = fds or (int(arg) for arg in sys.argv[1:4])
    for fd in (request_fd, reply_fd, lifeline_fd):
        os.set_inheritable(fd, False)  # tesseract must not hold our pipes open
    if not forked:
        _set_parent_death_signal()
    threading.Thread(target=_watch_lifeline, args=(lifeline_fd,), daemon=True).start()
    requests = Connection(request_fd, writable=False)
    replies = Connection(reply_fd, readable=False)

    try:
        _, settings, parent_pid, load_model = requests.recv()
    except EOFError:
        os._exit(0)
    if not forked and os.getppid() != parent_pid:
        os._exit(0)  # the parent died before PDEATHSIG was set
    if forked:
        from docflow.core.classify._model import forget_changed_models

        forget_changed_models()
    _configure_child_logging()
    _limit_memory(settings.workers.memory_limit_mb)
    try:
        if forked and _address_space() >= settings.workers.memory_limit_mb << 20:
            # The template's libraries alone fill the limit.
            raise MemoryError
        # NOTE: a forked worker loaded its libraries before the limit was set.
        # So near the limit it reads documents that a worker started with
        # subprocess cannot, because that one's imports count against it
        # (at 300 MB, 22 of 26 corpus files ok against 18).
        warm_up(settings, load_model)
    except (MemoryError, OSError) as exc:
        # Under the limit the import system's folder listing can fail with
        # ENOMEM instead of MemoryError.
        if isinstance(exc, OSError) and exc.errno != errno.ENOMEM:
            raise
        # Pickling the message needs memory too, and the imports may have
        # taken all of it; the child exits next, so the limit can go.
        _lift_memory_limit()
        limit_mb = settings.workers.memory_limit_mb
        replies.send(
            (
                "failed",
                f"ran out of memory while loading the libraries under the limit "
                f"of {limit_mb} MB; raise workers.memory_limit_mb",
            )
        )
        os._exit(_EXIT_MEMORY)
    replies.send(("ready", os.getpid()))

    try:
        _serve_requests(requests, replies, settings)
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    os._exit(0)


def _serve_requests(
    requests: Connection, replies: Connection, settings: Settings
) -> None:
    """Serve requests; a process request without settings reuses the last ones."""
    from docflow.core.pipeline import process_document

    while True:
        try:
            message = requests.recv()
        except EOFError:  # the pool died, maybe before the lifeline thread saw it
            _remove_own_temporary()
            return
        if message[0] == "stop":
            return
        replies.send(("received",))
        if message[0] == "call":
            replies.send(_call_function(message[1], message[2]))
            continue
        _, path, changed, classify, quality, passwords = message
        if changed is not None:
            settings = changed
        try:
            _inject_fault(path)
            result = process_document(
                path,
                _with_passwords(settings, passwords),
                classify=classify,
                quality=quality,
            )
        except MemoryError:
            result = DocumentResult(
                path=path,
                status=Status.MEMORY_LIMIT,
                error=f"{cut_value(path)}: ran out of memory under the limit of "
                f"{settings.workers.memory_limit_mb} MB (workers.memory_limit_mb)",
            )
        replies.send(("result", pickle.dumps(result)))


def _with_passwords(settings: Settings, passwords: tuple[str, ...]) -> Settings:
    """Return a copy of ``settings`` that also tries ``passwords``, or ``settings``.

    The copy serves one document. The extraction cache key leaves passwords
    out, so the copy finds the same cache entries as ``settings``. Text that a
    password opened is never written to the cache (``extract_cache.save``).
    """
    if not passwords:
        return settings
    extraction = settings.extraction.model_copy(
        update={"passwords": [*settings.extraction.passwords, *passwords]}
    )
    return settings.model_copy(update={"extraction": extraction})


def _call_function(function: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    import importlib

    module_name, _, name = function.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), name)
        return ("value", target(*args))
    except DocflowError as exc:
        # Its message is written for the user, so no class name goes before it.
        log.debug("call %s failed", function, exc_info=True)
        return ("error", str(exc))
    except Exception as exc:  # reported to the parent as the call's failure
        log.debug("call %s failed", function, exc_info=True)
        return ("error", f"{type(exc).__name__}: {exc}")


def _set_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        log.debug("prctl(PR_SET_PDEATHSIG) unavailable; relying on the lifeline pipe")


def _watch_lifeline(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    # A worker started with subprocess is mostly killed by its
    # PR_SET_PDEATHSIG first, so its folder stays until the next pool starts
    # (remove_orphaned_temporaries).
    _remove_own_temporary()
    os._exit(0)


def remove_orphaned_temporaries(folder: str | None = None) -> int:
    """Remove the workers' folders whose pool has exited; return how many.

    A pool killed with SIGKILL cannot remove its workers' folders, and a
    worker started with ``subprocess`` is killed by PR_SET_PDEATHSIG before it
    can. Each folder's name contains the pid of the pool that made it, so the
    folders of pools that no longer run are removed. ``folder`` is where to
    look, by default the temporary folder.
    """
    folder = folder or tempfile.gettempdir()
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    removed = 0
    for name in names:
        owner, dash, _ = name.removeprefix(_TEMPORARY_PREFIX).partition("-")
        if not (name.startswith(_TEMPORARY_PREFIX) and dash and owner.isdigit()):
            continue
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        if _is_running(int(owner)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    if removed:
        log.debug("removed %d folders of document workers whose pool died", removed)
    return removed


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a process of another user
        return True
    return True


def _remove_own_temporary() -> None:
    """Remove the worker's temporary folder, as its pool would, after the pool died."""
    folder = os.environ.get("TMPDIR", "")
    if os.path.basename(folder).startswith(_TEMPORARY_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


def _configure_child_logging() -> None:
    from docflow.core.log_format import OneLineFormatter

    level = os.environ.get("DOCFLOW_LOG_LEVEL", "WARNING").upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        OneLineFormatter(
            f"%(asctime)s worker[{os.getpid()}] %(levelname)s %(name)s: %(message)s"
        )
    )
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING), handlers=[handler]
    )


def _limit_memory(limit_mb: int) -> None:
    import resource

    limit = limit_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """Return this process's address space in bytes, what RLIMIT_AS limits."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _lift_memory_limit() -> None:
    """Raise the address-space limit back to its hard limit."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def warm_up(settings: Settings, load_model: bool) -> None:
    """Import the parsers and load the model once, before the first document.

    What the first document would import otherwise (the extractors with
    pypdfium2, the classifier's rules and key facts) is imported here too, so
    that document's time and its time limit cover its own work only.
    """
    import importlib

    modules = [
        "docflow.core.pipeline",
        "docflow.core.extract",
        "docflow.core.extract_cache",
        "docflow.core.quality",
        "pypdfium2",
    ]
    if load_model:
        modules += [
            "docflow.core.classify._classify",
            "docflow.core.classify.calibration",
            "docflow.core.facts",
        ]
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            if _no_memory_to_load(exc):
                raise MemoryError(str(exc)) from exc
            log.warning("warm-up: cannot import %s: %s", module, exc)
    try:
        from docflow.core.extract import registered_kinds

        registered_kinds()  # imports every extractor and its parser library
    except ImportError as exc:
        if _no_memory_to_load(exc):
            raise MemoryError(str(exc)) from exc
        log.warning("warm-up: cannot import the extractors: %s", exc)
    if not load_model:
        return
    try:
        from docflow.core.classify._model import load_model as load
    except ImportError as exc:
        log.warning("warm-up: cannot import the classifier: %s", exc)
        return
    try:
        load(settings)
    except Exception as exc:  # the first document reports the same problem
        log.warning("warm-up: cannot load the classifier model: %s", exc)


def _no_memory_to_load(exc: ImportError) -> bool:
    """Tell whether an import failed because the memory limit left no room.

    Under RLIMIT_AS the dynamic loader cannot map an extension module and
    reports "failed to map segment from shared object", an ImportError.
    """
    text = str(exc).lower()
    return "failed to map segment" in text or "cannot allocate memory" in text


def _inject_fault(path: str) -> None:
    """Misbehave on purpose for paths named in DOCFLOW_FAULT (tests only)."""
    spec = os.environ.get(FAULT_ENV, "")
    for item in filter(None, spec.split(",")):
        kind, _, needle = item.partition(":")
        if not needle or needle not in path:
            continue
        if kind == "hang":
            while True:
                time.sleep(3600)
        elif kind == "slow":
            time.sleep(float(os.environ.get("DOCFLOW_FAULT_SLOW_SECONDS") or "1"))
        elif kind == "crash":
            import ctypes

            ctypes.string_at(0)  # a real SIGSEGV
        elif kind == "exit":
            os._exit(3)
        elif kind == "oom":
            hog = []
            while True:
                hog.append(bytearray(64 * 1024 * 1024))
        elif kind == "print":
            os.write(1, b"stray output from a document worker\n")
            print("stray print from a document worker", flush=True)
