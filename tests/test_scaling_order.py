"""Tests for the order in which the orchestrator hands documents to servers.

One quality server takes one document per batch, so the order of the
``on_result`` calls is the order of the orchestrator's queue.
"""

import asyncio
import os

from docflow.core.config import Settings
from docflow.core.models import Status
from docflow.mcp.orchestrator import Orchestrator

PARAGRAPH = (
    "The committee met on Tuesday to review the budget. Members agreed that "
    "the new office lease should be signed before the end of the month.\n\n"
)


def make_settings(tmp_path):
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "state" / "cache")},
            "workers": {"document_timeout": 30.0, "batch_size": 1},
        }
    )


def write_text(path, paragraphs):
    path.write_text(PARAGRAPH * paragraphs)
    return str(path)


def process_in_queue_order(tmp_path, paths):
    """Return the results in the order given and the paths in finishing order."""
    finished = []

    async def scenario():
        async with Orchestrator(
            make_settings(tmp_path), classify=False, quality=True, workers=1
        ) as orchestrator:
            return await orchestrator.process(
                paths, on_result=lambda result: finished.append(result.path)
            )

    return asyncio.run(scenario()), finished


def test_queue_starts_with_largest_document(tmp_path):
    small = [write_text(tmp_path / f"small{n}.txt", 1) for n in range(3)]
    large = write_text(tmp_path / "large.txt", 40)
    medium = write_text(tmp_path / "medium.md", 8)
    paths = [*small, medium, large]
    results, finished = process_in_queue_order(tmp_path, paths)
    assert finished[0] == large
    assert finished[1] == medium
    assert finished[2:] == small
    assert [result.path for result in results] == paths
    assert [result.status for result in results] == [Status.OK] * 5


def test_queue_keeps_given_order_for_equal_sizes(tmp_path):
    paths = [write_text(tmp_path / f"same{n}.txt", 2) for n in range(5)]
    results, finished = process_in_queue_order(tmp_path, list(reversed(paths)))
    assert finished == list(reversed(paths))
    assert [result.status for result in results] == [Status.OK] * 5


def test_queue_weighs_text_above_pdf_bytes(tmp_path):
    # A PDF's bytes are mostly compressed streams, so 2 kB of plain text is
    # expected to take longer than a PDF twice that size.
    pdf = tmp_path / "padded.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"%" + b"x" * 4000 + b"\n%%EOF\n")
    text = write_text(tmp_path / "notes.txt", 12)
    assert os.path.getsize(text) < os.path.getsize(pdf)
    results, finished = process_in_queue_order(tmp_path, [str(pdf), text])
    assert finished == [text, str(pdf)]
    assert len(results) == 2


def test_empty_and_missing_paths_go_last(tmp_path):
    missing = str(tmp_path / "missing.txt")
    fifo = str(tmp_path / "pipe.txt")
    os.mkfifo(fifo)
    document = write_text(tmp_path / "doc.txt", 1)
    results, finished = process_in_queue_order(tmp_path, [missing, fifo, document])
    assert finished[0] == document
    assert sorted(finished) == sorted([missing, fifo, document])
    assert results[0].status is Status.UNREADABLE
    assert results[1].status is Status.UNREADABLE
    assert results[2].status is Status.OK
