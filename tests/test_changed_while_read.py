"""A file that changes while it is read is read again, and its text is never
cached under the hash of other content.

The changes are real: a shell loop in another process copies two corpus
files over the document in turn, as a user copying into a watched or
processed folder does.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import Status
from docflow.core.pipeline import extract_cached, hash_file, process_document
from docflow.errors import ChangedWhileRead

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LONG_PDF = CORPUS / "edge" / "unst__pdf2image-memory-error-test-400p.pdf"
INVOICE_PDF = CORPUS / "labeled" / "invoice" / "i2d__ENVATO.pdf"

LETTER = (
    "Dear Ms Smith,\n\nThank you for your letter of 3 March about the lease. "
    "We agree to the new terms and enclose the signed copy.\n\n"
    "Yours sincerely,\nJohn Brown\n"
)


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"store": {"cache_dir": str(tmp_path / "cache")}})


def _cache_entries(tmp_path: Path) -> list[Path]:
    return [path for path in (tmp_path / "cache").rglob("*") if path.is_file()]


def test_extraction_of_a_changed_file_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    snapshot = os.stat(path)
    content_hash, _ = hash_file(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("P.S. This line was added after the hash.\n")

    with pytest.raises(ChangedWhileRead, match="changed while it was read"):
        extract_cached(str(path), content_hash, _settings(tmp_path), snapshot=snapshot)
    assert _cache_entries(tmp_path) == []


def test_extraction_of_an_unchanged_file_is_cached(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    snapshot = os.stat(path)
    content_hash, _ = hash_file(path)

    document = extract_cached(
        str(path), content_hash, _settings(tmp_path), snapshot=snapshot
    )
    assert "signed copy" in document.text
    assert _cache_entries(tmp_path) != []


@pytest.mark.skipif(not LONG_PDF.is_file(), reason="needs ../shared/corpus")
def test_file_rewritten_during_processing_is_not_a_result(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(LONG_PDF.read_bytes())
    # Each copy truncates the file and writes it again, as cp does.
    writer = subprocess.Popen(
        [
            "bash",
            "-c",
            'while :; do cp "$1" "$3"; cp "$2" "$3"; sleep 0.02; done',
            "writer",
            str(INVOICE_PDF),
            str(LONG_PDF),
            str(path),
        ]
    )
    try:
        result = process_document(str(path), _settings(tmp_path))
    finally:
        writer.kill()
        writer.wait()

    # Caught between a copy's truncation and its first write, or between two
    # of its writes, the file is empty or a truncated PDF without pages, and
    # that is what it then holds. Otherwise its reads keep finding it
    # changed. Either way no text is cached or used.
    if result.status != Status.EMPTY:
        assert result.status == Status.UNREADABLE, result.error
        assert result.error is not None
        assert "changed while it was read" in result.error
        assert "process it again once whatever writes it has finished" in result.error
        assert result.content_hash is None
    assert _cache_entries(tmp_path) == []

    # Once the writes have ended (the killed writer may have left half a
    # copy), the file reads as the whole PDF.
    path.write_bytes(LONG_PDF.read_bytes())
    again = process_document(str(path), _settings(tmp_path))
    assert again.status == Status.OK, again.error
    assert again.content_hash == hash_file(LONG_PDF)[0]
    assert again.pages == 400
    assert again.warnings == []


def test_file_emptied_after_hash_is_not_empty(tmp_path: Path) -> None:
    """A copy that truncates the file after its hash is a change, not an
    empty file stored under the old content's hash."""
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    snapshot = os.stat(path)
    content_hash, _ = hash_file(path)
    path.write_bytes(b"")

    with pytest.raises(ChangedWhileRead, match="changed while it was read"):
        extract_cached(str(path), content_hash, _settings(tmp_path), snapshot=snapshot)
    assert _cache_entries(tmp_path) == []


@pytest.mark.parametrize("reuse", [True, False])
def test_file_caught_empty_by_plan_is_processed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reuse: bool
) -> None:
    """A file that the plan's stat finds empty and its check finds written
    is still processed, also with --no-cache.

    FAKE: the stat that finds the file empty is faked, because a real copy
    leaves the file empty for too short a time to hit reliably.
    """
    from docflow.cli import _process
    from docflow.core.store import Store

    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    real_stat = os.stat

    def stat_caught_mid_copy(target, *args, **kwargs):
        info = real_stat(target, *args, **kwargs)
        if os.fspath(target) != str(path):
            return info
        fields = list(info)
        fields[6] = 0  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(_process.os, "stat", stat_caught_mid_copy)
    settings = _settings(tmp_path)
    settings.store.reuse = reuse
    plan = _process.plan_run(
        [str(path)],
        Store(str(tmp_path / "t.duckdb")),
        settings,
        classify=False,
        quality=True,
        model_version=None,
    )
    assert plan.misses == [str(path)]
    assert plan.rejected == []
