"""Render a :class:`~blocks.Doc` as plain text, Markdown or HTML."""

from __future__ import annotations

import html
import random
import textwrap

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

BOX_ON, BOX_OFF = "[X]", "[ ]"


def _pad_table(header: list[str], rows: list[list[str]], align) -> list[str]:
    grid = [header, *rows] if header else list(rows)
    ncols = max(len(r) for r in grid)
    grid = [list(r) + [""] * (ncols - len(r)) for r in grid]
    widths = [max(len(r[i]) for r in grid) for i in range(ncols)]
    align = align or ["L"] * ncols
    lines = []
    for n, row in enumerate(grid):
        cells = []
        for i, cell in enumerate(row):
            a = align[i] if i < len(align) else "L"
            cells.append(cell.rjust(widths[i]) if a == "R" else cell.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip())
        if n == 0 and header:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_txt(doc: Doc, width: int = 78) -> str:
    """Render plain text with underlined headings and space-aligned tables."""
    out: list[str] = []
    for block in doc.iter_flat():
        if isinstance(block, Heading):
            text = block.text
            out.append("")
            if block.level == 1:
                out.append(text.upper() if len(text) < 60 else text)
                out.append("=" * min(len(text), width))
            elif block.level == 2:
                out.append(text)
                out.append("-" * min(len(text), width))
            else:
                out.append(text)
        elif isinstance(block, Para):
            lines = textwrap.wrap(block.text, width) or [""]
            if block.align == "C":
                lines = [ln.center(width).rstrip() for ln in lines]
            elif block.align == "R":
                lines = [ln.rjust(width) for ln in lines]
            out.extend(lines)
            out.append("")
        elif isinstance(block, KeyValues):
            lw = max((len(k) for k, _ in block.pairs), default=0)
            out.extend(f"{k + ':':<{lw + 1}} {v}".rstrip() for k, v in block.pairs)
            out.append("")
        elif isinstance(block, Table):
            out.extend(_pad_table(block.header, block.rows + block.footer, block.align))
            out.append("")
        elif isinstance(block, Bullets):
            for i, item in enumerate(block.items, 1):
                mark = f"{i}." if block.ordered else "-"
                wrapped = textwrap.wrap(item, width - 4) or [""]
                out.append(f"{mark} {wrapped[0]}")
                out.extend("   " + w for w in wrapped[1:])
            out.append("")
        elif isinstance(block, Fields):
            for label, value in block.labels:
                line = value if value else "_" * 24
                out.append(f"{label}: {line}" if label else "_" * 40)
            out.append("")
        elif isinstance(block, Checks):
            if block.prompt:
                out.append(block.prompt)
            out.extend(f"  {BOX_ON if on else BOX_OFF} {t}" for t, on in block.items)
            out.append("")
        elif isinstance(block, Signature):
            for name, role in block.names:
                out += ["", "_" * 30, name] + ([role] if role else [])
            out.append("")
        elif isinstance(block, Mono):
            out.extend(block.lines)
            if len(doc.blocks) > 1:
                out.append("")
        elif isinstance(block, Rule):
            out.append("-" * width)
        elif isinstance(block, Space):
            out.append("")
        elif isinstance(block, PageBreak):
            out.append("\f")
    return _squeeze("\n".join(out)).strip("\n") + "\n"


def _squeeze(text: str) -> str:
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_md(doc: Doc) -> str:
    """Render GitHub-flavoured Markdown with pipe tables and task-list boxes."""
    out: list[str] = []
    for block in doc.iter_flat():
        if isinstance(block, Heading):
            out += ["#" * min(block.level, 6) + " " + block.text, ""]
        elif isinstance(block, Para):
            text = block.text
            if block.bold:
                text = f"**{text}**"
            elif block.italic:
                text = f"*{text}*"
            out += [text, ""]
        elif isinstance(block, KeyValues):
            out += [f"**{k}:** {v}  " for k, v in block.pairs] + [""]
        elif isinstance(block, Table):
            if block.header:
                head = block.header
                body = block.rows + block.footer
            else:
                head, body = block.rows[0], block.rows[1:] + block.footer
            out.append("| " + " | ".join(_md_escape_cell(c) for c in head) + " |")
            aligns = block.align or ["L"] * len(head)
            sep = {"L": "---", "R": "---:", "C": ":---:"}
            out.append("|" + "|".join(sep.get(a, "---") for a in aligns) + "|")
            for row in body:
                out.append("| " + " | ".join(_md_escape_cell(c) for c in row) + " |")
            out.append("")
        elif isinstance(block, Bullets):
            for i, item in enumerate(block.items, 1):
                out.append(f"{i}. {item}" if block.ordered else f"- {item}")
            out.append("")
        elif isinstance(block, Fields):
            blank = "\\_" * 12
            out += [f"- **{k}:** {v or blank}" for k, v in block.labels] + [""]
        elif isinstance(block, Checks):
            if block.prompt:
                out += [block.prompt, ""]
            out += [f"- [{'x' if on else ' '}] {t}" for t, on in block.items] + [""]
        elif isinstance(block, Signature):
            for name, role in block.names:
                out += ["", "\\_" * 20, "", f"{name}" + (f", {role}" if role else "")]
            out.append("")
        elif isinstance(block, Mono):
            out += ["```", *block.lines, "```", ""]
        elif isinstance(block, Rule):
            out += ["---", ""]
        elif isinstance(block, (Space, PageBreak)):
            continue
    return _squeeze("\n".join(out)).strip("\n") + "\n"


def render_html(doc: Doc, rng: random.Random) -> str:
    """Render a standalone HTML page with a little inline CSS."""
    e = html.escape
    font = rng.choice(
        [
            "Arial, sans-serif",
            "Georgia, serif",
            "Helvetica, sans-serif",
            "'Segoe UI', sans-serif",
            "Verdana, sans-serif",
        ]
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{doc.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
        f"<style>body{{font-family:{font};max-width:820px;margin:2em auto;}}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 8px}"
        ".num{text-align:right}</style>",
        "</head>",
        "<body>",
    ]
    for block in doc.iter_flat():
        if isinstance(block, Heading):
            lvl = min(block.level, 6)
            parts.append(f"<h{lvl}>{e(block.text)}</h{lvl}>")
        elif isinstance(block, Para):
            text = e(block.text)
            if block.bold:
                text = f"<strong>{text}</strong>"
            style = {
                "C": ' style="text-align:center"',
                "R": ' style="text-align:right"',
            }.get(block.align, "")
            parts.append(f"<p{style}>{text}</p>")
        elif isinstance(block, KeyValues):
            parts.append("<dl>")
            for k, v in block.pairs:
                parts.append(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>")
            parts.append("</dl>")
        elif isinstance(block, Table):
            parts.append("<table>")
            if block.header:
                cells = "".join(f"<th>{e(c)}</th>" for c in block.header)
                parts.append(f"<thead><tr>{cells}</tr></thead>")
            parts.append("<tbody>")
            align = block.align or []
            for row in block.rows + block.footer:
                cells = "".join(
                    f'<td class="num">{e(c)}</td>'
                    if i < len(align) and align[i] == "R"
                    else f"<td>{e(c)}</td>"
                    for i, c in enumerate(row)
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{e(i)}</li>" for i in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Fields):
            parts.append("<form>")
            for k, v in block.labels:
                parts.append(
                    f'<p><label>{e(k)}: <input type="text" value="{e(v)}"></label></p>'
                )
            parts.append("</form>")
        elif isinstance(block, Checks):
            if block.prompt:
                parts.append(f"<p>{e(block.prompt)}</p>")
            for t, on in block.items:
                checked = " checked" if on else ""
                parts.append(
                    f'<p><label><input type="checkbox"{checked}> {e(t)}</label></p>'
                )
        elif isinstance(block, Signature):
            for name, role in block.names:
                parts.append(
                    f"<p>______________________<br>{e(name)}"
                    + (f"<br>{e(role)}" if role else "")
                    + "</p>"
                )
        elif isinstance(block, Mono):
            parts.append("<pre>" + e("\n".join(block.lines)) + "</pre>")
        elif isinstance(block, Rule):
            parts.append("<hr>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def add_text_noise(text: str, rng: random.Random, kind: str) -> str:
    """Roughen text the way OCR output, shouting or sloppy spacing does."""
    if kind == "ocr":
        swaps = {
            "l": "1",
            "O": "0",
            "o": "0",
            "e": "c",
            "rn": "m",
            "i": "l",
            "S": "5",
            "B": "8",
            "a": "o",
            "t": "f",
        }
        out = []
        for line in text.split("\n"):
            chars = list(line)
            for i, ch in enumerate(chars):
                if ch in swaps and rng.random() < 0.025:
                    chars[i] = swaps[ch]
                elif ch == " " and rng.random() < 0.02:
                    chars[i] = ""
            out.append("".join(chars))
        return "\n".join(out)
    if kind == "upper":
        return text.upper()
    if kind == "lower":
        return text.lower()
    if kind == "spaces":
        out = []
        for line in text.split("\n"):
            if rng.random() < 0.3:
                line = " " * rng.randint(1, 6) + line
            line = line.replace(" ", "  ") if rng.random() < 0.15 else line
            out.append(line + " " * rng.randint(0, 3))
            if rng.random() < 0.1:
                out.append("")
        return "\n".join(out)
    return text
