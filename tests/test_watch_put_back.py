"""A quarantined file that the user puts back into an inbox.

The encrypted PDF is made with fpdf2 and read by ``process_document`` (no
classifier, so no model is needed). Its result is routed by the daemon's
Finisher on real files with a real DuckDB database, as the daemon does after
processing: once without the password, which quarantines it, and again after
it was moved back into the inbox.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import fpdf
import pytest

from docflow.core.config import Settings, load_settings
from docflow.core.models import ReviewStatus
from docflow.core.pipeline import hash_file, process_document
from docflow.watch import mover
from docflow.watch.daemon import WatchDaemon
from docflow.watch.finisher import Finisher, Outcome, Pending
from docflow.watch.processor import InProcessProcessor
from docflow.watch.readiness import snapshot_of
from docflow.watch.results import store_saver
from test_watch_recovery import current_results, make_finisher

PASSWORD = "put-back-secret"


def load(tmp_path: Path, passwords: list[str]) -> Settings:
    (tmp_path / "db").mkdir(exist_ok=True)
    return load_settings(
        {
            "store": {
                "database": str(tmp_path / "db" / "docflow.duckdb"),
                "cache_dir": str(tmp_path / "db" / "cache"),
            },
            "extraction": {"passwords": passwords},
        },
        environ={},
    )


def write_encrypted_pdf(path: Path) -> None:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, "INVOICE No. 7\nTotal due 100.00 EUR\n")
    pdf.set_encryption(owner_password="owner", user_password=PASSWORD)
    pdf.output(str(path))


def route_file(finisher: Finisher, path: Path, settings: Settings) -> Outcome:
    """Claim, process and route ``path`` as the daemon does."""
    snapshot = snapshot_of(str(path))
    assert snapshot is not None
    digest, _ = hash_file(path)
    with finisher.state.session() as session:
        row = session.record_seen(str(path), str(path.parent), snapshot)
        session.set_fields(row.id, state="processing", content_hash=digest)
    pending = Pending(
        row.id, str(path), str(path.parent), snapshot, digest, datetime.now(UTC)
    )
    result = process_document(str(path), settings, classify=False, quality=False)
    [(_, outcome)] = finisher.route_results([(pending, result)])
    return outcome


@pytest.fixture
def finisher(tmp_path: Path) -> Finisher:
    return make_finisher(load(tmp_path, []), tmp_path)


@pytest.fixture
def quarantined(tmp_path: Path, finisher: Finisher) -> Path:
    """Return the quarantined copy of an encrypted PDF routed without password."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_encrypted_pdf(inbox / "locked.pdf")
    settings = load(tmp_path, [])
    assert route_file(finisher, inbox / "locked.pdf", settings) is Outcome.DONE
    path = tmp_path / "out" / "quarantine" / "locked.pdf"
    assert path.exists()
    report = json.loads(mover.sidecar_path(path).read_text())
    assert report["status"] == "password_required"
    assert current_results(settings) == [str(path)]
    return path


@pytest.mark.parametrize("put_back_as", ["locked.pdf", "again/locked.pdf"])
def test_put_back_with_password_replaces_result(
    tmp_path: Path, finisher: Finisher, quarantined: Path, put_back_as: str
) -> None:
    """The routed file's result replaces the quarantined one; the report goes."""
    inbox_path = tmp_path / "inbox" / put_back_as
    inbox_path.parent.mkdir(exist_ok=True)
    quarantined.rename(inbox_path)
    settings = load(tmp_path, [PASSWORD])

    outcome = route_file(finisher, inbox_path, settings)

    assert outcome is Outcome.DONE
    routed = tmp_path / "out" / "processed" / "unknown" / "locked.pdf"
    assert routed.exists()
    assert current_results(settings) == [str(routed)]
    assert not mover.sidecar_path(quarantined).exists()
    status = finisher.state.read_status()
    assert status.counts == {"done": 1, "replaced": 1}
    assert status.routes == {"processed": 1}


def test_put_back_quarantined_again_same_name(
    tmp_path: Path, finisher: Finisher, quarantined: Path
) -> None:
    """Quarantined again (no password), it takes its old name and report."""
    inbox_path = tmp_path / "inbox" / "locked.pdf"
    quarantined.rename(inbox_path)
    settings = load(tmp_path, [])

    outcome = route_file(finisher, inbox_path, settings)

    assert outcome is Outcome.DONE
    assert quarantined.exists()
    assert current_results(settings) == [str(quarantined)]
    reports = sorted(quarantined.parent.glob("*.error.json"))
    assert reports == [mover.sidecar_path(quarantined)]
    assert finisher.state.read_status().routes == {"quarantine": 1}


def test_copy_put_back_keeps_quarantined_result(
    tmp_path: Path, finisher: Finisher, quarantined: Path
) -> None:
    """A copy put back leaves the file in quarantine with its result and report."""
    inbox_path = tmp_path / "inbox" / "locked.pdf"
    shutil.copy(quarantined, inbox_path)
    settings = load(tmp_path, [PASSWORD])

    route_file(finisher, inbox_path, settings)

    routed = tmp_path / "out" / "processed" / "unknown" / "locked.pdf"
    assert current_results(settings) == [str(routed), str(quarantined)]
    assert mover.sidecar_path(quarantined).exists()
    assert finisher.state.read_status().counts == {"done": 2}


def test_empty_files_not_one_input(tmp_path: Path, finisher: Finisher) -> None:
    """Every empty file has the same hash, which ties no two of them together."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = load(tmp_path, [])
    (inbox / "first.txt").write_bytes(b"")
    route_file(finisher, inbox / "first.txt", settings)
    first = tmp_path / "out" / "quarantine" / "first.txt"
    first.unlink()  # the user deletes the file and keeps its report

    (inbox / "second.txt").write_bytes(b"")
    route_file(finisher, inbox / "second.txt", settings)

    second = tmp_path / "out" / "quarantine" / "second.txt"
    assert current_results(settings) == [str(first), str(second)]
    assert mover.sidecar_path(first).exists()


# -- files put back from processed/ or review/ --------------------------------

TEXT = "Minutes of the board meeting\n\nThe board approved the budget.\n"


def make_daemon(tmp_path: Path) -> WatchDaemon:
    """Build a daemon on ``tmp_path/inbox``, not run, to claim and route files."""
    settings = load(tmp_path, [])
    (tmp_path / "inbox").mkdir(exist_ok=True)
    return WatchDaemon(
        settings,
        InProcessProcessor(settings),
        inboxes=[tmp_path / "inbox"],
        output_dir=tmp_path / "out",
        save_results=store_saver(settings),
    )


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[WatchDaemon]:
    watch_daemon = make_daemon(tmp_path)
    yield watch_daemon
    watch_daemon.state.release()


def stored_results(daemon: WatchDaemon) -> list[str]:
    """Return the current results, after the daemon releases the database."""
    daemon.state.release()
    return current_results(daemon.settings)


def admit(daemon: WatchDaemon, path: Path) -> tuple[Pending, str | None]:
    """Claim ``path`` as the daemon does and return it with its original, if any."""
    snapshot = snapshot_of(str(path))
    assert snapshot is not None
    digest, _ = hash_file(path)
    [(pending, original)], copies = daemon._claim([(str(path), snapshot, digest)])
    assert copies == []
    return pending, original


def route_read(daemon: WatchDaemon, pending: Pending, *, review: bool) -> Path:
    """Process and route a claimed file, and return its destination."""
    result = process_document(
        pending.path, daemon.settings, classify=False, quality=False
    )
    if review:
        result = result.model_copy(update={"review_status": ReviewStatus.NEEDS_REVIEW})
    [(_, outcome)] = daemon.finisher.route_results([(pending, result)])
    assert outcome is Outcome.DONE
    with daemon.state.session(write=False) as session:
        row = session.row(pending.row_id)
    assert row is not None
    assert row.destination is not None
    return Path(row.destination)


@pytest.fixture(params=["processed", "review"])
def routed(request: pytest.FixtureRequest, daemon: WatchDaemon) -> Path:
    """Return a text file routed to processed/ or review/, with its result."""
    path = daemon.inboxes[0] / "minutes.txt"
    path.write_text(TEXT)
    pending, original = admit(daemon, path)
    assert original is None
    destination = route_read(daemon, pending, review=request.param == "review")
    assert destination.parent.name == (
        "review" if request.param == "review" else "unknown"
    )
    assert stored_results(daemon) == [str(destination)]
    return destination


@pytest.mark.parametrize("put_back_as", ["minutes.txt", "again/renamed.txt"])
def test_put_back_routed_read_again(
    daemon: WatchDaemon, routed: Path, put_back_as: str
) -> None:
    """A file moved back is no copy of itself, and its new result replaces the old."""
    inbox_path = daemon.inboxes[0] / put_back_as
    inbox_path.parent.mkdir(exist_ok=True)
    routed.rename(inbox_path)

    pending, original = admit(daemon, inbox_path)
    assert original is None
    destination = route_read(daemon, pending, review=routed.parent.name == "review")

    assert destination.parent == routed.parent
    assert stored_results(daemon) == [str(destination)]
    assert not (daemon.output_dir / "duplicates").exists()
    status = daemon.state.read_status()
    assert status.counts == {"done": 1, "replaced": 1}
    assert sum(status.routes.values()) == 1


@pytest.mark.parametrize("rewritten", [False, True])
def test_copy_of_routed_file_is_duplicate(
    daemon: WatchDaemon, routed: Path, rewritten: bool
) -> None:
    """A routed file still in place with its content is the original of a copy."""
    if rewritten:  # same bytes under a new inode, as some editors save
        data = routed.read_bytes()
        routed.unlink()
        routed.write_bytes(data)
    copy = daemon.inboxes[0] / "copy.txt"
    shutil.copy(routed, copy)

    _, original = admit(daemon, copy)

    assert original == str(routed)


def test_changed_routed_file_no_original(daemon: WatchDaemon, routed: Path) -> None:
    """An edited routed file is no original of its old content, so both stay."""
    copy = daemon.inboxes[0] / "copy.txt"
    shutil.copy(routed, copy)
    with open(routed, "a") as handle:
        handle.write("Edited after routing.\n")

    pending, original = admit(daemon, copy)
    assert original is None
    destination = route_read(daemon, pending, review=routed.parent.name == "review")

    assert stored_results(daemon) == sorted([str(routed), str(destination)])
