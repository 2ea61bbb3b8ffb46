"""Turn a freshly forked process into a clean one (Linux).

docflow forks two kinds of long-lived processes from a running one: MCP
servers from the command (``docflow.mcp._stdio``) and document workers from
the worker template (``docflow.core.worker_template``). A forked server uses
``become_clean_child``, so that it keeps nothing of its parent but memory. It
gets new standard streams and logging handlers, the signal dispositions of a
new interpreter, no event loop and only the descriptors it is given. It also
gets a session of its own, so its parent can signal its whole process group.
A forked worker, whose template has no threads, streams or event loop to
shed, uses the signal, logging and naming steps only.

NOTE: a child forked from a process with threads has only the forking thread,
and a lock another thread held at the fork stays held in it. ``logging`` and
the import system reset their own locks at fork; nothing here takes another.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Collection

__all__ = ["become_clean_child", "close_descriptors_from", "set_process_name"]

log = logging.getLogger(__name__)

_PR_SET_NAME = 15


def become_clean_child(
    stdin_fd: int,
    stdout_fd: int,
    error_fd: int,
    env: dict[str, str],
    keep: Collection[int] = (),
) -> None:
    """Make a just-forked child a clean process on the given descriptors.

    ``stdin_fd``, ``stdout_fd`` and ``error_fd`` become 0, 1 and 2; every
    other descriptor from 3 up is closed except those in ``keep``.
    """
    # Objects inherited from the parent are never collected here: a finalizer
    # would close a descriptor number that the child may be reusing.
    gc.freeze()
    os.setsid()

    os.dup2(stdin_fd, 0)
    os.dup2(stdout_fd, 1)
    os.dup2(error_fd, 2)
    close_descriptors_from(3, keep)
    # New stream objects: the parent's may hold unwritten output (which must
    # not be written twice) or a lock taken by one of its threads.
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(  # noqa: SIM115
        2,
        "w",
        encoding="utf-8",
        errors="backslashreplace",
        closefd=False,
        buffering=1,
    )

    reset_signals()
    # The fork may happen inside the parent's running event loop.
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)

    os.environ.clear()
    os.environ.update(env)
    remove_log_handlers()


def remove_log_handlers() -> None:
    """Drop the root logger's handlers, which write to the parent's streams."""
    root = logging.getLogger()
    for handler in root.handlers[:]:
        root.removeHandler(handler)


def reset_signals() -> None:
    """Set the signal dispositions a new Python interpreter starts with."""
    signal.set_wakeup_fd(-1)
    for signum in signal.valid_signals():
        handler = signal.getsignal(signum)
        if callable(handler) and handler is not signal.default_int_handler:
            signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Python ignores these at start-up, so writes fail with an error instead.
    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def set_process_name(name: str, title: str) -> None:
    """Name this forked process ``name`` for ``top`` and ``title`` for ``ps``.

    The name ``top`` shows is set with prctl(PR_SET_NAME), at most 15 bytes.
    The command line would otherwise stay the parent's, so an operator
    looking for the ``docflow watch`` daemon could take a child for it;
    setproctitle rewrites it. Call this before the environment changes:
    setproctitle finds the command line's memory only while the environment
    is as the interpreter started with it.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    except (OSError, AttributeError):
        log.debug("prctl(PR_SET_NAME) unavailable")
    try:
        from setproctitle import setproctitle
    except ImportError:
        log.debug("setproctitle missing; the command line stays the parent's")
        return
    setproctitle(title)


def close_descriptors_from(lowest: int, keep: Collection[int] = ()) -> None:
    """Close every open descriptor numbered ``lowest`` or higher but ``keep``."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        start = lowest
        for fd in sorted(fd for fd in keep if fd >= lowest):
            os.closerange(start, fd)
            start = fd + 1
        os.closerange(start, 65536)
        return
    for name in names:
        fd = int(name)
        if fd >= lowest and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
