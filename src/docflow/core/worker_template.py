"""The worker template: one warmed process that document workers are forked from.

A document worker started as a new interpreter imports docflow, numpy and
pypdfium2 and loads the classifier model before its first document. That
took about 0.8 s of CPU on the 2-core machines docflow is measured on, for
every worker of every server and for every worker that replaces one killed
by a timeout, a crash or the memory limit. The orchestrator of a command or
of ``docflow watch`` therefore starts one template process first
(``workers.fork_workers``, Linux). The template does that warm-up once,
while the command imports the MCP SDK. Then it forks a worker, in a few
milliseconds, for each request of a server's pool
(``docflow.core.sandbox``). The workers share the template's memory until
they write to it. The template is a new interpreter, so a worker's address space, which
``workers.memory_limit_mb`` bounds, does not depend on what the command has
loaded.

How a pool requests a worker: the command and its servers keep one end of a
``SOCK_SEQPACKET`` socket pair; the template holds the other. A request is
one message: the pickled environment for the worker, and five descriptors
passed with ``SCM_RIGHTS``: the worker's request, reply and lifeline pipes,
the stream for its output, and a status socket. The template forks the
worker, writes the worker's pid to the status socket and, when it has
reaped the worker, its exit code (negative for a signal, as ``subprocess``
gives it). Only processes that inherited the socket can send requests.

The worker is supervised by its pool exactly as a worker started with
``subprocess``: it starts a session of its own, so the pool can kill its
process group, and it exits when its lifeline pipe from the pool closes.
It does not set ``PR_SET_PDEATHSIG``, whose parent would be the template.

The command kills the template when its servers have stopped. The template
also exits when every holder of the other end has closed it, that is when
the command and all its servers have exited, and it sets
``PR_SET_PDEATHSIG`` so that it ends with the command's thread that started
it. If the template dies, the pools notice at their next request and
start their workers as new interpreters again. The workers it forked are
killed then, healthy or not, because their exit can no longer be reported,
so an idle one is logged as a worker that died while idle.
"""

from __future__ import annotations

import array
import errno
import logging
import os
import pickle
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = [
    "TEMPLATE_FD_ENV",
    "EXIT_UNKNOWN",
    "TemplateWorker",
    "WorkerTemplate",
    "connection",
    "start_template",
]

log = logging.getLogger(__name__)

#: The environment variable that gives a server the number of its descriptor
#: for the template's socket.
TEMPLATE_FD_ENV = "DOCFLOW_WORKER_TEMPLATE_FD"
#: The exit code a TemplateWorker reports when the template ended before it
#: reported the worker's own.
EXIT_UNKNOWN = -1000

_PID = struct.Struct("=q")
# Seconds a pool waits for the template to report a killed worker's exit.
_REPORT_SECONDS = 5.0
# Maximum seconds a pool's thread waits for a report before another may poll.
_WAIT_SLICE_SECONDS = 0.1
_REQUEST_FDS = 5
_MAX_MESSAGE = 1 << 20
_PR_SET_PDEATHSIG = 1
_TEMPLATE_COMMAND = "from docflow.core.worker_template import main; main()"
# The pid of the process that started the template.
_PARENT_ENV = "DOCFLOW_PARENT_PID"


# --- the command's side ------------------------------------------------------


class WorkerTemplate:
    """The command's handle on its template process."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        sock: socket.socket,
    ) -> None:
        self.process = process
        self.pid = process.pid
        self._socket: socket.socket | None = sock

    @property
    def fd(self) -> int:
        """The descriptor that servers must keep open to use the template."""
        assert self._socket is not None
        return self._socket.fileno()

    def close(self) -> None:
        """Close the command's end, kill the template and reap it.

        Call this after the servers have stopped. Their workers have exited
        by then, or exit when their lifeline closes, so the template has
        nothing left to report and is killed rather than waited for.
        """
        if self._socket is None:
            return
        self._socket.close()
        self._socket = None
        self.process.kill()
        self.process.wait()


def start_template(
    settings: Settings, env: dict[str, str], errlog: IO[str]
) -> WorkerTemplate | None:
    """Start the template and return its handle, or None when it cannot start.

    ``env`` is the template's environment and ``errlog`` the stream for its
    log. The template is a new interpreter, not a fork of this process, so
    its workers start with the address space of a new worker (which
    ``workers.memory_limit_mb`` bounds), whatever this process holds.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _TEMPLATE_COMMAND, str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=errlog,
            stderr=errlog,
            pass_fds=(theirs.fileno(),),
            env={**env, _PARENT_ENV: str(os.getpid())},
            start_new_session=True,
        )
    except OSError as exc:
        ours.close()
        log.warning("cannot start the worker template (%s)", exc)
        return None
    finally:
        theirs.close()
    try:
        ours.send(pickle.dumps(settings))
    except OSError as exc:
        log.warning("the worker template did not start (%s)", exc)
        ours.close()
        process.kill()
        process.wait()
        return None
    return WorkerTemplate(process, ours)


def main() -> None:
    """Run the template: the entry point of its interpreter."""
    sock_fd = int(sys.argv[1])
    os.set_inheritable(sock_fd, False)
    from docflow.core._forking import set_process_name

    set_process_name(
        "docflow-template",
        f"docflow-template (document worker template of docflow pid {os.getppid()})",
    )
    _set_parent_death_signal()
    if os.environ.get(_PARENT_ENV) != str(os.getppid()):
        os._exit(0)  # the parent died before PDEATHSIG was set
    level = os.environ.get("DOCFLOW_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        stream=sys.stderr,
        format=f"%(asctime)s template[{os.getpid()}] %(levelname)s %(name)s: "
        "%(message)s",
    )
    sock = socket.socket(fileno=sock_fd)
    try:
        message = sock.recv(_MAX_MESSAGE)
        settings = pickle.loads(message) if message else None
    except Exception:  # the command died, or sent something else
        log.exception("the worker template got no settings")
        os._exit(1)
    if settings is None:
        os._exit(0)
    _serve(sock, settings)


# --- a pool's side -------------------------------------------------------------

_connection: socket.socket | None = None
_connection_checked = False
_connection_lock = threading.Lock()


def connection() -> socket.socket | None:
    """Return this process's socket to the template, or None if it has none.

    The socket comes from the descriptor that ``DOCFLOW_WORKER_TEMPLATE_FD``
    names, which the orchestrator kept open in the server.
    """
    global _connection, _connection_checked
    with _connection_lock:
        if not _connection_checked:
            _connection_checked = True
            _connection = _inherited_socket(os.environ.get(TEMPLATE_FD_ENV, ""))
        return _connection


def forget_connection() -> None:
    """Stop using the template in this process, after it failed."""
    global _connection
    with _connection_lock:
        if _connection is not None:
            _connection.close()
        _connection = None


def _inherited_socket(value: str) -> socket.socket | None:
    if not value.isdigit():
        return None
    try:
        sock = socket.socket(fileno=int(value))
    except OSError:
        log.debug("%s=%s names no open socket", TEMPLATE_FD_ENV, value)
        return None
    if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_SEQPACKET:
        sock.detach()  # not ours to close
        log.debug("%s=%s names another kind of socket", TEMPLATE_FD_ENV, value)
        return None
    return sock


class TemplateWorker:
    """A pool's handle on a worker that the template forked.

    It offers what the pool uses of ``subprocess.Popen``: ``pid``, ``poll``
    and ``wait``. The worker's parent is the template, which reports the
    exit code over the status socket.
    """

    def __init__(self, pid: int, status: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._status: socket.socket | None = status
        self._received = b""
        # A pool's closing thread polls while the slot's thread may wait.
        self._lock = threading.Lock()

    def poll(self) -> int | None:
        """Return the exit code, or None while the worker runs.

        While another thread waits for the exit code, this returns None.
        """
        if self.returncode is None and self._lock.acquire(blocking=False):
            try:
                if self.returncode is None:
                    self._read(0.0)
            finally:
                self._lock.release()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit code; raise TimeoutExpired after ``timeout`` seconds.

        Without ``timeout`` (after a kill), a template that does not report
        the exit within ``_REPORT_SECONDS`` is taken for hung: the worker is
        killed directly and its exit code is EXIT_UNKNOWN.
        """
        limit = _REPORT_SECONDS if timeout is None else timeout
        deadline = time.monotonic() + limit
        while self.returncode is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if timeout is not None:
                    raise subprocess.TimeoutExpired(f"worker pid {self.pid}", timeout)
                with self._lock:
                    if self.returncode is None:
                        self._lost("did not report the exit of")
                forget_connection()  # a template that stalls here stalls forks too
                break
            with self._lock:
                if self.returncode is None:
                    self._read(min(remaining, _WAIT_SLICE_SECONDS))
        assert self.returncode is not None
        return self.returncode

    def _read(self, timeout: float | None) -> None:
        status = self._status
        assert status is not None
        status.settimeout(timeout)
        try:
            chunk = status.recv(_PID.size - len(self._received))
        except (TimeoutError, BlockingIOError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the template ended before it reaped the worker
            self._lost("ended before it could report the exit of")
            return
        self._received += chunk
        if len(self._received) == _PID.size:
            (self.returncode,) = _PID.unpack(self._received)
            self._close()

    def _lost(self, what: str) -> None:
        """Kill a worker whose exit the template cannot report."""
        log.warning("the worker template %s worker pid %d; killing it", what, self.pid)
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue
            break
        self.returncode = EXIT_UNKNOWN
        self._close()

    def _close(self) -> None:
        if self._status is not None:
            self._status.close()
            self._status = None


def fork_worker(
    sock: socket.socket,
    fds: tuple[int, int, int],
    env: dict[str, str],
    timeout: float,
) -> TemplateWorker:
    """Ask the template for a worker on the pipes ``fds`` and return its handle.

    ``fds`` are the worker's request, reply and lifeline descriptors; its
    output goes to this process's stderr. Raise OSError when the template
    sends no pid within ``timeout`` seconds. It sends the first one only
    after its warm-up.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        passed = array.array("i", [*fds, sys.stderr.fileno(), theirs.fileno()])
        sock.sendmsg(
            [pickle.dumps(env)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, passed)]
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    received = b""
    ours.settimeout(timeout)
    try:
        while len(received) < _PID.size:
            chunk = ours.recv(_PID.size - len(received))
            if not chunk:
                raise OSError(errno.EPIPE, "the worker template closed the request")
            received += chunk
    except TimeoutError:
        ours.close()
        raise OSError(
            errno.ETIMEDOUT,
            f"the worker template did not answer within {timeout:g} s",
        ) from None
    except OSError:
        ours.close()
        raise
    (pid,) = _PID.unpack(received)
    if pid <= 0:
        ours.close()
        raise OSError(errno.EAGAIN, "the worker template could not fork a worker")
    return TemplateWorker(pid, ours)


# --- the template's side ---------------------------------------------------------


def _set_parent_death_signal() -> None:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        log.debug("prctl(PR_SET_PDEATHSIG) unavailable")


def _serve(sock: socket.socket, settings: Settings) -> None:
    """Warm up, then fork a worker for each request until the socket closes."""
    import gc

    from docflow.core.sandbox import warm_up

    try:
        warm_up(settings, load_model=True)
    except Exception as exc:  # each worker warms up what is missing itself
        log.warning("warm-up failed; workers will load what is missing: %s", exc)
    # Workers share the warmed objects' memory only as long as nothing writes
    # to it, and the collector's bookkeeping would.
    gc.freeze()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.set_wakeup_fd(wake_write)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    private = (sock.fileno(), wake_read, wake_write, selector.fileno())
    while True:
        for key, _ in selector.select():
            if key.fileobj is sock:
                if not _fork_for_request(sock, children, private):
                    os._exit(0)
            else:
                while True:
                    try:
                        if not os.read(wake_read, 512):
                            break
                    except BlockingIOError:
                        break
        _reap(children)


def _fork_for_request(
    sock: socket.socket, children: dict[int, socket.socket], private: tuple[int, ...]
) -> bool:
    """Fork a worker for one request; return False when the socket is closed."""
    try:
        message, ancillary, flags, _ = sock.recvmsg(
            _MAX_MESSAGE, socket.CMSG_SPACE(_REQUEST_FDS * array.array("i").itemsize)
        )
    except InterruptedError:
        return True

    fds = array.array("i")
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if not message and not fds:
        return False
    truncated = flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC)
    if truncated or len(fds) != _REQUEST_FDS:
        log.error("ignored a malformed request for a worker (%d descriptors)", len(fds))
        for fd in fds:
            os.close(fd)
        return True

    env = pickle.loads(message)
    request_fd, reply_fd, lifeline_fd, error_fd, status_fd = fds
    status = socket.socket(fileno=status_fd)
    try:
        pid = os.fork()
    except OSError as exc:
        log.error("cannot fork a document worker: %s", exc)
        pid = -1
    if pid == 0:  # the worker; it never returns from here
        try:
            status.close()
            for other in children.values():
                other.close()
            _become_worker((request_fd, reply_fd, lifeline_fd), error_fd, env, private)
        except BaseException:
            _write_traceback()
        finally:
            os._exit(1)

    for fd in (request_fd, reply_fd, lifeline_fd, error_fd):
        os.close(fd)
    try:
        status.sendall(_PID.pack(pid))
    except OSError:  # the pool gave up waiting; its worker must not linger
        if pid > 0:
            os.kill(pid, signal.SIGKILL)
    if pid > 0:
        children[pid] = status
    else:
        status.close()
    return True


def _reap(children: dict[int, socket.socket]) -> None:
    """Reap every exited worker and send its exit code to its pool."""
    while True:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        status = children.pop(pid, None)
        if status is None:
            continue
        try:
            status.sendall(_PID.pack(os.waitstatus_to_exitcode(wait_status)))
        except OSError:
            pass  # the pool has closed its end
        status.close()


def _become_worker(
    fds: tuple[int, int, int],
    error_fd: int,
    env: dict[str, str],
    private: tuple[int, ...],
) -> None:
    """Turn a fork of the template into a document worker and run it."""
    from docflow.core._forking import (
        remove_log_handlers,
        reset_signals,
        set_process_name,
    )
    from docflow.core.sandbox import run_child

    set_process_name(
        "docflow-worker",
        f"docflow-worker (document worker forked from template pid {os.getppid()})",
    )
    signal.set_wakeup_fd(-1)
    for fd in private:
        os.close(fd)
    os.setsid()
    # The worker's stdout is its pool's stderr, as for a worker started with
    # subprocess, so nothing it prints reaches a protocol stream.
    os.dup2(error_fd, 1)
    os.dup2(error_fd, 2)
    os.close(error_fd)
    reset_signals()
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # found again from the new TMPDIR
    remove_log_handlers()
    run_child(fds, forked=True)


def _write_traceback() -> None:
    try:
        import traceback

        os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    except BaseException:
        pass
