"""Helpers for tests that run docflow as a process: environment, terminal, /proc."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path


def docflow_env(
    tmp_path: Path, *, config: str | None = None, **extra: str
) -> dict[str, str]:
    """Return this process's environment for a docflow run in ``tmp_path``.

    DOCFLOW_* variables are dropped, one worker is used, and the settings
    file is ``tmp_path / config``, or the empty os.devnull (built-in defaults)
    when ``config`` is None. ``extra`` adds variables.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["DOCFLOW_CONFIG"] = os.devnull if config is None else str(tmp_path / config)
    env.update(extra)
    return env


def run_console_script(
    cwd: Path,
    *args: str,
    env: dict[str, str],
    flags: tuple[str, ...] = (),
    **run: object,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``docflow ARGS`` through the console script's entry point in ``cwd``.

    ``flags`` go to the interpreter (``-X utf8``); ``run`` overrides the
    subprocess.run options (stdout and stderr are captured by default).
    """
    options: dict[str, object] = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "timeout": 180,
    }
    options.update(run)
    command = "from docflow.cli.launch import run; run()"
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, *flags, "-c", command, *args], cwd=cwd, env=env, **options
    )


def read_terminal(
    master: int, process: subprocess.Popen, timeout: float = 120
) -> bytes:
    """Read what a process writes to a pseudo-terminal until it exits."""
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the process has exited
                break
            output += chunk
        elif process.poll() is not None:
            break
    return output


def list_children(parent: int) -> list[int]:
    """Return the pids whose parent is ``parent``."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(entry))
    return children


def list_descendants(root: int) -> list[int]:
    """Return the pids of ``root``'s children, their children, and so on."""
    found: list[int] = []
    pending = [root]
    while pending:
        children = list_children(pending.pop())
        found += children
        pending += children
    return found


def command_line(pid: int) -> bytes:
    """Return the command line of ``pid`` with spaces between the arguments."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").strip()
    except OSError:
        return b""


def is_document_worker(pid: int) -> bool:
    """Tell whether ``pid`` is a document worker, started or forked."""
    command = command_line(pid)
    return b"run_child" in command or command.startswith(b"docflow-worker")


def is_worker_template(pid: int) -> bool:
    """Tell whether ``pid`` is the worker template of a docflow command."""
    return command_line(pid).startswith(b"docflow-template")
