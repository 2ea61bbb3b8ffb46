"""Ctrl-C at the start of processing prints only docflow's own message.

A Ctrl-C that lands while asyncio builds its event loop, or before the
processing coroutine runs, used to print "Exception ignored in
BaseEventLoop.__del__" or "coroutine ... was never awaited" on stderr. Those
windows last microseconds, so a signal sent from outside hits them only now
and then. The fault is injected instead: a child process runs the real
``docflow process`` command with one asyncio step wrapped so that it sends
SIGINT to its own process at that point, as a terminal's Ctrl-C would.
A Ctrl-C that interrupts an extension module while it initializes surfaces
as an ImportError, which must exit 130 as well, not as an internal error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from letters import write_letters  # noqa: E402

# Fault injection: the first argument picks an asyncio method, which sends
# SIGINT to this process the first time it is called and then does its work.
INTERRUPTED_CLI = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from asyncio import selector_events

    owner, name = {
        "loop_built": (selector_events.BaseSelectorEventLoop, "_make_self_pipe"),
        "task_created": (asyncio.Runner, "run"),
    }[sys.argv[1]]
    original = getattr(owner, name)
    sent = []

    def interrupted(*args, **kwargs):
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)

    setattr(owner, name, interrupted)
    sys.argv[1:] = ["process", "-f", "jsonl", "docs"]
    from docflow.cli.main import run
    run()
    """
)


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["DOCFLOW_CONFIG"] = os.devnull
    return env


def run_interrupted(tmp_path: Path, script: str, *args: str) -> str:
    """Run a fault-injection ``script`` on 3 letters; check it exited 130
    without output, and return its stderr."""
    write_letters(tmp_path, 3)
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=cli_env(tmp_path),
        timeout=120,
    )
    stderr = completed.stderr.decode()
    assert completed.returncode == 130, stderr
    assert completed.stdout == b"", stderr
    return stderr


@pytest.mark.parametrize("target", ["loop_built", "task_created"])
def test_early_interrupt_prints_one_line(tmp_path, target):
    stderr = run_interrupted(tmp_path, INTERRUPTED_CLI, target)
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(
        "docflow: interrupted before any of 3 documents was finished"
    ), stderr


def test_import_error_from_ctrl_c_is_interrupt(capsys):
    """An extension interrupted while it initializes exits 130 with one line."""
    import typer

    from docflow.cli._errors import guard

    @guard
    def command() -> None:
        # Fault injection: duckdb raises this ImportError when Ctrl-C lands
        # while its extension module initializes, which a test cannot time.
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError(
                "Encountered an error while initializing the extension."
            ) from exc

    with pytest.raises(typer.Exit) as exit_info:
        command()
    assert exit_info.value.exit_code == 130
    assert capsys.readouterr().err == "docflow: interrupted\n"


def test_error_after_interrupted_query_is_interrupt(capsys):
    import duckdb
    import typer

    from docflow.cli._errors import guard

    @guard
    def command() -> None:
        connection = duckdb.connect()
        # Fault injection: DuckDB 2.0 raises this when SIGINT stops a query,
        # and a ROLLBACK in the handler then finds no transaction.
        try:
            raise RuntimeError("Query interrupted")
        except RuntimeError:
            connection.execute("ROLLBACK")

    with pytest.raises(typer.Exit) as exit_info:
        command()
    assert exit_info.value.exit_code == 130
    assert capsys.readouterr().err == "docflow: interrupted\n"


def test_other_import_error_is_internal_error(capsys):
    import typer

    from docflow.cli._errors import guard

    @guard
    def command() -> None:
        raise ImportError("No module named 'missing'")

    with pytest.raises(typer.Exit) as exit_info:
        command()
    assert exit_info.value.exit_code == 70
    assert "internal error" in capsys.readouterr().err


def test_closed_terminal_stops_run_as_interrupt(tmp_path):
    """Closing the terminal (SIGHUP, then EIO on every write) exits 130 and
    records the run as interrupted, with stdout and stderr on that terminal."""
    import pty
    import select
    import time

    write_letters(tmp_path, 12)
    env = cli_env(tmp_path)
    env["DOCFLOW_FAULT"] = "slow:letter-"
    env["DOCFLOW_FAULT_SLOW_SECONDS"] = "0.5"
    argv = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
    pid, master = pty.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty
        try:
            os.chdir(tmp_path)
            os.execve(sys.executable, [*argv, "process", "docs"], env)
        finally:
            os._exit(127)
    terminal_output = b""
    deadline = time.monotonic() + 120
    while b"letter-" not in terminal_output and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                terminal_output += os.read(master, 65536)
            except OSError:
                break
    assert b"letter-" in terminal_output, terminal_output.decode(errors="replace")
    time.sleep(2.0)  # some letters are finished, most are not
    os.close(master)
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        pytest.fail("docflow did not exit after its terminal was closed")
    assert os.waitstatus_to_exitcode(status) == 130
    import duckdb

    with duckdb.connect(str(tmp_path / ".docflow" / "docflow.duckdb")) as db:
        runs = db.execute("SELECT status, done FROM runs").fetchall()
        stored = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert runs[0][0] == "interrupted", runs
    assert stored == runs[0][1]
    assert stored < 12


def start_reading_stdin(tmp_path, *arguments: str) -> subprocess.Popen:
    """Start docflow with ``arguments`` and write one path to its stdin, left open."""
    folder = write_letters(tmp_path, 1)
    process = subprocess.Popen(
        [sys.executable, "-c", "from docflow.cli.main import run; run()", *arguments],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path),
    )
    assert process.stdin is not None
    process.stdin.write(f"{next(folder.iterdir())}\n".encode())
    process.stdin.flush()
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_stop_signal_while_reading_stdin_is_interrupt(tmp_path, signum):
    process = start_reading_stdin(tmp_path, "process", "-")
    wait_for_path_read(process)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert b"docflow: interrupted" in stderr


def unread_bytes(pipe_fd: int) -> int:
    """Return how many bytes written to a pipe its reader has not read yet."""
    import fcntl
    import struct
    import termios

    return struct.unpack("i", fcntl.ioctl(pipe_fd, termios.FIONREAD, b"\0" * 4))[0]


def wait_for_path_read(process: subprocess.Popen) -> None:
    """Wait up to 60 s until ``process`` has read the path written to its stdin.

    The command then waits in the read for more paths, because stdin stays open.
    """
    import time

    assert process.stdin is not None
    deadline = time.monotonic() + 60
    while unread_bytes(process.stdin.fileno()) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_sigterm_while_reading_stdin_records_run(tmp_path):
    import duckdb

    database = tmp_path / "x.duckdb"
    process = start_reading_stdin(tmp_path, "--db", str(database), "classify", "-")
    wait_for_path_read(process)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert b"recorded as run 1" in stderr
    assert stdout == b""
    with duckdb.connect(str(database), read_only=True) as db:
        runs = db.execute("SELECT command, status, total, done FROM runs").fetchall()
    assert runs == [("classify", "interrupted", 0, 0)]


# Fault injection: SIGTERM arrives during planning and its KeyboardInterrupt
# is swallowed, as happens when it lands in a C extension's callback
# ("Exception ignored in: ..."), which a test cannot time.
SWALLOWED_STOP_CLI = textwrap.dedent(
    """
    import os, signal, sys, time
    from docflow.cli import _process

    original = _process.plan_run

    def planned(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises KeyboardInterrupt here
        except KeyboardInterrupt:
            pass
        return original(*args, **kwargs)

    _process.plan_run = planned
    sys.argv[1:] = ["process", "-f", "jsonl", "docs"]
    from docflow.cli.main import run
    run()
    """
)


def test_swallowed_stop_signal_still_interrupts(tmp_path):
    stderr = run_interrupted(tmp_path, SWALLOWED_STOP_CLI)
    assert "docflow: interrupted" in stderr


def docflow_processes(marker: str) -> list[int]:
    """Return the pids of live processes whose environment contains ``marker``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # the process ended meanwhile
            continue
        if marker.encode() in environ and state != "Z":
            pids.append(int(entry.name))
    return pids


def wait_for_no_processes(marker: str) -> list[int]:
    """Wait up to 10 s for the ``marker`` processes to end, then return the rest."""
    import time

    deadline = time.monotonic() + 10
    left = docflow_processes(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = docflow_processes(marker)
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_stop_signal_sweep_exits_cleanly(tmp_path):
    """A stop signal from the start up to the processing leaves one line, exit
    130, no process and no run left as running. A signal before docflow's
    handlers are installed may end the process silently by its default
    action, but only before the database exists."""
    import time

    import duckdb

    write_letters(tmp_path, 3)
    env = cli_env(tmp_path)
    env["SIGNAL_TEST_MARK"] = str(tmp_path)
    marker = f"SIGNAL_TEST_MARK={tmp_path}"
    env["DOCFLOW_STORE_CACHE_DIR"] = str(tmp_path / "cache")
    signals = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
    # Dense over the start-up, where typer builds the command outside the
    # guard, then sparse up to the processing.
    delays = [0.015 * step for step in range(1, 21)] + [0.45, 0.6, 0.8, 1.0]
    for step, delay in enumerate(delays):
        signum = signals[step % len(signals)]
        database = tmp_path / f"run-{step}.duckdb"
        process = subprocess.Popen(
            [sys.executable, "-c", "from docflow.cli.launch import run; run()"]
            + ["--db", str(database), "classify", "-q", "-f", "jsonl", "docs"],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        time.sleep(delay)
        process.send_signal(signum)
        _, stderr_bytes = process.communicate(timeout=60)
        stderr = stderr_bytes.decode(errors="replace")
        case = f"{signal.Signals(signum).name} after {delay:.2f} s: {stderr!r}"
        # Before docflow's handlers run: the default action of SIGTERM or
        # SIGHUP, or for a Ctrl-C CPython's own error while it starts
        # (init_import_site or init_sys_streams) or a KeyboardInterrupt.
        before_docflow = process.returncode == -signum or stderr.startswith(
            "Fatal Python error: init_"
        )
        if process.returncode == 0:
            pass  # a fast machine finished the three letters first
        elif before_docflow:
            assert not database.exists(), case
        else:
            assert "Traceback" not in stderr, case
            assert "Exception ignored" not in stderr, case
            assert len(stderr.splitlines()) == 1, case
            assert stderr.startswith("docflow: interrupted"), case
            assert process.returncode == 130, case
        assert wait_for_no_processes(marker) == [], case
        if database.exists():
            with duckdb.connect(str(database), read_only=True) as db:
                tables = {row[0] for row in db.execute("SHOW TABLES").fetchall()}
                statuses = (
                    db.execute("SELECT status FROM runs").fetchall()
                    if "runs" in tables
                    else []
                )
            assert ("running",) not in statuses, case


# Fault injection: the first argument picks a step that runs before a
# command's guard. That step sends the signal to this process the first time.
UNGUARDED_STOP_CLI = textwrap.dedent(
    """
    import os, signal, sys
    import typer.main
    from docflow.cli import _app

    target, signum = sys.argv[1], getattr(signal, sys.argv[2])
    owner, name = {
        "build_command": (typer.main, "get_command"),
        "parse_options": (_app, "CliOptions"),
    }[target]
    original = getattr(owner, name)
    sent = []

    def stopped(*args, **kwargs):
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signum)
        return original(*args, **kwargs)

    setattr(owner, name, stopped)
    sys.argv[1:] = ["process", "-f", "jsonl", "docs"]
    from docflow.cli.main import run
    run()
    """
)


@pytest.mark.parametrize(
    ("target", "signame"),
    [("build_command", "SIGINT"), ("parse_options", "SIGTERM")],
)
def test_stop_before_guard_prints_one_line(tmp_path, target, signame):
    stderr = run_interrupted(tmp_path, UNGUARDED_STOP_CLI, target, signame)
    assert stderr == "docflow: interrupted\n"
