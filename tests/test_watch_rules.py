"""Readiness rules, routing decisions and no-clobber moves of docflow watch.

These units take the clock and the file stat as arguments, so the rules are
checked step by step without sleeping. The moves run on real files.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from docflow.core.config import RouteRule, Settings, WatchSettings
from docflow.core.models import (
    ClassificationMetadata,
    ClassificationResult,
    DocumentResult,
    Fact,
    QualityResult,
    ReviewStatus,
    Status,
)
from docflow.errors import ConfigError
from docflow.watch import mover
from docflow.watch.readiness import FileSnapshot, ReadinessTracker
from docflow.watch.routing import check_templates, choose_route, render_destination

RECEIVED = datetime(2026, 3, 9, 12, 0)


class FakeDisk:
    """Stat results the test sets by hand (a fake for mtime and size only)."""

    def __init__(self) -> None:
        self.files: dict[str, FileSnapshot] = {}

    def write(self, path: str, size: int, mtime: float) -> None:
        self.files[path] = FileSnapshot(
            1, hash(path) & 0xFFFF, size, int(mtime * 1e9), True
        )

    def stat(self, path: str) -> FileSnapshot | None:
        return self.files.get(path)


def make_tracker(events: bool = True, wall: float = 1000.0) -> ReadinessTracker:
    return ReadinessTracker(
        stable_seconds=2.0, settle_seconds=0.25, events=events, wall_clock=lambda: wall
    )


# -- readiness -------------------------------------------------------------------


def test_readiness_close_waits_settle_time() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    disk.write("a", 10, 999.9)
    tracker.note_created("a", 0.0)
    tracker.note_modified("a", 0.0)
    tracker.note_closed("a", 0.1)
    ready, _, deadline = tracker.take_ready(0.2, disk.stat)
    assert ready == []
    assert deadline == pytest.approx(0.35)
    ready, _, _ = tracker.take_ready(0.35, disk.stat)
    assert ready == ["a"]


def test_readiness_open_writer_never_ready() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    disk.write("a", 10, 0.0)
    tracker.note_created("a", 0.0)
    tracker.note_modified("a", 0.0)
    ready, _, deadline = tracker.take_ready(3600.0, disk.stat)
    assert ready == []
    assert deadline is None


def test_readiness_reopen_needs_stable_seconds() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    disk.write("a", 10, 999.0)
    tracker.note_modified("a", 0.0)
    tracker.note_closed("a", 0.1)
    tracker.note_modified("a", 0.2)  # reopened in append mode within the settle time
    tracker.note_closed("a", 0.3)
    ready, _, deadline = tracker.take_ready(1.0, disk.stat)
    assert ready == []
    assert deadline == pytest.approx(2.3)
    assert tracker.take_ready(2.3, disk.stat)[0] == ["a"]


def test_readiness_moved_in_ready_at_once() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    disk.write("a", 10, 999.99)
    tracker.note_moved_in("a", 5.0)
    assert tracker.take_ready(5.0, disk.stat)[0] == ["a"]


def test_readiness_wait_unchanged_after_close() -> None:
    disk = FakeDisk()
    tracker = ReadinessTracker(
        stable_seconds=2.0, settle_seconds=0.25, wait_unchanged=5.0
    )
    disk.write("a", 10, 999.0)
    tracker.note_modified("a", 0.0)
    tracker.note_closed("a", 0.1)
    ready, _, deadline = tracker.take_ready(1.0, disk.stat)
    assert ready == []
    assert deadline == pytest.approx(5.1)
    disk.write("a", 20, 1002.0)  # grew without an event (a network file system)
    ready, _, deadline = tracker.take_ready(5.1, disk.stat)
    assert ready == []
    assert deadline == pytest.approx(10.1)
    assert tracker.take_ready(10.1, disk.stat)[0] == ["a"]


def test_readiness_wait_unchanged_after_move_in() -> None:
    disk = FakeDisk()
    tracker = ReadinessTracker(
        stable_seconds=2.0, settle_seconds=0.25, wait_unchanged=3.0
    )
    disk.write("a", 10, 999.99)
    tracker.note_moved_in("a", 5.0)
    ready, _, deadline = tracker.take_ready(5.0, disk.stat)
    assert ready == []
    assert deadline == pytest.approx(8.0)
    assert tracker.take_ready(8.0, disk.stat)[0] == ["a"]


def test_readiness_polling_needs_observed_stability() -> None:
    disk, tracker = FakeDisk(), make_tracker(events=False)
    disk.write("a", 10, 0.0)  # an old mtime does not count when polling
    tracker.note_found("a", 0.0)
    assert tracker.take_ready(0.0, disk.stat)[0] == []
    disk.write("a", 20, 1.0)  # grew: the wait starts again
    assert tracker.take_ready(1.5, disk.stat)[0] == []
    assert tracker.take_ready(3.4, disk.stat)[0] == []
    assert tracker.take_ready(3.5, disk.stat)[0] == ["a"]


def test_readiness_old_file_found_ready_at_once() -> None:
    disk, tracker = FakeDisk(), make_tracker(wall=1000.0)
    disk.write("old", 10, 990.0)
    disk.write("fresh", 10, 999.5)
    tracker.note_found("old", 0.0)
    tracker.note_found("fresh", 0.0)
    ready, _, deadline = tracker.take_ready(0.0, disk.stat)
    assert ready == ["old"]
    assert deadline == pytest.approx(2.0)


def test_readiness_vanished_file_reported() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    tracker.note_found("gone", 0.0)
    ready, vanished, _ = tracker.take_ready(1.0, disk.stat)
    assert ready == []
    assert vanished == ["gone"]
    assert "gone" not in tracker


def test_readiness_change_during_read_needs_quiet() -> None:
    disk, tracker = FakeDisk(), make_tracker()
    disk.write("a", 10, 999.0)
    tracker.note_changed_during_read("a", 10.0)
    assert tracker.take_ready(11.0, disk.stat)[0] == []
    assert tracker.take_ready(12.0, disk.stat)[0] == ["a"]


# -- routing ---------------------------------------------------------------------


def make_result(
    category: str = "invoice",
    confidence: float = 0.9,
    *,
    status: Status = Status.OK,
    quality: float = 80.0,
    review: ReviewStatus = ReviewStatus.APPROVED,
    facts: list[Fact] | None = None,
    path: str = "/in/scan.pdf",
) -> DocumentResult:
    if status is not Status.OK:
        return DocumentResult(path=path, status=status, error=f"{path}: broken")
    classification = ClassificationResult(
        category=category,
        confidence=confidence,
        facts=facts or [],
        metadata=ClassificationMetadata(model_version="test"),
    )
    scores = dict.fromkeys(
        ("readability_score", "structure_score", "content_quality_score"), quality
    )
    return DocumentResult(
        path=path,
        status=status,
        classification=classification,
        quality=QualityResult(overall_score=quality, **scores),
        review_status=review,
    )


def test_route_default_processed_category() -> None:
    route = choose_route(make_result(), WatchSettings(), RECEIVED, "/in")
    assert route.name == "processed"
    assert route.folder == "processed/invoice"


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (make_result(status=Status.CORRUPT), "quarantine"),
        (make_result(status=Status.EMPTY), "quarantine"),
        (make_result(confidence=0.59), "review"),
        (make_result(review=ReviewStatus.NEEDS_REVIEW), "review"),
        (make_result(confidence=0.6), "processed"),
    ],
)
def test_route_quarantine_and_review(result: DocumentResult, expected: str) -> None:
    assert choose_route(result, WatchSettings(), RECEIVED, "/in").name == expected


def test_route_rule_first_match_wins() -> None:
    watch = WatchSettings(
        routes=[
            RouteRule(category="invoice", min_confidence=0.95, destination="sure"),
            RouteRule(category="invoice", destination="invoices/{year}/{month}"),
            RouteRule(destination="everything-else"),
        ]
    )
    assert (
        choose_route(make_result(), watch, RECEIVED, "/in").folder == "invoices/2026/03"
    )
    assert (
        choose_route(make_result(confidence=0.97), watch, RECEIVED, "/in").folder
        == "sure"
    )
    letter = make_result("letter")
    assert choose_route(letter, watch, RECEIVED, "/in").folder == "everything-else"


def test_route_rule_quality_name_and_facts() -> None:
    watch = WatchSettings(
        routes=[
            RouteRule(max_quality=70, destination="poor"),
            RouteRule(name="*.png", destination="images"),
            RouteRule(facts={"total": "*"}, destination="with-total"),
        ]
    )
    total = Fact(kind="total", value="12.00 EUR", normalized="12.00")
    assert (
        choose_route(make_result(quality=65), watch, RECEIVED, "/in").folder == "poor"
    )
    png = make_result(path="/in/scan.png")
    assert choose_route(png, watch, RECEIVED, "/in").folder == "images"
    with_total = make_result(facts=[total])
    assert choose_route(with_total, watch, RECEIVED, "/in").folder == "with-total"
    assert (
        choose_route(make_result(), watch, RECEIVED, "/in").folder
        == "processed/invoice"
    )


def test_route_review_before_rules() -> None:
    watch = WatchSettings(routes=[RouteRule(category="invoice", destination="inv")])
    route = choose_route(make_result(confidence=0.3), watch, RECEIVED, "/in")
    assert route.name == "review"


def _readme_routes() -> list[RouteRule]:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    blocks = re.findall(r"```toml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    tables = [tomllib.loads(block) for block in blocks if "[[watch.routes]]" in block]
    return [
        RouteRule(**route) for table in tables for route in table["watch"]["routes"]
    ]


def test_readme_route_examples_can_match() -> None:
    """Each README route matches some document that passes review by default."""
    settings = Settings()
    routes = _readme_routes()
    watch = WatchSettings(routes=routes)
    assert len(routes) == 2
    for index, route in enumerate(routes):
        path = "/in/" + (route.name or "scan.pdf").replace("*", "scan")
        facts = [Fact(kind=kind, value="1.00") for kind in route.facts]
        matched = []
        for quality in range(101):
            # The pipeline sets needs_review for a quality under the threshold.
            low = quality < settings.quality.review_threshold
            result = make_result(
                route.category or "letter",
                0.9,
                quality=quality,
                review=ReviewStatus.NEEDS_REVIEW if low else ReviewStatus.APPROVED,
                facts=facts,
                path=path,
            )
            if choose_route(result, watch, RECEIVED, "/in").rule == index:
                matched.append(quality)
        assert matched, f"README route {index} ({route.destination}) never matches"


def test_template_uses_document_date_fact() -> None:
    date = Fact(kind="document_date", value="5 Jan 2024", normalized="2024-01-05")
    result = make_result(facts=[date])
    folder = render_destination(
        "{category}/{date:%Y}/{month}-{day}", result, RECEIVED, "/in"
    )
    assert folder == "invoice/2024/01-05"


def test_template_cannot_leave_output() -> None:
    sender = Fact(kind="sender", value="../../etc", normalized="../../etc")
    result = make_result(facts=[sender])
    folder = render_destination("by-sender/{facts[sender]}/..", result, RECEIVED, "/in")
    assert ".." not in Path(folder).parts
    assert not Path(folder).is_absolute()


@pytest.mark.parametrize("kind", ["total", "recipient", "document_date"])
def test_template_missing_fact_names_kind(kind: str) -> None:
    template = f"letters/{{facts[{kind}]}}/{{stem}}"
    folder = render_destination(template, make_result(), RECEIVED, "/in")
    assert Path(folder).parts[:2] == ("letters", f"no-{kind}")


@pytest.mark.parametrize(
    "template",
    [
        "{colour}",
        "/abs/{year}",
        "{date:%Y",
        "{date:%Q}",
        "",
        "{facts[x]}",
        "{date:/%Y}",
        "a/{date:%Y/..}",
    ],
)
def test_template_invalid_rejected(template: str) -> None:
    watch = WatchSettings(
        routes=[RouteRule(destination="a"), RouteRule(destination=template)]
    )
    with pytest.raises(ConfigError) as caught:
        check_templates(watch, "r1.toml")
    message = str(caught.value)
    assert message.startswith("r1.toml: key 'watch.routes[1].destination': ")
    assert f"destination {template!r} is invalid" in message


def test_template_date_format_nests_folders() -> None:
    watch = WatchSettings(routes=[RouteRule(destination="d/{date:%Y/%m/%d}")])
    check_templates(watch, "r1.toml")
    folder = render_destination("d/{date:%Y/%m/%d}", make_result(), RECEIVED, "/in")
    assert folder == "d/2026/03/09"


def test_template_bare_date_is_iso_date() -> None:
    folder = render_destination("d/{date}", make_result(), RECEIVED, "/in")
    assert folder == "d/2026-03-09"


def test_template_fact_slash_stays_one_folder() -> None:
    sender = Fact(kind="sender", value="A/B Ltd", normalized="A/B Ltd")
    result = make_result(facts=[sender])
    folder = render_destination("{facts[sender]}/{date:%Y}", result, RECEIVED, "/in")
    assert folder == "A_B Ltd/2026"


def test_template_number_formats() -> None:
    result = make_result(confidence=0.834, quality=75.4)
    template = "{confidence}/{confidence:.0%}/{quality}/{quality:03.0f}"
    folder = render_destination(template, result, RECEIVED, "/in")
    assert folder == "0.83/83%/75/075"


def test_template_number_formats_without_values() -> None:
    result = DocumentResult(path="/in/a.pdf", status=Status.OK)
    folder = render_destination(
        "a/{confidence:.0%}/{quality:.1f}", result, RECEIVED, "/in"
    )
    assert folder == "a"


def test_template_every_field_renders() -> None:
    from docflow.core._route_templates import TEMPLATE_FIELDS

    fields = ["facts[total]" if name == "facts" else name for name in TEMPLATE_FIELDS]
    template = "/".join(f"{{{name}}}" for name in fields)
    folder = render_destination(template, make_result(), RECEIVED, "/in")
    assert folder.count("/") == len(fields) - 1


# -- moves -----------------------------------------------------------------------


def test_free_name_adds_suffix(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_text("a")
    (tmp_path / "scan-1.pdf").write_text("b")
    assert mover.free_name(tmp_path, "scan.pdf") == tmp_path / "scan-2.pdf"
    reserved = {str(tmp_path / "scan-2.pdf")}
    assert mover.free_name(tmp_path, "scan.pdf", reserved) == tmp_path / "scan-3.pdf"


def test_free_name_skips_orphan_sidecar(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf.error.json").write_text("{}")
    assert mover.free_name(tmp_path, "bad.pdf") == tmp_path / "bad-1.pdf"


def test_move_never_overwrites(tmp_path: Path) -> None:
    source = tmp_path / "in" / "a.txt"
    source.parent.mkdir()
    source.write_text("new")
    target = tmp_path / "out" / "a.txt"
    target.parent.mkdir()
    target.write_text("old")
    with pytest.raises(FileExistsError):
        mover.move_no_clobber(source, target)
    assert target.read_text() == "old"
    assert source.read_text() == "new"


def test_move_keeps_inode_and_removes_source(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("content")
    inode = source.stat().st_ino
    target = tmp_path / "out" / "deep" / "a.txt"
    mover.move_no_clobber(source, target)
    assert not source.exists()
    assert target.stat().st_ino == inode


def test_move_across_file_systems(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on another file system than tmp_path")
    source = shm / f"docflow-test-{os.getpid()}.txt"
    source.write_text("content")
    target = tmp_path / "out" / "a.txt"
    try:
        mover.move_no_clobber(source, target)
    finally:
        source.unlink(missing_ok=True)
    assert target.read_text() == "content"
    assert not source.exists()
    assert not mover.partial_name(target).exists()


def test_move_into_file_in_the_way(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("content")
    (tmp_path / "out").write_text("a regular file where the folder should be")
    with pytest.raises(NotADirectoryError):
        mover.move_no_clobber(source, tmp_path / "out" / "a.txt")
    assert source.exists()


# -- command line --------------------------------------------------------------------


def test_cli_module_imports_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, docflow.cli.watch\n"
        "heavy = {'watchdog', 'duckdb', 'asyncio', 'docflow.watch'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


def test_text_log_escapes_newline():
    import logging

    from docflow.watch.logs import TextFormatter

    record = logging.LogRecord(
        "docflow.watch",
        logging.INFO,
        __file__,
        1,
        "received %s",
        ("a\nb\tc.txt",),
        None,
    )
    line = TextFormatter().format(record)
    assert "\n" not in line
    assert line.endswith("info received a\\nb\\tc.txt")


def test_readme_lists_every_log_event() -> None:
    """Every event the watch daemon logs is named in the README's Logs section."""
    source = Path(__file__).resolve().parents[1] / "src" / "docflow"
    logged = set()
    for path in [*source.glob("watch/*.py"), source / "mcp" / "orchestrator.py"]:
        # Also the second name of "event": "quarantined" if ... else "routed".
        pattern = r'"event": "(\w+)"(?: if [^\n]* else "(\w+)")?'
        for names in re.findall(pattern, path.read_text()):
            logged.update(name for name in names if name)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    logs = readme.split("### Logs", 1)[1].split("\n### ", 1)[0]
    assert {"routed", "quarantined", "delayed"} <= logged
    assert sorted(event for event in logged if f"`{event}`" not in logs) == []
