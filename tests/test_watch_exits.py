"""How docflow watch ends and what it does with files it cannot read yet.

Real ``docflow watch`` processes on real folders, as in test_watch_daemon.
A machine without tesseract is made by a PATH that does not contain it.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from docflow.errors import ExitCode
from test_watch_daemon import CORPUS, WatchSetup, model_available, wait_for

pytestmark = pytest.mark.skipif(
    not model_available(), reason="no classifier model is installed"
)

SCAN = CORPUS / "labeled" / "invoice" / "i2d__FlipkartInvoice.png"
TESSERACT = shutil.which("tesseract")
needs_scan = pytest.mark.skipif(
    not SCAN.is_file() or TESSERACT is None,
    reason="needs the shared corpus and tesseract",
)


@pytest.fixture
def no_tesseract(tmp_path: Path) -> Iterator[WatchSetup]:
    """Return a setup whose daemon finds no tesseract on PATH until bin/ gets one."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    # Its own extraction cache, so no earlier OCR of the scan is reused.
    cache = str(tmp_path / "cache")
    environment = {"PATH": str(bin_folder), "DOCFLOW_STORE_CACHE_DIR": cache}
    setup = WatchSetup(tmp_path / "run", env=environment)
    yield setup
    setup.kill()


def held_rows(setup: WatchSetup) -> list[dict]:
    return [row for row in setup.rows() if row["state"] == "held"]


@needs_scan
def test_once_without_tesseract_holds_scan(no_tesseract: WatchSetup) -> None:
    setup = no_tesseract
    shutil.copy(SCAN, setup.inbox / "scan.png")
    assert setup.run_once() == ExitCode.OCR_UNAVAILABLE, setup.log_tail()
    assert setup.inbox_files() == [setup.inbox / "scan.png"]
    assert "scan.png" not in setup.routed()
    (row,) = held_rows(setup)
    assert row["status"] == "ocr_unavailable"
    assert "tesseract is not installed" in row["error"]
    (held,) = setup.events("held")
    assert "stays in the inbox" in held["message"]


@needs_scan
def test_once_rereads_held_scan(no_tesseract: WatchSetup) -> None:
    setup = no_tesseract
    shutil.copy(SCAN, setup.inbox / "scan.png")
    assert setup.run_once() == ExitCode.OCR_UNAVAILABLE, setup.log_tail()
    assert TESSERACT is not None
    (setup.root.parent / "bin" / "tesseract").symlink_to(TESSERACT)
    assert setup.run_once() == ExitCode.OK, setup.log_tail()
    assert setup.inbox_files() == []
    assert "scan.png" in setup.routed()
    assert held_rows(setup) == []


@needs_scan
def test_daemon_retries_held_scan(no_tesseract: WatchSetup) -> None:
    setup = no_tesseract
    setup.start()
    shutil.copy(SCAN, setup.inbox / "scan.png")
    wait_for(lambda: setup.events("held"), message=setup.log_tail)
    assert setup.inbox_files() == [setup.inbox / "scan.png"]
    assert "scan.png" not in setup.routed()
    assert setup.events("delayed") == []  # no quarantine to delay
    assert TESSERACT is not None
    (setup.root.parent / "bin" / "tesseract").symlink_to(TESSERACT)
    wait_for(lambda: "scan.png" in setup.routed(), message=setup.log_tail)
    (routed,) = setup.routed()["scan.png"]
    assert routed.parent.name != "quarantine"
    assert setup.inbox_files() == []


@pytest.fixture
def watch_setup(tmp_path: Path) -> Iterator[WatchSetup]:
    setup = WatchSetup(tmp_path)
    yield setup
    setup.kill()


def test_once_quarantine_exits_1(watch_setup: WatchSetup) -> None:
    (watch_setup.inbox / "empty.pdf").write_bytes(b"")
    assert watch_setup.run_once() == ExitCode.DOCUMENTS_FAILED, watch_setup.log_tail()
    assert "empty.pdf" in watch_setup.routed()


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_daemon_stop_exits_0(watch_setup: WatchSetup, signal_number: int) -> None:
    process = watch_setup.start()
    (watch_setup.inbox / "empty.txt").write_bytes(b"")
    wait_for(lambda: "empty.txt" in watch_setup.routed(), message=watch_setup.log_tail)
    os.killpg(process.pid, signal_number)
    assert process.wait(120) == ExitCode.OK, watch_setup.log_tail()
    assert watch_setup.events("stopped")


@needs_scan
def test_held_reason_of_long_path(no_tesseract: WatchSetup) -> None:
    setup = no_tesseract
    # Over 300 characters with the inbox path, so messages cut the path.
    name = "s" * 240 + ".png"
    shutil.copy(SCAN, setup.inbox / name)
    assert setup.run_once() == ExitCode.OCR_UNAVAILABLE, setup.log_tail()
    (row,) = held_rows(setup)
    assert row["error"].startswith("tesseract is not installed"), row["error"]
    path = str(setup.inbox / name)
    (held,) = setup.events("held")
    assert held["path"] == path
    assert path not in held["message"]
    assert f"…{'s' * 146}.png ({len(path):,} characters): " in held["message"]
    # The next run reads the held file again at its start.
    setup.run_once()
    (retry,) = setup.events("retry")
    assert path not in retry["message"]
    assert f"…{'s' * 146}.png ({len(path):,} characters) again" in retry["message"]
