"""Render a :class:`~blocks.Doc` as a text PDF with fpdf2 and DejaVu fonts."""

from __future__ import annotations

import datetime as dt
import random

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos

from .blocks import (
    Bullets,
    Checks,
    Columns,
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

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {
    "DejaVuSans": (
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
    ),
    "DejaVuSerif": (
        "DejaVuSerif",
        "DejaVuSerif-Bold",
        "DejaVuSerif-Italic",
        "DejaVuSerif-BoldItalic",
    ),
    "DejaVuSansCondensed": (
        "DejaVuSansCondensed",
        "DejaVuSansCondensed-Bold",
        "DejaVuSansCondensed-Oblique",
        "DejaVuSansCondensed-BoldOblique",
    ),
    "DejaVuSerifCondensed": (
        "DejaVuSerifCondensed",
        "DejaVuSerifCondensed-Bold",
        "DejaVuSerifCondensed-Italic",
        "DejaVuSerifCondensed-BoldItalic",
    ),
    "DejaVuSansMono": (
        "DejaVuSansMono",
        "DejaVuSansMono-Bold",
        "DejaVuSansMono-Oblique",
        "DejaVuSansMono-BoldOblique",
    ),
}
PAGE_WORDS = {
    "en": "Page",
    "fr": "Page",
    "de": "Seite",
    "nl": "Pagina",
    "pl": "Strona",
    "es": "Página",
    "it": "Pagina",
}
NEW_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


class _Pdf(FPDF):
    footer_text = ""
    numbered = False
    page_word = "Page"

    def footer(self) -> None:
        if not (self.numbered or self.footer_text):
            return
        self.set_y(-12)
        self.set_font(self.base_font, "", 7.5)
        self.set_text_color(90, 90, 90)
        text = self.footer_text
        if self.numbered:
            page = f"{self.page_word} {self.page_no()}/{{nb}}"
            text = (text + "    " if text else "") + page
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)


def _new_pdf(doc: Doc, rng: random.Random) -> _Pdf:
    st = doc.style
    if st.page == "slip":
        lines = sum(len(b.lines) for b in doc.blocks if isinstance(b, Mono))
        lines += sum(1 for b in doc.blocks if not isinstance(b, Mono))
        height = max(120.0, 14 + lines * st.size * 0.48)
        pdf = _Pdf(unit="mm", format=(72 + rng.randint(0, 12), height))
        pdf.set_auto_page_break(False)
    else:
        pdf = _Pdf(unit="mm", format="Letter" if st.page == "Letter" else "A4")
        pdf.set_auto_page_break(True, margin=16)
    # fpdf2 embeds every registered font, used or not, so only the document's
    # family and the monospaced font are registered. A list, not a set, keeps
    # the font numbering and so the output bytes the same on every run.
    families = [st.font] + (["DejaVuSansMono"] if st.font != "DejaVuSansMono" else [])
    for family in families:
        styles = ("", "B", "I", "BI") if family == st.font else ("",)
        for style, name in zip(styles, FONT_FILES[family], strict=False):
            pdf.add_font(family, style, f"{FONT_DIR}/{name}.ttf")
    pdf.base_font = st.font
    pdf.set_margins(st.margin, st.margin * 0.8, st.margin)
    pdf.set_creation_date(
        dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
        + dt.timedelta(minutes=rng.randint(0, 400000))
    )
    pdf.set_creator(
        rng.choice(
            [
                "Microsoft Word",
                "LibreOffice Writer",
                "fpdf2",
                "Billing System",
                "Acrobat PDFMaker",
                "",
            ]
        )
    )
    if rng.random() < 0.5:
        pdf.set_title(doc.title)
    pdf.add_page()
    pdf.set_font(st.font, "", st.size)
    return pdf


def _line_h(pdf: _Pdf) -> float:
    return pdf.font_size * 1.45


def _heading(pdf: _Pdf, doc: Doc, block: Heading) -> None:
    st = doc.style
    size = {1: st.size + 6, 2: st.size + 2.5, 3: st.size + 1}.get(block.level, st.size)
    if pdf.get_y() > pdf.h - 40 and doc.style.page != "slip":
        pdf.add_page()
    pdf.ln(2 if block.level > 1 else 1)
    pdf.set_font(st.font, "B", size)
    pdf.set_text_color(*st.accent)
    align = st.header_align if block.level == 1 else "L"
    pdf.multi_cell(0, size * 0.5, block.text, align=align, **NEW_LINE)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(st.font, "", st.size)
    pdf.ln(1.5)


def _para(pdf: _Pdf, doc: Doc, block: Para) -> None:
    style = ""
    if block.bold:
        style += "B"
    if block.italic:
        style += "I"
    pdf.set_font(doc.style.font, style, block.size or doc.style.size)
    pdf.multi_cell(0, _line_h(pdf), block.text, align=block.align, **NEW_LINE)
    pdf.set_font(doc.style.font, "", doc.style.size)
    pdf.ln(1.5)


def _key_values(pdf: _Pdf, doc: Doc, block: KeyValues) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    ncols = block.columns
    col_w = width / ncols
    pdf.set_font(doc.style.font, "B", doc.style.size)
    label_w = min(
        col_w * 0.45, max(pdf.get_string_width(k + ":") for k, _ in block.pairs) + 3
    )
    for i, (key, value) in enumerate(block.pairs):
        col = i % ncols
        x = pdf.l_margin + col * col_w
        if col == 0 and i:
            pdf.ln(_line_h(pdf))
        pdf.set_x(x)
        pdf.set_font(doc.style.font, "B", doc.style.size)
        pdf.cell(label_w, _line_h(pdf), key + ":")
        pdf.set_font(doc.style.font, "", doc.style.size)
        avail = col_w - label_w - 1
        while value and pdf.get_string_width(value) > avail:
            value = value[:-1]
        pdf.cell(avail, _line_h(pdf), value)
    pdf.ln(_line_h(pdf) + 2)


def _table(pdf: _Pdf, doc: Doc, block: Table) -> None:
    ncols = len(block.header) if block.header else len(block.rows[0])
    widths = block.widths or [1.0] * ncols
    align = block.align or ["L"] * ncols
    layout = {
        "grid": TableBordersLayout.ALL,
        "lines": TableBordersLayout.HORIZONTAL_LINES,
        "plain": TableBordersLayout.NONE,
        "head": TableBordersLayout.SINGLE_TOP_LINE,
    }[doc.style.table_style]
    size = doc.style.size - (1 if ncols > 5 else 0.5)
    pdf.set_font(doc.style.font, "", size)
    rows = ([block.header] if block.header else []) + block.rows + block.footer
    with pdf.table(
        col_widths=tuple(widths),
        text_align=tuple(align),
        borders_layout=layout,
        first_row_as_headings=bool(block.header),
        line_height=size * 0.55,
        padding=1,
    ) as table:
        for row in rows:
            cells = table.row()
            for i in range(ncols):
                cells.cell(row[i] if i < len(row) else "")
    pdf.set_font(doc.style.font, "", doc.style.size)
    pdf.ln(3)


def _bullets(pdf: _Pdf, doc: Doc, block: Bullets, rng: random.Random) -> None:
    mark = rng.choice(["•", "-", "–", "▪"])
    for i, item in enumerate(block.items, 1):
        prefix = f"{i}." if block.ordered else mark
        pdf.set_x(pdf.l_margin + 3)
        pdf.cell(6, _line_h(pdf), prefix)
        pdf.multi_cell(0, _line_h(pdf), item, **NEW_LINE)
    pdf.ln(1.5)


def _fields(pdf: _Pdf, doc: Doc, block: Fields) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    col_w = width / block.columns
    h = _line_h(pdf) + 2.5
    for i, (label, value) in enumerate(block.labels):
        col = i % block.columns
        if col == 0 and i:
            pdf.ln(h)
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
        x = pdf.l_margin + col * col_w
        pdf.set_x(x)
        pdf.set_font(doc.style.font, "", doc.style.size - 0.5)
        lw = min(pdf.get_string_width(label + ":") + 2, col_w * 0.6) if label else 0
        if label:
            pdf.cell(lw, h, label + ":")
        y_line = pdf.get_y() + h - 1.5
        pdf.line(x + lw, y_line, x + col_w - 3, y_line)
        if value:
            pdf.set_font("DejaVuSansMono", "", doc.style.size - 0.5)  # filled in
            pdf.cell(col_w - lw - 3, h, " " + value)
        pdf.set_xy(x + col_w, pdf.get_y())
    pdf.ln(h + 2)
    pdf.set_font(doc.style.font, "", doc.style.size)


def _checks(pdf: _Pdf, doc: Doc, block: Checks, rng: random.Random) -> None:
    if block.prompt:
        pdf.multi_cell(0, _line_h(pdf), block.prompt, **NEW_LINE)
    glyphs = rng.random() < 0.4
    per_row = rng.choice([1, 2, 3]) if len(block.items) > 3 else 1
    col_w = (pdf.w - pdf.l_margin - pdf.r_margin) / per_row
    h = _line_h(pdf) + 1
    for i, (text, on) in enumerate(block.items):
        col = i % per_row
        if col == 0 and i:
            pdf.ln(h)
        x = pdf.l_margin + 2 + col * col_w
        pdf.set_x(x)
        if glyphs:
            # DejaVu Serif lacks the ballot box glyphs, DejaVu Sans Mono has them.
            pdf.set_font("DejaVuSansMono", "", doc.style.size)
            pdf.cell(5, h, "☒" if on else "☐")
            pdf.set_font(doc.style.font, "", doc.style.size)
        else:
            y = pdf.get_y() + (h - 3) / 2
            pdf.rect(x, y, 3, 3)
            if on:
                pdf.line(x, y, x + 3, y + 3)
                pdf.line(x, y + 3, x + 3, y)
            pdf.set_x(x + 5)
        pdf.cell(col_w - 7, h, text)
    pdf.ln(h + 2)


def _signature(pdf: _Pdf, doc: Doc, block: Signature) -> None:
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    n = len(block.names)
    col_w = width / max(n, 1)
    pdf.ln(10)
    y = pdf.get_y()
    lines_used = 0
    for i, (name, role) in enumerate(block.names):
        x = pdf.l_margin + i * col_w
        pdf.line(x, y, x + col_w - 10, y)
        lines = name.split("\n")
        for n, line in enumerate(lines):
            pdf.set_xy(x, y + 1 + n * _line_h(pdf))
            pdf.cell(col_w - 10, _line_h(pdf), line)
        if role:
            pdf.set_xy(x, y + 1 + len(lines) * _line_h(pdf))
            pdf.set_font(doc.style.font, "I", doc.style.size - 1)
            pdf.cell(col_w - 10, _line_h(pdf), role)
            pdf.set_font(doc.style.font, "", doc.style.size)
        lines_used = max(lines_used, len(lines) + (1 if role else 0))
    pdf.set_xy(pdf.l_margin, y + (lines_used + 1.5) * _line_h(pdf))


def _mono(pdf: _Pdf, doc: Doc, block: Mono) -> None:
    size = doc.style.size if doc.style.page == "slip" else doc.style.size - 1
    pdf.set_font("DejaVuSansMono", "", size)
    for line in block.lines:
        pdf.cell(0, size * 0.45, line, **NEW_LINE)
    pdf.set_font(doc.style.font, "", doc.style.size)
    pdf.ln(1)


def _columns(pdf: _Pdf, doc: Doc, block: Columns, rng: random.Random) -> None:
    """Set headings, paragraphs and lists in two columns, other blocks full width."""
    run: list = []

    def flush() -> None:
        if not run:
            return
        st = doc.style
        with pdf.text_columns(
            ncols=2, gutter=6, text_align="J", line_height=1.15
        ) as cols:
            for item in run:
                if isinstance(item, Heading):
                    pdf.set_font(st.font, "B", st.size + 1)
                    cols.write(item.text)
                    cols.ln()
                    pdf.set_font(st.font, "", st.size)
                elif isinstance(item, Bullets):
                    for n, text in enumerate(item.items, 1):
                        cols.write((f"[{n}] " if item.ordered else "• ") + text)
                        cols.ln()
                else:
                    cols.write(item.text)
                    cols.ln()
                cols.ln()
        run.clear()

    for sub in block.blocks:
        if isinstance(sub, (Heading, Para, Bullets)):
            run.append(sub)
        else:
            flush()
            _render_block(pdf, doc, sub, rng)
    flush()


def _render_block(pdf: _Pdf, doc: Doc, block, rng: random.Random) -> None:
    if isinstance(block, Heading):
        _heading(pdf, doc, block)
    elif isinstance(block, Para):
        _para(pdf, doc, block)
    elif isinstance(block, KeyValues):
        _key_values(pdf, doc, block)
    elif isinstance(block, Table):
        _table(pdf, doc, block)
    elif isinstance(block, Bullets):
        _bullets(pdf, doc, block, rng)
    elif isinstance(block, Fields):
        _fields(pdf, doc, block)
    elif isinstance(block, Checks):
        _checks(pdf, doc, block, rng)
    elif isinstance(block, Signature):
        _signature(pdf, doc, block)
    elif isinstance(block, Mono):
        _mono(pdf, doc, block)
    elif isinstance(block, Rule):
        y = pdf.get_y() + 1
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.ln(3)
    elif isinstance(block, Space):
        pdf.ln(block.height)
    elif isinstance(block, PageBreak):
        pdf.add_page()
    elif isinstance(block, Columns):
        _columns(pdf, doc, block, rng)


def render_pdf(
    doc: Doc, rng: random.Random, footer: str = "", numbered: bool | None = None
) -> bytes:
    """Render the document to PDF bytes."""
    pdf = _new_pdf(doc, rng)
    pdf.footer_text = footer
    pdf.numbered = (rng.random() < 0.4) if numbered is None else numbered
    pdf.page_word = PAGE_WORDS.get(doc.lang, "Page")
    if doc.style.page == "slip":
        pdf.numbered = False
    for block in doc.blocks:
        _render_block(pdf, doc, block, rng)
    return bytes(pdf.output())
