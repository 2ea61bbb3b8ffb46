"""Generate damaged variants of real documents for robustness tests.

Mutations: truncation, bit flips, zeroed ranges, a broken header, and for
PDFs objects spliced in from another seed or deleted. The same seed number
always yields the same files. Seeds are a few small files from the shared
corpus when it is present, plus documents built here (PDF, DOCX, PNG,
e-mail, HTML), so the generator also works without the corpus.

Usage: python tests/fuzz_mutants.py OUT_DIR [--count 40] [--seed 20261204]
"""

from __future__ import annotations

import argparse
import io
import random
import re
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

#: Corpus files used as seeds when present: small, and of every kind.
CORPUS_SEEDS = (
    "edge/unst__embedded-cmap-cidfont.pdf",
    "edge/pminer__zen_of_python_corrupted.pdf",
    "edge/pdfjs__issue6069.pdf",
    "edge/unst__docx-hdrftr.docx",
    "edge/unst__fake-email-malformed-encoding.eml",
    "labeled/email/unst__family-day.eml",
    "labeled/memo/unst__fake-memo.pdf",
)

_OBJECT = re.compile(rb"\d+ 0 obj.*?endobj", re.DOTALL)


def build_pdf(text: str) -> bytes:
    """Return a one-page PDF showing ``text`` in Helvetica, with a valid xref."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return assemble_pdf(objects)


def assemble_pdf(objects: list[bytes]) -> bytes:
    """Return a PDF of ``objects`` (numbered from 1, the catalog first) with an xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def build_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Purchase order 881", level=1)
    document.add_paragraph("Deliver 20 units of part 7 to the Leeds warehouse.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Part"
    table.cell(1, 1).text = "20"
    buffer = io.BytesIO()
    document.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _without_timestamps(archive: bytes) -> bytes:
    """Return the zip ``archive`` with every entry dated 1980-01-01.

    python-docx stamps each entry with the time of saving, so two runs a
    second apart would build different seeds, and so different mutants.
    """
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry))
    return out.getvalue()


def build_png() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (900, 200), 255)
    font = ImageFont.load_default(size=40)
    ImageDraw.Draw(image).text((30, 60), "Receipt total 12.50", font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


BUILT_SEEDS: dict[str, Callable[[], bytes]] = {
    "built.pdf": lambda: build_pdf("Invoice 4711 total 250 EUR due in 30 days"),
    "built.docx": build_docx,
    "built.png": build_png,
    "built.eml": lambda: (
        b"From: a@example.com\nTo: b@example.com\nSubject: Minutes\n"
        b"Content-Type: text/plain; charset=utf-8\n\nAttendees: Ann, Bo.\n"
    ),
    "built.html": lambda: (
        b"<html><head><title>Memo</title></head><body><h1>Memo</h1>"
        b"<p>Office closes early on Friday.</p></body></html>"
    ),
}


def load_seeds() -> dict[str, bytes]:
    """Return seed file names mapped to their bytes."""
    seeds = {name: build() for name, build in BUILT_SEEDS.items()}
    for relative in CORPUS_SEEDS:
        path = CORPUS / relative
        if path.is_file():
            seeds[path.name] = path.read_bytes()
    return seeds


def truncate(data: bytes, rng: random.Random, _: dict[str, bytes]) -> bytes:
    return data[: rng.randint(1, max(1, len(data) - 1))]


def flip_bits(data: bytes, rng: random.Random, _: dict[str, bytes]) -> bytes:
    mutated = bytearray(data)
    for _flip in range(rng.randint(1, 40)):
        index = rng.randrange(len(mutated))
        mutated[index] ^= 1 << rng.randrange(8)
    return bytes(mutated)


def zero_range(data: bytes, rng: random.Random, _: dict[str, bytes]) -> bytes:
    start = rng.randrange(len(data))
    length = rng.randint(1, max(1, len(data) // 4))
    return (
        data[:start] + b"\x00" * min(length, len(data) - start) + data[start + length :]
    )


def break_header(data: bytes, rng: random.Random, _: dict[str, bytes]) -> bytes:
    cut = rng.randint(1, min(16, len(data)))
    return bytes(rng.randrange(256) for _byte in range(cut)) + data[cut:]


def splice_object(data: bytes, rng: random.Random, seeds: dict[str, bytes]) -> bytes:
    """Replace one PDF object with an object taken from another seed PDF."""
    targets = list(_OBJECT.finditer(data))
    donors = [
        match.group(0)
        for other in seeds.values()
        if other.startswith(b"%PDF")
        for match in _OBJECT.finditer(other)
    ]
    if not targets or not donors:
        return flip_bits(data, rng, seeds)
    target = rng.choice(targets)
    return data[: target.start()] + rng.choice(donors) + data[target.end() :]


def delete_object(data: bytes, rng: random.Random, seeds: dict[str, bytes]) -> bytes:
    targets = list(_OBJECT.finditer(data))
    if not targets:
        return truncate(data, rng, seeds)
    target = rng.choice(targets)
    return data[: target.start()] + data[target.end() :]


MUTATIONS: dict[str, Callable[[bytes, random.Random, dict[str, bytes]], bytes]] = {
    "truncate": truncate,
    "flip": flip_bits,
    "zero": zero_range,
    "header": break_header,
    "splice": splice_object,
    "delete": delete_object,
}


def generate_mutants(
    out_dir: Path, count: int = 40, seed: int = 20261204
) -> list[Path]:
    """Write ``count`` mutants into ``out_dir`` and return their paths.

    Each mutant keeps its seed's extension, so detection by content is
    tested against a plausible name.
    """
    rng = random.Random(seed)
    seeds = load_seeds()
    names = sorted(seeds)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        name = names[index % len(names)]
        mutation = rng.choice(sorted(MUTATIONS))
        mutant = MUTATIONS[mutation](seeds[name], rng, seeds)
        path = out_dir / f"{index:03d}-{mutation}-{name}"
        path.write_bytes(mutant)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261204)
    arguments = parser.parse_args()
    for path in generate_mutants(arguments.out_dir, arguments.count, arguments.seed):
        print(path)


if __name__ == "__main__":
    main()
