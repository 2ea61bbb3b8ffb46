"""Damaged documents never escape process_document as an unexpected error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import DocumentResult, Status
from docflow.core.pipeline import process_document

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_mutants import generate_mutants  # noqa: E402

MUTANT_COUNT = 40


@pytest.fixture(scope="module")
def mutants(tmp_path_factory) -> list[Path]:
    return generate_mutants(tmp_path_factory.mktemp("mutants"), MUTANT_COUNT)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    result = Settings()
    result.store.cache_dir = str(tmp_path_factory.mktemp("cache"))
    result.extraction.max_ocr_pages = 2
    return result


def test_mutants_generated_deterministically(tmp_path, mutants):
    again = generate_mutants(tmp_path / "again", MUTANT_COUNT)
    assert [path.name for path in again] == [path.name for path in mutants]
    assert [path.read_bytes() for path in again] == [
        path.read_bytes() for path in mutants
    ]


@pytest.mark.parametrize("index", range(MUTANT_COUNT))
def test_mutant_gets_clear_status(index, mutants, settings):
    path = mutants[index]
    result = process_document(str(path), settings, classify=False, quality=False)
    assert isinstance(result, DocumentResult)
    assert result.status in set(Status)
    # Status.ERROR means an exception no extractor anticipated: a bug.
    assert result.status is not Status.ERROR, result.error
    if result.status is not Status.OK:
        assert result.error and result.error.startswith(str(path))


def test_docx_seed_does_not_depend_on_the_clock(monkeypatch):
    import time

    from fuzz_mutants import build_docx

    first = build_docx()
    # zipfile dates each entry python-docx writes with time.time().
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert build_docx() == first
