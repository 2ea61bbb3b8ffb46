"""Render a :class:`~blocks.Doc` as DOCX with real heading styles and tables."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

from .blocks import (
    Bullets,
    Checks,
    Doc,
    Fields,
    Heading,
    KeyValues,
    Mono,
    PageBreak,
    Para,
    Rule,
    Signature,
    Space,
    Table,
)

FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed timestamps so output is reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: Doc, rng: random.Random) -> bytes:
    """Render the document to DOCX bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    align_map = {
        "L": WD_ALIGN_PARAGRAPH.LEFT,
        "C": WD_ALIGN_PARAGRAPH.CENTER,
        "R": WD_ALIGN_PARAGRAPH.RIGHT,
        "J": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
    d = Document()
    normal = d.styles["Normal"]
    normal.font.name = rng.choice(
        ["Calibri", "Arial", "Times New Roman", "Georgia", "Cambria", "Garamond"]
    )
    normal.font.size = Pt(rng.choice([10, 10.5, 11, 11, 12]))
    props = d.core_properties
    props.created = dt.datetime(2025, 1, 1) + dt.timedelta(hours=rng.randint(0, 8000))
    props.modified = props.created
    props.last_modified_by = ""
    props.author = ""
    props.title = doc.title if rng.random() < 0.5 else ""
    table_style = rng.choice(
        ["Table Grid", "Light Grid Accent 1", "Light List Accent 1", "Table Grid"]
    )

    for block in doc.iter_flat():
        if isinstance(block, Heading):
            level = min(block.level, 3)
            if level == 1 and rng.random() < 0.3:
                d.add_heading(block.text, level=0)
            else:
                d.add_heading(block.text, level=level)
        elif isinstance(block, Para):
            p = d.add_paragraph()
            run = p.add_run(block.text)
            run.bold = block.bold
            run.italic = block.italic
            p.alignment = align_map.get(block.align, WD_ALIGN_PARAGRAPH.LEFT)
        elif isinstance(block, KeyValues):
            if rng.random() < 0.5:
                t = d.add_table(rows=0, cols=2)
                for k, v in block.pairs:
                    cells = t.add_row().cells
                    cells[0].text = k
                    cells[1].text = v
            else:
                for k, v in block.pairs:
                    p = d.add_paragraph()
                    p.add_run(k + ": ").bold = True
                    p.add_run(v)
        elif isinstance(block, Table):
            ncols = len(block.header) if block.header else len(block.rows[0])
            t = d.add_table(rows=0, cols=ncols)
            t.style = table_style
            rows = ([block.header] if block.header else []) + block.rows + block.footer
            for n, row in enumerate(rows):
                cells = t.add_row().cells
                for i in range(ncols):
                    cells[i].text = row[i] if i < len(row) else ""
                    if n == 0 and block.header:
                        for r in cells[i].paragraphs[0].runs:
                            r.bold = True
            d.add_paragraph()
        elif isinstance(block, Bullets):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                d.add_paragraph(item, style=style)
        elif isinstance(block, Fields):
            for label, value in block.labels:
                d.add_paragraph(f"{label}: {value or '_' * 28}")
        elif isinstance(block, Checks):
            if block.prompt:
                d.add_paragraph(block.prompt)
            for text, on in block.items:
                d.add_paragraph(("☒ " if on else "☐ ") + text)
        elif isinstance(block, Signature):
            for name, role in block.names:
                d.add_paragraph("\n\n______________________________")
                d.add_paragraph(name + (f"\n{role}" if role else ""))
        elif isinstance(block, Mono):
            p = d.add_paragraph()
            run = p.add_run("\n".join(block.lines))
            run.font.name = "Courier New"
        elif isinstance(block, Rule):
            d.add_paragraph("_" * 60)
        elif isinstance(block, PageBreak):
            d.add_page_break()
        elif isinstance(block, Space):
            continue
    buf = io.BytesIO()
    d.save(buf)
    return _normalise_zip(buf.getvalue())
