"""Check that every generated file opens and that scans are legible to OCR.

Run from the repository root::

    .venv/bin/python -m scripts.make_corpus.verify sample_docs

Text PDFs must have a text layer, image-only PDFs must not, DOCX, EML and
text files must parse, and tesseract must read a few random image documents
with a mean word confidence above 70.
"""

from __future__ import annotations

import argparse
import csv
import email
import random
import statistics
import subprocess
import sys
from email import policy
from pathlib import Path

IMAGE_FORMATS = {"png", "tiff", "jpg", "photo", "scan_pdf"}


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def check_file(path: Path, fmt: str) -> str | None:
    """Return a problem description, or None when the file is fine."""
    if fmt == "pdf":
        if len(pdf_text(path).strip()) < 20:
            return "text PDF has no text layer"
    elif fmt == "scan_pdf":
        if pdf_text(path).strip():
            return "scanned PDF has a text layer"
    elif fmt == "docx":
        from docx import Document

        if not "".join(p.text for p in Document(path).paragraphs).strip():
            return "DOCX has no paragraph text"
    elif fmt == "eml":
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = msg.get_body(preferencelist=("plain", "html"))
        if not msg["From"] or not msg["Subject"] or body is None:
            return "e-mail lacks From, Subject or a body"
    elif fmt in ("png", "tiff", "jpg", "photo"):
        from PIL import Image

        with Image.open(path) as image:
            image.load()
    else:
        if not path.read_text(encoding="utf-8").strip():
            return "text file is empty"
    return None


TESSERACT_CODES = {
    "en": "eng",
    "fr": "fra",
    "de": "deu",
    "nl": "nld",
    "pl": "pol",
    "es": "spa",
    "it": "ita",
}


def ocr_languages(lang: str) -> str:
    """Return the tesseract ``-l`` value: English plus the document's language."""
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True
    ).stdout.split()
    code = TESSERACT_CODES.get(lang, "eng")
    return "eng" if code == "eng" or code not in listed else f"{code}+eng"


def ocr_confidence(path: Path, fmt: str, lang: str) -> float:
    """Run tesseract on the first page and return the mean word confidence."""
    target = path
    if fmt == "scan_pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        target = Path("/tmp") / f"verify_{path.stem}.png"
        pdf[0].render(scale=150 / 72).to_pil().save(target)
        pdf.close()
    command = ["tesseract", str(target), "-", "-l", ocr_languages(lang), "tsv"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rows = list(
        csv.DictReader(out.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    confs = [
        float(r["conf"])
        for r in rows
        if r.get("text", "").strip() and float(r["conf"]) >= 0
    ]
    return statistics.mean(confs) if confs else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, nargs="?", default=Path("sample_docs"))
    parser.add_argument("--ocr-samples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    manifest = args.root / "train" / "MANIFEST.tsv"
    rows = list(csv.DictReader(manifest.open(), delimiter="\t"))
    problems = 0
    for row in rows:
        path = args.root / "train" / row["path"]
        try:
            problem = check_file(path, row["format"])
        except Exception as exc:  # any parser failure is a finding here
            problem = f"failed to open: {exc}"
        if problem:
            problems += 1
            print(f"{row['path']}: {problem}")
    print(f"checked {len(rows)} files, {problems} problems")
    images = [r for r in rows if r["format"] in IMAGE_FORMATS]
    picks = random.Random(args.seed).sample(images, min(args.ocr_samples, len(images)))
    for row in picks:
        path = args.root / "train" / row["path"]
        conf = ocr_confidence(path, row["format"], row["lang"])
        print(f"ocr {row['path']}: mean confidence {conf:.1f}")
        if conf <= 70:
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
