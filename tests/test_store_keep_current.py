"""Tests of results that must not hide a path's current result, on real DuckDB files.

A document whose classifier model could not be loaded gets an error result.
The model failed, not the document, so that error is stored only for a path
without a current result, and the last good result and its label stay current.
"""

from __future__ import annotations

from docflow.core.store import FileStat, ResultWriter, Store
from test_store import make_result


def add(store: Store, result, *, replace_current: bool = True) -> None:
    with ResultWriter(store, fingerprint="fp", flush_rows=1000) as writer:
        writer.add(
            result,
            stat=FileStat(result.path, result.size or 0, 7),
            replace_current=replace_current,
        )


def test_model_error_keeps_current_result(tmp_path) -> None:
    store = Store(tmp_path / "docflow.duckdb", lock_timeout=30.0)
    add(store, make_result("/d/a.pdf", "h1"))

    add(store, make_result("/d/a.pdf", "h1", status="error"), replace_current=False)

    [current] = store.results()
    assert current.result.status == "ok"
    assert current.result.classification is not None


def test_model_error_stored_without_current(tmp_path) -> None:
    store = Store(tmp_path / "docflow.duckdb", lock_timeout=30.0)
    add(store, make_result("/d/a.pdf", "h1"))

    add(store, make_result("/d/b.pdf", "h2", status="error"), replace_current=False)

    current = {stored.result.path: stored.result.status for stored in store.results()}
    assert current["/d/a.pdf"] == "ok"
    assert current["/d/b.pdf"] == "error"


def test_other_error_replaces_current_result(tmp_path) -> None:
    store = Store(tmp_path / "docflow.duckdb", lock_timeout=30.0)
    add(store, make_result("/d/a.pdf", "h1"))

    add(store, make_result("/d/a.pdf", "h1", status="error"))

    [current] = store.results()
    assert current.result.status == "error"
