"""docflow watch as a real process: real observers, folders, files and DuckDB.

Each test starts ``docflow watch`` on an inbox under tmp_path and waits (with
a bounded poll, never a fixed sleep) for the files to arrive in the output
folder. Most tests use ``--in-process`` to keep the run short; the crash and
corpus tests use the MCP servers, as ``docflow watch`` does by default.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from docflow.errors import ExitCode


def wait_for(
    condition: Callable[[], Any],
    timeout: float = 60.0,
    message: str | Callable[[], str] = "",
) -> Any:
    """Poll ``condition`` every 50 ms until it is truthy; fail after ``timeout``.

    ``message`` may be a function, called on failure (to show the log then).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout:g} s: {text}")
        time.sleep(0.05)


@dataclass
class WatchSetup:
    """An inbox, an output folder, a database and a docflow.toml in ``root``."""

    root: Path
    watch: dict[str, Any] = field(default_factory=dict)
    in_process: bool = True
    process: subprocess.Popen[bytes] | None = None
    runs: int = 0
    # Variables set for the daemon on top of this process's environment.
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.database.parent.mkdir(parents=True, exist_ok=True)
        self.write_config()

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def database(self) -> Path:
        return self.root / "state" / "docflow.duckdb"

    @property
    def log_path(self) -> Path:
        return self.root / f"watch-{self.runs}.log"

    def write_config(self) -> None:
        watch = {
            "output_dir": str(self.out),
            "stable_seconds": 1.0,
            "settle_seconds": 0.25,
            "status_seconds": 0,
            "retry_max_seconds": 1.0,
            **self.watch,
        }
        lines = [
            "[store]",
            f"database = {json.dumps(str(self.database))}",
            f"cache_dir = {json.dumps(str(self.root / 'state' / 'cache'))}",
            "[workers]",
            "count = 1",
            "[watch]",
        ]
        routes = watch.pop("routes", [])
        for key, value in watch.items():
            lines.append(f"{key} = {json.dumps(value)}")
        for route in routes:  # TOML arrays of tables, not JSON
            lines.append("[[watch.routes]]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in route.items()]
        (self.root / "docflow.toml").write_text("\n".join(lines) + "\n")

    def command(self, *args: str) -> list[str]:
        extra = ["--in-process"] if self.in_process else []
        return [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "watch",
            "--log-format",
            "json",
            *extra,
            *args,
            str(self.inbox),
        ]

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Start the daemon in a session of its own; stderr goes to ``log_path``."""
        self.runs += 1
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command(*args),
                cwd=self.root,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=self.environment(),
                start_new_session=True,
            )
        wait_for(lambda: self.events("started") or self.process.poll() is not None)
        assert self.process.poll() is None, self.log_text()
        return self.process

    def run_once(self, *args: str, timeout: float = 300.0) -> int:
        """Run ``docflow watch --once`` to the end and return its exit code."""
        self.runs += 1
        with open(self.log_path, "wb") as log:
            completed = subprocess.run(
                self.command("--once", *args),
                cwd=self.root,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=self.environment(),
                timeout=timeout,
            )
        return completed.returncode

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DOCFLOW_CONFIG", None)
        env.update(self.env)
        return env

    def stop(self, timeout: float = 120.0) -> int:
        """Send SIGTERM and return the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self) -> str:
        return self.log_text()[-4000:]

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Return the JSON log records of the current run, optionally of one event."""
        records = []
        for line in self.log_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if kind is None or record.get("event") == kind:
                records.append(record)
        return records

    def routed(self) -> dict[str, list[Path]]:
        """Return the files under the output folder by name, sidecars excluded."""
        found: dict[str, list[Path]] = {}
        if not self.out.exists():
            return found
        for path in self.out.rglob("*"):
            if path.is_file() and not path.name.endswith(".error.json"):
                found.setdefault(path.name, []).append(path)
        return found

    def inbox_files(self) -> list[Path]:
        return sorted(path for path in self.inbox.rglob("*") if path.is_file())

    def rows(self) -> list[dict[str, Any]]:
        """Return every row of the daemon's state table."""
        from docflow.watch.state import StateStore

        store = StateStore(self.database)
        with store.session(write=False) as session:
            return [vars(row) for row in session.rows_in(_ALL_STATES)]


_ALL_STATES = ("seen", "processing", "moving", "done", "failed", "held", "removed")


def model_available() -> bool:
    """Return True when a classifier model can be loaded with these settings."""
    from docflow.core.classify import model_version
    from docflow.core.config import load_settings
    from docflow.errors import DocflowError

    try:
        model_version(load_settings(environ=dict(os.environ), config_path=None))
    except DocflowError:
        return False
    return True


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SAMPLE_DOCS = Path(__file__).resolve().parents[1] / "sample_docs"

# The daemon checks for the classifier model before it starts, so every test
# here needs one, even those whose files are quarantined unread.
pytestmark = pytest.mark.skipif(
    not model_available(), reason="no classifier model is installed"
)

INVOICE_TEXT = (
    "INVOICE No. 2024-0117\nInvoice date: 12 March 2024\nBill to: Acme GmbH\n"
    "Description  Qty  Unit price  Amount\nConsulting  10  90.00  900.00\n"
    "Subtotal 900.00\nVAT 19% 171.00\nTotal due: 1071.00 EUR\n"
    "Payment due within 30 days. IBAN DE89 3704 0044 0532 0130 00\n"
)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[WatchSetup]:
    watch = WatchSetup(tmp_path)
    yield watch
    watch.kill()


def routed_names(setup: WatchSetup) -> dict[str, int]:
    return {name: len(paths) for name, paths in setup.routed().items()}


def test_watch_routes_closed_file(setup: WatchSetup) -> None:
    setup.start()
    (setup.inbox / "empty.pdf").write_bytes(b"")
    wait_for(lambda: "empty.pdf" in setup.routed(), message=setup.log_tail)
    assert setup.routed()["empty.pdf"] == [setup.out / "quarantine" / "empty.pdf"]
    report = json.loads((setup.out / "quarantine" / "empty.pdf.error.json").read_text())
    assert report["status"] == "empty"
    assert setup.inbox_files() == []
    assert setup.stop() == ExitCode.OK
    rows = setup.rows()
    assert [(row["state"], row["route"]) for row in rows] == [("done", "quarantine")]


def test_watch_json_logs_every_line(setup: WatchSetup) -> None:
    setup.start()
    (setup.inbox / "empty.txt").write_bytes(b"")
    wait_for(lambda: setup.events("quarantined"), message=setup.log_tail)
    setup.stop()
    lines = [line for line in setup.log_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    events = [record.get("event") for record in records]
    assert "received" in events
    assert "quarantined" in events
    assert events[-1] == "stopped"
    (quarantined,) = [
        record for record in records if record.get("event") == "quarantined"
    ]
    source = quarantined["path"]
    # The line names the file once as the source, not again before the reason.
    assert quarantined["message"].startswith(f"quarantined {source} -> ")
    assert f": {source}: " not in quarantined["message"]
    assert quarantined["message"].count(source) == 1


def test_watch_slow_writer_open_throughout(setup: WatchSetup) -> None:
    setup.start()
    target = setup.inbox / "slow.txt"
    pieces = [f"line {number} of a slowly written file\n" for number in range(30)]
    with open(target, "w") as handle:
        for piece in pieces:
            handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
            time.sleep(0.1)  # the writer's pace, 3 s in all: not a wait for docflow
    wait_for(lambda: "slow.txt" in setup.routed(), message=setup.log_tail)
    (routed,) = setup.routed()["slow.txt"]
    assert routed.read_text() == "".join(pieces)
    assert len(setup.events("received")) == 1


def test_watch_slow_writer_reopening(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, watch={"settle_seconds": 1.0, "stable_seconds": 1.5})
    try:
        setup.start()
        target = setup.inbox / "appended.txt"
        pieces = [f"chunk {number}\n" for number in range(25)]
        for piece in pieces:
            with open(target, "a") as handle:  # open, write, close, reopen...
                handle.write(piece)
            time.sleep(0.1)  # the writer's pace, well under settle_seconds
        wait_for(lambda: "appended.txt" in setup.routed(), message=setup.log_tail)
        (routed,) = setup.routed()["appended.txt"]
        assert routed.read_text() == "".join(pieces)
        assert len(setup.events("received")) == 1
        assert setup.inbox_files() == []
    finally:
        setup.kill()


def test_watch_wait_unchanged_keeps_reopened_file_whole(setup: WatchSetup) -> None:
    setup.start("--wait-unchanged", "3")
    target = setup.inbox / "appended.md"
    pieces = [
        f"# Part {number}\n\nChunk {number} of one document.\n" for number in range(4)
    ]
    for piece in pieces:
        with open(target, "ab") as handle:  # open, write, close, pause, reopen
            handle.write(piece.encode())
        time.sleep(1.0)  # the writer's pace, longer than settle_seconds
    wait_for(lambda: "appended.md" in setup.routed(), message=setup.log_tail)
    setup.stop()
    assert list(setup.routed()) == ["appended.md"]
    (routed,) = setup.routed()["appended.md"]
    assert routed.read_text() == "".join(pieces)
    assert len(setup.events("received")) == 1
    assert setup.inbox_files() == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_watch_signal_finishes_file(tmp_path: Path, signal_number: int) -> None:
    setup = WatchSetup(tmp_path, in_process=False)
    try:
        process = setup.start()
        scan = CORPUS / "labeled" / "invoice" / "i2d__FlipkartInvoice.png"
        shutil.copy(scan, setup.inbox / "scan.png")  # OCR keeps it busy a while
        wait_for(lambda: setup.events("received"), message=setup.log_tail)
        # The whole process group gets the signal, as from systemd or Ctrl-C.
        os.killpg(process.pid, signal_number)
        assert process.wait(120) == ExitCode.OK
    finally:
        setup.kill()
    assert setup.inbox_files() == []
    (routed,) = setup.routed()["scan.png"]
    assert routed.parent.parent.name == "processed" or routed.parent.name == "review"
    assert [row["state"] for row in setup.rows()] == ["done"]


def test_watch_output_inside_inbox(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path)
    setup.watch["output_dir"] = str(setup.inbox / "routed")
    setup.write_config()
    try:
        setup.start()
        (setup.inbox / "first.txt").write_bytes(b"")
        routed = setup.inbox / "routed" / "quarantine" / "first.txt"
        wait_for(routed.exists, message=setup.log_tail)
        # A second file as a barrier: events are handled in order, so once it
        # is routed, a new pick-up of the first one would have shown.
        (setup.inbox / "second.txt").write_bytes(b"")
        wait_for(lambda: len(setup.events("quarantined")) == 2, message=setup.log_tail)
    finally:
        setup.kill()
    received = [Path(event["path"]).name for event in setup.events("received")]
    assert received == ["first.txt", "second.txt"]
    assert routed.exists()


def test_watch_rename_into_inbox(setup: WatchSetup) -> None:
    setup.start()
    staging = setup.root / "staging"
    staging.mkdir()
    (staging / "moved.txt").write_bytes(b"")
    os.rename(staging / "moved.txt", setup.inbox / "moved.txt")
    (setup.inbox / "download.part").write_bytes(b"")  # ignored name
    os.rename(setup.inbox / "download.part", setup.inbox / "download.txt")
    wait_for(
        lambda: {"moved.txt", "download.txt"} <= set(setup.routed()),
        message=setup.log_tail,
    )
    assert routed_names(setup) == {"moved.txt": 1, "download.txt": 1}
    assert len(setup.events("received")) == 2


def test_watch_renamed_in_while_written(setup: WatchSetup) -> None:
    """A PDF renamed in after a third of it is routed whole, not quarantined."""
    data = (SAMPLE_DOCS / "invoice_freelancer.pdf").read_bytes()
    third = len(data) // 3
    setup.start()
    part = setup.inbox / "scan.pdf.part"
    with open(part, "wb") as handle:
        handle.write(data[:third])
        handle.flush()
        os.rename(part, setup.inbox / "scan.pdf")
        # The writer goes on once docflow has read the truncated file.
        wait_for(
            lambda: setup.events("delayed") or setup.events("quarantined"),
            message=setup.log_tail,
        )
        handle.write(data[third:])
    wait_for(
        lambda: setup.events("routed") or setup.events("quarantined"),
        message=setup.log_tail,
    )
    setup.stop()
    (routed,) = setup.routed()["scan.pdf"]
    assert routed.parent.parent.name == "processed" or routed.parent.name == "review"
    assert routed.read_bytes() == data
    assert not (setup.out / "quarantine").exists()
    assert setup.events("quarantined") == []
    assert len(setup.events("received")) == 2  # read again once complete
    assert [row["state"] for row in setup.rows()] == ["done"]


def test_watch_damaged_file_waits_for_quiet(setup: WatchSetup) -> None:
    """A damaged file modified just now is quarantined once it stays unchanged."""
    staging = setup.root / "staging"
    staging.mkdir()
    (staging / "old.pdf").write_bytes(b"%PDF-1.7\nnot a real PDF body either\n")
    an_hour_ago = time.time() - 3600
    os.utime(staging / "old.pdf", (an_hour_ago, an_hour_ago))
    setup.start()
    (staging / "fresh.pdf").write_bytes(b"%PDF-1.7\nnot a real PDF body\n")
    os.rename(staging / "fresh.pdf", setup.inbox / "fresh.pdf")
    os.rename(staging / "old.pdf", setup.inbox / "old.pdf")
    wait_for(lambda: len(setup.events("quarantined")) == 2, message=setup.log_tail)
    setup.stop()
    delayed = [Path(event["path"]).name for event in setup.events("delayed")]
    assert delayed == ["fresh.pdf"]  # old.pdf stopped changing long ago
    quarantined = [Path(event["path"]).name for event in setup.events("quarantined")]
    assert sorted(quarantined) == ["fresh.pdf", "old.pdf"]
    for name in ("fresh.pdf", "old.pdf"):
        report = json.loads(
            (setup.out / "quarantine" / f"{name}.error.json").read_text()
        )
        assert report["status"] == "corrupt"
    assert len(setup.events("received")) == 2


@pytest.mark.parametrize("made_as", ["folder", "link"])
def test_watch_inbox_made_again(setup: WatchSetup, made_as: str) -> None:
    """An inbox removed and made again is watched again, with a warning."""
    setup.start()
    (setup.inbox / "first.txt").write_bytes(b"")
    wait_for(lambda: "first.txt" in setup.routed(), message=setup.log_tail)
    shutil.rmtree(setup.inbox)
    if made_as == "link":
        target = setup.root / "target"
        target.mkdir()
        setup.inbox.symlink_to(target)
    else:
        setup.inbox.mkdir()
    wait_for(lambda: setup.events("inbox_back"), timeout=30, message=setup.log_tail)
    time.sleep(3)  # past the rescan that follows the warning
    (setup.inbox / "second.txt").write_bytes(b"")
    (setup.inbox.resolve() / "third.txt").write_bytes(b"")
    # Well before the rescan (watch.rescan_seconds, 300 s by default).
    wait_for(
        lambda: {"second.txt", "third.txt"} <= set(setup.routed()),
        timeout=30,
        message=setup.log_tail,
    )
    assert setup.stop() == ExitCode.OK


def test_watch_removed_before_processing(setup: WatchSetup) -> None:
    setup.start()
    doomed = setup.inbox / "doomed.txt"
    with open(doomed, "w") as handle:
        handle.write("being written")
        handle.flush()
        wait_for(lambda: setup.rows(), message="the file was not recorded as seen")
        doomed.unlink()
    (setup.inbox / "after.txt").write_bytes(b"")
    wait_for(lambda: "after.txt" in setup.routed(), message=setup.log_tail)
    assert "doomed.txt" not in setup.routed()
    assert [event["path"] for event in setup.events("removed")] == [str(doomed)]
    setup.stop()
    states = {Path(row["path"]).name: row["state"] for row in setup.rows()}
    assert states == {"doomed.txt": "removed", "after.txt": "done"}


def test_watch_move_failure_retried(setup: WatchSetup) -> None:
    # Tests run as root, where a read-only folder does not stop a write, so
    # the fault is a regular file where the quarantine folder must go: the
    # move then fails with ENOTDIR until the file is removed.
    setup.out.mkdir()
    blocker = setup.out / "quarantine"
    blocker.write_text("not a folder")
    setup.start()
    (setup.inbox / "stuck.txt").write_bytes(b"")
    wait_for(lambda: setup.events("error"), message=setup.log_tail)
    assert setup.inbox_files() == [setup.inbox / "stuck.txt"]
    assert setup.rows()[0]["state"] == "failed"
    blocker.unlink()
    wait_for(lambda: "stuck.txt" in setup.routed(), message=setup.log_tail)
    assert setup.inbox_files() == []
    setup.stop()
    assert setup.rows()[0]["state"] == "done"


def test_watch_once_processes_and_exits(setup: WatchSetup) -> None:
    for number in range(5):
        (setup.inbox / f"file-{number}.txt").write_bytes(b"")
    (setup.inbox / "sub").mkdir()
    (setup.inbox / "sub" / "nested.txt").write_bytes(b"")
    (setup.inbox / ".hidden.txt").write_bytes(b"")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED
    assert sorted(setup.routed()) == sorted(
        [f"file-{number}.txt" for number in range(5)] + ["nested.txt"]
    )
    assert setup.inbox_files() == [setup.inbox / ".hidden.txt"]


def test_watch_once_odd_files(setup: WatchSetup) -> None:
    os.mkfifo(setup.inbox / "pipe")  # reading it would block: never opened
    (setup.inbox / "link.txt").symlink_to(setup.root / "docflow.toml")
    (setup.inbox / "loop.txt").symlink_to("loop.txt")
    odd_name = os.fsdecode(b"caf\xe9 latin-1.txt")
    (setup.inbox / odd_name).write_bytes(b"")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_text()
    quarantine = setup.out / "quarantine"
    assert sorted(path.name for path in quarantine.iterdir()) == sorted(
        [
            "pipe",
            "pipe.error.json",
            "link.txt",
            "link.txt.error.json",
            "loop.txt",
            "loop.txt.error.json",
            odd_name,
            odd_name + ".error.json",
        ]
    )
    # The reasons are those docflow process gives, and a link is not followed.
    errors = {
        name: json.loads((quarantine / f"{name}.error.json").read_text())["error"]
        for name in ("pipe", "link.txt", "loop.txt")
    }
    assert errors["pipe"].endswith(": is a named pipe (FIFO), not a regular file")
    assert errors["link.txt"].endswith(
        ": is a symbolic link, which docflow watch does not follow"
    )
    assert errors["loop.txt"].endswith(": symbolic link loop")
    assert (quarantine / "link.txt").is_symlink()
    assert (setup.root / "docflow.toml").exists()
    assert setup.inbox_files() == []
    assert {row["state"] for row in setup.rows()} == {"done"}


def test_watch_once_routes_undecodable_name(setup: WatchSetup) -> None:
    name = os.fsdecode(b"caf\xe9 notes.txt")
    (setup.inbox / name).write_text("Meeting minutes\nAgenda: budget review\n")
    assert setup.run_once() == ExitCode.OK, setup.log_text()
    # Processed through a link with a valid name, and moved under its own.
    assert list(setup.routed()) == [name]
    assert "quarantine" not in str(setup.routed()[name][0]), setup.log_text()
    # Logs spell the name as the results do.
    [received] = setup.events("received")
    assert received["path"].endswith("caf\\xe9 notes.txt")
    assert "\\udce9" not in setup.log_text()


def test_watch_text_log_tells_tab_from_backslash_t(setup: WatchSetup) -> None:
    (setup.inbox / "tab\tname.txt").write_bytes(b"")
    (setup.inbox / "tab\\tname.txt").write_bytes(b"")
    (setup.inbox / "plain.txt").write_bytes(b"")
    # The last --log-format given wins over the json of setup.command.
    assert setup.run_once("--log-format", "text") == ExitCode.DOCUMENTS_FAILED, (
        setup.log_text()
    )
    received = sorted(
        line.split(" info received ", 1)[1]
        for line in setup.log_text().splitlines()
        if " info received " in line
    )
    assert received == sorted(
        [
            f"{setup.inbox}/tab\\tname.txt",  # the tab
            f"{setup.inbox}/tab\\\\tname.txt",  # the backslash and the t
            f"{setup.inbox}/plain.txt",
        ]
    )
    assert sorted(setup.routed()) == sorted(
        ["tab\tname.txt", "tab\\tname.txt", "plain.txt"]
    )


def test_watch_once_no_recursive(setup: WatchSetup) -> None:
    (setup.inbox / "top.txt").write_bytes(b"")
    (setup.inbox / "sub").mkdir()
    (setup.inbox / "sub" / "nested.txt").write_bytes(b"")
    assert setup.run_once("--no-recursive", "--ignore", "top*") == ExitCode.OK
    assert setup.routed() == {}
    assert len(setup.inbox_files()) == 2


def test_watch_polling_mode(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, watch={"stable_seconds": 1.0})
    try:
        setup.start("--poll", "0.2")
        target = setup.inbox / "polled.txt"
        pieces = [f"part {number}\n" for number in range(8)]
        with open(target, "w") as handle:
            for piece in pieces:
                handle.write(piece)
                handle.flush()
                time.sleep(0.3)  # the writer's pace: changes more often than 1 s
        wait_for(lambda: "polled.txt" in setup.routed(), message=setup.log_tail)
        (routed,) = setup.routed()["polled.txt"]
        assert routed.read_text() == "".join(pieces)
        assert len(setup.events("received")) == 1
    finally:
        setup.kill()


def test_watch_status_line_periodic(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, watch={"status_seconds": 0.2})
    try:
        setup.start()
        (setup.inbox / "a.txt").write_bytes(b"")
        wait_for(
            lambda: any(
                event["states"].get("done") for event in setup.events("status")
            ),
            message="no status line counted the file as done",
        )
    finally:
        setup.kill()


def test_watch_status_reads_database(setup: WatchSetup) -> None:
    (setup.inbox / "a.txt").write_bytes(b"")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED
    import subprocess

    completed = subprocess.run(
        setup.command("--status"),
        cwd=setup.root,
        capture_output=True,
        env=setup.environment(),
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    status = json.loads(completed.stdout)
    assert status["states"] == {"done": 1}
    assert status["routes"] == {"quarantine": 1}
    assert status["queue"] == []


def test_watch_second_daemon_rejected(setup: WatchSetup) -> None:
    setup.start()
    second = setup.run_once()
    assert second == ExitCode.USAGE
    assert "another docflow watch" in setup.log_text()


def test_watch_name_clash_adds_suffix(setup: WatchSetup) -> None:
    (setup.out / "quarantine").mkdir(parents=True)
    (setup.out / "quarantine" / "same.txt").write_text("an older file")
    (setup.inbox / "same.txt").write_bytes(b"")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED
    assert (setup.out / "quarantine" / "same.txt").read_text() == "an older file"
    assert (setup.out / "quarantine" / "same-1.txt").exists()
    assert (setup.out / "quarantine" / "same-1.txt.error.json").exists()


@pytest.mark.slow
def test_watch_burst_of_500(setup: WatchSetup) -> None:
    setup.start()
    names = [f"burst-{number:03d}.txt" for number in range(500)]
    for name in names:
        (setup.inbox / name).write_text(f"note {name}\n")
    wait_for(
        lambda: len(setup.routed()) == len(names),
        timeout=300,
        message=lambda: f"{len(setup.routed())} of {len(names)} routed",
    )
    assert routed_names(setup) == dict.fromkeys(names, 1)
    assert setup.inbox_files() == []
    assert not (setup.out / "quarantine").exists(), "a valid text was quarantined"
    setup.stop()
    rows = setup.rows()
    assert len(rows) == len(names)
    assert {row["state"] for row in rows} == {"done"}


def test_watch_duplicates_moved(setup: WatchSetup) -> None:
    (setup.inbox / "first.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK
    (setup.inbox / "copy.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK
    assert setup.routed()["copy.txt"] == [setup.out / "duplicates" / "copy.txt"]
    assert setup.routed()["first.txt"][0].parent.name != "duplicates"


def test_watch_simultaneous_copies(setup: WatchSetup) -> None:
    setup.start()
    for name in ("a.txt", "b.txt", "c.txt"):
        (setup.inbox / name).write_text(INVOICE_TEXT)
    for name in ("empty-1.txt", "empty-2.txt"):
        (setup.inbox / name).write_bytes(b"")
    wait_for(lambda: len(setup.routed()) == 5, message=setup.log_tail)
    folders = sorted(paths[0].parent.name for paths in setup.routed().values())
    # One copy is processed, the two others wait for it and are duplicates.
    assert folders.count("duplicates") == 2
    # Quarantined content is no original: each empty file gets its own report.
    assert folders.count("quarantine") == 2
    assert len(list((setup.out / "quarantine").glob("*.error.json"))) == 2


def test_watch_route_rule_template(tmp_path: Path) -> None:
    rules = [
        {"category": "receipt", "destination": "receipts"},
        {"category": "invoice", "destination": "books/{category}/{year}"},
    ]
    setup = WatchSetup(tmp_path, watch={"routes": rules, "review_confidence": 0.0})
    (setup.inbox / "bill.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK, setup.log_text()
    (routed,) = setup.routed()["bill.txt"]
    # The year comes from the invoice date found in the text, 12 March 2024.
    assert routed == setup.out / "books" / "invoice" / "2024" / "bill.txt"


def test_watch_duplicates_skipped(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, watch={"duplicates": "skip"})
    (setup.inbox / "first.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK
    (setup.inbox / "copy.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK
    assert setup.run_once() == ExitCode.OK  # a second run leaves it alone too
    assert "copy.txt" not in setup.routed()
    assert setup.inbox_files() == [setup.inbox / "copy.txt"]
    copies = [row for row in setup.rows() if row["path"].endswith("copy.txt")]
    assert [(row["state"], row["route"]) for row in copies] == [("done", "skipped")]


@pytest.mark.slow
def test_watch_kill_9_then_restart(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, in_process=False)
    names = [f"crash-{number:03d}.txt" for number in range(150)]
    try:
        setup.start()
        writer = threading.Thread(
            target=lambda: [
                (setup.inbox / name).write_text(f"{name}\n{INVOICE_TEXT}")
                for name in names
            ]
        )
        writer.start()

        wait_for(
            lambda: (
                len(setup.events("routed")) + len(setup.events("quarantined")) >= 20
            ),
            timeout=180,
            message=setup.log_tail,
        )
        setup.kill()  # SIGKILL: no cleanup at all
        writer.join()
    finally:
        setup.kill()
    assert len(setup.routed()) < len(names), "the kill came after the burst"
    # Which states the kill left depends on timing; rows caught between reading
    # and moving must be recovered, not only rescanned from the inbox.
    # tests/test_watch_recovery.py covers each state deterministically.
    half_done = [
        row
        for row in setup.rows()
        if row["state"] in ("processing", "moving", "failed")
    ]

    assert setup.run_once(timeout=600) == ExitCode.OK, setup.log_text()
    if half_done:
        assert setup.events("recovered"), setup.log_tail()
        # The summary counts them too, not only the files received.
        [stopped] = setup.events("stopped")
        assert stopped.get("recovered", 0) > 0, setup.log_tail()
    assert routed_names(setup) == dict.fromkeys(names, 1)
    assert setup.inbox_files() == []

    rows = setup.rows()
    done = [row for row in rows if row["state"] == "done"]
    assert sorted(Path(row["path"]).name for row in done) == names
    assert {row["state"] for row in rows} == {"done"}
    _assert_one_current_result_each(setup, len(names))
    assert _wait_no_servers_in(tmp_path) == []


def _servers_in(folder: Path) -> list[int]:
    """Return pids of docflow MCP servers or workers whose cwd is under ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if b"docflow" not in command:
            continue
        if cwd == folder or folder in cwd.parents:
            found.append(int(entry.name))
    return found


def _wait_no_servers_in(folder: Path, seconds: float = 30.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (pids := _servers_in(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return pids


def _assert_one_current_result_each(setup: WatchSetup, expected: int) -> None:
    from docflow.core.store import Store

    store = Store(setup.database)
    with store.connect(write=False) as connection:
        rows = connection.execute(
            "SELECT path, count(*) FROM documents WHERE is_current GROUP BY path"
        ).fetchall()
    assert len(rows) == expected
    assert {count for _, count in rows} == {1}
    routed = {str(path) for paths in setup.routed().values() for path in paths}
    assert {path for path, _ in rows} == routed


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_watch_corpus_routed_by_category(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, in_process=False)
    labels: dict[str, str] = {}
    for folder in sorted((CORPUS / "labeled").iterdir()):
        for source in sorted(folder.iterdir())[:2]:
            if source.suffix.lower() in {".md", ".txt", ".eml", ".pdf", ".docx"}:
                shutil.copy(source, setup.inbox / source.name)
                labels[source.name] = folder.name
    assert setup.run_once(timeout=600) == ExitCode.OK, setup.log_text()
    routed = setup.routed()
    assert sorted(routed) == sorted(labels)
    processed = {
        name: paths[0].parent.name
        for name, paths in routed.items()
        if paths[0].parent.parent.name == "processed"
    }
    assert processed, "no document was confident enough for processed/"
    for name, folder in processed.items():
        event = next(e for e in setup.events("routed") if e["path"].endswith(name))
        assert folder == event["category"]
    matching = sum(folder == labels[name] for name, folder in processed.items())
    assert matching >= 0.7 * len(processed), processed


def test_watch_password_after_command(setup: WatchSetup) -> None:
    source = CORPUS / "edge" / "pypdf__r2-user-password.pdf"
    if not source.is_file():
        pytest.skip("corpus not available")
    shutil.copy(source, setup.inbox / "locked.pdf")
    code = setup.run_once("--password", "wrong", "--password", "asdfzxcv")
    assert code == 0, setup.log_tail()
    (routed,) = setup.routed()["locked.pdf"]
    assert "quarantine" not in routed.parts
    assert "asdfzxcv" not in setup.log_text()


def test_watch_missing_password_file(setup: WatchSetup) -> None:
    code = setup.run_once("--password-file", str(setup.root / "absent.txt"))
    assert code == 2
    assert "cannot read the password file" in setup.log_text()


def test_watch_crash_report_removed_after_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = WatchSetup(tmp_path, in_process=False)
    (setup.inbox / "scan.txt").write_text(INVOICE_TEXT)
    monkeypatch.setenv("DOCFLOW_FAULT", "crash:scan")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_tail()
    quarantined = setup.out / "quarantine" / "scan.txt"
    report_path = setup.out / "quarantine" / "scan.txt.error.json"
    report = json.loads(report_path.read_text())
    assert report["status"] == "crashed"
    assert report["content_hash"], "a crashed file's report has no content hash"

    # The user moves the file back into a subfolder, so only the hash matches.
    monkeypatch.delenv("DOCFLOW_FAULT")
    (setup.inbox / "again").mkdir()
    quarantined.rename(setup.inbox / "again" / "scan.txt")
    assert setup.run_once() == ExitCode.OK, setup.log_tail()
    (routed,) = setup.routed()["scan.txt"]
    assert "quarantine" not in routed.parts
    assert not report_path.exists()
    assert setup.events("report_removed")


def test_watch_fixed_file_report_removed(setup: WatchSetup) -> None:
    (setup.inbox / "notes.txt").write_bytes(b"")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_tail()
    report_path = setup.out / "quarantine" / "notes.txt.error.json"
    assert report_path.exists()

    # Fixed in place of the quarantined copy: same inbox path, new content.
    (setup.out / "quarantine" / "notes.txt").unlink()
    (setup.inbox / "notes.txt").write_text(INVOICE_TEXT)
    assert setup.run_once() == ExitCode.OK, setup.log_tail()
    (routed,) = setup.routed()["notes.txt"]
    assert "quarantine" not in routed.parts
    assert not report_path.exists()


def test_watch_keeps_reports_of_other_files(setup: WatchSetup) -> None:
    quarantine = setup.out / "quarantine"
    quarantine.mkdir(parents=True)
    other_report = {
        "file": "other.txt",
        "original_path": str(setup.root / "elsewhere" / "other.txt"),
        "status": "error",
        "content_hash": "0" * 64,
    }
    (quarantine / "other.txt.error.json").write_text(json.dumps(other_report))
    # This report matches by path, but its file is still in quarantine.
    (quarantine / "kept.txt").write_text("the quarantined copy")
    kept_report = {**other_report, "original_path": str(setup.inbox / "kept.txt")}
    (quarantine / "kept.txt.error.json").write_text(json.dumps(kept_report))
    (setup.inbox / "other.txt").write_text(INVOICE_TEXT)
    (setup.inbox / "kept.txt").write_text(INVOICE_TEXT + "\nCopy 2\n")
    assert setup.run_once() == ExitCode.OK, setup.log_tail()
    assert "quarantine" not in setup.routed()["other.txt"][0].parts
    assert len(setup.routed()["kept.txt"]) == 2
    assert (quarantine / "other.txt.error.json").exists()
    assert (quarantine / "kept.txt.error.json").exists()
    assert not setup.events("report_removed")


def _document_workers(daemon: int) -> list[int]:
    """Return the pids of the sandboxed document workers under ``daemon``."""
    from processes import is_document_worker, list_descendants

    return [pid for pid in list_descendants(daemon) if is_document_worker(pid)]


def test_watch_logs_idle_worker_death(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The orchestrator checks an idle server every workers.health_interval.
    monkeypatch.setenv("DOCFLOW_WORKERS_HEALTH_INTERVAL", "0.2")
    setup = WatchSetup(tmp_path, in_process=False)
    try:
        process = setup.start()
        (worker,) = wait_for(
            lambda: _document_workers(process.pid), message=setup.log_tail
        )
        os.kill(worker, signal.SIGKILL)
        (record,) = wait_for(
            lambda: setup.events("worker_replaced"), message=setup.log_tail
        )
        replacement = wait_for(
            lambda: [pid for pid in _document_workers(process.pid) if pid != worker]
        )
        assert setup.stop() == ExitCode.OK
    finally:
        setup.kill()
    assert record["level"] == "warning"
    assert record["server"] == "classification-1"
    assert record["count"] == 1
    assert f"worker pid {worker} killed by SIGKILL" in record["message"]
    assert "died while idle and was replaced" in record["message"]
    assert len(replacement) == 1


def test_watch_once_cuts_long_pipe_path(setup: WatchSetup) -> None:
    from docflow.core.quoting import cut_value

    # A path longer than messages quote in full.
    folder = setup.inbox / ("d" * 200) / ("e" * 200)
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe")
    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_text()
    [report_path] = (setup.out / "quarantine").rglob("pipe.error.json")
    error = json.loads(report_path.read_text())["error"]
    assert error.startswith(f"{cut_value(str(folder / 'pipe'))}: is a named pipe")
    assert str(folder) not in error
