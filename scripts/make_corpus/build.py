"""Plan and write the corpus: which template, language and format each file gets."""

from __future__ import annotations

import logging
import random
import zlib
from collections import Counter
from pathlib import Path

from . import render_image
from .categories import CATEGORY_MODULES
from .fake import Faker
from .readme import write_readme
from .render_docx import render_docx
from .render_eml import render_eml, render_eml_as_text
from .render_pdf import render_pdf
from .render_text import add_text_noise, render_html, render_md, render_txt

logger = logging.getLogger(__name__)
# fontTools logs every table it subsets at INFO level while fpdf2 embeds fonts.
logging.getLogger("fontTools").setLevel(logging.WARNING)

DEFAULT_SEED = 20251204

LANG_WEIGHTS_ALL = {
    "en": 0.58,
    "fr": 0.13,
    "de": 0.13,
    "nl": 0.04,
    "pl": 0.04,
    "es": 0.04,
    "it": 0.04,
}
LANG_WEIGHTS_MAJOR = {"en": 0.70, "fr": 0.15, "de": 0.15}

# Relative number of files per output format and category. Image formats
# (scan_pdf, png, tiff, jpg, photo) make up about 12-15% of the corpus.
FORMAT_WEIGHTS = {
    "invoice": {
        "pdf": 20,
        "docx": 5,
        "txt": 4,
        "html": 4,
        "md": 2,
        "scan_pdf": 5,
        "png": 3,
        "tiff": 1,
        "jpg": 1,
    },
    "receipt": {"pdf": 12, "txt": 8, "html": 4, "photo": 12, "png": 2, "scan_pdf": 2},
    "purchase_order": {
        "pdf": 22,
        "docx": 8,
        "txt": 4,
        "html": 3,
        "scan_pdf": 3,
        "png": 1,
    },
    "contract": {"pdf": 16, "docx": 10, "md": 10, "txt": 5, "html": 3, "scan_pdf": 3},
    "resume": {
        "pdf": 20,
        "docx": 14,
        "txt": 6,
        "md": 2,
        "html": 2,
        "scan_pdf": 1,
        "png": 1,
    },
    "letter": {
        "pdf": 14,
        "docx": 8,
        "md": 8,
        "txt": 6,
        "html": 2,
        "scan_pdf": 5,
        "png": 1,
        "tiff": 1,
    },
    "memo": {
        "pdf": 14,
        "docx": 10,
        "txt": 8,
        "md": 4,
        "html": 2,
        "scan_pdf": 5,
        "tiff": 1,
        "png": 1,
    },
    "report": {
        "pdf": 22,
        "docx": 8,
        "md": 6,
        "html": 5,
        "txt": 2,
        "scan_pdf": 2,
        "png": 1,
    },
    "scientific_paper": {
        "pdf": 26,
        "docx": 5,
        "txt": 4,
        "md": 2,
        "html": 2,
        "scan_pdf": 2,
        "tiff": 2,
        "png": 1,
    },
    "form": {
        "pdf": 24,
        "docx": 6,
        "html": 5,
        "txt": 3,
        "scan_pdf": 4,
        "png": 2,
        "tiff": 1,
    },
    "bank_statement": {
        "pdf": 24,
        "txt": 4,
        "html": 4,
        "docx": 2,
        "scan_pdf": 4,
        "png": 2,
        "tiff": 1,
    },
    "meeting_minutes": {
        "md": 14,
        "pdf": 12,
        "docx": 8,
        "txt": 7,
        "html": 2,
        "scan_pdf": 2,
    },
    "email": {"eml": 38, "txt": 3, "html": 2, "pdf": 2},
}
EXTENSIONS = {"scan_pdf": "pdf", "photo": "jpg"}


def allocate(weights: dict[str, float], total: int, rng: random.Random) -> list[str]:
    """Spread ``total`` slots over keys by weight (largest remainder), shuffled."""
    norm = sum(weights.values())
    exact = {k: total * w / norm for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    left = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:left]:
        counts[key] += 1
    slots = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(slots)
    return slots


def plan_category(category: str, count: int, seed: int) -> list[dict]:
    """Assign a template, language, format and seed to each document."""
    rng = random.Random(f"{seed}:{category}:plan")
    templates = CATEGORY_MODULES[category].TEMPLATES
    supported = {lang for _, _, langs in templates for lang in langs}
    if supported >= set(LANG_WEIGHTS_ALL):
        lang_weights = LANG_WEIGHTS_ALL
    elif supported > set(LANG_WEIGHTS_MAJOR):
        # Some but not all of the smaller languages: keep their usual shares.
        lang_weights = {k: w for k, w in LANG_WEIGHTS_ALL.items() if k in supported}
    elif supported >= set(LANG_WEIGHTS_MAJOR):
        lang_weights = LANG_WEIGHTS_MAJOR
    else:
        lang_weights = {"en": 1.0}
    langs = allocate(lang_weights, count, rng)
    formats = allocate(FORMAT_WEIGHTS[category], count, rng)
    used: Counter = Counter()
    plan = []
    for index, (lang, fmt) in enumerate(zip(langs, formats, strict=True)):
        allowed = getattr(CATEGORY_MODULES[category], "FORMAT_TEMPLATES", {})
        options = [
            t
            for t in templates
            if lang in t[2] and (fmt not in allowed or t[0] in allowed[fmt])
        ] or templates
        low = min(used[t[0]] for t in options)
        name, func, _ = rng.choice([t for t in options if used[t[0]] == low])
        used[name] += 1
        plan.append(
            {
                "category": category,
                "index": index,
                "template": name,
                "func": func,
                "lang": lang,
                "format": fmt,
                "seed": zlib.crc32(f"{seed}:{category}:{index}".encode()),
            }
        )
    return plan


def render_document(doc, fmt: str, rng: random.Random, noise: bool = True) -> bytes:
    """Render one document to the bytes of the requested format."""
    if fmt == "eml":
        return render_eml(doc, rng)
    if fmt in ("txt", "md"):
        if doc.category == "email" and fmt == "txt":
            text = render_eml_as_text(doc)
        else:
            text = render_txt(doc) if fmt == "txt" else render_md(doc)
        roll = rng.random() if noise else 1.0
        for kind, limit in (
            ("ocr", 0.08),
            ("spaces", 0.15),
            ("upper", 0.18),
            ("lower", 0.20),
        ):
            if roll < limit:
                text = add_text_noise(text, rng, kind)
                break
        return text.encode("utf-8")
    if fmt == "html":
        return render_html(doc, rng).encode("utf-8")
    if fmt == "docx":
        return render_docx(doc, rng)
    pdf = render_pdf(doc, rng)
    if fmt == "pdf":
        return pdf
    dpi = rng.choice([150, 160, 175, 200])
    pages = render_image.rasterise(pdf, dpi, max_pages=2)
    if fmt == "photo":
        return render_image.save_image(
            [render_image.degrade_photo(pages[0], rng)], "jpg", rng
        )
    pages = [render_image.degrade_scan(page, rng) for page in pages]
    if fmt != "scan_pdf":
        pages = pages[:1]
    return render_image.save_image(pages, {"scan_pdf": "pdf"}.get(fmt, fmt), rng)


# Demo files written directly into the output folder, outside train/:
# (file name, category, template, language, format).
DEMO_FILES = [
    ("invoice_freelancer.pdf", "invoice", "freelancer", "en", "pdf"),
    ("letter_scanned.pdf", "letter", "business", "en", "scan_pdf"),
    ("receipt_photo.jpg", "receipt", "cafe", "en", "photo"),
    ("resume.docx", "resume", "chronological", "en", "docx"),
    ("email_project_update.eml", "email", "work", "en", "eml"),
    ("contract_terms_of_service.md", "contract", "terms_of_service", "en", "md"),
    ("memo_office_closure.txt", "memo", "corporate", "en", "txt"),
    ("rechnung_grosshandel.pdf", "invoice", "wholesaler", "de", "pdf"),
]


def write_demo_files(out: Path, seed: int) -> None:
    """Write the hand-picked demo documents that show docflow's range."""
    for name, category, template, lang, fmt in DEMO_FILES:
        funcs = {t[0]: t[1] for t in CATEGORY_MODULES[category].TEMPLATES}
        item_seed = zlib.crc32(f"{seed}:demo:{name}".encode())
        doc = funcs[template](Faker(item_seed, lang))
        rng = random.Random(item_seed ^ 0x5EED)
        data = render_document(doc, fmt, rng, noise=False)
        (out / name).write_bytes(data)
    logger.info("wrote %d demo files", len(DEMO_FILES))


def build_corpus(
    out: Path, seed: int, per_category: int, only: list[str] | None = None
) -> None:
    """Write ``out/train/<category>/`` files and ``out/train/MANIFEST.tsv``."""
    train = out / "train"
    manifest = ["path\tcategory\ttemplate\tlang\tformat\tbytes"]
    rows: list[dict] = []
    for category in CATEGORY_MODULES:
        if only and category not in only:
            continue
        folder = train / category
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for item in plan_category(category, per_category, seed):
            fk = Faker(item["seed"], item["lang"])
            doc = item["func"](fk)
            rng = random.Random(item["seed"] ^ 0x5EED)
            data = render_document(doc, item["format"], rng)
            ext = EXTENSIONS.get(item["format"], item["format"])
            name = f"{item['index']:03d}_{item['template']}_{item['lang']}.{ext}"
            (folder / name).write_bytes(data)
            manifest.append(
                f"{category}/{name}\t{category}\t{item['template']}\t"
                f"{item['lang']}\t{item['format']}\t{len(data)}"
            )
            rows.append(
                {
                    "category": category,
                    "template": item["template"],
                    "lang": item["lang"],
                    "format": item["format"],
                }
            )
        logger.info("wrote %d %s documents", per_category, category)
    if not only:
        (train / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n")
        write_demo_files(out, seed)
        write_readme(out, rows, [d[0] for d in DEMO_FILES])
