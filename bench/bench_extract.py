"""Compare docflow's PDF extraction with bare pypdfium2 text extraction.

Both read the same text PDFs of the shared corpus the same number of times,
in this process, one after the other. A text PDF here is one that opens
without a password and whose every page docflow reads from the text layer,
so no OCR runs. The ratio shows what detection, per-page
garbage checks, doubled-character repair and language detection cost on top
of PDFium itself.

Usage: .venv/bin/python bench/bench_extract.py [--rounds 5] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pypdfium2 as pdfium

from docflow.core.config import Settings
from docflow.core.extract import extract_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MIN_PAGE_CHARS = 16


def find_text_pdfs(corpus: Path, settings: Settings) -> list[Path]:
    """Return corpus PDFs whose every page docflow reads from the text layer."""
    selected = []
    for path in sorted(corpus.rglob("*.pdf")):
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        try:
            has_text = len(pdf) > 0 and all(
                len(text.strip()) >= MIN_PAGE_CHARS for text in iter_page_texts(pdf)
            )
        finally:
            pdf.close()
        if not has_text:
            continue
        document = extract_document(str(path), settings)
        if all(
            page.method == "text_layer" and "garbage_text" not in page.flags
            for page in document.pages
        ):
            selected.append(path)
    return selected


def iter_page_texts(pdf: pdfium.PdfDocument):
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        yield textpage.get_text_bounded()
        textpage.close()
        page.close()


def run_baseline(paths: list[Path]) -> int:
    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for _text in iter_page_texts(pdf):
            pages += 1
        pdf.close()
    return pages


def run_docflow(paths: list[Path], settings: Settings) -> int:
    return sum(len(extract_document(str(path), settings).pages) for path in paths)


def measure(label: str, run, rounds: int) -> float:
    best = float("inf")
    pages = 0
    for _round in range(rounds):
        started = time.perf_counter()
        pages = run()
        best = min(best, time.perf_counter() - started)
    rate = pages / best
    print(
        f"{label:<22} {pages:>6} pages  best of {rounds}: {best:7.3f} s"
        f"  {rate:9.0f} pages/s"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    arguments = parser.parse_args()

    settings = Settings()
    paths = find_text_pdfs(arguments.corpus, settings)
    if not paths:
        raise SystemExit(f"no text PDFs found under {arguments.corpus}")
    print(f"{len(paths)} text PDFs under {arguments.corpus}")

    baseline = measure(
        "pypdfium2 text only", lambda: run_baseline(paths), arguments.rounds
    )
    docflow = measure(
        "docflow extract", lambda: run_docflow(paths, settings), arguments.rounds
    )
    print(f"docflow / pypdfium2 throughput ratio: {docflow / baseline:.2f}")


if __name__ == "__main__":
    main()
