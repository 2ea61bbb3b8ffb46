"""Recovery of docflow watch after a crash at each step of finishing a file.

A crash is produced by a fault (``SimulatedCrash``, a BaseException that no
docflow code catches) raised at one step of a real move on real files with a
real DuckDB database. Whatever that step left on disk and in the database is
then handed to a fresh Finisher, as a restarted daemon would do, and the file
must end in exactly one place with exactly one stored result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from docflow.core.config import Settings, load_settings
from docflow.core.models import DocumentResult, Status
from docflow.core.pipeline import hash_file
from docflow.errors import ExitCode
from docflow.watch import mover
from docflow.watch.finisher import Finisher, Outcome, Pending
from docflow.watch.readiness import snapshot_of
from docflow.watch.results import store_saver
from docflow.watch.state import StateStore
from test_watch_daemon import WatchSetup, model_available


class SimulatedCrash(BaseException):
    """Stands in for kill -9 at one step: nothing in docflow catches it."""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "db").mkdir()
    return load_settings(
        {
            "store": {
                "database": str(tmp_path / "db" / "docflow.duckdb"),
                "cache_dir": str(tmp_path / "db" / "cache"),
            }
        },
        environ={},
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def make_finisher(settings: Settings, tmp_path: Path) -> Finisher:
    state = StateStore(settings.store.database)
    return Finisher(state, settings, tmp_path / "out", store_saver(settings))


def claim(finisher: Finisher, path: Path) -> tuple[Pending, DocumentResult]:
    """Record ``path`` as processing, as the daemon does before reading it."""
    snapshot = snapshot_of(str(path))
    assert snapshot is not None
    digest, size = hash_file(path)
    with finisher.state.session() as session:
        row = session.record_seen(str(path), str(path.parent), snapshot)
        session.set_fields(row.id, state="processing", content_hash=digest)
    pending = Pending(
        row.id, str(path), str(path.parent), snapshot, digest, datetime.now(UTC)
    )
    result = DocumentResult(
        path=str(path),
        status=Status.EMPTY,
        error=f"{path}: file is empty (0 bytes)",
        content_hash=digest,
        size=size,
    )
    return pending, result


def row_states(finisher: Finisher) -> list[str]:
    with finisher.state.session() as session:
        return [row.state for row in session.rows_in(_STATES)]


_STATES = ("seen", "processing", "moving", "done", "failed", "removed")


def current_results(settings: Settings) -> list[str]:
    from docflow.core.store import Store

    with Store(settings.store.database).connect(write=False) as connection:
        rows = connection.execute(
            "SELECT path FROM documents WHERE is_current ORDER BY path"
        ).fetchall()
    return [path for (path,) in rows]


def restart(settings: Settings, tmp_path: Path) -> list[Outcome]:
    """Finish every row left in moving or failed with a fresh Finisher."""
    finisher = make_finisher(settings, tmp_path)
    with finisher.state.session() as session:
        rows = session.rows_in(["moving", "failed"])
    return [finisher.finish_row(row) for row in rows]


def crash_at(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise SimulatedCrash(name)

    monkeypatch.setattr(target, name, crash)


@pytest.fixture
def empty_file(inbox: Path) -> Iterator[Path]:
    path = inbox / "scan.pdf"
    path.write_bytes(b"")
    yield path


def test_crash_before_move(
    settings: Settings,
    tmp_path: Path,
    empty_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)
    with monkeypatch.context() as patch:
        crash_at(patch, mover, "move_no_clobber")
        with pytest.raises(SimulatedCrash):
            finisher.route_results([(pending, result)])
    assert row_states(finisher) == ["moving"]
    assert empty_file.exists()

    assert restart(settings, tmp_path) == [Outcome.DONE]
    destination = tmp_path / "out" / "quarantine" / "scan.pdf"
    assert destination.exists()
    assert not empty_file.exists()
    assert mover.sidecar_path(destination).exists()
    assert not (tmp_path / "out" / "quarantine" / "scan-1.pdf").exists()
    assert current_results(settings) == [str(destination)]


def test_crash_between_link_and_unlink(
    settings: Settings,
    tmp_path: Path,
    empty_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)
    with monkeypatch.context() as patch:
        crash_at(patch, mover, "_unlink_source")
        with pytest.raises(SimulatedCrash):
            finisher.route_results([(pending, result)])
    destination = tmp_path / "out" / "quarantine" / "scan.pdf"
    assert os.path.samefile(destination, empty_file)

    assert restart(settings, tmp_path) == [Outcome.DONE]
    assert destination.exists()
    assert not empty_file.exists()
    assert current_results(settings) == [str(destination)]


def test_crash_while_marking_done(
    settings: Settings,
    tmp_path: Path,
    empty_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)
    saver = finisher.save_results

    def save_then_crash(connection: object, items: object, replaced: object) -> None:
        assert saver is not None
        saver(connection, items, replaced)
        raise SimulatedCrash("after the store insert, before the commit")

    finisher.save_results = save_then_crash
    with pytest.raises(SimulatedCrash):
        finisher.route_results([(pending, result)])
    destination = tmp_path / "out" / "quarantine" / "scan.pdf"
    assert destination.exists()
    assert current_results(settings) == []  # the transaction was rolled back

    assert restart(settings, tmp_path) == [Outcome.DONE]
    assert current_results(settings) == [str(destination)]
    assert row_states(make_finisher(settings, tmp_path)) == ["done"]


def test_restart_source_replaced(
    settings: Settings,
    tmp_path: Path,
    empty_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)
    with monkeypatch.context() as patch:
        crash_at(patch, mover, "move_no_clobber")
        with pytest.raises(SimulatedCrash):
            finisher.route_results([(pending, result)])
    empty_file.unlink()
    empty_file.write_text("a new file under the same name")

    assert restart(settings, tmp_path) == [Outcome.CHANGED]
    assert row_states(finisher) == ["seen"]
    assert empty_file.read_text() == "a new file under the same name"
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_restart_source_vanished(
    settings: Settings,
    tmp_path: Path,
    empty_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)
    with monkeypatch.context() as patch:
        crash_at(patch, mover, "move_no_clobber")
        with pytest.raises(SimulatedCrash):
            finisher.route_results([(pending, result)])
    empty_file.unlink()

    assert restart(settings, tmp_path) == [Outcome.REMOVED]
    assert row_states(finisher) == ["removed"]
    assert not list((tmp_path / "out").rglob("*.error.json"))


def record_interrupted_twice(setup: WatchSetup, poison: Path) -> None:
    """Write ``poison`` and record it as read by two daemons that died."""
    poison.write_text("a file the daemon died on twice")
    snapshot = snapshot_of(str(poison))
    assert snapshot is not None
    state = StateStore(setup.database)
    with state.session() as session:
        row = session.record_seen(str(poison), str(setup.inbox), snapshot)
        session.set_fields(row.id, state="processing", attempts=2)


@pytest.mark.skipif(not model_available(), reason="no classifier model is installed")
def test_interrupted_too_often_quarantined(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path, watch={"max_attempts": 2})
    poison = setup.inbox / "poison.txt"
    record_interrupted_twice(setup, poison)

    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_text()
    destination = setup.out / "quarantine" / "poison.txt"
    assert destination.exists()
    report = mover.sidecar_path(destination).read_text()
    assert "interrupted 2 times" in report
    assert [row["state"] for row in setup.rows()] == ["done"]
    # The closing summary counts the recovered file.
    [stopped] = setup.events("stopped")
    assert stopped["recovered"] == 1, setup.log_text()
    [recovered] = setup.events("recovered")
    assert recovered["message"].startswith("recovered 1 file left"), recovered


@pytest.mark.skipif(not model_available(), reason="no classifier model is installed")
def test_interrupted_long_path_message_cut(tmp_path: Path) -> None:
    from docflow.core.quoting import cut_value

    setup = WatchSetup(tmp_path, watch={"max_attempts": 2})
    # A path longer than messages quote in full.
    folder = setup.inbox / ("d" * 200) / ("e" * 200)
    folder.mkdir(parents=True)
    poison = folder / "poison.txt"
    record_interrupted_twice(setup, poison)

    assert setup.run_once() == ExitCode.DOCUMENTS_FAILED, setup.log_text()
    [destination] = (setup.out / "quarantine").rglob("poison.txt")
    error = json.loads(mover.sidecar_path(destination).read_text())["error"]
    assert error.startswith(f"{cut_value(str(poison))}: processing was interrupted")
    assert str(folder) not in error


def test_file_in_the_way_retried_not_crashed(
    settings: Settings, tmp_path: Path, empty_file: Path
) -> None:
    blocker = tmp_path / "out" / "quarantine"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the folder should be\n")
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, empty_file)

    assert finisher.route_results([(pending, result)]) == [(pending, Outcome.RETRY)]
    # The retry and a restart clean up under the same destination; both
    # used to raise NotADirectoryError and stop the daemon.
    assert restart(settings, tmp_path) == [Outcome.RETRY]
    assert empty_file.exists()

    blocker.unlink()
    assert restart(settings, tmp_path) == [Outcome.DONE]
    assert (blocker / "scan.pdf").exists()


def test_long_name_quarantined_shortened(
    settings: Settings, tmp_path: Path, inbox: Path
) -> None:
    name = "請求書" * 27 + ".pdf"  # 247 bytes in UTF-8
    path = inbox / name
    path.write_bytes(b"")
    finisher = make_finisher(settings, tmp_path)
    pending, result = claim(finisher, path)

    assert finisher.route_results([(pending, result)]) == [(pending, Outcome.DONE)]
    (destination,) = (tmp_path / "out" / "quarantine").glob("*.pdf")
    assert len(os.fsencode(destination.name)) <= 238
    assert destination.name.endswith(".pdf")
    assert mover.sidecar_path(destination).exists()
    assert not path.exists()


def test_reread_held_file_clears_hold(settings, inbox, tmp_path):
    finisher = make_finisher(settings, tmp_path)
    scan = inbox / "scan.txt"
    scan.write_bytes(b"")
    pending, result = claim(finisher, scan)
    unavailable = result.model_copy(
        update={
            "status": Status.OCR_UNAVAILABLE,
            "error": f"{scan}: tesseract is not installed",
        }
    )
    [(_, outcome)] = finisher.route_results([(pending, unavailable)])
    assert outcome is Outcome.HELD
    assert pending.row_id in finisher.held

    # The file changed, so the daemon read it again before the retry was due.
    pending, result = claim(finisher, scan)
    [(_, outcome)] = finisher.route_results([(pending, result)])
    assert outcome is Outcome.DONE
    assert finisher.held == set()
    assert finisher.retry_at == {}
