"""Stdio transport to an MCP server process that the orchestrator started itself.

The SDK's ``stdio_client`` (mcp 2.3) starts the server process too, so a client
must import the SDK, about 0.5 s of CPU, before any server can start. The
orchestrator instead starts its servers with ``start_server`` first, imports
the SDK while they load, and connects a ``ClientSession`` to their pipes with
``server_streams``. Messages are JSON-RPC, one per line, as the stdio transport
of the MCP specification defines.

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
from collections.abc import AsyncIterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams

__all__ = ["STOP_GRACE_SECONDS", "server_streams", "start_server"]

log = logging.getLogger(__name__)

#: Seconds a server gets to exit after its stdin closes, and again after SIGTERM.
STOP_GRACE_SECONDS = 2.0
_READ_CHUNK = 1 << 16
_EXIT_POLL_SECONDS = 0.02


def start_server(
    argv: list[str], env: dict[str, str], errlog: IO[str]
) -> subprocess.Popen[bytes]:
    """Start a server process with pipes for stdin and stdout.

    It gets a session of its own, as ``stdio_client`` gives it, so a signal
    sent to the terminal's process group reaches the client only, which then
    stops its servers in order.
    """
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errlog,
        env=env,
        start_new_session=True,
        bufsize=0,
    )


@contextlib.asynccontextmanager
async def server_streams(
    process: subprocess.Popen[bytes],
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


async def _stop(process: subprocess.Popen[bytes]) -> None:
    """Wait for the server to exit after its stdin closed; then signal its group."""
    if await _wait_exit(process, STOP_GRACE_SECONDS):
        return
    log.warning("MCP server pid %d did not exit; sending SIGTERM", process.pid)
    _signal_group(process, signal.SIGTERM)
    if await _wait_exit(process, STOP_GRACE_SECONDS):
        return
    log.warning("MCP server pid %d ignored SIGTERM; killing it", process.pid)
    _signal_group(process, signal.SIGKILL)
    await _wait_exit(process, STOP_GRACE_SECONDS)


async def _wait_exit(process: subprocess.Popen[bytes], timeout: float) -> bool:
    # Polling, because a grandchild that inherited the pipes keeps them open
    # after the server itself has exited.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while process.poll() is None:
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(_EXIT_POLL_SECONDS)
    return True


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
