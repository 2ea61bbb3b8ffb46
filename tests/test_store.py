"""Tests of the DuckDB store on real database files under tmp_path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from docflow.core.models import (
    ClassificationMetadata,
    ClassificationResult,
    DocumentResult,
    Evidence,
    Fact,
    QualityIssue,
    QualityResult,
)
from docflow.core.store import (
    SCHEMA_VERSION,
    FileStat,
    ResultWriter,
    RunProgress,
    Store,
    display_path,
)
from docflow.core.store._store import OTHER_HOST_SILENCE
from docflow.errors import ResultNotFound, StoreError, UsageError


def make_result(
    path: str,
    content_hash: str,
    *,
    status: str = "ok",
    category: str | None = "invoice",
    confidence: float = 0.9,
    model: str = "m1",
    quality: float | None = 80.0,
    review: str = "approved",
) -> DocumentResult:
    classification = None
    if category is not None and status == "ok":
        classification = ClassificationResult(
            category=category,
            confidence=confidence,
            keywords=["total", "due"],
            evidence=[Evidence(term="total", weight=0.4, source="model")],
            facts=[
                Fact(
                    kind="total",
                    value="€12.00",
                    normalized="12.00",
                    currency="EUR",
                    page=1,
                    start=10,
                    end=16,
                )
            ],
            metadata=ClassificationMetadata(model_version=model, pages=1),
        )
    quality_result = None
    if quality is not None and status == "ok":
        quality_result = QualityResult(
            overall_score=quality,
            readability_score=70.0,
            structure_score=60.0,
            content_quality_score=90.0,
            issues=[QualityIssue(code="empty_page", message="page 2 is empty", page=2)],
            recommendations=["rescan page 2"],
            metrics={"words": 120},
        )
    return DocumentResult(
        path=path,
        status=status,
        error=None if status == "ok" else f"{path}: failed",
        content_hash=content_hash if status != "unreadable" else None,
        size=100,
        detected_type="pdf",
        pages=2,
        classification=classification,
        quality=quality_result,
        review_status=review if status == "ok" else None,
        duration_ms=15.0,
        warnings=["font without unicode map"],
    )


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "db" / "docflow.duckdb", lock_timeout=30.0)


def write(store: Store, *results: DocumentResult, fingerprint: str = "fp") -> None:
    with ResultWriter(store, fingerprint=fingerprint, flush_rows=1000) as writer:
        for result in results:
            writer.add(result, stat=FileStat(result.path, result.size or 0, 7))


def count(store: Store, sql: str) -> int:
    connection = duckdb.connect(str(store.path), read_only=True)
    try:
        return connection.execute(sql).fetchall()[0][0]
    finally:
        connection.close()


def test_schema_created_with_version(store):
    write(store, make_result("/d/a.pdf", "h1"))
    assert count(store, "SELECT max(version) FROM schema_info") == SCHEMA_VERSION


def test_schema_newer_version_rejected(store):
    write(store, make_result("/d/a.pdf", "h1"))
    connection = duckdb.connect(str(store.path))
    connection.execute("INSERT INTO schema_info VALUES (999, now()::TIMESTAMP)")
    connection.close()
    with pytest.raises(StoreError, match="newer than this docflow"):
        Store(store.path).results()


def make_version_1_database(path) -> None:
    """Create a database as the first release of the schema left it."""
    from docflow.core.store._schema import _MIGRATIONS

    path.parent.mkdir(parents=True)
    connection = duckdb.connect(str(path))
    connection.execute(
        "CREATE TABLE schema_info (version INTEGER NOT NULL, "
        "migrated_at TIMESTAMP NOT NULL)"
    )
    for statement in _MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute("INSERT INTO schema_info VALUES (1, now()::TIMESTAMP)")
    connection.close()


def test_version_1_database_migrated_on_write(store):
    make_version_1_database(store.path)
    write(Store(store.path), make_result("/d/a.pdf", "h1", category="unknown"))
    assert Store(store.path).results()[0].result.path == "/d/a.pdf"
    assert count(store, "SELECT max(version) FROM schema_info") == SCHEMA_VERSION
    assert count(store, "SELECT count(*) FROM review_queue") == 1
    assert count(store, "SELECT count(*) FROM current_results") == 1


def test_pages_read_stored(store):
    partial = make_result("/d/long.pdf", "h1").model_copy(
        update={"pages": 40, "pages_read": 3}
    )
    write(store, partial)
    (stored,) = Store(store.path).results()
    assert (stored.result.pages, stored.result.pages_read) == (40, 3)


def test_version_2_rows_read_every_page(store):
    from docflow.core.store._schema import _MIGRATIONS

    make_version_1_database(store.path)
    connection = duckdb.connect(str(store.path))
    for statement in _MIGRATIONS[1]:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO documents (id, path, pages, status, processed_at, stored_at, "
        "is_current) VALUES (1, '/d/old.pdf', 5, 'ok', now()::TIMESTAMP, "
        "now()::TIMESTAMP, true)"
    )
    connection.execute("UPDATE schema_info SET version = 2")
    connection.close()
    (stored,) = Store(store.path).results()
    assert stored.result.pages_read == 5


def test_version_4_database_stores_absent_scores(store):
    from docflow.core.store._schema import _MIGRATIONS

    make_version_1_database(store.path)
    connection = duckdb.connect(str(store.path))
    for statements in _MIGRATIONS[1:4]:
        for statement in statements:
            connection.execute(statement)
    connection.execute("UPDATE schema_info SET version = 4")
    connection.close()
    result = make_result("/d/symbols.txt", "h1")
    quality = result.quality.model_copy(
        update={"readability_score": None, "structure_score": None}
    )
    write(store, result.model_copy(update={"quality": quality}))
    (stored,) = Store(store.path).results()
    assert stored.result.quality.readability_score is None
    assert stored.result.quality.structure_score is None
    assert stored.result.quality.content_quality_score == 90.0
    assert count(store, "SELECT count(*) FROM current_results") == 1


def test_review_reasons_stored(store):
    reasons = ["quality 41 under quality.review_threshold 60", "garbage text on page 2"]
    waiting = make_result("/d/scan.pdf", "h1").model_copy(
        update={"review_status": "needs_review", "review_reasons": reasons}
    )
    write(store, waiting)
    (stored,) = Store(store.path).results()
    assert stored.result.review_reasons == reasons
    assert count(store, "SELECT count(*) FROM review_queue") == 1


def test_version_3_rows_have_no_review_reasons(store):
    from docflow.core.store._schema import _MIGRATIONS

    make_version_1_database(store.path)
    connection = duckdb.connect(str(store.path))
    for statements in _MIGRATIONS[1:3]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(
        "INSERT INTO documents (id, path, pages, status, review_status, "
        "processed_at, stored_at, is_current) VALUES (1, '/d/old.pdf', 5, 'ok', "
        "'needs_review', now()::TIMESTAMP, now()::TIMESTAMP, true)"
    )
    connection.execute("UPDATE schema_info SET version = 3")
    connection.close()
    (stored,) = Store(store.path).results()
    assert stored.result.review_reasons == []
    assert count(store, "SELECT count(*) FROM review_queue") == 1


def test_old_schema_migrated_by_reader(store):
    make_version_1_database(store.path)
    assert Store(store.path).results() == []
    assert count(store, "SELECT max(version) FROM schema_info") == SCHEMA_VERSION


def test_foreign_database_rejected(store):
    store.path.parent.mkdir(parents=True)
    connection = duckdb.connect(str(store.path))
    connection.execute("CREATE TABLE sales (amount DOUBLE)")
    connection.close()
    with pytest.raises(StoreError, match="did not create"):
        store.results()
    assert count(store, "SELECT count(*) FROM information_schema.tables") == 1


def test_roundtrip_keeps_every_field(store):
    original = make_result("/d/a.pdf", "h1")
    write(store, original)
    stored = store.document("/d/a.pdf")
    assert stored.result.model_dump(exclude={"cached"}) == original.model_dump(
        exclude={"cached"}
    )


def test_rewrite_leaves_one_current_row(store):
    write(store, make_result("/d/a.pdf", "h1"))
    write(store, make_result("/d/a.pdf", "h2"))
    write(store, make_result("/d/a.pdf", "h2"), make_result("/d/a.pdf", "h3"))
    assert count(store, "SELECT count(*) FROM documents WHERE is_current") == 1
    assert store.document("/d/a.pdf").result.content_hash == "h3"


def test_facts_table_filled(store):
    write(store, make_result("/d/a.pdf", "h1"), make_result("/d/b.pdf", "h2"))
    assert count(store, "SELECT count(*) FROM facts WHERE kind = 'total'") == 2


def test_lookup_hashes_matches_size_and_mtime(store):
    write(store, make_result("/d/a.pdf", "h1"))
    assert store.lookup_hashes([FileStat("/d/a.pdf", 100, 7)]) == {"/d/a.pdf": "h1"}
    assert store.lookup_hashes([FileStat("/d/a.pdf", 100, 8)]) == {}
    assert store.lookup_hashes([FileStat("/d/a.pdf", 101, 7)]) == {}


def test_lookup_marks_same_size_files_for_hashing(store):
    write(store, make_result("/d/a.pdf", "h1"))
    found = store.lookup(
        [
            FileStat("/d/a.pdf", 100, 7),
            FileStat("/d/b.pdf", 100, 1),
            FileStat("/d/c.pdf", 555, 1),
        ],
        fingerprint="fp",
        model_version="m1",
        classify=True,
        quality=True,
    )
    assert found.hashes == {"/d/a.pdf": "h1"}
    assert set(found.hits) == {"/d/a.pdf"}
    assert found.worth_hashing == {"/d/b.pdf"}


def test_lookup_hashes_without_database(store):
    assert store.lookup_hashes([FileStat("/d/a.pdf", 100, 7)]) == {}
    assert not store.exists()


def lookup(store: Store, hashes: dict, **kwargs):
    options = {
        "fingerprint": "fp",
        "model_version": "m1",
        "classify": True,
        "quality": True,
    }
    options.update(kwargs)
    return store.lookup_results(hashes, **options)


def test_cache_hit_same_path(store):
    write(store, make_result("/d/a.pdf", "h1"))
    hit = lookup(store, {"/d/a.pdf": "h1"})["/d/a.pdf"]
    assert hit.result.cached
    assert not hit.needs_write
    assert hit.result.classification.category == "invoice"


def test_cache_hit_other_path_needs_write(store):
    write(store, make_result("/d/a.pdf", "h1"))
    hit = lookup(store, {"/d/copy.pdf": "h1"})["/d/copy.pdf"]
    assert hit.needs_write
    assert hit.result.path == "/d/copy.pdf"


@pytest.mark.parametrize(
    "change",
    [
        {"fingerprint": "other"},
        {"model_version": "m2"},
    ],
    ids=["fingerprint", "model-version"],
)
def test_cache_miss_on_changed_settings(store, change):
    write(store, make_result("/d/a.pdf", "h1"))
    assert lookup(store, {"/d/a.pdf": "h1"}, **change) == {}


def test_cache_miss_when_quality_missing(store):
    write(store, make_result("/d/a.pdf", "h1", quality=None))
    assert lookup(store, {"/d/a.pdf": "h1"}) == {}
    assert lookup(store, {"/d/a.pdf": "h1"}, quality=False) != {}


def test_cache_classification_not_needed_for_quality(store):
    write(store, make_result("/d/a.pdf", "h1", category=None))
    hits = lookup(store, {"/d/a.pdf": "h1"}, classify=False, model_version=None)
    assert "/d/a.pdf" in hits


@pytest.mark.parametrize(
    ("status", "reused"),
    [
        ("corrupt", True),
        ("empty", True),
        ("timeout", False),
        ("crashed", False),
        ("password_required", False),
        ("ocr_unavailable", False),
    ],
)
def test_cache_reuses_only_stable_statuses(store, status, reused):
    write(store, make_result("/d/a.pdf", "h1", status=status))
    assert ("/d/a.pdf" in lookup(store, {"/d/a.pdf": "h1"})) is reused


def test_results_filters(store):
    write(
        store,
        make_result("/d/a.pdf", "h1", category="invoice"),
        make_result("/d/b.pdf", "h2", category="contract"),
        make_result("/d/c.pdf", "h3", status="corrupt"),
        make_result("/d/d.pdf", "h4", category="unknown", confidence=0.3),
    )
    assert {s.result.path for s in store.results(category="invoice")} == {"/d/a.pdf"}
    assert {s.result.path for s in store.results(status="corrupt")} == {"/d/c.pdf"}
    assert {s.result.path for s in store.results(review=True)} == {"/d/d.pdf"}
    assert len(store.results()) == 4
    assert len(store.results(limit=2)) == 2


def test_results_date_range(tmp_path):
    moments = iter([datetime(2026, 1, 1, 12), datetime(2026, 3, 1, 12)] * 10)
    store = Store(tmp_path / "x.duckdb", clock=lambda: next(moments))
    with ResultWriter(store, fingerprint="fp", clock=lambda: datetime(2026, 1, 1)) as w:
        w.add(make_result("/d/old.pdf", "h1"))
    with ResultWriter(store, fingerprint="fp", clock=lambda: datetime(2026, 3, 1)) as w:
        w.add(make_result("/d/new.pdf", "h2"))
    since = store.results(since=datetime(2026, 2, 1))
    until = store.results(until=datetime(2026, 2, 1))
    assert [s.result.path for s in since] == ["/d/new.pdf"]
    assert [s.result.path for s in until] == ["/d/old.pdf"]


def test_label_removes_from_review_queue(store):
    write(store, make_result("/d/d.pdf", "h4", category="unknown", confidence=0.3))
    assert len(store.review_queue()) == 1
    correction = store.add_label("/d/d.pdf", "receipt", "alice")
    assert correction.category == "receipt"
    assert correction.content_hash == "h4"
    assert store.review_queue() == []


@pytest.mark.parametrize("category", ["report", "none"])
def test_label_keeps_quality_reasons(store, category):
    from docflow.core.classify.corrections import apply_corrections, corrected_results

    reasons = [
        "confidence 0.41 under classification.review_threshold 0.6",
        "quality 90 under quality.review_threshold 95",
        "garbage text on page 2",
    ]
    low = make_result("/d/low.pdf", "h1", quality=90.0).model_copy(
        update={"review_status": "needs_review", "review_reasons": reasons}
    )
    unsure = make_result("/d/unsure.pdf", "h2").model_copy(
        update={"review_status": "needs_review", "review_reasons": reasons[:1]}
    )
    write(store, low, unsure)
    store.add_label("/d/low.pdf", category, "alice")
    store.add_label("/d/unsure.pdf", category, "alice")
    queue = corrected_results(store, review=True)
    low_stored, unsure_stored = apply_corrections(
        [store.document("/d/low.pdf"), store.document("/d/unsure.pdf")],
        store.corrections(),
    )

    assert [stored.result.path for stored in queue] == ["/d/low.pdf"]
    assert store.stats()["review_queue"] == 1
    # The view in the database file agrees, for those who query it directly.
    assert count(store, "SELECT count(*) FROM review_queue") == 1
    assert (
        count(store, "SELECT count(*) FROM review_queue WHERE path = '/d/low.pdf'") == 1
    )
    assert low_stored.result.classification.category == category
    assert low_stored.result.review_status == "needs_review"
    assert low_stored.result.review_reasons == reasons[1:]
    assert unsure_stored.result.review_status == "approved"
    assert unsure_stored.result.review_reasons == []


def test_label_by_id_newest_wins(store):
    write(store, make_result("/d/a.pdf", "h1"))
    document_id = store.document("/d/a.pdf").id
    store.add_label(str(document_id), "receipt", "alice")
    store.add_label(str(document_id), "invoice", "bob")
    corrections = store.corrections()
    assert [(c.path, c.category, c.labeled_by) for c in corrections] == [
        ("/d/a.pdf", "invoice", "bob")
    ]


def test_label_undecodable_name(store):
    """A name that is not UTF-8 is labeled and stored like any other."""
    name = os.fsdecode(b"/d/caf\xe9.pdf")
    write(store, make_result(name, "h1"))
    document_id = store.document(name).id

    by_id = store.add_label(str(document_id), "receipt", "alice")
    by_path = store.add_label(name, "letter", os.fsdecode(b"b\xf6b"))

    assert by_id.path == name
    assert by_path.path == name
    assert by_path.labeled_by == "b\\xf6b"
    assert (
        count(store, "SELECT count(*) FROM labels WHERE path = '/d/caf\\xe9.pdf'") == 2
    )
    [correction] = store.corrections()
    assert correction.path == name
    assert correction.category == "letter"


def test_label_escape_text_name_kept_apart(store):
    """A name containing the text \\xff is not the name with byte 0xFF."""
    text_name = "/d/bad\\xff.pdf"
    byte_name = os.fsdecode(b"/d/bad\xff.pdf")
    write(store, make_result(text_name, "h1"), make_result(byte_name, "h2"))

    store.add_label(text_name, "receipt", "alice")

    connection = duckdb.connect(str(store.path), read_only=True)
    try:
        [(labeled,)] = connection.execute("SELECT path FROM labels").fetchall()
    finally:
        connection.close()
    assert labeled == display_path(text_name)
    assert labeled != display_path(byte_name)
    assert [c.path for c in store.corrections()] == [text_name]
    labeled_documents = count(
        store, "SELECT count(*) FROM documents d JOIN labels l ON l.path = d.path"
    )
    assert labeled_documents == 1


def test_corrections_repair_unescaped_label_path(store):
    """A label row stored without escapes still names the labeled file."""
    text_name = "/d/bad\\xff.pdf"
    write(store, make_result(text_name, "h1"))
    document_id = store.document(text_name).id
    connection = duckdb.connect(str(store.path))
    try:
        connection.execute(
            "INSERT INTO labels VALUES (1, ?, ?, 'h1', 'receipt', now(), 'alice')",
            [document_id, text_name],
        )
    finally:
        connection.close()

    assert [c.path for c in store.corrections()] == [text_name]


def test_label_unknown_category_rejected(store):
    write(store, make_result("/d/a.pdf", "h1"))
    with pytest.raises(UsageError, match="unknown category 'nonsense'"):
        store.add_label("/d/a.pdf", "nonsense", "alice")


def test_label_category_ignores_case(store):
    write(store, make_result("/d/a.pdf", "h1"))
    assert store.add_label("/d/a.pdf", "Invoice", "alice").category == "invoice"


def test_document_not_found(store):
    write(store, make_result("/d/a.pdf", "h1"))
    with pytest.raises(ResultNotFound, match="no stored document"):
        store.document("/d/missing.pdf")
    with pytest.raises(ResultNotFound, match="no stored document"):
        store.document("12345")


def test_stats_counts(store):
    write(
        store,
        make_result("/d/a.pdf", "h1", category="invoice"),
        make_result("/d/b.pdf", "h2", category="invoice"),
        make_result("/d/c.pdf", "h3", status="corrupt"),
    )
    stats = store.stats()
    assert stats["documents"] == 3
    assert stats["errors"] == 1
    assert stats["by_status"] == {"ok": 2, "corrupt": 1}
    assert stats["by_category"] == {"invoice": 2}
    assert stats["latency_ms"]["p50"] == pytest.approx(15.0)


def test_run_progress_and_finish(store):
    run = RunProgress("process", {"paths": ["/d"]}, total=2)
    writer = ResultWriter(store, fingerprint="fp", run=run)
    writer.add(make_result("/d/a.pdf", "h1"))
    writer.add(make_result("/d/b.pdf", "h2"), cache_hit=True, store=False)
    writer.close()
    stored = store.runs()[0]
    assert stored.id == run.run_id
    assert stored.status == "running"
    assert stored.done == 2
    assert stored.cache_hits == 1
    writer.finish("finished")
    assert store.runs()[0].status == "finished"
    assert store.results()[0].run_id == run.run_id
    assert count(store, "SELECT count(*) FROM documents") == 1


@pytest.mark.parametrize("stored", [True, False], ids=["results", "cache-hits"])
def test_run_keeps_its_start_time(tmp_path, stored):
    started = datetime(2026, 1, 1, 10, 13, 29)
    written = datetime(2026, 1, 1, 10, 13, 34)
    store = Store(tmp_path / "x.duckdb", clock=lambda: written)
    run = RunProgress("process", {}, total=1, started_at=started)
    writer = ResultWriter(store, fingerprint="fp", run=run)
    writer.add(make_result("/d/a.pdf", "h1"), cache_hit=not stored, store=stored)
    writer.finish("finished")
    [record] = store.runs()
    assert record.started_at == started
    assert record.finished_at == written


def test_start_run_stores_clock_time(tmp_path):
    now = datetime(2026, 1, 1, 10, 13, 29)
    store = Store(tmp_path / "x.duckdb", clock=lambda: now)
    store.start_run("process", {}, total=1)
    assert store.runs()[0].started_at == now


def test_stats_sum_cache_hits_of_runs(store):
    for hits in (1, 2):
        writer = ResultWriter(store, fingerprint="fp", run=RunProgress("x", {}, 2))
        writer.add(make_result("/d/a.pdf", "h1"), cache_hit=hits > 1, store=hits < 2)
        writer.add(make_result("/d/b.pdf", "h2"), cache_hit=True, store=False)
        writer.finish("finished")

    stats = store.stats()

    assert stats["cache_hits"] == 3
    assert stats["reused_results"] == 0


def count_opens(store: Store, monkeypatch) -> list[bool]:
    """Record the read_only flag of every database open of ``store``."""
    opens: list[bool] = []
    original = store._open

    def recording_open(*, read_only: bool):
        opens.append(read_only)
        return original(read_only=read_only)

    monkeypatch.setattr(store, "_open", recording_open)
    return opens


def test_finish_stores_last_batch_in_one_open(store, monkeypatch):
    store.check_writable()
    run = RunProgress("process", {}, total=2)
    writer = ResultWriter(store, fingerprint="fp", run=run, flush_seconds=600)
    writer.add(make_result("/d/a.pdf", "h1"))
    writer.add(make_result("/d/b.pdf", "h2"))
    opens = count_opens(store, monkeypatch)
    writer.finish("finished")
    assert opens == [False]
    assert count(store, "SELECT count(*) FROM documents") == 2
    assert store.runs()[0].status == "finished"
    assert store.runs()[0].done == 2


def test_batch_stored_with_progress_of_its_results(store, monkeypatch):
    """A result added while a batch is taken is not counted as done with it."""
    store.check_writable()
    run = RunProgress("process", {}, total=2)
    writer = ResultWriter(store, fingerprint="fp", run=run, background=False)
    writer.add(make_result("/d/a.pdf", "h1"))
    added = threading.Event()
    adder = threading.Thread(
        target=lambda: (writer.add(make_result("/d/b.pdf", "h2")), added.set())
    )
    original_progress = writer._progress

    def progress_while_one_arrives():
        # The command thread adds a result just as the writer counts the
        # run's progress. It must wait for the lock the batch was taken under.
        if not adder.is_alive() and not added.is_set():
            adder.start()
            added.wait(timeout=0.5)
        return original_progress()

    monkeypatch.setattr(writer, "_progress", progress_while_one_arrives)
    recorded = []
    original_write = store.write

    def recording_write(batch, **kwargs):
        recorded.append((len(batch), kwargs["run"].done))
        return original_write(batch, **kwargs)

    monkeypatch.setattr(store, "write", recording_write)
    writer.close()
    adder.join(timeout=30)
    assert recorded[0] == (1, 1)


def test_session_shares_connection_in_thread(store, monkeypatch):
    store.check_writable()
    write(store, make_result("/d/a.pdf", "h1"))
    opens = count_opens(store, monkeypatch)
    with store.session():
        with store.connect(write=False) as first:
            pass
        hashes = store.lookup_hashes([FileStat("/d/a.pdf", 100, 7)])
        with store.connect(write=True) as second:
            pass
    assert first is second
    assert hashes == {"/d/a.pdf": "h1"}
    assert opens == [False]


def test_session_other_thread_opens_own(store, monkeypatch):
    store.check_writable()
    opens = count_opens(store, monkeypatch)
    seen = []

    def read_in_thread() -> None:
        with store.connect(write=False) as connection:
            seen.append(connection)

    with store.session():
        with store.connect(write=False) as mine:
            pass
        thread = threading.Thread(target=read_in_thread)
        thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert seen and seen[0] is not mine
    assert opens == [False, True]


def test_run_without_stored_results_recorded_at_end(store):
    write(store, make_result("/d/a.pdf", "h1"))
    run = RunProgress("process", {}, total=1)
    writer = ResultWriter(store, fingerprint="fp", run=run)
    writer.add(make_result("/d/a.pdf", "h1"), cache_hit=True, store=False)
    writer.finish("finished", {"documents": 0})
    stored = store.runs()
    assert len(stored) == 1
    assert (stored[0].status, stored[0].done, stored[0].cache_hits) == (
        "finished",
        1,
        1,
    )
    assert stored[0].stats == {"documents": 0}


def test_run_of_reused_pid_marked_interrupted(store):
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        run_id = store.start_run("process", {}, total=5)
        connection = duckdb.connect(str(store.path))
        connection.execute("UPDATE runs SET pid = ? WHERE id = ?", [other.pid, run_id])
        connection.close()
        store.start_run("process", {}, total=5)
    finally:
        other.communicate(b"")
    statuses = {run.id: run.status for run in store.runs()}
    assert statuses[run_id] == "interrupted"


def test_dead_run_marked_interrupted(store):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    run_id = store.start_run("process", {}, total=5)
    connection = duckdb.connect(str(store.path))
    connection.execute("UPDATE runs SET pid = ? WHERE id = ?", [dead_pid, run_id])
    connection.close()
    store.start_run("process", {}, total=5)
    statuses = {run.id: run.status for run in store.runs()}
    assert statuses[run_id] == "interrupted"


def dead_pid() -> int:
    """Return the pid of a child process that has exited."""
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(finished.stdout)


def set_run_owner(
    store: Store,
    run_id: int,
    pid: int,
    host: str | None,
    silent_for: timedelta = timedelta(0),
) -> None:
    """Give run ``run_id`` another process and its last progress an age."""
    connection = duckdb.connect(str(store.path))
    connection.execute(
        "UPDATE runs SET pid = ?, host = ?, updated_at = ? WHERE id = ?",
        [pid, host, datetime.now(UTC).replace(tzinfo=None) - silent_for, run_id],
    )
    connection.close()


def test_run_records_host(store):
    store.start_run("process", {}, total=5)
    (run,) = store.runs()
    assert run.pid == os.getpid()
    assert run.host == socket.gethostname()


def test_abandon_live_run_rejected(store):
    run_id = store.start_run("process", {}, total=5)  # this process is alive
    with pytest.raises(UsageError, match="--restart did not start over") as raised:
        store.abandon_runs([run_id])
    message = str(raised.value)
    assert f"run {run_id} (pid {os.getpid()}, started " in message
    assert f"(kill {os.getpid()})" in message
    assert "on host" not in message
    assert store.runs()[0].status == "running"


def test_abandon_dead_run_marks_it(store):
    run_id = store.start_run("process", {}, total=5)
    set_run_owner(store, run_id, dead_pid(), socket.gethostname())
    store.abandon_runs([run_id])
    assert store.runs()[0].status == "abandoned"


def test_run_of_other_host_counts_running(store, caplog):
    """docflow cannot check another host's pid, so a recent run counts as
    running, and --restart abandons it with a warning instead of refusing."""
    run_id = store.start_run("process", {}, total=5)
    set_run_owner(store, run_id, dead_pid(), "elsewhere.example")
    store.start_run("process", {}, total=5)
    statuses = {run.id: run.status for run in store.runs()}
    assert statuses[run_id] == "running"
    store.abandon_runs([run_id])
    assert {run.id: run.status for run in store.runs()}[run_id] == "abandoned"
    assert "started on host 'elsewhere.example'" in caplog.text


def test_silent_run_of_other_host_interrupted(store):
    """A run of a host gone for good (a replaced container) ends interrupted."""
    run_id = store.start_run("process", {}, total=5)
    set_run_owner(
        store,
        run_id,
        dead_pid(),
        "gone.example",
        silent_for=OTHER_HOST_SILENCE + timedelta(minutes=1),
    )
    store.start_run("process", {}, total=5)
    statuses = {run.id: run.status for run in store.runs()}
    assert statuses[run_id] == "interrupted"


def test_run_without_host_checked_here(store):
    """A run stored before hosts were recorded is checked by its pid here."""
    run_id = store.start_run("process", {}, total=5)
    set_run_owner(store, run_id, dead_pid(), None)
    store.abandon_runs([run_id])
    assert store.runs()[0].status == "abandoned"


def wait_for_rows(store: Store, expected: int) -> int:
    """Poll the database until it contains ``expected`` documents, for at most 20 s."""
    deadline = time.monotonic() + 20
    rows = -1
    while time.monotonic() < deadline:
        rows = len(store.results()) if store.exists() else 0
        if rows >= expected:
            break
        time.sleep(0.05)
    return rows


def test_writer_flushes_when_batch_full(store):
    with ResultWriter(store, fingerprint="fp", flush_rows=10, flush_seconds=600) as w:
        for index in range(10):
            w.add(make_result(f"/d/{index}.pdf", f"h{index}"))
        assert wait_for_rows(store, 10) == 10
        w.add(make_result("/d/last.pdf", "h-last"))
    assert count(store, "SELECT count(*) FROM documents") == 11


def test_writer_keeps_rows_not_results(store):
    import gc
    import weakref

    original = make_result("/d/a.pdf", "h1")
    expected = original.model_dump(exclude={"cached"})
    # The writer turns a result into its rows at once, so a long run does
    # not keep every queued result's objects until the next write.
    writer = ResultWriter(store, fingerprint="fp", background=False)
    writer.add(original)
    alive = weakref.ref(original)
    del original
    gc.collect()
    assert alive() is None
    writer.close()
    stored = store.document("/d/a.pdf")
    assert stored.result.model_dump(exclude={"cached"}) == expected


def test_writer_flushes_after_interval(store):
    with ResultWriter(store, fingerprint="fp", flush_rows=1000, flush_seconds=0.1) as w:
        w.add(make_result("/d/a.pdf", "h1"))
        assert wait_for_rows(store, 1) == 1


def test_writer_reports_store_error(tmp_path):
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    writer = ResultWriter(Store(folder), fingerprint="fp")
    writer.add(make_result("/d/a.pdf", "h1"))
    with pytest.raises(StoreError, match="is a folder or another kind of file"):
        writer.close()


def test_touch_updates_stat_only(store):
    write(store, make_result("/d/a.pdf", "h1"))
    with ResultWriter(store, fingerprint="fp") as writer:
        writer.touch(FileStat("/d/a.pdf", 100, 99), "h1")
    assert store.lookup_hashes([FileStat("/d/a.pdf", 100, 99)]) == {"/d/a.pdf": "h1"}
    assert count(store, "SELECT count(*) FROM documents") == 1


def test_invalid_utf8_path_stored(store):
    raw = os.fsdecode(b"/d/caf\xe9.pdf")
    write(store, make_result(raw, "h1"))
    # Stored as text, read back as the real name.
    assert store.results()[0].result.path == raw
    assert display_path(raw) == "/d/caf\\xe9.pdf"
    with duckdb.connect(str(store.path), read_only=True) as db:
        assert db.execute("SELECT path FROM documents").fetchall() == [
            ("/d/caf\\xe9.pdf",)
        ]


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from docflow.core.store._lock import DatabaseLock

    with DatabaseLock(Path(sys.argv[1])).hold(exclusive=True):
        print("locked", flush=True)
        sys.stdin.read()
    """
)

TAKE_TURN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from docflow.core.store._lock import DatabaseLock

    with DatabaseLock(Path(sys.argv[1]), timeout=60).hold(exclusive=True):
        with open(sys.argv[2], "a") as record:
            record.write(sys.argv[3] + "\\n")
    """
)


def start_holder(database) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def start_turn(database, record, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", TAKE_TURN, str(database), str(record), name]
    )


def wait_for_issued(store: Store, expected: int) -> None:
    """Poll the lock queue until ``expected`` tickets were issued, for 20 s at most."""
    tail = store.lock.queue / ".tail"
    deadline = time.monotonic() + 20
    while not tail.is_file() or int(tail.read_text() or 0) < expected:
        assert time.monotonic() < deadline, f"fewer than {expected} tickets issued"
        time.sleep(0.02)


def wait_for_tickets(store: Store, expected: int) -> None:
    """Poll the lock queue until it has ``expected`` tickets, for at most 20 s."""
    deadline = time.monotonic() + 20
    while len(store.lock._tickets()) < expected:
        assert time.monotonic() < deadline, f"fewer than {expected} tickets queued"
        time.sleep(0.02)


def test_lock_timeout_names_holder(store, caplog):
    write(store, make_result("/d/a.pdf", "h1"))
    holder = start_holder(store.path)
    try:
        waiting = Store(store.path, lock_notice_seconds=0.05, lock_timeout=0.3)
        with pytest.raises(StoreError, match=f"still locked by pid {holder.pid}"):
            waiting.results()
        assert "waiting for the database lock" in caplog.text
    finally:
        holder.communicate("")
    assert store.lock._tickets() == []
    assert len(Store(store.path, lock_timeout=5).results()) == 1


def test_lock_wait_then_proceeds(store, caplog):
    write(store, make_result("/d/a.pdf", "h1"))
    holder = start_holder(store.path)
    waiting = Store(store.path, lock_notice_seconds=0.05, lock_timeout=60)
    writer = threading.Thread(
        target=write, args=(waiting, make_result("/d/b.pdf", "h2"))
    )
    writer.start()
    deadline = time.monotonic() + 20
    while "waiting for the database lock" not in caplog.text:
        assert time.monotonic() < deadline, "the writer never waited for the lock"
        time.sleep(0.02)
    holder.communicate("")
    writer.join(30)
    assert not writer.is_alive()
    assert len(waiting.results()) == 2


def test_lock_turns_in_arrival_order(store, tmp_path):
    record = tmp_path / "order.txt"
    store.path.parent.mkdir(parents=True)
    holder = start_holder(store.path)
    turns = []
    for index, name in enumerate(["first", "second", "third"]):
        turns.append(start_turn(store.path, record, name))
        wait_for_tickets(store, index + 2)
    holder.communicate("")
    for turn in turns:
        assert turn.wait(60) == 0
    assert record.read_text().split() == ["first", "second", "third"]
    assert store.lock._tickets() == []


def test_lock_skips_killed_waiter(store, tmp_path):
    record = tmp_path / "order.txt"
    store.path.parent.mkdir(parents=True)
    holder = start_holder(store.path)
    killed = start_turn(store.path, record, "killed")
    wait_for_tickets(store, 2)
    killed.kill()
    killed.wait(30)
    survivor = start_turn(store.path, record, "survivor")
    wait_for_issued(store, 3)
    holder.communicate("")
    assert survivor.wait(60) == 0
    assert record.read_text().split() == ["survivor"]
    assert store.lock._tickets() == []


def test_lock_held_by_killed_process_is_freed(store):
    write(store, make_result("/d/a.pdf", "h1"))
    holder = start_holder(store.path)
    holder.kill()
    holder.communicate()
    assert len(Store(store.path, lock_timeout=30).results()) == 1
    assert store.lock._tickets() == []


def test_clock_timestamps_are_utc_naive(store):
    write(store, make_result("/d/a.pdf", "h1"))
    stored = store.results()[0]
    assert stored.processed_at.tzinfo is None
    assert abs(
        datetime.now(UTC).replace(tzinfo=None) - stored.processed_at
    ) < timedelta(hours=1)


def test_displayed_names_are_unique_and_read_back():
    """Every name, decodable or not, gets its own text, and reads back whole."""
    import random

    from docflow.core.store._rows import display_path, path_from_display

    pieces = [b"\\", b"x", b"f", b"9", b"\xff", b"\x80", b"a", b"\xc3\xa9", b"/"]
    rng = random.Random(7)
    names = {
        os.fsdecode(b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))))
        for _ in range(20000)
    }
    name_of_text: dict[str, str] = {}
    for name in names:
        text = display_path(name)
        text.encode("utf-8")  # storable and printable
        assert name_of_text.setdefault(text, name) == name, (text, name)
        assert path_from_display(text) == name
    assert display_path("plain/caf\u00e9.txt") == "plain/caf\u00e9.txt"
    assert display_path("a\\b.txt") == "a\\b.txt"
    assert display_path(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"
    assert display_path("bad\\xff.txt") == "bad\\\\xff.txt"


def test_database_path_not_a_file_rejected(tmp_path):
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        Store(folder).exists()
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(StoreError, match="which is a file, not a folder"):
        Store(tmp_path / "plain.txt" / "x.duckdb").exists()
    assert Store(tmp_path / "new" / "x.duckdb").exists() is False


def test_database_files_recognised_through_links(tmp_path):
    (tmp_path / "inside").mkdir()
    (tmp_path / "link").symlink_to("inside")
    store = Store(tmp_path / "link" / "my.duckdb")
    for name in ("my.duckdb", "my.duckdb.wal", "my.duckdb.lock"):
        assert store.owns(str(tmp_path / "inside" / name)), name
    assert store.owns(str(tmp_path / "inside" / "my.duckdb.lock.d" / "000000000001"))
    assert not store.owns(str(tmp_path / "inside" / "letter.txt"))
    assert not store.owns(str(tmp_path / "other" / "my.duckdb"))


def test_out_of_memory_database_failure_names_limit(tmp_path):
    from docflow.core.store._store import database_failure

    error = duckdb.OutOfMemoryException(
        "Out of Memory Error: Failed to allocate block of 32768 bytes"
    )

    message = database_failure(tmp_path / "m.duckdb", error, write=True)

    assert "ran out of memory" in message
    assert "ulimit -v" in message
    assert "damaged" not in message


def test_conversion_failure_is_not_damage(tmp_path):
    from docflow.core.store._store import database_failure

    connection = duckdb.connect()
    with pytest.raises(duckdb.Error) as rejected:
        connection.execute("SELECT ?", [os.fsdecode(b"caf\xe9")])
    connection.close()

    message = database_failure(tmp_path / "c.duckdb", rejected.value, write=True)

    assert "Conversion Failure" in message
    assert "not damaged" in message
    assert "move it aside" not in message


def test_damaged_database_failure_advises_moving_aside(tmp_path):
    from docflow.core.store._store import database_failure

    damaged = tmp_path / "d.duckdb"
    damaged.write_bytes(b"not a database" * 1000)
    with pytest.raises(duckdb.Error) as failed:
        duckdb.connect(str(damaged))

    message = database_failure(damaged, failed.value, write=False)

    assert "move it aside" in message


def test_stats_latency_leaves_out_rejected_inputs(store):
    rejected = make_result("/d/missing.pdf", "h0", status="unreadable")
    rejected.duration_ms = 0.0  # refused before it was read
    write(store, make_result("/d/a.pdf", "h1"), rejected)
    latency = store.stats()["latency_ms"]
    assert latency["documents"] == 1
    assert latency["p50"] == pytest.approx(15.0)
    assert latency["mean"] == pytest.approx(15.0)


def test_stats_latency_of_nothing_processed(store):
    rejected = make_result("/d/missing.pdf", "h0", status="unreadable")
    rejected.duration_ms = 0.0
    write(store, rejected)
    latency = store.stats()["latency_ms"]
    assert latency == {"mean": None, "p50": None, "p95": None, "documents": 0}


#: Files that are no DuckDB database, as a mistyped --db may name them.
NOT_DATABASES = {
    "notes.txt": b"meeting at ten\n",
    "scan.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "empty.duckdb": b"",
}


@pytest.mark.parametrize("name", NOT_DATABASES)
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_unusable_file_leaves_no_lock_files(tmp_path, name, write):
    path = tmp_path / name
    path.write_bytes(NOT_DATABASES[name])
    store = Store(path, lock_timeout=30)
    with pytest.raises(StoreError, match="cannot open the database"):
        store.check_writable() if write else store.results()
    assert os.listdir(tmp_path) == [name]
    assert path.read_bytes() == NOT_DATABASES[name]


def test_foreign_duckdb_leaves_no_lock_files(tmp_path):
    path = tmp_path / "sales.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE sales (amount INTEGER)")
    with pytest.raises(StoreError, match="a DuckDB database that docflow did not"):
        Store(path, lock_timeout=30).check_writable()
    assert os.listdir(tmp_path) == ["sales.duckdb"]


def test_unusable_file_keeps_older_lock_file(tmp_path):
    """Only the lock files this process created are removed."""
    path = tmp_path / "notes.txt"
    path.write_text("meeting at ten\n")
    older = tmp_path / "notes.txt.lock"
    older.write_bytes(b"")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(path, lock_timeout=30).results()
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "notes.txt.lock"]


def test_lock_files_kept_while_another_waits(tmp_path):
    from docflow.core.store._lock import DatabaseLock

    path = tmp_path / "notes.txt"
    path.write_text("meeting at ten\n")
    record = tmp_path / "order.txt"
    lock = DatabaseLock(path)
    with lock.hold(exclusive=True) as turn:
        waiter = start_turn(path, record, "waiter")
        deadline = time.monotonic() + 20
        while len(lock._tickets()) < 2:
            assert time.monotonic() < deadline, "the waiter never queued"
            time.sleep(0.02)
        turn.remove_created_files()
        assert lock.path.is_file()
        assert lock.queue.is_dir()
    assert waiter.wait(60) == 0
    assert record.read_text().split() == ["waiter"]


def test_lock_file_kept_under_other_flock(tmp_path):
    import fcntl

    from docflow.core.store._lock import DatabaseLock

    lock = DatabaseLock(tmp_path / "notes.txt")
    with lock.hold(exclusive=False) as turn:
        other = os.open(lock.path, os.O_RDONLY)
        try:
            fcntl.flock(other, fcntl.LOCK_SH)
            turn.remove_created_files()
        finally:
            os.close(other)
    assert lock.path.is_file()
    assert not lock.queue.exists()


def test_enqueue_starts_over_when_queue_removed(tmp_path):
    """A process that opened .tail just before another removed the queue goes on.

    The test removes the queue the way ``remove_created_files`` does, holding
    the flock on .tail, while another thread waits for that flock.
    """
    import fcntl

    from docflow.core.store._lock import DatabaseLock

    database = tmp_path / "db.duckdb"
    first = DatabaseLock(database)
    with first.hold(exclusive=True):
        pass
    tail_path = first.queue / ".tail"
    tail = os.open(tail_path, os.O_RDWR)
    fcntl.flock(tail, fcntl.LOCK_EX)
    turns: list[str] = []

    def take_turn() -> None:
        with DatabaseLock(database, timeout=30).hold(exclusive=True):
            turns.append("taken")

    thread = threading.Thread(target=take_turn)
    thread.start()
    deadline = time.monotonic() + 20
    while _open_count(tail_path) < 2:  # this test's descriptor and the thread's
        assert time.monotonic() < deadline, "the thread never opened .tail"
        time.sleep(0.02)
    tail_path.unlink()
    first.queue.rmdir()
    os.close(tail)
    thread.join(30)
    assert not thread.is_alive()
    assert turns == ["taken"]
    assert first.queue.is_dir()


def _open_count(path) -> int:
    """Count this process's descriptors open on ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                count += 1
        except OSError:
            continue  # closed since the listing
    return count


def end_run(store: Store, command: str, args: dict, status: str) -> int:
    return store.end_run(RunProgress(command, args, total=1), status=status)


def test_unfinished_runs_since_last_finished(store):
    same = {"paths": ["docs"], "reuse": False}
    end_run(store, "process", same, "interrupted")
    end_run(store, "process", same, "finished")
    first = end_run(store, "process", same, "interrupted")
    end_run(store, "process", {"paths": ["other"], "reuse": False}, "finished")
    end_run(store, "analyze", same, "finished")
    second = end_run(store, "process", same, "failed")
    assert store.unfinished_runs("process", same) == [second, first]


def test_unfinished_runs_none_after_finished(store):
    same = {"paths": ["docs"], "reuse": False}
    end_run(store, "process", same, "interrupted")
    end_run(store, "process", same, "finished")
    assert store.unfinished_runs("process", same) == []
    assert store.unfinished_runs("process", {"paths": ["docs"]}) == []


def test_lookup_from_runs_only(store):
    write(store, make_result("/d/a.pdf", "h1"))
    run = RunProgress("process", {}, total=1)
    with ResultWriter(store, fingerprint="fp", run=run) as writer:
        writer.add(make_result("/d/b.pdf", "h2"))
    hashes = {"/d/a.pdf": "h1", "/d/b.pdf": "h2"}
    assert set(lookup(store, hashes)) == {"/d/a.pdf", "/d/b.pdf"}
    assert set(lookup(store, hashes, from_runs=[run.run_id])) == {"/d/b.pdf"}
    assert lookup(store, hashes, from_runs=[run.run_id + 1]) == {}


def test_exists_while_another_creates_file(tmp_path):
    """exists() never takes a file made or removed meanwhile for a folder."""
    database = tmp_path / "docflow.duckdb"
    store = Store(database)
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            database.touch()
            database.unlink()

    thread = threading.Thread(target=churn)
    thread.start()
    try:
        answers = {store.exists() for _ in range(3_000)}
    finally:
        stop.set()
        thread.join()
    assert answers <= {True, False}
