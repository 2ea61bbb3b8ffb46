"""Stdio transport to an MCP server process that the orchestrator started itself.

The SDK's ``stdio_client`` (mcp 2.3) starts the server process too, so a client
must import the SDK, about 0.5 s of CPU, before any server can start. The
orchestrator instead starts its servers with ``start_server`` first, imports
the SDK while they load, and connects a ``ClientSession`` to their pipes with
``server_streams``. Messages are JSON-RPC, one per line, as the stdio transport
of the MCP specification defines.

On Linux the orchestrator starts its servers with ``fork_server``, by forking
its own process. The new process skips the interpreter's start and docflow's
imports. When the parent had already imported the SDK (the second and later
servers of a command or of ``docflow watch``, and every restarted server), it
also skips the SDK import, about 0.65 s of CPU here, which on a 2-core machine
competes with the documents. The child keeps nothing of its parent
but memory: it gets its own pipes, session, streams, signal handlers and
event loop, closes every other descriptor (but the worker template's
socket, ``docflow.core.worker_template``), never collects its parent's
objects (``gc.freeze``), and ends with ``os._exit``, so no buffer or exit
handler of the parent runs twice.

NOTE: the parent may have threads (the result writer, the watch daemon's
observer and thread pool). Only the forking thread exists in the child, and
a lock another thread held at the fork stays held there. So the child uses
nothing of the parent's that takes a lock. It makes new ``sys`` streams and
logging handlers, and ``logging`` and the import system reset their own
locks at fork.

Shutdown follows the specification's order: close the server's stdin, wait
``STOP_GRACE_SECONDS`` for it to exit, then SIGTERM and finally SIGKILL its
process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams

__all__ = [
    "STOP_GRACE_SECONDS",
    "ForkedServer",
    "ServerProcess",
    "fork_server",
    "server_streams",
    "start_server",
]

log = logging.getLogger(__name__)

#: Seconds a server gets to exit after its stdin closes, and again after SIGTERM.
STOP_GRACE_SECONDS = 2.0
_READ_CHUNK = 1 << 16
_EXIT_POLL_SECONDS = 0.02


class ForkedServer:
    """The parent's handle on a forked server: the parts of Popen docflow uses."""

    def __init__(self, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self.args = f"<forked docflow MCP server pid {pid}>"

    def poll(self) -> int | None:
        """Return the exit code (negative for a signal), or None while it runs."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere, so it is gone either way
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit code; raise TimeoutExpired after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            time.sleep(_EXIT_POLL_SECONDS)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


#: A server process started either way.
ServerProcess = subprocess.Popen[bytes] | ForkedServer


def fork_server(
    main: Callable[[Sequence[str]], int],
    args: Sequence[str],
    env: dict[str, str],
    errlog: IO[str],
    name: str,
    keep: Sequence[int] = (),
) -> ForkedServer:
    """Fork a server process that runs ``main(args)`` on a fresh pair of pipes.

    Import the module of ``main`` first. The child imports what the parent
    lacks, so no other thread of the parent may be importing a module at the
    fork, or the child would wait forever for that module's lock. ``name``
    becomes the process name that ``top`` and ``ps -o comm`` show (at most
    15 bytes), since the command line stays the parent's. The descriptors in
    ``keep`` stay open in the server under the same numbers. Linux only.
    """
    errlog.flush()
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    error_fd = errlog.fileno()
    try:
        pid = os.fork()
    except OSError:
        for fd in (stdin_read, stdin_write, stdout_read, stdout_write):
            os.close(fd)
        raise
    if pid == 0:  # the server; it never returns from here
        try:
            from docflow.core._forking import become_clean_child, set_process_name

            set_process_name(
                name, f"{name} (MCP server forked from docflow pid {os.getppid()})"
            )
            become_clean_child(stdin_read, stdout_write, error_fd, env, keep)
            from docflow.mcp._server import exit_after

            exit_after(lambda: main(list(args)))
        except BaseException:
            with contextlib.suppress(BaseException):
                import traceback

                os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        finally:
            os._exit(1)
    os.close(stdin_read)
    os.close(stdout_write)
    return ForkedServer(
        pid,
        os.fdopen(stdin_write, "wb", buffering=0),
        os.fdopen(stdout_read, "rb", buffering=0),
    )


def start_server(
    argv: list[str], env: dict[str, str], errlog: IO[str], keep: Sequence[int] = ()
) -> subprocess.Popen[bytes]:
    """Start a server process with pipes for stdin and stdout.

    It gets a session of its own, as ``stdio_client`` gives it, so a signal
    sent to the terminal's process group reaches the client only, which then
    stops its servers in order. The descriptors in ``keep`` stay open in it.
    """
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errlog,
        env=env,
        start_new_session=True,
        bufsize=0,
        pass_fds=tuple(keep),
    )


@contextlib.asynccontextmanager
async def server_streams(
    process: ServerProcess,
) -> AsyncIterator[TransportStreams]:
    """Yield the (read, write) message streams of ``process`` for a ClientSession.

    When the server exits or closes stdout, the read stream ends, so the
    session's pending requests fail and the caller can restart the server.
    Leaving the block stops the server and waits for it.
    """
    import anyio
    import mcp_types
    from mcp.shared.message import SessionMessage

    assert process.stdin is not None and process.stdout is not None
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_READ_CHUNK)
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), process.stdout
        )
        write_transport, write_protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, process.stdin
        )
    except BaseException:  # cancelled or failed before the streams existed
        process.kill()
        process.wait()
        process.stdin.close()
        process.stdout.close()
        raise
    writer = asyncio.StreamWriter(write_transport, write_protocol, None, loop)

    incoming_send, incoming = anyio.create_memory_object_stream[Any](0)
    outgoing, outgoing_receive = anyio.create_memory_object_stream[Any](0)

    async def read_messages() -> None:
        buffer = b""
        async with incoming_send:
            while True:
                try:
                    chunk = await reader.read(_READ_CHUNK)
                except (ConnectionError, OSError):
                    return
                if not chunk:
                    return
                lines = (buffer + chunk).split(b"\n")
                buffer = lines.pop()
                for line in lines:
                    if line.strip():
                        await deliver(line)

    async def deliver(line: bytes) -> None:
        try:
            message: Any = SessionMessage(
                mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
            )
        except ValueError as exc:
            log.error(
                "MCP server pid %d sent an invalid JSON-RPC message: %s",
                process.pid,
                exc,
            )
            message = exc
        # After the session closed, messages are read and dropped, so a server
        # blocked on a full stdout pipe can still see its stdin close and exit.
        with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            await incoming_send.send(message)

    async def write_messages() -> None:
        try:
            async with outgoing_receive:
                async for message in outgoing_receive:
                    data = message.message.model_dump_json(
                        by_alias=True, exclude_unset=True
                    )
                    writer.write(data.encode("utf-8") + b"\n")
                    await writer.drain()
        except (ConnectionError, OSError, anyio.ClosedResourceError) as exc:
            # The server stopped reading: end the session instead of letting a
            # request wait for a response that cannot come.
            log.info("cannot write to MCP server pid %d: %r", process.pid, exc)
            await incoming_send.aclose()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read_messages)
        tasks.start_soon(write_messages)
        try:
            yield incoming, outgoing
        finally:
            with anyio.CancelScope(shield=True):
                await outgoing.aclose()
                await incoming.aclose()
                writer.close()
                await _stop(process)
            tasks.cancel_scope.cancel()
    read_transport.close()


async def _stop(process: ServerProcess) -> None:
    """Wait for the server to exit after its stdin closed; then signal its group."""
    if await _wait_exit(process, STOP_GRACE_SECONDS):
        return
    # A server replies to the requests it has read before it exits, so one
    # in the middle of a batch when a run is interrupted is still busy here.
    log.info(
        "MCP server pid %d did not exit within %g s; sending SIGTERM",
        process.pid,
        STOP_GRACE_SECONDS,
    )
    _signal_group(process, signal.SIGTERM)
    if await _wait_exit(process, STOP_GRACE_SECONDS):
        return
    log.warning("MCP server pid %d ignored SIGTERM; killing it", process.pid)
    _signal_group(process, signal.SIGKILL)
    await _wait_exit(process, STOP_GRACE_SECONDS)


async def _wait_exit(process: ServerProcess, timeout: float) -> bool:
    # Polling, because a grandchild that inherited the pipes keeps them open
    # after the server itself has exited.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while process.poll() is None:
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(_EXIT_POLL_SECONDS)
    return True


def _signal_group(process: ServerProcess, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
