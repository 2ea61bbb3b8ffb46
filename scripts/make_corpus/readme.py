"""Write ``sample_docs/README.md`` from the manifest, so its tables stay true."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

FORMAT_NAMES = {
    "pdf": "PDF (text)",
    "scan_pdf": "PDF (scan, no text)",
    "docx": "DOCX",
    "txt": "text",
    "md": "Markdown",
    "html": "HTML",
    "eml": "EML",
    "png": "PNG",
    "tiff": "TIFF",
    "jpg": "JPEG scan",
    "photo": "JPEG photo",
}

INTRO = """\
# Sample documents

Everything in this folder is **synthetic**: the documents were written by a
generator, and every person, company, address, account number and amount in
them is fictitious. Any resemblance to real people or firms is a coincidence.

- `train/<category>/`: the training corpus for docflow's classifier, {total}
  documents in {ncat} categories. `train/MANIFEST.tsv` lists each file with
  its category, template, language, output format and size in bytes.
- The files directly in this folder are demo documents, so that
  `docflow process sample_docs/` shows a mix of formats: {demos}.

## How it was made

```bash
.venv/bin/pip install -e '.[corpus]'        # fpdf2, for the generator only
.venv/bin/python -m scripts.make_corpus --out sample_docs
.venv/bin/python -m scripts.make_corpus.verify sample_docs
```

The generator lives in `scripts/make_corpus/`. It uses a fixed seed, so a
re-run writes byte-identical files. Each category has several templates
written as different kinds of writer would (a freelancer's invoice, a
utility bill, a telecom bill; a cafe till slip, a hotel folio, a web-shop
receipt; and so on). Names, dates, amounts, line items, section choice and
length are drawn at random for each document. Text and Markdown files are
sometimes roughened with OCR-like character swaps, odd casing or extra
whitespace.

Image documents are rendered from the same layouts. Pages are rasterised at
150-200 dpi and degraded like a flatbed scan: grey paper, slight rotation,
blur and noise. Receipt photos get skew, uneven light and a dark table
around the slip instead. About a third of the scans are worn copies with
faded ink, more blur and toner specks. Scanned PDFs carry no text layer, so only OCR
can read them. TIFF scans are bilevel CCITT Group 4, as fax machines and
office scanners write them.

The verifier opens every file, checks that text PDFs have a text layer and
scanned PDFs have none, and runs tesseract on a few random image documents
(mean word confidence must exceed 70, read with the document's language
model where tesseract has it installed).

## What is in `train/`
"""

LIMITS = """
## Limits

- The corpus is generated from templates, so its vocabulary is narrower than
  that of real documents. It teaches the classifier what each category
  usually contains; it is not a benchmark. Measure accuracy on real documents
  the model has not seen.
- English, French and German get the most templates. Dutch, Polish, Spanish
  and Italian appear in the structured categories (invoices, receipts,
  purchase orders, bank statements, forms) and in letters, contracts,
  e-mails and minutes, with fewer distinct phrasings.
- Resumes, reports, memos and scientific papers are mostly or only English.
"""


def _table(rows: list[dict], key: str, names: dict[str, str] | None = None) -> str:
    counts: dict[str, Counter] = defaultdict(Counter)
    columns: Counter = Counter()
    for row in rows:
        counts[row["category"]][row[key]] += 1
        columns[row[key]] += 1
    order = [c for c, _ in columns.most_common()]
    names = names or {}
    head = "| category | " + " | ".join(names.get(c, c) for c in order) + " | total |"
    sep = "|---|" + "---:|" * (len(order) + 1)
    lines = [head, sep]
    for category in counts:
        cells = [str(counts[category][c] or "") for c in order]
        total = sum(counts[category].values())
        lines.append(f"| {category} | " + " | ".join(cells) + f" | {total} |")
    lines.append(
        "| **all** | "
        + " | ".join(str(columns[c]) for c in order)
        + f" | {sum(columns.values())} |"
    )
    return "\n".join(lines)


def _templates(rows: list[dict]) -> str:
    per: dict[str, set] = defaultdict(set)
    for row in rows:
        per[row["category"]].add(row["template"])
    lines = ["| category | templates |", "|---|---|"]
    for category, names in per.items():
        lines.append(f"| {category} | {', '.join(sorted(names))} |")
    return "\n".join(lines)


def write_readme(out: Path, rows: list[dict], demos: list[str]) -> None:
    """Write the README with counts by category, format, language, template."""
    text = INTRO.format(
        total=len(rows),
        ncat=len({r["category"] for r in rows}),
        demos=", ".join(f"`{d}`" for d in demos),
    )
    text += "\n### Formats\n\n" + _table(rows, "format", FORMAT_NAMES) + "\n"
    text += "\n### Languages\n\n" + _table(rows, "lang") + "\n"
    text += "\n### Templates\n\n" + _templates(rows) + "\n"
    text += LIMITS
    (out / "README.md").write_text(text, encoding="utf-8")
