"""Scanned pages per second of ``docflow classify`` against bare tesseract.

Run from the repository root:

    .venv/bin/python bench/bench_ocr.py [--copies 6] [--workers N] [--rounds 2]

Documents: the upright scanned PDFs of ../shared/corpus listed in
``_common.SCANNED_PDFS`` (no text layer), each copied ``--copies`` times into
a temporary folder with a unique ``%docflow-copy N`` line after ``%%EOF``.

- docflow: ``docflow classify --workers N`` on the copies, with an empty
  database and extraction cache per run, timed from start to exit
  (``analyze`` when the classifier model is not installed). For each page it
  makes a grayscale image, runs tesseract on it and classifies the text.
  A page that is one scan at a whole multiple of 300 DPI is decoded from the
  PDF and shrunk by that multiple. Any other page is rendered with PDFium
  at 300 DPI. The script prints which pages took which way. Tesseract runs
  inside each worker through libtesseract, with the command's settings, so
  its language data is loaded once per worker instead of once per page.
- baseline, ``bare tesseract``: the ``tesseract IMAGE stdout -l LANG tsv``
  command, N at a time with ``OMP_THREAD_LIMIT=1`` as docflow sets it, once
  per page of every copy, on PDFium renders at 300 DPI made before the clock
  starts. The target ratio is against this baseline.
- reference, ``tesseract, docflow's images``: the same command on the images
  docflow hands tesseract, also made before the clock starts. These have the
  same pixel size as the renders (within one pixel) but are resampled
  differently, which changes tesseract's own time a little. The ratio
  against this line leaves that difference out.

The contenders run in turn, ``--rounds`` times, and the best time of each
gives the ratios. Target: docflow >= 0.9x the baseline's pages per second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    CORPUS,
    SCANNED_PDFS,
    build_copies,
    describe_docflow_run,
    describe_machine,
    measure_interleaved,
    pick_command,
    require_corpus,
    run_docflow,
)

TARGET = 0.9


def find_scanned(corpus: Path) -> list[Path]:
    """Return the scanned PDFs that exist and that docflow reads by OCR only."""
    from docflow.core.config import Settings
    from docflow.core.extract import extract_document

    settings = Settings()
    selected = []
    for name in SCANNED_PDFS:
        path = corpus / name
        if not path.is_file():
            print(f"skipping {name}: not in the corpus")
            continue
        document = extract_document(str(path), settings)
        methods = {page.method for page in document.pages}
        if methods != {"ocr"}:
            print(f"skipping {name}: docflow reads it by {sorted(methods)}")
            continue
        selected.append(path)
    return selected


def render_pages(sources: list[Path], folder: Path) -> tuple[list[Path], list[Path]]:
    """Save every page as a 300-DPI PDFium render and as the image docflow
    hands tesseract, both as PGM, and return the two lists of paths."""
    import pypdfium2 as pdfium

    from docflow.core.config import Settings
    from docflow.core.extract._pageimage import embedded_scan, render_page
    from docflow.core.ocr import OCR_IMAGE_SUFFIX, save_for_ocr

    settings = Settings().extraction
    folder.mkdir()
    renders, page_images = [], []
    for source in sources:
        pdf = pdfium.PdfDocument(str(source))
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                render = render_page(page, settings)
                scan = embedded_scan(page, settings)
                stem = folder / f"{source.stem}-{index}"
                renders.append(stem.with_suffix(".render" + OCR_IMAGE_SUFFIX))
                page_images.append(stem.with_suffix(".docflow" + OCR_IMAGE_SUFFIX))
                save_for_ocr(render, str(renders[-1]))
                save_for_ocr(scan or render, str(page_images[-1]))
                way = (
                    f"embedded scan {scan.width}x{scan.height}"
                    if scan is not None
                    else "the render"
                )
                print(
                    f"{source.name} page {index + 1}: render "
                    f"{render.width}x{render.height}; docflow reads {way}"
                )
        finally:
            pdf.close()
    return renders, page_images


def run_tesseract(images: list[Path], workers: int, languages: str) -> float:
    """Run bare tesseract on ``images``, ``workers`` at a time; return seconds."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def read(image: Path) -> None:
        subprocess.run(
            ["tesseract", str(image), "stdout", "-l", languages, "tsv"],
            env=env,
            capture_output=True,
            check=True,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(read, images))
    return time.perf_counter() - started


def tesseract_version() -> str:
    completed = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    )
    return (completed.stdout or completed.stderr).splitlines()[0]


def compare(arguments: argparse.Namespace, workdir: Path) -> None:
    sources = find_scanned(require_corpus(arguments.corpus))
    if not sources:
        sys.exit("no scanned PDFs to measure")
    command = pick_command(arguments.command)
    renders, page_images = render_pages(sources, workdir / "images")
    copies = build_copies(
        sources, workdir / "documents", len(sources) * arguments.copies
    )
    pages = len(renders) * arguments.copies
    workers = arguments.workers

    print(describe_machine())
    print(tesseract_version())
    print(
        f"{len(copies)} scanned PDFs ({len(sources)} corpus files x "
        f"{arguments.copies} copies), {pages} pages, {workers} processes, "
        f"best of {arguments.rounds}"
    )

    runs = []

    def docflow_run(number: int) -> float:
        run = run_docflow(
            command, workdir / "documents", workers, workdir / f"state-{number}"
        )
        if len(run.records) != len(copies):
            sys.exit(
                f"docflow printed {len(run.records)} results for {len(copies)} files"
            )
        runs.append(run)
        return run.seconds

    docflow_label = f"docflow {command}"
    reference_label = "tesseract, docflow's images"
    contenders = {
        docflow_label: docflow_run,
        "bare tesseract": lambda _: run_tesseract(
            renders * arguments.copies, workers, "eng"
        ),
        reference_label: lambda _: run_tesseract(
            page_images * arguments.copies, workers, "eng"
        ),
    }
    timings = measure_interleaved(contenders, arguments.rounds)
    for label, timing in timings.items():
        rounds = ", ".join(f"{seconds:.2f}" for seconds in timing.seconds)
        print(
            f"{label:<28} best {timing.best:7.2f} s  {pages / timing.best:6.2f} "
            f"pages/s  (rounds: {rounds} s)"
        )
    fastest = min(runs, key=lambda run: run.seconds)
    print(describe_docflow_run(fastest, workers))
    # classify stops reading a document once it has enough text, so the
    # ratio compares like with like only when docflow read every page.
    read = sum(record.get("pages_read") or 0 for record in fastest.records)
    print(f"pages read by docflow: {read} of {pages}")
    ratio = timings["bare tesseract"].best / timings[docflow_label].best
    verdict = "met" if ratio >= TARGET else "MISSED"
    print(
        f"docflow / bare tesseract on 300-DPI renders, pages per second: "
        f"{ratio:.2f}x (target >= {TARGET}x: {verdict})"
    )
    overhead = timings[reference_label].best / timings[docflow_label].best
    print(f"docflow / tesseract on docflow's own page images: {overhead:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6, help="copies of each PDF")
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="processes for both contenders (default: the CPUs available)",
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--command", choices=("classify", "analyze", "process"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docflow-bench-") as folder:
        compare(arguments, Path(folder))


if __name__ == "__main__":
    main()
